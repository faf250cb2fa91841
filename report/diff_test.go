package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/diff"
	"github.com/blastradius/blastradius/graphmodel"
)

const (
	bob     = "arn:aws:iam::111111111111:user/bob"
	newUser = "arn:aws:iam::111111111111:user/new_hire"
	curFile = "snapshots/current.snap.json"
)

// diffPair is a hand-built baseline and current analysis: ci-deployer gains
// a path to admin (with identities, resources and score), cross gains a
// conditional admin scope, new_hire is new, bob is gone; each side has a
// gap of its own and one they share. A hop's evidence holds Markdown and
// HTML metacharacters.
func diffPair() (baseline, current *analysis.Result) {
	shared := graphmodel.Gap{What: "s3:GetBucketPolicy", Reason: "AccessDenied"}
	closed := graphmodel.Gap{What: "managed policy arn:aws:iam::111111111111:policy/gone", Reason: "referenced by " + deploy + " but absent from gaad.json", Where: "export/gaad.json"}
	opened := graphmodel.Gap{What: "group name ops", Reason: "referenced by " + alice + " but absent from gaad.json", Where: "export/gaad.json"}
	role := func(id, name string, score float64) analysis.Identity {
		return analysis.Identity{ID: id, Name: name, Provider: graphmodel.ProviderAWS, Kind: graphmodel.KindAWSRole, NonHuman: true,
			BlastRadius: analysis.BlastRadius{Score: score}}
	}
	user := func(id, name string, score float64) analysis.Identity {
		i := role(id, name, score)
		i.Kind, i.NonHuman = graphmodel.KindAWSUser, false
		return i
	}

	baseline = &analysis.Result{
		SchemaVersion: 1,
		GeneratedAt:   time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		Snapshots: []analysis.SnapshotInfo{{Provider: graphmodel.ProviderAWS, Scope: acct, Origin: "offline:export",
			Gaps: []graphmodel.Gap{closed, shared}}},
	}
	d := role(deploy, "ci-deployer", 2)
	d.ReachableResources = []analysis.ResourceReach{{ID: bucketA, Access: graphmodel.AccessRead, Via: deploy}}
	baseline.Identities = []analysis.Identity{d, user(alice, "alice", 1), user(bob, "bob", 1), role(crossR, "cross", 0)}

	current = &analysis.Result{
		SchemaVersion: 1,
		GeneratedAt:   time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC),
		Snapshots: []analysis.SnapshotInfo{{Provider: graphmodel.ProviderAWS, Scope: acct, Origin: "offline:export",
			Gaps: []graphmodel.Gap{shared, opened}}},
	}
	d = role(deploy, "ci-deployer", 17)
	d.AdminOf = []string{acct}
	d.ReachableIdentities = []string{lambda}
	d.ReachableResources = []analysis.ResourceReach{
		{ID: bucketA, Access: graphmodel.AccessAdmin, Via: acct},
		{ID: secretS, Access: graphmodel.AccessAdmin, Via: acct},
	}
	d.Escalations = []analysis.Escalation{
		{Technique: "iam-001", Target: acct, Path: []analysis.Hop{
			{From: deploy, To: lambda, Technique: "lambda-001", Evidence: deploy + "#inline:deploy statement 0 (Sid `a|b` <x>): allows iam:PassRole, lambda:CreateFunction"},
			{From: lambda, To: acct, Technique: "iam-001", Evidence: "arn:aws:iam::aws:policy/AdministratorAccess statement 0: allows *:*"},
		}},
		{Technique: "lambda-001", Target: lambda, Path: []analysis.Hop{
			{From: deploy, To: lambda, Technique: "lambda-001", Evidence: deploy + "#inline:deploy statement 0: allows iam:PassRole"},
		}},
	}
	x := role(crossR, "cross", 0)
	x.ConditionalAdminOf = []string{other}
	x.Escalations = []analysis.Escalation{{Technique: "admin-policy", Target: other, Conditional: true, Path: []analysis.Hop{
		{From: crossR, To: other, Technique: "admin-policy", Conditional: true, Evidence: crossR + "#trust statement 0: condition aws:SourceIp undecidable"},
	}}}
	current.Identities = []analysis.Identity{d, user(alice, "alice", 1), x, user(newUser, "new_hire", 0)}
	return baseline, current
}

// sampleDiff is the comparison of diffPair, with files named.
func sampleDiff() *diff.Report {
	rep := diff.Compare(diffPair())
	rep.Baseline.File = "snapshots/baseline.snap.json"
	rep.Current.File = curFile
	return rep
}

