package viz

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/diff"
)

// The HTML pages rendered in a real headless Chromium: the ranking and the
// graph are there, a click on a hop shows its evidence, search, filters and
// sorting work, hostile strings stay text, no script error, and no request
// leaves the page. Chromium is found on PATH (chromium, chromium-browser,
// google-chrome) or in BLASTRADIUS_CHROMIUM; without it the tests are
// skipped, unless CI is set: then they fail (scripts/viz-tools ensure
// installs it). Screenshots are kept in build/test-artifacts/viz (or
// BLASTRADIUS_ARTIFACTS).

// chromiumEnv names the browser binary, overriding the PATH search.
const chromiumEnv = "BLASTRADIUS_CHROMIUM"

// chromiumPath returns the browser to run, skipping (or failing in CI)
// without one.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(chromiumEnv); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("Chromium is not installed: CI must run the browser tests (scripts/viz-tools ensure, or set %s)", chromiumEnv)
	}
	t.Skipf("Chromium is not installed: scripts/viz-tools ensure installs it (or set %s)", chromiumEnv)
	return ""
}

// browser is one headless Chromium tab and what it reported.
type browser struct {
	ctx     context.Context
	mu      sync.Mutex
	pageURL string
	// requests are the URLs the tab asked for, problems the console
	// errors, exceptions, error log entries (CSP violations among them)
	// and dialogs.
	requests []string
	problems []string
}

// newBrowser starts Chromium with the flags that work in a container and a
// fresh profile, and listens to the tab's network, console, log and dialogs.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath(t)
	// A fresh profile, removed once the browser is gone (t.TempDir would
	// fail on files a browser process still writes while exiting).
	profile, err := os.MkdirTemp("", "blastradius-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1500, 1100),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTime()
		cancelTab()
		cancelAlloc()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	b := &browser{ctx: ctx}
	chromedp.ListenTarget(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, e.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeAssert {
				b.problems = append(b.problems, "console."+string(e.Type)+": "+consoleText(e.Args))
			}
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			b.problems = append(b.problems, "exception: "+msg)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.LevelError {
				b.problems = append(b.problems, fmt.Sprintf("log %s: %s (%s)", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		case *cdppage.EventJavascriptDialogOpening:
			b.problems = append(b.problems, "dialog: "+e.Message)
			go func() { _ = chromedp.Run(ctx, cdppage.HandleJavaScriptDialog(false)) }()
		}
	})
	if err := chromedp.Run(ctx, network.Enable(), cdplog.Enable(), runtime.Enable()); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	return b
}

func consoleText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if a.Description != "" {
			parts = append(parts, a.Description)
		} else {
			parts = append(parts, string(a.Value))
		}
	}
	return strings.Join(parts, " ")
}

// open writes html to a file and loads it, waiting for the table.
func (b *browser) open(t *testing.T, html []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, html, 0o644); err != nil {
		t.Fatal(err)
	}
	b.pageURL = "file://" + path
	start := time.Now()
	if err := chromedp.Run(b.ctx, chromedp.Navigate(b.pageURL), chromedp.WaitReady("#rows", chromedp.ByQuery)); err != nil {
		t.Fatalf("load the page: %v", err)
	}
	t.Logf("page loaded in %s", time.Since(start).Round(time.Millisecond))
}

// run runs actions, failing the test on error.
func (b *browser) run(t *testing.T, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression into out.
func (b *browser) eval(t *testing.T, expr string, out any) {
	t.Helper()
	b.run(t, "evaluate "+expr, chromedp.Evaluate(expr, out))
}

// checkClean asserts that no script failed and no request left the page:
// the only request is the page itself.
func (b *browser) checkClean(t *testing.T) {
	t.Helper()
	// Let late events (a lazy load, a deferred error) arrive.
	b.run(t, "settle", chromedp.Sleep(300*time.Millisecond))
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("the page reported: %s", p)
	}
	if len(b.requests) == 0 {
		t.Error("no request seen: the network listener does not work")
	}
	for _, u := range b.requests {
		if u != b.pageURL {
			t.Errorf("the page requested %s", u)
		}
	}
}

