package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"

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
		id := setID(g.account, s.technique, label, string(s.access), "region-"+k)
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
