package analysis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
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

	for _, d := range opts.Derivers {
		if kd, ok := d.(KindDefiner); ok {
			if err := graphmodel.DefineKinds(kd.Kinds()...); err != nil {
				return nil, fmt.Errorf("analyze: %s: %w", d.Name(), err)
			}
		}
	}
	var extraNodes []graphmodel.Node
	var derived []graphmodel.Edge
	for _, d := range opts.Derivers {
		start := time.Now()
		nodes, edges, err := runDeriver(ctx, d, snap)
		if err != nil {
			return nil, err
		}
		slog.DebugContext(ctx, "derived", "deriver", d.Name(), "nodes", len(nodes), "edges", len(edges), "took", time.Since(start).Round(time.Millisecond))
		extraNodes = append(extraNodes, nodes...)
		if derived == nil {
			derived = edges // no copy: the edges are most of the memory
		} else {
			derived = append(derived, edges...)
		}
	}
	fromDerivers := derived
	derived = append(derived[:len(derived):len(derived)], extra...)
	start := time.Now()
	ag, err := buildGraph(snap, extraNodes, derived)
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}

	a := &analyzer{g: ag, now: now, detail: detail, sensitivity: make([]float64, len(ag.nodes))}
	a.composites = composites(opts.Derivers)
	index := make(map[string]int32, len(ag.nodes))
	for i, n := range ag.nodes {
		index[n.ID] = int32(i)
		if ag.class[i] == graphmodel.ClassResource {
			a.sensitivity[i] = sens(n)
		}
	}
	ag.blocks = buildBlocks(ag, a.sensitivity)
	slog.DebugContext(ctx, "attack graph built", "nodes", len(ag.nodes), "arcs", len(ag.arcs), "grants", len(ag.grants), "took", time.Since(start).Round(time.Millisecond))
	return &Graph{snap: snap, opts: opts, a: a, index: index, now: now,
		derivedNodes: extraNodes, derivedEdges: fromDerivers}, nil
}

// Derived returns what the derivers added to the snapshot: the nodes they
// needed and the attack-graph edges they proved, as they returned them.
// The attack graph refers to those edges: callers must not change them.
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
	start := time.Now()
	identities, err := a.all(ctx, sources, g.opts.Workers)
	if err != nil {
		return nil, err
	}
	slog.DebugContext(ctx, "blast radius computed", "identities", len(identities), "took", time.Since(start).Round(time.Millisecond))
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
	composites  map[[2]string]string // two-step techniques by their steps
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
	scopesC       []int32 // scopes of the certain closure, by ID
	scopesF       []int32 // scopes of the full closure only, by ID
	idents        []int32
	indiv         []candidate
	byDist        []candidate
	blocks        []int32
	lists         [][]int32
	res           []resourceCand
	merge         merger
}

// resourceCand is a reachable resource with its access, before rendering.
type resourceCand struct {
	v, via int32
	rank   uint8
	cond   bool
}

