package report

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"github.com/blastradius/blastradius/analysis/diff"
)

// SARIF constants of the diff report.
const (
	// SARIFVersion is the SARIF version written.
	SARIFVersion = "2.1.0"
	// SARIFSchemaURI names the SARIF 2.1.0 JSON schema in "$schema".
	SARIFSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	// InformationURI is the home of blastradius (tool.driver.informationUri).
	InformationURI = "https://github.com/blastradius/blastradius"
	// FingerprintKey names the partialFingerprints entry of each result:
	// a hash of the finding's kind, identity and target, stable across runs.
	FingerprintKey = "blastradiusFinding/v1"
)

// diffSARIFEncoder writes a diff as SARIF 2.1.0: one run, one rule per
// finding kind (the rule id is the kind), one result per finding. Each
// result is located in the current snapshot file (code scanning requires a
// physical location) at the line that defines the identity, and logically
// at the identity itself.
type diffSARIFEncoder struct{}

func (diffSARIFEncoder) format() Format { return FormatSARIF }

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	Properties  map[string]any    `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifMessage   `json:"shortDescription"`
	FullDescription      sarifMessage   `json:"fullDescription"`
	Help                 sarifMessage   `json:"help"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	// Kind is "resource": SARIF's kind for an item that is not code.
	Kind string `json:"kind"`
}

// ruleMeta is what the SARIF rules say about each kind.
type ruleMeta struct {
	name     string
	help     string
	severity string // GitHub's security-severity, 0.0 to 10.0
}

var sarifRules = map[diff.Kind]ruleMeta{
	diff.KindNewAdmin: {
		name:     "NewAdminPath",
		severity: "9.0",
		help: "The change gives this identity a path to administrator of the scope: whoever compromises it controls the scope. " +
			"Review the path (each hop cites the policy statement that allows it) and remove the permission or trust that opens the first hop, " +
			"unless the identity is meant to be administrator.",
	},
	diff.KindGainedIdentities: {
		name:     "GainedIdentities",
		severity: "6.5",
		help: "The change lets this identity become identities it could not become before (assume a role, pass a role to a service, create credentials). " +
			"Everything those identities reach is now within its blast radius. Check that each new hop is intended.",
	},
	diff.KindGainedResources: {
		name:     "GainedResources",
		severity: "5.0",
		help: "The change lets this identity reach resources it could not reach, or reach them with a higher access level (read, write, admin). " +
			"Check that the new access is intended and as narrow as it can be.",
	},
	diff.KindScoreIncrease: {
		name:     "BlastRadiusIncrease",
		severity: "4.0",
		help: "The change raised this identity's blast radius score: the weighted count of the identities, resources and admin scopes it reaches. " +
			"The other findings of the same identity say what it gained.",
	},
	diff.KindNewIdentity: {
		name:     "NewIdentity",
		severity: "3.0",
		help:     "The change adds an identity. Its score says how much it reaches; a new-admin finding accompanies it when it is administrator of a scope.",
	},
	diff.KindNewConditionalAdmin: {
		name:     "NewConditionalAdminPath",
		severity: "2.0",
		help: "The change gives this identity a path to administrator that depends on a condition the analysis cannot decide " +
			"(a source IP, MFA, a tag that was not collected). It is informative: check whether the condition holds for an attacker.",
	},
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s diff.Severity) string {
	switch s {
	case diff.SeverityHigh:
		return "error"
	case diff.SeverityMedium:
		return "warning"
	}
	return "note"
}

func (diffSARIFEncoder) encode(w io.Writer, rep *diff.Report, opts DiffOptions, verdicts []diff.Verdict) error {
	kinds := diff.Kinds()
	index := make(map[diff.Kind]int, len(kinds))
	rules := make([]sarifRule, 0, len(kinds))
	for i, k := range kinds {
		index[k] = i
		meta := sarifRules[k]
		rules = append(rules, sarifRule{
			ID:                   string(k),
			Name:                 meta.name,
			ShortDescription:     sarifMessage{Text: k.Summary()},
			FullDescription:      sarifMessage{Text: k.Summary() + " Severity " + string(k.Severity()) + "."},
			Help:                 sarifMessage{Text: meta.help},
			DefaultConfiguration: sarifConfig{Level: sarifLevel(k.Severity())},
			Properties: map[string]any{
				"tags":              []string{"security", "iam", "blast-radius"},
				"precision":         "high",
				"security-severity": meta.severity,
			},
		})
	}

	uri := artifactURI(rep.Current.File)
	results := make([]sarifResult, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		i, ok := index[f.Kind]
		if !ok {
			return fmt.Errorf("finding of unknown kind %q", f.Kind)
		}
		identity := sarifLogical{Name: cell(f.Identity.Name), FullyQualifiedName: f.Identity.ID, Kind: "resource"}
		loc := sarifLocation{LogicalLocations: []sarifLogical{identity}}
		if uri != "" {
			line := opts.Lines[f.Identity.ID]
			if line < 1 {
				line = 1
			}
			loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}, Region: sarifRegion{StartLine: line}}
		}
		locs := []sarifLocation{loc}
		props := map[string]any{"severity": string(f.Severity), "identity": f.Identity.ID}
		if places, ok := opts.Locations[f.Key()]; ok && len(places) > 0 {
			locs = locs[:0]
			names := make([]string, 0, len(places))
			for _, p := range places {
				l := sarifLocation{LogicalLocations: []sarifLogical{identity}}
				if p.Name != "" {
					l.LogicalLocations = []sarifLogical{{Name: p.Name, FullyQualifiedName: p.Name, Kind: "resource"}, identity}
					names = append(names, p.Name)
				}
				if u := artifactURI(p.File); u != "" {
					line := max(p.Line, 1)
					l.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: u}, Region: sarifRegion{StartLine: line, StartColumn: p.Column}}
				}
				locs = append(locs, l)
			}
			if len(names) > 0 {
				props["resources"] = names
			}
		}
		if f.Target != "" {
			props["target"] = f.Target
		}
		if f.Partial {
			props["partial"] = true
		}
		if f.Score != nil {
			props["score_before"] = f.Score.Before
			props["score_after"] = f.Score.After
		}
		results = append(results, sarifResult{
			RuleID:              string(f.Kind),
			RuleIndex:           i,
			Level:               sarifLevel(f.Severity),
			Message:             sarifMessage{Text: f.Message()},
			Locations:           locs,
			PartialFingerprints: map[string]string{FingerprintKey: f.Fingerprint()},
			Properties:          props,
		})
	}
	cur, base, both := gapCounts(rep)
	log := sarifLog{
		Schema:  SARIFSchemaURI,
		Version: SARIFVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: "blastradius", Version: opts.ToolVersion, InformationURI: InformationURI, Rules: rules,
			}},
			Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
			Results:     results,
			Properties: map[string]any{
				"gate":   orEmpty(verdicts),
				"failed": diff.Failed(verdicts),
				"gaps":   map[string]int{"current": cur, "baseline": base, "both": both},
				"notes":  orEmpty(rep.Notes),
			},
		}},
	}
	return writeJSON(w, log)
}

// artifactURI turns a file path into a URI reference: relative paths stay
// relative (code scanning resolves them against the repository root),
// absolute ones become file URIs. Standard input has none: "".
func artifactURI(file string) string {
	if file == "" || file == "-" || strings.HasPrefix(file, "<") {
		return ""
	}
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows drive: C:/x becomes /C:/x
		}
		return (&url.URL{Scheme: "file", Path: path.Clean(p)}).String()
	}
	return (&url.URL{Path: path.Clean(p)}).String()
}
