package report

import (
	"io"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/diff"
)

// DiffSchemaVersion is the version of the diff JSON report
// (testdata/diff.schema.json).
const DiffSchemaVersion = 1

// diffJSONEncoder writes the diff as indented JSON. The shape is stable:
// fields are added, never renamed or removed, without a new schema_version.
// Lists are never null.
type diffJSONEncoder struct{}

func (diffJSONEncoder) format() Format { return FormatJSON }

// diffDoc is the JSON form of a diff report.
type diffDoc struct {
	SchemaVersion int `json:"schema_version"`
	// Failed is true when any gate rule fired (the command exits 1).
	Failed   bool               `json:"failed"`
	Gate     []diff.Verdict     `json:"gate"`
	Summary  diffSummary        `json:"summary"`
	Baseline diff.Side          `json:"baseline"`
	Current  diff.Side          `json:"current"`
	Findings []findingDoc       `json:"findings"`
	Removed  []diff.IdentityRef `json:"removed_identities"`
	Gaps     []diff.GapEntry    `json:"gaps"`
	Notes    []string           `json:"notes"`
}

// diffSummary counts findings; every severity and kind is present.
type diffSummary struct {
	Findings   int            `json:"findings"`
	BySeverity map[string]int `json:"by_severity"`
	ByKind     map[string]int `json:"by_kind"`
}

// findingDoc is a finding with its fingerprint and message.
type findingDoc struct {
	diff.Finding
	Fingerprint string `json:"fingerprint"`
	Message     string `json:"message"`
}

func (diffJSONEncoder) encode(w io.Writer, rep *diff.Report, _ DiffOptions, verdicts []diff.Verdict) error {
	doc := diffDoc{
		SchemaVersion: DiffSchemaVersion,
		Failed:        diff.Failed(verdicts),
		Gate:          orEmpty(verdicts),
		Summary: diffSummary{
			Findings:   len(rep.Findings),
			BySeverity: map[string]int{},
			ByKind:     map[string]int{},
		},
		Baseline: sideDoc(rep.Baseline),
		Current:  sideDoc(rep.Current),
		Findings: make([]findingDoc, 0, len(rep.Findings)),
		Removed:  orEmpty(rep.Removed),
		Gaps:     orEmpty(rep.Gaps),
		Notes:    orEmpty(rep.Notes),
	}
	for _, s := range []diff.Severity{diff.SeverityHigh, diff.SeverityMedium, diff.SeverityLow, diff.SeverityInfo} {
		doc.Summary.BySeverity[string(s)] = rep.CountSeverity(s)
	}
	for _, k := range diff.Kinds() {
		doc.Summary.ByKind[string(k)] = rep.Count(k)
	}
	for _, f := range rep.Findings {
		paths := make([]analysis.Escalation, len(f.Paths))
		for i, e := range f.Paths {
			e.Path = orEmpty(e.Path)
			paths[i] = e
		}
		if len(paths) > 0 {
			f.Paths = paths
		}
		doc.Findings = append(doc.Findings, findingDoc{Finding: f, Fingerprint: f.Fingerprint(), Message: f.Message()})
	}
	return writeJSON(w, doc)
}

// sideDoc returns s with empty rather than nil lists.
func sideDoc(s diff.Side) diff.Side {
	snaps := orEmpty(s.Snapshots)
	for i := range snaps {
		snaps[i].Gaps = orEmpty(snaps[i].Gaps)
	}
	s.Snapshots = snaps
	return s
}
