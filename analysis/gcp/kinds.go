package gcp

import "github.com/blastradius/blastradius/graphmodel"

// Node kinds the GCP analysis derives. They are analysis artefacts, never
// collected.
const (
	// KindPermissionSet is the principals that hold a technique's
	// permissions on a whole project (on every service account or resource
	// of a kind in it), through which what they share is recorded once: its
	// members are member_of it, and it reaches the project's targets. Like
	// a group it holds permissions for its members; unlike a group it is no
	// hop of its own (it is transparent).
	KindPermissionSet graphmodel.NodeKind = "gcp.permission_set"
	// KindMemberSet is the accounts a binding names as a whole: every
	// account of a domain (domain:<d>) or of a Cloud Identity customer.
	// Users and groups of a domain are member_of its set.
	KindMemberSet graphmodel.NodeKind = "gcp.member_set"
	// KindPublic is the public as an identity: allUsers (anyone on the
	// internet) and allAuthenticatedUsers (anyone signed in with a Google
	// account), which bindings may grant anything. What the public reaches
	// is its own, not repeated for every identity.
	KindPublic graphmodel.NodeKind = "gcp.public"
)

// kindSpecs are the node kinds the GCP analysis adds to the model.
var kindSpecs = []graphmodel.KindSpec{
	{Kind: KindPermissionSet, KindInfo: graphmodel.KindInfo{Provider: graphmodel.ProviderGCP, Class: graphmodel.ClassGroup, Transparent: true}},
	{Kind: KindMemberSet, KindInfo: graphmodel.KindInfo{Provider: graphmodel.ProviderGCP, Class: graphmodel.ClassGroup}},
	{Kind: KindPublic, KindInfo: graphmodel.KindInfo{Provider: graphmodel.ProviderExternal, Class: graphmodel.ClassIdentity}},
}

// Kinds returns the node kinds the GCP analysis derives
// (analysis.KindDefiner).
func (a *Analyzer) Kinds() []graphmodel.KindSpec { return Kinds() }

// Kinds returns the node kinds the GCP analysis derives, for the provider
// list.
func Kinds() []graphmodel.KindSpec { return append([]graphmodel.KindSpec(nil), kindSpecs...) }
