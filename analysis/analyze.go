package analysis

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// ParseDetail reads a --detail value: "summary" (or "") or "full".
func ParseDetail(s string) (Detail, error) {
	switch Detail(s) {
	case "", DetailSummary:
		return DetailSummary, nil
	case DetailFull:
		return DetailFull, nil
	}
	return "", fmt.Errorf("unknown detail %q (want summary or full)", s)
}

// Analyze runs the derivers over the snapshot, builds the attack graph and
// computes, for every identity (every node of class identity: users, roles,
// external accounts, federated principals, …; groups are traversed but not
// listed), what an attacker who compromises it controls: the scopes it can
// administer, the identities and resources it can reach, the escalation
// paths with their evidence, and the blast radius score (see score.go), and
// ranks identities by score (descending, ties by ID).
//
// The attack graph holds every snapshot node and derived node. It is
// traversed along derived can_become, admin_of and can_access edges, fact
// member_of edges (a user holds its groups' permissions) and contains edges
// from an administered scope to every identity, group and resource inside it
// (a node's Scope field, or a fact contains edge). can_grant_admin edges
// x → y are applied, not traversed: when an attacker controls both x and y,
// y's scope is administered. Each identity has a certain closure (edges with
// Conditional false only) and a full closure (every edge); what only the
// full closure reaches is reported as conditional.
func Analyze(ctx context.Context, snap *graphmodel.Snapshot, opts Options) (*Result, error) {
	g, err := Prepare(ctx, snap, opts)
	if err != nil {
		return nil, err
	}
	return g.Result(ctx)
}

// Graph is an estate ready for questions: the snapshot, every derived edge,
// and the compact attack graph, built once. It is safe for concurrent reads.
type Graph struct {
	snap  *graphmodel.Snapshot
	opts  Options
	a     *analyzer
	index map[string]int32
	now   time.Time
	// derivedNodes and derivedEdges are the derivers' output (Derived).
	derivedNodes []graphmodel.Node
	derivedEdges []graphmodel.Edge
}

// Prepare runs the derivers over the snapshot and builds the attack graph.
func Prepare(ctx context.Context, snap *graphmodel.Snapshot, opts Options) (*Graph, error) {
	return prepare(ctx, snap, opts, nil)
}

// prepare is Prepare with extra derived edges (a query's own).
func prepare(ctx context.Context, snap *graphmodel.Snapshot, opts Options, extra []graphmodel.Edge) (*Graph, error) {
	if snap == nil {
		return nil, errors.New("analyze: no snapshot")
	}
	detail, err := ParseDetail(string(opts.Detail))
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	opts.Detail = detail
	now := opts.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	sens := opts.Sensitivity
	if sens == nil {
		sens = DefaultSensitivity
	}

	var extraNodes []graphmodel.Node
	var derived []graphmodel.Edge
	for _, d := range opts.Derivers {
		nodes, edges, err := runDeriver(ctx, d, snap)
		if err != nil {
			return nil, err
		}
		extraNodes = append(extraNodes, nodes...)
		derived = append(derived, edges...)
	}
	fromDerivers := derived
	derived = append(derived[:len(derived):len(derived)], extra...)
	ag, err := buildGraph(snap, extraNodes, derived)
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}

	a := &analyzer{g: ag, now: now, detail: detail, sensitivity: make([]float64, len(ag.nodes))}
	for _, d := range opts.Derivers {
		if c, ok := d.(TechniqueComposer); ok {
			a.composer = c
		}
	}
	index := make(map[string]int32, len(ag.nodes))
	for i, n := range ag.nodes {
		index[n.ID] = int32(i)
		if ag.class[i] == graphmodel.ClassResource {
			a.sensitivity[i] = sens(n)
		}
	}
	return &Graph{snap: snap, opts: opts, a: a, index: index, now: now,
		derivedNodes: extraNodes, derivedEdges: fromDerivers}, nil
}

// Derived returns what the derivers added to the snapshot: the nodes they
// needed and the attack-graph edges they proved, as they returned them.
func (g *Graph) Derived() ([]graphmodel.Node, []graphmodel.Edge) {
	return g.derivedNodes, g.derivedEdges
}

// Result computes the blast radius of every identity and ranks them.
func (g *Graph) Result(ctx context.Context) (*Result, error) {
	a := g.a
	var sources []int32
	for i := range a.g.nodes {
		if a.g.class[i] == graphmodel.ClassIdentity {
			sources = append(sources, int32(i))
		}
	}
	identities, err := a.all(ctx, sources, g.opts.Workers)
	if err != nil {
		return nil, err
	}
	sort.Slice(identities, func(i, j int) bool {
		x, y := &identities[i], &identities[j]
		if x.BlastRadius.Score != y.BlastRadius.Score {
			return x.BlastRadius.Score > y.BlastRadius.Score
		}
		return x.ID < y.ID
	})
	for i := range identities {
		identities[i].Rank = i + 1
	}

	res := &Result{
		SchemaVersion: ResultSchemaVersion,
		GeneratedAt:   g.now,
		Snapshots:     make([]SnapshotInfo, 0, len(g.snap.Sources)),
		Identities:    identities,
	}
	for _, src := range g.snap.Sources {
		res.Snapshots = append(res.Snapshots, SnapshotInfo{
			Provider: src.Provider,
			Scope:    src.Scope,
			Origin:   src.Origin,
			Gaps:     append([]graphmodel.Gap{}, src.Gaps...),
		})
	}
	return res, nil
}