// screenshot keeps a PNG of the whole page as a test artefact.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	var png []byte
	b.run(t, "screenshot", chromedp.FullScreenshot(&png, 100))
	dir := os.Getenv("BLASTRADIUS_ARTIFACTS")
	if dir == "" {
		abs, err := filepath.Abs(filepath.Join("..", "build", "test-artifacts", "viz"))
		if err != nil {
			t.Fatal(err)
		}
		dir = abs
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// clickEdge clicks, with the mouse, the middle of the first shown edge of
// the graph whose label is label.
func (b *browser) clickEdge(t *testing.T, label string) {
	t.Helper()
	// Scroll the graph into view first, and let the scroll event reach
	// Cytoscape, which caches where its container is.
	b.run(t, "scroll to the graph", chromedp.Evaluate(`document.getElementById('graph').scrollIntoView({block: 'center'})`, nil),
		chromedp.Sleep(300*time.Millisecond))
	var pos []float64
	b.eval(t, fmt.Sprintf(`(() => {
		const cy = blastradiusReport.graph();
		const e = cy.edges().filter(x => x.data('label') === %q && !x.hasClass('hidden'))[0];
		if (!e) { return []; }
		const m = e.renderedMidpoint();
		const r = cy.container().getBoundingClientRect();
		return [r.left + m.x, r.top + m.y];
	})()`, label), &pos)
	if len(pos) != 2 {
		t.Fatalf("no shown edge labelled %q", label)
	}
	b.run(t, "click the edge "+label, chromedp.MouseClickXY(pos[0], pos[1]))
}

// graphSize returns the nodes and edges the graph shows.
func (b *browser) graphSize(t *testing.T) (nodes, edges int) {
	t.Helper()
	var n []int
	b.eval(t, `(() => { const cy = blastradiusReport.graph(); return cy ? [cy.nodes().not('.hidden').length, cy.edges().not('.hidden').length] : [0, 0]; })()`, &n)
	return n[0], n[1]
}

// set sets a control's value and fires the event the page listens to.
func (b *browser) set(t *testing.T, id, value string) {
	t.Helper()
	event := "change"
	if id == "q" {
		event = "input"
	}
	b.run(t, "set "+id, chromedp.Evaluate(fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q; e.dispatchEvent(new Event(%q)); })()`, id, value, event), nil))
}

func textOf(t *testing.T, b *browser, sel string) string {
	t.Helper()
	var s string
	b.run(t, "read "+sel, chromedp.TextContent(sel, &s, chromedp.ByQuery))
	return s
}

func TestHTMLReportInChromium(t *testing.T) {
	b := newBrowser(t)
	snap, _, _ := sampleEstate()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleResult(), HTMLOptions{Nodes: SnapshotNodes(snap), ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	b.open(t, buf.Bytes())
	b.run(t, "wait for the graph", chromedp.WaitVisible("#graph canvas", chromedp.ByQuery))

	// The ranking: every row, the first selected, with its graph.
	var rows int
	b.eval(t, `document.querySelectorAll('#rows tbody tr[data-row]').length`, &rows)
	if rows != 4 {
		t.Errorf("%d rows in the table, want 4", rows)
	}
	var selected string
	b.eval(t, `blastradiusReport.selected()`, &selected)
	if selected != fxRepo {
		t.Errorf("selected %q, want the first by rank", selected)
	}
	if got := textOf(t, b, "#d-head h2"); got != "GitHub repository acme/infra" {
		t.Errorf("detail heading %q", got)
	}
	// repository → ci-deployer → admin → account; the account's contents hidden.
	if n, e := b.graphSize(t); n != 4 || e != 3 {
		t.Errorf("graph shows %d nodes and %d edges, want 4 and 3", n, e)
	}

	// A click on a hop shows its evidence.
	b.clickEdge(t, "lambda-001")
	if ev := textOf(t, b, "#evidence"); !strings.Contains(ev, "allows iam:PassRole, lambda:CreateFunction") || !strings.Contains(ev, "certain") {
		t.Errorf("evidence after a click on the hop: %q", ev)
	}
	// A path of the list highlights its hops and lists their evidence.
	b.run(t, "click a path", chromedp.Click("#d-paths li", chromedp.ByQuery))
	if ev := textOf(t, b, "#evidence"); !strings.Contains(ev, "Path to acme-prod") || !strings.Contains(ev, "allows *:*") {
		t.Errorf("evidence after a click on the path: %q", ev)
	}
	// Showing what the administered account holds adds its contents.
	b.run(t, "show inside", chromedp.Click("#d-inside", chromedp.ByQuery))
	if n, _ := b.graphSize(t); n != 7 {
		t.Errorf("with the account's contents, %d nodes, want 7", n)
	}
	b.screenshot(t, "report-sample.png")

	// Search, filters and sorting.
	visible := func() []string {
		var names []string
		b.eval(t, `Array.from(document.querySelectorAll('#rows tbody tr[data-row] .name')).map(e => e.textContent)`, &names)
		return names
	}
	b.run(t, "search", chromedp.SendKeys("#q", "carol", chromedp.ByQuery))
	if got := visible(); len(got) != 1 || got[0] != "carol" {
		t.Errorf("search carol: %v", got)
	}
	b.set(t, "q", "")
	b.set(t, "f-admin", "admin")
	if got := visible(); len(got) != 2 || got[0] != "GitHub repository acme/infra" || got[1] != "ci/deployer" {
		t.Errorf("administrators: %v", got)
	}
	b.set(t, "f-admin", "")
	b.set(t, "f-human", "h")
	if got := visible(); len(got) != 1 || got[0] != "carol" {
		t.Errorf("humans: %v", got)
	}
	b.set(t, "f-human", "")
	b.run(t, "sort by name", chromedp.Click(`th[data-sort="name"]`, chromedp.ByQuery))
	if got := visible(); len(got) != 4 || got[0] != "Calendar sync" || got[3] != "GitHub repository acme/infra" {
		t.Errorf("sorted by name: %v", got)
	}
	b.run(t, "sort by score", chromedp.Click(`th[data-sort="score"]`, chromedp.ByQuery))
	if got := visible(); len(got) != 4 || got[0] != "GitHub repository acme/infra" || got[3] != "Calendar sync" {
		t.Errorf("sorted by score: %v", got)
	}

	// Selecting another row draws its graph: carol's conditional path.
	b.run(t, "select carol", chromedp.Click(`#rows tr[data-row="1"]`, chromedp.ByQuery))
	if got := textOf(t, b, "#d-head h2"); got != "carol" {
		t.Errorf("heading after selecting carol: %q", got)
	}
	var dashed int
	b.eval(t, `blastradiusReport.graph().edges('.cond').length`, &dashed)
	if dashed != 2 {
		t.Errorf("%d conditional (dashed) edges for carol, want 2", dashed)
	}
	b.checkClean(t)
}

// TestHTMLReportJavaScriptOff: without JavaScript the summary and the
// whole table are there, the interactive parts hidden.
func TestHTMLReportJavaScriptOff(t *testing.T) {
	b := newBrowser(t)
	b.run(t, "disable JavaScript", emulationScriptsOff())
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleResult(), HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	b.open(t, buf.Bytes())
	var state struct {
		Rows     int    `json:"rows"`
		Detail   string `json:"detail"`
		Controls string `json:"controls"`
		Summary  string `json:"summary"`
		Hops     string `json:"hops"`
	}
	b.eval(t, `({
		rows: document.querySelectorAll('#rows tbody tr[data-row]').length,
		detail: getComputedStyle(document.getElementById('detail')).display,
		controls: getComputedStyle(document.querySelector('.controls')).display,
		summary: document.getElementById('summary').innerText,
		hops: document.querySelector('#rows tbody tr[data-row] td:nth-child(6)').innerText,
	})`, &state)
	if state.Rows != 4 || state.Detail != "none" || state.Controls != "none" {
		t.Errorf("without JavaScript: %d rows, detail %s, controls %s", state.Rows, state.Detail, state.Controls)
	}
	for _, want := range []string{"4 identities", "2 administrators of a scope", "s3:GetBucketPolicy — AccessDenied"} {
		if !strings.Contains(state.Summary, want) {
			t.Errorf("summary lacks %q: %s", want, state.Summary)
		}
	}
	if !strings.Contains(state.Hops, "sts:AssumeRoleWithWebIdentity") {
		t.Errorf("first hops cell: %q", state.Hops)
	}
	b.screenshot(t, "report-nojs.png")
	b.checkClean(t)
}

// emulationScriptsOff turns JavaScript off for the tab.
func emulationScriptsOff() chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		return cdp.Execute(ctx, "Emulation.setScriptExecutionDisabled", map[string]any{"value": true}, nil)
	})
}

