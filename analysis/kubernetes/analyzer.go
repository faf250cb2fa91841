package kubernetes

import (
	"context"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// DefaultSetThreshold is how many subjects must share a capability in one
// namespace (create pods, exec, list Secrets, …) before a permission set
// holds its edges once instead of each subject holding its own.
const DefaultSetThreshold = 8

// Analyzer is the Kubernetes analysis (analysis.Deriver): it evaluates
// the RBAC of every cluster of a snapshot exactly and applies every rule
// of the technique catalogue.
type Analyzer struct {
	// setThreshold overrides DefaultSetThreshold when not 0; negative
	// means never (every edge per subject, the plain form the oracle
	// tests compare the sets with).
	setThreshold int
}

// New returns the Kubernetes analysis.
func New() *Analyzer { return &Analyzer{} }

// Name returns "kubernetes".
func (a *Analyzer) Name() string { return "kubernetes" }

// Derive returns the attack-graph edges of every cluster of the snapshot,
// and the nodes they need: permission sets, role grants, and the users
// EKS access entries enter as.
func (a *Analyzer) Derive(ctx context.Context, snap *graphmodel.Snapshot) ([]graphmodel.Node, []graphmodel.Edge, error) {
	clusters, err := loadClusters(snap)
	if err != nil {
		return nil, nil, err
	}
	threshold := a.setThreshold
	switch {
	case threshold == 0:
		threshold = DefaultSetThreshold
	case threshold < 0:
		threshold = 0
	}
	var nodes []graphmodel.Node
	var edges []graphmodel.Edge
	for _, c := range clusters {
		e := &engine{ctx: ctx, c: c, setThreshold: threshold, index: map[edgeKey]int{},
			pending: map[capKey][]member{}, grants: map[string]*roleGrant{}}
		if err := e.run(); err != nil {
			return nil, nil, err
		}
		nodes = append(nodes, c.derived...)
		nodes = append(nodes, e.nodes...)
		edges = append(edges, e.edges...)
	}
	return nodes, edges, nil
}

// run asks every rule about every unit of the cluster: groups first (an
// identity leaves to its groups what they hold), then identities, then
// the role grants reached, until none is new.
func (e *engine) run() error {
	c := e.c
	e.edges = append(e.edges, c.derivedMemberships...)
	for _, name := range groupOrder(c.groups) {
		if err := e.check(); err != nil {
			return err
		}
		g := c.groups[name]
		user := k8srbac.User{Groups: append([]string{name}, impliedGroups(name)...)}
		e.evaluate(&unit{id: g.ID, rs: c.policy.RulesFor(user), groups: c.groupIDs(impliedGroups(name))})
	}
	for _, sa := range c.saOrder {
		if err := e.check(); err != nil {
			return err
		}
		e.evaluate(&unit{id: sa.id, rs: c.policy.RulesFor(k8srbac.ServiceAccountUser(sa.ns, sa.name)), groups: c.memberOf[sa.id], sa: sa})
	}
	for _, k := range c.nodeOrder {
		if err := e.check(); err != nil {
			return err
		}
		e.evaluate(&unit{id: k.id, rs: c.policy.RulesFor(k8srbac.NodeUser(k.name)), groups: c.memberOf[k.id], node: k})
	}
	for _, u := range c.users {
		if err := e.check(); err != nil {
			return err
		}
		user := k8srbac.AuthenticatedUser(u.Name)
		if u.Name == k8srbac.UserAnonymous {
			user = k8srbac.AnonymousUser()
		}
		e.evaluate(&unit{id: u.ID, rs: c.policy.RulesFor(user), groups: c.memberOf[u.ID]})
	}
	for len(e.grantQueue) > 0 {
		if err := e.check(); err != nil {
			return err
		}
		g := e.grantQueue[0]
		e.grantQueue = e.grantQueue[1:]
		e.evaluate(&unit{id: g.id, rs: g.rules})
	}
	e.finish()
	return nil
}

// check returns the context's error every so many units.
func (e *engine) check() error {
	e.evaluated++
	if e.evaluated%64 == 0 {
		return e.ctx.Err()
	}
	return nil
}

// groupOrder returns the group names so that a group comes after the
// groups its members are all in (system:authenticated first).
func groupOrder(groups map[string]*graphmodel.Node) []string {
	names := sortedKeys(groups)
	sort.SliceStable(names, func(i, j int) bool { return len(impliedGroups(names[i])) < len(impliedGroups(names[j])) })
	return names
}

// impliedGroups are the groups every member of group g is also in.
func impliedGroups(g string) []string {
	switch {
	case g == k8srbac.GroupAuthenticated, g == k8srbac.GroupUnauthenticated, g == k8srbac.GroupMasters:
		return nil
	case strings.HasPrefix(g, k8srbac.GroupServiceAccountsPrefix):
		return []string{k8srbac.GroupServiceAccounts, k8srbac.GroupAuthenticated}
	}
	return []string{k8srbac.GroupAuthenticated}
}

// groupIDs returns the IDs of the groups of names that are nodes.
func (c *cluster) groupIDs(names []string) []string {
	var out []string
	for _, n := range names {
		if g := c.groups[n]; g != nil {
			out = append(out, g.ID)
		}
	}
	return out
}

// evaluate asks every rule about u. An administrator of the cluster gets
// that edge alone: everything else is inside the cluster it administers.
func (e *engine) evaluate(u *unit) {
	if e.clusterAdmin(u) {
		return
	}
	for _, r := range rules {
		r(e, u)
	}
}

// rules are the technique rules asked of every unit but administrators,
// in this order.
var rules = []func(*engine, *unit){
	(*engine).runPods,
	(*engine).tokenRequest,
	(*engine).issueTokenSecrets,
	(*engine).secrets,
	(*engine).impersonate,
	(*engine).podTakeovers,
	(*engine).nodesProxy,
	(*engine).roleBind,
	(*engine).escalate,
	(*engine).approveCSRs,
	(*engine).webhooks,
	(*engine).modifyAWSAuth,
	(*engine).ownPods,
	(*engine).nodePods,
}

// Kinds returns the node kinds the Kubernetes analysis derives
// (analysis.KindDefiner).
func (a *Analyzer) Kinds() []graphmodel.KindSpec { return Kinds() }

// Kinds returns the node kinds the Kubernetes analysis derives, for the
// provider list: permission sets (transparent: joining one is no hop) and
// role grants.
func Kinds() []graphmodel.KindSpec {
	return []graphmodel.KindSpec{
		{Kind: KindPermissionSet, KindInfo: graphmodel.KindInfo{Provider: graphmodel.ProviderKubernetes, Class: graphmodel.ClassGroup, Transparent: true}},
		{Kind: KindRoleGrant, KindInfo: graphmodel.KindInfo{Provider: graphmodel.ProviderKubernetes, Class: graphmodel.ClassGroup}},
	}
}

// KindPermissionSet is the node kind of a permission set: the subjects of
// a cluster allowed one capability (create pods, exec, list Secrets, …)
// in one namespace or in every one, through which what that capability
// reaches is recorded once. It is an analysis artefact, never collected.
const KindPermissionSet graphmodel.NodeKind = "k8s.permission_set"

// KindRoleGrant is the node kind of a role grant: the rules of one role
// held in one namespace (or cluster-wide), which whoever can bind that
// role to itself, or add rules to a role it holds, obtains. Its edges are
// what those rules reach. It is an analysis artefact, never collected.
const KindRoleGrant graphmodel.NodeKind = "k8s.role_grant"

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
