package report

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/blastradius/blastradius/analysis"
)

// AnalysisMarkdownMarker starts every Markdown analysis report, so that a
// job can find and update its earlier comment or page.
const AnalysisMarkdownMarker = "<!-- blastradius-analysis -->"

// Bounds that keep a Markdown analysis within a pull-request comment
// (GitHub accepts 65,536 characters); JSON, SARIF and HTML keep everything.
const (
	mdMaxRanking     = 100
	mdMaxAdmins      = 30
	mdMaxAdminScopes = 3
)

// markdownEncoder writes the ranking and the administrators as GitHub
// Markdown: a summary line, the snapshots, the ranked table (the first 100
// rows), one collapsible block per administrator with the path that proves
// its first admin scopes, and the gaps.
type markdownEncoder struct{}

func (markdownEncoder) format() Format { return FormatMarkdown }

func (markdownEncoder) encode(w io.Writer, res *analysis.Result, _ Options, total int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, AnalysisMarkdownMarker)
	fmt.Fprintln(bw, "## blastradius analysis")
	fmt.Fprintln(bw)
	nonHuman, admins, cond, gaps := 0, 0, 0, 0
	for i := range res.Identities {
		id := &res.Identities[i]
		if id.NonHuman {
			nonHuman++
		}
		switch {
		case len(id.AdminOf) > 0:
			admins++
		case len(id.ConditionalAdminOf) > 0:
			cond++
		}
	}
	for _, s := range res.Snapshots {
		gaps += len(s.Gaps)
	}
	listed := len(res.Identities)
	scope := fmt.Sprintf("**%d %s**", listed, plural(listed, "identity", "identities"))
	if listed < total {
		scope = fmt.Sprintf("The top **%d** of %d identities", listed, total)
	}
	fmt.Fprintf(bw, "%s (%d non-human), generated %s: **%d %s of a scope**, %d only through a conditional step; %d %s.\n",
		scope, nonHuman, res.GeneratedAt.UTC().Format(time.RFC3339), admins, plural(admins, "administrator", "administrators"),
		cond, gaps, plural(gaps, "gap", "gaps"))

	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "| provider | scope | origin | gaps |")
	fmt.Fprintln(bw, "| --- | --- | --- | ---: |")
	for _, s := range res.Snapshots {
		fmt.Fprintf(bw, "| %s | %s | %s | %d |\n", mdText(cell(string(s.Provider))), mdCode(s.Scope, true), mdText(cell(s.Origin)), len(s.Gaps))
	}

	writeMarkdownRanking(bw, res, total)
	writeMarkdownAdmins(bw, res)
	writeMarkdownAnalysisGaps(bw, res, gaps)
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "`?` marks a scope reached only through a step whose condition the analysis cannot decide; such scopes are listed, not scored.")
	return bw.Flush()
}

func writeMarkdownRanking(w io.Writer, res *analysis.Result, total int) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Ranking")
	fmt.Fprintln(w)
	if len(res.Identities) == 0 {
		fmt.Fprintln(w, "No identity.")
		return
	}
	fmt.Fprintln(w, "| # | identity | kind | score | admin of | identities | resources | first hop |")
	fmt.Fprintln(w, "| ---: | --- | --- | ---: | --- | ---: | ---: | --- |")
	for i := range res.Identities {
		if i == mdMaxRanking {
			break
		}
		id := &res.Identities[i]
		nh := ""
		if id.NonHuman {
			nh = " (non-human)"
		}
		fmt.Fprintf(w, "| %d | **%s**%s<br>%s | %s | %.1f | %s | %d | %d | %s |\n",
			id.Rank, mdText(cell(id.Name)), nh, mdCode(id.ID, true), mdCode(string(id.Kind), true), id.BlastRadius.Score,
			mdScopes(id), id.BlastRadius.Identities, id.BlastRadius.Resources, mdFirstHop(id))
	}
	if n := len(res.Identities) - mdMaxRanking; n > 0 {
		fmt.Fprintf(w, "\n… and %d more %s: see the JSON or HTML report.\n", n, plural(n, "identity", "identities"))
	}
	if len(res.Identities) < total {
		fmt.Fprintf(w, "\nShowing the top %d of %d identities (`--top`).\n", len(res.Identities), total)
	}
}

