package analysis

import (
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// Techniques of the hops the generic passes synthesize themselves.
const (
	// TechniqueGroupMembership is the hop from a user to a group it belongs
	// to: the user holds the group's permissions.
	TechniqueGroupMembership = "group-membership"
	// TechniqueAdminOfScope is the hop from an administered scope to anything
	// inside it: an administrator of a scope controls everything in it.
	TechniqueAdminOfScope = "admin-of-scope"
)

// arcKind says why an arc of the attack graph may be traversed.
type arcKind uint8

const (
	arcBecome arcKind = iota // derived can_become
	arcAdmin                 // derived admin_of (into a scope)
	arcAccess                // derived can_access (into a resource)
	arcMember                // fact member_of
	// arcInherit is a member_of edge into a transparent node (a permission
	// set): the set's arcs are its members' arcs, at no extra hop.
	arcInherit
	arcContains // scope → node inside it (synthesized or fact)
	// arcEnter is a can_become or can_access edge into a target set: it
	// stands for that edge to every member of the set. (A can_grant_admin
	// edge into a set is a grant to each member: see compact.)
	arcEnter
	// arcInclude is an includes edge from a target set to a member: the
	// arc that entered the set, continued (at no extra hop, with its access).
	arcInclude
)

// arc is one traversable edge of the compact attack graph.
type arc struct {
	to     int32
	edge   int32 // index into attackGraph.edges; -1 for synthesized contains arcs
	kind   arcKind
	cond   bool
	access uint8 // graphmodel.Access.Rank of the access the arc gives to a resource
}

// grant is a can_grant_admin edge x → y, applied rather than traversed: an
// attacker who controls both x and y administers y's scope.
type grant struct {
	x, y  int32
	scope int32
	edge  int32
	cond  bool
}

// attackGraph is the compact, int-indexed form of the attack graph that the
// reach passes run on. Node indices follow ID order, so comparing indices
// compares IDs. It is built once per Analyze and read concurrently.
type attackGraph struct {
	nodes   []*graphmodel.Node
	class   []graphmodel.Class
	isScope []bool
	isSet   []bool // target sets (groupTargets)
	// firstMember is, for a target set, its first member (by index):
	// see arcKey.
	firstMember []int32
	edges       []*graphmodel.Edge
	arcStart    []int32 // arcs of node i are arcs[arcStart[i]:arcStart[i+1]]
	arcs        []arc
	grants      []grant
	grantOut    [][]int32 // grant indices by x
	grantIn     [][]int32 // grant indices by y
	// inGrant marks the nodes with a grant (as x or y), so that the search
	// need not load their grant lists, nearly always empty.
	inGrant []bool
	// grantScope is, by node, the one scope all its grants give (noScope
	// without grants, mixedScopes when they give several): once that scope
	// is in a closure, none of the node's grants can add anything.
	grantScope []int32
	// blocks is the per-scope index of the reach pass (blocks.go).
	blocks *blockIndex
	// evidence caches each edge's rendered evidence, filled on first use
	// (only edges on reported paths are ever rendered).
	evidence []atomic.Pointer[string]
}

// buildGraph merges the snapshot with the derivers' output (and a query's
// extra edges) into a graphmodel.Graph and compacts it. With group set, the
// targets several derived edges share are grouped into target sets
// (groupTargets). Derived edges with the same key are kept once, a certain
// copy winning over a conditional one. It returns the derived nodes and
// edges the graph holds, target sets included, the extra edges excepted.
func buildGraph(snap *graphmodel.Snapshot, extraNodes []graphmodel.Node, derived, extra []graphmodel.Edge, group bool) (*attackGraph, []graphmodel.Node, []graphmodel.Edge, error) {
	g, err := graphmodel.BuildGraph(snap)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("build graph: %w", err)
	}
	for _, n := range extraNodes {
		if n.ID == "" {
			return nil, nil, nil, fmt.Errorf("derived node without id (kind %q)", n.Kind)
		}
		if err := g.AddNode(n); err != nil {
			return nil, nil, nil, fmt.Errorf("add derived node: %w", err)
		}
	}
	for _, list := range [][]graphmodel.Edge{derived, extra} {
		for i := range list {
			if e := &list[i]; e.From == "" || e.To == "" || e.Kind == "" {
				return nil, nil, nil, fmt.Errorf("derived edge %q -%s-> %q: from, to and kind are required", e.From, e.Kind, e.To)
			}
		}
	}
	if group {
		start := time.Now()
		sets, grouped := groupTargets(g, derived)
		slog.Debug("targets grouped", "sets", len(sets), "edges", len(derived), "grouped", len(grouped), "took", time.Since(start).Round(time.Millisecond))
		for _, n := range sets {
			if err := g.AddNode(n); err != nil {
				return nil, nil, nil, fmt.Errorf("add target set: %w", err)
			}
		}
		extraNodes = append(extraNodes[:len(extraNodes):len(extraNodes)], sets...)
		derived = grouped
	}
	g.ReserveEdges(len(derived) + len(extra))
	// Repeated derived edges (same Key) are kept once, a certain copy
	// winning over a conditional one. The graph refers to the derivers'
	// edges rather than copying them: nothing changes them afterwards.
	for _, list := range [][]graphmodel.Edge{derived, extra} {
		for i := range list {
			if err := g.AddEdgeRef(&list[i]); err != nil {
				return nil, nil, nil, fmt.Errorf("add derived edge: %w", err)
			}
		}
	}
	// A scope named by a node's Scope field or by an admin_of edge is a node,
	// even when no collector recorded it.
	for _, n := range g.Nodes() {
		if n.Scope != "" {
			if _, ok := g.Node(n.Scope); !ok {
				if err := g.AddNode(graphmodel.Node{ID: n.Scope, Name: n.Scope}); err != nil {
					return nil, nil, nil, err
				}
			}
		}
	}
	return compact(g), extraNodes, derived, nil
}

