package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/blastradius/blastradius/analysis/diff"
)

func TestDiffJSONMatchesSchema(t *testing.T) {
	sch := compileSchema(t, "diff.schema.json")
	nilLists := &diff.Report{Findings: []diff.Finding{{Kind: diff.KindNewIdentity, Severity: diff.SeverityLow,
		Identity: diff.IdentityRef{ID: "x"}, Score: &diff.ScoreChange{After: 1}}}}
	cases := map[string]struct {
		rep  *diff.Report
		opts DiffOptions
	}{
		"sample":    {sampleDiff(), DiffOptions{Format: FormatJSON, Rules: rules(t, "new-admin", "score-pct=12.5", "increase", "new-identity")}},
		"empty":     {emptyDiff(), DiffOptions{Format: FormatJSON}},
		"nil lists": {nilLists, DiffOptions{Format: FormatJSON}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDiff(&buf, tc.rep, tc.opts); err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, buf.Bytes()); err != nil {
				t.Fatalf("diff JSON does not follow diff.schema.json: %v\n%s", err, buf.String())
			}
		})
	}
}

func TestDiffJSONContent(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDiff(&buf, sampleDiff(), DiffOptions{Format: FormatJSON, Rules: rules(t, "score-pct=500")}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Failed   bool
		Gate     []diff.Verdict
		Findings []struct {
			Kind        string
			Fingerprint string
			Message     string
			Score       *struct{ Before, After, Percent float64 }
		}
		Removed []struct{ ID string } `json:"removed_identities"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Failed || len(doc.Gate) != 1 || doc.Gate[0] != (diff.Verdict{Rule: "score-pct=500", Fired: true, Findings: 1}) {
		t.Errorf("failed %v, gate %+v", doc.Failed, doc.Gate)
	}
	var score *struct{ Before, After, Percent float64 }
	for _, f := range doc.Findings {
		if f.Kind == string(diff.KindScoreIncrease) {
			score = f.Score
		}
		if len(f.Fingerprint) != 32 || f.Message == "" {
			t.Errorf("%s: fingerprint %q, message %q", f.Kind, f.Fingerprint, f.Message)
		}
	}
	if score == nil || score.Before != 2 || score.After != 17 || score.Percent != 750 {
		t.Errorf("score-increase = %+v, want 2 → 17 (750%%)", score)
	}
	if len(doc.Removed) != 1 || doc.Removed[0].ID != bob {
		t.Errorf("removed = %+v", doc.Removed)
	}
}

// TestDiffSchemaRejectsBrokenDocuments proves the diff schema is checked.
func TestDiffSchemaRejectsBrokenDocuments(t *testing.T) {
	sch := compileSchema(t, "diff.schema.json")
	var buf bytes.Buffer
	if err := WriteDiff(&buf, sampleDiff(), DiffOptions{Format: FormatJSON, Rules: rules(t, "new-admin")}); err != nil {
		t.Fatal(err)
	}
	finding := func(doc map[string]any, i int) map[string]any { return doc["findings"].([]any)[i].(map[string]any) }
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
	}{
		{"schema_version 2", func(doc map[string]any) { doc["schema_version"] = 2 }},
		{"null findings", func(doc map[string]any) { doc["findings"] = nil }},
		{"unknown kind", func(doc map[string]any) { finding(doc, 0)["kind"] = "new-root" }},
		{"new-admin without target", func(doc map[string]any) { delete(finding(doc, 0), "target") }},
		{"short fingerprint", func(doc map[string]any) { finding(doc, 0)["fingerprint"] = "abc" }},
		{"missing gate", func(doc map[string]any) { delete(doc, "gate") }},
		{"gap in nowhere", func(doc map[string]any) { doc["gaps"].([]any)[0].(map[string]any)["in"] = "nowhere" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			tc.mutate(doc)
			data, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, data); err == nil {
				t.Errorf("broken document passed validation")
			}
		})
	}
}
