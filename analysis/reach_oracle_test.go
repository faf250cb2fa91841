package analysis

// This file keeps the first implementation of the reach pass, one full
// breadth-first search per identity, as the oracle of the differential test
// (reach_diff_test.go): the scalable pass must give identical results.

import (
	"math/bits"
	"slices"
	"sort"

	"github.com/blastradius/blastradius/graphmodel"
)

// oracleReacher computes the closure of one source identity: every node an
// attacker who controls the source controls too, with BFS parents for
// shortest paths. A oracleReacher is reused across sources; it is not safe for
// concurrent use.
type oracleReacher struct {
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
	// deferred are the scopes of completed grants: scope, parent, ref,
	// distance, waiting for their breadth-first turn.
	deferred [][4]int32
}

// newOracleReacher returns a oracleReacher over g; certainOnly selects the certain closure.
func newOracleReacher(g *attackGraph, certainOnly bool) *oracleReacher {
	n := len(g.nodes)
	return &oracleReacher{
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
// as both x and y are in the closure, y's scope is due one hop after the
// farther of them (reached from it) and joins the closure in its
// breadth-first turn: the attacker must hold both.
func (r *oracleReacher) run(src int32) {
	r.gen++
	if r.gen == 0 { // wrapped: forget every old stamp
		clear(r.stamp)
		r.gen = 1
	}
	r.order = r.order[:0]
	r.deferred = r.deferred[:0]
	r.visit(src, -1, noParent, 0)
	g := r.g
	for head := 0; ; head++ {
		// A scope due at distance d joins once every node at d-1 is in the
		// closure and before any node at d is expanded.
		limit := int32(1 << 30)
		if head < len(r.order) {
			limit = r.dist[r.order[head]] + 1
		}
		sort.SliceStable(r.deferred, func(i, j int) bool { return r.deferred[i][3] < r.deferred[j][3] })
		for len(r.deferred) > 0 && r.deferred[0][3] <= limit {
			d := r.deferred[0]
			r.deferred = r.deferred[1:]
			if !r.has(d[0]) {
				r.visit(d[0], d[1], d[2], d[3])
			}
		}
		if head >= len(r.order) {
			break
		}
		u := r.order[head]
		if ref := r.ref[u]; ref >= 0 && (g.arcs[ref].kind == arcInherit || g.arcs[ref].kind == arcEnter) {
			continue // a permission or target set: its arcs were followed when it joined
		}
		r.expand(u, u, r.dist[u]+1)
	}
}

// expand follows the arcs of u, whose children are at dist; from is u, or
// the member through which the transparent node u joined. An arc into a
// transparent node (a permission set) makes it join at from's distance
// and expands its arcs in place.
func (r *oracleReacher) expand(u, from, dist int32) {
	g := r.g
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
		if g.nodes[v].Kind.Transparent() && a.kind == arcInherit {
			if u == from && !r.has(v) {
				r.visit(v, u, base+int32(i), dist-1)
				r.expand(v, u, dist)
			}
			continue
		}
		if a.kind == arcEnter {
			// A target set: an arc to each member with a's access.
			if !r.has(v) {
				r.visit(v, u, base+int32(i), dist)
			} else if a.access <= r.access[v] {
				continue
			}
			r.access[v], r.accessVia[v] = a.access, u
			members, mbase := g.arcsOf(v)
			for j := range members {
				m := members[j].to
				if !r.has(m) && !(g.isScope[m]) {
					r.visit(m, v, mbase+int32(j), dist)
				}
				if r.has(m) && a.access > r.access[m] {
					r.access[m], r.accessVia[m] = a.access, v
				}
			}
			continue
		}
		if !r.has(v) {
			r.visit(v, u, base+int32(i), dist)
		}
		if a.access > r.access[v] {
			r.access[v] = a.access
			r.accessVia[v] = u
		}
	}
}

// visit adds v to the closure and applies the grants it completes.
func (r *oracleReacher) visit(v, parent, ref, dist int32) {
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
		if r.dist[gr.y] > dist {
			r.deferred = append(r.deferred, [4]int32{gr.scope, gr.y, -gi - 1, r.dist[gr.y] + 1})
		} else {
			r.deferred = append(r.deferred, [4]int32{gr.scope, v, -gi - 1, dist + 1})
		}
	}
	for _, gi := range g.grantIn[v] {
		gr := &g.grants[gi]
		if (r.certainOnly && gr.cond) || !r.has(gr.x) || r.has(gr.scope) {
			continue
		}
		r.deferred = append(r.deferred, [4]int32{gr.scope, v, -gi - 1, dist + 1})
	}
}