// mdScopes lists an identity's admin scopes in a table cell, conditional
// ones marked "?".
func mdScopes(id *analysis.Identity) string {
	var parts []string
	for i, s := range id.AdminOf {
		if i == mdMaxAdminScopes {
			parts = append(parts, fmt.Sprintf("+%d more", len(id.AdminOf)-i))
			break
		}
		parts = append(parts, mdCode(s, true))
	}
	for i, s := range id.ConditionalAdminOf {
		if i == mdMaxAdminScopes {
			parts = append(parts, fmt.Sprintf("+%d more?", len(id.ConditionalAdminOf)-i))
			break
		}
		parts = append(parts, mdCode(s, true)+"?")
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

// mdFirstHop is the first hop of the first escalation: technique → target.
func mdFirstHop(id *analysis.Identity) string {
	if len(id.Escalations) == 0 || len(id.Escalations[0].Path) == 0 {
		return "-"
	}
	h := id.Escalations[0].Path[0]
	return mdCode(h.Technique, true) + " → " + mdCode(h.To, true)
}

// writeMarkdownAdmins writes one collapsible block per administrator (of
// the identities listed) with the path to each of its first scopes.
func writeMarkdownAdmins(w io.Writer, res *analysis.Result) {
	var admins []*analysis.Identity
	for i := range res.Identities {
		if id := &res.Identities[i]; len(id.AdminOf)+len(id.ConditionalAdminOf) > 0 {
			admins = append(admins, id)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Administrators")
	fmt.Fprintln(w)
	if len(admins) == 0 {
		fmt.Fprintln(w, "No identity can obtain administrator of a scope.")
		return
	}
	for i, id := range admins {
		if i == mdMaxAdmins {
			n := len(admins) - mdMaxAdmins
			fmt.Fprintf(w, "\n… and %d more %s: see the JSON or HTML report.\n", n, plural(n, "administrator", "administrators"))
			break
		}
		var scopes []string
		for _, s := range id.AdminOf {
			scopes = append(scopes, "<code>"+html.EscapeString(oneLine(s))+"</code>")
		}
		for _, s := range id.ConditionalAdminOf {
			scopes = append(scopes, "<code>"+html.EscapeString(oneLine(s))+"</code>?")
		}
		if len(scopes) > mdMaxAdminScopes {
			scopes = append(scopes[:mdMaxAdminScopes], fmt.Sprintf("and %d more", len(scopes)-mdMaxAdminScopes))
		}
		fmt.Fprintln(w, "<details>")
		fmt.Fprintf(w, "<summary><b>%s</b> (<code>%s</code>, score %.1f) administers %s</summary>\n",
			html.EscapeString(oneLine(id.Name)), html.EscapeString(oneLine(string(id.Kind))), id.BlastRadius.Score, strings.Join(scopes, ", "))
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%s\n\n", mdCode(id.ID, false))
		shown := 0
		scopeSet := adminScopes(id)
		for _, e := range id.Escalations {
			if !scopeSet[e.Target] {
				continue
			}
			if shown == mdMaxAdminScopes {
				break
			}
			shown++
			cond := ""
			if e.Conditional {
				cond = " (conditional)"
			}
			fmt.Fprintf(w, "To %s%s:\n\n", mdCode(e.Target, false), cond)
			writeMarkdownHops(w, e.Path)
			fmt.Fprintln(w)
		}
		if shown == 0 {
			fmt.Fprintln(w, "No path in the analysis (its lists were cut); analyze with `--detail full`.")
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, "</details>")
	}
}

// writeMarkdownHops writes the hops of one path as a numbered list, with
// their evidence.
func writeMarkdownHops(w io.Writer, path []analysis.Hop) {
	for j, h := range path {
		mark := ""
		if h.Conditional {
			mark = " (conditional)"
		}
		fmt.Fprintf(w, "%d. %s → %s by %s%s  \n   evidence: %s\n",
			j+1, mdCode(h.From, false), mdCode(h.To, false), mdCode(h.Technique, false), mark, mdText(h.Evidence))
	}
}

func writeMarkdownAnalysisGaps(w io.Writer, res *analysis.Result, n int) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Gaps")
	fmt.Fprintln(w)
	if n == 0 {
		fmt.Fprintln(w, "No snapshot recorded a gap.")
		return
	}
	fmt.Fprintln(w, "<details>")
	fmt.Fprintf(w, "<summary>%d %s the collection could not see: a gap can hide a path</summary>\n", n, plural(n, "thing", "things"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scope | what | reason | where |")
	fmt.Fprintln(w, "| --- | --- | --- | --- |")
	shown := 0
	for _, s := range res.Snapshots {
		for _, g := range s.Gaps {
			if shown == mdMaxGaps {
				break
			}
			shown++
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", mdCode(s.Scope, true), mdText(g.What), mdText(g.Reason), mdText(cell(g.Where)))
		}
	}
	if n > shown {
		fmt.Fprintf(w, "\n… and %d more %s: see the JSON report.\n", n-shown, plural(n-shown, "gap", "gaps"))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "</details>")
}
