package aws

import "github.com/blastradius/blastradius/graphmodel"

// KindPermissionSet is the node kind the analysis derives for a permission
// set: the principals of an account holding the same broad policies on one
// service, or allowed alike on every target of a technique, through which
// what they share is recorded once. Like a group it holds permissions for
// its members; unlike a group it is no hop of its own (it is transparent).
// It is an analysis artefact, never collected.
const KindPermissionSet graphmodel.NodeKind = "aws.permission_set"

// KindGroupJoin is a new member of an IAM group that a user outside it may
// join (iam:AddUserToGroup): whoever joins becomes it and holds what the
// group's policies allow. It is derived (aws:group-join:<group ARN>), apart
// from the group, whose present members' boundaries may restrict them.
const KindGroupJoin graphmodel.NodeKind = "aws.group_join"

// kindSpecs are the node kinds the AWS analysis adds to the model.
var kindSpecs = []graphmodel.KindSpec{
	{Kind: KindPermissionSet, KindInfo: graphmodel.KindInfo{Provider: graphmodel.ProviderAWS, Class: graphmodel.ClassGroup, Transparent: true}},
	{Kind: KindGroupJoin, KindInfo: graphmodel.KindInfo{Provider: graphmodel.ProviderAWS, Class: graphmodel.ClassGroup}},
}

// Kinds returns the node kinds the AWS analysis derives
// (analysis.KindDefiner).
func (a *Analyzer) Kinds() []graphmodel.KindSpec {
	return append([]graphmodel.KindSpec(nil), kindSpecs...)
}

// Kinds returns the node kinds the AWS analysis derives, for the provider
// list.
func Kinds() []graphmodel.KindSpec { return (&Analyzer{}).Kinds() }