// runDeriver runs one deriver, turning a panic into an error so that one
// faulty provider analysis cannot take the process down.
func runDeriver(ctx context.Context, d Deriver, snap *graphmodel.Snapshot) (nodes []graphmodel.Node, edges []graphmodel.Edge, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("derive %s: panic: %v", d.Name(), p)
		}
	}()
	nodes, edges, err = d.Derive(ctx, snap)
	if err != nil {
		return nil, nil, fmt.Errorf("derive %s: %w", d.Name(), err)
	}
	return nodes, edges, nil
}

// analyzer holds what every identity's pass shares; it is read-only once built.
type analyzer struct {
	now         time.Time
	g           *attackGraph
	composer    TechniqueComposer
	detail      Detail
	sensitivity []float64 // by node index, resources only
}

// all analyzes every source identity with a pool of workers, each owning
// its own scratch space. The result is in source order.
func (a *analyzer) all(ctx context.Context, sources []int32, workers int) ([]Identity, error) {
	out := make([]Identity, len(sources))
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(sources) {
		workers = len(sources)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &scratch{certain: newReacher(a.g, true), full: newReacher(a.g, false)}
			for {
				i := int(next.Add(1) - 1)
				if i >= len(sources) || ctx.Err() != nil {
					return
				}
				out[i] = a.identity(sources[i], s)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	return out, nil
}

// candidate is a possible escalation target before its path is built.
type candidate struct {
	target int32
	dist   int32
}

// Escalation groups, in output order.
const (
	groupAdmin = iota
	groupConditionalAdmin
	groupIdentity
	groupConditionalIdentity
	groups
)

// scratch is one worker's reusable state.
type scratch struct {
	certain, full *reacher
	ordered       []int32
	cands         [groups][]candidate
	sorted        []candidate
	counts        []int
	buckets       [4][]ResourceReach // by access rank
}

// identity computes the blast radius of the identity at index u.
func (a *analyzer) identity(u int32, s *scratch) Identity {
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
	s.ordered = orderedMembers(full, s.ordered)
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
			s.cands[groupAdmin] = append(s.cands[groupAdmin], candidate{v, d})
			if minHops < 0 || d < minHops {
				minHops = d
			}
		case g.isScope[v]:
			terms.conditionalAdmin++
			if room(len(adminF)) {
				adminF = append(adminF, g.nodes[v].ID)
			}
			s.cands[groupConditionalAdmin] = append(s.cands[groupConditionalAdmin], candidate{v, full.dist[v]})
		case g.class[v] == graphmodel.ClassIdentity && inC:
			terms.identities++
			if room(len(idsC)) {
				idsC = append(idsC, g.nodes[v].ID)
			}
			s.cands[groupIdentity] = append(s.cands[groupIdentity], candidate{v, certain.dist[v]})
		case g.class[v] == graphmodel.ClassIdentity:
			s.cands[groupConditionalIdentity] = append(s.cands[groupConditionalIdentity], candidate{v, full.dist[v]})
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
		s.sorted = sortByDist(s.cands[grp], s.sorted, &s.counts)
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
func orderedMembers(r *reacher, buf []int32) []int32 {
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
func sortByDist(cands, out []candidate, counts *[]int) []candidate {
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

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// escalation renders a path as hops with their evidence. A hop is
// conditional when its edge is; an applied grant is also conditional when
// its grantor is outside the certain closure.
func (a *analyzer) escalation(steps []step, cond bool, certain *reacher) Escalation {
	g := a.g
	esc := Escalation{Conditional: cond, Path: make([]Hop, len(steps))}
	// The escalation is named after its last hop that does something:
	// holding an administrator policy, a group membership or a scope's
	// contents only carry on what an earlier hop achieved.
	named, grantedBy := -1, int32(-1)
	for i, s := range steps {
		h := Hop{From: g.nodes[s.from].ID, To: g.nodes[s.to].ID}
		if gi, ok := s.isGrant(); ok {
			named, grantedBy = i, g.grants[gi].x
			gr := g.grants[gi]
			e := g.edges[gr.edge]
			h.Technique = techniqueOf(e)
			h.Evidence = g.evidenceOf(gr.edge) + " (granted by " + g.nodes[gr.x].ID + ")"
			h.Conditional = gr.cond || !certain.has(gr.x)
		} else {
			ar := g.arcs[s.ref]
			switch ar.kind {
			case arcContains:
				h.Technique = TechniqueAdminOfScope
				h.Evidence = "administrator of " + h.From
			case arcMember:
				h.Technique = TechniqueGroupMembership
				h.Evidence = "member of " + h.To
			default:
				h.Technique = techniqueOf(g.edges[ar.edge])
				h.Evidence = g.evidenceOf(ar.edge)
				if ar.kind != arcAdmin || named < 0 {
					named, grantedBy = i, -1
				}
			}
			h.Conditional = ar.cond
		}
		esc.Conditional = esc.Conditional || h.Conditional
		esc.Path[i] = h
	}
	if len(esc.Path) == 0 {
		return esc
	}
	esc.Target = esc.Path[len(esc.Path)-1].To
	if named < 0 {
		named = len(esc.Path) - 1
	}
	esc.Technique = esc.Path[named].Technique
	// A grant whose grantor reached the grantee in the hop just before is a
	// two-step technique the provider's catalogue may name (iam-014: attach
	// an administrator policy to a role, then assume it).
	if named > 0 && grantedBy == steps[named-1].from && a.composer != nil {
		if id, ok := a.composer.Compose(esc.Path[named-1].Technique, esc.Path[named].Technique); ok {
			esc.Technique = id
		}
	}
	return esc
}

func sortedCopy(list []string) []string {
	out := append([]string{}, list...)
	sort.Strings(out)
	return out
}
