package aws

import (
	"fmt"
	"sort"
	"sync"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// regionGroups groups the resources without a resource policy by account,
// service, type and whether a family holds them, and marks, in each, the
// principals decided by region: those of the account concerned by the
// service, neither administrators nor members of a permission set of the
// service nor held by the family's sets.
func (ra *accessRun) regionGroups() []*regionGroup {
	m := ra.m
	if m.perPrincipal || m.stopped() {
		return nil
	}
	byKey := map[[4]string]*regionGroup{}
	var groups []*regionGroup
	for i, r := range m.resources {
		info := &ra.res[i]
		if !info.ok || r.policy != nil || !info.share {
			continue
		}
		k := [4]string{r.account, info.service, info.typ, fmt.Sprint(info.inFamily)}
		g := byKey[k]
		if g == nil {
			g = &regionGroup{service: info.service, typ: info.typ, inFamily: info.inFamily,
				regionIndex: newRegionIndex(r.account, nil, nil)}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.resources = append(g.resources, i)
		g.targets = append(g.targets, info.targets)
		g.items = append(g.items, r.arn)
		var slots []string
		for _, t := range info.targets {
			slots = append(slots, t.arn)
		}
		g.slots = append(g.slots, slots)
		info.group = g
	}
	for _, g := range groups {
		g.words = (len(g.resources) + 63) / 64
		g.plain = map[*principal]bool{}
		sets := ra.sets[[2]string{g.account, g.service}]
		if g.inFamily {
			g.fam = ra.fams[[3]string{g.account, g.service, g.typ}]
			if len(g.fam.states) == 0 {
				continue // not worked out: the analysis was cancelled
			}
		}
		g.setOf = sets.of
		for _, p := range ra.concerned[[2]string{g.account, g.service}] {
			if ra.admins[p.index] || (sets.whole[p] && sets.of[p] != nil) {
				continue // the scope, or its set, gives all it has
			}
			g.plain[p] = true
		}
	}
	return groups
}

// regions decides the plain principals of g by region and returns the
// edges; those it cannot decide so are left to the resources' own pass.
func (w *accessWorker) regions(g *regionGroup) []graphmodel.Edge {
	rs := newRegionSets(g.regionIndex)
	list := make([]*principal, 0, len(g.plain))
	for p := range g.plain {
		list = append(list, p)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].index < list[j].index })
	// What a principal has already, by resource, from the family's sets or
	// from its permission set: it gets its own edge only where it has more.
	setGives := map[*permissionSet]map[int]found{}
	baseOf := func(p *principal) func(i int) (found, bool) {
		if g.fam != nil && g.fam.states[p.index].held {
			gives := g.fam.states[p.index].gives
			return func(int) (found, bool) { return gives, true }
		}
		set := g.setOf[p]
		if set == nil {
			return nil
		}
		return func(i int) (found, bool) {
			return set.gives(func(s *permissionSet) found {
				memo := setGives[s]
				if memo == nil {
					memo = map[int]found{}
					setGives[s] = memo
				}
				f, ok := memo[i]
				if !ok {
					r := w.ra.m.resources[g.resources[i]]
					f = resourceAccess(w.ra.m, w.ix, s.stand, r, g.targets[i], nil)
					memo[i] = f
				}
				return f
			}), true
		}
	}
	for _, p := range list {
		if w.ra.m.stopped() {
			return nil
		}
		if !decideRegions(w.ra.m, w.ix, p, g, rs, baseOf(p)) {
			g.undecided.Store(p, true)
		}
	}
	// The resources' own pass decides the others.
	for _, p := range w.ra.concerned[[2]string{g.account, g.service}] {
		if _, left := g.undecided.Load(p); !g.plain[p] || left {
			g.rest = append(g.rest, p)
		}
	}
	out := &emitter{}
	rs.emit(w.ra.m, out, graphmodel.EdgeCanAccess, g.typ, func(i int) verdict {
		return verdict{t: awspolicy.Yes, evidence: []graphmodel.Evidence{{Source: g.items[i], Statement: -1, Note: "no resource policy"}}}
	}, func(s *regionSet, items int) string {
		return fmt.Sprintf("principals of %s with %s access to %d %s %s resources (%s)", g.account, s.access, items, g.service, g.typ, s.technique)
	})
	return out.edges
}

