package analysis

import "math"

// This file holds the reach pass behind a small internal API (newReacher,
// run, has, members, distance, path, resourceAccess), so that the per-source
// BFS can later be replaced (SCC condensation with bitsets) without touching
// the passes that consume it.

// noParent marks the source of a closure in reacher.ref.
const noParent = math.MinInt32

// step is one hop of a path in the compact graph. ref is an index into
// attackGraph.arcs when ref >= 0, and -(grant index + 1) when the hop is an
// applied can_grant_admin edge.
type step struct {
	from, to int32
	ref      int32
}

// isGrant reports whether the step applies a can_grant_admin edge, and which.
func (s step) isGrant() (int32, bool) {
	if s.ref < 0 {
		return -s.ref - 1, true
	}
	return 0, false
}

// reacher computes the closure of one source identity: every node an
// attacker who controls the source controls too, with BFS parents for
// shortest paths. A reacher is reused across sources; it is not safe for
// concurrent use.
type reacher struct {
	g *attackGraph
	// certainOnly restricts the closure to edges whose Conditional is false.
	certainOnly bool

	gen       uint32
	stamp     []uint32 // stamp[v] == gen when v is in the closure
	parent    []int32
	ref       []int32 // how v was reached (see step.ref); noParent for the source
	dist      []int32
	access    []uint8 // highest access to a resource seen so far
	accessVia []int32 // the node that gives that access
	order     []int32 // closure members in BFS order, source first
}

// newReacher returns a reacher over g; certainOnly selects the certain closure.
func newReacher(g *attackGraph, certainOnly bool) *reacher {
	n := len(g.nodes)
	return &reacher{
		g:           g,
		certainOnly: certainOnly,
		stamp:       make([]uint32, n),
		parent:      make([]int32, n),
		ref:         make([]int32, n),
		dist:        make([]int32, n),
		access:      make([]uint8, n),
		accessVia:   make([]int32, n),
	}
}

// run computes the closure of src, replacing the previous one.
//
// The traversal is a breadth-first search over the arcs of the attack graph
// in the order compact sorted them (smaller neighbour ID first), so paths are
// shortest in hops and deterministic. A scope node is entered only through
// an admin_of arc or an applied grant: administering a scope is the only way
// to hold it. can_grant_admin edges x → y are applied incrementally: as soon
// as both x and y are in the closure, y's scope joins it, reached from y.
func (r *reacher) run(src int32) {
	r.gen++
	if r.gen == 0 { // wrapped: forget every old stamp
		clear(r.stamp)
		r.gen = 1
	}
	r.order = r.order[:0]
	r.visit(src, -1, noParent, 0)
	g := r.g
	for head := 0; head < len(r.order); head++ {
		u := r.order[head]
		arcs, base := g.arcsOf(u)
		for i := range arcs {
			a := &arcs[i]
			if r.certainOnly && a.cond {
				continue
			}
			v := a.to
			if g.isScope[v] && a.kind != arcAdmin {
				continue
			}
			if !r.has(v) {
				r.visit(v, u, base+int32(i), r.dist[u]+1)
			}
			if a.access > r.access[v] {
				r.access[v] = a.access
				r.accessVia[v] = u
			}
		}
	}
}

// visit adds v to the closure and applies the grants it completes.
func (r *reacher) visit(v, parent, ref, dist int32) {
	r.stamp[v] = r.gen
	r.parent[v] = parent
	r.ref[v] = ref
	r.dist[v] = dist
	r.access[v] = 0
	r.accessVia[v] = -1
	r.order = append(r.order, v)
	g := r.g
	for _, gi := range g.grantOut[v] {
		gr := &g.grants[gi]
		if (r.certainOnly && gr.cond) || !r.has(gr.y) || r.has(gr.scope) {
			continue
		}
		r.visit(gr.scope, gr.y, -gi-1, r.dist[gr.y]+1)
	}
	for _, gi := range g.grantIn[v] {
		gr := &g.grants[gi]
		if (r.certainOnly && gr.cond) || !r.has(gr.x) || r.has(gr.scope) {
			continue
		}
		r.visit(gr.scope, v, -gi-1, dist+1)
	}
}

// has reports whether v is in the current closure.
func (r *reacher) has(v int32) bool { return r.stamp[v] == r.gen }

// members returns the closure in BFS order, the source first. The slice is
// reused by the next run.
func (r *reacher) members() []int32 { return r.order }

// distance is the number of hops of the path to v (v must be a member).
func (r *reacher) distance(v int32) int { return int(r.dist[v]) }

// path returns the hops from the source to v (v must be a member).
func (r *reacher) path(v int32) []step {
	steps := make([]step, r.dist[v])
	for i := len(steps) - 1; i >= 0; i-- {
		steps[i] = step{from: r.parent[v], to: v, ref: r.ref[v]}
		v = r.parent[v]
	}
	return steps
}

// resourceAccess returns the highest access rank to v any member gives and
// the first member (in BFS order) that gives it; rank 0 and -1 when none does.
func (r *reacher) resourceAccess(v int32) (uint8, int32) {
	return r.access[v], r.accessVia[v]
}