// compact builds the int-indexed adjacency (CSR) of g.
func compact(g *graphmodel.Graph) *attackGraph {
	nodes := g.Nodes()
	ag := &attackGraph{
		nodes:   nodes,
		class:   make([]graphmodel.Class, len(nodes)),
		isScope: make([]bool, len(nodes)),
		isSet:   make([]bool, len(nodes)),
	}
	index := make(map[string]int32, len(nodes))
	for i, n := range nodes {
		index[n.ID] = int32(i)
		ag.class[i] = n.Kind.Class()
		ag.isSet[i] = n.Kind.IsTargetSet()
	}
	// A node of unknown kind is a scope when something names it as one.
	for i, n := range nodes {
		if ag.class[i] == graphmodel.ClassScope {
			ag.isScope[i] = true
		}
		if n.Scope != "" {
			if s, ok := index[n.Scope]; ok && !nodes[s].Kind.Known() {
				ag.isScope[s] = true
			}
		}
		for _, e := range g.Out(n.ID) {
			if t := index[e.To]; e.Kind == graphmodel.EdgeAdminOf && !nodes[t].Kind.Known() {
				ag.isScope[t] = true
			}
		}
	}

	adj := make([][]arc, len(nodes))
	// setGrant is a can_grant_admin edge into a target set.
	type setGrant struct {
		from, set int32
		edge      *graphmodel.Edge
	}
	var setGrants []setGrant
	containsSeen := map[[2]int32]bool{}
	addContains := func(s, t int32) {
		if !ag.isScope[s] || s == t || containsSeen[[2]int32{s, t}] {
			return
		}
		switch ag.class[t] {
		case graphmodel.ClassIdentity, graphmodel.ClassGroup, graphmodel.ClassResource:
		default:
			return
		}
		if ag.isScope[t] {
			return
		}
		containsSeen[[2]int32{s, t}] = true
		adj[s] = append(adj[s], arc{to: t, edge: -1, kind: arcContains, access: uint8(graphmodel.AccessAdmin.Rank())})
	}
	for i, n := range nodes {
		from := int32(i)
		if n.Scope != "" {
			addContains(index[n.Scope], from)
		}
		for _, e := range g.Out(n.ID) {
			to := index[e.To]
			var k arcKind
			switch e.Kind {
			case graphmodel.EdgeCanBecome:
				k = arcBecome
			case graphmodel.EdgeAdminOf:
				k = arcAdmin
			case graphmodel.EdgeCanAccess:
				k = arcAccess
			case graphmodel.EdgeMemberOf:
				k = arcMember
				if nodes[to].Kind.Transparent() {
					k = arcInherit
				}
			case graphmodel.EdgeIncludes:
				k = arcInclude
			case graphmodel.EdgeContains:
				addContains(from, to)
				continue
			case graphmodel.EdgeCanGrantAdmin:
				if ag.isSet[to] {
					setGrants = append(setGrants, setGrant{from, to, e})
				} else {
					ag.addGrant(from, to, e, index)
				}
				continue
			default:
				continue
			}
			if ag.isSet[to] && (k == arcBecome || k == arcAccess) {
				k = arcEnter
			}
			a := arc{to: to, edge: int32(len(ag.edges)), kind: k, cond: e.Conditional}
			ag.edges = append(ag.edges, e)
			if ag.class[to] == graphmodel.ClassResource || (k == arcEnter && e.Kind == graphmodel.EdgeCanAccess) {
				a.access = uint8(accessRank(e.Access))
			}
			adj[from] = append(adj[from], a)
		}
	}
	// A grant into a target set is a grant to each member, applied as one.
	for _, sg := range setGrants {
		for _, a := range adj[sg.set] {
			ag.addGrant(sg.from, a.to, sg.edge, index)
		}
	}
	// A target set's first member, by index: an arc into the set sorts
	// with the arcs to that member (see arcKey).
	ag.firstMember = make([]int32, len(nodes))
	for i := range nodes {
		if ag.isSet[i] {
			ag.firstMember[i] = math.MaxInt32
			for _, a := range adj[i] {
				ag.firstMember[i] = min(ag.firstMember[i], a.to)
			}
		}
	}
	ag.arcStart = make([]int32, len(nodes)+1)
	for i, list := range adj {
		// Deterministic order: smaller target first (for an arc into a
		// target set, its first member; after the arcs to that member
		// itself), then certain before conditional, then the stronger
		// access, then edge order.
		sort.SliceStable(list, func(a, b int) bool {
			x, y := list[a], list[b]
			if kx, ky := ag.arcKey(&x), ag.arcKey(&y); kx != ky {
				return kx < ky
			}
			if ex, ey := x.kind == arcEnter, y.kind == arcEnter; ex != ey {
				return ey // the arcs to a node before those into sets it leads
			}
			if x.to != y.to {
				return x.to < y.to
			}
			if x.cond != y.cond {
				return !x.cond
			}
			if x.access != y.access {
				return x.access > y.access
			}
			return x.kind < y.kind
		})
		ag.arcs = append(ag.arcs, list...)
		ag.arcStart[i+1] = int32(len(ag.arcs))
	}
	ag.evidence = make([]atomic.Pointer[string], len(ag.edges))
	ag.grantOut = make([][]int32, len(nodes))
	ag.grantIn = make([][]int32, len(nodes))
	ag.inGrant = make([]bool, len(nodes))
	ag.grantScope = make([]int32, len(nodes))
	for i := range ag.grantScope {
		ag.grantScope[i] = noScope
	}
	one := func(v, scope int32) {
		switch ag.grantScope[v] {
		case noScope:
			ag.grantScope[v] = scope
		case scope:
		default:
			ag.grantScope[v] = mixedScopes
		}
	}
	for i, gr := range ag.grants {
		ag.grantOut[gr.x] = append(ag.grantOut[gr.x], int32(i))
		ag.grantIn[gr.y] = append(ag.grantIn[gr.y], int32(i))
		ag.inGrant[gr.x], ag.inGrant[gr.y] = true, true
		one(gr.x, gr.scope)
		one(gr.y, gr.scope)
	}
	return ag
}

