package report

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/blastradius/blastradius/analysis/diff"
)

// DiffOptions steer WriteDiff.
type DiffOptions struct {
	// Format selects the encoder; the zero value means FormatTable.
	Format Format
	// Rules are the --fail-on rules; every format shows the verdict of each.
	Rules []diff.Rule
	// ToolVersion is the blastradius version (SARIF tool.driver.version);
	// "" means "dev".
	ToolVersion string
	// Lines maps an identity ID to the line of the current snapshot file
	// that defines it, for SARIF regions; an identity not in it gets line 1.
	Lines map[string]int
	// Locations, when set, place a finding (by diff.Finding.Key) in the
	// input that caused it instead of the current snapshot: plan-diff
	// points each SARIF result at the resources of the plan that give the
	// identity what it gained. A finding without an entry is placed by
	// Lines.
	Locations map[string][]Location
}

// diffEncoder writes a diff report in one format.
type diffEncoder interface {
	format() Format
	encode(w io.Writer, rep *diff.Report, opts DiffOptions, verdicts []diff.Verdict) error
}

// DiffFormats returns the formats WriteDiff accepts, in a stable order.
func DiffFormats() []Format {
	list := make([]Format, 0, len(diffEncoders))
	for _, e := range diffEncoders {
		list = append(list, e.format())
	}
	return list
}

// ParseDiffFormat reads the --format value of "diff".
func ParseDiffFormat(s string) (Format, error) {
	names := make([]string, 0, len(diffEncoders))
	for _, e := range diffEncoders {
		if string(e.format()) == s {
			return e.format(), nil
		}
		names = append(names, string(e.format()))
	}
	return "", fmt.Errorf("unknown format %q (want %s)", s, strings.Join(names, ", "))
}

// WriteDiff writes rep to w in opts.Format, with the verdict of each of
// opts.Rules.
func WriteDiff(w io.Writer, rep *diff.Report, opts DiffOptions) error {
	if rep == nil {
		return errors.New("write diff report: no report")
	}
	if opts.Format == "" {
		opts.Format = FormatTable
	}
	if opts.ToolVersion == "" {
		opts.ToolVersion = "dev"
	}
	verdicts := diff.Gate(rep, opts.Rules)
	for _, e := range diffEncoders {
		if e.format() == opts.Format {
			if err := e.encode(w, rep, opts, verdicts); err != nil {
				return fmt.Errorf("write %s diff report: %w", opts.Format, err)
			}
			return nil
		}
	}
	_, err := ParseDiffFormat(string(opts.Format))
	return fmt.Errorf("write diff report: %w", err)
}

// listedItems is how many items of a gained list a one-line detail shows.
const listedItems = 3

// findingDetail says in a few words what a finding found, for table cells.
func findingDetail(f *diff.Finding) string {
	switch f.Kind {
	case diff.KindNewIdentity:
		if f.Score != nil {
			return fmt.Sprintf("score %.1f", f.Score.After)
		}
		return "new"
	case diff.KindNewAdmin, diff.KindNewConditionalAdmin:
		return f.Target + hopsNote(f)
	case diff.KindGainedIdentities:
		return fmt.Sprintf("+%d: %s", len(f.Identities), someOf(f.Identities))
	case diff.KindGainedResources:
		names := make([]string, len(f.Resources))
		for i, r := range f.Resources {
			names[i] = r.String()
		}
		return fmt.Sprintf("+%d: %s", len(f.Resources), someOf(names))
	case diff.KindScoreIncrease:
		if f.Score != nil {
			return fmt.Sprintf("%.1f → %.1f (%s)", f.Score.Before, f.Score.After, f.Score.Rise())
		}
	}
	return "-"
}

// hopsNote is " (2 hops)" for the first path of f, or "".
func hopsNote(f *diff.Finding) string {
	if len(f.Paths) == 0 {
		return ""
	}
	n := len(f.Paths[0].Path)
	if n == 1 {
		return " (1 hop)"
	}
	return fmt.Sprintf(" (%d hops)", n)
}

// someOf joins the first listedItems items and counts the rest.
func someOf(items []string) string {
	if len(items) <= listedItems {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:listedItems], ", ") + fmt.Sprintf(" and %d more", len(items)-listedItems)
}

// severityCounts renders "1 high, 2 medium, 0 low, 0 info".
func severityCounts(rep *diff.Report) string {
	parts := make([]string, 0, 4)
	for _, s := range []diff.Severity{diff.SeverityHigh, diff.SeverityMedium, diff.SeverityLow, diff.SeverityInfo} {
		parts = append(parts, fmt.Sprintf("%d %s", rep.CountSeverity(s), s))
	}
	return strings.Join(parts, ", ")
}

// gapCounts counts the gaps of rep by where they were recorded.
func gapCounts(rep *diff.Report) (current, baseline, both int) {
	for _, g := range rep.Gaps {
		switch g.In {
		case diff.GapInCurrent:
			current++
		case diff.GapInBaseline:
			baseline++
		default:
			both++
		}
	}
	return current, baseline, both
}

// sideName names a side by its file, or by "baseline"/"current".
func sideName(s diff.Side, fallback string) string {
	if s.File == "" {
		return fallback
	}
	return s.File
}

// plural returns one or many by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
