package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/blastradius/blastradius/analysis/diff"
)

// compileSchema compiles testdata/name, asserting formats (uri, date-time).
func compileSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(name, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(name)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	return sch
}

// sarifCases are diff reports whose SARIF must follow the schema.
func sarifCases(t *testing.T) map[string]struct {
	rep  *diff.Report
	opts DiffOptions
} {
	stdin := sampleDiff()
	stdin.Current.File = "-"
	abs := sampleDiff()
	abs.Current.File = filepath.Join(t.TempDir(), "dir with space", "cur#1.json")
	colon := sampleDiff()
	colon.Current.File = "a:b.json"
	return map[string]struct {
		rep  *diff.Report
		opts DiffOptions
	}{
		"sample":          {sampleDiff(), DiffOptions{Format: FormatSARIF, Rules: rules(t, "new-admin"), Lines: map[string]int{deploy: 42}}},
		"no rules":        {sampleDiff(), DiffOptions{Format: FormatSARIF}},
		"empty":           {emptyDiff(), DiffOptions{Format: FormatSARIF, Rules: rules(t, "increase")}},
		"stdin":           {stdin, DiffOptions{Format: FormatSARIF}},
		"absolute path":   {abs, DiffOptions{Format: FormatSARIF}},
		"colon in a name": {colon, DiffOptions{Format: FormatSARIF}},
		"plan locations":  {sampleDiff(), DiffOptions{Format: FormatSARIF, Locations: planLocations(sampleDiff())}},
	}
}

// planLocations places the first finding of rep at two resource changes
// of a plan, as plan-diff does.
func planLocations(rep *diff.Report) map[string][]Location {
	return map[string][]Location{rep.Findings[0].Key(): {
		{File: "infra/plan.json", Line: 1, Column: 1840, Name: "aws_iam_role.release"},
		{File: "infra/plan.json", Line: 1, Column: 2210, Name: "aws_iam_role_policy_attachment.release_admin"},
	}}
}

func TestDiffSARIFPlanLocations(t *testing.T) {
	rep := sampleDiff()
	var buf bytes.Buffer
	if err := WriteDiff(&buf, rep, DiffOptions{Format: FormatSARIF, Locations: planLocations(rep)}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Properties map[string]any `json:"properties"`
				Locations  []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
					LogicalLocations []struct{ Name, FullyQualifiedName, Kind string }
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	first := log.Runs[0].Results[0]
	if len(first.Locations) != 2 {
		t.Fatalf("locations %+v", first.Locations)
	}
	for i, want := range []struct {
		col  int
		name string
	}{{1840, "aws_iam_role.release"}, {2210, "aws_iam_role_policy_attachment.release_admin"}} {
		l := first.Locations[i]
		if l.PhysicalLocation.ArtifactLocation.URI != "infra/plan.json" || l.PhysicalLocation.Region.StartLine != 1 || l.PhysicalLocation.Region.StartColumn != want.col {
			t.Errorf("location %d: %+v", i, l.PhysicalLocation)
		}
		if len(l.LogicalLocations) != 2 || l.LogicalLocations[0].FullyQualifiedName != want.name || l.LogicalLocations[1].FullyQualifiedName != rep.Findings[0].Identity.ID {
			t.Errorf("location %d: logical %+v", i, l.LogicalLocations)
		}
	}
	if res, ok := first.Properties["resources"].([]any); !ok || len(res) != 2 {
		t.Errorf("resources property %v", first.Properties["resources"])
	}
	// A finding without an entry keeps its place in the current snapshot.
	second := log.Runs[0].Results[1]
	if len(second.Locations) != 1 || second.Locations[0].PhysicalLocation.ArtifactLocation.URI != curFile || second.Properties["resources"] != nil {
		t.Errorf("second result %+v", second)
	}
}

func TestDiffSARIFMatchesSchema(t *testing.T) {
	sch := compileSchema(t, "sarif-schema-2.1.0.json")
	for name, tc := range sarifCases(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDiff(&buf, tc.rep, tc.opts); err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, buf.Bytes()); err != nil {
				t.Fatalf("SARIF does not follow the 2.1.0 schema: %v\n%s", err, buf.String())
			}
			checkCodeScanning(t, tc.rep, buf.Bytes())
		})
	}
}

