package aws

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Regions.
//
// A principal outside every permission set reaches the resources of one
// account, service and type (without a resource policy) that its own
// statements allow: every bucket tagged team=data, every secret under
// app-x/. Deciding resource by resource costs principals × resources, and
// recording it costs as many edges. Yet what a principal's decision looks
// at is only what its own statements test of a resource (their Resource
// patterns, policy variables resolved, and the tags their conditions
// read), with the account's control policies: the resources that answer
// all of those tests alike form a cell, where its decision is the same. So
// a principal is decided once per cell of its own tests, on one resource of
// the cell, and the cells with the same decision form its region. A region
// many principals share (the tests come from the same few policies, the
// regions from the same tags and paths) is recorded once, as a permission
// set that holds the edges to its resources; each principal joins it with
// its own evidence. The work grows as principals × cells and the edges as
// principals plus distinct regions × their resources.

// regionIndex indexes the targets of one account that principals are
// decided on by region: each item (a node) and the ARNs a request on it may
// name (its slots: a bucket and its objects).
type regionIndex struct {
	account string
	items   []string
	slots   [][]string
	// words is the length of a bitset over the items.
	words int
	// patterns and tags memoize the bitsets of a test: which items (by
	// slot) a pattern matches, and which carry each value of a resource key.
	patterns map[string][]bitset
	tags     map[string]map[string]bitset
}

