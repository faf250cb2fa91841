package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/fixtures"
)

// binary is the blastradius executable built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	flag.Parse()
	if f := flag.Lookup("test.list"); f != nil && f.Value.String() != "" {
		return m.Run() // listing tests (make fuzz) needs no binary
	}
	dir, err := os.MkdirTemp("", "blastradius-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "blastradius")
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// cliResult is what one run of the binary produced.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs the binary with args in dir (a fresh temp dir when "").
func runCLI(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	default:
		t.Fatalf("run %v: %v", args, err)
	}
	return res
}

// demoGAAD returns the embedded demo estate's gaad.json.
func demoGAAD(t *testing.T) []byte {
	t.Helper()
	data, err := fs.ReadFile(fixtures.DemoAWS(), "gaad.json")
	if err != nil {
		t.Fatalf("read demo gaad.json: %v", err)
	}
	return data
}

// writeExport writes gaad.json with content into a new directory under
// t.TempDir() and returns the directory.
func writeExport(t *testing.T, content []byte) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "export")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gaad.json"), content, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// analysisJSON is the part of the analysis JSON contract the tests check.
type analysisJSON struct {
	SchemaVersion *int `json:"schema_version"`
	Snapshots     []struct {
		Provider string `json:"provider"`
		Scope    string `json:"scope"`
	} `json:"snapshots"`
	Identities []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Rank        int    `json:"rank"`
		BlastRadius struct {
			Score float64 `json:"score"`
		} `json:"blast_radius"`
	} `json:"identities"`
}

// decodeAnalysis parses an analysis JSON report and checks the contract
// that holds for every report: schema_version 1, ranks 1..N in order,
// scores not increasing.
func decodeAnalysis(t *testing.T, data []byte) analysisJSON {
	t.Helper()
	var a analysisJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("analysis JSON does not parse: %v\n%s", err, data)
	}
	if a.SchemaVersion == nil || *a.SchemaVersion != 1 {
		t.Fatalf("schema_version = %v, want 1", a.SchemaVersion)
	}
	if len(a.Identities) == 0 {
		t.Fatal("no identities in the analysis")
	}
	for i, id := range a.Identities {
		if id.Rank != i+1 {
			t.Errorf("identities[%d] (%s) has rank %d, want %d", i, id.ID, id.Rank, i+1)
		}
		if i > 0 && id.BlastRadius.Score > a.Identities[i-1].BlastRadius.Score {
			t.Errorf("identities[%d] (%s) scores %v, more than rank %d (%v)",
				i, id.ID, id.BlastRadius.Score, i, a.Identities[i-1].BlastRadius.Score)
		}
	}
	return a
}

