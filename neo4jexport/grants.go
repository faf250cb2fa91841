package neo4jexport

import (
	"slices"

	"github.com/blastradius/blastradius/graphmodel"
)

// Properties of a CAN_GRANT_ADMIN relationship whose granter can use the
// grant: it becomes, or joins, the grantee after giving it administrator
// permissions.
const (
	// PropUsableBy is the identity that holds the grant and can then act
	// as the grantee: the granter, or for a permission set the nearest of
	// its members.
	PropUsableBy = "usable_by"
	// PropUsableHops is the fewest steps from PropUsableBy to the grantee
	// (0: it is the grantee), certain steps only when there is such a way.
	PropUsableHops = "usable_hops"
	// PropUsableConditional is true when every way from the granter to
	// the grantee has a step (the membership in the permission set
	// included) whose condition the analysis could not decide.
	PropUsableConditional = "usable_conditional"
	// PropUsableGrantee is the grantee the granter can act as: the end of
	// the relationship, or for a grant into a target set the nearest of
	// its members (the set stands for a grant to each).
	PropUsableGrantee = "usable_grantee"
)

// usable says who can use a grant, in how many steps, and whether only
// through a conditional step.
type usable struct {
	by      string
	hops    int
	cond    bool
	grantee string
}

// usableGrants decides, for every CAN_GRANT_ADMIN edge of edges, whether
// its granter can become or join the grantee, as the analysis does when it
// counts a grant as an escalation: the granter (for a permission set, one
// of its members) reaches the grantee by CAN_BECOME, MEMBER_OF, ADMIN_OF,
// CONTAINS and INCLUDES steps, joining a permission set (a transparent
// kind) being no step, nor going from a target set to one of its members
// (a CAN_BECOME into the set is the one step to each member). It searches
// once per granter, breadth first, until every grantee of that granter is
// found: over certain steps, then over all steps for the grantees not
// found (those uses are conditional).
// Query time cannot afford this search over every grant of a large estate
// (a set of members that may grant to every role of an account holds tens
// of thousands of grants).
func usableGrants(nodes []*graphmodel.Node, edges []*graphmodel.Edge) map[*graphmodel.Edge]usable {
	if !slices.ContainsFunc(edges, func(e *graphmodel.Edge) bool { return e.Kind == graphmodel.EdgeCanGrantAdmin }) {
		return nil // no grant: the index and the arcs are not needed
	}
	index := make(map[string]int32, len(nodes))
	transparent := make([]bool, len(nodes))
	for i, n := range nodes {
		index[n.ID] = int32(i)
		transparent[i] = n.Kind.Transparent()
	}
	type arc struct {
		to   int32
		cost int8
		cond bool
	}
	adj := make([][]arc, len(nodes))
	type member struct {
		id   int32
		cond bool
	}
	members := map[int32][]member{} // members of each permission set
	included := map[int32][]int32{} // members of each target set
	grants := map[int32][]*graphmodel.Edge{}
	var order []int32 // granters in first-seen order
	for _, e := range edges {
		from, to := index[e.From], index[e.To]
		switch e.Kind {
		case graphmodel.EdgeCanGrantAdmin:
			if len(grants[from]) == 0 {
				order = append(order, from)
			}
			grants[from] = append(grants[from], e)
			continue
		case graphmodel.EdgeCanBecome, graphmodel.EdgeMemberOf, graphmodel.EdgeAdminOf, graphmodel.EdgeContains,
			graphmodel.EdgeIncludes:
		default:
			continue
		}
		cost := int8(1)
		switch {
		case e.Kind == graphmodel.EdgeMemberOf && transparent[to]:
			cost = 0
			members[to] = append(members[to], member{from, e.Conditional})
		case e.Kind == graphmodel.EdgeIncludes:
			cost = 0
			included[from] = append(included[from], to)
		}
		adj[from] = append(adj[from], arc{to: to, cost: cost, cond: e.Conditional})
	}

	// grantees are the identities a grant to y gives administrator rights:
	// y, or the members of the target set y.
	grantees := func(y int32) []int32 {
		if list, ok := included[y]; ok {
			return list
		}
		return []int32{y}
	}
	out := map[*graphmodel.Edge]usable{}
	dist := make([]int32, len(nodes))
	origin := make([]int32, len(nodes))
	for i := range dist {
		dist[i] = -1
	}
	var touched []int32
	// search runs from the sources of granter x over certain arcs (or all
	// when all is set) until every node of want is reached, and records
	// the grants of x whose grantee it reached.
	search := func(x int32, all bool, want map[int32]bool) {
		var sources []int32
		if transparent[x] {
			for _, m := range members[x] {
				if all || !m.cond {
					sources = append(sources, m.id)
				}
			}
		} else {
			sources = []int32{x}
		}
		// A 0-1 breadth-first search: front holds nodes at the distance
		// being visited (reached by a step of cost 0), back the queue.
		var front, back []int32
		for _, s := range sources {
			if dist[s] < 0 {
				dist[s], origin[s] = 0, s
				touched = append(touched, s)
				back = append(back, s)
			}
		}
		for len(front)+len(back) > 0 && len(want) > 0 {
			var v int32
			if n := len(front); n > 0 {
				v, front = front[n-1], front[:n-1]
			} else {
				v, back = back[0], back[1:]
			}
			delete(want, v)
			for _, a := range adj[v] {
				if a.cond && !all {
					continue
				}
				d := dist[v] + int32(a.cost)
				if dist[a.to] >= 0 && dist[a.to] <= d {
					continue
				}
				if dist[a.to] < 0 {
					touched = append(touched, a.to)
				}
				dist[a.to], origin[a.to] = d, origin[v]
				if a.cost == 0 {
					front = append(front, a.to)
				} else {
					back = append(back, a.to)
				}
			}
		}
		for _, e := range grants[x] {
			if _, done := out[e]; done {
				continue
			}
			// A grant into a target set is usable through its nearest member.
			best := int32(-1)
			for _, y := range grantees(index[e.To]) {
				if dist[y] >= 0 && (best < 0 || dist[y] < dist[best] || (dist[y] == dist[best] && nodes[y].ID < nodes[best].ID)) {
					best = y
				}
			}
			if best >= 0 {
				out[e] = usable{by: nodes[origin[best]].ID, hops: int(dist[best]), cond: all, grantee: nodes[best].ID}
			}
		}
		for _, v := range touched {
			dist[v] = -1
		}
		touched = touched[:0]
	}
	for _, x := range order {
		want := map[int32]bool{}
		for _, e := range grants[x] {
			for _, y := range grantees(index[e.To]) {
				want[y] = true
			}
		}
		search(x, false, want)
		if len(want) > 0 {
			search(x, true, want)
		}
	}
	return out
}