// TestHTMLReportHostileInChromium: markup, quotes and script in every
// string of the estate stay text: no script of theirs runs, no element of
// theirs exists, nothing is fetched, and each string reads back as it was.
func TestHTMLReportHostileInChromium(t *testing.T) {
	b := newBrowser(t)
	res := hostileResult()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, res, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	b.open(t, buf.Bytes())
	b.run(t, "wait for the graph", chromedp.WaitVisible("#graph canvas", chromedp.ByQuery))

	var state struct {
		Pwned    bool     `json:"pwned"`
		Foreign  int      `json:"foreign"`
		Scripts  int      `json:"scripts"`
		Styles   int      `json:"styles"`
		Names    []string `json:"names"`
		Scopes   []string `json:"scopes"`
		Heading  string   `json:"heading"`
		Findings []string `json:"findings"`
	}
	read := func() {
		b.eval(t, `({
			pwned: window.__pwned !== undefined,
			foreign: document.querySelectorAll('img,svg,iframe,object,embed,a,link,base,form,video,audio,source').length,
			scripts: document.querySelectorAll('script').length,
			styles: document.querySelectorAll('style').length,
			names: Array.from(document.querySelectorAll('#rows .name')).map(e => e.textContent),
			scopes: Array.from(document.querySelectorAll('#d-head code.scope')).map(e => e.textContent),
			heading: document.querySelector('#d-head h2').textContent,
			findings: Array.from(document.querySelectorAll('#d-head li')).map(e => e.textContent),
		})`, &state)
	}
	read()
	if state.Pwned || state.Foreign != 0 || state.Scripts != 4 || state.Styles != 2 {
		t.Errorf("pwned %v, %d foreign elements, %d scripts, %d styles", state.Pwned, state.Foreign, state.Scripts, state.Styles)
	}
	got := map[string]bool{}
	for _, n := range state.Names {
		got[n] = true
	}
	for _, h := range hostile {
		if !got[h] {
			t.Errorf("the name %q does not read back as text", h)
		}
	}
	// Each identity's panel and graph: its strings as text, its hop's
	// evidence on click.
	for i, h := range hostile {
		var ok bool
		b.eval(t, fmt.Sprintf(`blastradiusReport.select(%q)`, res.Identities[i].ID), &ok)
		if !ok {
			t.Fatalf("cannot select %q", res.Identities[i].ID)
		}
		read()
		if state.Heading != h {
			t.Errorf("heading %q, want %q", state.Heading, h)
		}
		if len(state.Findings) != 1 || state.Findings[0] != h {
			t.Errorf("findings %q, want %q", state.Findings, h)
		}
		if len(state.Scopes) != 2 || state.Scopes[0] != "aws:account:"+h {
			t.Errorf("scopes %q", state.Scopes)
		}
		if n, e := b.graphSize(t); n < 3 || e < 2 {
			t.Errorf("%q: graph of %d nodes and %d edges", h, n, e)
		}
		if i == 0 {
			b.clickEdge(t, short(h, 48)+" ?")
			var dd []string
			b.eval(t, `Array.from(document.querySelectorAll('#evidence dd')).map(e => e.textContent)`, &dd)
			found := false
			for _, d := range dd {
				found = found || d == h
			}
			if !found {
				t.Errorf("evidence after a click: %q, want %q among them", dd, h)
			}
			b.screenshot(t, "report-hostile.png")
		}
	}
	read()
	if state.Pwned || state.Foreign != 0 || state.Scripts != 4 {
		t.Errorf("after every panel: pwned %v, %d foreign elements, %d scripts", state.Pwned, state.Foreign, state.Scripts)
	}
	b.checkClean(t)
}