// identity computes the blast radius of the identity at index u.
//
// The closures come from the reacher as individual members and marked
// blocks (see blocks.go): counts and score add up the blocks' precomputed
// figures and the individual members outside them, and every list merges
// the blocks' sorted member lists with the individual members, stopping at
// the limit, so that the work is bounded by --detail and not by the size of
// the closure.
func (a *analyzer) identity(u int32, s *scratch) Identity {
	g := a.g
	b := g.blocks
	n := g.nodes[u]
	certain, full := s.certain, s.full
	certain.run(u)
	if certain.sameAsFull() {
		full = certain
	} else {
		full.run(u)
	}

	limit := -1
	if a.detail != DetailFull {
		limit = SummaryLimit
	}
	room := func(k int) bool { return limit < 0 || k < limit }
	upTo := func(total int) int {
		if limit >= 0 && total > limit {
			return limit
		}
		return total
	}
	ids := func(list []int32, k int) []string {
		out := make([]string, 0, upTo(k))
		for _, v := range list[:upTo(k)] {
			out = append(out, g.nodes[v].ID)
		}
		return out
	}

	// Scopes always join a closure individually.
	var terms scoreTerms
	s.scopesC, s.scopesF = s.scopesC[:0], s.scopesF[:0]
	for _, v := range certain.individuals() {
		if v != u && g.isScope[v] {
			s.scopesC = append(s.scopesC, v)
		}
	}
	for _, v := range full.individuals() {
		if v != u && g.isScope[v] && !certain.has(v) {
			s.scopesF = append(s.scopesF, v)
		}
	}
	slices.Sort(s.scopesC)
	slices.Sort(s.scopesF)
	terms.adminScopes, terms.conditionalAdmin = len(s.scopesC), len(s.scopesF)
	minHops := -1
	for _, v := range s.scopesC {
		if d := certain.distance(v); minHops < 0 || d < minHops {
			minHops = d
		}
	}

	// Identities.
	terms.identities = a.countIdentities(certain)
	condIdentities := a.countIdentities(full) - terms.identities
	s.idents = s.idents[:0]
	for _, v := range certain.individuals() {
		if v != u && g.class[v] == graphmodel.ClassIdentity && !g.isScope[v] && !certain.inMarked(v) {
			s.idents = append(s.idents, v)
		}
	}
	slices.Sort(s.idents)
	s.lists = append(s.lists[:0], s.idents)
	for _, m := range certain.marked() {
		s.lists = append(s.lists, b.blockIdents(m))
	}
	idsC := make([]string, 0, upTo(terms.identities))
	s.merge.each(s.lists, func(v int32) bool {
		if v != u {
			idsC = append(idsC, g.nodes[v].ID)
		}
		return room(len(idsC))
	})

	// Resources: the count, the score term, and the list by access then ID.
	nResources := 0
	for _, m := range full.marked() {
		nResources += len(b.blockResources(m))
	}
	s.res = s.res[:0]
	for _, v := range certain.individuals() {
		if g.class[v] == graphmodel.ClassResource && !certain.inMarked(v) {
			rank, via := certain.resourceAccess(v)
			s.res = append(s.res, resourceCand{v: v, via: via, rank: uint8(accessOfRank(rank).Rank())})
		}
	}
	for _, v := range full.individuals() {
		if g.class[v] == graphmodel.ClassResource && !full.inMarked(v) {
			nResources++
			if !certain.has(v) {
				rank, via := full.resourceAccess(v)
				s.res = append(s.res, resourceCand{v: v, via: via, rank: uint8(accessOfRank(rank).Rank()), cond: true})
			}
		}
	}
	terms.resources = a.resourceTerm(certain, s)
	slices.SortFunc(s.res, func(x, y resourceCand) int {
		if x.rank != y.rank {
			return int(y.rank) - int(x.rank)
		}
		return int(x.v) - int(y.v)
	})
	resources := make([]ResourceReach, 0, upTo(nResources))
	addResource := func(c resourceCand) bool {
		r := certain
		if c.cond {
			r = full
		}
		if c.via < 0 {
			c.via, _ = r.parentOf(c.v)
		}
		resources = append(resources, ResourceReach{ID: g.nodes[c.v].ID, Access: accessOfRank(c.rank), Via: g.nodes[c.via].ID, Conditional: c.cond})
		return room(len(resources))
	}
	// Admin access: the individual members (s.res[:top]) merged by ID with
	// the marked blocks, whose members all have it; then the rest of s.res.
	top := 0
	for top < len(s.res) && s.res[top].rank == 3 {
		top++
	}
	s.lists = s.lists[:0]
	for _, m := range certain.marked() {
		s.lists = append(s.lists, b.blockResources(m))
	}
	for _, m := range full.marked() {
		if !certain.blockMarked(m) {
			s.lists = append(s.lists, b.blockResources(m))
		}
	}
	i, more := 0, true
	s.merge.each(s.lists, func(v int32) bool {
		var c resourceCand
		switch {
		case certain.inMarked(v):
			_, via := certain.resourceAccess(v)
			c = resourceCand{v: v, via: via, rank: 3}
		case certain.has(v):
			return true // a certain individual member: in s.res
		default:
			_, via := full.resourceAccess(v)
			c = resourceCand{v: v, via: via, rank: 3, cond: true}
		}
		for more && i < top && s.res[i].v < v {
			more = addResource(s.res[i])
			i++
		}
		if more {
			more = addResource(c)
		}
		return more
	})
	for more && i < len(s.res) {
		more = addResource(s.res[i])
		i++
	}

	id := Identity{
		ID:                  n.ID,
		Aliases:             sortedCopy(n.Aliases),
		Provider:            n.Provider,
		Kind:                n.Kind,
		Name:                n.Name,
		NonHuman:            n.IsNonHuman(),
		BlastRadius:         terms.blastRadius(nResources),
		AdminOf:             ids(s.scopesC, len(s.scopesC)),
		ConditionalAdminOf:  ids(s.scopesF, len(s.scopesF)),
		ReachableIdentities: idsC,
		ReachableResources:  resources,
	}
	if id.Provider == "" {
		id.Provider = n.Kind.Provider()
	}
	if id.Name == "" {
		id.Name = n.ID
	}
	if minHops >= 0 {
		id.MinHopsToAdmin = &minHops
	}
	id.Hygiene = hygieneOf(n, a.now, terms.adminScopes > 0)
	cut := terms.adminScopes > len(id.AdminOf) || terms.conditionalAdmin > len(id.ConditionalAdminOf) ||
		terms.identities > len(idsC) || nResources > len(resources)

	// Escalations: admin scopes first, certain before conditional, then the
	// shortest path, then target ID; paths are built only for those kept.
	id.Escalations = []Escalation{}
	counts := [groups]int{terms.adminScopes, terms.conditionalAdmin, terms.identities, condIdentities}
	for grp := range counts {
		cond := grp == groupConditionalAdmin || grp == groupConditionalIdentity
		r := certain
		if cond {
			r = full
		}
		need := counts[grp]
		if limit >= 0 {
			need = min(need, limit-len(id.Escalations))
		}
		if need < counts[grp] {
			cut = true
		}
		if need <= 0 {
			continue
		}
		switch grp {
		case groupAdmin:
			s.byDist = byDist(s.byDist[:0], s.scopesC, certain)
		case groupConditionalAdmin:
			s.byDist = byDist(s.byDist[:0], s.scopesF, full)
		default:
			s.byDist = a.nearestIdentities(u, r, certain, need, s)
		}
		for _, c := range s.byDist[:min(need, len(s.byDist))] {
			id.Escalations = append(id.Escalations, a.escalation(r.path(c.target), cond, certain))
		}
	}
	id.Truncated = cut
	return id
}

