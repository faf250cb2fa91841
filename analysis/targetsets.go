package analysis

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/blastradius/blastradius/graphmodel"
)

// This file groups the targets that many sources reach alike into target
// sets, so that the attack graph grows with what is distinct rather than
// with sources × targets.
//
// A source's can_become, can_access and can_grant_admin edges that differ
// only in their target (same kind, technique, access, conditions and
// evidence) form a label group. When the same list of targets is the group of several
// sources (every principal allowed s3:GetObject on "*" reaches every bucket
// of its account), the list becomes a target-set node with one includes
// edge to each member, and each source gets one edge into the set in place
// of its edges to the members; the other lists are cut into the atoms they
// share (makeSets), and a source enters the sets of its atoms. Evidence that
// names the target is kept with graphmodel.TargetPlaceholder in its place.
// The reach pass follows an edge into a set to
// every member at the same distance and with the edge's access (reach.go),
// and escalation renders the two steps as the one hop they stand for, so
// counts, scores and paths are those of the direct edges.

// targetSetMin is the fewest members a target set has.
const targetSetMin = 2

// groupTargets returns the edges of derived with the targets that several
// sources reach alike grouped into target sets (the new nodes). Edges with
// the same key, which the graph keeps once, are kept once: a certain one
// over a conditional one. g holds the snapshot's nodes; targets it lacks,
// scopes and transparent nodes are never grouped.
func groupTargets(g *graphmodel.Graph, derived []graphmodel.Edge) ([]graphmodel.Node, []graphmodel.Edge) {
	gr := &grouper{g: g, groups: map[label]int32{}, strs: map[string]int32{"": 0}, ids: []string{""},
		bySlice: map[sliceAt]int32{}, texts: map[string]int32{},
		toOf: make([]int32, len(derived)), dropped: make([]bool, len(derived))}
	groupOf := make([]int32, len(derived))
	for i := range derived {
		groupOf[i] = gr.add(derived, int32(i))
	}
	if len(gr.list) == 0 {
		return nil, derived
	}
	gr.dropShadowed(derived)
	sets := gr.makeSets()
	if len(sets) == 0 {
		return nil, derived
	}
	// The edges are compacted in place: a group's edges into its sets take
	// the place of the covered edges it leaves out, at the last of them, by
	// then at least as many as its sets (a set has two members or more).
	type entering struct {
		last     int32           // the group's last covered edge
		template graphmodel.Edge // its edge into a set, but for the set
	}
	into := map[int32]*entering{} // by group with sets
	for k := range gr.list {
		if grp := &gr.list[k]; len(grp.sets) > 0 {
			en := &entering{template: derived[grp.edges[0]]}
			en.template.Evidence = grp.evidence
			for _, e := range grp.edges {
				if gr.covered[e] {
					en.last = e
				}
			}
			into[int32(k)] = en
		}
	}
	out := derived[:0]
	for i := range derived {
		k := groupOf[i]
		switch {
		case k < 0:
			out = append(out, derived[i])
		case gr.covered[i]:
			if en := into[k]; en.last == int32(i) {
				for _, s := range gr.list[k].sets {
					e := en.template
					e.To = sets[s].ID
					out = append(out, e)
				}
			}
		case !gr.dropped[i]:
			out = append(out, derived[i])
		}
	}
	clear(derived[len(out):]) // no stale copies: the graph refers to out
	nodes := make([]graphmodel.Node, len(sets))
	for i, s := range sets {
		nodes[i] = s.Node
		for _, to := range s.members {
			out = append(out, graphmodel.Edge{From: s.ID, To: to, Kind: graphmodel.EdgeIncludes})
		}
	}
	return nodes, out
}

// label is what a source's edges to the members of one target set share,
// its strings interned (grouper.intern).
type label struct {
	from, technique, via, access, provider int32
	evidence, conditions                   int32
	kind                                   graphmodel.EdgeKind
	cond                                   bool
}