// sarifDoc is the part of a SARIF log that GitHub code scanning relies on.
type sarifDoc struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID                   string `json:"id"`
					ShortDescription     struct{ Text string }
					FullDescription      struct{ Text string }
					Help                 struct{ Text string }
					DefaultConfiguration struct{ Level string }
					Properties           map[string]any
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct{ URI string }
					Region           struct{ StartLine int }
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
					Kind               string `json:"kind"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

// checkCodeScanning asserts what code scanning needs beyond the schema:
// rules described, one result per finding, each result with a rule that
// exists, a level, a message, a fingerprint and (for a file) a location.
func checkCodeScanning(t *testing.T, rep *diff.Report, data []byte) {
	t.Helper()
	var doc sarifDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("version %q, %d runs", doc.Version, len(doc.Runs))
	}
	run := doc.Runs[0]
	d := run.Tool.Driver
	if d.Name != "blastradius" || d.Version == "" || !strings.HasPrefix(d.InformationURI, "https://") {
		t.Errorf("driver = %q %q %q", d.Name, d.Version, d.InformationURI)
	}
	if len(d.Rules) != len(diff.Kinds()) {
		t.Errorf("%d rules, want one per kind (%d)", len(d.Rules), len(diff.Kinds()))
	}
	for i, r := range d.Rules {
		if r.ID != string(diff.Kinds()[i]) || r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Text == "" || r.DefaultConfiguration.Level == "" {
			t.Errorf("rule %d is incomplete: %+v", i, r)
		}
		if _, ok := r.Properties["security-severity"].(string); !ok {
			t.Errorf("rule %s has no security-severity", r.ID)
		}
	}
	if len(run.Results) != len(rep.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(rep.Findings))
	}
	seen := map[string]bool{}
	for i, res := range run.Results {
		f := rep.Findings[i]
		if res.RuleID != string(f.Kind) || d.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleId %q, index %d, finding %s", i, res.RuleID, res.RuleIndex, f.Kind)
		}
		if res.Level != sarifLevel(f.Severity) || res.Message.Text != f.Message() {
			t.Errorf("result %d: level %q, message %q", i, res.Level, res.Message.Text)
		}
		fp := res.PartialFingerprints[FingerprintKey]
		if fp == "" || seen[fp] {
			t.Errorf("result %d: fingerprint %q missing or repeated", i, fp)
		}
		seen[fp] = true
		// One location (the identity's), or with DiffOptions.Locations
		// one per place, each naming the identity last.
		if len(res.Locations) == 0 {
			t.Fatalf("result %d: no location", i)
		}
		for _, l := range res.Locations {
			if n := len(l.LogicalLocations); n == 0 || l.LogicalLocations[n-1].FullyQualifiedName != f.Identity.ID {
				t.Fatalf("result %d: locations %+v", i, res.Locations)
			}
		}
		phys := res.Locations[0].PhysicalLocation
		if artifactURI(rep.Current.File) == "" {
			if phys != nil {
				t.Errorf("result %d has a physical location without a file", i)
			}
			continue
		}
		if phys == nil || phys.ArtifactLocation.URI == "" || phys.Region.StartLine < 1 {
			t.Errorf("result %d: physical location %+v", i, phys)
		}
	}
}

func TestDiffSARIFLocations(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDiff(&buf, sampleDiff(), DiffOptions{Format: FormatSARIF, Lines: map[string]int{deploy: 42}}); err != nil {
		t.Fatal(err)
	}
	var doc sarifDoc
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, res := range doc.Runs[0].Results {
		loc := res.Locations[0]
		want := 1
		if loc.LogicalLocations[0].FullyQualifiedName == deploy {
			want = 42
		}
		if loc.PhysicalLocation.ArtifactLocation.URI != curFile || loc.PhysicalLocation.Region.StartLine != want {
			t.Errorf("%s %s at %+v, want %s line %d", res.RuleID, loc.LogicalLocations[0].FullyQualifiedName, *loc.PhysicalLocation, curFile, want)
		}
	}
	if doc.Runs[0].Tool.Driver.Version != "dev" {
		t.Errorf("default version = %q, want dev", doc.Runs[0].Tool.Driver.Version)
	}
}

// Fingerprints depend on kind, identity and target only: they survive a
// change of paths, scores and lists, and differ between findings.
func TestDiffFingerprintsStable(t *testing.T) {
	a := sampleDiff()
	b := sampleDiff()
	for i := range b.Findings {
		b.Findings[i].Paths = nil
		b.Findings[i].Identities = append(b.Findings[i].Identities, "extra")
		b.Findings[i].Identity.Name = "renamed"
	}
	for i := range a.Findings {
		if a.Findings[i].Fingerprint() != b.Findings[i].Fingerprint() {
			t.Errorf("fingerprint of %s changed with its details", a.Findings[i].Kind)
		}
	}
	c := sampleDiff()
	c.Findings[0].Target = "aws:account:999999999999"
	if c.Findings[0].Fingerprint() == a.Findings[0].Fingerprint() {
		t.Error("fingerprint ignores the target")
	}
}

func TestArtifactURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"cur.snap.json", "cur.snap.json"},
		{"./out/../snaps/cur.json", "snaps/cur.json"},
		{"dir with space/c#1.json", "dir%20with%20space/c%231.json"},
		{"a:b.json", "./a:b.json"},
		{"/tmp/x.json", "file:///tmp/x.json"},
		{"-", ""},
		{"<stdin>", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := artifactURI(tc.in); got != tc.want {
			t.Errorf("artifactURI(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSARIFSchemaRejectsBrokenLogs proves the SARIF validator runs: each
// log breaks one rule of SARIF 2.1.0 and must fail.
func TestSARIFSchemaRejectsBrokenLogs(t *testing.T) {
	sch := compileSchema(t, "sarif-schema-2.1.0.json")
	var buf bytes.Buffer
	if err := WriteDiff(&buf, sampleDiff(), DiffOptions{Format: FormatSARIF}); err != nil {
		t.Fatal(err)
	}
	run := func(doc map[string]any) map[string]any { return doc["runs"].([]any)[0].(map[string]any) }
	result := func(doc map[string]any, i int) map[string]any {
		return run(doc)["results"].([]any)[i].(map[string]any)
	}
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
	}{
		{"version 2.0.0", func(doc map[string]any) { doc["version"] = "2.0.0" }},
		{"no runs", func(doc map[string]any) { delete(doc, "runs") }},
		{"unknown top-level property", func(doc map[string]any) { doc["verdict"] = "fail" }},
		{"run without tool", func(doc map[string]any) { delete(run(doc), "tool") }},
		{"driver without name", func(doc map[string]any) {
			delete(run(doc)["tool"].(map[string]any)["driver"].(map[string]any), "name")
		}},
		{"level fatal", func(doc map[string]any) { result(doc, 0)["level"] = "fatal" }},
		{"message without text", func(doc map[string]any) { result(doc, 0)["message"] = map[string]any{} }},
		{"ruleIndex -2", func(doc map[string]any) { result(doc, 0)["ruleIndex"] = -2 }},
		{"startLine 0", func(doc map[string]any) {
			loc := result(doc, 0)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"] = map[string]any{"startLine": 0}
		}},
		{"region without a start", func(doc map[string]any) {
			loc := result(doc, 0)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"] = map[string]any{"endLine": 3}
		}},
		{"fingerprint not a string", func(doc map[string]any) {
			result(doc, 0)["partialFingerprints"] = map[string]any{FingerprintKey: 7}
		}},
		{"rule level critical", func(doc map[string]any) {
			rule := run(doc)["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)[0].(map[string]any)
			rule["defaultConfiguration"] = map[string]any{"level": "critical"}
		}},
		{"informationUri not a URI", func(doc map[string]any) {
			run(doc)["tool"].(map[string]any)["driver"].(map[string]any)["informationUri"] = "not a uri"
		}},
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
				t.Errorf("broken SARIF passed validation")
			}
		})
	}
}