// countIdentities counts the identities in r's closure, the source excluded.
func (a *analyzer) countIdentities(r *reacher) int {
	g, b := a.g, a.g.blocks
	n := 0
	for _, m := range r.marked() {
		n += len(b.blockIdents(m))
	}
	for _, v := range r.individuals() {
		if g.class[v] == graphmodel.ClassIdentity && !g.isScope[v] && !r.inMarked(v) {
			n++
		}
	}
	return n - 1
}

// resourceTerm is the score's resource term: Σ access weight × sensitivity
// over the certain closure's resources (s.res holds the individual ones
// outside marked blocks first). When the sum is exact in float64 its order
// does not matter and marked blocks add their precomputed sums; otherwise
// every resource is added in ID order, as a plain pass over the closure does.
func (a *analyzer) resourceTerm(certain *reacher, s *scratch) float64 {
	b := a.g.blocks
	sum := 0.0
	if b.exactScores {
		for _, m := range certain.marked() {
			sum += b.sens3[m]
		}
		for _, c := range s.res {
			if !c.cond {
				sum += AccessWeight(accessOfRank(c.rank)) * a.sensitivity[c.v]
			}
		}
		return sum
	}
	var own []int32
	for _, c := range s.res {
		if !c.cond {
			own = append(own, c.v)
		}
	}
	slices.Sort(own)
	lists := [][]int32{own}
	for _, m := range certain.marked() {
		lists = append(lists, b.blockResources(m))
	}
	var mg merger
	mg.each(lists, func(v int32) bool {
		rank, _ := certain.resourceAccess(v)
		sum += AccessWeight(accessOfRank(rank)) * a.sensitivity[v]
		return true
	})
	return sum
}