// labelGroup is the edges of one label: their targets, in edge order.
type labelGroup struct {
	label
	edges []int32 // the edges kept, in order
	// evidence is the first edge's, with TargetPlaceholder for its target.
	evidence []graphmodel.Evidence
	sets     []int32 // the target sets its edges enter
}

// grouper collects the label groups of the derived edges.
type grouper struct {
	g      *graphmodel.Graph
	groups map[label]int32
	list   []labelGroup
	// strs interns the edges' strings (IDs, techniques, access levels,
	// providers) as ids' indices; lastFrom and lastFromID remember the
	// last source, as derivers emit a source's edges together.
	strs            map[string]int32
	ids             []string
	lastFrom        string
	lastFromID      int32
	lastTechnique   string
	lastTechniqueID int32
	// targetKind is, by interned ID, 0 when not yet known, -1 for a
	// target that is never grouped, else its provider's interned name.
	targetKind []int32
	// bySlice and texts intern the edges' evidence and conditions: by
	// slice (derivers share one among the edges of a decision), then by
	// text.
	bySlice map[sliceAt]int32
	texts   map[string]int32
	// By edge index: the interned target; whether the graph would not
	// keep the edge; whether a target set stands for it.
	toOf             []int32
	dropped, covered []bool
}

// intern returns the number of s.
func (gr *grouper) intern(s string) int32 {
	id, ok := gr.strs[s]
	if !ok {
		id = int32(len(gr.ids))
		gr.strs[s] = id
		gr.ids = append(gr.ids, s)
	}
	return id
}

// internShort is intern for strings that are mostly empty.
func (gr *grouper) internShort(s string) int32 {
	if s == "" {
		return 0
	}
	return gr.intern(s)
}

// provider returns the interned provider of target to, or -1 when it is
// not a target to group: unknown to the graph, transparent, a scope.
func (gr *grouper) provider(to int32) int32 {
	if int(to) < len(gr.targetKind) && gr.targetKind[to] != 0 {
		return gr.targetKind[to]
	}
	k := int32(-1)
	if n, ok := gr.g.Node(gr.ids[to]); ok && !n.Kind.Transparent() {
		switch n.Kind.Class() {
		case graphmodel.ClassIdentity, graphmodel.ClassGroup, graphmodel.ClassResource:
			p := n.Provider
			if p == "" {
				p = n.Kind.Provider()
			}
			if _, ok := graphmodel.TargetSetKind(p); ok {
				k = gr.intern(string(p))
			}
		}
	}
	if grow := len(gr.ids) - len(gr.targetKind); grow > 0 {
		gr.targetKind = append(gr.targetKind, make([]int32, grow)...)
	}
	gr.targetKind[to] = k
	return k
}

// add files edge i under its label group and returns the group, or -1 when
// the edge is not one to group.
func (gr *grouper) add(derived []graphmodel.Edge, i int32) int32 {
	e := &derived[i]
	switch e.Kind {
	case graphmodel.EdgeCanBecome, graphmodel.EdgeCanAccess, graphmodel.EdgeCanGrantAdmin:
	default:
		return -1
	}
	to := gr.intern(e.To)
	gr.toOf[i] = to
	provider := gr.provider(to)
	if provider < 0 || names(e.Evidence, graphmodel.TargetPlaceholder) {
		// Not a target to group, or evidence whose own text the
		// placeholder could not be told from.
		return -1
	}
	evidence, shared := e.Evidence, true
	if names(evidence, e.To) {
		evidence, shared = replaced(evidence, e.To, graphmodel.TargetPlaceholder), false
	}
	if e.From != gr.lastFrom || gr.lastFromID == 0 {
		gr.lastFrom, gr.lastFromID = e.From, gr.intern(e.From)
	}
	if e.Technique != gr.lastTechnique || gr.lastTechniqueID == 0 {
		gr.lastTechnique, gr.lastTechniqueID = e.Technique, gr.intern(e.Technique)
	}
	l := label{from: gr.lastFromID, technique: gr.lastTechniqueID, via: gr.internShort(e.Via),
		access: gr.internShort(string(e.Access)), provider: provider, kind: e.Kind, cond: e.Conditional,
		evidence: gr.evidenceID(evidence, shared), conditions: gr.conditionsID(e.Conditions)}
	k, ok := gr.groups[l]
	if !ok {
		k = int32(len(gr.list))
		gr.groups[l] = k
		gr.list = append(gr.list, labelGroup{label: l, evidence: evidence})
	}
	gr.list[k].edges = append(gr.list[k].edges, i)
	return k
}