// newRegionIndex indexes items (node IDs) of account, with their slots.
func newRegionIndex(account string, items []string, slots [][]string) *regionIndex {
	return &regionIndex{account: account, items: items, slots: slots, words: (len(items) + 63) / 64,
		patterns: map[string][]bitset{}, tags: map[string]map[string]bitset{}}
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

// bitset is a set of resources of a group, by their position.
type bitset []uint64

func newBitset(words int) bitset { return make(bitset, words) }

func (b bitset) set(i int)     { b[i/64] |= 1 << (i % 64) }
func (b bitset) empty() bool   { return b.count() == 0 }
func (b bitset) clone() bitset { return append(bitset(nil), b...) }

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// first returns the lowest member, -1 when empty.
func (b bitset) first() int {
	for i, w := range b {
		if w != 0 {
			return i*64 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// andCount returns how many members b shares with c, and how many it has.
func (b bitset) andCount(c bitset) (shared, total int) {
	for i, w := range b {
		shared += bits.OnesCount64(w & c[i])
		total += bits.OnesCount64(w)
	}
	return shared, total
}

func (b bitset) and(c bitset) bitset {
	out := make(bitset, len(b))
	for i := range b {
		out[i] = b[i] & c[i]
	}
	return out
}

func (b bitset) andNot(c bitset) bitset {
	out := make(bitset, len(b))
	for i := range b {
		out[i] = b[i] &^ c[i]
	}
	return out
}

func (b bitset) or(c bitset) {
	for i := range b {
		b[i] |= c[i]
	}
}

func (b bitset) bytes() []byte {
	out := make([]byte, 8*len(b))
	for i, w := range b {
		binary.LittleEndian.PutUint64(out[8*i:], w)
	}
	return out
}

// members lists the positions in b.
func (b bitset) members() []int {
	var list []int
	for i, w := range b {
		for w != 0 {
			j := bits.TrailingZeros64(w)
			list = append(list, i*64+j)
			w &^= 1 << j
		}
	}
	return list
}

// pattern returns, by target slot, the resources whose target in that slot
// pattern matches.
func (g *regionIndex) pattern(p string) []bitset {
	if b, ok := g.patterns[p]; ok {
		return b
	}
	slots := 0
	for _, ts := range g.slots {
		slots = max(slots, len(ts))
	}
	b := make([]bitset, slots)
	for s := range b {
		b[s] = newBitset(g.words)
	}
	for i, ts := range g.slots {
		for s, arn := range ts {
			if awspolicy.MatchARN(p, arn) {
				b[s].set(i)
			}
		}
	}
	g.patterns[p] = b
	return b
}

// tag returns the resources by what key (a resource condition key) reads
// of them: their value, or a marker of its state.
func (g *regionIndex) tag(m *model, key string) map[string]bitset {
	if b, ok := g.tags[key]; ok {
		return b
	}
	b := map[string]bitset{}
	for i, item := range g.items {
		v := "?"
		if f := m.targetFacts(item); f != nil {
			vals, state := f.Lookup(key)
			v = fmt.Sprintf("%d%q", state, vals)
		}
		if b[v] == nil {
			b[v] = newBitset(g.words)
		}
		b[v].set(i)
	}
	g.tags[key] = b
	return b
}

// cells partitions the items by p's tests: the Resource patterns (policy
// variables resolved for p) and resource keys of the statements concerns
// accepts in p's documents and the account's resource control policies (rcp).
// ok is false when a pattern cannot be resolved for p.
func (g *regionIndex) cells(m *model, p *principal, concerns func(*awspolicy.Statement) bool, rcp bool) ([]bitset, bool) {
	all := newBitset(g.words)
	for i := range g.items {
		all.set(i)
	}
	cells := []bitset{all}
	// split splits every cell that by cuts (most tests cut none: the
	// cells are then kept as they are, without a copy).
	split := func(by bitset) {
		for i, n := 0, len(cells); i < n; i++ {
			c := cells[i]
			inside, total := c.andCount(by)
			if inside == 0 || inside == total {
				continue
			}
			cells[i] = c.and(by)
			cells = append(cells, c.andNot(by))
		}
	}
	docs := p.allDocs()
	if chain := m.orgs[g.account]; chain != nil && rcp {
		for _, level := range chain.rcp {
			for _, pol := range level {
				docs = append(docs, pol.doc)
			}
		}
	}
	seen := map[string]bool{}
	for _, doc := range docs {
		for i := range doc.Statements {
			st := &doc.Statements[i]
			if !concerns(st) {
				continue
			}
			for _, v := range st.Resource.Values {
				if strings.Contains(v, "${") {
					resolved, ok := awspolicy.SubstituteVariables(v, p.facts)
					if !ok {
						return nil, false
					}
					v = resolved
				}
				if seen["p"+v] {
					continue
				}
				seen["p"+v] = true
				for _, by := range g.pattern(v) {
					split(by)
				}
			}
			for _, c := range st.Conditions {
				keys := resourceVariables(strings.Join(c.Values, " "))
				if resourceKey(c.Key) {
					keys = append(keys, strings.ToLower(c.Key))
				}
				for _, k := range keys {
					if seen["k"+k] {
						continue
					}
					seen["k"+k] = true
					for _, by := range g.tag(m, k) {
						split(by)
					}
				}
			}
		}
	}
	return cells, true
}

// regionSets gathers the region sets over one index.
type regionSets struct {
	g     *regionIndex
	order []string
	sets  map[string]*regionSet
}

func newRegionSets(g *regionIndex) *regionSets {
	return &regionSets{g: g, sets: map[string]*regionSet{}}
}

// regionSet is one technique (for access: one access level proved by one
// action) on one region, with the principals that have it.
type regionSet struct {
	technique string
	access    graphmodel.Access
	region    bitset
	members   []*principal
	verdicts  []verdict
}

// join records that p has technique (at access, for resource access) on
// region, with its own part v.
func (rs *regionSets) join(p *principal, technique string, access graphmodel.Access, region bitset, v verdict) {
	sum := sha256.Sum256(append([]byte(technique+"\x00"+string(access)+"\x00"), region.bytes()...))
	k := hex.EncodeToString(sum[:8])
	s := rs.sets[k]
	if s == nil {
		s = &regionSet{technique: technique, access: access, region: region}
		rs.sets[k] = s
		rs.order = append(rs.order, k)
	}
	s.members = append(s.members, p)
	s.verdicts = append(s.verdicts, v)
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

// resourceClaims decides p on r as resourceAccess does (the strongest
// certain level and a stronger conditional one), and adds the certain
// levels below the strongest.
func resourceClaims(m *model, ix *actionIndex, p *principal, r *resource, targets []target) []claim {
	cands := make([]map[string]bool, len(targets))
	for i, t := range targets {
		cands[i] = ix.candidates(p, r, t)
	}
	var claims []claim
	certain, conditional := false, false
	for lvl, access := range accessOrder {
		found := false
		for i, t := range targets {
			for _, a := range t.actions[lvl] {
				if !cands[i][a] {
					continue
				}
				v := m.accessVerdictWith(p, r, a, t.arn, nil)
				switch {
				case v.t == awspolicy.Yes:
					claims = append(claims, claim{access: access, action: a, v: v})
					certain, found = true, true
				case v.t == awspolicy.Maybe && !certain && !conditional:
					claims = append(claims, claim{access: access, action: a, v: v, conditional: true})
					conditional = true
				}
				if found {
					break
				}
			}
			if found {
				break
			}
		}
	}
	// A conditional level counts only above the strongest certain one.
	top := -1
	for _, c := range claims {
		if !c.conditional {
			top = c.access.Rank()
			break
		}
	}
	kept := claims[:0]
	for _, c := range claims {
		if !c.conditional || c.access.Rank() > top {
			kept = append(kept, c)
		}
	}
	return kept
}

func verdictKey(v verdict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", v.t)
	for _, e := range v.evidence {
		fmt.Fprintf(&b, ";%s#%d#%s", e.Source, e.Statement, e.Note)
	}
	for _, u := range v.undecided {
		b.WriteString(";?" + u)
	}
	return b.String()
}

// emit records the regions: a region of one member, or of one item, as
// the members' own edges; any other as a permission set the members join,
// holding the edges to its items, each with its own part (side). name
// describes a set, with its technique and item count.
func (rs *regionSets) emit(m *model, out *emitter, kind graphmodel.EdgeKind, label string, side func(item int) verdict, name func(s *regionSet, items int) string) {
	g := rs.g
	sort.Strings(rs.order)
	if os.Getenv("BLASTRADIUS_REGION_STATS") != "" {
		single, singleEdges, shared, sharedEdges, members := 0, 0, 0, 0, 0
		for _, k := range rs.order {
			s := rs.sets[k]
			n := s.region.count()
			if len(s.members) == 1 || n == 1 {
				single++
				singleEdges += n * len(s.members)
			} else {
				shared++
				sharedEdges += n
				members += len(s.members)
			}
		}
		fmt.Fprintf(os.Stderr, "regions %s %s: %d items; %d single (%d edges), %d shared (%d edges, %d members)\n",
			label, g.account, len(g.items), single, singleEdges, shared, sharedEdges, members)
	}
	for _, k := range rs.order {
		s := rs.sets[k]
		items := s.region.members()
		if len(s.members) == 1 || len(items) == 1 {
			for j, p := range s.members {
				for _, i := range items {
					if g.items[i] != p.arn {
						out.addKind(kind, p.arn, g.items[i], s.technique, s.access, s.verdicts[j].and(side(i)))
					}
				}
			}
			continue
		}
		id := "aws:permission-set:" + g.account + ":" + s.technique + ":" + label
		if s.access != "" {
			id += ":" + string(s.access)
		}
		id += ":region-" + k
		m.addExternal(id, func() graphmodel.Node {
			return graphmodel.Node{
				ID: id, Kind: KindPermissionSet, Provider: graphmodel.ProviderAWS,
				Name:  name(s, len(items)),
				Scope: graphmodel.AWSAccountScope(g.account),
				Properties: map[string]string{"technique": s.technique, "members": fmt.Sprint(len(s.members)),
					"targets": fmt.Sprint(len(items))},
			}
		})
		for j, p := range s.members {
			out.add(graphmodel.EdgeMemberOf, p.arn, id, TechniquePermissionSet, s.verdicts[j])
		}
		for _, i := range items {
			out.addKind(kind, id, g.items[i], s.technique, s.access, side(i))
		}
	}
}