// Values of attackGraph.grantScope besides a scope's index.
const (
	noScope     = -1 // no grant
	mixedScopes = -2 // grants giving different scopes
)

// addGrant records a can_grant_admin edge when its target lives in a scope.
func (ag *attackGraph) addGrant(from, to int32, e *graphmodel.Edge, index map[string]int32) {
	scopeID := ag.nodes[to].Scope
	if scopeID == "" {
		return
	}
	s, ok := index[scopeID]
	if !ok || !ag.isScope[s] {
		return
	}
	ag.grants = append(ag.grants, grant{x: from, y: to, scope: s, edge: int32(len(ag.edges)), cond: e.Conditional})
	ag.edges = append(ag.edges, e)
}

// accessRank is the rank of a can_access edge's level; an edge that names
// no level gives read access.
func accessRank(a graphmodel.Access) int {
	if r := a.Rank(); r > 0 {
		return r
	}
	return graphmodel.AccessRead.Rank()
}

// accessOfRank is the inverse of accessRank.
func accessOfRank(r uint8) graphmodel.Access {
	switch r {
	case 3:
		return graphmodel.AccessAdmin
	case 2:
		return graphmodel.AccessWrite
	}
	return graphmodel.AccessRead
}

// arcKey is what orders a node's arcs: the index of their target, or for
// an arc into a target set, of the set's first member. So the members of a
// set join a closure where the first of them would have without the set.
func (ag *attackGraph) arcKey(a *arc) int32 {
	if a.kind == arcEnter {
		return ag.firstMember[a.to]
	}
	return a.to
}

// searchArcs returns the index of the first of arcs (a node's) whose key is
// v or beyond: the arcs to v (not into a set) come first among them.
func (ag *attackGraph) searchArcs(arcs []arc, v int32) int {
	lo, hi := 0, len(arcs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ag.arcKey(&arcs[m]) < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// arcsOf returns the arcs leaving node i and the index of the first one.
func (ag *attackGraph) arcsOf(i int32) ([]arc, int32) {
	lo, hi := ag.arcStart[i], ag.arcStart[i+1]
	return ag.arcs[lo:hi], lo
}

// evidenceOf returns the rendered evidence of edge i; safe for concurrent use.
func (ag *attackGraph) evidenceOf(i int32) string {
	if p := ag.evidence[i].Load(); p != nil {
		return *p
	}
	s := renderEvidence(ag.edges[i])
	ag.evidence[i].Store(&s)
	return s
}

// renderEvidence joins an edge's evidence for a hop.
func renderEvidence(e *graphmodel.Edge) string {
	if len(e.Evidence) == 0 {
		return "(no evidence recorded)"
	}
	parts := make([]string, len(e.Evidence))
	for i, ev := range e.Evidence {
		parts[i] = ev.String()
	}
	return strings.Join(parts, "; ")
}

// techniqueOf names the technique of a derived edge, falling back to its kind.
func techniqueOf(e *graphmodel.Edge) string {
	if e.Technique != "" {
		return e.Technique
	}
	return string(e.Kind)
}
