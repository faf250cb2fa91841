// Package analysis holds the generic passes over the attack graph:
// reachability, admin scopes, blast-radius score, ranking and paths.
//
// Provider packages (analysis/aws, …) turn a snapshot's facts into derived
// edges; they plug in through the Deriver interface without importing this
// package, so they depend on graphmodel alone.
package analysis

import (
	"context"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// Deriver is one provider's analysis: it reads the snapshot's facts and
// returns the attack-graph edges it can prove (CAN_BECOME, CAN_ACCESS,
// ADMIN_OF, CAN_GRANT_ADMIN), each with its evidence, plus any nodes those
// edges need that the snapshot lacks (external accounts, federated subjects).
// The returned slices are the analysis's: it rewrites the edge slice in
// place (groupTargets), so a deriver returns slices it does not keep.
type Deriver interface {
	Name() string
	Derive(ctx context.Context, snap *graphmodel.Snapshot) ([]graphmodel.Node, []graphmodel.Edge, error)
}

// TechniqueCatalog is implemented by a Deriver that describes the
// techniques its edges name (every provider's should). A technique with two
// Steps names the two-step escalation of a hop of the first followed by a
// grant of the second performed by the same attacker (sts-001 then iam-009
// is iam-014); escalation paths are named after it.
type TechniqueCatalog interface {
	Techniques() []graphmodel.Technique
}

// Options steer Analyze.
type Options struct {
	// Derivers are the provider analyses to run, in order.
	Derivers []Deriver
	// Detail bounds the per-identity lists; the zero value means DetailSummary.
	Detail Detail
	// Now is the analysis time (generated_at, date conditions); zero means time.Now.
	Now time.Time
	// Sensitivity rates resources for the score; nil means DefaultSensitivity.
	Sensitivity SensitivityFunc
	// Workers bounds how many identities are analyzed at once; zero or less
	// means runtime.GOMAXPROCS(0).
	Workers int
	// Top, above zero, is how many identities of the ranking a report will
	// show: only they get their lists (reachable identities and resources,
	// escalations with their paths). The others keep everything else
	// (score and breakdown, admin scopes, min_hops_to_admin, hygiene, rank)
	// and are marked Truncated. Zero gives every identity its lists.
	Top int

	// ungrouped leaves every derived edge to its own target (no target
	// sets): the tests' reference.
	ungrouped bool
}

// KindDefiner is implemented by a Deriver whose derived nodes are of kinds
// it defines itself (analysis artefacts such as permission sets). Prepare
// defines them (graphmodel.DefineKinds) before building the attack graph.
type KindDefiner interface {
	Kinds() []graphmodel.KindSpec
}