// regionGroup is the resources of one account, service and type without a
// resource policy, decided by region.
type regionGroup struct {
	*regionIndex
	service, typ string
	// inFamily: its resources are an access family's (the family's sets
	// hold some principals).
	inFamily bool
	// plain are the principals decided by region; undecided those of them
	// that could not be (left to the resources' own pass).
	plain     map[*principal]bool
	undecided sync.Map
	// rest are the principals of the account concerned by the service
	// that the resources' own pass decides: not plain, or left undecided.
	rest []*principal
	// fam is the family holding the resources (nil when none), setOf the
	// account's permission sets of broad policies on the service.
	fam   *accessFamily
	setOf map[*principal]*permissionSet
	// resources are the group's resources by model index, and their targets
	// (the bucket and its objects for S3).
	resources []int
	targets   [][]target
}

// decideRegions decides p's access to g's resources once per cell of its
// tests and records it by region; false when p cannot be decided so (a
// policy variable it cannot resolve): the caller decides it resource by
// resource.
//
// base, when not nil, gives by resource what p has already through a
// family's or a permission set's edges: p's own decision is recorded only
// in the cells where it adds to it.
func decideRegions(m *model, ix *actionIndex, p *principal, g *regionGroup, rs *regionSets, base func(i int) (found, bool)) bool {
	cells, ok := g.cells(m, p, func(st *awspolicy.Statement) bool { return st.ConcernsService(g.service) }, true)
	if !ok {
		return false
	}
	// Cells with the same claim form one region of the claim. A cell
	// claims every level p has certainly there (read where it may also
	// write), so that the region of a weaker level spans the cells of the
	// stronger ones and principals with the same broad read share it,
	// whatever each may write in a few cells of its own.
	type decided struct {
		c      claim
		region bitset
	}
	var byKey = map[string]*decided{}
	var keys []string
	for _, c := range cells {
		i := c.first()
		r := m.resources[g.resources[i]]
		var b found
		hasBase := false
		if base != nil {
			b, hasBase = base(i)
		}
		for _, cl := range resourceClaims(m, ix, p, r, g.targets[i]) {
			if hasBase && !cl.adds(b) {
				continue
			}
			k := cl.key()
			d := byKey[k]
			if d == nil {
				d = &decided{c: cl, region: newBitset(g.words)}
				byKey[k] = d
				keys = append(keys, k)
			}
			d.region.or(c)
		}
	}
	for _, k := range keys {
		d := byKey[k]
		rs.join(p, d.c.action, d.c.access, d.region, d.c.v)
	}
	return true
}

// claim is one level of access a principal has on a resource: certain, or
// conditional above its certain level, through action.
type claim struct {
	access      graphmodel.Access
	action      string
	v           verdict
	conditional bool
}

// adds reports whether the claim gives more than b: a certain level above
// b's certain one, or a conditional level above all b has.
func (c claim) adds(b found) bool {
	if c.conditional {
		return c.access.Rank() > max(b.certain.Rank(), b.conditional.Rank())
	}
	return c.access.Rank() > b.certain.Rank()
}

// key identifies a claim: its level, action and what justifies it.
func (c claim) key() string {
	return fmt.Sprintf("%s|%v|%s|%s", c.access, c.conditional, c.action, verdictKey(c.v))
}

// resourceClaims decides p on r as resourceAccess does, and claims more:
// every level p has certainly (read where it may also write), and every
// level it has conditionally, even where it has that level or a stronger
// one certainly. The extra claims are redundant for the reach (a weaker or
// conditional edge beside a stronger certain one changes nothing there)
// and make regions wide: a principal whose conditional read covers every
// resource shares one region with the others who have it, whatever it
// holds certainly on a few resources of its own.
func resourceClaims(m *model, ix *actionIndex, p *principal, r *resource, targets []target) []claim {
	cands := make([]map[string]bool, len(targets))
	for i, t := range targets {
		cands[i] = ix.candidates(p, r, t)
	}
	var claims []claim
	for lvl, access := range accessOrder {
		var certain, conditional *claim
		for i, t := range targets {
			for _, a := range t.actions[lvl] {
				if !cands[i][a] {
					continue
				}
				v := m.accessVerdictWith(p, r, a, t.arn, nil)
				switch {
				case v.t == awspolicy.Yes && certain == nil:
					certain = &claim{access: access, action: a, v: v}
				case v.t == awspolicy.Maybe && conditional == nil:
					conditional = &claim{access: access, action: a, v: v, conditional: true}
				}
				if certain != nil && conditional != nil {
					break
				}
			}
			if certain != nil && conditional != nil {
				break
			}
		}
		if certain != nil {
			claims = append(claims, *certain)
		}
		if conditional != nil {
			claims = append(claims, *conditional)
		}
	}
	return claims
}
