package viz

import (
	"slices"
	"strings"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
)

// Graph is an attack graph to draw: nodes and the edges an attacker follows.
// FromEstate builds it from a snapshot and the analysis's derived edges;
// Neighbourhood cuts out the part around one node. Nodes are sorted by ID,
// edges by from, to and kind, so that a drawing is deterministic.
type Graph struct {
	Nodes []Node
	Edges []Edge
	// Focus is the ID of the node a neighbourhood was cut around, else "".
	Focus string
	// Depth is the depth of the neighbourhood (0 without Focus).
	Depth int
}

// Node is one node of a Graph.
type Node struct {
	ID       string
	Name     string
	Kind     graphmodel.NodeKind
	Provider graphmodel.Provider
	Class    graphmodel.Class
	// Scope is the ID of the scope that contains the node, if any.
	Scope string
}

// Edge is one or more edges of the same kind between two nodes, merged.
type Edge struct {
	From, To string
	Kind     graphmodel.EdgeKind
	// Techniques are the techniques of the merged edges, sorted and unique.
	Techniques []string
	// Access is the highest access level of merged can_access edges.
	Access graphmodel.Access
	// Conditional is true when every merged edge is conditional: one
	// certain edge makes the step certain.
	Conditional bool
	// Evidence is the rendered evidence of the merged edges, unique.
	Evidence []string
}

// maxEvidence bounds the evidence kept on a merged edge.
const maxEvidence = 8

// drawn reports whether an edge of kind k belongs to the drawn attack graph:
// the derived edges and the memberships an attacker inherits through. An
// includes edge is not drawn: FromEstate draws the edges into its target
// set to its member instead.
func drawn(k graphmodel.EdgeKind) bool {
	switch k {
	case graphmodel.EdgeCanBecome, graphmodel.EdgeCanAccess, graphmodel.EdgeAdminOf,
		graphmodel.EdgeCanGrantAdmin, graphmodel.EdgeMemberOf:
		return true
	}
	return false
}

// FromEstate builds the attack graph of an estate: the snapshot's member_of
// facts and the derived edges (can_become, can_access, admin_of,
// can_grant_admin; analysis.Graph.Derived returns them with the nodes the
// derivers added). Parallel edges of one kind are merged. Only nodes that
// an edge touches are kept; an edge naming a node the estate lacks gets a
// node of unknown kind (a scope when it is the target of admin_of).
//
// Target sets are drawn as what they mean: an edge into a set (one with
// includes edges) is drawn as the same edge to each member, with the
// member's ID for graphmodel.TargetPlaceholder in its evidence
// (analysis.EdgeToMember); the set nodes and includes edges are not drawn.
// The drawing is the one the ungrouped edges give, as large: draw a large
// estate with a focus.
func FromEstate(snap *graphmodel.Snapshot, derivedNodes []graphmodel.Node, derived []graphmodel.Edge) *Graph {
	known := make(map[string]*graphmodel.Node, len(derivedNodes))
	if snap != nil {
		for i := range snap.Nodes {
			known[snap.Nodes[i].ID] = &snap.Nodes[i]
		}
	}
	for i := range derivedNodes {
		if _, ok := known[derivedNodes[i].ID]; !ok {
			known[derivedNodes[i].ID] = &derivedNodes[i]
		}
	}
	type key struct {
		from, to string
		kind     graphmodel.EdgeKind
	}
	members := analysis.TargetSetMembers(derived)
	merged := map[key]*Edge{}
	var order []key
	add := func(e *graphmodel.Edge) {
		if !drawn(e.Kind) || e.From == "" || e.To == "" {
			return
		}
		k := key{e.From, e.To, e.Kind}
		m, ok := merged[k]
		if !ok {
			m = &Edge{From: e.From, To: e.To, Kind: e.Kind, Conditional: true}
			merged[k] = m
			order = append(order, k)
		}
		if e.Technique != "" && !slices.Contains(m.Techniques, e.Technique) {
			m.Techniques = append(m.Techniques, e.Technique)
		}
		if e.Access.Rank() > m.Access.Rank() {
			m.Access = e.Access
		}
		m.Conditional = m.Conditional && e.Conditional
		for _, ev := range e.Evidence {
			s := ev.String()
			if len(m.Evidence) < maxEvidence && !slices.Contains(m.Evidence, s) {
				m.Evidence = append(m.Evidence, s)
			}
		}
	}
	if snap != nil {
		for i := range snap.Edges {
			if snap.Edges[i].Kind == graphmodel.EdgeMemberOf {
				add(&snap.Edges[i])
			}
		}
	}
	for i := range derived {
		e := &derived[i]
		// An edge into a target set: the same edge to each member.
		if ms := members[e.To]; len(ms) > 0 {
			for _, m := range ms {
				me := analysis.EdgeToMember(*e, m)
				add(&me)
			}
			continue
		}
		add(e)
	}

	g := &Graph{Edges: make([]Edge, 0, len(order))}
	nodes := map[string]Node{}
	touch := func(id string, scopeTarget bool) {
		if _, ok := nodes[id]; ok {
			return
		}
		nodes[id] = nodeOf(id, known[id], scopeTarget)
	}
	for _, k := range order {
		e := merged[k]
		slices.Sort(e.Techniques)
		g.Edges = append(g.Edges, *e)
		touch(e.From, false)
		touch(e.To, e.Kind == graphmodel.EdgeAdminOf)
	}
	for _, n := range nodes {
		g.Nodes = append(g.Nodes, n)
	}
	g.sort()
	return g
}