func rules(t *testing.T, names ...string) []diff.Rule {
	t.Helper()
	var out []diff.Rule
	for _, n := range names {
		r, err := diff.ParseRule(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// emptyDiff compares an analysis with itself: nothing grew, no gap.
func emptyDiff() *diff.Report {
	_, current := diffPair()
	current.Snapshots[0].Gaps = nil
	rep := diff.Compare(current, current)
	rep.Baseline.File, rep.Current.File = "a.json", "b.json"
	return rep
}

func TestWriteDiffGolden(t *testing.T) {
	lines := map[string]int{deploy: 42, crossR: 7}
	tests := []struct {
		golden string
		rep    *diff.Report
		opts   DiffOptions
	}{
		{"diff_table.golden", sampleDiff(), DiffOptions{Format: FormatTable}},
		{"diff_table_gate.golden", sampleDiff(), DiffOptions{Rules: rules(t, "new-admin", "score-pct=1000")}},
		{"diff_table_empty.golden", emptyDiff(), DiffOptions{Rules: rules(t, "increase")}},
		{"diff_json.golden", sampleDiff(), DiffOptions{Format: FormatJSON, Rules: rules(t, "new-admin", "score-pct=1000")}},
		{"diff_json_empty.golden", emptyDiff(), DiffOptions{Format: FormatJSON}},
		{"diff_markdown.golden", sampleDiff(), DiffOptions{Format: FormatMarkdown, Rules: rules(t, "new-admin", "score-pct=1000")}},
		{"diff_markdown_empty.golden", emptyDiff(), DiffOptions{Format: FormatMarkdown, Rules: rules(t, "new-admin")}},
		{"diff_sarif.golden", sampleDiff(), DiffOptions{Format: FormatSARIF, Rules: rules(t, "new-admin"), ToolVersion: "v1.2.3", Lines: lines}},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDiff(&buf, tc.rep, tc.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, buf.Bytes())
		})
	}
}

func TestWriteDiffErrors(t *testing.T) {
	if err := WriteDiff(&bytes.Buffer{}, nil, DiffOptions{}); err == nil || !strings.Contains(err.Error(), "no report") {
		t.Errorf("nil report: %v", err)
	}
	err := WriteDiff(&bytes.Buffer{}, sampleDiff(), DiffOptions{Format: "pdf"})
	if err == nil || !strings.Contains(err.Error(), `unknown format "pdf" (want table, json, markdown, sarif, html)`) {
		t.Errorf("unknown format: %v", err)
	}
	bad := sampleDiff()
	bad.Findings[0].Kind = "made-up"
	if err := WriteDiff(&bytes.Buffer{}, bad, DiffOptions{Format: FormatSARIF}); err == nil || !strings.Contains(err.Error(), "made-up") {
		t.Errorf("SARIF of an unknown kind: %v", err)
	}
}

func TestParseDiffFormat(t *testing.T) {
	for _, f := range []Format{FormatTable, FormatJSON, FormatMarkdown, FormatSARIF, FormatHTML} {
		if got, err := ParseDiffFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseDiffFormat(%q) = %q, %v", f, got, err)
		}
	}
	for _, bad := range []string{"", "HTML", "SARIF", "md"} {
		if _, err := ParseDiffFormat(bad); err == nil {
			t.Errorf("ParseDiffFormat(%q) accepted", bad)
		}
	}
	if got := DiffFormats(); len(got) != 5 || got[0] != FormatTable {
		t.Errorf("DiffFormats() = %q", got)
	}
}

func TestDiffTableShape(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDiff(&buf, sampleDiff(), DiffOptions{Rules: rules(t, "new-admin", "score-pct=1000", "new-identity")}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"gate new-admin: FAILED (1 finding)\n",
		"gate score-pct=1000: passed\n", // ci-deployer rose by 750%
		"gate new-identity: FAILED (1 finding)\n",
		"findings: 6 (1 high, 3 medium, 1 low, 1 info)",
		"paths to new admin scopes:",
		"  " + deploy + " → " + acct + "\n",
		"  " + crossR + " → " + other + " (conditional)\n",
		"--admin-policy?--> " + other,
		"removed identities: 1\n  " + bob,
		"gaps: 1 only in current, 1 only in baseline, 1 in both",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// The finding rows line up under DETAIL.
	var header string
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "SEVERITY"):
			header = l
		case header != "" && (strings.HasPrefix(l, "high") || strings.HasPrefix(l, "medium") || strings.HasPrefix(l, "low") || strings.HasPrefix(l, "info")):
			rows = append(rows, l)
		}
	}
	if len(rows) != 6 {
		t.Fatalf("%d finding rows, want 6:\n%s", len(rows), out)
	}
	col := strings.Index(header, "DETAIL")
	for _, r := range rows {
		if r[col-1] != ' ' || r[col] == ' ' {
			t.Errorf("row not aligned under DETAIL: %q", r)
		}
	}
}

