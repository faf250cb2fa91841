package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const (
	appRole   = "arn:aws:iam::111111111111:role/app"
	opsRole   = "arn:aws:iam::111111111111:role/ops-admin"
	acctScope = "aws:account:111111111111"
)

// gaadAppAndAdmin is an export with two roles: ops-admin, administrator of
// the account and assumable by any principal of the account the policy
// allows, and app with the inline statements appStatements.
func gaadAppAndAdmin(appStatements string) []byte {
	role := func(name, trust, statements string) string {
		return fmt.Sprintf(`{
      "Path": "/", "RoleName": %q, "RoleId": "AROA%sEXAMPLE", "Arn": "arn:aws:iam::111111111111:role/%s",
      "CreateDate": "2024-01-02T03:04:05Z",
      "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": %s, "Action": "sts:AssumeRole"}]},
      "InstanceProfileList": [],
      "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17", "Statement": [%s]}}],
      "AttachedManagedPolicies": [], "Tags": []
    }`, name, strings.ToUpper(name[:3]), name, trust, statements)
	}
	return fmt.Appendf(nil, `{
  "UserDetailList": [], "GroupDetailList": [],
  "RoleDetailList": [
    %s,
    %s
  ],
  "Policies": [], "IsTruncated": false
}
`, role("app", `{"Service": "ec2.amazonaws.com"}`, appStatements),
		role("ops-admin", `{"AWS": "arn:aws:iam::111111111111:root"}`, `{"Effect": "Allow", "Action": "*", "Resource": "*"}`))
}

const (
	readOnly    = `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`
	assumeAdmin = `{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111111111111:role/ops-admin"}`
)

// snapshotPair collects a baseline (app reads S3) and a current export (app
// can also assume ops-admin: a new path to admin) into dir and returns the
// snapshot file names, relative to dir.
func snapshotPair(t *testing.T, dir string) (baseline, current string) {
	t.Helper()
	for name, statements := range map[string]string{
		"baseline.snap.json": readOnly,
		"current.snap.json":  readOnly + ", " + assumeAdmin,
	} {
		export := writeExport(t, gaadAppAndAdmin(statements))
		if res := runCLI(t, dir, "collect", "aws", "--from-dir", export, "-o", name); res.code != 0 {
			t.Fatalf("collect %s: exit %d, stderr:\n%s", name, res.code, res.stderr)
		}
	}
	return "baseline.snap.json", "current.snap.json"
}

// diffDoc is the part of the diff JSON report the tests check.
type diffDoc struct {
	SchemaVersion int  `json:"schema_version"`
	Failed        bool `json:"failed"`
	Gate          []struct {
		Rule     string `json:"rule"`
		Fired    bool   `json:"fired"`
		Findings int    `json:"findings"`
	} `json:"gate"`
	Findings []struct {
		Kind     string `json:"kind"`
		Identity struct {
			ID string `json:"id"`
		} `json:"identity"`
		Target string `json:"target"`
		Paths  []struct {
			Path []struct {
				From, To, Technique, Evidence string
			} `json:"path"`
		} `json:"paths"`
	} `json:"findings"`
	Current struct {
		File string `json:"file"`
	} `json:"current"`
}

func TestDiffExitCodes(t *testing.T) {
	dir := t.TempDir()
	base, cur := snapshotPair(t, dir)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no rule", []string{"diff", base, cur}, 0},
		{"new-admin fires", []string{"diff", base, cur, "--fail-on", "new-admin"}, 1},
		{"increase fires", []string{"diff", base, cur, "--fail-on", "increase"}, 1},
		{"score from zero fires any percentage", []string{"diff", base, cur, "--fail-on", "score-pct=500"}, 1},
		{"new-identity does not fire", []string{"diff", base, cur, "--fail-on", "new-identity"}, 0},
		{"one of two rules fires", []string{"diff", base, cur, "--fail-on", "new-identity", "--fail-on", "new-admin"}, 1},
		{"comma-separated rules", []string{"diff", base, cur, "--fail-on", "new-identity,new-admin"}, 1},
		{"nothing changed", []string{"diff", base, base, "--fail-on", "new-admin"}, 0},
		{"nothing changed, any increase", []string{"diff", cur, cur, "--fail-on", "increase"}, 0},
		{"the path removed is no increase", []string{"diff", cur, base, "--fail-on", "increase"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, dir, tc.args...)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, tc.code, res.stdout, res.stderr)
			}
			if !strings.HasPrefix(res.stdout, "blastradius diff\n") {
				t.Errorf("no table report on stdout:\n%s", res.stdout)
			}
			if tc.code == 1 && !strings.Contains(res.stderr, "blastradius: diff: gate failed: --fail-on ") {
				t.Errorf("stderr does not say which rule failed:\n%s", res.stderr)
			}
			if tc.code == 0 && res.stderr != "" {
				t.Errorf("stderr not empty:\n%s", res.stderr)
			}
		})
	}
}