// has reports whether v is in the current closure.
func (r *oracleReacher) has(v int32) bool { return r.stamp[v] == r.gen }

// members returns the closure in BFS order, the source first. The slice is
// reused by the next run.
func (r *oracleReacher) members() []int32 { return r.order }

// path returns the hops from the source to v (v must be a member).
func (r *oracleReacher) path(v int32) []step {
	var steps []step
	for v != r.order[0] {
		steps = append([]step{{from: r.parent[v], to: v, ref: r.ref[v]}}, steps...)
		v = r.parent[v]
	}
	return steps
}

// resourceAccess returns the highest access rank to v any member gives and
// the first member (in BFS order) that gives it; rank 0 and -1 when none does.
func (r *oracleReacher) resourceAccess(v int32) (uint8, int32) {
	if w := r.accessVia[v]; w >= 0 && r.g.isSet[w] {
		return r.access[v], r.accessVia[w] // the node that entered the set
	}
	return r.access[v], r.accessVia[v]
}

// candidate is a possible escalation target before its path is built.
type oracleCandidate struct {
	target int32
	dist   int32
}

// scratch is one worker's reusable state.
type oracleScratch struct {
	certain, full *oracleReacher
	ordered       []int32
	cands         [groups][]oracleCandidate
	sorted        []oracleCandidate
	counts        []int
	buckets       [4][]ResourceReach // by access rank
}

