package analysis

import (
	"math"
	"slices"

	"github.com/blastradius/blastradius/graphmodel"
)

// adminRank is the rank of admin access, which a scope gives its contents.
var adminRank = uint8(graphmodel.AccessAdmin.Rank())

// This file holds the reach pass behind a small internal API (newReacher,
// run, runOrExtend, has, individuals, marked, distance, path,
// resourceAccess). It is one breadth-first search per source, made cheap on
// large estates by the block index (blocks.go): the members of an
// administered scope join the closure as one block instead of one by one.

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

// seed is a conditional arc or grant a certain closure left aside: from
// its member from to to, at dist, by ref (as step.ref).
type seed struct {
	from, to, ref, dist int32
}

// memberSet is a closure that can say whether it holds a node.
type memberSet interface{ has(v int32) bool }

// queued is one entry of the search queue: a node (lo < 0) or the segment
// lo..hi of the members of scope node's block that joined lazily.
type queued struct {
	node   int32
	lo, hi int32
}

// reacher computes the closure of one source identity: every node an
// attacker who controls the source controls too, with BFS parents for
// shortest paths. Nodes are in the closure individually (visited one by one,
// listed by individuals) or lazily, as members of a marked block (see
// blocks.go). A reacher is reused across sources; it is not safe for
// concurrent use.
type reacher struct {
	g *attackGraph
	b *blockIndex
	// certainOnly restricts the closure to edges whose Conditional is false.
	certainOnly bool
	// skipped lists the conditional arcs and grants left aside that led to
	// nodes not in the closure then (certainOnly only): see sameAsFull,
	// and extend, which starts from them.
	skipped []seed

	gen uint32
	// in has bit v set when v is in the closure individually: a bit per
	// node keeps the test that most arcs end in within the processor's
	// caches, where a word per node did not on large graphs.
	in        []uint64
	parent    []int32
	ref       []int32 // how v was reached (see step.ref); noParent for the source
	dist      []int32
	access    []uint8 // highest access to a resource seen so far
	accessVia []int32 // the node that gives that access
	accessAt  []int32 // queue position of the node that gave it
	order     []int32 // individual members in visit order, source first
	queue     []queued
	// deferred are the scopes of completed grants, waiting for their turn
	// in breadth-first order (see applyGrants).
	deferred []deferredScope
	// pendGen[s] == gen when scope s is deferred, due at pendDist[s].
	pendGen  []uint32
	pendDist []int32

	// By scope: blockGen[s] == gen when its block is marked; members with
	// index <= cursor[s] have joined (all of them once marking is done).
	blockGen []uint32
	// blockDone[s] == gen when s's block is marked and marking is done:
	// every member has joined.
	blockDone []uint32
	cursor    []int32
	blockAt   []int32 // queue position of the scope when it was marked
	marks     []int32 // marked scopes, in marking order
	heads     [][2]int32
}

