package report

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/blastradius/blastradius/analysis/diff"
)

// MarkdownMarker starts every Markdown diff report, so that a CI job can
// find and update its earlier pull-request comment.
const MarkdownMarker = "<!-- blastradius-diff -->"

// Bounds that keep a Markdown report within a pull-request comment (GitHub
// accepts 65,536 characters); the JSON and SARIF reports keep everything.
const (
	mdMaxFindings = 100
	mdMaxPaths    = 20
	mdMaxGaps     = 50
)

// diffMarkdownEncoder writes a diff as a pull-request comment: a headline
// with the gate's verdict, counts, a table of verdicts per rule, a table of
// findings, collapsible paths proving each new admin scope, and the gaps.
type diffMarkdownEncoder struct{}

func (diffMarkdownEncoder) format() Format { return FormatMarkdown }

func (diffMarkdownEncoder) encode(w io.Writer, rep *diff.Report, opts DiffOptions, verdicts []diff.Verdict) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, MarkdownMarker)
	switch {
	case len(verdicts) == 0:
		fmt.Fprintln(bw, "## blastradius diff")
	case diff.Failed(verdicts):
		fmt.Fprintln(bw, "## blastradius diff: ❌ gate failed")
	default:
		fmt.Fprintln(bw, "## blastradius diff: ✅ gate passed")
	}
	fmt.Fprintln(bw)
	fmt.Fprintf(bw, "**%d %s** (%s) in %s (%d %s) against the baseline %s (%d %s).\n",
		len(rep.Findings), plural(len(rep.Findings), "finding", "findings"), severityCounts(rep),
		mdCode(sideName(rep.Current, "current"), false), rep.Current.Identities, plural(rep.Current.Identities, "identity", "identities"),
		mdCode(sideName(rep.Baseline, "baseline"), false), rep.Baseline.Identities, plural(rep.Baseline.Identities, "identity", "identities"))

	if len(verdicts) > 0 {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "| `--fail-on` | verdict | findings |")
		fmt.Fprintln(bw, "| --- | --- | ---: |")
		for _, v := range verdicts {
			state := "✅ passed"
			if v.Fired {
				state = "❌ fired"
			}
			fmt.Fprintf(bw, "| %s | %s | %d |\n", mdCode(v.Rule, true), state, v.Findings)
		}
	}

	writeMarkdownFindings(bw, rep, opts.Locations)
	writeMarkdownPaths(bw, rep)
	writeMarkdownGaps(bw, rep)

	if len(rep.Removed) > 0 || len(rep.Notes) > 0 {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "> [!NOTE]")
		if n := len(rep.Removed); n > 0 {
			fmt.Fprintf(bw, "> - %d %s of the baseline %s no longer in the current snapshot.\n", n, plural(n, "identity", "identities"), plural(n, "is", "are"))
		}
		for _, n := range rep.Notes {
			fmt.Fprintf(bw, "> - %s\n", mdText(n))
		}
	}
	return bw.Flush()
}

