package viz

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/diff"
	"github.com/blastradius/blastradius/graphmodel"
)

//go:embed assets/page.html.tmpl assets/report.css assets/report.js
//go:embed assets/vendor/cytoscape.min.js assets/vendor/cytoscape-dagre.min.js
//go:embed assets/vendor/LICENSE.* assets/vendor/MANIFEST
var assets embed.FS

// DefaultGraphs is how many identities, the first by rank, carry the graph
// of their paths in a page written under --detail summary; the rest are
// listed in the ranking without it (viz --focus draws any one). Under
// --detail full every listed identity carries its graph.
const DefaultGraphs = 500

// StaticRows is how many ranking rows the page holds as HTML, readable
// without JavaScript; the script draws every row from the page's data (a
// browser takes long to lay out tens of thousands of table rows).
const StaticRows = 1000

// maxFirstHops is how many first hops a ranking row shows.
const maxFirstHops = 3

// maxRowScopes is how many admin scopes a ranking row names.
const maxRowScopes = 3

// chunkRows is how many ranking rows share a tbody.
const chunkRows = 250

// HTMLOptions steer WriteHTML.
type HTMLOptions struct {
	// Top lists only the first Top identities by rank; 0 lists all. The
	// summary counts every identity of the result.
	Top int
	// Detail is the detail level of the result: under DetailFull every
	// listed identity carries its graph, else the first DefaultGraphs.
	Detail analysis.Detail
	// Focus is the ID of the identity selected when the page opens; ""
	// selects the first. It always carries its graph.
	Focus string
	// Subtitle is shown under the title (e.g. what a focused page holds).
	Subtitle string
	// Nodes describes the nodes of paths (name, kind, provider); nil
	// describes them from the result and their place in the paths.
	Nodes NodeLookup
	// ToolVersion is the blastradius version named in the footer.
	ToolVersion string
}

// DiffHTMLOptions steer WriteDiffHTML.
type DiffHTMLOptions struct {
	// Verdicts are the --fail-on rules' verdicts (diff.Gate).
	Verdicts []diff.Verdict
	// ToolVersion is the blastradius version named in the footer.
	ToolVersion string
}

// page is what the template renders.
type page struct {
	Title, Subtitle, Generated, Version string
	Mode                                string
	CSP                                 string
	CSS                                 template.CSS
	CytoscapeCSS                        template.CSS
	Scripts                             []template.JS
	Data                                template.JS
	Analysis                            *analysisView
	Diff                                *diffView
	Licenses                            []license
	Colors                              []legendEntry
}

type license struct{ Name, Text string }

type legendEntry struct{ Name, Color string }

// analysisView is the static part of an analysis page.
type analysisView struct {
	Total, Listed, NonHuman, Admins, CondAdmins, Graphs int
	// Unlisted is how many listed identities have no static row.
	Unlisted  int
	Providers []providerCount
	Snapshots []snapshotView
	Gaps      int
	Rows      []rowView
	// Chunks are Rows in groups of chunkRows (one tbody each, which a
	// browser lays out only when shown).
	Chunks [][]rowView
	Legend string
}

type providerCount struct {
	Provider                           string
	Identities, NonHuman, Admins, Cond int
}

type snapshotView struct {
	Provider, Scope, Origin string
	Gaps                    []graphmodel.Gap
}

// rowView is one static ranking row.
type rowView struct {
	Index                  int
	Rank                   int
	Name, ID, Kind         string
	Provider               string
	NonHuman               bool
	Score                  string
	Breakdown              string
	Admin, Cond            []string
	MoreAdmin, MoreCond    int
	Identities, Resources  int
	FirstHops              []hopView
	Truncated, GraphMissed bool
}

type hopView struct{ Technique, To string }

// diffView is the static part of a diff page.
type diffView struct {
	Baseline, Current         sideView
	Findings                  int
	High, Medium, Low, Info   int
	Verdicts                  []diff.Verdict
	Failed                    bool
	Removed                   int
	Notes                     []string
	Gaps                      []diff.GapEntry
	GapsCurrent, GapsBaseline int
	GapsBoth                  int
	Rows                      []findingView
}

