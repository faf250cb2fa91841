package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
)

func TestWriteAnalysisFormatsGolden(t *testing.T) {
	tests := []struct {
		golden string
		opts   Options
	}{
		{"markdown.golden", Options{Format: FormatMarkdown}},
		{"markdown_top.golden", Options{Format: FormatMarkdown, Top: 1}},
		{"sarif.golden", Options{Format: FormatSARIF, ToolVersion: "v1.0.0",
			Locations: map[string]Location{deploy: {File: "snaps/aws.snap.json", Line: 42}}}},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, sample(), tc.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, buf.Bytes())
		})
	}
}

// adminSample is sample() with alice conditionally administering the
// other account, so that both rules have a result.
func adminSample() *analysis.Result {
	res := sample()
	res.Identities[1].ConditionalAdminOf = []string{other}
	return res
}

func TestAnalysisSARIFMatchesSchema(t *testing.T) {
	sch := compileSchema(t, "sarif-schema-2.1.0.json")
	cases := map[string]struct {
		res  *analysis.Result
		opts Options
	}{
		"located":       {adminSample(), Options{Format: FormatSARIF, Locations: map[string]Location{deploy: {File: "aws.snap.json", Line: 7}, alice: {File: "/abs/other.json", Line: 0}}}},
		"no location":   {adminSample(), Options{Format: FormatSARIF}},
		"no admin":      {&analysis.Result{Snapshots: sample().Snapshots, Identities: sample().Identities[2:]}, Options{Format: FormatSARIF}},
		"no identities": {&analysis.Result{}, Options{Format: FormatSARIF}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tc.res, tc.opts); err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, buf.Bytes()); err != nil {
				t.Fatalf("SARIF does not follow the 2.1.0 schema: %v\n%s", err, buf.String())
			}
			var doc sarifDoc
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			run := doc.Runs[0]
			if len(run.Tool.Driver.Rules) != 2 || run.Tool.Driver.Version != "dev" {
				t.Errorf("rules %d, version %q", len(run.Tool.Driver.Rules), run.Tool.Driver.Version)
			}
			// One result per identity that administers a scope, in rank order.
			var want []string
			for _, id := range tc.res.Identities {
				if len(id.AdminOf)+len(id.ConditionalAdminOf) > 0 {
					want = append(want, id.ID)
				}
			}
			if len(run.Results) != len(want) {
				t.Fatalf("%d results, want %d", len(run.Results), len(want))
			}
			seen := map[string]bool{}
			for i, r := range run.Results {
				ll := r.Locations[0].LogicalLocations[0]
				if ll.FullyQualifiedName != want[i] {
					t.Errorf("result %d is about %s, want %s", i, ll.FullyQualifiedName, want[i])
				}
				if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
					t.Errorf("result %d: rule %s at index %d", i, r.RuleID, r.RuleIndex)
				}
				fp := r.PartialFingerprints[IdentityFingerprintKey]
				if fp == "" || seen[fp] {
					t.Errorf("result %d: fingerprint %q", i, fp)
				}
				seen[fp] = true
				loc, located := tc.opts.Locations[want[i]]
				phys := r.Locations[0].PhysicalLocation
				switch {
				case located && (phys == nil || phys.ArtifactLocation.URI != artifactURI(loc.File) || phys.Region.StartLine != max(loc.Line, 1)):
					t.Errorf("result %d located at %+v, want %+v", i, phys, loc)
				case !located && phys != nil:
					t.Errorf("result %d has a physical location without one given", i)
				}
			}
			if len(run.Results) == 2 {
				if run.Results[0].RuleID != RuleAdminReach || run.Results[0].Level != "error" ||
					run.Results[1].RuleID != RuleConditionalAdminReach || run.Results[1].Level != "note" {
					t.Errorf("rules %s/%s, levels %s/%s", run.Results[0].RuleID, run.Results[1].RuleID, run.Results[0].Level, run.Results[1].Level)
				}
				if !strings.Contains(run.Results[0].Message.Text, "can obtain administrator of "+acct+", and of 1 more scope through a conditional step (2 hops to "+acct+": lambda-001, iam-001)") {
					t.Errorf("message %q", run.Results[0].Message.Text)
				}
			}
		})
	}
}

// The Markdown report escapes what it is given: no markup of the input
// reaches the page, and table rows stay one line with their cells.
func TestAnalysisMarkdownEscapes(t *testing.T) {
	res := sample()
	res.Identities[0].Name = "<img src=x onerror=alert(1)> | evil\nrow"
	res.Identities[0].Escalations[0].Path[0].Evidence = "</details><script>alert(2)</script>"
	var buf bytes.Buffer
	if err := Write(&buf, res, Options{Format: FormatMarkdown}); err != nil {
		t.Fatal(err)
	}
	// Escaped "<" (\< in Markdown, &lt; in HTML blocks) is text; a bare one
	// would be markup.
	out := strings.ReplaceAll(buf.String(), `\<`, "")
	for _, bad := range []string{"<img", "<script", "</details><"} {
		if strings.Contains(out, bad) {
			t.Errorf("the report holds %q", bad)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| 1 |") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 9 {
			t.Errorf("a ranking row has the wrong number of cells: %s", line)
		}
	}
}

// The HTML encoder summarizes every identity and lists the top ones.
func TestWriteHTMLThroughReport(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sample(), Options{Format: FormatHTML, Top: 1, ToolVersion: "v7"}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if !strings.Contains(page, "<b>3</b> identities") || strings.Count(page, "<tr data-row=") != 1 || !strings.Contains(page, "blastradius v7") {
		t.Error("the page does not count all 3 identities while listing the first")
	}
	if _, err := ParseFormat("html"); err != nil {
		t.Error(err)
	}
	if _, err := ParseDiffFormat("html"); err != nil {
		t.Error(err)
	}
	var d bytes.Buffer
	if err := WriteDiff(&d, sampleDiff(), DiffOptions{Format: FormatHTML}); err != nil || !strings.Contains(d.String(), "blastradius diff") {
		t.Errorf("diff html: %v", err)
	}
}