// writeMarkdownFindings writes the table of findings; with locations (a
// plan's resource changes, by finding key) a column names them.
func writeMarkdownFindings(w io.Writer, rep *diff.Report, locations map[string][]Location) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Findings")
	fmt.Fprintln(w)
	if len(rep.Findings) == 0 {
		fmt.Fprintln(w, "No identity gained anything.")
		return
	}
	if locations != nil {
		fmt.Fprintln(w, "| severity | finding | identity | detail | from |")
		fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	} else {
		fmt.Fprintln(w, "| severity | finding | identity | detail |")
		fmt.Fprintln(w, "| --- | --- | --- | --- |")
	}
	for i := range rep.Findings {
		if i == mdMaxFindings {
			break
		}
		f := &rep.Findings[i]
		detail := mdText(findingDetail(f))
		if f.Partial {
			detail += " (partial)"
		}
		fmt.Fprintf(w, "| %s | %s | **%s**<br>%s | %s |",
			f.Severity, mdCode(string(f.Kind), true), mdText(cell(f.Identity.Name)), mdCode(f.Identity.ID, true), detail)
		if locations != nil {
			var names []string
			for _, l := range locations[f.Key()] {
				if l.Name != "" {
					names = append(names, mdCode(l.Name, true))
				}
			}
			from := "-"
			if len(names) > 0 {
				from = strings.Join(names[:min(len(names), listedItems)], "<br>")
				if n := len(names) - listedItems; n > 0 {
					from += fmt.Sprintf("<br>and %d more", n)
				}
			}
			fmt.Fprintf(w, " %s |", from)
		}
		fmt.Fprintln(w)
	}
	if n := len(rep.Findings) - mdMaxFindings; n > 0 {
		fmt.Fprintf(w, "\n… and %d more %s: see the JSON or SARIF report.\n", n, plural(n, "finding", "findings"))
	}
}

// writeMarkdownPaths writes one collapsible block per new admin scope with
// the hops that prove it and their evidence.
func writeMarkdownPaths(w io.Writer, rep *diff.Report) {
	var admins []*diff.Finding
	for i := range rep.Findings {
		if k := rep.Findings[i].Kind; k == diff.KindNewAdmin || k == diff.KindNewConditionalAdmin {
			admins = append(admins, &rep.Findings[i])
		}
	}
	if len(admins) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Paths to new admin scopes")
	for i, f := range admins {
		if i == mdMaxPaths {
			n := len(admins) - mdMaxPaths
			fmt.Fprintf(w, "\n… and %d more %s: see the JSON or SARIF report.\n", n, plural(n, "path", "paths"))
			break
		}
		cond := ""
		if f.Kind == diff.KindNewConditionalAdmin {
			cond = ", conditional"
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "<details>")
		fmt.Fprintf(w, "<summary><code>%s</code> → <code>%s</code>%s%s</summary>\n",
			html.EscapeString(oneLine(f.Identity.ID)), html.EscapeString(oneLine(f.Target)), html.EscapeString(hopsNote(f)), cond)
		fmt.Fprintln(w)
		if len(f.Paths) == 0 {
			fmt.Fprintln(w, "No path in the analysis (its lists were cut); analyze with `--detail full`.")
		}
		for _, e := range f.Paths {
			writeMarkdownHops(w, e.Path)
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "</details>")
	}
}

// writeMarkdownGaps writes the gaps of both sides in a collapsible block.
func writeMarkdownGaps(w io.Writer, rep *diff.Report) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Gaps")
	fmt.Fprintln(w)
	cur, base, both := gapCounts(rep)
	if cur+base+both == 0 {
		fmt.Fprintln(w, "Neither snapshot recorded a gap.")
		return
	}
	fmt.Fprintln(w, "<details>")
	fmt.Fprintf(w, "<summary>%d only in current, %d only in baseline, %d in both: a gap can hide an increase (current) or make one appear (baseline)</summary>\n", cur, base, both)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| in | scope | what | reason | where |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for i, g := range rep.Gaps {
		if i == mdMaxGaps {
			break
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", g.In, mdCode(g.Scope, true), mdText(g.What), mdText(g.Reason), mdText(cell(g.Where)))
	}
	if n := len(rep.Gaps) - mdMaxGaps; n > 0 {
		fmt.Fprintf(w, "\n… and %d more %s: see the JSON report.\n", n, plural(n, "gap", "gaps"))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "</details>")
}

// mdText escapes s for Markdown text (also in table cells), on one line.
func mdText(s string) string {
	s = oneLine(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '#':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode renders s as a code span on one line; in a table cell its pipes
// are escaped, as GitHub's table syntax requires even inside code.
func mdCode(s string, inTable bool) string {
	s = oneLine(s)
	if s == "" {
		return "-"
	}
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
