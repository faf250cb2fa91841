package kubernetes

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// unit is a subject the rules are asked about: an identity (service
// account, node, user) with every group its authenticator gives it, a
// group (what any member holds), or a role grant (what whoever binds a
// role to itself holds). Edges leave from its node.
type unit struct {
	id string
	rs *k8srbac.RuleSet
	// groups are the group nodes the unit is a member of: an edge the unit
	// would share with one of them is left to the group, reached through
	// the membership.
	groups []string
	// sa and node are set for a service account's or a node's unit: what
	// its pods hold is its own.
	sa   *serviceAccount
	node *knode
}

// target is one edge a rule or a capability yields, from whoever holds it.
type target struct {
	kind       graphmodel.EdgeKind
	to         string
	technique  string
	access     graphmodel.Access
	evidence   []graphmodel.Evidence
	conditions []string
}

// edgeKey identifies an edge for de-duplication and for leaving an edge
// to a group that holds it.
type edgeKey struct {
	from, to, technique string
	kind                graphmodel.EdgeKind
}

// engine derives the edges of one cluster.
type engine struct {
	ctx context.Context
	c   *cluster
	// setThreshold is how many subjects must share a capability in one
	// namespace for a permission set to hold its edges; below it each
	// subject gets its own. 0 means never.
	setThreshold int

	edges []graphmodel.Edge
	nodes []graphmodel.Node
	index map[edgeKey]int
	// pending are the wide capabilities granted, by capability and
	// namespace, with their members, decided once every unit is asked.
	pending  map[capKey][]member
	capOrder []capKey
	// grants are the role-grant nodes reached, evaluated as units after
	// the others; grantQueue those not yet evaluated.
	grants     map[string]*roleGrant
	grantQueue []*roleGrant
	// evaluated counts the units asked, for check.
	evaluated int
}

// member is one subject holding a capability, with the rules that give it.
type member struct {
	from     string
	evidence []graphmodel.Evidence
}

// capKey names a capability in one namespace ("*": every namespace).
type capKey struct {
	capability string
	ns         string
}

// edge records an edge, merging it into an equal one already recorded
// from the same node (evidence added, a certain copy winning).
func (e *engine) edge(from string, t target) {
	if from == t.to {
		return
	}
	k := edgeKey{from: from, to: t.to, technique: t.technique, kind: t.kind}
	if i, ok := e.index[k]; ok {
		old := &e.edges[i]
		if old.Conditional && len(t.conditions) == 0 {
			old.Conditional, old.Conditions = false, nil
		}
		if len(old.Evidence) < maxEvidence {
			old.Evidence = appendEvidence(old.Evidence, t.evidence)
		}
		return
	}
	ed := graphmodel.Edge{From: from, To: t.to, Kind: t.kind, Technique: t.technique, Access: t.access,
		Evidence: appendEvidence(nil, t.evidence)}
	if len(t.conditions) > 0 {
		ed.Conditional, ed.Conditions = true, dedupe(t.conditions)
	}
	e.index[k] = len(e.edges)
	e.edges = append(e.edges, ed)
}

// maxEvidence bounds the evidence merged into one edge.
const maxEvidence = 8

// appendEvidence appends the evidence of add that list lacks.
func appendEvidence(list, add []graphmodel.Evidence) []graphmodel.Evidence {
	for _, a := range add {
		if !slices.Contains(list, a) && len(list) < maxEvidence {
			list = append(list, a)
		}
	}
	return list
}

// held reports whether one of u's groups already holds the edge to t
// (certainly, or as u would: conditionally).
func (e *engine) held(u *unit, t target) bool {
	for _, g := range u.groups {
		if i, ok := e.index[edgeKey{from: g, to: t.to, technique: t.technique, kind: t.kind}]; ok {
			if !e.edges[i].Conditional || len(t.conditions) > 0 {
				return true
			}
		}
	}
	return false
}

// emit records the edge t from unit u, unless a group of u holds it.
func (e *engine) emit(u *unit, t target) {
	if !e.held(u, t) {
		e.edge(u.id, t)
	}
}

// become, admin and access are emit for each kind of edge.
func (e *engine) become(u *unit, to, technique string, ev []graphmodel.Evidence, conditions ...string) {
	e.emit(u, target{kind: graphmodel.EdgeCanBecome, to: to, technique: technique, evidence: ev, conditions: conditions})
}

func (e *engine) admin(u *unit, technique string, ev []graphmodel.Evidence, conditions ...string) {
	e.emit(u, target{kind: graphmodel.EdgeAdminOf, to: e.c.scope, technique: technique, evidence: ev, conditions: conditions})
}

func (e *engine) access(u *unit, to, technique string, level graphmodel.Access, ev []graphmodel.Evidence, conditions ...string) {
	e.emit(u, target{kind: graphmodel.EdgeCanAccess, to: to, technique: technique, access: level, evidence: ev, conditions: conditions})
}

// targets emits each target from u, the rule's evidence first.
func (e *engine) targets(u *unit, rule []graphmodel.Evidence, list []target) {
	for _, t := range list {
		t.evidence = append(append([]graphmodel.Evidence(nil), rule...), t.evidence...)
		e.emit(u, t)
	}
}