// identity computes the blast radius of the identity at index u.
func (a *analyzer) oracleIdentity(u int32, s *oracleScratch) Identity {
	g := a.g
	n := g.nodes[u]
	certain, full := s.certain, s.full
	certain.run(u)
	full.run(u)

	limit := -1
	if a.detail != DetailFull {
		limit = SummaryLimit
	}
	room := func(k int) bool { return limit < 0 || k < limit }

	// Walk the full closure in ID order, so every list comes out sorted.
	var terms scoreTerms
	var adminC, adminF, idsC []string
	nResources, minHops := 0, int32(-1)
	for i := range s.cands {
		s.cands[i] = s.cands[i][:0]
	}
	for i := range s.buckets {
		s.buckets[i] = s.buckets[i][:0]
	}
	s.ordered = oracleOrderedMembers(full, s.ordered)
	for _, v := range s.ordered {
		if v == u {
			continue
		}
		inC := certain.has(v)
		switch {
		case g.isScope[v] && inC:
			terms.adminScopes++
			if room(len(adminC)) {
				adminC = append(adminC, g.nodes[v].ID)
			}
			d := certain.dist[v]
			s.cands[groupAdmin] = append(s.cands[groupAdmin], oracleCandidate{v, d})
			if minHops < 0 || d < minHops {
				minHops = d
			}
		case g.isScope[v]:
			terms.conditionalAdmin++
			if room(len(adminF)) {
				adminF = append(adminF, g.nodes[v].ID)
			}
			s.cands[groupConditionalAdmin] = append(s.cands[groupConditionalAdmin], oracleCandidate{v, full.dist[v]})
		case g.class[v] == graphmodel.ClassIdentity && inC:
			terms.identities++
			if room(len(idsC)) {
				idsC = append(idsC, g.nodes[v].ID)
			}
			s.cands[groupIdentity] = append(s.cands[groupIdentity], oracleCandidate{v, certain.dist[v]})
		case g.class[v] == graphmodel.ClassIdentity:
			s.cands[groupConditionalIdentity] = append(s.cands[groupConditionalIdentity], oracleCandidate{v, full.dist[v]})
		case g.class[v] == graphmodel.ClassResource:
			nResources++
			r := full
			if inC {
				r = certain
			}
			rank, via := r.resourceAccess(v)
			acc := accessOfRank(rank)
			if inC {
				terms.resources += AccessWeight(acc) * a.sensitivity[v]
			}
			rank = uint8(acc.Rank())
			if !room(len(s.buckets[rank])) {
				continue
			}
			if via < 0 {
				via = r.parent[v]
			}
			s.buckets[rank] = append(s.buckets[rank], ResourceReach{ID: g.nodes[v].ID, Access: acc, Via: g.nodes[via].ID, Conditional: !inC})
		}
	}

	id := Identity{
		ID:                  n.ID,
		Aliases:             sortedCopy(n.Aliases),
		Provider:            n.Provider,
		Kind:                n.Kind,
		Name:                n.Name,
		NonHuman:            n.IsNonHuman(),
		BlastRadius:         terms.blastRadius(nResources),
		AdminOf:             nonNil(adminC),
		ConditionalAdminOf:  nonNil(adminF),
		ReachableIdentities: nonNil(idsC),
	}
	if id.Provider == "" {
		id.Provider = n.Kind.Provider()
	}
	if id.Name == "" {
		id.Name = n.ID
	}
	if minHops >= 0 {
		h := int(minHops)
		id.MinHopsToAdmin = &h
	}
	id.Hygiene = hygieneOf(n, a.now, terms.adminScopes > 0)
	cut := terms.adminScopes > len(adminC) || terms.conditionalAdmin > len(adminF) || terms.identities > len(idsC)

	// Resources: highest access first, then ID.
	keep := nResources
	if limit >= 0 && keep > limit {
		keep = limit
	}
	id.ReachableResources = make([]ResourceReach, 0, keep)
	for rank := 3; rank >= 1; rank-- {
		id.ReachableResources = append(id.ReachableResources, s.buckets[rank]...)
	}
	id.ReachableResources = id.ReachableResources[:keep]
	cut = cut || nResources > len(id.ReachableResources)

	// Escalations: admin scopes first, certain before conditional, then the
	// shortest path, then target ID; paths are built only for those kept.
	id.Escalations = []Escalation{}
	for grp := range s.cands {
		cond := grp == groupConditionalAdmin || grp == groupConditionalIdentity
		r := certain
		if cond {
			r = full
		}
		s.sorted = oracleSortByDist(s.cands[grp], s.sorted, &s.counts)
		for _, c := range s.sorted {
			if !room(len(id.Escalations)) {
				cut = true
				break
			}
			id.Escalations = append(id.Escalations, a.escalation(r.path(c.target), cond, certain))
		}
	}
	id.Truncated = cut
	return id
}

// orderedMembers returns the members of r's closure in index (= ID) order,
// into buf: by sorting them when the closure is small, by scanning the node
// range when it is a large part of the graph.
func oracleOrderedMembers(r *oracleReacher, buf []int32) []int32 {
	m := r.members()
	buf = buf[:0]
	n := len(r.g.nodes)
	if len(m)*bits.Len(uint(len(m))) < n {
		buf = append(buf, m...)
		slices.Sort(buf)
		return buf
	}
	for v := int32(0); int(v) < n; v++ {
		if r.has(v) {
			buf = append(buf, v)
		}
	}
	return buf
}

// sortByDist is a stable counting sort of cands (already in ID order) by
// path length, into out.
func oracleSortByDist(cands, out []oracleCandidate, counts *[]int) []oracleCandidate {
	out = out[:0]
	if len(cands) == 0 {
		return out
	}
	maxDist := int32(0)
	for _, c := range cands {
		maxDist = max(maxDist, c.dist)
	}
	cnt := (*counts)[:0]
	for i := int32(0); i <= maxDist+1; i++ {
		cnt = append(cnt, 0)
	}
	for _, c := range cands {
		cnt[c.dist+1]++
	}
	for i := 1; i < len(cnt); i++ {
		cnt[i] += cnt[i-1]
	}
	out = append(out, cands...)
	for _, c := range cands {
		out[cnt[c.dist]] = c
		cnt[c.dist]++
	}
	*counts = cnt
	return out
}

// nonNil returns list, or an empty list for nil, as the report writes it.
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
