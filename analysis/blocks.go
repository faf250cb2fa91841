package analysis

import (
	"math"
	"slices"

	"github.com/blastradius/blastradius/graphmodel"
)

// This file holds the block index that makes the reach pass scale.
//
// An administered scope brings everything inside it into a closure at once:
// when the breadth-first search processes a scope A, every identity, group
// and resource A contains that is not yet in the closure joins it, at A's
// distance plus one, with A as parent and admin access. Those members are
// most of a large estate, and the same for every identity that administers
// A. So the search does not visit them one by one: it marks A's block as
// visited (a "lazy" visit), queues it as segments, and when it processes a
// segment it scans only the arcs of members that leave the block, grouped by
// the block they enter, skipping groups whose block is already marked (every
// arc into a marked block is a no-op: its target is in the closure and, if a
// resource, already has the highest access). Counts and sorted member lists
// are precomputed per block. The result is the same search, node for node,
// as visiting every member; only the work differs.
//
// Every node belongs to at most one block: that of its primary container
// (the first scope, in ID order, with a contains arc to it). A contains arc
// from another scope is an ordinary arc.

// blockIndex is the per-scope precomputation; it is read-only once built.
type blockIndex struct {
	primary   []int32 // node → scope of its block, -1 when none
	memberIdx []int32 // node → index among its block's members
	// setBlock is, for a target set, the scope of the one block that
	// holds all its members, -1 when none does (and for other nodes).
	setBlock []int32

	// Members of scope s are members[memStart[s]:memStart[s+1]], in ID order;
	// idents and resources are the identity and resource members, by ID.
	memStart, members   []int32
	idStart, idents     []int32
	resStart, resources []int32
	sens3               []float64 // by scope: Σ 3 × sensitivity of its resources
	exactScores         bool      // every resource term sums exactly in float64

	// Events of scope s (evStart): its arcs to non-members, and the first
	// arc to each member with grants, in arc order; see reacher.mark.
	evStart []int32
	events  []blockEvent

	// extStart/ext: member m's arcs that leave its block, as groups by the
	// scope they enter (key, ordered by key); groups of m are
	// groups[grpStart[m]:grpStart[m+1]], each naming ext[lo:hi].
	grpStart []int32
	groups   []arcGroup
	ext      []int32 // arc indices
	// extMembers of scope s: indices (among its members) of members with any
	// leaving arc, ascending: extMembers[emStart[s]:emStart[s+1]].
	emStart, extMembers []int32
}

// blockEvent is one step of marking a block: arc is an index into
// attackGraph.arcs; cut is the number of members before the arc's target
// (members visited so far); member says the target is a member (with grants).
type blockEvent struct {
	arc    int32
	cut    int32
	member bool
}

// arcGroup is a run of a member's leaving arcs whose targets share key: the
// scope whose block they are in (or the scope itself, for arcs into it), or
// -1 for targets in no block.
type arcGroup struct {
	key    int32
	lo, hi int32
}

// exactScale bounds the resource-term sums that float64 holds exactly: every
// term is a multiple of 1/exactScale and the whole sum stays below 2^53.
const exactScale = 1 << 16