// names reports whether the source or the note of some evidence holds s.
func names(ev []graphmodel.Evidence, s string) bool {
	for i := range ev {
		if strings.Contains(ev[i].Note, s) || strings.Contains(ev[i].Source, s) {
			return true
		}
	}
	return false
}

// replaced returns a copy of ev with every old in its sources and notes
// replaced by new: with (target, TargetPlaceholder), what the evidence of
// the edges to the other members of a set reads; with (TargetPlaceholder,
// member), the evidence of the edge to member.
func replaced(ev []graphmodel.Evidence, old, new string) []graphmodel.Evidence {
	out := make([]graphmodel.Evidence, len(ev))
	for i, x := range ev {
		x.Source = strings.ReplaceAll(x.Source, old, new)
		x.Note = strings.ReplaceAll(x.Note, old, new)
		out[i] = x
	}
	return out
}

// evidenceID interns an edge's evidence: the same slice (first element
// and length) is the same evidence, when shared says the slice is one a
// deriver may give several edges; other slices are compared by text.
func (gr *grouper) evidenceID(ev []graphmodel.Evidence, shared bool) int32 {
	if len(ev) == 0 {
		return -1
	}
	at := sliceAt{unsafe.Pointer(&ev[0]), len(ev)}
	if shared {
		if id, ok := gr.bySlice[at]; ok {
			return id
		}
	}
	var b strings.Builder
	for _, x := range ev {
		b.WriteString(x.Source)
		b.WriteByte(0)
		b.WriteString(strconv.Itoa(x.Statement))
		b.WriteByte(0)
		b.WriteString(x.Sid)
		b.WriteByte(0)
		b.WriteString(x.Note)
		b.WriteByte(1)
	}
	id := gr.byText(b.String())
	if shared {
		gr.bySlice[at] = id
	}
	return id
}

// conditionsID interns an edge's conditions as evidenceID does evidence.
func (gr *grouper) conditionsID(cs []string) int32 {
	if len(cs) == 0 {
		return -1
	}
	at := sliceAt{unsafe.Pointer(&cs[0]), len(cs)}
	if id, ok := gr.bySlice[at]; ok {
		return id
	}
	id := gr.byText("\x02" + strings.Join(cs, "\x00"))
	gr.bySlice[at] = id
	return id
}

// byText interns text.
func (gr *grouper) byText(text string) int32 {
	id, ok := gr.texts[text]
	if !ok {
		id = int32(len(gr.texts))
		gr.texts[text] = id
	}
	return id
}

// sliceAt identifies a slice by its first element and length: edges that
// share a slice share its content (nothing changes derived edges).
type sliceAt struct {
	first unsafe.Pointer
	n     int
}

// dropShadowed marks the edges the graph would not keep: of the edges with
// one key (from, kind, to, technique, access), the first certain one stays,
// or the first one when none is certain. Edges with one key are in one
// label group, or in groups of one base (label without cond and evidence).
func (gr *grouper) dropShadowed(derived []graphmodel.Edge) {
	type base struct {
		from, technique, access int32
		kind                    graphmodel.EdgeKind
	}
	bases := map[base][]int32{}
	for k := range gr.list {
		l := &gr.list[k].label
		b := base{l.from, l.technique, l.access, l.kind}
		bases[b] = append(bases[b], int32(k))
	}
	seen := map[int32]int32{} // target → the edge kept so far
	for _, groups := range bases {
		if len(groups) == 1 {
			// One group: only repeats of a target, all alike, the first
			// kept; most groups have none.
			grp := &gr.list[groups[0]]
			if !repeats(grp.edges, gr.toOf) {
				continue
			}
			clear(seen)
			for _, i := range grp.edges {
				if _, dup := seen[gr.toOf[i]]; dup {
					gr.dropped[i] = true
				} else {
					seen[gr.toOf[i]] = i
				}
			}
			continue
		}
		clear(seen)
		for _, g := range groups {
			for _, i := range gr.list[g].edges {
				to := gr.toOf[i]
				w, ok := seen[to]
				if !ok || (derived[w].Conditional && !derived[i].Conditional) || (derived[w].Conditional == derived[i].Conditional && i < w) {
					seen[to] = i
				}
			}
		}
		for _, g := range groups {
			for _, i := range gr.list[g].edges {
				gr.dropped[i] = seen[gr.toOf[i]] != i
			}
		}
	}
	for k := range gr.list {
		grp := &gr.list[k]
		grp.edges = slices.DeleteFunc(grp.edges, func(i int32) bool { return gr.dropped[i] })
	}
}

