package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/blastradius/blastradius/analysis"
)

// tableEncoder writes a header block (every snapshot and every gap), then
// an aligned table of identities by rank, then a legend. Under DetailFull
// each row is followed by its escalations, hop by hop with evidence.
type tableEncoder struct{}

func (tableEncoder) format() Format { return FormatTable }

// Legend explains the table's marks; it ends every table report.
const Legend = `"?" = conditional: reachable only through a step whose condition the analysis cannot decide`

func (tableEncoder) encode(w io.Writer, res *analysis.Result, opts Options, total int) error {
	bw := bufio.NewWriter(w)
	writeHeader(bw, res)
	fmt.Fprintln(bw)
	if len(res.Identities) == 0 {
		fmt.Fprintln(bw, "identities: none")
	} else if err := writeRows(bw, res, opts); err != nil {
		return err
	}
	fmt.Fprintln(bw)
	if n := len(res.Identities); n < total {
		fmt.Fprintf(bw, "showing the top %d of %d identities\n", n, total)
	}
	fmt.Fprintln(bw, Legend)
	return bw.Flush()
}

// writeHeader lists each snapshot with its origin and every gap.
func writeHeader(w io.Writer, res *analysis.Result) {
	fmt.Fprintf(w, "blastradius analysis, generated %s\n", res.GeneratedAt.UTC().Format(time.RFC3339))
	if len(res.Snapshots) == 0 {
		fmt.Fprintln(w, "snapshots: none")
	}
	for _, s := range res.Snapshots {
		fmt.Fprintf(w, "snapshot %s %s", cell(string(s.Provider)), cell(s.Scope))
		if s.Origin != "" {
			fmt.Fprintf(w, " (%s)", oneLine(s.Origin))
		}
		fmt.Fprintln(w)
		if len(s.Gaps) == 0 {
			fmt.Fprintln(w, "  gaps: none")
			continue
		}
		fmt.Fprintf(w, "  gaps: %d\n", len(s.Gaps))
		for _, g := range s.Gaps {
			fmt.Fprintf(w, "    %s — %s", oneLine(g.What), oneLine(g.Reason))
			if g.Where != "" {
				fmt.Fprintf(w, " (%s)", oneLine(g.Where))
			}
			fmt.Fprintln(w)
		}
	}
}

// writeRows aligns the identity rows with text/tabwriter, then prints each
// row followed by its escalations (which must stay out of the alignment).
func writeRows(w io.Writer, res *analysis.Result, opts Options) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tIDENTITY\tKIND\tNON-HUMAN\tSCORE\tADMIN OF\tIDENTITIES\tRESOURCES\tFIRST STEP")
	for _, id := range res.Identities {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.1f\t%s\t%d\t%d\t%s\n",
			id.Rank, cell(id.Name), cell(string(id.Kind)), yesNo(id.NonHuman), id.BlastRadius.Score,
			cell(adminOf(id)), id.BlastRadius.Identities, id.BlastRadius.Resources, firstStep(id))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	fmt.Fprintln(w, lines[0])
	for i, id := range res.Identities {
		fmt.Fprintln(w, lines[i+1])
		if opts.Detail == analysis.DetailFull {
			writeBreakdown(w, id.BlastRadius)
			writeEscalations(w, id)
		}
	}
	return nil
}

// writeBreakdown prints how the score adds up.
func writeBreakdown(w io.Writer, br analysis.BlastRadius) {
	b := br.Breakdown
	fmt.Fprintf(w, "  score %.1f = identities %.1f + resources %.1f + admin scopes %.1f",
		br.Score, b[analysis.BreakdownIdentities], b[analysis.BreakdownResources], b[analysis.BreakdownAdminScopes])
	if n := b[analysis.BreakdownConditionalAdminScopes]; n > 0 {
		fmt.Fprintf(w, " (and %g conditional admin scopes, not scored)", n)
	}
	fmt.Fprintln(w)
}

// writeEscalations prints each escalation of id and its hops.
func writeEscalations(w io.Writer, id analysis.Identity) {
	for _, e := range id.Escalations {
		cond := ""
		if e.Conditional {
			cond = " (conditional)"
		}
		fmt.Fprintf(w, "  → %s via %s%s\n", oneLine(e.Target), oneLine(e.Technique), cond)
		writeHops(w, e)
	}
	if id.Truncated {
		fmt.Fprintf(w, "  … lists cut at %d entries (analyze with --detail full for all)\n", analysis.SummaryLimit)
	}
}

// adminOf lists admin scopes, then conditional ones marked "?", or "-".
func adminOf(id analysis.Identity) string {
	list := append([]string{}, id.AdminOf...)
	for _, s := range id.ConditionalAdminOf {
		list = append(list, s+"?")
	}
	if len(list) == 0 {
		return "-"
	}
	return strings.Join(list, ",")
}

// firstStep is the technique of the first hop of the first escalation.
func firstStep(id analysis.Identity) string {
	if len(id.Escalations) == 0 || len(id.Escalations[0].Path) == 0 {
		return "-"
	}
	return cell(id.Escalations[0].Path[0].Technique)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// cell keeps a value in one table cell: an empty value would shift the
// columns, so it becomes "-".
func cell(s string) string {
	if s = oneLine(s); s == "" {
		return "-"
	}
	return s
}

// oneLine replaces tabs and line breaks, which would break the layout, by spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r', '\v', '\f':
			return ' '
		}
		return r
	}, s)
}
