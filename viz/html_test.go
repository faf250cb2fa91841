package viz

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/diff"
	"github.com/blastradius/blastradius/graphmodel"
)

func writePage(t *testing.T, res *analysis.Result, opts HTMLOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, res, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var (
	scriptRe = regexp.MustCompile(`(?s)<script([^>]*)>(.*?)</script>`)
	cspRe    = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`)
	rowRe    = regexp.MustCompile(`<tr data-row="(\d+)"`)
)

// pageDataOf decodes the page's embedded data.
func pageDataOf(t *testing.T, page string) pageData {
	t.Helper()
	for _, m := range scriptRe.FindAllStringSubmatch(page, -1) {
		if strings.Contains(m[1], `id="br-data"`) {
			var d pageData
			if err := json.Unmarshal([]byte(m[2]), &d); err != nil {
				t.Fatalf("page data: %v", err)
			}
			return d
		}
	}
	t.Fatal("no page data")
	return pageData{}
}

// checkSelfContained asserts what makes the page load nothing: a CSP that
// forbids every load and allows exactly the page's inline scripts and
// style by hash, no element that names a URL, and no inline handler.
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	head, _, _ := strings.Cut(page, "<style>")
	m := cspRe.FindStringSubmatch(head)
	if m == nil {
		t.Fatal("no Content-Security-Policy meta before the style")
	}
	csp := html.UnescapeString(m[1])
	for _, want := range []string{"default-src 'none'", "connect-src 'none'", "img-src data:", "base-uri 'none'", "form-action 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP lacks %q: %s", want, csp)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "http") {
		t.Errorf("CSP allows too much: %s", csp)
	}
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	executable := 0
	for _, s := range scriptRe.FindAllStringSubmatch(page, -1) {
		if strings.Contains(s[1], "src") {
			t.Errorf("script with a source: <script%s>", s[1])
		}
		if strings.Contains(s[1], `type="application/json"`) {
			continue
		}
		executable++
		if !strings.Contains(csp, "script-src") || !strings.Contains(csp, hash(s[2])) {
			t.Errorf("script %d is not allowed by its hash", executable)
		}
	}
	if executable != 3 {
		t.Errorf("%d inline scripts, want 3 (cytoscape, the dagre layout, the report)", executable)
	}
	styles := styleRe.FindAllStringSubmatch(page, -1)
	if len(styles) != 2 {
		t.Fatalf("%d style elements, want 2 (the page's, Cytoscape's)", len(styles))
	}
	for _, st := range styles {
		if !strings.Contains(csp, hash(st[1])) {
			t.Errorf("the style %.40q is not allowed by its hash", st[1])
		}
	}
	css := styles[0][1] + styles[1][1]
	// The tags outside the scripts (text holds no raw "<"): none loads
	// anything, none has a handler or a style attribute.
	markup := scriptRe.ReplaceAllString(page, "")
	for _, tag := range tagRe.FindAllString(markup, -1) {
		low := strings.ToLower(tag)
		for _, bad := range []string{" src=", " href=", " srcset=", " action=", " style=", " on", "<img", "<iframe", "<link", "<object", "<embed", "<base", "<svg", "<a "} {
			if strings.Contains(low, bad) {
				t.Errorf("tag %s holds %q", tag, bad)
			}
		}
	}
	if strings.Contains(css, "@import") || strings.Contains(css, "url(") {
		t.Error("the style loads something")
	}
}

var (
	tagRe   = regexp.MustCompile(`<[a-zA-Z!/][^>]*>`)
	styleRe = regexp.MustCompile(`(?s)<style[^>]*>(.*?)</style>`)
)

func TestWriteHTMLAnalysis(t *testing.T) {
	res := sampleResult()
	page := writePage(t, res, HTMLOptions{ToolVersion: "v1.2.3"})
	checkSelfContained(t, page)

	rows := rowRe.FindAllStringSubmatch(page, -1)
	if len(rows) != len(res.Identities) {
		t.Fatalf("%d static rows, want %d", len(rows), len(res.Identities))
	}
	for i, m := range rows {
		if m[1] != strings.Repeat("", 0)+itoa(i) {
			t.Errorf("row %d has data-row %s", i, m[1])
		}
	}
	// The static table: names, ranks, score breakdown, admin scopes, first hops.
	text := html.UnescapeString(page)
	for _, want := range []string{
		"GitHub repository acme/infra", "<b>42.0</b>", "identities 2 + resources 30 + admin scopes 10",
		`<code class="scope">aws:account:111122223333</code>`, `<code class="scope cond">aws:account:111122223333?</code>`,
		`<span class="tech">sts:AssumeRoleWithWebIdentity</span> → ` + fxDeployer, // the first hop, by ID: no estate given
		"(1 conditional admin scopes, not scored)", "lists cut",
		"s3:GetBucketPolicy — AccessDenied", "offline:export", "blastradius v1.2.3",
		"<b>4</b> identities", "<b>2</b> administrators of a scope", "<b>1</b> conditional administrator only", "<b>1</b> gap",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	d := pageDataOf(t, page)
	if d.Mode != "analysis" || d.Version != pageVersion || d.Focus != -1 {
		t.Errorf("mode %q version %d focus %d", d.Mode, d.Version, d.Focus)
	}
	for i, r := range d.Rows {
		id := res.Identities[i]
		if d.Strings[r.ID] != id.ID || d.Strings[r.Name] != id.Name || r.Rank != id.Rank || r.Score != id.BlastRadius.Score {
			t.Errorf("row %d = %+v, want %s", i, r, id.ID)
		}
		if r.Graph != i {
			t.Errorf("row %d: graph %d", i, r.Graph)
		}
	}
	if len(d.Graphs) != len(res.Identities) {
		t.Errorf("%d graphs", len(d.Graphs))
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestIdentityGraph checks the graph of the repository of the sample: the
// hops of its paths once each, the step into the administered account's
// contents and the resources reached through the account marked inside,
// and the paths as edge lists.
func TestIdentityGraph(t *testing.T) {
	res := sampleResult()
	tab := newStrtab()
	d := &describer{nodes: nil, identities: map[string]*analysis.Identity{}}
	for i := range res.Identities {
		d.identities[res.Identities[i].ID] = &res.Identities[i]
	}
	g := identityGraph(tab, d, &res.Identities[0])
	s := func(i int) string { return tab.list[i] }
	if s(g.Nodes[0][0]) != fxRepo || s(g.Nodes[0][4]) != "identity" {
		t.Fatalf("node 0 = %v", g.Nodes[0])
	}
	type edge struct {
		from, to, label string
		flags           int
	}
	var edges []edge
	for _, e := range g.Edges {
		edges = append(edges, edge{s(g.Nodes[e[0]][0]), s(g.Nodes[e[1]][0]), s(e[2]), e[4]})
	}
	want := []edge{
		{fxRepo, fxDeployer, "sts:AssumeRoleWithWebIdentity", 0},
		{fxDeployer, fxAdmin, "lambda-001", 0},
		{fxAdmin, fxAccount, "admin-equivalent-policy", 0},
		{fxAccount, fxUser, analysis.TechniqueAdminOfScope, flagInside},
		{fxAccount, fxSecret, "admin", flagAccess | flagInside},
		{fxAccount, fxBucket, "admin", flagAccess | flagInside},
	}
	if len(edges) != len(want) {
		t.Fatalf("edges %v, want %v", edges, want)
	}
	for i := range want {
		if edges[i] != want[i] {
			t.Errorf("edge %d = %v, want %v", i, edges[i], want[i])
		}
	}
	if len(g.Paths) != 3 || len(g.Paths[0].Edges) != 3 || len(g.Paths[2].Edges) != 4 || g.Paths[1].Edges[0] != 0 {
		t.Errorf("paths %+v", g.Paths)
	}
	// Classes: the account is a scope (known from AdminOf), the secret a resource.
	for _, n := range g.Nodes {
		switch s(n[0]) {
		case fxAccount:
			if s(n[4]) != "scope" {
				t.Errorf("account class %q", s(n[4]))
			}
		case fxSecret:
			if s(n[4]) != "resource" {
				t.Errorf("secret class %q", s(n[4]))
			}
		case fxDeployer:
			if s(n[1]) != fxDeployer || s(n[3]) != "aws" {
				t.Errorf("an unknown identity's name %q provider %q", s(n[1]), s(n[3]))
			}
		}
	}

	// carol: conditional path; the bucket through a group the graph lacks.
	g = identityGraph(tab, d, &res.Identities[1])
	var indirect, cond int
	for _, e := range g.Edges {
		if e[4]&flagIndirect != 0 {
			indirect++
			if e[0] != 0 || s(e[5]) != fxGroup {
				t.Errorf("indirect edge %v", e)
			}
		}
		if e[4]&flagConditional != 0 {
			cond++
		}
	}
	if indirect != 1 || cond != 2 {
		t.Errorf("%d indirect, %d conditional edges, want 1 and 2", indirect, cond)
	}

	// With the estate's nodes, names and kinds come from it.
	snap, _, _ := sampleEstate()
	d.nodes = SnapshotNodes(snap)
	g = identityGraph(tab, d, &res.Identities[0])
	for _, n := range g.Nodes {
		if s(n[0]) == fxDeployer && (s(n[1]) != "ci-deployer" || s(n[2]) != string(graphmodel.KindAWSRole)) {
			t.Errorf("deployer described as %q %q", s(n[1]), s(n[2]))
		}
	}
}

func TestWriteHTMLTopAndGraphLimit(t *testing.T) {
	res := sampleResult()
	page := writePage(t, res, HTMLOptions{Top: 2})
	if n := len(rowRe.FindAllString(page, -1)); n != 2 {
		t.Errorf("%d rows with top 2", n)
	}
	if !strings.Contains(page, "The first 2 of 4 identities") || !strings.Contains(page, "<b>4</b> identities") {
		t.Error("the page does not say it lists 2 of 4 and count all 4")
	}

	// Beyond DefaultGraphs identities, only the focus carries a graph;
	// beyond StaticRows, rows are in the data only.
	big := &analysis.Result{GeneratedAt: res.GeneratedAt}
	for i := 0; i < max(DefaultGraphs+20, StaticRows+5); i++ {
		id := res.Identities[3]
		id.ID = "workspace:app:" + itoa(i)
		id.Rank = i + 1
		big.Identities = append(big.Identities, id)
	}
	focus := "workspace:app:" + itoa(DefaultGraphs+10)
	bigPage := writePage(t, big, HTMLOptions{Focus: focus})
	if n := len(rowRe.FindAllString(bigPage, -1)); n != StaticRows {
		t.Errorf("%d static rows, want %d", n, StaticRows)
	}
	if !strings.Contains(bigPage, "… and 5 more identities: with JavaScript the table lists every one") {
		t.Error("the page does not say that rows are left out of the static table")
	}
	d := pageDataOf(t, bigPage)
	if len(d.Rows) != len(big.Identities) {
		t.Errorf("%d rows in the data, want %d", len(d.Rows), len(big.Identities))
	}
	if len(d.Graphs) != DefaultGraphs+1 || d.Focus != DefaultGraphs+10 || d.Rows[DefaultGraphs+10].Graph != DefaultGraphs {
		t.Errorf("%d graphs, focus row %d", len(d.Graphs), d.Focus)
	}
	if d.Rows[DefaultGraphs].Graph != -1 {
		t.Error("a row past the limit carries a graph")
	}
	d = pageDataOf(t, writePage(t, big, HTMLOptions{Detail: analysis.DetailFull}))
	if len(d.Graphs) != len(big.Identities) || d.GraphLimit != 0 {
		t.Errorf("--detail full: %d graphs of %d", len(d.Graphs), len(big.Identities))
	}
	if err := WriteHTML(&bytes.Buffer{}, res, HTMLOptions{Top: -1}); err == nil {
		t.Error("a negative top is accepted")
	}
}

// TestWriteHTMLHostile: no hostile string reaches the page as markup or
// breaks out of the inline data; each comes back intact from the data.
func TestWriteHTMLHostile(t *testing.T) {
	res := hostileResult()
	page := writePage(t, res, HTMLOptions{})
	checkSelfContained(t, page)
	checkNoBreakout(t, page)
	d := pageDataOf(t, page)
	seen := map[string]bool{}
	for _, s := range d.Strings {
		seen[s] = true
	}
	for _, h := range hostile {
		if !seen[h] {
			t.Errorf("hostile string %q did not survive the page data", h)
		}
	}
	// And in the static table as escaped text.
	for _, h := range hostile {
		if esc := html.EscapeString(h); !strings.Contains(page, esc) && !strings.Contains(page, strings.ReplaceAll(esc, "&#34;", "&quot;")) {
			if !strings.ContainsAny(h, "\n\u2028") { // html/template keeps those as is
				t.Errorf("the table lacks %q escaped", h)
			}
		}
	}
}

// checkNoBreakout asserts that the hostile strings stay inside the data
// script (which holds no <, >, &, U+2028 or U+2029 at all) and the text.
func checkNoBreakout(t *testing.T, page string) {
	t.Helper()
	if n := strings.Count(page, "</script>"); n != 4 {
		t.Errorf("%d </script> tags, want 4 (data and three scripts)", n)
	}
	if n := strings.Count(page, "<script"); n != 4 {
		t.Errorf("%d <script tags, want 4", n)
	}
	for _, m := range scriptRe.FindAllStringSubmatch(page, -1) {
		if !strings.Contains(m[1], `id="br-data"`) {
			continue
		}
		if i := strings.IndexAny(m[2], "<>&\u2028\u2029"); i >= 0 {
			t.Errorf("the page data holds %q at %d", m[2][i], i)
		}
	}
	if strings.Contains(page, "<!--") || strings.Contains(page, "-->") {
		t.Error("the page holds a comment marker")
	}
}

func TestWriteDiffHTML(t *testing.T) {
	rep := sampleDiff()
	rules := []diff.Rule{}
	r, err := diff.ParseRule("new-admin")
	if err != nil {
		t.Fatal(err)
	}
	rules = append(rules, r)
	var buf bytes.Buffer
	if err := WriteDiffHTML(&buf, rep, DiffHTMLOptions{Verdicts: diff.Gate(rep, rules), ToolVersion: "v9"}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	checkSelfContained(t, page)
	checkNoBreakout(t, page)
	for _, want := range []string{"gate failed", "<code>new-admin</code>", "pr.snap.json", "base.snap.json",
		"1 identity of the baseline is no longer", "only in current", "ci-deployer can now obtain administrator of"} {
		if !strings.Contains(page, html.EscapeString(want)) && !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	d := pageDataOf(t, page)
	if d.Mode != "diff" || len(d.Rows) != len(rep.Findings) {
		t.Fatalf("mode %q, %d rows", d.Mode, len(d.Rows))
	}
	// The four findings of ci-deployer share one graph: the new path, the
	// gained identity without a path, the gained resource.
	if len(d.Graphs) != 2 || d.Rows[0].Graph != 0 || d.Rows[3].Graph != 0 || d.Rows[4].Graph != 1 {
		t.Fatalf("graphs %d, rows %+v", len(d.Graphs), d.Rows)
	}
	g := d.Graphs[0]
	var gained, access, hops int
	for _, e := range g.Edges {
		switch {
		case e[4]&flagAccess != 0:
			access++
		case e[4]&flagGained != 0:
			gained++
			if d.Strings[g.Nodes[e[1]][0]] != fxUser {
				t.Errorf("gained edge to %s", d.Strings[g.Nodes[e[1]][0]])
			}
		default:
			hops++
		}
	}
	if hops != 2 || gained != 1 || access != 1 {
		t.Errorf("%d hops, %d gained, %d access edges; want 2, 1 (admin is on the path), 1", hops, gained, access)
	}
	var empty bytes.Buffer
	if err := WriteDiffHTML(&empty, &diff.Report{}, DiffHTMLOptions{}); err != nil || !strings.Contains(empty.String(), "No identity gained anything.") {
		t.Errorf("empty diff: %v", err)
	}
}

func TestAssetsInlineSafely(t *testing.T) {
	for _, name := range []string{"assets/vendor/cytoscape.min.js", "assets/vendor/cytoscape-dagre.min.js", "assets/report.js", "assets/report.css"} {
		b, err := assets.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		low := strings.ToLower(string(b))
		for _, bad := range []string{"</script", "<!--", "</style", "sourcemappingurl"} {
			if strings.Contains(low, bad) {
				t.Errorf("%s holds %q: it cannot be inlined as is", name, bad)
			}
		}
	}
}

// TestVendorManifest: the embedded libraries are the ones MANIFEST names
// (scripts/vendor-js.sh writes both), and each has its licence.
func TestVendorManifest(t *testing.T) {
	manifest, err := assets.ReadFile("assets/vendor/MANIFEST")
	if err != nil {
		t.Fatal(err)
	}
	sums := 0
	for _, line := range strings.Split(string(manifest), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 || len(f[0]) != 64 {
			continue
		}
		b, err := assets.ReadFile("assets/vendor/" + f[1])
		if err != nil {
			t.Errorf("MANIFEST names %s: %v", f[1], err)
			continue
		}
		sum := sha256.Sum256(b)
		if got := strings.ToLower(strings.TrimSpace(hexOf(sum[:]))); got != f[0] {
			t.Errorf("%s: sha256 %s, MANIFEST says %s (run scripts/vendor-js.sh)", f[1], got, f[0])
		}
		sums++
	}
	if sums != 6 {
		t.Errorf("MANIFEST lists %d files, want 6 (two bundles, four licences)", sums)
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