// repeats reports whether two of edges have one target.
func repeats(edges, toOf []int32) bool {
	if len(edges) < 2 {
		return false
	}
	if len(edges) == 2 {
		return toOf[edges[0]] == toOf[edges[1]]
	}
	targets := make([]int32, len(edges))
	for i, e := range edges {
		targets[i] = toOf[e]
	}
	slices.Sort(targets)
	for i := 1; i < len(targets); i++ {
		if targets[i] == targets[i-1] {
			return true
		}
	}
	return false
}

// targetSet is a target-set node and its members, by ID.
type targetSet struct {
	graphmodel.Node
	members []string
}

// makeSets groups targets into target sets where that saves edges, in two
// stages, and returns the sets by ID; each label group records the sets it
// enters and covered the edges they stand for.
//
// First, a target list several groups share whole (every principal allowed
// an action on "*" reaches every resource of a kind) becomes one set.
// Then the lists left are cut into atoms, the targets that are in exactly
// the same lists (the secrets of one team in one region, which every
// pattern and region guard either takes whole or not at all): each list is
// the union of its atoms, and an atom several lists hold becomes a set. So
// a principal whose statements name a prefix, less a denied region, enters
// a few sets rather than reaching every target by its own edge.
func (gr *grouper) makeSets() []targetSet {
	gr.covered = make([]bool, len(gr.toOf))
	b := &setBuilder{byID: map[string]int32{}}

	// Whole lists. A list's targets tell its provider: no two groups of
	// different providers share one.
	var lists listIndex
	var groupsOfList [][]int32
	for k := range gr.list {
		grp := &gr.list[k]
		if len(grp.edges) < targetSetMin {
			continue
		}
		members := make([]int32, len(grp.edges))
		for i, e := range grp.edges {
			members[i] = gr.toOf[e]
		}
		slices.Sort(members) // no repeats: dropShadowed dropped them
		li := lists.index(members)
		if int(li) == len(groupsOfList) {
			groupsOfList = append(groupsOfList, nil)
		}
		groupsOfList[li] = append(groupsOfList[li], int32(k))
	}
	for li, groups := range groupsOfList {
		members := lists.lists[li]
		if !saves(len(groups), len(members)) {
			continue
		}
		s := b.set(gr, gr.list[groups[0]].provider, members)
		for _, k := range groups {
			grp := &gr.list[k]
			grp.sets = append(grp.sets, s)
			for _, e := range grp.edges {
				gr.covered[e] = true
			}
		}
	}

	// Atoms of the lists left: the targets with one signature, the groups
	// left that hold them (ascending).
	groupsOf := make([][]int32, len(gr.ids))
	for k := range gr.list {
		grp := &gr.list[k]
		if len(grp.sets) > 0 || len(grp.edges) < targetSetMin {
			continue
		}
		for _, e := range grp.edges {
			to := gr.toOf[e]
			groupsOf[to] = append(groupsOf[to], int32(k))
		}
	}
	var sigs listIndex
	var atomMembers [][]int32
	atomOf := make([]int32, len(gr.ids))
	for to, sig := range groupsOf {
		atomOf[to] = -1
		if len(sig) < 2 {
			continue // in one list only: no set saves an edge
		}
		a := sigs.index(sig)
		if int(a) == len(atomMembers) {
			atomMembers = append(atomMembers, nil)
		}
		atomMembers[a] = append(atomMembers[a], int32(to))
		atomOf[to] = a
	}
	atomSet := make([]int32, len(atomMembers))
	for a, members := range atomMembers {
		sig := sigs.lists[a]
		atomSet[a] = -1
		if !saves(len(sig), len(members)) {
			continue
		}
		atomSet[a] = b.set(gr, gr.list[sig[0]].provider, members)
		for _, k := range sig {
			gr.list[k].sets = append(gr.list[k].sets, atomSet[a])
		}
	}
	// A group left (one with two edges or more: in the signatures) enters
	// the set of every atom of its targets that has one.
	for k := range gr.list {
		grp := &gr.list[k]
		if len(grp.sets) == 0 || len(grp.edges) < targetSetMin {
			continue
		}
		for _, e := range grp.edges {
			if a := atomOf[gr.toOf[e]]; a >= 0 && atomSet[a] >= 0 {
				gr.covered[e] = true
			}
		}
	}
	return b.sorted(gr.list)
}