// newReacher returns a reacher over g; certainOnly selects the certain closure.
func newReacher(g *attackGraph, certainOnly bool) *reacher {
	n := len(g.nodes)
	return &reacher{
		g:           g,
		b:           g.blocks,
		certainOnly: certainOnly,
		in:          make([]uint64, (n+63)/64),
		parent:      make([]int32, n),
		ref:         make([]int32, n),
		dist:        make([]int32, n),
		access:      make([]uint8, n),
		accessVia:   make([]int32, n),
		accessAt:    make([]int32, n),
		blockGen:    make([]uint32, n),
		blockDone:   make([]uint32, n),
		cursor:      make([]int32, n),
		blockAt:     make([]int32, n),
		pendGen:     make([]uint32, n),
		pendDist:    make([]int32, n),
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
// farther of them, and joins the closure in its breadth-first turn.
// Processing a scope with a block marks the block (mark); processing a
// segment of it scans its members' leaving arcs (segment).
func (r *reacher) run(src int32) {
	r.reset()
	r.visit(src, -1, noParent, 0)
	r.drain(0, nil)
}

// reset forgets the previous closure.
func (r *reacher) reset() {
	r.gen++
	if r.gen == 0 { // wrapped: forget every old generation
		clear(r.blockGen)
		clear(r.blockDone)
		clear(r.pendGen)
		r.gen = 1
	}
	for _, v := range r.order { // the previous closure's members
		r.in[v>>6] = 0
	}
	r.order = r.order[:0]
	r.queue = r.queue[:0]
	r.deferred = r.deferred[:0]
	r.marks = r.marks[:0]
	r.skipped = r.skipped[:0]
}

// drain processes the queue from position head on, in breadth-first
// order, and applies seeds (sorted by distance) in their turn: each before
// the first queue entry whose children are farther.
func (r *reacher) drain(head int32, seeds []seed) {
	g := r.g
	for ; ; head++ {
		if len(seeds) > 0 {
			limit := seeds[0].dist // the next seeds, when the queue is done
			if int(head) < len(r.queue) {
				q := r.queue[head]
				limit = r.dist[q.node] + 1
				if q.lo >= 0 {
					limit++
				}
			}
			for len(seeds) > 0 && seeds[0].dist <= limit {
				r.sow(seeds[0], head)
				seeds = seeds[1:]
			}
		}
		if len(r.deferred) > 0 {
			r.flushDeferred(head)
		}
		if int(head) >= len(r.queue) {
			if len(seeds) > 0 {
				head-- // the next seeds' turn
				continue
			}
			break
		}
		q := r.queue[head]
		switch {
		case q.lo >= 0:
			r.segment(q, head)
		case r.b.memStart[q.node] < r.b.memStart[q.node+1]:
			r.mark(q.node, head)
		default:
			arcs, base := g.arcsOf(q.node)
			for i := range arcs {
				if !r.seen(q.node, &arcs[i], head) {
					r.follow(q.node, &arcs[i], base+int32(i), r.dist[q.node]+1, head)
				}
			}
		}
	}
}

// extend computes the full closure of c's source from c, a certain
// closure: c's members with their paths, then what the conditional arcs
// and grants c left aside lead to. Its members are the full closure's;
// a member that only a conditional arc reaches gets a shortest path among
// those that leave the certain closure once, not necessarily a shortest
// path of all: the certain members keep their certain paths.
func (r *reacher) extend(c *reacher) {
	r.reset()
	for _, v := range c.order {
		r.in[v>>6] |= 1 << (v & 63)
		r.parent[v], r.ref[v], r.dist[v] = c.parent[v], c.ref[v], c.dist[v]
		r.access[v], r.accessVia[v], r.accessAt[v] = c.access[v], c.accessVia[v], c.accessAt[v]
	}
	r.order = append(r.order, c.order...)
	r.queue = append(r.queue, c.queue...)
	for _, s := range c.marks {
		r.blockGen[s], r.blockDone[s] = r.gen, r.gen
		r.cursor[s], r.blockAt[s] = c.cursor[s], c.blockAt[s]
	}
	r.marks = append(r.marks, c.marks...)
	seeds := slices.Clone(c.skipped)
	slices.SortStableFunc(seeds, func(x, y seed) int { return int(x.dist) - int(y.dist) })
	r.drain(int32(len(r.queue)), seeds)
}

// runOrExtend computes the full closure of src, whose certain closure c
// holds: from scratch when its paths are wanted (they are then shortest),
// else by extending c, which gives the same members, counts and access
// levels for less work.
func (r *reacher) runOrExtend(src int32, c *reacher, paths bool) {
	if paths {
		r.run(src)
		return
	}
	r.extend(c)
}

// sow applies seed d while the queue entry at head is processed.
func (r *reacher) sow(d seed, head int32) {
	if d.ref < 0 {
		r.postpone(deferredScope{scope: d.to, parent: d.from, ref: d.ref, dist: d.dist})
		return
	}
	r.follow(d.from, &r.g.arcs[d.ref], d.ref, d.dist, head)
}

// seen is follow's common case, small enough to be inlined where arcs are
// scanned: the end of a, out of u, is in the closure individually already,
// and only a stronger access matters. It reports whether it handled a.
func (r *reacher) seen(u int32, a *arc, at int32) bool {
	v := a.to
	if !r.individual(v) || (a.cond && r.certainOnly) {
		return false
	}
	if a.access > r.access[v] {
		if a.kind == arcEnter {
			return false // a stronger access for every member: enter
		}
		r.access[v] = a.access
		r.accessVia[v] = u
		r.accessAt[v] = at
	}
	return true
}

// follow traverses one arc out of u (whose children are at dist) while the
// node at queue position at is processed.
func (r *reacher) follow(u int32, a *arc, ref, dist, at int32) {
	if r.certainOnly && a.cond {
		r.skip(seed{from: u, to: a.to, ref: ref, dist: dist})
		return
	}
	if a.kind == arcEnter {
		r.enter(u, a, ref, dist, at)
		return
	}
	if r.seen(u, a, at) {
		return // arcs into scopes and permission sets carry no access
	}
	v := a.to
	if r.g.isScope[v] && a.kind != arcAdmin {
		return
	}
	if a.kind == arcInherit {
		if !r.has(v) {
			r.inherit(u, v, ref, dist, at)
		}
		return
	}
	if r.has(v) {
		return // a lazy member: in the closure with the highest access
	}
	r.visit(v, u, ref, dist)
	if a.access > r.access[v] {
		r.access[v] = a.access
		r.accessVia[v] = u
		r.accessAt[v] = at
	}
}

// inherit adds the transparent node s (a permission set) that u, whose
// children are at dist, is a member of: s joins the closure at u's distance
// and is not queued; its arcs are followed at once, as if they were u's
// own, so what s reaches is one hop from u. Once s is in the closure,
// another member reaching it adds nothing: s's targets are already there,
// at a distance no larger.
func (r *reacher) inherit(u, s, ref, dist, at int32) {
	r.join(s, u, ref, dist-1)
	arcs, base := r.g.arcsOf(s)
	for i := range arcs {
		if arcs[i].kind != arcInherit { // sets do not nest
			r.follow(s, &arcs[i], base+int32(i), dist, at)
		}
	}
}

// enter follows arc a out of u into a target set s: the arc stands for
// one to every member of s, at the same distance and with its access. s
// joins the closure at its members' distance (its access is the strongest
// that entered it) and is not queued; its members are reached through it
// at once. An arc of no stronger access than one that entered s before
// adds nothing; a stronger one passes its access on to every member again.
func (r *reacher) enter(u int32, a *arc, ref, dist, at int32) {
	s := a.to
	if r.setDone(s) {
		return // every member is in the closure with admin access
	}
	if !r.individual(s) {
		r.join(s, u, ref, dist)
	} else if a.access <= r.access[s] {
		return
	}
	r.access[s], r.accessVia[s], r.accessAt[s] = a.access, u, at
	// follow's work for each includes arc (certain, into no scope or set),
	// with a's access.
	arcs, base := r.g.arcsOf(s)
	for i := range arcs {
		v := arcs[i].to
		if !r.individual(v) {
			if r.has(v) {
				continue // a lazy member: in the closure with admin access
			}
			r.visit(v, s, base+int32(i), dist)
		}
		if a.access > r.access[v] {
			r.access[v], r.accessVia[v], r.accessAt[v] = a.access, s, at
		}
	}
}

// setDone reports whether v is a target set whose members are all in one
// block that joined the closure: no arc into v can add anything.
func (r *reacher) setDone(v int32) bool {
	p := r.b.setBlock[v]
	return p >= 0 && r.blockDone[p] == r.gen
}

// mark processes scope s, at queue position at: its members not yet in the
// closure join it lazily, in ID order, as queue segments; its other arcs are
// followed as usual, and the grants of joining members are applied, each in
// its place in ID order (splitting the segments so that the queue order is
// the one of visiting every member).
func (r *reacher) mark(s, at int32) {
	b := r.b
	r.blockGen[s] = r.gen
	r.blockAt[s] = at
	r.cursor[s] = -1
	r.marks = append(r.marks, s)
	dist := r.dist[s] + 1
	seg := int32(0)
	flush := func(cut int32) {
		if cut > seg {
			r.queue = append(r.queue, queued{node: s, lo: seg, hi: cut})
			seg = cut
		}
	}
	for _, ev := range b.events[b.evStart[s]:b.evStart[s+1]] {
		a := &r.g.arcs[ev.arc]
		if ev.member {
			v := a.to
			r.cursor[s] = ev.cut
			if r.individual(v) {
				continue
			}
			r.applyGrants(v, dist)
			continue
		}
		r.cursor[s] = ev.cut - 1
		if r.certainOnly && a.cond {
			r.skip(seed{from: s, to: a.to, ref: ev.arc, dist: dist})
			continue
		}
		if !r.has(a.to) && !(r.g.isScope[a.to] && a.kind != arcAdmin) {
			flush(ev.cut)
		}
		r.follow(s, a, ev.arc, dist, at)
	}
	n := b.memStart[s+1] - b.memStart[s]
	r.cursor[s] = n
	r.blockDone[s] = r.gen
	flush(n)
}

// segment processes members lo..hi of scope q.node's block (those that
// joined lazily) at queue position at: it follows their leaving arcs into
// blocks not yet marked, member by member and in arc order.
func (r *reacher) segment(q queued, at int32) {
	b := r.b
	s := q.node
	dist := r.dist[s] + 2
	mem := b.blockMembers(s)
	em := b.extMembers[b.emStart[s]:b.emStart[s+1]]
	for k := sortSearch(em, q.lo); k < len(em) && em[k] < q.hi; k++ {
		m := mem[em[k]]
		if r.individual(m) {
			continue // joined individually before the block: processed on its own
		}
		// Merge the open groups of m by arc index (= arc order).
		r.heads = r.heads[:0]
		for _, gr := range b.groups[b.grpStart[m]:b.grpStart[m+1]] {
			if gr.key >= 0 && r.blockDone[gr.key] == r.gen {
				continue // a marked block: every arc into it is a no-op
			}
			r.heads = append(r.heads, [2]int32{gr.lo, gr.hi})
		}
		if len(r.heads) == 1 { // nothing to merge
			for _, ai := range b.ext[r.heads[0][0]:r.heads[0][1]] {
				if a := &r.g.arcs[ai]; !r.seen(m, a, at) {
					r.follow(m, a, ai, dist, at)
				}
			}
			continue
		}
		for {
			best := -1
			for i, h := range r.heads {
				if h[0] < h[1] && (best < 0 || b.ext[h[0]] < b.ext[r.heads[best][0]]) {
					best = i
				}
			}
			if best < 0 {
				break
			}
			ai := b.ext[r.heads[best][0]]
			r.heads[best][0]++
			if a := &r.g.arcs[ai]; !r.seen(m, a, at) {
				r.follow(m, a, ai, dist, at)
			}
		}
	}
}

// visit adds v to the closure individually, to be processed in its turn,
// and applies the grants it completes.
func (r *reacher) visit(v, parent, ref, dist int32) {
	r.queue = append(r.queue, queued{node: v, lo: -1})
	r.join(v, parent, ref, dist)
}

// join adds v to the closure individually, without queueing it, and
// applies the grants it completes.
func (r *reacher) join(v, parent, ref, dist int32) {
	r.in[v>>6] |= 1 << (v & 63)
	r.parent[v] = parent
	r.ref[v] = ref
	r.dist[v] = dist
	r.access[v] = 0
	r.accessVia[v] = -1
	r.order = append(r.order, v)
	r.applyGrants(v, dist)
}

// applyGrants schedules the scopes of the grants that v, at dist,
// completes: each is due one hop after the farther end of its grant (a
// permission set joins at its member's distance, so the grantee may be the
// farther) and joins the closure in its breadth-first turn (flushDeferred),
// from that end. A conditional grant is left aside by a certain reacher,
// and recorded by skip, only when it would complete: a grant whose other
// end is not in the closure yet is met again when that end joins.
func (r *reacher) applyGrants(v, dist int32) {
	g := r.g
	if !g.inGrant[v] {
		return
	}
	single := g.grantScope[v]
	if single >= 0 {
		if r.has(single) {
			return // every grant of v gives that scope, already held
		}
		if d, ok := r.pendingAt(single); ok && d <= dist+1 {
			return // and it is due as soon as v could make it
		}
	}
	for _, gi := range g.grantOut[v] {
		gr := &g.grants[gi]
		if r.has(gr.scope) || !r.has(gr.y) {
			continue
		}
		d := deferredScope{scope: gr.scope, parent: v, ref: -gi - 1, dist: dist + 1}
		if dy := int32(r.distance(gr.y)); dy > dist {
			d.parent, d.dist = gr.y, dy+1
		}
		if r.certainOnly && gr.cond {
			r.skip(seed{from: d.parent, to: d.scope, ref: d.ref, dist: d.dist})
			continue
		}
		r.postpone(d)
		if single >= 0 && d.dist == dist+1 {
			return // no other grant of v makes its scope sooner
		}
	}
	for _, gi := range g.grantIn[v] {
		gr := &g.grants[gi]
		if r.has(gr.scope) || !r.has(gr.x) {
			continue
		}
		if r.certainOnly && gr.cond {
			r.skip(seed{from: v, to: gr.scope, ref: -gi - 1, dist: dist + 1})
			continue
		}
		r.postpone(deferredScope{scope: gr.scope, parent: v, ref: -gi - 1, dist: dist + 1})
		if single >= 0 {
			return // every grant to v makes its scope at once
		}
	}
}

// pendingAt returns the distance at which scope is due, when it is.
func (r *reacher) pendingAt(scope int32) (int32, bool) {
	if r.pendGen[scope] != r.gen {
		return 0, false
	}
	return r.pendDist[scope], true
}

// postpone adds d to the deferred scopes, kept in order of distance (and of
// completion among equals).
func (r *reacher) postpone(d deferredScope) {
	if at, ok := r.pendingAt(d.scope); ok && at <= d.dist {
		return // due as soon already
	}
	r.pendGen[d.scope], r.pendDist[d.scope] = r.gen, d.dist
	i := len(r.deferred)
	for i > 0 && r.deferred[i-1].dist > d.dist {
		i--
	}
	r.deferred = slices.Insert(r.deferred, i, d)
}

// deferredScope is the scope of a completed grant, due at dist from parent.
type deferredScope struct {
	scope, parent, ref, dist int32
}

// flushDeferred visits the deferred scopes whose turn has come before the
// queue entry at head is processed: those due no later than one hop after
// the entry's nodes (every node nearer is in the queue by then, and none
// farther), nearest first and, among equals, in the order they completed;
// every one when the queue is exhausted.
func (r *reacher) flushDeferred(head int32) {
	limit := int32(math.MaxInt32)
	if int(head) < len(r.queue) {
		q := r.queue[head]
		limit = r.dist[q.node] + 1
		if q.lo >= 0 {
			limit++ // a segment's members are one hop past their scope
		}
	}
	for len(r.deferred) > 0 && r.deferred[0].dist <= limit {
		d := r.deferred[0]
		r.deferred = r.deferred[1:]
		if !r.has(d.scope) {
			r.visit(d.scope, d.parent, d.ref, d.dist)
		}
	}
}

// skip records that a conditional arc or grant was left aside (certainOnly).
func (r *reacher) skip(d seed) {
	if !r.has(d.to) && !r.setDone(d.to) {
		r.skipped = append(r.skipped, d)
	}
}

// sameAsFull reports, once run returned on a certain reacher, whether the
// full closure holds the same nodes: every conditional arc or grant it
// left aside leads into it anyway. The analysis then need not compute the
// full closure: it would only differ in how some members are reached, and
// it reports only what the certain closure lacks.
func (r *reacher) sameAsFull() bool {
	for _, d := range r.skipped {
		if !r.has(d.to) && !r.setDone(d.to) {
			return false
		}
	}
	return true
}

// has reports whether v is in the current closure.
func (r *reacher) has(v int32) bool {
	if r.individual(v) {
		return true
	}
	p := r.b.primary[v]
	return p >= 0 && r.blockGen[p] == r.gen && r.b.memberIdx[v] <= r.cursor[p]
}

// blockMarked reports whether scope s's block joined the closure.
func (r *reacher) blockMarked(s int32) bool { return r.blockGen[s] == r.gen }

// individual reports whether v joined the closure individually.
func (r *reacher) individual(v int32) bool { return r.in[v>>6]&(1<<(v&63)) != 0 }

// inMarked reports whether v's block is marked (v is then in the closure,
// lazily or individually); only valid once run returned.
func (r *reacher) inMarked(v int32) bool {
	p := r.b.primary[v]
	return p >= 0 && r.blockGen[p] == r.gen
}

// individuals returns the members that joined individually, in visit
// order, the source first; every scope member is among them. The slice is
// reused by the next run.
func (r *reacher) individuals() []int32 { return r.order }

// marked returns the scopes whose blocks joined, in marking order.
func (r *reacher) marked() []int32 { return r.marks }

// distance is the number of hops of the path to v (v must be a member).
func (r *reacher) distance(v int32) int {
	if r.individual(v) {
		return int(r.dist[v])
	}
	return int(r.dist[r.b.primary[v]]) + 1
}

// parentOf returns v's parent and how it was reached (see step.ref).
func (r *reacher) parentOf(v int32) (int32, int32) {
	if r.individual(v) {
		return r.parent[v], r.ref[v]
	}
	s := r.b.primary[v]
	arcs, base := r.g.arcsOf(s)
	for i := r.g.searchArcs(arcs, v); i < len(arcs) && arcs[i].to == v; i++ {
		if !r.certainOnly || !arcs[i].cond {
			return s, base + int32(i)
		}
	}
	panic("analysis: lazy member without an arc from its scope")
}

// path returns the hops from the source to v (v must be a member). A hop
// into a transparent node is a step of its own, which counts for no
// distance: a path can have more steps than v's distance.
func (r *reacher) path(v int32) []step {
	var steps []step
	for v != r.order[0] {
		p, ref := r.parentOf(v)
		steps = append(steps, step{from: p, to: v, ref: ref})
		v = p
	}
	slices.Reverse(steps)
	return steps
}

// resourceAccess returns the highest access rank to v any member gives and
// the first member (in BFS order) that gives it; rank 0 and -1 when none
// does. A marked block gives its members admin access when it is processed.
func (r *reacher) resourceAccess(v int32) (uint8, int32) {
	admin := adminRank
	p := r.b.primary[v]
	if p < 0 || r.blockGen[p] != r.gen {
		return r.access[v], r.via(v)
	}
	if !r.individual(v) || r.access[v] < admin || r.accessAt[v] > r.blockAt[p] {
		return admin, p
	}
	return r.access[v], r.via(v)
}

// via is the node that gives v its access: for an access through a target
// set, the node whose arc entered the set with it.
func (r *reacher) via(v int32) int32 {
	w := r.accessVia[v]
	if w >= 0 && r.g.isSet[w] {
		return r.accessVia[w]
	}
	return w
}
