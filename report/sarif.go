package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/blastradius/blastradius/analysis"
)

// Rule ids of the analysis SARIF report.
const (
	// RuleAdminReach: the identity can obtain administrator of a scope
	// through a chain of certain steps.
	RuleAdminReach = "admin-reach"
	// RuleConditionalAdminReach: the identity can obtain administrator of a
	// scope only through a step whose condition the analysis cannot decide.
	RuleConditionalAdminReach = "conditional-admin-reach"
	// IdentityFingerprintKey names the partialFingerprints entry of each
	// result: a hash of the rule and the identity, stable across runs.
	IdentityFingerprintKey = "blastradiusIdentity/v1"
)

// sarifEncoder writes an analysis as SARIF 2.1.0 for code scanning of a
// baseline: one result per identity that can obtain administrator of a
// scope (rule admin-reach), or can only through a conditional step (rule
// conditional-admin-reach, a note). A result is located logically at the
// identity and, when Options.Locations names it, at the line of the
// snapshot file that defines it (code scanning needs a file).
type sarifEncoder struct{}

func (sarifEncoder) format() Format { return FormatSARIF }

var analysisSARIFRules = []struct {
	id, name, short, help, level, severity string
}{
	{RuleAdminReach, "AdminReach", "An identity can obtain administrator of a scope through a chain of certain steps.",
		"Whoever compromises this identity controls the scope. Unless the identity is meant to be administrator, " +
			"remove the permission or trust that opens the first hop of the path (each hop cites the policy statement that allows it). " +
			"A non-human administrator is finding NHI5 of the OWASP Non-Human Identities Top 10.",
		"error", "8.0"},
	{RuleConditionalAdminReach, "ConditionalAdminReach", "An identity can obtain administrator of a scope through a step whose condition the analysis cannot decide.",
		"The path depends on a condition the analysis cannot decide (a source IP, MFA, a tag that was not collected). " +
			"Check whether an attacker can meet it.",
		"note", "3.0"},
}

func (sarifEncoder) encode(w io.Writer, res *analysis.Result, opts Options, total int) error {
	rules := make([]sarifRule, 0, len(analysisSARIFRules))
	for _, r := range analysisSARIFRules {
		rules = append(rules, sarifRule{
			ID: r.id, Name: r.name,
			ShortDescription:     sarifMessage{Text: r.short},
			FullDescription:      sarifMessage{Text: r.short + " " + r.help},
			Help:                 sarifMessage{Text: r.help},
			DefaultConfiguration: sarifConfig{Level: r.level},
			Properties: map[string]any{
				"tags": []string{"security", "iam", "blast-radius"}, "precision": "high", "security-severity": r.severity,
			},
		})
	}
	results := []sarifResult{}
	for i := range res.Identities {
		id := &res.Identities[i]
		ri := -1
		switch {
		case len(id.AdminOf) > 0:
			ri = 0
		case len(id.ConditionalAdminOf) > 0:
			ri = 1
		default:
			continue
		}
		rule := analysisSARIFRules[ri]
		loc := sarifLocation{LogicalLocations: []sarifLogical{{Name: cell(id.Name), FullyQualifiedName: id.ID, Kind: "resource"}}}
		if l, ok := opts.Locations[id.ID]; ok {
			if uri := artifactURI(l.File); uri != "" {
				loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}, Region: sarifRegion{StartLine: max(l.Line, 1)}}
			}
		}
		props := map[string]any{
			"rank": id.Rank, "score": id.BlastRadius.Score, "non_human": id.NonHuman, "kind": string(id.Kind),
			"admin_of": orEmpty(id.AdminOf), "conditional_admin_of": orEmpty(id.ConditionalAdminOf),
		}
		if p := adminPath(id); p != nil {
			props["path"] = orEmpty(p.Path)
		}
		sum := sha256.Sum256([]byte(rule.id + "\x00" + id.ID))
		results = append(results, sarifResult{
			RuleID: rule.id, RuleIndex: ri, Level: rule.level,
			Message:             sarifMessage{Text: adminMessage(id)},
			Locations:           []sarifLocation{loc},
			PartialFingerprints: map[string]string{IdentityFingerprintKey: hex.EncodeToString(sum[:16])},
			Properties:          props,
		})
	}
	gaps := 0
	for _, s := range res.Snapshots {
		gaps += len(s.Gaps)
	}
	version := opts.ToolVersion
	if version == "" {
		version = "dev"
	}
	log := sarifLog{
		Schema:  SARIFSchemaURI,
		Version: SARIFVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: "blastradius", Version: version, InformationURI: InformationURI, Rules: rules,
			}},
			Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
			Results:     results,
			Properties: map[string]any{
				"identities": total, "listed": len(res.Identities), "gaps": gaps,
			},
		}},
	}
	return writeJSON(w, log)
}

// adminPath is the identity's first escalation to an admin scope.
func adminPath(id *analysis.Identity) *analysis.Escalation {
	scopes := adminScopes(id)
	for i := range id.Escalations {
		if scopes[id.Escalations[i].Target] {
			return &id.Escalations[i]
		}
	}
	return nil
}

// adminScopes returns the set of the identity's admin scopes, conditional
// ones included.
func adminScopes(id *analysis.Identity) map[string]bool {
	scopes := make(map[string]bool, len(id.AdminOf)+len(id.ConditionalAdminOf))
	for _, s := range id.AdminOf {
		scopes[s] = true
	}
	for _, s := range id.ConditionalAdminOf {
		scopes[s] = true
	}
	return scopes
}

// adminMessage says in one sentence what the identity administers and how.
func adminMessage(id *analysis.Identity) string {
	var b strings.Builder
	if len(id.AdminOf) > 0 {
		fmt.Fprintf(&b, "%s (%s) can obtain administrator of %s", id.ID, id.Kind, someOf(id.AdminOf))
		if n := len(id.ConditionalAdminOf); n > 0 {
			fmt.Fprintf(&b, ", and of %d more %s through a conditional step", n, plural(n, "scope", "scopes"))
		}
	} else {
		fmt.Fprintf(&b, "%s (%s) can obtain administrator of %s through a conditional step", id.ID, id.Kind, someOf(id.ConditionalAdminOf))
	}
	if p := adminPath(id); p != nil && len(p.Path) > 0 {
		techs := make([]string, len(p.Path))
		for i, h := range p.Path {
			techs[i] = h.Technique
		}
		fmt.Fprintf(&b, " (%d %s to %s: %s)", len(p.Path), plural(len(p.Path), "hop", "hops"), p.Target, strings.Join(techs, ", "))
	}
	fmt.Fprintf(&b, "; blast radius score %.1f, rank %d.", id.BlastRadius.Score, id.Rank)
	return oneLine(b.String())
}
