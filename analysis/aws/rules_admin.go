package aws

import (
	"slices"
	"sort"
	"time"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// An identity is administrator of its account when, after its identity
// policies, permission boundary, the account's service control policies
// and every condition, it controls the account's identities: it may give
// itself any permission, by putting an inline policy on itself or
// attaching an administrator policy to itself, and its permission boundary
// does not stop that (it has none that bounds anything, or it may delete
// it). Whoever may do that may then write IAM on every principal of the
// account. AdministratorAccess is one way to hold it, not the definition:
// under a guardrail that denies IAM writes, a role holding
// AdministratorAccess is not administrator, though it still reaches every
// bucket and key through its resource access.

// selfGrant is one way for an identity to give itself any permission.
type selfGrant struct {
	// technique is the catalogue's name of the grant.
	technique, action string
	// attach: the action attaches a managed policy, so iam:PolicyARN must
	// admit an administrator policy.
	attach bool
	// group: the grant is on a group the identity is in, rather than on the
	// identity itself.
	group bool
}

// selfGrants are the self grants of roles and of users.
var selfGrants = map[bool][]selfGrant{
	true:  {{technique: TechPutRolePolicy, action: "iam:PutRolePolicy"}, {technique: TechAttachRolePolicy, action: "iam:AttachRolePolicy", attach: true}},
	false: {{technique: TechPutUserPolicy, action: "iam:PutUserPolicy"}, {technique: TechAttachUserPolicy, action: "iam:AttachUserPolicy", attach: true}},
}

// groupSelfGrants are the self grants of the members of a group, through
// the group's own policies on the group.
var groupSelfGrants = []selfGrant{
	{technique: TechPutGroupPolicy, action: "iam:PutGroupPolicy", group: true},
	{technique: TechAttachGroupPolicy, action: "iam:AttachGroupPolicy", attach: true, group: true},
}

// deriveAdmin emits ADMIN_OF for every principal, and every group, that
// controls its account's identities (see above). A group's edge is its
// members': whoever can join the group becomes administrator (iam-013),
// with the group's policies, as a member without a permission boundary.
//
// The edge is named admin-equivalent-policy when the identity's policies
// allow everything (AdministratorAccess), else after the self grant that
// makes it administrator (iam-005, iam-009, …); either way its evidence is
// the IAM write that decides it.
func deriveAdmin(m *model, out *emitter) {
	for _, p := range m.principals {
		if p.groupStand != nil {
			continue // its group's verdict, below
		}
		technique, v := isAdmin(p)
		m.admins[p.arn] = v.t == awspolicy.Yes
		out.add(graphmodel.EdgeAdminOf, p.arn, graphmodel.AWSAccountScope(p.account), technique, v)
	}
	for _, g := range sortedGroups(m) {
		technique, v := groupAdmin(m, g)
		out.add(graphmodel.EdgeAdminOf, g.arn, graphmodel.AWSAccountScope(g.account), technique, v)
		if j := joinID(g); m.byARN[j] != nil {
			m.admins[j] = v.t == awspolicy.Yes
			out.add(graphmodel.EdgeAdminOf, j, graphmodel.AWSAccountScope(g.account), technique, v)
		}
	}
}

// allowsEverything reports whether p's identity policies allow every probe
// on every resource (certainly or not) that its service control policies
// leave to anyone: what names an administrator's edge
// admin-equivalent-policy rather than after a self grant.
func allowsEverything(p *principal) bool {
	probed := 0
	for _, action := range documentProbes {
		if p.org != nil && controlAllows(p.org.scp, p.request(action, awspolicy.AnyResource, nil)).t == awspolicy.No {
			continue
		}
		if identityAllows(p, action, awspolicy.AnyResource, nil).t == awspolicy.No {
			return false
		}
		probed++
	}
	return probed > 0
}

// isAdmin decides whether p controls its account's identities: the best of
// its self grants, and then getting past its own permission boundary. The
// evidence cites the statement that allows the grant and the guardrails
// that were checked on the way.
func isAdmin(p *principal) (string, verdict) {
	best, technique := deny, ""
	for _, g := range selfGrants[p.isRole] {
		if v := selfGrantVerdict(p, g, p.arn); v.t > best.t {
			best, technique = v, g.technique
		}
		if best.t == awspolicy.Yes {
			break
		}
	}
	if best.t == awspolicy.No {
		return TechAdminPolicy, deny
	}
	if boundaryStands(p) {
		del := identityAllows(p, deleteBoundaryAction(principalKind(p)), p.arn, nil)
		if del.t == awspolicy.No {
			return TechAdminPolicy, deny
		}
		del.evidence = append(del.evidence, graphmodel.Evidence{Source: p.boundary.source, Statement: -1, Note: "its permission boundary can be deleted first"})
		best = best.and(del)
	}
	if best.t == awspolicy.Yes {
		best.undecided = nil
	}
	if allowsEverything(p) {
		technique = TechAdminPolicy
	}
	return technique, best
}

// groupAdmin decides whether a member of g without a permission boundary
// controls the account's identities through g's policies alone: it may
// write a policy on g, or on itself as any user of the account.
func groupAdmin(m *model, g *group) (string, verdict) {
	member := &principal{index: -1, arn: blindARN(iamPrefixes(g.account, "user")), account: g.account,
		policies: g.policies, org: m.orgs[g.account], m: m}
	member.facts = memberFacts(member, m.now)
	best, technique := deny, TechAdminPolicy
	for _, sg := range append(append([]selfGrant(nil), selfGrants[false]...), groupSelfGrants...) {
		target := member.arn
		if sg.group {
			target = g.arn
		}
		if v := selfGrantVerdict(member, sg, target); v.t > best.t {
			best, technique = v, sg.technique
		}
		if best.t == awspolicy.Yes {
			best.undecided = nil
			break
		}
	}
	if best.t != awspolicy.No && allowsEverything(member) {
		technique = TechAdminPolicy
	}
	return technique, best
}

// selfGrantVerdict decides one self grant of p on target (itself, or its
// group), with the evidence of the allowing statement and of the guardrail
// statements that were checked and let it through.
func selfGrantVerdict(p *principal, g selfGrant, target string) verdict {
	var v verdict
	if !g.attach {
		v = identityAllows(p, g.action, target, nil)
	} else {
		v = attachVerdict(p, g.action, target, adminPolicies(p))
	}
	if v.t == awspolicy.No {
		return deny
	}
	for i := range v.evidence {
		if v.evidence[i].Note == "allows "+g.action {
			v.evidence[i].Note = "allows " + g.action + " on " + onWhat(p, g, target)
		}
	}
	v.evidence = append(v.evidence, guardrailsChecked(p, g.action, target)...)
	return v
}

// onWhat names the target of a self grant in evidence.
func onWhat(p *principal, g selfGrant, target string) string {
	if g.group {
		return "its group " + target
	}
	if p.index < 0 && p.arn == target {
		return "any user of the account (itself, once a member)"
	}
	return "itself"
}

// adminPolicies lists the administrator policies an attach may name: the
// model's, or AdministratorAccess alone for a stand-in without a model.
func adminPolicies(p *principal) []string {
	if p.m != nil && len(p.m.adminPolicies) > 0 {
		return p.m.adminPolicies
	}
	return []string{administratorAccess}
}

// guardrailsChecked returns, as evidence, the Deny statements of p's
// service control policies and permission boundary that concern action on
// target and did not stop it (their conditions exempt p): the guardrails
// an administrator verdict got past.
func guardrailsChecked(p *principal, action, target string) []graphmodel.Evidence {
	var docs []*policy
	if p.org != nil {
		for _, level := range p.org.scp {
			docs = append(docs, level...)
		}
	}
	if p.boundary != nil {
		docs = append(docs, p.boundary)
	}
	var list []graphmodel.Evidence
	for _, pol := range docs {
		for i := range pol.doc.Statements {
			st := &pol.doc.Statements[i]
			if st.Effect != awspolicy.Deny || !st.MatchAction(action) || st.MatchResource(target, p.facts) == awspolicy.No {
				continue
			}
			list = append(list, statementEvidence(pol.source, st, "denies "+action+" to others: checked, does not apply"))
		}
	}
	return list
}

// principalKind is the node kind of p's ARN.
func principalKind(p *principal) graphmodel.NodeKind {
	if p.isRole {
		return graphmodel.KindAWSRole
	}
	return graphmodel.KindAWSUser
}

// memberFacts is what is known of a request by some member of a group: its
// account, organization and kind, and the time; not its name or tags.
func memberFacts(p *principal, now string) *awspolicy.Facts {
	f := awspolicy.NewFacts()
	f.Set("aws:PrincipalAccount", p.account)
	f.Set("aws:PrincipalIsAWSService", "false")
	f.Set("aws:PrincipalType", "User")
	if p.org != nil && p.org.orgID != "" {
		f.Set("aws:PrincipalOrgID", p.org.orgID)
	}
	if since, err := time.Parse(time.RFC3339, now); err == nil {
		f.SetFrom("aws:CurrentTime", since)
		f.SetFrom("aws:EpochTime", since)
	}
	return f
}

// addJoinableGroups adds to the model's principals, for every group that a
// user outside it may join (iam:AddUserToGroup), a new member of the group
// (KindGroupJoin, joinID): the group's policies, no permission boundary, the
// account's control policies and what is known of any member's request
// (memberFacts). Every family decides it like a principal; whoever may join
// the group becomes it (iam-013), so holds what the group gives. It is a
// node apart from the group, so that the group's present members, whose
// own permission boundaries may restrict what the group gives them, do not
// inherit its edges. A joiner's own boundary is not applied either.
func addJoinableGroups(m *model) {
	if len(m.groups) == 0 {
		return
	}
	groups := sortedGroups(m)
	joinable := map[*group]bool{}
	for _, p := range m.principals {
		if p.isRole || allowsSomewhere(p, "iam:AddUserToGroup", nil).t == awspolicy.No {
			continue
		}
		for _, g := range groups {
			if !joinable[g] && g.account == p.account && !slices.Contains(p.groups, g) &&
				identityAllows(p, "iam:AddUserToGroup", g.arn, nil).t != awspolicy.No {
				joinable[g] = true
			}
		}
	}
	added := false
	for _, g := range groups {
		id := joinID(g)
		if !joinable[g] || m.byARN[id] != nil {
			continue
		}
		node := graphmodel.Node{ID: id, Kind: KindGroupJoin, Provider: graphmodel.ProviderAWS,
			Name: "a new member of " + g.node.Name, Scope: graphmodel.AWSAccountScope(g.account),
			Properties: map[string]string{"group": g.arn}}
		m.addExternal(id, func() graphmodel.Node { return node })
		member := &principal{node: &node, arn: id, account: g.account, policies: g.policies,
			org: m.orgs[g.account], m: m, groupStand: g}
		member.facts = memberFacts(member, m.now)
		m.principals = append(m.principals, member)
		m.byARN[id] = member
		added = true
	}
	if !added {
		return
	}
	sort.Slice(m.principals, func(i, j int) bool { return m.principals[i].arn < m.principals[j].arn })
	for i, p := range m.principals {
		p.index = i
	}
}

// joinID is the ID of the new member of group g (addJoinableGroups).
func joinID(g *group) string { return "aws:group-join:" + g.arn }
