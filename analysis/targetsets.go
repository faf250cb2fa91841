package analysis

import (
	"fmt"
	"hash/fnv"
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
// of its edges to the members. The reach pass follows an edge into a set to
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
		switch {
		case grp.set < 0:
			if !grp.dropped(int32(i)) {
				out = append(out, derived[i])
			}
		case grp.first == int32(i):
			e := derived[i]
			e.To = sets[grp.set].ID
			e.Evidence = grp.evidence
			out = append(out, e)
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
	set  int32 // the target set it becomes, or -1
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
		gr.list = append(gr.list, labelGroup{label: l, first: i, set: -1, evidence: evidence})
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

// makeSets turns the target lists that several label groups share into
// target sets, where that saves edges, and returns them by ID.
func (gr *grouper) makeSets(derived []graphmodel.Edge) []targetSet {
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
		members := make([]string, len(grp.edges))
		for i, e := range grp.edges {
			members[i] = derived[e].To
		}
		slices.Sort(members)
		h := fnv.New64a()
		for _, m := range members {
			h.Write([]byte(m))
			h.Write([]byte{0})
		}
		sum := h.Sum64()
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
	var sets []targetSet
	ids := map[string]bool{}
	for _, li := range lists {
		uses, n := len(li.groups), len(li.members)
		if uses*n <= uses+n {
			continue // no edge saved
		}
		h := fnv.New64a()
		for _, m := range li.members {
			h.Write([]byte(m))
			h.Write([]byte{0})
		}
		id := fmt.Sprintf("%s:target-set:%016x", li.provider, h.Sum64())
		if ids[id] {
			continue // another list with the same hash: left as it is
		}
		ids[id] = true
		kind, _ := graphmodel.TargetSetKind(li.provider)
		sets = append(sets, targetSet{
			Node: graphmodel.Node{ID: id, Kind: kind, Provider: li.provider,
				Name: fmt.Sprintf("%d targets, from %s", n, li.members[0])},
			members: li.members,
		})
		for _, k := range li.groups {
			gr.list[k].set = int32(len(sets) - 1)
		}
	}
	// Sets in ID order; groups refer to them by that order.
	order := make([]int32, len(sets))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return strings.Compare(sets[x].ID, sets[y].ID) })
	rank := make([]int32, len(sets))
	sorted := make([]targetSet, len(sets))
	for r, i := range order {
		rank[i] = int32(r)
		sorted[r] = sets[i]
	}
	for k := range gr.list {
		if s := gr.list[k].set; s >= 0 {
			gr.list[k].set = rank[s]
		}
	}
	return sorted
}
