package aws

import (
	"slices"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Joining a group (iam-013): a user allowed iam:AddUserToGroup on a group
// of its account it is not a member of becomes the group, and the group's
// joiner node (addJoinableGroups, rules_admin.go) where there is one. It is
// decided per principal and group, without speed-ups.

// deriveGroupJoin emits the CAN_BECOME edges of iam-013: for every user
// that is not an administrator, every group of its account it may join.
func deriveGroupJoin(m *model, out *emitter) {
	groups := sortedGroups(m)
	for _, p := range m.principals {
		if m.stopped() {
			return
		}
		if m.admins[p.arn] || p.isRole || p.groupStand != nil || allowsSomewhere(p, "iam:AddUserToGroup", nil).t == awspolicy.No {
			continue
		}
		for _, g := range groups {
			if g.account != p.account || slices.Contains(p.groups, g) {
				continue
			}
			v := identityAllows(p, "iam:AddUserToGroup", g.arn, nil)
			out.add(graphmodel.EdgeCanBecome, p.arn, g.arn, TechAddUserToGroup, v)
			if j := joinID(g); m.byARN[j] != nil {
				out.add(graphmodel.EdgeCanBecome, p.arn, j, TechAddUserToGroup, v)
			}
		}
	}
}