func TestAnalyzeDemoJSON(t *testing.T) {
	res := runCLI(t, "", "analyze", "--demo", "--format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
	a := decodeAnalysis(t, []byte(res.stdout))
	if len(a.Snapshots) == 0 || a.Snapshots[0].Provider != "aws" {
		t.Errorf("snapshots = %+v, want an aws source", a.Snapshots)
	}
}

func TestAnalyzeDemoTable(t *testing.T) {
	jsonRes := runCLI(t, "", "analyze", "--demo", "--format", "json")
	if jsonRes.code != 0 {
		t.Fatalf("json: exit %d, stderr:\n%s", jsonRes.code, jsonRes.stderr)
	}
	a := decodeAnalysis(t, []byte(jsonRes.stdout))

	res := runCLI(t, "", "analyze", "--demo")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if res.stderr != "" {
		t.Errorf("stderr not empty by default (slog must be quiet):\n%s", res.stderr)
	}
	// The table lists the identities in rank order: the top ones appear in
	// the same order as in the JSON ranking.
	rankAt := strings.Index(res.stdout, "RANK")
	if rankAt < 0 {
		t.Fatalf("table has no RANK header:\n%s", res.stdout)
	}
	rows := res.stdout[rankAt:]
	n := min(3, len(a.Identities))
	last := -1
	for _, id := range a.Identities[:n] {
		at := strings.Index(rows, id.Name)
		if at < 0 {
			t.Fatalf("table does not show rank %d identity %q:\n%s", id.Rank, id.Name, rows)
		}
		if at <= last {
			t.Errorf("identity %q (rank %d) appears out of rank order in the table:\n%s", id.Name, id.Rank, res.stdout)
		}
		last = at
	}
}

func TestAnalyzeDemoTopAndOutputFile(t *testing.T) {
	dir := t.TempDir()
	res := runCLI(t, dir, "analyze", "--demo", "--format", "json", "--top", "2", "-o", "report.json")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("stdout not empty with -o:\n%s", res.stdout)
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	a := decodeAnalysis(t, data)
	if len(a.Identities) > 2 {
		t.Errorf("--top 2 wrote %d identities", len(a.Identities))
	}
}

// writeDemoExport copies every file of the embedded demo into a new
// directory, as an export made with the AWS CLI would hold them.
func writeDemoExport(t *testing.T) string {
	t.Helper()
	export := writeExport(t, demoGAAD(t))
	entries, err := fs.ReadDir(fixtures.DemoAWS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(fixtures.DemoAWS(), e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(export, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return export
}

func TestCollectThenAnalyze(t *testing.T) {
	export := writeDemoExport(t)
	work := t.TempDir()
	snap := filepath.Join(work, "aws.snap.json")

	res := runCLI(t, work, "collect", "aws", "--from-dir", export, "-o", snap)
	if res.code != 0 {
		t.Fatalf("collect: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if !regexp.MustCompile(`collected \d+ nodes, \d+ edges, \d+ gaps`).MatchString(res.stderr) {
		t.Errorf("collect summary missing on stderr:\n%s", res.stderr)
	}
	data, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	var head struct {
		SchemaVersion int `json:"schema_version"`
		Nodes         []json.RawMessage
	}
	if err := json.Unmarshal(data, &head); err != nil || head.SchemaVersion != 1 || len(head.Nodes) == 0 {
		t.Fatalf("snapshot: schema_version %d, %d nodes, err %v", head.SchemaVersion, len(head.Nodes), err)
	}

	// Flags after the snapshot argument work too.
	res = runCLI(t, work, "analyze", snap, "--format", "json")
	if res.code != 0 {
		t.Fatalf("analyze: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	fromSnap := decodeAnalysis(t, []byte(res.stdout))

	demo := runCLI(t, "", "analyze", "--demo", "--format", "json")
	fromDemo := decodeAnalysis(t, []byte(demo.stdout))
	if len(fromSnap.Identities) != len(fromDemo.Identities) {
		t.Fatalf("analysis of the collected demo has %d identities, --demo has %d",
			len(fromSnap.Identities), len(fromDemo.Identities))
	}
	for i := range fromSnap.Identities {
		if fromSnap.Identities[i].ID != fromDemo.Identities[i].ID {
			t.Errorf("rank %d: %s from the snapshot, %s from --demo",
				i+1, fromSnap.Identities[i].ID, fromDemo.Identities[i].ID)
		}
	}

	// Merging the same snapshot twice changes nothing in the ranking.
	res = runCLI(t, work, "analyze", snap, snap, "--format", "json")
	if res.code != 0 {
		t.Fatalf("analyze twice: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	twice := decodeAnalysis(t, []byte(res.stdout))
	if len(twice.Identities) != len(fromSnap.Identities) {
		t.Errorf("merging a snapshot with itself: %d identities, want %d", len(twice.Identities), len(fromSnap.Identities))
	}
}

func TestCollectToStdoutPipesIntoAnalyze(t *testing.T) {
	export := writeExport(t, demoGAAD(t))
	collect := runCLI(t, "", "collect", "aws", "--from-dir", export)
	if collect.code != 0 {
		t.Fatalf("collect: exit %d, stderr:\n%s", collect.code, collect.stderr)
	}
	cmd := exec.Command(binary, "analyze", "-", "--format", "json")
	cmd.Stdin = strings.NewReader(collect.stdout)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("analyze -: %v", err)
	}
	decodeAnalysis(t, out)
}

// gaadWithRole is a minimal export: one role with an inline policy, attached
// to the managed policies in attached.
func gaadWithRole(policy string, attached ...string) []byte {
	var att []string
	for _, a := range attached {
		att = append(att, fmt.Sprintf(`{"PolicyName": %q, "PolicyArn": %q}`, filepath.Base(a), a))
	}
	return fmt.Appendf(nil, `{
  "UserDetailList": [],
  "GroupDetailList": [],
  "RoleDetailList": [
    {
      "Path": "/",
      "RoleName": "app",
      "RoleId": "AROAEXAMPLE000000001",
      "Arn": "arn:aws:iam::111111111111:role/app",
      "CreateDate": "2024-01-02T03:04:05Z",
      "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
      "InstanceProfileList": [],
      "RolePolicyList": [
        {"PolicyName": "inline", "PolicyDocument": %s}
      ],
      "AttachedManagedPolicies": [%s],
      "Tags": []
    }
  ],
  "Policies": [],
  "IsTruncated": false
}
`, policy, strings.Join(att, ", "))
}

const okPolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`

func TestBadInputExits2(t *testing.T) {
	truncated := demoGAAD(t)
	truncated = truncated[:len(truncated)/2]

	tests := []struct {
		name string
		// setup returns the command line; dir is the working directory.
		setup func(t *testing.T, dir string) []string
		// want are substrings of stderr: the file and the place.
		want []string
		// output is the file that must not exist afterwards, relative to dir.
		output string
	}{
		{
			name: "truncated gaad.json",
			setup: func(t *testing.T, dir string) []string {
				return []string{"collect", "aws", "--from-dir", writeExport(t, truncated), "-o", "out.json"}
			},
			want:   []string{"gaad.json", "line "},
			output: "out.json",
		},
		{
			name: "gaad.json not JSON",
			setup: func(t *testing.T, dir string) []string {
				return []string{"collect", "aws", "--from-dir", writeExport(t, []byte("UserDetailList: none\n")), "-o", "out.json"}
			},
			want:   []string{"gaad.json", "line 1, column 1"},
			output: "out.json",
		},
		{
			name: "unknown Effect in a policy",
			setup: func(t *testing.T, dir string) []string {
				bad := `{"Version": "2012-10-17", "Statement": [{"Effect": "Perhaps", "Action": "*", "Resource": "*"}]}`
				return []string{"collect", "aws", "--from-dir", writeExport(t, gaadWithRole(bad)), "-o", "out.json"}
			},
			want:   []string{"gaad.json", "Effect", "Perhaps"},
			output: "out.json",
		},
		{
			name: "missing directory",
			setup: func(t *testing.T, dir string) []string {
				return []string{"collect", "aws", "--from-dir", filepath.Join(dir, "no-such-export"), "-o", "out.json"}
			},
			want:   []string{"no-such-export"},
			output: "out.json",
		},
		{
			name: "directory without gaad.json",
			setup: func(t *testing.T, dir string) []string {
				empty := filepath.Join(dir, "empty-export")
				if err := os.Mkdir(empty, 0o755); err != nil {
					t.Fatal(err)
				}
				return []string{"collect", "aws", "--from-dir", empty, "-o", "out.json"}
			},
			want:   []string{"empty-export", "gaad.json"},
			output: "out.json",
		},
		{
			name: "snapshot schema_version 99",
			setup: func(t *testing.T, dir string) []string {
				p := filepath.Join(dir, "future.snap.json")
				if err := os.WriteFile(p, []byte(`{"schema_version": 99, "sources": [], "nodes": [], "edges": []}`), 0o644); err != nil {
					t.Fatal(err)
				}
				return []string{"analyze", p, "-o", "report.txt"}
			},
			want:   []string{"future.snap.json", "schema_version", "99"},
			output: "report.txt",
		},
		{
			name: "snapshot not JSON",
			setup: func(t *testing.T, dir string) []string {
				p := filepath.Join(dir, "broken.snap.json")
				if err := os.WriteFile(p, []byte("{\n  \"schema_version\": 1,\n  \"nodes\": [oops]\n}\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return []string{"analyze", p, "-o", "report.txt"}
			},
			want:   []string{"broken.snap.json", "line 3"},
			output: "report.txt",
		},
		{
			name: "missing snapshot file",
			setup: func(t *testing.T, dir string) []string {
				return []string{"analyze", "absent.snap.json", "-o", "report.txt"}
			},
			want:   []string{"absent.snap.json"},
			output: "report.txt",
		},
		{
			name: "unknown --format",
			setup: func(t *testing.T, dir string) []string {
				return []string{"analyze", "--demo", "--format", "pdf", "-o", "report.pdf"}
			},
			want:   []string{"pdf"},
			output: "report.pdf",
		},
		{
			name: "unknown --detail",
			setup: func(t *testing.T, dir string) []string {
				return []string{"analyze", "--demo", "--detail", "some", "-o", "report.txt"}
			},
			want:   []string{"--detail", "some"},
			output: "report.txt",
		},
		{
			name: "unknown flag",
			setup: func(t *testing.T, dir string) []string {
				return []string{"analyze", "--demo", "--colour", "-o", "report.txt"}
			},
			want:   []string{"colour"},
			output: "report.txt",
		},
		{
			name: "analyze without snapshot or --demo",
			setup: func(t *testing.T, dir string) []string {
				return []string{"analyze", "-o", "report.txt"}
			},
			want:   []string{"--demo"},
			output: "report.txt",
		},
		{
			name: "analyze with snapshot and --demo",
			setup: func(t *testing.T, dir string) []string {
				return []string{"analyze", "--demo", "x.snap.json", "-o", "report.txt"}
			},
			want:   []string{"not both"},
			output: "report.txt",
		},
		{
			name: "output directory missing",
			setup: func(t *testing.T, dir string) []string {
				return []string{"analyze", "--demo", "-o", filepath.Join("no-such-dir", "report.txt")}
			},
			want:   []string{filepath.Join("no-such-dir", "report.txt"), "no such file or directory"},
			output: filepath.Join("no-such-dir", "report.txt"),
		},
		{
			name: "unknown command",
			setup: func(t *testing.T, dir string) []string {
				return []string{"analyse", "--demo"}
			},
			want: []string{"analyse"},
		},
		{
			name: "collect unknown source",
			setup: func(t *testing.T, dir string) []string {
				return []string{"collect", "azure", "-o", "out.json"}
			},
			want:   []string{"azure"},
			output: "out.json",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := tt.setup(t, dir)
			res := runCLI(t, dir, args...)
			if res.code != 2 {
				t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
			}
			if !strings.HasPrefix(res.stderr, "blastradius: ") {
				t.Errorf("stderr does not start with %q:\n%s", "blastradius: ", res.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, res.stderr)
				}
			}
			if tt.output != "" {
				if _, err := os.Stat(filepath.Join(dir, tt.output)); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s exists after a failed run (err %v)", tt.output, err)
				}
			}
			if entries, _ := os.ReadDir(dir); hasTempFile(entries) {
				t.Errorf("a temporary file was left in %s: %v", dir, entries)
			}
		})
	}
}

func hasTempFile(entries []os.DirEntry) bool {
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			return true
		}
	}
	return false
}

func TestStrictGapExits3(t *testing.T) {
	// The role is attached to a managed policy the file does not define: a gap.
	export := writeExport(t, gaadWithRole(okPolicy, "arn:aws:iam::111111111111:policy/not-in-file"))
	dir := t.TempDir()

	// Without --strict the gap is reported and the snapshot written.
	res := runCLI(t, dir, "collect", "aws", "--from-dir", export, "-o", "lenient.json")
	if res.code != 0 {
		t.Fatalf("without --strict: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "1 gaps") || !strings.Contains(res.stderr, "not-in-file") {
		t.Errorf("gap not summarized on stderr:\n%s", res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "lenient.json")); err != nil {
		t.Errorf("snapshot not written without --strict: %v", err)
	}

	res = runCLI(t, dir, "collect", "aws", "--from-dir", export, "--strict", "-o", "strict.json")
	if res.code != 3 {
		t.Fatalf("with --strict: exit %d, want 3; stderr:\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "blastradius: ") || !strings.Contains(res.stderr, "--strict") {
		t.Errorf("stderr does not explain the --strict failure:\n%s", res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "strict.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("strict.json written despite the gap (err %v)", err)
	}
}

func TestCollectorsList(t *testing.T) {
	res := runCLI(t, "", "collectors", "list")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
	lines := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("want a header and at least one collector:\n%s", res.stdout)
	}
	header := lines[0]
	summaryCol := strings.Index(header, "SUMMARY")
	if !strings.HasPrefix(header, "NAME") || summaryCol < 0 {
		t.Fatalf("header = %q", header)
	}
	var aws string
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "aws ") {
			aws = l
		}
	}
	if aws == "" {
		t.Fatalf("no aws collector listed:\n%s", res.stdout)
	}
	if !strings.Contains(aws, "offline") || !strings.Contains(aws, "cloud") {
		t.Errorf("aws line lacks its mode or tags: %q", aws)
	}
	// Aligned: the summary column starts at the same offset on every line.
	for _, l := range lines[1:] {
		if len(l) <= summaryCol || l[summaryCol-1] != ' ' || l[summaryCol] == ' ' {
			t.Errorf("line not aligned with the SUMMARY column at %d: %q", summaryCol, l)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	res := runCLI(t, "", "version")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "blastradius ") {
		t.Errorf("version: exit %d, stdout %q", res.code, res.stdout)
	}
	res = runCLI(t, "", "--help")
	if res.code != 0 {
		t.Fatalf("--help: exit %d", res.code)
	}
	for _, w := range []string{"Exit codes", "collect", "analyze", "analyze --demo"} {
		if !strings.Contains(res.stdout, w) {
			t.Errorf("root help lacks %q", w)
		}
	}
	res = runCLI(t, "", "analyze", "--help")
	if res.code != 0 || !strings.Contains(res.stdout, "--detail") || !strings.Contains(res.stdout, "Examples") {
		t.Errorf("analyze --help: exit %d, stdout:\n%s", res.code, res.stdout)
	}
}

func TestVerboseLogsOnStderr(t *testing.T) {
	export := writeExport(t, demoGAAD(t))
	dir := t.TempDir()
	quiet := runCLI(t, dir, "collect", "aws", "--from-dir", export, "-o", "a.json")
	loud := runCLI(t, dir, "collect", "aws", "--from-dir", export, "-o", "b.json", "--verbose")
	if quiet.code != 0 || loud.code != 0 {
		t.Fatalf("exit %d and %d", quiet.code, loud.code)
	}
	if strings.Contains(quiet.stderr, "level=INFO") {
		t.Errorf("info logged without --verbose:\n%s", quiet.stderr)
	}
	if !strings.Contains(loud.stderr, "level=INFO") {
		t.Errorf("no info log with --verbose:\n%s", loud.stderr)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "a.json"))
	b, _ := os.ReadFile(filepath.Join(dir, "b.json"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("--verbose changed the snapshot (%d vs %d bytes)", len(a), len(b))
	}
}