type sideView struct {
	File       string
	Identities int
}

type findingView struct {
	Index          int
	Severity, Kind string
	Name, ID       string
	Message        string
	Partial        bool
}

// WriteHTML writes the assessment report of res: one self-contained page
// (scripts, styles and data inline; a Content-Security-Policy forbids any
// load) with a summary (snapshots, providers, counts, gaps) and the ranked
// table with each identity's score breakdown, admin scopes and first hops,
// readable without JavaScript. With JavaScript the table gains search,
// filters and sorting, and the selected identity's paths are drawn as a
// graph whose hops show their evidence on click.
func WriteHTML(w io.Writer, res *analysis.Result, opts HTMLOptions) error {
	if res == nil {
		return errors.New("html report: no result")
	}
	if opts.Top < 0 {
		return fmt.Errorf("html report: top must be 0 (all) or more, not %d", opts.Top)
	}
	listed := res.Identities
	if opts.Top > 0 && opts.Top < len(listed) {
		listed = listed[:opts.Top]
	}
	limit := DefaultGraphs
	if opts.Detail == analysis.DetailFull {
		limit = 0
	}
	t := newStrtab()
	all := make(map[string]*analysis.Identity, len(res.Identities))
	for i := range res.Identities {
		all[res.Identities[i].ID] = &res.Identities[i]
	}
	d := &describer{nodes: opts.Nodes, identities: all}
	data := newPageData("analysis", limit)
	view := &analysisView{Total: len(res.Identities), Listed: len(listed), Legend: "?"}
	providers := map[string]*providerCount{}
	for i := range res.Identities {
		id := &res.Identities[i]
		p := providers[string(id.Provider)]
		if p == nil {
			p = &providerCount{Provider: string(id.Provider)}
			providers[string(id.Provider)] = p
		}
		p.Identities++
		if id.NonHuman {
			p.NonHuman++
			view.NonHuman++
		}
		if len(id.AdminOf) > 0 {
			p.Admins++
			view.Admins++
		} else if len(id.ConditionalAdminOf) > 0 {
			p.Cond++
			view.CondAdmins++
		}
	}
	for _, p := range providers {
		view.Providers = append(view.Providers, *p)
	}
	sort.Slice(view.Providers, func(i, j int) bool { return view.Providers[i].Provider < view.Providers[j].Provider })
	for _, s := range res.Snapshots {
		view.Snapshots = append(view.Snapshots, snapshotView{Provider: string(s.Provider), Scope: s.Scope, Origin: s.Origin, Gaps: s.Gaps})
		view.Gaps += len(s.Gaps)
	}

	for i := range listed {
		id := &listed[i]
		br := id.BlastRadius.Breakdown
		adminFirst, _ := firstOf(id.AdminOf, maxRowScopes)
		condFirst, _ := firstOf(id.ConditionalAdminOf, maxRowScopes)
		row := pageRow{
			ID: t.id(id.ID), Name: t.id(id.Name), Kind: t.id(string(id.Kind)), Provider: t.id(string(id.Provider)),
			NonHuman: id.NonHuman, Rank: id.Rank, Score: finite(id.BlastRadius.Score),
			Admin: len(id.AdminOf), Cond: len(id.ConditionalAdminOf), AdminFirst: t.ids(adminFirst), CondFirst: t.ids(condFirst),
			Identities: id.BlastRadius.Identities, Resources: id.BlastRadius.Resources, Graph: -1,
			Breakdown: []float64{finite(br[analysis.BreakdownIdentities]), finite(br[analysis.BreakdownResources]),
				finite(br[analysis.BreakdownAdminScopes]), finite(br[analysis.BreakdownConditionalAdminScopes])},
			Truncated: id.Truncated,
		}
		if limit == 0 || len(data.Graphs) < limit || id.ID == opts.Focus {
			row.Graph = len(data.Graphs)
			data.Graphs = append(data.Graphs, identityGraph(t, d, id))
		}
		if id.ID == opts.Focus {
			data.Focus = i
		}
		data.Rows = append(data.Rows, row)
		if i < StaticRows {
			view.Rows = append(view.Rows, rowOf(i, id, d, row.Graph < 0))
		}
	}
	view.Unlisted = len(listed) - len(view.Rows)
	view.Graphs = len(data.Graphs)
	for i := 0; i < len(view.Rows); i += chunkRows {
		view.Chunks = append(view.Chunks, view.Rows[i:min(i+chunkRows, len(view.Rows))])
	}
	data.Strings = t.list
	title := "blastradius assessment"
	return render(w, page{
		Title: title, Subtitle: opts.Subtitle, Mode: "analysis",
		Generated: res.GeneratedAt.UTC().Format(time.RFC3339), Version: versionOr(opts.ToolVersion),
		Analysis: view,
	}, data)
}

