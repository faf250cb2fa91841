package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// demoAccount is the demo's account scope (demoCarol and demoTerraform
// are in query_e2e_test.go).
const demoAccount = "aws:account:111122223333"

// graphviz returns the path of dot, skipping the test without it unless
// CI is set (scripts/viz-tools ensure installs it).
func graphviz(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("dot")
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Graphviz (dot) is not installed: CI must run this test (scripts/viz-tools ensure)")
	}
	t.Skip("Graphviz (dot) is not installed (scripts/viz-tools ensure)")
	return ""
}

// TestVizDOT draws the demo estate, whole and around one user, and has
// Graphviz render each file.
func TestVizDOT(t *testing.T) {
	dot := graphviz(t)
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"all.dot":   {"viz", "--demo", "-o", "all.dot"},
		"carol.dot": {"viz", "--demo", "--format", "dot", "--focus", demoCarol, "--depth", "1", "-o", "carol.dot"},
		"admin.dot": {"viz", "--demo", "--focus", demoAccount, "-o", "admin.dot"},
	} {
		res := runCLI(t, dir, args...)
		if res.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, res.code, res.stderr)
		}
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("digraph blastradius {")) {
			t.Errorf("%s is not a DOT graph", name)
		}
		cmd := exec.Command(dot, "-Tsvg", path, "-o", path+".svg")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("dot -Tsvg %s: %v\n%s", name, err, stderr.String())
		}
	}
	carol, _ := os.ReadFile(filepath.Join(dir, "carol.dot"))
	all, _ := os.ReadFile(filepath.Join(dir, "all.dot"))
	if !bytes.Contains(carol, []byte(`tooltip="`+demoCarol+`"`)) || !bytes.Contains(carol, []byte("(depth 1)")) {
		t.Errorf("the focused graph lacks carol or its depth:\n%.600s", carol)
	}
	if bytes.Count(carol, []byte(" -> ")) >= bytes.Count(all, []byte(" -> ")) {
		t.Error("the neighbourhood is not smaller than the whole graph")
	}
}

func TestVizMermaid(t *testing.T) {
	res := runCLI(t, "", "viz", "--demo", "--format", "mermaid", "--focus", demoCarol)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	lines := strings.Split(res.stdout, "\n")
	if !strings.HasPrefix(lines[0], "%% blastradius attack graph around "+demoCarol) || lines[1] != "flowchart LR" {
		t.Errorf("head:\n%s\n%s", lines[0], lines[1])
	}
	if !strings.Contains(res.stdout, `(["carol.diaz<br/>aws.user"])`) {
		t.Error("carol is not drawn as an identity")
	}
	if res.stderr != "" {
		t.Errorf("a small diagram is warned about: %s", res.stderr)
	}
}

func TestVizHTMLFocus(t *testing.T) {
	dir := t.TempDir()
	res := runCLI(t, dir, "viz", "--demo", "--format", "html", "--focus", demoTerraform, "-o", "tf.html")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	page, err := os.ReadFile(filepath.Join(dir, "tf.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("focused on "+demoTerraform)) || !bytes.Contains(page, []byte("Content-Security-Policy")) {
		t.Error("the page is not focused on terraform-apply")
	}
	// Fewer identities than the whole demo's page.
	whole := runCLI(t, dir, "analyze", "--demo", "--format", "html", "-o", "all.html")
	if whole.code != 0 {
		t.Fatalf("analyze --format html: exit %d\n%s", whole.code, whole.stderr)
	}
	all, _ := os.ReadFile(filepath.Join(dir, "all.html"))
	if n, m := bytes.Count(page, []byte("<tr data-row=")), bytes.Count(all, []byte("<tr data-row=")); n == 0 || n >= m {
		t.Errorf("focused page lists %d identities, the whole %d", n, m)
	}
}

func TestVizBadUsageExits2(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"unknown focus":         {[]string{"viz", "--demo", "--focus", "arn:aws:iam::111122223333:role/nobody"}, "is not in the analyzed estate"},
		"html focus not an id":  {[]string{"viz", "--demo", "--format", "html", "--focus", demoAccount}, "is not an identity"},
		"unknown format":        {[]string{"viz", "--demo", "--format", "svg"}, "want dot, mermaid or html"},
		"depth without focus":   {[]string{"viz", "--demo", "--depth", "3"}, "--depth needs --focus"},
		"depth zero":            {[]string{"viz", "--demo", "--focus", demoCarol, "--depth", "0"}, "must be 1 or more"},
		"no snapshot":           {[]string{"viz"}, "no snapshot given"},
		"missing snapshot file": {[]string{"viz", "nothing.json"}, "nothing.json"},
	} {
		t.Run(name, func(t *testing.T) {
			res := runCLI(t, "", tc.args...)
			if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", res.code, res.stderr, tc.want)
			}
		})
	}
}