// short is report.js's short(): labels longer than n end in an ellipsis.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func TestDiffHTMLInChromium(t *testing.T) {
	b := newBrowser(t)
	rep := sampleDiff()
	rule, err := diff.ParseRule("new-admin")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteDiffHTML(&buf, rep, DiffHTMLOptions{Verdicts: diff.Gate(rep, []diff.Rule{rule})}); err != nil {
		t.Fatal(err)
	}
	b.open(t, buf.Bytes())
	b.run(t, "wait for the graph", chromedp.WaitVisible("#graph canvas", chromedp.ByQuery))
	var rows int
	b.eval(t, `document.querySelectorAll('#rows tbody tr[data-row]').length`, &rows)
	if rows != len(rep.Findings) {
		t.Errorf("%d finding rows, want %d", rows, len(rep.Findings))
	}
	// ci-deployer: the new path (2 hops), the gained identity, the gained bucket.
	if n, e := b.graphSize(t); n != 5 || e != 4 {
		t.Errorf("graph of ci-deployer: %d nodes, %d edges; want 5 and 4", n, e)
	}
	var items []string
	b.eval(t, `Array.from(document.querySelectorAll('#d-head li')).map(e => e.textContent)`, &items)
	if len(items) != 4 {
		t.Errorf("ci-deployer's findings in the panel: %q", items)
	}
	b.clickEdge(t, "gained")
	if ev := textOf(t, b, "#evidence"); !strings.Contains(ev, "gained since the baseline") {
		t.Errorf("evidence of a gained identity: %q", ev)
	}
	b.set(t, "f-severity", "info")
	var n int
	b.eval(t, `document.querySelectorAll('#rows tbody tr[data-row]').length`, &n)
	if n != 1 {
		t.Errorf("%d info findings shown, want 1", n)
	}
	if s := textOf(t, b, "#summary"); !strings.Contains(s, "gate failed") {
		t.Errorf("summary: %q", s)
	}
	b.screenshot(t, "diff-sample.png")
	b.checkClean(t)
}