// rowOf is the static row of one identity.
func rowOf(i int, id *analysis.Identity, d *describer, missed bool) rowView {
	br := id.BlastRadius.Breakdown
	breakdown := fmt.Sprintf("identities %s + resources %s + admin scopes %s",
		number(br[analysis.BreakdownIdentities]), number(br[analysis.BreakdownResources]), number(br[analysis.BreakdownAdminScopes]))
	if n := br[analysis.BreakdownConditionalAdminScopes]; n > 0 {
		breakdown += fmt.Sprintf(" (%s conditional admin scopes, not scored)", number(n))
	}
	row := rowView{
		Index: i, Rank: id.Rank, Name: id.Name, ID: id.ID, Kind: string(id.Kind), Provider: string(id.Provider),
		NonHuman: id.NonHuman, Score: fmt.Sprintf("%.1f", id.BlastRadius.Score), Breakdown: breakdown,
		Identities: id.BlastRadius.Identities, Resources: id.BlastRadius.Resources,
		Truncated: id.Truncated, GraphMissed: missed,
	}
	row.Admin, row.MoreAdmin = firstOf(id.AdminOf, maxRowScopes)
	row.Cond, row.MoreCond = firstOf(id.ConditionalAdminOf, maxRowScopes)
	seen := map[[2]string]bool{}
	for _, e := range id.Escalations {
		if len(row.FirstHops) == maxFirstHops {
			break
		}
		if len(e.Path) == 0 {
			continue
		}
		h := e.Path[0]
		k := [2]string{h.Technique, h.To}
		if seen[k] {
			continue
		}
		seen[k] = true
		row.FirstHops = append(row.FirstHops, hopView{Technique: h.Technique, To: d.name(h.To)})
	}
	return row
}

// number renders f as the page's script does (JavaScript's String(f) for
// the numbers a score holds): no exponent, the fewest digits that read back.
func number(f float64) string { return strconv.FormatFloat(finite(f), 'f', -1, 64) }

// name is the short name of a node: its name when known, else its ID.
func (d *describer) name(id string) string {
	if n, ok := d.lookup(id); ok && n.Name != "" {
		return n.Name
	}
	if x, ok := d.identities[id]; ok && x.Name != "" {
		return x.Name
	}
	return id
}

// firstOf returns the first n items of list and how many more there are.
func firstOf(list []string, n int) ([]string, int) {
	if len(list) <= n {
		return list, 0
	}
	return list[:n], len(list) - n
}

