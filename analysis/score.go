package analysis

import "github.com/blastradius/blastradius/graphmodel"

// Score weights and breakdown keys.
//
// The blast radius score of an identity U (first cut) is
//
//	score = 1 × |identities U reaches through certain chains|
//	      + Σ over resources U reaches through certain chains:
//	            access weight (read 1, write 2, admin 3) × sensitivity(resource)
//	      + 10 × |scopes in admin_of|
//
// Only certain chains count: what U reaches only through an undecidable
// condition is listed (conditional_admin_of, conditional resources,
// conditional escalations) but not scored. The access of a resource is the
// highest any certain chain gives; a resource inside an administered scope
// is reached with admin access. Sensitivity comes from the resource's type
// and tags, or a sensitivity file (see Sensitivity); Options.Sensitivity
// plugs in another function.
//
// The breakdown printed with the score holds each term: "identities" (the
// identity term), "resources" (the resource term), "admin_scopes" (the admin
// term); their sum is the score. "conditional_admin_scopes" is the number of
// scopes in conditional_admin_of, shown for context and not scored.
const (
	WeightIdentity   = 1.0
	WeightAdminScope = 10.0

	BreakdownIdentities             = "identities"
	BreakdownResources              = "resources"
	BreakdownAdminScopes            = "admin_scopes"
	BreakdownConditionalAdminScopes = "conditional_admin_scopes"
)

// SensitivityFunc returns how sensitive a resource is: a multiplier of its
// access weight in the score (1.0 is neutral).
type SensitivityFunc func(n *graphmodel.Node) float64

// AccessWeight is the score weight of an access level: read 1, write 2,
// admin 3 (a level the model does not know weighs as read).
func AccessWeight(a graphmodel.Access) float64 { return float64(accessRank(a)) }

// scoreTerms accumulates the terms of one identity's score.
type scoreTerms struct {
	identities       int
	resources        float64
	adminScopes      int
	conditionalAdmin int
}

// blastRadius turns the terms into the score and its breakdown; resources is
// the exact number of reachable resources (certain and conditional).
func (t scoreTerms) blastRadius(resources int) BlastRadius {
	idTerm := WeightIdentity * float64(t.identities)
	adminTerm := WeightAdminScope * float64(t.adminScopes)
	return BlastRadius{
		Score:      idTerm + t.resources + adminTerm,
		Resources:  resources,
		Identities: t.identities,
		Breakdown: map[string]float64{
			BreakdownIdentities:             idTerm,
			BreakdownResources:              t.resources,
			BreakdownAdminScopes:            adminTerm,
			BreakdownConditionalAdminScopes: float64(t.conditionalAdmin),
		},
	}
}