// capability records that u holds capability cap on every object of
// namespace ns ("*": of every namespace), by the rules of ev. What that
// yields is decided once every unit is asked (finish): through a
// permission set when enough subjects share it, else edge by edge.
func (e *engine) capability(u *unit, cap string, ns string, ev []graphmodel.Evidence) {
	k := capKey{capability: cap, ns: ns}
	set := target{kind: graphmodel.EdgeMemberOf, to: e.setID(k), technique: TechPermissionSet}
	if e.held(u, set) {
		return
	}
	// The membership is recorded at once (with its evidence) so that the
	// members of u's groups see it; finish drops it when no set is made.
	e.edge(u.id, target{kind: set.kind, to: set.to, technique: set.technique, evidence: ev})
	if _, ok := e.pending[k]; !ok {
		e.capOrder = append(e.capOrder, k)
	}
	e.pending[k] = append(e.pending[k], member{from: u.id, evidence: ev})
}

// setID returns the ID of the permission set of k.
func (e *engine) setID(k capKey) string {
	return "k8s:" + e.c.name + ":permission-set:" + k.capability + ":" + k.ns
}

// finish decides every pending capability: a permission set holding its
// targets' edges once when at least setThreshold subjects share it, else
// the targets' edges from each subject (and no membership).
func (e *engine) finish() {
	drop := map[int]bool{}
	for _, k := range e.capOrder {
		members := e.pending[k]
		targets := e.capTargets(k)
		id := e.setID(k)
		if len(targets) == 0 {
			for _, m := range members {
				drop[e.index[edgeKey{from: m.from, to: id, technique: TechPermissionSet, kind: graphmodel.EdgeMemberOf}]] = true
			}
			continue
		}
		if e.setThreshold > 0 && len(members) >= e.setThreshold {
			e.nodes = append(e.nodes, graphmodel.Node{
				ID: id, Kind: KindPermissionSet, Provider: graphmodel.ProviderKubernetes, Scope: e.c.scope,
				Name:       capabilities[k.capability].what + inNamespace(k.ns),
				Properties: map[string]string{"capability": k.capability, "namespace": k.ns, "members": strconv.Itoa(len(members))},
			})
			for _, t := range targets {
				e.edge(id, t)
			}
			continue
		}
		for _, m := range members {
			drop[e.index[edgeKey{from: m.from, to: id, technique: TechPermissionSet, kind: graphmodel.EdgeMemberOf}]] = true
			for _, t := range targets {
				t.evidence = append(append([]graphmodel.Evidence(nil), m.evidence...), t.evidence...)
				e.edge(m.from, t)
			}
		}
	}
	if len(drop) > 0 {
		kept := e.edges[:0]
		for i, ed := range e.edges {
			if !drop[i] {
				kept = append(kept, ed)
			}
		}
		e.edges = kept
	}
}

// inNamespace renders " in namespace ns", or " in every namespace".
func inNamespace(ns string) string {
	if ns == "*" || ns == "" {
		return " in every namespace"
	}
	return " in namespace " + ns
}

// ruleEvidence renders the evidence of a rule that allows what: the
// role that holds the rule (an EKS access entry for its policies) and
// the rule's index, the binding that grants it and to whom.
func (c *cluster) ruleEvidence(list []k8srbac.Evidence, what string) []graphmodel.Evidence {
	var out []graphmodel.Evidence
	for _, ev := range list {
		var g graphmodel.Evidence
		switch {
		case ev.Superuser:
			g = graphmodel.Evidence{Source: graphmodel.K8sGroup(c.name, k8srbac.GroupMasters), Statement: -1,
				Note: "group system:masters is allowed everything before RBAC is asked: " + what}
		case c.synthetic[ev.Binding.Name] != "":
			g = graphmodel.Evidence{Source: c.synthetic[ev.Binding.Name], Statement: -1,
				Note: "EKS access policy " + strings.TrimPrefix(ev.Role.Name, k8srbac.EKSAccessRolePrefix) + scopeNote(ev) + ": " + what}
		default:
			note := ev.Binding.String() + " → " + ev.Role.String()
			if ev.Aggregated() {
				note += " (aggregated from " + ev.Origin.String() + ")"
			}
			source := c.roleID(ev.Origin)
			if ev.Binding.Name == grantedBinding {
				note = "a binding the attacker creates → " + ev.Role.String()
			}
			if ev.Origin.Kind == anyRole.Kind {
				ns := ev.Binding.Namespace
				if ns == "" {
					ns = "*"
				}
				source, note = c.grantID(anyRole, ns), "a rule the attacker adds to a role it holds"
			}
			g = graphmodel.Evidence{Source: source, Statement: ev.RuleIndex,
				Note: note + ": " + ev.Rule.String() + ": " + what}
		}
		out = appendEvidence(out, []graphmodel.Evidence{g})
	}
	return out
}

// scopeNote says where an access policy applies.
func scopeNote(ev k8srbac.Evidence) string {
	if ev.Binding.Namespace != "" {
		return " in namespace " + ev.Binding.Namespace
	}
	return " on the cluster"
}

// roleID returns the node ID of a role.
func (c *cluster) roleID(r k8srbac.ObjectRef) string {
	return graphmodel.K8sObject(c.name, strings.ToLower(r.Kind), r.Namespace, r.Name)
}

// fact is evidence that is no rule: a fact of the snapshot (a pod, a
// setting) with the node it is about.
func fact(source, note string) []graphmodel.Evidence {
	return []graphmodel.Evidence{{Source: source, Statement: -1, Note: note}}
}

// dedupe returns list sorted, each value once.
func dedupe(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}