// WriteDiffHTML writes a diff report as a page in the look of WriteHTML:
// the verdicts, counts and gaps, the findings table, and for the selected
// finding the graph of what its identity gained (new admin paths hop by hop
// with their evidence, gained identities and resources).
func WriteDiffHTML(w io.Writer, rep *diff.Report, opts DiffHTMLOptions) error {
	if rep == nil {
		return errors.New("html diff report: no report")
	}
	t := newStrtab()
	d := &describer{identities: map[string]*analysis.Identity{}}
	data := newPageData("diff", 0)
	view := &diffView{
		Baseline: sideView{File: sideFile(rep.Baseline, "baseline"), Identities: rep.Baseline.Identities},
		Current:  sideView{File: sideFile(rep.Current, "current"), Identities: rep.Current.Identities},
		Findings: len(rep.Findings),
		High:     rep.CountSeverity(diff.SeverityHigh), Medium: rep.CountSeverity(diff.SeverityMedium),
		Low: rep.CountSeverity(diff.SeverityLow), Info: rep.CountSeverity(diff.SeverityInfo),
		Verdicts: opts.Verdicts, Failed: diff.Failed(opts.Verdicts),
		Removed: len(rep.Removed), Notes: rep.Notes, Gaps: rep.Gaps,
	}
	for _, g := range rep.Gaps {
		switch g.In {
		case diff.GapInCurrent:
			view.GapsCurrent++
		case diff.GapInBaseline:
			view.GapsBaseline++
		default:
			view.GapsBoth++
		}
	}
	// One graph per identity, from all its findings, in order of first finding.
	byIdentity := map[string][]*diff.Finding{}
	var order []string
	for i := range rep.Findings {
		f := &rep.Findings[i]
		id := f.Identity.ID
		if _, ok := byIdentity[id]; !ok {
			order = append(order, id)
			ref := f.Identity
			d.identities[id] = &analysis.Identity{ID: ref.ID, Name: ref.Name, Kind: ref.Kind, Provider: ref.Provider, NonHuman: ref.NonHuman}
		}
		byIdentity[id] = append(byIdentity[id], f)
	}
	graphOf := map[string]int{}
	for _, id := range order {
		graphOf[id] = len(data.Graphs)
		data.Graphs = append(data.Graphs, diffGraph(t, d, byIdentity[id]))
	}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		score := 0.0
		if f.Score != nil {
			score = finite(f.Score.After)
		}
		data.Rows = append(data.Rows, pageRow{
			ID: t.id(f.Identity.ID), Name: t.id(f.Identity.Name), Kind: t.id(string(f.Identity.Kind)),
			Provider: t.id(string(f.Identity.Provider)), NonHuman: f.Identity.NonHuman, Score: score,
			Graph: graphOf[f.Identity.ID], Severity: t.id(string(f.Severity)), Finding: t.id(string(f.Kind)),
			Detail: t.id(f.Target), Message: t.id(f.Message()), Rank: i + 1, Partial: f.Partial,
		})
		view.Rows = append(view.Rows, findingView{
			Index: i, Severity: string(f.Severity), Kind: string(f.Kind), Name: f.Identity.Name, ID: f.Identity.ID,
			Message: f.Message(), Partial: f.Partial,
		})
	}
	data.Strings = t.list
	return render(w, page{
		Title: "blastradius diff", Mode: "diff", Version: versionOr(opts.ToolVersion), Diff: view,
		Subtitle: fmt.Sprintf("%s against the baseline %s", view.Current.File, view.Baseline.File),
	}, data)
}

func sideFile(s diff.Side, fallback string) string {
	if s.File == "" {
		return fallback
	}
	return s.File
}

func versionOr(v string) string {
	if v == "" {
		return "dev"
	}
	return v
}

func newPageData(mode string, limit int) *pageData {
	colors := make(map[string]string, len(providerColors))
	for p, c := range providerColors {
		colors[string(p)] = c
	}
	return &pageData{
		Version: pageVersion, Mode: mode, Focus: -1, Rows: []pageRow{}, Graphs: []pageGraph{},
		Colors: colors, Unknown: unknownColor, GraphLimit: limit,
		EdgeColors: map[string]string{
			"become": colorBecome, "admin": colorAdmin, "access": colorAccess, "grant": colorGrant, "member": colorMember,
		},
	}
}