// byDist returns the nodes of list (in ID order) as candidates sorted by
// distance in r, then ID.
func byDist(out []candidate, list []int32, r *reacher) []candidate {
	for _, v := range list {
		out = append(out, candidate{v, int32(r.distance(v))})
	}
	slices.SortStableFunc(out, func(x, y candidate) int { return int(x.dist) - int(y.dist) })
	return out
}

// nearestIdentities returns the first need identities of r's closure (the
// certain one, or the full one minus the certain one) other than u, nearest
// first, then by ID; all of them when there are fewer. The lazy members of a
// marked block all lie at the block's distance plus one, so the blocks are
// merged with the individual members distance by distance.
func (a *analyzer) nearestIdentities(u int32, r, certain *reacher, need int, s *scratch) []candidate {
	g, b := a.g, a.g.blocks
	condOnly := r != certain
	skip := func(v int32) bool { return condOnly && certain.has(v) }
	indiv := s.indiv[:0]
	for _, v := range r.individuals() {
		if v != u && g.class[v] == graphmodel.ClassIdentity && !g.isScope[v] && !skip(v) {
			indiv = append(indiv, candidate{v, int32(r.distance(v))})
		}
	}
	slices.SortFunc(indiv, func(x, y candidate) int {
		if x.dist != y.dist {
			return int(x.dist) - int(y.dist)
		}
		return int(x.target) - int(y.target)
	})
	s.indiv = indiv
	s.blocks = s.blocks[:0]
	for _, m := range r.marked() {
		if !condOnly || !certain.blockMarked(m) {
			s.blocks = append(s.blocks, m)
		}
	}
	slices.SortStableFunc(s.blocks, func(x, y int32) int { return int(r.dist[x]) - int(r.dist[y]) })
	out := s.byDist[:0]
	emit := func(c candidate) bool {
		out = append(out, c)
		return len(out) < need
	}
	i, k, ok := 0, 0, true
	for ok && (i < len(indiv) || k < len(s.blocks)) {
		d := int32(math.MaxInt32)
		if i < len(indiv) {
			d = indiv[i].dist
		}
		if k < len(s.blocks) {
			d = min(d, r.dist[s.blocks[k]]+1)
		}
		j := i
		for j < len(indiv) && indiv[j].dist == d {
			j++
		}
		s.lists = s.lists[:0]
		for k < len(s.blocks) && r.dist[s.blocks[k]]+1 == d {
			s.lists = append(s.lists, b.blockIdents(s.blocks[k]))
			k++
		}
		s.merge.each(s.lists, func(v int32) bool {
			if r.individual(v) || skip(v) {
				return true // individual members come from indiv
			}
			for ok && i < j && indiv[i].target < v {
				ok = emit(indiv[i])
				i++
			}
			if ok {
				ok = emit(candidate{v, d})
			}
			return ok
		})
		for ok && i < j {
			ok = emit(indiv[i])
			i++
		}
		i = j
	}
	return out
}

// merger merges ascending lists of node indices.
type merger struct {
	heap  []int32 // list indices, by head value
	lists [][]int32
}