func TestDiffMarkdownShape(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDiff(&buf, sampleDiff(), DiffOptions{Format: FormatMarkdown, Rules: rules(t, "new-admin", "score-pct=1000")}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, MarkdownMarker+"\n## blastradius diff: ❌ gate failed\n") {
		t.Errorf("markdown does not start with the marker and the verdict:\n%s", out)
	}
	for _, want := range []string{
		"**6 findings** (1 high, 3 medium, 1 low, 1 info) in `" + curFile + "`",
		"| `new-admin` | ❌ fired | 1 |",
		"| `score-pct=1000` | ✅ passed | 0 |",
		"<summary><code>" + deploy + "</code> → <code>" + acct + "</code> (2 hops)</summary>",
		"<summary><code>" + crossR + "</code> → <code>" + other + "</code> (1 hop), conditional</summary>",
		// evidence is escaped: no raw pipe to break a table, no raw HTML
		"(Sid \\`a\\|b\\` \\<x\\>)",
		"| current | `" + acct + "` | group name ops |",
		"**new\\_hire**",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<x>") {
		t.Error("markdown carries raw HTML from the evidence")
	}
	// Every table row has as many cells as its header.
	for _, block := range strings.Split(out, "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		if !strings.HasPrefix(lines[0], "| ") {
			continue
		}
		want := cells(lines[0])
		for _, l := range lines[1:] {
			if got := cells(l); got != want {
				t.Errorf("row has %d cells, header %d: %q", got, want, l)
			}
		}
	}
}

// TestDiffMarkdownPlanColumn checks the column that names the resource
// changes of a plan (plan-diff): present only with Locations, "-" for a
// finding without one, cells matching the header.
func TestDiffMarkdownPlanColumn(t *testing.T) {
	rep := sampleDiff()
	var buf bytes.Buffer
	if err := WriteDiff(&buf, rep, DiffOptions{Format: FormatMarkdown, Locations: planLocations(rep)}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"| severity | finding | identity | detail | from |",
		"| `aws_iam_role.release`<br>`aws_iam_role_policy_attachment.release_admin` |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	rows, without := 0, 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "| high |") || strings.HasPrefix(l, "| medium |") || strings.HasPrefix(l, "| low |") || strings.HasPrefix(l, "| info |") {
			rows++
			if cells(l) != 5 {
				t.Errorf("row has %d cells: %q", cells(l), l)
			}
			if strings.HasSuffix(l, " | - |") {
				without++
			}
		}
	}
	if rows != len(rep.Findings) || without != len(rep.Findings)-1 {
		t.Errorf("%d rows, %d without a change, for %d findings:\n%s", rows, without, len(rep.Findings), out)
	}
}

// cells counts the cells of a Markdown table row: unescaped pipes minus one.
func cells(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		if row[i] == '\\' {
			i++
			continue
		}
		if row[i] == '|' {
			n++
		}
	}
	return n - 1
}

func TestDiffMarkdownBounded(t *testing.T) {
	var baseline, current analysis.Result
	for i := range 300 {
		id := analysis.Identity{ID: strings.Repeat("x", 3) + string(rune('a'+i%26)) + strings.Repeat("y", i/26), AdminOf: []string{acct},
			Escalations: []analysis.Escalation{{Target: acct, Path: []analysis.Hop{{From: "a", To: acct, Technique: "t", Evidence: "e"}}}}}
		current.Identities = append(current.Identities, id)
	}
	for i := range 80 {
		current.Snapshots = append(current.Snapshots, analysis.SnapshotInfo{Scope: acct, Gaps: []graphmodel.Gap{{What: strings.Repeat("g", i+1), Reason: "r"}}})
	}
	var buf bytes.Buffer
	if err := WriteDiff(&buf, diff.Compare(&baseline, &current), DiffOptions{Format: FormatMarkdown}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if buf.Len() > 65536 {
		t.Errorf("markdown of 600 findings is %d bytes, more than a GitHub comment holds", buf.Len())
	}
	for _, want := range []string{"… and 500 more findings", "… and 280 more paths", "… and 30 more gaps"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct {
		in, text, code, cellCode string
	}{
		{"plain-arn:aws/x.y", "plain-arn:aws/x.y", "`plain-arn:aws/x.y`", "`plain-arn:aws/x.y`"},
		{"a|b", `a\|b`, "`a|b`", "`a\\|b`"},
		{"x`y", "x\\`y", "``x`y``", "``x`y``"},
		{"`start", "\\`start", "`` `start ``", "`` `start ``"},
		{"<b>*_[]#~&", `\<b\>\*\_\[\]\#\~&amp;`, "`<b>*_[]#~&`", "`<b>*_[]#~&`"},
		{"two\nlines", "two lines", "`two lines`", "`two lines`"},
		{"", "", "-", "-"},
	}
	for _, tc := range tests {
		if got := mdText(tc.in); got != tc.text {
			t.Errorf("mdText(%q) = %q, want %q", tc.in, got, tc.text)
		}
		if got := mdCode(tc.in, false); got != tc.code {
			t.Errorf("mdCode(%q) = %q, want %q", tc.in, got, tc.code)
		}
		if got := mdCode(tc.in, true); got != tc.cellCode {
			t.Errorf("mdCode(%q, table) = %q, want %q", tc.in, got, tc.cellCode)
		}
	}
}
