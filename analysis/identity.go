package analysis

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// analyzer holds what every identity's pass shares; it is read-only once built.
type analyzer struct {
	now         time.Time
	g           *attackGraph
	composites  map[[2]string]string // two-step techniques by their steps
	categories  map[string]string    // catalogued techniques' categories
	detail      Detail
	sensitivity []float64 // by node index, resources only
}

// all analyzes every source identity with a pool of workers, each owning
// its own scratch space. The result is in source order.
func (a *analyzer) all(ctx context.Context, sources []int32, workers int, lists bool) ([]Identity, error) {
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
				out[i] = a.identity(sources[i], s, lists)
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
	unsorted      []candidate
	starts, fill  []int32
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

// identity computes the blast radius of the identity at index u; without
// lists, its reachable identities and resources and its escalations are
// left out (the counts, score and admin scopes are not).
//
// The closures come from the reacher as individual members and marked
// blocks (see blocks.go): counts and score add up the blocks' precomputed
// figures and the individual members outside them, and every list merges
// the blocks' sorted member lists with the individual members, stopping at
// the limit, so that the work is bounded by --detail and not by the size of
// the closure.
func (a *analyzer) identity(u int32, s *scratch, lists bool) Identity {
	g := a.g
	b := g.blocks
	n := g.nodes[u]
	certain, full := s.certain, s.full
	certain.run(u)
	if certain.sameAsFull() {
		full = certain
	} else {
		full.runOrExtend(u, certain, lists)
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
	var idsC []string
	if lists {
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
		idsC = make([]string, 0, upTo(terms.identities))
		s.merge.each(s.lists, func(v int32) bool {
			if v != u {
				idsC = append(idsC, g.nodes[v].ID)
			}
			return room(len(idsC))
		})
	}

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
			if lists && !certain.has(v) { // only the list shows conditional ones
				rank, via := full.resourceAccess(v)
				s.res = append(s.res, resourceCand{v: v, via: via, rank: uint8(accessOfRank(rank).Rank()), cond: true})
			}
		}
	}
	terms.resources = a.resourceTerm(certain, s)
	var resources []ResourceReach
	if lists {
		resources = a.resourceList(certain, full, nResources, upTo, room, s)
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
	counts := [groups]int{terms.adminScopes, terms.conditionalAdmin, terms.identities, condIdentities}
	if !lists {
		id.Truncated = nResources > 0 || counts != [groups]int{}
		return id
	}
	cut := terms.adminScopes > len(id.AdminOf) || terms.conditionalAdmin > len(id.ConditionalAdminOf) ||
		terms.identities > len(idsC) || nResources > len(resources)

	// Escalations: admin scopes first, certain before conditional, then the
	// shortest path, then target ID; paths are built only for those kept.
	id.Escalations = []Escalation{}
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

// resourceList lists the resources of the closures (s.res holds the
// individual ones outside marked blocks) by access, then ID, up to the
// detail's limit.
func (a *analyzer) resourceList(certain, full *reacher, nResources int, upTo func(int) int, room func(int) bool, s *scratch) []ResourceReach {
	g, b := a.g, a.g.blocks
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
	return resources
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
	// The individual members by distance (a counting sort: distances are
	// few); each distance's members are put in ID order only when the walk
	// below reaches that distance, which it leaves once it has need.
	unsorted := s.unsorted[:0]
	maxDist := int32(0)
	for _, v := range r.individuals() {
		if v != u && g.class[v] == graphmodel.ClassIdentity && !g.isScope[v] && !skip(v) {
			d := int32(r.distance(v))
			unsorted = append(unsorted, candidate{v, d})
			maxDist = max(maxDist, d)
		}
	}
	s.unsorted = unsorted
	starts := slices.Grow(s.starts[:0], int(maxDist)+2)[:maxDist+2]
	clear(starts)
	for _, c := range unsorted {
		starts[c.dist+1]++
	}
	for d := 1; d < len(starts); d++ {
		starts[d] += starts[d-1]
	}
	s.starts = starts
	indiv := slices.Grow(s.indiv[:0], len(unsorted))[:len(unsorted)]
	fill := slices.Grow(s.fill[:0], len(starts))[:len(starts)]
	copy(fill, starts)
	s.fill = fill
	for _, c := range unsorted {
		indiv[fill[c.dist]] = c
		fill[c.dist]++
	}
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
		slices.SortFunc(indiv[i:j], func(x, y candidate) int { return int(x.target) - int(y.target) })
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