func TestDiffFindsNewAdminPath(t *testing.T) {
	dir := t.TempDir()
	base, cur := snapshotPair(t, dir)
	res := runCLI(t, dir, "diff", base, cur, "--format", "json", "--fail-on", "new-admin")
	if res.code != 1 {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
	validateWith(t, "diff.schema.json", []byte(res.stdout))
	var doc diffDoc
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != 1 || !doc.Failed || len(doc.Gate) != 1 || !doc.Gate[0].Fired || doc.Current.File != cur {
		t.Errorf("header: %+v", doc)
	}
	var admin int
	for _, f := range doc.Findings {
		if f.Kind != "new-admin" {
			continue
		}
		admin++
		if f.Identity.ID != appRole || f.Target != acctScope {
			t.Errorf("new-admin for %s on %s, want %s on %s", f.Identity.ID, f.Target, appRole, acctScope)
		}
		if len(f.Paths) != 1 || len(f.Paths[0].Path) != 2 {
			t.Fatalf("new-admin paths = %+v, want app → ops-admin → account", f.Paths)
		}
		first, last := f.Paths[0].Path[0], f.Paths[0].Path[1]
		if first.From != appRole || first.To != opsRole || last.To != acctScope {
			t.Errorf("path %+v", f.Paths[0].Path)
		}
		if !strings.Contains(first.Evidence, "sts:AssumeRole") {
			t.Errorf("first hop evidence does not cite the new statement: %q", first.Evidence)
		}
	}
	if admin != 1 {
		t.Errorf("%d new-admin findings, want 1:\n%s", admin, res.stdout)
	}
}

func TestDiffFormats(t *testing.T) {
	dir := t.TempDir()
	base, cur := snapshotPair(t, dir)

	res := runCLI(t, dir, "diff", base, cur, "--fail-on", "new-admin", "--format", "markdown", "-o", "comment.md")
	if res.code != 1 || res.stdout != "" {
		t.Fatalf("markdown: exit %d, stdout %q, stderr:\n%s", res.code, res.stdout, res.stderr)
	}
	md, err := os.ReadFile(filepath.Join(dir, "comment.md"))
	if err != nil {
		t.Fatalf("the report is not written when the gate fails: %v", err)
	}
	for _, want := range []string{
		"<!-- blastradius-diff -->\n## blastradius diff: ❌ gate failed",
		"| `new-admin` | ❌ fired | 1 |",
		"<details>",
		"<summary><code>" + appRole + "</code> → <code>" + acctScope + "</code> (2 hops)</summary>",
		"`" + opsRole + "` → `" + acctScope + "`",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}

	res = runCLI(t, dir, "diff", base, cur, "--fail-on", "new-admin", "--format", "sarif", "-o", "results.sarif")
	if res.code != 1 {
		t.Fatalf("sarif: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "results.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	validateWith(t, "sarif-schema-2.1.0.json", data)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	snap, err := os.ReadFile(filepath.Join(dir, cur))
	if err != nil {
		t.Fatal(err)
	}
	wantLine := 1 + bytes.Count(snap[:bytes.Index(snap, []byte(`"id": "`+appRole+`"`))], []byte("\n"))
	var admin bool
	for _, r := range log.Runs[0].Results {
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != cur || loc.Region.StartLine != wantLine {
			t.Errorf("%s located at %s:%d, want %s:%d", r.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine, cur, wantLine)
		}
		admin = admin || (r.RuleID == "new-admin" && r.Level == "error")
	}
	if !admin {
		t.Errorf("no new-admin error result:\n%s", data)
	}

	// The same comparison in every format, unchanged estate: exit 0.
	for _, format := range []string{"table", "json", "markdown", "sarif"} {
		res := runCLI(t, dir, "diff", cur, cur, "--fail-on", "new-admin", "-f", format)
		if res.code != 0 || res.stdout == "" {
			t.Errorf("%s, no change: exit %d, %d bytes, stderr:\n%s", format, res.code, len(res.stdout), res.stderr)
		}
	}
}

func TestDiffCurrentFromStdin(t *testing.T) {
	dir := t.TempDir()
	base, _ := snapshotPair(t, dir)
	collect := runCLI(t, "", "collect", "aws", "--from-dir", writeExport(t, gaadAppAndAdmin(readOnly+", "+assumeAdmin)))
	if collect.code != 0 {
		t.Fatalf("collect: exit %d, stderr:\n%s", collect.code, collect.stderr)
	}
	cmd := exec.Command(binary, "diff", base, "-", "--fail-on", "new-admin", "--format", "json")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(collect.stdout)
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("diff BASE -: %v, want exit 1", err)
	}
	var doc diffDoc
	if err := json.Unmarshal(out, &doc); err != nil || !doc.Failed || doc.Current.File != "<stdin>" {
		t.Errorf("diff from stdin: %v, %+v", err, doc)
	}
}

func TestDiffBadUsageExits2(t *testing.T) {
	dir := t.TempDir()
	base, cur := snapshotPair(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "broken.snap.json"), []byte("{\n  \"schema_version\": 1,\n  \"nodes\": [oops]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"one snapshot", []string{"diff", base, "-o", "out.txt"}, []string{"two snapshots", "got 1"}},
		{"three snapshots", []string{"diff", base, cur, cur, "-o", "out.txt"}, []string{"got 3"}},
		{"unknown rule", []string{"diff", base, cur, "--fail-on", "more-admin", "-o", "out.txt"}, []string{"--fail-on", "more-admin", "new-admin"}},
		{"score-pct without N", []string{"diff", base, cur, "--fail-on", "score-pct", "-o", "out.txt"}, []string{"score-pct=N"}},
		{"score-pct not positive", []string{"diff", base, cur, "--fail-on", "score-pct=-3", "-o", "out.txt"}, []string{"positive"}},
		{"unknown format", []string{"diff", base, cur, "--format", "pdf", "-o", "out.txt"}, []string{"pdf", "sarif, html"}},
		{"missing baseline", []string{"diff", "absent.snap.json", cur, "-o", "out.txt"}, []string{"baseline", "absent.snap.json"}},
		{"malformed current", []string{"diff", base, "broken.snap.json", "--fail-on", "new-admin", "-o", "out.txt"}, []string{"current", "broken.snap.json", "line 3"}},
		{"both from stdin", []string{"diff", "-", "-", "-o", "out.txt"}, []string{"standard input"}},
		{"missing sensitivity file", []string{"diff", base, cur, "--sensitivity", "absent.yaml", "-o", "out.txt"}, []string{"absent.yaml"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, dir, tc.args...)
			if res.code != 2 {
				t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, res.stderr)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "out.txt")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("out.txt written by a failed run (err %v)", err)
			}
		})
	}
}

func TestDiffHelp(t *testing.T) {
	res := runCLI(t, "", "diff", "--help")
	if res.code != 0 {
		t.Fatalf("exit %d", res.code)
	}
	for _, w := range []string{"--fail-on", "score-pct=N", "markdown", "sarif", "Examples", "Exit codes"} {
		if !strings.Contains(res.stdout, w) {
			t.Errorf("diff --help lacks %q:\n%s", w, res.stdout)
		}
	}
	if res := runCLI(t, "", "--help"); !strings.Contains(res.stdout, "diff") {
		t.Errorf("root help does not list diff:\n%s", res.stdout)
	}
}

// validateWith validates data against a schema of the report package's
// test data (the SARIF 2.1.0 schema, the diff JSON contract).
func validateWith(t *testing.T, schema string, data []byte) {
	t.Helper()
	path := filepath.Join("..", "..", "report", "testdata", schema)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(schema, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schema)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("output does not follow %s: %v\n%s", schema, err, data)
	}
}
