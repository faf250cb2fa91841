package aws

import (
	"slices"
	"sort"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Granting administrator (CAN_GRANT_ADMIN): the rules. For one principal p
// and one user, role or group target of a grantRule: grantVerdict (the
// action on the target, for an attach rule with an administrator policy as
// iam:PolicyARN), and then, for a target with a permission boundary that
// would stop an administrator policy, boundaryRemovable. Through
// managed-policy versions (versionTechniques): p's verdict on a policy
// (versionTarget), the holders it is attached to, each past its boundary
// (emitPolicyGrant). The driver, with its speed-ups, is run_grant.go.

// grantRule is a permission that lets its holder give a user, role or group
// administrator permissions directly (an inline policy it writes, or an
// administrator policy it attaches).
type grantRule struct {
	technique string
	action    string
	// target selects users, roles or groups.
	target graphmodel.NodeKind
	// attach is true when the action attaches a managed policy, so the
	// iam:PolicyARN condition key must admit an administrator policy.
	attach bool
}

var grantRules = []grantRule{
	{TechPutRolePolicy, "iam:PutRolePolicy", graphmodel.KindAWSRole, false},
	{TechPutUserPolicy, "iam:PutUserPolicy", graphmodel.KindAWSUser, false},
	{TechPutGroupPolicy, "iam:PutGroupPolicy", graphmodel.KindAWSGroup, false},
	{TechAttachRolePolicy, "iam:AttachRolePolicy", graphmodel.KindAWSRole, true},
	{TechAttachUserPolicy, "iam:AttachUserPolicy", graphmodel.KindAWSUser, true},
	{TechAttachGroupPolicy, "iam:AttachGroupPolicy", graphmodel.KindAWSGroup, true},
}

// grantRuleOf returns the grant rule of technique.
func grantRuleOf(technique string) grantRule {
	return grantRules[slices.IndexFunc(grantRules, func(r grantRule) bool { return r.technique == technique })]
}

// deleteBoundaryAction is the action that deletes the permission boundary
// of a target of kind, "" for a group (which has none).
func deleteBoundaryAction(kind graphmodel.NodeKind) string {
	switch kind {
	case graphmodel.KindAWSUser:
		return "iam:DeleteUserPermissionsBoundary"
	case graphmodel.KindAWSRole:
		return "iam:DeleteRolePermissionsBoundary"
	}
	return ""
}

// iamType is the ARN resource type of users, roles and groups.
func iamType(kind graphmodel.NodeKind) string {
	switch kind {
	case graphmodel.KindAWSUser:
		return "user"
	case graphmodel.KindAWSGroup:
		return "group"
	}
	return "role"
}

// boundaryStands reports whether target (nil for a group) has a
// permission boundary that an administrator policy would have to get past.
func boundaryStands(target *principal) bool {
	return target != nil && target.boundary != nil && !target.m.allowsEverythingDoc(target.boundary.doc)
}

// allowsEverythingDoc is isAdminDocument, memoized by document in m (nil
// m: not memoized): boundaries are asked about once per grant and target,
// old policy versions once per principal and policy.
func (m *model) allowsEverythingDoc(doc *awspolicy.Document) bool {
	if m == nil {
		return isAdminDocument(doc)
	}
	if v, ok := m.everything.Load(doc); ok {
		return v.(bool)
	}
	v := isAdminDocument(doc)
	m.everything.Store(doc, v)
	return v
}

// grantTargets lists the ARNs of the users, roles or groups of p's account
// (service-linked roles excepted: IAM refuses to change them).
func grantTargets(m *model, p *principal, kind graphmodel.NodeKind, groups []*group) []string {
	var list []string
	if kind == graphmodel.KindAWSGroup {
		for _, g := range groups {
			if g.account == p.account {
				list = append(list, g.arn)
			}
		}
		return list
	}
	return principalTargets(m, p.account, kind)
}

// grantVerdict decides one rule for one target; for attach rules it tries
// each administrator policy as iam:PolicyARN and keeps the best outcome.
func grantVerdict(m *model, p *principal, rule grantRule, target string) verdict {
	if !rule.attach {
		return identityAllows(p, rule.action, target, nil)
	}
	return attachVerdict(p, rule.action, target, m.adminPolicies)
}

// attachVerdict decides p's attach action on target with each of admins as
// iam:PolicyARN, and keeps the best outcome with the policy as evidence.
func attachVerdict(p *principal, action, target string, admins []string) verdict {
	best := deny
	for _, admin := range admins {
		v := identityAllows(p, action, target, map[string]string{"iam:PolicyARN": admin})
		if v.t > best.t {
			best = v
			best.evidence = append(best.evidence, graphmodel.Evidence{Source: admin, Statement: -1, Note: "administrator policy to attach"})
		}
		if best.t == awspolicy.Yes {
			break
		}
	}
	return best
}

// boundaryRemovable decides whether a permission boundary on the target
// still lets an administrator policy take effect: no boundary, a boundary
// that itself allows everything, or one the attacker may delete.
func boundaryRemovable(p, target *principal) verdict {
	if !boundaryStands(target) {
		return verdict{t: awspolicy.Yes}
	}
	return identityAllows(p, deleteBoundaryAction(principalKind(target)), target.arn, nil)
}

// versionTechniques are the techniques through managed-policy versions.
var versionTechniques = []struct{ technique, action, what string }{
	{TechCreatePolicyVersion, "iam:CreatePolicyVersion", "write a new version of a managed policy"},
	{TechSetDefaultPolicyVersion, "iam:SetDefaultPolicyVersion", "restore an administrator version of a managed policy"},
}

// versionTarget reports whether changing mp's versions grants something in
// account: a customer-managed policy of the account, attached somewhere.
func versionTarget(mp *managedPolicy, account string) bool {
	return !mp.awsManaged && len(mp.attachedTo) > 0 && graphmodel.AWSAccountOfARN(mp.arn) == account
}

// emitPolicyGrant records p's grants through mp; inSet leaves the holders
// without a standing boundary to p's permission set.
func emitPolicyGrant(m *model, p *principal, mp *managedPolicy, technique string, v verdict, inSet bool, past map[graphmodel.NodeKind]bool, out *emitter) {
	if v.t == awspolicy.No {
		return
	}
	for _, holder := range mp.attachedTo {
		tp := m.byARN[holder]
		if inSet && (!boundaryStands(tp) || past[tp.node.Kind]) {
			continue // its sets' grant
		}
		hv := v
		hv.evidence = append(append([]graphmodel.Evidence(nil), v.evidence...),
			graphmodel.Evidence{Source: mp.arn, Statement: -1, Note: "attached to " + holder})
		if tp != nil {
			hv = hv.and(boundaryRemovable(p, tp))
		}
		out.add(graphmodel.EdgeCanGrantAdmin, p.arn, holder, technique, hv)
	}
}

// hasAdminOldVersion reports whether a version of mp other than its
// default allows everything (memoized by document in m: it is asked per
// principal and policy).
func hasAdminOldVersion(m *model, mp *managedPolicy) bool {
	for _, v := range mp.versions {
		if v != mp.current && m.allowsEverythingDoc(v.doc) {
			return true
		}
	}
	return false
}

func sortedGroups(m *model) []*group {
	list := make([]*group, 0, len(m.groups))
	for _, g := range m.groups {
		list = append(list, g)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].arn < list[j].arn })
	return list
}

func sortedManaged(m *model) []*managedPolicy {
	list := make([]*managedPolicy, 0, len(m.managed))
	for _, mp := range m.managed {
		list = append(list, mp)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].arn < list[j].arn })
	return list
}