// each calls fn with every value of the lists in ascending order (values in
// several lists repeat) until fn returns false.
func (m *merger) each(lists [][]int32, fn func(v int32) bool) {
	m.lists = append(m.lists[:0], lists...)
	m.heap = m.heap[:0]
	for i, l := range m.lists {
		if len(l) > 0 {
			m.heap = append(m.heap, int32(i))
			m.up(len(m.heap) - 1)
		}
	}
	for len(m.heap) > 0 {
		top := m.heap[0]
		l := m.lists[top]
		v := l[0]
		if len(l) == 1 {
			last := len(m.heap) - 1
			m.heap[0] = m.heap[last]
			m.heap = m.heap[:last]
		} else {
			m.lists[top] = l[1:]
		}
		m.down(0)
		if !fn(v) {
			return
		}
	}
}

func (m *merger) less(i, j int) bool { return m.lists[m.heap[i]][0] < m.lists[m.heap[j]][0] }

func (m *merger) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !m.less(i, p) {
			return
		}
		m.heap[i], m.heap[p] = m.heap[p], m.heap[i]
		i = p
	}
}

func (m *merger) down(i int) {
	for {
		l, small := 2*i+1, i
		if l < len(m.heap) && m.less(l, small) {
			small = l
		}
		if r := l + 1; r < len(m.heap) && m.less(r, small) {
			small = r
		}
		if small == i {
			return
		}
		m.heap[i], m.heap[small] = m.heap[small], m.heap[i]
		i = small
	}
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// escalation renders a path as hops with their evidence. A hop is
// conditional when its edge is; an applied grant is also conditional when
// its grantor is outside the certain closure. A step into a permission set
// is no hop: it joins the next step, whose edge the set holds for its
// members, as that hop's first evidence.
func (a *analyzer) escalation(steps []step, cond bool, certain memberSet) Escalation {
	g := a.g
	esc := Escalation{Conditional: cond, Path: make([]Hop, 0, len(steps))}
	froms := make([]int32, 0, len(steps)) // the node each hop leaves
	// The escalation is named after its last hop that does something:
	// holding an administrator policy, a group membership or a scope's
	// contents only carry on what an earlier hop achieved.
	named, grantedBy := -1, int32(-1)
	via := int32(-1) // the member whose set the next step leaves
	viaCond := false
	for _, s := range steps {
		h := Hop{From: g.nodes[s.from].ID, To: g.nodes[s.to].ID}
		i := len(esc.Path)
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
			case arcInherit:
				via, viaCond = s.from, ar.cond
				continue
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
		from := s.from
		if via >= 0 {
			h.Evidence = "as a member of " + h.From + ": " + h.Evidence
			h.From, from = g.nodes[via].ID, via
			h.Conditional = h.Conditional || viaCond
			via = -1
		}
		esc.Conditional = esc.Conditional || h.Conditional
		esc.Path = append(esc.Path, h)
		froms = append(froms, from)
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
	if named > 0 && a.grantor(grantedBy, froms[named-1]) {
		if id, ok := a.composites[[2]string{esc.Path[named-1].Technique, esc.Path[named].Technique}]; ok {
			esc.Technique = id
		}
	}
	return esc
}

// grantor reports whether the grant of x is one that member made: x is
// member, or a permission set member belongs to.
func (a *analyzer) grantor(x, member int32) bool {
	if x == member {
		return true
	}
	if x < 0 || !a.g.nodes[x].Kind.Transparent() {
		return false
	}
	arcs, _ := a.g.arcsOf(member)
	for i := sortSearchArcs(arcs, x); i < len(arcs) && arcs[i].to == x; i++ {
		if arcs[i].kind == arcInherit {
			return true
		}
	}
	return false
}

func sortedCopy(list []string) []string {
	out := append([]string{}, list...)
	sort.Strings(out)
	return out
}
