package report

import (
	"io"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/diff"
	"github.com/blastradius/blastradius/viz"
)

// htmlEncoder writes the assessment report page of package viz. It is
// given the whole result: the page summarizes every identity and lists the
// first Options.Top.
type htmlEncoder struct{}

func (htmlEncoder) format() Format { return FormatHTML }

func (htmlEncoder) whole() {}

func (htmlEncoder) encode(w io.Writer, res *analysis.Result, opts Options, _ int) error {
	return viz.WriteHTML(w, res, viz.HTMLOptions{
		Top: opts.Top, Detail: opts.Detail, Nodes: opts.Nodes, ToolVersion: opts.ToolVersion,
	})
}

// diffHTMLEncoder writes a diff as a page in the look of the assessment
// report (package viz).
type diffHTMLEncoder struct{}

func (diffHTMLEncoder) format() Format { return FormatHTML }

func (diffHTMLEncoder) encode(w io.Writer, rep *diff.Report, opts DiffOptions, verdicts []diff.Verdict) error {
	return viz.WriteDiffHTML(w, rep, viz.DiffHTMLOptions{Verdicts: verdicts, ToolVersion: opts.ToolVersion})
}
