package report

import (
	"bufio"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/diff"
)

// diffTableEncoder writes a diff for people: both sides with their
// snapshots, the gate verdicts, an aligned table of findings, the paths
// that prove each new admin scope, then gaps and notes.
type diffTableEncoder struct{}

func (diffTableEncoder) format() Format { return FormatTable }

func (diffTableEncoder) encode(w io.Writer, rep *diff.Report, _ DiffOptions, verdicts []diff.Verdict) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "blastradius diff")
	writeSide(bw, "baseline", rep.Baseline)
	writeSide(bw, "current", rep.Current)
	fmt.Fprintln(bw)

	if len(verdicts) == 0 {
		fmt.Fprintln(bw, "gate: no --fail-on rule")
	}
	for _, v := range verdicts {
		state := "passed"
		if v.Fired {
			state = fmt.Sprintf("FAILED (%d %s)", v.Findings, plural(v.Findings, "finding", "findings"))
		}
		fmt.Fprintf(bw, "gate %s: %s\n", v.Rule, state)
	}
	fmt.Fprintln(bw)

	if len(rep.Findings) == 0 {
		fmt.Fprintln(bw, "findings: none")
	} else {
		fmt.Fprintf(bw, "findings: %d (%s)\n", len(rep.Findings), severityCounts(rep))
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tFINDING\tIDENTITY\tDETAIL")
		for i := range rep.Findings {
			f := &rep.Findings[i]
			partial := ""
			if f.Partial {
				partial = " (partial)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\n", f.Severity, f.Kind, cell(f.Identity.ID), oneLine(findingDetail(f)), partial)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	writeAdminPaths(bw, rep)

	if len(rep.Removed) > 0 {
		fmt.Fprintf(bw, "\nremoved identities: %d\n", len(rep.Removed))
		for _, r := range rep.Removed {
			fmt.Fprintf(bw, "  %s\n", oneLine(r.ID))
		}
	}
	cur, base, both := gapCounts(rep)
	fmt.Fprintf(bw, "\ngaps: %d only in current, %d only in baseline, %d in both\n", cur, base, both)
	for _, g := range rep.Gaps {
		fmt.Fprintf(bw, "  %-8s %s %s: %s — %s", g.In, cell(string(g.Provider)), cell(g.Scope), oneLine(g.What), oneLine(g.Reason))
		if g.Where != "" {
			fmt.Fprintf(bw, " (%s)", oneLine(g.Where))
		}
		fmt.Fprintln(bw)
	}
	if cur+base+both > 0 {
		fmt.Fprintln(bw, "  a gap can hide an increase (current) or make one appear (baseline)")
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(bw, "note: %s\n", oneLine(n))
	}
	return bw.Flush()
}

// writeSide prints one side: file, identities and snapshots.
func writeSide(w io.Writer, label string, s diff.Side) {
	fmt.Fprintf(w, "%-9s %s (%d %s)\n", label+":", oneLine(sideName(s, "-")), s.Identities, plural(s.Identities, "identity", "identities"))
	for _, snap := range s.Snapshots {
		fmt.Fprintf(w, "  snapshot %s %s", cell(string(snap.Provider)), cell(snap.Scope))
		if snap.Origin != "" {
			fmt.Fprintf(w, " (%s)", oneLine(snap.Origin))
		}
		fmt.Fprintf(w, ", %d %s\n", len(snap.Gaps), plural(len(snap.Gaps), "gap", "gaps"))
	}
}

// writeAdminPaths prints, for every new admin scope, the paths that prove it.
func writeAdminPaths(w io.Writer, rep *diff.Report) {
	first := true
	for i := range rep.Findings {
		f := &rep.Findings[i]
		if f.Kind != diff.KindNewAdmin && f.Kind != diff.KindNewConditionalAdmin {
			continue
		}
		if first {
			fmt.Fprintln(w, "\npaths to new admin scopes:")
			first = false
		}
		cond := ""
		if f.Kind == diff.KindNewConditionalAdmin {
			cond = " (conditional)"
		}
		fmt.Fprintf(w, "  %s → %s%s\n", oneLine(f.Identity.ID), oneLine(f.Target), cond)
		if len(f.Paths) == 0 {
			fmt.Fprintln(w, "      (no path in the analysis: its lists were cut)")
		}
		for _, e := range f.Paths {
			writeHops(w, e)
		}
	}
}

// writeHops prints the hops of one escalation, with their evidence.
func writeHops(w io.Writer, e analysis.Escalation) {
	for _, h := range e.Path {
		mark := ""
		if h.Conditional {
			mark = "?"
		}
		fmt.Fprintf(w, "      %s --%s%s--> %s  [%s]\n", oneLine(h.From), oneLine(h.Technique), mark, oneLine(h.To), oneLine(h.Evidence))
	}
}