// TestRowsSameWithAndWithoutJavaScript: the script draws the ranking rows
// from the page's data; they read as the static rows the template writes
// (the first five columns: the script hides the first hops, which the
// graph shows).
func TestRowsSameWithAndWithoutJavaScript(t *testing.T) {
	for name, res := range map[string]*analysis.Result{"sample": sampleResult(), "hostile": hostileResult()} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteHTML(&buf, res, HTMLOptions{}); err != nil {
				t.Fatal(err)
			}
			const cells = `Array.from(document.querySelectorAll('#rows tbody tr[data-row]')).sort((a, b) => a.dataset.row - b.dataset.row)
				.map(tr => Array.from(tr.children).slice(0, 5).map(td => td.textContent.replace(/\s+/g, ' ').trim()).join(' | '))`
			off := newBrowser(t)
			off.run(t, "disable JavaScript", emulationScriptsOff())
			off.open(t, buf.Bytes())
			var static []string
			off.eval(t, cells, &static)
			on := newBrowser(t)
			on.open(t, buf.Bytes())
			var drawn []string
			on.eval(t, cells, &drawn)
			if len(static) != len(res.Identities) || len(drawn) != len(static) {
				t.Fatalf("%d static rows, %d drawn, want %d", len(static), len(drawn), len(res.Identities))
			}
			for i := range static {
				if static[i] != drawn[i] {
					t.Errorf("row %d:\nstatic %q\ndrawn  %q", i, static[i], drawn[i])
				}
			}
			on.checkClean(t)
		})
	}
}
