package analysis

import (
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// ResultSchemaVersion is the version of the analysis JSON contract
// (analysis.schema.json).
const ResultSchemaVersion = 1

// Result is the outcome of an analysis: one entry per identity, ranked by
// blast radius. Its JSON form is the contract in analysis.schema.json.
type Result struct {
	SchemaVersion int            `json:"schema_version"`
	GeneratedAt   time.Time      `json:"generated_at"`
	Snapshots     []SnapshotInfo `json:"snapshots"`
	Identities    []Identity     `json:"identities"`
}

// SnapshotInfo is one collected source and its gaps.
type SnapshotInfo struct {
	Provider graphmodel.Provider `json:"provider"`
	Scope    string              `json:"scope"`
	Origin   string              `json:"origin,omitempty"`
	Gaps     []graphmodel.Gap    `json:"gaps"`
}

// Identity is the blast radius of one identity.
type Identity struct {
	ID                  string              `json:"id"`
	Aliases             []string            `json:"aliases"`
	Provider            graphmodel.Provider `json:"provider"`
	Kind                graphmodel.NodeKind `json:"kind"`
	Name                string              `json:"name"`
	NonHuman            bool                `json:"non_human"`
	Rank                int                 `json:"rank"`
	BlastRadius         BlastRadius         `json:"blast_radius"`
	AdminOf             []string            `json:"admin_of"`
	ConditionalAdminOf  []string            `json:"conditional_admin_of"`
	ReachableIdentities []string            `json:"reachable_identities"`
	ReachableResources  []ResourceReach     `json:"reachable_resources"`
	Escalations         []Escalation        `json:"escalations"`
	// MinHopsToAdmin is the length of the shortest certain path to any admin
	// scope; absent when there is none.
	MinHopsToAdmin *int `json:"min_hops_to_admin,omitempty"`
	// Hygiene is what the collection says of its credentials, with NHI findings.
	Hygiene *Hygiene `json:"hygiene,omitempty"`
	// Truncated is true when --detail summary cut any list.
	Truncated bool `json:"truncated,omitempty"`
}

// BlastRadius is the score and the exact counts behind it.
type BlastRadius struct {
	Score      float64            `json:"score"`
	Resources  int                `json:"resources"`
	Identities int                `json:"identities"`
	Breakdown  map[string]float64 `json:"breakdown"`
}

// ResourceReach is one resource an identity can reach, at the highest access level.
type ResourceReach struct {
	ID          string            `json:"id"`
	Access      graphmodel.Access `json:"access"`
	Via         string            `json:"via,omitempty"`
	Conditional bool              `json:"conditional,omitempty"`
}

// Escalation is a proven way from the identity to a target (an admin scope
// or another identity), hop by hop.
type Escalation struct {
	// Technique is the technique of the hop that reaches the target.
	Technique   string `json:"technique"`
	Target      string `json:"target"`
	Conditional bool   `json:"conditional"`
	Path        []Hop  `json:"path"`
}

// Hop is one step of a path and the evidence that allows it.
type Hop struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Technique   string `json:"technique"`
	Evidence    string `json:"evidence"`
	Conditional bool   `json:"conditional,omitempty"`
}

// Detail says how much of each per-identity list a result keeps.
type Detail string

// Detail levels.
const (
	// DetailSummary keeps at most SummaryLimit entries per list, most significant first.
	DetailSummary Detail = "summary"
	// DetailFull keeps every entry.
	DetailFull Detail = "full"
)

// SummaryLimit is the most entries a list keeps under DetailSummary.
const SummaryLimit = 100
