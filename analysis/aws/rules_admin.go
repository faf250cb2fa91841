package aws

import (
	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// deriveAdmin emits ADMIN_OF for every principal, and every group, whose
// effective permissions already allow every action on every resource.
// A group's edge matters to whoever can join it (iam-013).
func deriveAdmin(m *model, out *emitter) {
	for _, p := range m.principals {
		v := isAdmin(p)
		m.admins[p.arn] = v.t == awspolicy.Yes
		out.add(graphmodel.EdgeAdminOf, p.arn, graphmodel.AWSAccountScope(p.account), TechAdminPolicy, v)
	}
	for _, g := range sortedGroups(m) {
		as := &principal{index: -1, arn: g.arn, account: g.account, policies: g.policies, facts: awspolicy.NewFacts()}
		out.add(graphmodel.EdgeAdminOf, g.arn, graphmodel.AWSAccountScope(g.account), TechAdminPolicy, isAdmin(as))
	}
}