// nodeOf describes the node id: from n when the estate has it, else from
// what the ID and its place say.
func nodeOf(id string, n *graphmodel.Node, scopeTarget bool) Node {
	if n == nil {
		class := graphmodel.ClassOther
		if scopeTarget {
			class = graphmodel.ClassScope
		}
		return Node{ID: id, Name: id, Class: class, Provider: providerOfID(id)}
	}
	out := Node{ID: id, Name: n.Name, Kind: n.Kind, Provider: n.Provider, Class: n.Kind.Class(), Scope: n.Scope}
	if out.Name == "" {
		out.Name = id
	}
	if out.Provider == "" {
		out.Provider = n.Kind.Provider()
	}
	if out.Provider == "" {
		out.Provider = providerOfID(id)
	}
	if !n.Kind.Known() && scopeTarget {
		out.Class = graphmodel.ClassScope
	}
	return out
}

// sort orders nodes by ID and edges by from, to, kind.
func (g *Graph) sort() {
	slices.SortFunc(g.Nodes, func(a, b Node) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(g.Edges, func(a, b Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		if c := strings.Compare(a.To, b.To); c != 0 {
			return c
		}
		return strings.Compare(string(a.Kind), string(b.Kind))
	})
}

// Neighbourhood returns the part of g within depth edges of focus: what
// focus reaches by following up to depth edges forward, what reaches focus
// in up to depth edges, and every edge of g between the nodes kept. A focus
// that g does not have is an *analysis.UnknownNodeError. A node the estate
// has but no edge touches is its own neighbourhood. depth 0 keeps focus
// alone; a negative depth is 1.
func (g *Graph) Neighbourhood(focus string, depth int, estate *graphmodel.Snapshot) (*Graph, error) {
	if depth < 0 {
		depth = 1
	}
	present := false
	for i := range g.Nodes {
		if g.Nodes[i].ID == focus {
			present = true
			break
		}
	}
	var lone *graphmodel.Node
	if !present && estate != nil {
		for i := range estate.Nodes {
			if estate.Nodes[i].ID == focus {
				lone = &estate.Nodes[i]
				break
			}
		}
	}
	if !present && lone == nil {
		return nil, &analysis.UnknownNodeError{ID: focus}
	}
	out, in := map[string][]int{}, map[string][]int{}
	for i, e := range g.Edges {
		out[e.From] = append(out[e.From], i)
		in[e.To] = append(in[e.To], i)
	}
	keep := map[string]bool{focus: true}
	walk := func(adj map[string][]int, forward bool) {
		frontier := []string{focus}
		seen := map[string]bool{focus: true}
		for d := 0; d < depth && len(frontier) > 0; d++ {
			var next []string
			for _, v := range frontier {
				for _, i := range adj[v] {
					w := g.Edges[i].To
					if !forward {
						w = g.Edges[i].From
					}
					if !seen[w] {
						seen[w] = true
						keep[w] = true
						next = append(next, w)
					}
				}
			}
			frontier = next
		}
	}
	walk(out, true)
	walk(in, false)

	sub := &Graph{Focus: focus, Depth: depth}
	for _, n := range g.Nodes {
		if keep[n.ID] {
			sub.Nodes = append(sub.Nodes, n)
		}
	}
	if lone != nil {
		sub.Nodes = append(sub.Nodes, nodeOf(focus, lone, false))
	}
	for _, e := range g.Edges {
		if keep[e.From] && keep[e.To] {
			sub.Edges = append(sub.Edges, e)
		}
	}
	sub.sort()
	return sub, nil
}