// pageTemplate is parsed once.
var pageTemplate = template.Must(template.New("page.html.tmpl").Funcs(template.FuncMap{
	"inc": func(i int) int { return i + 1 },
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
}).ParseFS(assets, "assets/page.html.tmpl"))

// render fills the page's assets, data and policy, and executes the template.
func render(w io.Writer, p page, data *pageData) error {
	js, err := inlineJSON(data)
	if err != nil {
		return fmt.Errorf("html report: encode data: %w", err)
	}
	p.Data = template.JS(js)
	css, err := assets.ReadFile("assets/report.css")
	if err != nil {
		return err
	}
	p.CSS = template.CSS(string(css) + swatchCSS())
	for _, name := range []string{"assets/vendor/cytoscape.min.js", "assets/vendor/cytoscape-dagre.min.js", "assets/report.js"} {
		b, err := assets.ReadFile(name)
		if err != nil {
			return err
		}
		p.Scripts = append(p.Scripts, template.JS(b))
	}
	p.CytoscapeCSS = cytoscapeCSS
	p.CSP = contentSecurityPolicy(p.Scripts, p.CSS, p.CytoscapeCSS)
	for _, l := range []struct{ name, file string }{
		{"Cytoscape.js", "LICENSE.cytoscape"}, {"cytoscape-dagre", "LICENSE.cytoscape-dagre"},
		{"@dagrejs/dagre (bundled in cytoscape-dagre)", "LICENSE.dagre"}, {"@dagrejs/graphlib (bundled in cytoscape-dagre)", "LICENSE.graphlib"},
	} {
		b, err := assets.ReadFile("assets/vendor/" + l.file)
		if err != nil {
			return err
		}
		p.Licenses = append(p.Licenses, license{Name: l.name, Text: string(b)})
	}
	for _, prov := range []graphmodel.Provider{graphmodel.ProviderAWS, graphmodel.ProviderGCP, graphmodel.ProviderKubernetes,
		graphmodel.ProviderWorkspace, graphmodel.ProviderGitHub, graphmodel.ProviderExternal} {
		p.Colors = append(p.Colors, legendEntry{Name: string(prov), Color: providerColors[prov]})
	}
	bw := bufio.NewWriterSize(w, 64*1024)
	if err := pageTemplate.Execute(bw, p); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return bw.Flush()
}

// swatchCSS colours the legend's swatches like the graph's nodes.
func swatchCSS() string {
	var b strings.Builder
	provs := make([]string, 0, len(providerColors))
	for p := range providerColors {
		provs = append(provs, string(p))
	}
	sort.Strings(provs)
	for _, p := range provs {
		fmt.Fprintf(&b, ".sw-%s{background:%s}\n", p, providerColors[graphmodel.Provider(p)])
	}
	return b.String()
}

// cytoscapeCSS is the style sheet Cytoscape.js inserts into a page unless
// the page has an element with its id: the page carries it (allowed by its
// hash), since the policy forbids a style a script inserts.
const cytoscapeCSS = ".__________cytoscape_container { position: relative; }"

// contentSecurityPolicy allows the page's own inline scripts and styles (by
// their SHA-256) and nothing else: no request of any kind, no other script
// or style, no form, no base URL. Cytoscape draws on canvas and sets styles
// from script, which the policy allows; images may only be data: URLs.
func contentSecurityPolicy(scripts []template.JS, styles ...template.CSS) string {
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	var src []string
	for _, s := range scripts {
		src = append(src, hash(string(s)))
	}
	var styleSrc []string
	for _, s := range styles {
		styleSrc = append(styleSrc, hash(string(s)))
	}
	return "default-src 'none'; script-src " + strings.Join(src, " ") +
		"; style-src " + strings.Join(styleSrc, " ") +
		"; img-src data:; font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'"
}

// inlineJSON encodes v for a <script type="application/json"> element: <,
// > and & are \u escapes (so neither </script> nor <!-- can appear), as are
// U+2028 and U+2029.
func inlineJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