// TestAnalyzeNewFormats: markdown, sarif (located in the snapshot file)
// and html from the command line.
func TestAnalyzeNewFormats(t *testing.T) {
	export := writeDemoExport(t)
	dir := t.TempDir()
	if res := runCLI(t, dir, "collect", "aws", "--from-dir", export, "-o", "demo.snap.json"); res.code != 0 {
		t.Fatalf("collect: exit %d\n%s", res.code, res.stderr)
	}
	md := runCLI(t, dir, "analyze", "demo.snap.json", "--format", "markdown", "--top", "5")
	if md.code != 0 || !strings.HasPrefix(md.stdout, "<!-- blastradius-analysis -->\n## blastradius analysis") ||
		!strings.Contains(md.stdout, "Showing the top 5 of") || !strings.Contains(md.stdout, "### Administrators") {
		t.Errorf("markdown: exit %d\n%.800s", md.code, md.stdout)
	}

	sarif := runCLI(t, dir, "analyze", "demo.snap.json", "--format", "sarif", "-o", "out.sarif")
	if sarif.code != 0 {
		t.Fatalf("sarif: exit %d\n%s", sarif.code, sarif.stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "out.sarif"))
	snapLines := strings.Split(string(mustRead(t, filepath.Join(dir, "demo.snap.json"))), "\n")
	var doc struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Version string } `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	results := doc.Runs[0].Results
	if len(results) < 20 {
		t.Fatalf("%d SARIF results, want one per demo administrator (20 and more)", len(results))
	}
	for _, r := range results {
		loc := r.Locations[0]
		id := loc.LogicalLocations[0].FullyQualifiedName
		if loc.PhysicalLocation == nil || loc.PhysicalLocation.ArtifactLocation.URI != "demo.snap.json" {
			t.Errorf("%s: physical location %+v", id, loc.PhysicalLocation)
			continue
		}
		line := loc.PhysicalLocation.Region.StartLine
		defined := strings.Contains(string(mustRead(t, filepath.Join(dir, "demo.snap.json"))), `"id": "`+id+`"`)
		switch {
		case !defined && line != 1:
			t.Errorf("%s, which the snapshot does not define (derived), located at line %d, want 1", id, line)
		case defined && (line < 1 || line > len(snapLines) || !strings.Contains(snapLines[line-1], `"id": "`+id+`"`)):
			t.Errorf("%s located at line %d, which is not its definition", id, line)
		}
	}

	html := runCLI(t, dir, "analyze", "demo.snap.json", "--format", "html", "-o", "report.html", "--top", "10")
	page := mustRead(t, filepath.Join(dir, "report.html"))
	if html.code != 0 || bytes.Count(page, []byte("<tr data-row=")) != 10 {
		t.Errorf("html --top 10: exit %d, %d rows", html.code, bytes.Count(page, []byte("<tr data-row=")))
	}
	// Nodes of paths are named from the estate: the demo account's name.
	if !bytes.Contains(page, []byte(`"acme-prod"`)) {
		t.Error("the page does not name the demo account from the estate")
	}

	base, cur := snapshotPair(t, dir)
	d := runCLI(t, dir, "diff", base, cur, "--format", "html", "-o", "diff.html", "--fail-on", "new-admin")
	diffPage := mustRead(t, filepath.Join(dir, "diff.html"))
	if d.code != 1 || !bytes.Contains(diffPage, []byte("gate failed")) || !bytes.Contains(diffPage, []byte("new-admin")) {
		t.Errorf("diff --format html: exit %d (want 1: the gate fires)", d.code)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