// buildBlocks computes the block index of g with the resources' sensitivity.
func buildBlocks(g *attackGraph, sensitivity []float64) *blockIndex {
	n := len(g.nodes)
	b := &blockIndex{primary: make([]int32, n), memberIdx: make([]int32, n)}
	for i := range b.primary {
		b.primary[i] = -1
	}
	for s := int32(0); int(s) < n; s++ {
		if !g.isScope[s] {
			continue
		}
		arcs, _ := g.arcsOf(s)
		for i := range arcs {
			if a := &arcs[i]; a.kind == arcContains && b.primary[a.to] < 0 {
				b.primary[a.to] = s
			}
		}
	}
	// A target set whose members are all in one block: once that block is
	// marked, every arc into the set is a no-op.
	b.setBlock = make([]int32, n)
	for v := int32(0); int(v) < n; v++ {
		b.setBlock[v] = -1
		if !g.isSet[v] {
			continue
		}
		arcs, _ := g.arcsOf(v)
		for i := range arcs {
			p := b.primary[arcs[i].to]
			if i > 0 && p != b.setBlock[v] {
				b.setBlock[v] = -1
				break
			}
			b.setBlock[v] = p
		}
	}
	count := make([]int32, n+1)
	for _, p := range b.primary {
		if p >= 0 {
			count[p+1]++
		}
	}
	b.memStart = make([]int32, n+1)
	for i := 0; i < n; i++ {
		b.memStart[i+1] = b.memStart[i] + count[i+1]
	}
	b.members = make([]int32, b.memStart[n])
	fill := slices.Clone(b.memStart[:n])
	for v, p := range b.primary { // ascending v: members come out in ID order
		if p >= 0 {
			b.memberIdx[v] = fill[p] - b.memStart[p]
			b.members[fill[p]] = int32(v)
			fill[p]++
		}
	}

	// Identity and resource lists, scores.
	b.idStart = make([]int32, n+1)
	b.resStart = make([]int32, n+1)
	b.sens3 = make([]float64, n)
	b.exactScores = true
	total := 0.0
	for s := 0; s < n; s++ {
		for _, v := range b.members[b.memStart[s]:b.memStart[s+1]] {
			switch g.class[v] {
			case graphmodel.ClassIdentity:
				b.idents = append(b.idents, v)
			case graphmodel.ClassResource:
				b.resources = append(b.resources, v)
				b.sens3[s] += AccessWeight(graphmodel.AccessAdmin) * sensitivity[v]
			}
		}
		b.idStart[s+1] = int32(len(b.idents))
		b.resStart[s+1] = int32(len(b.resources))
	}
	for v := range g.nodes {
		if g.class[v] != graphmodel.ClassResource {
			continue
		}
		for w := 1.0; w <= 3; w++ {
			t := w * sensitivity[v] * exactScale
			if math.IsInf(t, 0) || math.IsNaN(t) || t != math.Trunc(t) || t < 0 {
				b.exactScores = false
			}
		}
		total += 3 * sensitivity[v] * exactScale
	}
	if total >= 1<<53 || math.IsNaN(total) {
		b.exactScores = false
	}

	// Events of each scope with members.
	b.evStart = make([]int32, n+1)
	for s := int32(0); int(s) < n; s++ {
		if b.memStart[s] < b.memStart[s+1] {
			mem := b.members[b.memStart[s]:b.memStart[s+1]]
			arcs, base := g.arcsOf(s)
			last := int32(-1)
			for i := range arcs {
				t := arcs[i].to
				key := g.arcKey(&arcs[i])
				cut := int32(sortSearch(mem, key))
				if arcs[i].kind == arcEnter && int(cut) < len(mem) && mem[cut] == key {
					cut++ // the arc to the set's first member comes before it
				}
				if b.primary[t] == s {
					if t != last && (len(g.grantOut[t]) > 0 || len(g.grantIn[t]) > 0) {
						b.events = append(b.events, blockEvent{arc: base + int32(i), cut: cut, member: true})
					}
					last = t
					continue
				}
				b.events = append(b.events, blockEvent{arc: base + int32(i), cut: cut})
			}
		}
		b.evStart[s+1] = int32(len(b.events))
	}

	// Leaving arcs of block members, grouped by the block they enter.
	b.grpStart = make([]int32, n+1)
	var keyed []struct{ key, arc int32 }
	for v := int32(0); int(v) < n; v++ {
		p := b.primary[v]
		if p >= 0 {
			keyed = keyed[:0]
			arcs, base := g.arcsOf(v)
			for i := range arcs {
				t := arcs[i].to
				if t == p || b.primary[t] == p {
					continue // into its own block: a no-op once the block is marked
				}
				key := b.primary[t]
				switch {
				case g.isScope[t]:
					key = t
				case g.isSet[t]:
					key = b.setBlock[t]
				}
				keyed = append(keyed, struct{ key, arc int32 }{key, base + int32(i)})
			}
			slices.SortStableFunc(keyed, func(x, y struct{ key, arc int32 }) int { return int(x.key) - int(y.key) })
			for i := 0; i < len(keyed); {
				j := i
				lo := int32(len(b.ext))
				for ; j < len(keyed) && keyed[j].key == keyed[i].key; j++ {
					b.ext = append(b.ext, keyed[j].arc)
				}
				b.groups = append(b.groups, arcGroup{key: keyed[i].key, lo: lo, hi: int32(len(b.ext))})
				i = j
			}
		}
		b.grpStart[v+1] = int32(len(b.groups))
	}
	b.emStart = make([]int32, n+1)
	for s := 0; s < n; s++ {
		for i, v := range b.members[b.memStart[s]:b.memStart[s+1]] {
			if b.grpStart[v] < b.grpStart[v+1] {
				b.extMembers = append(b.extMembers, int32(i))
			}
		}
		b.emStart[s+1] = int32(len(b.extMembers))
	}
	return b
}

// blockMembers returns the members of scope s in ID order.
func (b *blockIndex) blockMembers(s int32) []int32 { return b.members[b.memStart[s]:b.memStart[s+1]] }

// blockIdents returns the identity members of scope s in ID order.
func (b *blockIndex) blockIdents(s int32) []int32 { return b.idents[b.idStart[s]:b.idStart[s+1]] }

// blockResources returns the resource members of scope s in ID order.
func (b *blockIndex) blockResources(s int32) []int32 {
	return b.resources[b.resStart[s]:b.resStart[s+1]]
}

// sortSearch returns the number of elements of the ascending list below v.
func sortSearch(list []int32, v int32) int {
	i, _ := slices.BinarySearch(list, v)
	return i
}
