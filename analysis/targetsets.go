package analysis

import (
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"unsafe"

	"github.com/blastradius/blastradius/graphmodel"
)

// This file groups the targets that many sources reach alike into target
// sets, so that the attack graph grows with what is distinct rather than
// with sources × targets.
//
// A source's can_become and can_access edges that differ only in their
// target (same kind, technique, access, conditions and evidence) form a
// label group. When the same list of targets is the group of several
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
	gr := &grouper{g: g, groups: map[label]int32{}, bySlice: map[sliceAt]int32{}, texts: map[string]int32{}}
	groupOf := make([]int32, len(derived))
	for i := range derived {
		groupOf[i] = gr.add(derived, int32(i))
	}
	if len(gr.list) == 0 {
		return nil, derived
	}
	gr.dropShadowed(derived)
	sets := gr.makeSets(derived)
	if len(sets) == 0 {
		return nil, derived
	}
	out := make([]graphmodel.Edge, 0, len(derived))
	for i := range derived {
		k := groupOf[i]
		if k < 0 {
			out = append(out, derived[i])
			continue
		}
		grp := &gr.list[k]
		if grp.first == int32(i) {
			for _, s := range grp.sets {
				e := derived[i]
				e.To = sets[s].ID
				e.Evidence = grp.evidence
				out = append(out, e)
			}
		}
		if !gr.covered[i] && !grp.dropped(int32(i)) {
			out = append(out, derived[i])
		}
	}
	nodes := make([]graphmodel.Node, len(sets))
	for i, s := range sets {
		nodes[i] = s.Node
		for _, to := range s.members {
			out = append(out, graphmodel.Edge{From: s.ID, To: to, Kind: graphmodel.EdgeIncludes})
		}
	}
	return nodes, out
}

// label is what a source's edges to the members of one target set share.
type label struct {
	from, technique, via string
	kind                 graphmodel.EdgeKind
	access               graphmodel.Access
	provider             graphmodel.Provider
	cond                 bool
	evidence, conditions int32
}

// labelGroup is the edges of one label: their targets, in edge order.
type labelGroup struct {
	label
	first int32   // the first edge
	edges []int32 // every edge, first included
	// evidence is the first edge's, with TargetPlaceholder for its target.
	evidence []graphmodel.Evidence
	// drop marks edges left out: repeats of a key, conditional copies of a
	// certain edge (by position in edges).
	drop map[int32]bool
	sets []int32 // the target sets its edges enter
}

func (grp *labelGroup) dropped(i int32) bool { return grp.drop != nil && grp.drop[i] }

// grouper collects the label groups of the derived edges.
type grouper struct {
	g      *graphmodel.Graph
	groups map[label]int32
	list   []labelGroup
	// bySlice and texts intern the edges' evidence and conditions: by
	// slice (derivers share one among the edges of a decision), then by
	// text.
	bySlice map[sliceAt]int32
	texts   map[string]int32
	// covered marks, by edge index, the edges a target set stands for.
	covered []bool
}

