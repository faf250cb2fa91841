package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGCPImpersonationChain is the Done-when chain, through the
// binary: collect gcp --from-file on a Cloud Asset Inventory export, then
// paths shows the user → token creator on SA1 → implicit delegation to
// SA2 → project owner.
func TestGCPImpersonationChain(t *testing.T) {
	dir := t.TempDir()
	fixture, err := filepath.Abs(filepath.Join("testdata", "gcp-chain"))
	if err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, dir, "collect", "gcp", "--from-file", filepath.Join(fixture, "resources.jsonl"),
		"--from-file", filepath.Join(fixture, "iam-policy.jsonl"), "-o", "gcp.snap.json")
	if res.code != 0 {
		t.Fatalf("collect: exit %d: %s", res.code, res.stderr)
	}
	const (
		dev     = "gcp:user:dev@example.com"
		sa1     = "gcp:serviceAccount:sa1@app-prod.iam.gserviceaccount.com"
		sa2     = "gcp:serviceAccount:sa2@app-prod.iam.gserviceaccount.com"
		project = "gcp:project:app-prod"
	)
	res = runCLI(t, dir, "paths", "gcp.snap.json", "--from", dev, "--to-admin", "--format", "json")
	if res.code != 0 {
		t.Fatalf("paths: exit %d: %s", res.code, res.stderr)
	}
	var doc struct {
		Paths []struct {
			Target      string
			Conditional bool
			Path        []struct{ From, To, Technique, Evidence string }
		}
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Paths) != 1 || doc.Paths[0].Target != project || doc.Paths[0].Conditional {
		t.Fatalf("paths = %+v, want one certain path to %s", doc.Paths, project)
	}
	want := []struct{ from, to, technique, evidence string }{
		{dev, sa1, "iam.serviceAccounts.getAccessToken", "roles/iam.serviceAccountTokenCreator (iam.serviceAccounts.getAccessToken) to user:dev@example.com"},
		{sa1, sa2, "iam.serviceAccounts.implicitDelegation", "roles/iam.serviceAccountTokenCreator (iam.serviceAccounts.implicitDelegation) to serviceAccount:sa1@app-prod.iam.gserviceaccount.com"},
		{sa2, project, "resourcemanager.projects.setIamPolicy", "roles/owner (resourcemanager.projects.setIamPolicy)"},
	}
	got := doc.Paths[0].Path
	if len(got) != len(want) {
		t.Fatalf("path = %+v", got)
	}
	for i, w := range want {
		h := got[i]
		if h.From != w.from || h.To != w.to || h.Technique != w.technique || !strings.Contains(h.Evidence, w.evidence) {
			t.Errorf("hop %d = %+v, want %s -%s-> %s with evidence %q", i, h, w.from, w.technique, w.to, w.evidence)
		}
	}

	table := runCLI(t, dir, "paths", "gcp.snap.json", "--from", dev, "--to", project)
	if table.code != 0 || !strings.Contains(table.stdout, "--iam.serviceAccounts.implicitDelegation--> "+sa2) {
		t.Errorf("table (exit %d):\n%s", table.code, table.stdout)
	}
}

// TestGCPBadExportExitsTwo: a malformed export line is bad input, exit 2,
// naming the file and the line.
func TestGCPBadExportExitsTwo(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.jsonl"), []byte("{\"name\":\"//a\",\"asset_type\":\"x/Y\"}\n{oops\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, dir, "collect", "gcp", "--from-file", "bad.jsonl", "-o", "gcp.snap.json")
	if res.code != 2 || !strings.Contains(res.stderr, "bad.jsonl: line 2") {
		t.Errorf("exit %d, stderr %q; want 2 naming bad.jsonl: line 2", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "gcp.snap.json")); err == nil {
		t.Error("a snapshot was written")
	}
}
