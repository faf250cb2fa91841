// Package report writes an analysis result for people and tools: an aligned
// text table (the default), the JSON contract of analysis.schema.json,
// Markdown, SARIF, or the HTML page of package viz. Each format is one
// encoder behind a small interface; encoders.go lists them, so a new format
// is one file and one line.
package report

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/viz"
)

// Format names an output format.
type Format string

// The formats this package writes.
const (
	// FormatTable is a header listing snapshots and gaps, then one aligned
	// row per identity (with escalation paths under --detail full).
	FormatTable Format = "table"
	// FormatJSON is the analysis result as indented JSON (analysis.schema.json).
	FormatJSON Format = "json"
	// FormatMarkdown is GitHub-flavoured Markdown, e.g. a pull-request
	// comment (diff reports).
	FormatMarkdown Format = "markdown"
	// FormatSARIF is SARIF 2.1.0, e.g. for GitHub code scanning.
	FormatSARIF Format = "sarif"
	// FormatHTML is one self-contained HTML page (package viz).
	FormatHTML Format = "html"
)

// Options steer Write.
type Options struct {
	// Format selects the encoder; the zero value means FormatTable.
	Format Format
	// Top keeps only the first Top identities by rank; 0 keeps all.
	Top int
	// Detail is the detail level: under DetailFull the table prints every
	// escalation path; the zero value means DetailSummary.
	Detail analysis.Detail
	// ToolVersion is the blastradius version (SARIF tool.driver.version,
	// the HTML footer); "" means "dev".
	ToolVersion string
	// Locations place identities in snapshot files, for SARIF results; an
	// identity not in it has only a logical location.
	Locations map[string]Location
	// Nodes describes the nodes on paths (name, kind, provider) for the
	// HTML page; nil describes them from the result alone.
	Nodes viz.NodeLookup
}

// Location is the line of a snapshot file that defines an identity, or
// the place of an input that a diff finding comes from (a resource change
// of a Terraform plan, DiffOptions.Locations).
type Location struct {
	File string
	Line int
	// Column is 1-based, in UTF-16 code units (SARIF's default); 0 means
	// the whole line.
	Column int
	// Name is the logical name of the place (a resource address), "" for
	// an identity's line.
	Name string
}

// encoder writes one format. res holds the identities to write (already
// cut to Options.Top); total is how many the analysis found.
type encoder interface {
	format() Format
	encode(w io.Writer, res *analysis.Result, opts Options, total int) error
}

// wholeEncoder is an encoder that needs every identity of the result (to
// summarize the estate) and applies Options.Top itself.
type wholeEncoder interface {
	encoder
	whole()
}

// Formats returns the formats Write accepts, in a stable order.
func Formats() []Format {
	list := make([]Format, 0, len(encoders))
	for _, e := range encoders {
		list = append(list, e.format())
	}
	return list
}

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	for _, e := range encoders {
		if string(e.format()) == s {
			return e.format(), nil
		}
	}
	names := make([]string, 0, len(encoders))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown format %q (want %s)", s, strings.Join(names, ", "))
}

// Write writes res to w in opts.Format, keeping the first opts.Top identities.
func Write(w io.Writer, res *analysis.Result, opts Options) error {
	if res == nil {
		return errors.New("write report: no result")
	}
	if opts.Format == "" {
		opts.Format = FormatTable
	}
	if _, err := ParseFormat(string(opts.Format)); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if opts.Top < 0 {
		return fmt.Errorf("write report: top must be 0 (all) or more, not %d", opts.Top)
	}
	detail, err := analysis.ParseDetail(string(opts.Detail))
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	opts.Detail = detail
	for _, e := range encoders {
		if e.format() == opts.Format {
			cut := top(res, opts.Top)
			if _, ok := e.(wholeEncoder); ok {
				cut = res
			}
			if err := e.encode(w, cut, opts, len(res.Identities)); err != nil {
				return fmt.Errorf("write %s report: %w", opts.Format, err)
			}
			return nil
		}
	}
	return fmt.Errorf("write report: no encoder for %q", opts.Format)
}

// top returns a shallow copy of res with at most n identities (0: all).
func top(res *analysis.Result, n int) *analysis.Result {
	if n == 0 || n >= len(res.Identities) {
		return res
	}
	c := *res
	c.Identities = res.Identities[:n]
	return &c
}