// add files edge i under its label group and returns the group, or -1 when
// the edge is not one to group.
func (gr *grouper) add(derived []graphmodel.Edge, i int32) int32 {
	e := &derived[i]
	if e.Kind != graphmodel.EdgeCanBecome && e.Kind != graphmodel.EdgeCanAccess {
		return -1
	}
	n, ok := gr.g.Node(e.To)
	if !ok || n.Kind.Transparent() {
		return -1
	}
	switch n.Kind.Class() {
	case graphmodel.ClassIdentity, graphmodel.ClassGroup, graphmodel.ClassResource:
	default:
		return -1
	}
	provider := n.Provider
	if provider == "" {
		provider = n.Kind.Provider()
	}
	if _, ok := graphmodel.TargetSetKind(provider); !ok {
		return -1
	}
	if names(e.Evidence, graphmodel.TargetPlaceholder) {
		return -1 // the placeholder could not be told from the evidence's own text
	}
	evidence := e.Evidence
	if names(evidence, e.To) {
		evidence = templated(evidence, e.To)
	}
	l := label{from: e.From, technique: e.Technique, via: e.Via, kind: e.Kind, access: e.Access,
		provider: provider, cond: e.Conditional, evidence: gr.evidenceID(evidence), conditions: gr.conditionsID(e.Conditions)}
	k, ok := gr.groups[l]
	if !ok {
		k = int32(len(gr.list))
		gr.groups[l] = k
		gr.list = append(gr.list, labelGroup{label: l, first: i, evidence: evidence})
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

// templated returns ev with TargetPlaceholder for every mention of target:
// what the evidence of the edges to the other members of a set reads then.
func templated(ev []graphmodel.Evidence, target string) []graphmodel.Evidence {
	out := make([]graphmodel.Evidence, len(ev))
	for i, x := range ev {
		x.Source = strings.ReplaceAll(x.Source, target, graphmodel.TargetPlaceholder)
		x.Note = strings.ReplaceAll(x.Note, target, graphmodel.TargetPlaceholder)
		out[i] = x
	}
	return out
}

// evidenceID interns an edge's evidence: the same slice (first element
// and length) is the same evidence; other slices are compared by text.
func (gr *grouper) evidenceID(ev []graphmodel.Evidence) int32 {
	if len(ev) == 0 {
		return -1
	}
	at := sliceAt{unsafe.Pointer(&ev[0]), len(ev)}
	if id, ok := gr.bySlice[at]; ok {
		return id
	}
	var b strings.Builder
	for _, x := range ev {
		fmt.Fprintf(&b, "%s\x00%d\x00%s\x00%s\x01", x.Source, x.Statement, x.Sid, x.Note)
	}
	id := gr.byText(b.String())
	gr.bySlice[at] = id
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
// label group or in groups of one base (label without cond and evidence).
func (gr *grouper) dropShadowed(derived []graphmodel.Edge) {
	type base struct {
		from, technique string
		kind            graphmodel.EdgeKind
		access          graphmodel.Access
	}
	bases := map[base][]int32{}
	for k := range gr.list {
		l := &gr.list[k].label
		b := base{l.from, l.technique, l.kind, l.access}
		bases[b] = append(bases[b], int32(k))
	}
	winner := map[string]int32{}
	for k := range gr.list {
		l := &gr.list[k].label
		groups := bases[base{l.from, l.technique, l.kind, l.access}]
		if groups[0] != int32(k) {
			continue // resolved with the base's first group
		}
		clear(winner)
		for _, g := range groups {
			for _, i := range gr.list[g].edges {
				to := derived[i].To
				w, seen := winner[to]
				if !seen || (derived[w].Conditional && !derived[i].Conditional) {
					winner[to] = i
				}
			}
		}
		for _, g := range groups {
			grp := &gr.list[g]
			for _, i := range grp.edges {
				if winner[derived[i].To] != i {
					if grp.drop == nil {
						grp.drop = map[int32]bool{}
					}
					grp.drop[i] = true
				}
			}
			if grp.drop != nil {
				grp.edges = slices.DeleteFunc(grp.edges, func(i int32) bool { return grp.drop[i] })
				if len(grp.edges) > 0 {
					grp.first = grp.edges[0]
				}
			}
		}
	}
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
func (gr *grouper) makeSets(derived []graphmodel.Edge) []targetSet {
	gr.covered = make([]bool, len(derived))
	b := &setBuilder{byID: map[string]int32{}}
	targetsOf := func(grp *labelGroup) []string {
		members := make([]string, len(grp.edges))
		for i, e := range grp.edges {
			members[i] = derived[e].To
		}
		slices.Sort(members)
		return slices.Compact(members)
	}

	// Whole lists.
	type list struct {
		members  []string
		provider graphmodel.Provider
		groups   []int32
	}
	var lists []list
	byHash := map[uint64][]int32{}
	for k := range gr.list {
		grp := &gr.list[k]
		if len(grp.edges) < targetSetMin {
			continue
		}
		members := targetsOf(grp)
		sum := hashIDs(members)
		found := int32(-1)
		for _, li := range byHash[sum] {
			if lists[li].provider == grp.provider && slices.Equal(lists[li].members, members) {
				found = li
				break
			}
		}
		if found < 0 {
			found = int32(len(lists))
			lists = append(lists, list{members: members, provider: grp.provider})
			byHash[sum] = append(byHash[sum], found)
		}
		lists[found].groups = append(lists[found].groups, int32(k))
	}
	for _, li := range lists {
		if !saves(len(li.groups), len(li.members)) {
			continue
		}
		s := b.set(li.provider, li.members)
		for _, k := range li.groups {
			grp := &gr.list[k]
			grp.sets = append(grp.sets, s)
			for _, e := range grp.edges {
				gr.covered[e] = true
			}
		}
	}

	// Atoms of the lists left, by the groups that hold them.
	type atom struct {
		sig     []int32 // the groups holding it, ascending
		members []string
		set     int32
	}
	groupsOf := map[string][]int32{} // target → the groups left holding it
	for k := range gr.list {
		grp := &gr.list[k]
		if len(grp.sets) > 0 || len(grp.edges) < targetSetMin {
			continue
		}
		for _, e := range grp.edges {
			to := derived[e].To
			if sig := groupsOf[to]; len(sig) == 0 || sig[len(sig)-1] != int32(k) {
				groupsOf[to] = append(sig, int32(k))
			}
		}
	}
	var atoms []atom
	atomOf := make(map[string]int32, len(groupsOf))
	bySig := map[uint64][]int32{}
	for _, to := range slices.Sorted(maps.Keys(groupsOf)) {
		sig := groupsOf[to]
		if len(sig) < 2 {
			continue // in one list only: no set saves an edge
		}
		h := fnv.New64a()
		for _, k := range sig {
			h.Write([]byte{byte(k), byte(k >> 8), byte(k >> 16), byte(k >> 24)})
		}
		sum := h.Sum64()
		found := int32(-1)
		for _, a := range bySig[sum] {
			if slices.Equal(atoms[a].sig, sig) {
				found = a
				break
			}
		}
		if found < 0 {
			found = int32(len(atoms))
			atoms = append(atoms, atom{sig: sig, set: -1})
			bySig[sum] = append(bySig[sum], found)
		}
		atoms[found].members = append(atoms[found].members, to) // ascending
		atomOf[to] = found
	}
	for a := range atoms {
		at := &atoms[a]
		provider := gr.list[at.sig[0]].provider
		if !saves(len(at.sig), len(at.members)) || slices.ContainsFunc(at.sig, func(k int32) bool { return gr.list[k].provider != provider }) {
			continue
		}
		at.set = b.set(provider, at.members)
		for _, k := range at.sig {
			gr.list[k].sets = append(gr.list[k].sets, at.set)
		}
	}
	for k := range gr.list {
		grp := &gr.list[k]
		for _, e := range grp.edges {
			if a, ok := atomOf[derived[e].To]; ok && atoms[a].set >= 0 && len(grp.sets) > 0 && !gr.covered[e] {
				gr.covered[e] = slices.Contains(grp.sets, atoms[a].set)
			}
		}
	}
	return b.sorted(gr.list)
}

// saves reports whether a set of n members that uses edges enter saves
// edges: uses + n edges in place of uses × n.
func saves(uses, n int) bool { return n >= targetSetMin && uses*n > uses+n }

// hashIDs hashes a list of IDs.
func hashIDs(ids []string) uint64 {
	h := fnv.New64a()
	for _, id := range ids {
		h.Write([]byte(id))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// setBuilder collects target sets, one per member list.
type setBuilder struct {
	sets []targetSet
	byID map[string]int32
}

// set returns the index of the set of members (sorted), made on first use.
func (b *setBuilder) set(provider graphmodel.Provider, members []string) int32 {
	id := fmt.Sprintf("%s:target-set:%016x", provider, hashIDs(members))
	if s, ok := b.byID[id]; ok {
		return s // the same members (a hash collision would be a bug in FNV's favour: 2^-64)
	}
	kind, _ := graphmodel.TargetSetKind(provider)
	b.sets = append(b.sets, targetSet{
		Node:    graphmodel.Node{ID: id, Kind: kind, Provider: provider, Name: fmt.Sprintf("%d targets, from %s", len(members), members[0])},
		members: members,
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