// listIndex numbers lists of numbers by content.
type listIndex struct {
	lists  [][]int32
	byHash map[uint64][]int32
}

// index returns the number of list, the next one when it is new (list is
// then kept: the caller must not change it).
func (x *listIndex) index(list []int32) int32 {
	sum := hashInts(list)
	for _, i := range x.byHash[sum] {
		if slices.Equal(x.lists[i], list) {
			return i
		}
	}
	if x.byHash == nil {
		x.byHash = map[uint64][]int32{}
	}
	i := int32(len(x.lists))
	x.lists = append(x.lists, list)
	x.byHash[sum] = append(x.byHash[sum], i)
	return i
}

// saves reports whether a set of n members that uses edges enter saves
// edges: uses + n edges in place of uses × n.
func saves(uses, n int) bool { return n >= targetSetMin && uses*n > uses+n }

// hashInts hashes a list of numbers (FNV-1a).
func hashInts(list []int32) uint64 {
	h := uint64(14695981039346656037)
	for _, v := range list {
		h ^= uint64(uint32(v))
		h *= 1099511628211
	}
	return h
}

// setBuilder collects target sets, one per member list.
type setBuilder struct {
	sets []targetSet
	byID map[string]int32
}

// set returns the index of the set of members (interned IDs), made on
// first use. Its ID hashes the members' IDs in order, so it does not depend
// on the run.
func (b *setBuilder) set(gr *grouper, provider int32, members []int32) int32 {
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = gr.ids[m]
	}
	slices.Sort(ids)
	h := fnv.New64a()
	for _, id := range ids {
		h.Write([]byte(id))
		h.Write([]byte{0})
	}
	p := graphmodel.Provider(gr.ids[provider])
	id := fmt.Sprintf("%s:target-set:%016x", p, h.Sum64())
	if s, ok := b.byID[id]; ok {
		return s // the same members
	}
	kind, _ := graphmodel.TargetSetKind(p)
	b.sets = append(b.sets, targetSet{
		Node:    graphmodel.Node{ID: id, Kind: kind, Provider: p, Name: fmt.Sprintf("%d targets, from %s", len(ids), ids[0])},
		members: ids,
	})
	b.byID[id] = int32(len(b.sets) - 1)
	return int32(len(b.sets) - 1)
}

// sorted returns the sets in ID order and renumbers the groups' sets.
func (b *setBuilder) sorted(groups []labelGroup) []targetSet {
	order := make([]int32, len(b.sets))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return strings.Compare(b.sets[x].ID, b.sets[y].ID) })
	rank := make([]int32, len(b.sets))
	out := make([]targetSet, len(b.sets))
	for r, i := range order {
		rank[i] = int32(r)
		out[r] = b.sets[i]
	}
	for k := range groups {
		for i, s := range groups[k].sets {
			groups[k].sets[i] = rank[s]
		}
		slices.Sort(groups[k].sets)
	}
	return out
}
