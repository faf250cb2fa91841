package viz

import (
	"math"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/diff"
	"github.com/blastradius/blastradius/graphmodel"
)

// This file holds the data the HTML page's script reads: every string once
// in a table (IDs and evidence repeat a lot), one row per table row, and a
// graph per identity whose paths the page draws.

// pageVersion is the version of the page data, for the script.
const pageVersion = 1

// pageData is the JSON embedded in the page.
type pageData struct {
	Version int    `json:"v"`
	Mode    string `json:"mode"` // "analysis" or "diff"
	// Strings is the string table; every other string field is an index.
	Strings []string `json:"s"`
	// Focus is the row selected first; -1 selects the first row.
	Focus  int         `json:"focus"`
	Rows   []pageRow   `json:"rows"`
	Graphs []pageGraph `json:"graphs"`
	// Colors are the fill colours by provider; Unknown fills the rest.
	Colors  map[string]string `json:"colors"`
	Unknown string            `json:"unknown"`
	// Edges are the stroke colours by kind of edge.
	EdgeColors map[string]string `json:"edge_colors"`
	// GraphLimit is how many identities carry a graph at most (0: all).
	GraphLimit int `json:"graph_limit"`
}

// pageRow is one row of the ranking (analysis) or of the findings (diff).
type pageRow struct {
	ID       int     `json:"i"`
	Name     int     `json:"n"`
	Kind     int     `json:"k"`
	Provider int     `json:"p"`
	NonHuman bool    `json:"h,omitempty"`
	Rank     int     `json:"r,omitempty"`
	Score    float64 `json:"sc"`
	// Admin and Cond count the admin and conditional admin scopes;
	// AdminFirst and CondFirst are the first of each (string indices).
	Admin      int   `json:"a,omitempty"`
	Cond       int   `json:"c,omitempty"`
	AdminFirst []int `json:"ao,omitempty"`
	CondFirst  []int `json:"co,omitempty"`
	Identities int   `json:"ni,omitempty"`
	Resources  int   `json:"nr,omitempty"`
	// Breakdown is [identities, resources, admin scopes, conditional
	// admin scopes] of the score (analysis only).
	Breakdown []float64 `json:"b,omitempty"`
	// Truncated: the identity's lists were cut (--detail summary).
	Truncated bool `json:"cut,omitempty"`
	// Partial: a diff finding may be incomplete.
	Partial bool `json:"pt,omitempty"`
	// Graph is the index of the row's graph, -1 when none is embedded.
	Graph int `json:"g"`
	// Diff rows: severity, finding kind, detail and target (string indices).
	Severity int `json:"sv,omitempty"`
	Finding  int `json:"fk,omitempty"`
	Detail   int `json:"d,omitempty"`
	Message  int `json:"m,omitempty"`
}

// pageGraph is what the page draws for one identity: its nodes, the edges
// of its paths and of its resources, and the paths themselves.
type pageGraph struct {
	// Nodes are [id, name, kind, provider, class] string indices; node 0
	// is the identity itself.
	Nodes [][5]int `json:"n"`
	// Edges are [from node, to node, label, evidence (-1: none), flags, via
	// (-1: none)].
	Edges [][6]int `json:"e"`
	// Paths are the escalations in the analysis's order.
	Paths []pagePath `json:"p"`
	// AdminOf and CondAdminOf list the admin scopes (string indices).
	AdminOf     []int `json:"ao,omitempty"`
	CondAdminOf []int `json:"co,omitempty"`
	// Findings are the hygiene findings (string indices).
	Findings []int `json:"hf,omitempty"`
	// Truncated is true when the identity's lists were cut (--detail summary).
	Truncated bool `json:"cut,omitempty"`
}

// pagePath is one escalation: its target node, the technique of its last
// hop, whether it is conditional, and its hops as edge indices.
type pagePath struct {
	Target      int   `json:"t"`
	Technique   int   `json:"q"`
	Conditional bool  `json:"c,omitempty"`
	Edges       []int `json:"e"`
}

// Edge flags of pageGraph.Edges.
const (
	flagConditional = 1 << iota // the step depends on an undecidable condition
	flagAccess                  // access to a resource; label is the level
	flagGained                  // diff: gained since the baseline, no path given
	flagIndirect                // reached through a node the graph lacks (via)
	// flagInside marks a step from an administered scope to what it holds
	// (analysis.TechniqueAdminOfScope, or a resource reached through the
	// scope): implied by administering the scope, hidden by default.
	flagInside
)

// strtab interns strings.
type strtab struct {
	list  []string
	index map[string]int
}

func newStrtab() *strtab {
	t := &strtab{index: map[string]int{}}
	t.id("") // index 0 is the empty string, so omitempty fields read ""
	return t
}

// id returns the index of s, adding it when new.
func (t *strtab) id(s string) int {
	if i, ok := t.index[s]; ok {
		return i
	}
	t.list = append(t.list, s)
	t.index[s] = len(t.list) - 1
	return len(t.list) - 1
}

func (t *strtab) ids(list []string) []int {
	if len(list) == 0 {
		return nil
	}
	out := make([]int, len(list))
	for i, s := range list {
		out[i] = t.id(s)
	}
	return out
}

// NodeLookup describes a node by ID, when the caller knows the estate.
type NodeLookup func(id string) (graphmodel.Node, bool)

// SnapshotNodes returns a NodeLookup over the nodes of snap.
func SnapshotNodes(snap *graphmodel.Snapshot) NodeLookup {
	if snap == nil {
		return nil
	}
	index := make(map[string]int, len(snap.Nodes))
	for i := range snap.Nodes {
		index[snap.Nodes[i].ID] = i
	}
	return func(id string) (graphmodel.Node, bool) {
		i, ok := index[id]
		if !ok {
			return graphmodel.Node{}, false
		}
		return snap.Nodes[i], true
	}
}

// describer tells what a node is, from the estate when known, else from
// the identities of the result, else from the node's place in a path.
type describer struct {
	nodes      NodeLookup
	identities map[string]*analysis.Identity
}

// role is what a node's place says of it when nothing else does.
type role uint8

const (
	roleUnknown role = iota
	roleIdentity
	roleScope
	roleResource
	roleGroup
)

// describe returns [id, name, kind, provider, class] for the string table.
func (d *describer) describe(t *strtab, id string, r role) [5]int {
	name, kind, prov, class := id, graphmodel.NodeKind(""), graphmodel.Provider(""), graphmodel.ClassOther
	if n, ok := d.lookup(id); ok {
		if n.Name != "" {
			name = n.Name
		}
		kind, prov, class = n.Kind, n.Provider, n.Kind.Class()
		if prov == "" {
			prov = kind.Provider()
		}
	} else if x, ok := d.identities[id]; ok {
		name, kind, prov, class = x.Name, x.Kind, x.Provider, graphmodel.ClassIdentity
	}
	if !kind.Known() {
		switch r {
		case roleIdentity:
			class = graphmodel.ClassIdentity
		case roleScope:
			class = graphmodel.ClassScope
		case roleResource:
			class = graphmodel.ClassResource
		case roleGroup:
			class = graphmodel.ClassGroup
		}
	}
	if prov == "" {
		prov = providerOfID(id)
	}
	return [5]int{t.id(id), t.id(name), t.id(string(kind)), t.id(string(prov)), t.id(string(class))}
}

func (d *describer) lookup(id string) (graphmodel.Node, bool) {
	if d.nodes == nil {
		return graphmodel.Node{}, false
	}
	return d.nodes(id)
}

// graphBuilder assembles one pageGraph.
type graphBuilder struct {
	t     *strtab
	d     *describer
	g     pageGraph
	nodes map[string]int
	edges map[[3]string]int
}

func newGraphBuilder(t *strtab, d *describer, root string, r role) *graphBuilder {
	b := &graphBuilder{t: t, d: d, nodes: map[string]int{}, edges: map[[3]string]int{}}
	b.node(root, r)
	return b
}

// node returns the index of id, adding it when new.
func (b *graphBuilder) node(id string, r role) int {
	if i, ok := b.nodes[id]; ok {
		return i
	}
	b.g.Nodes = append(b.g.Nodes, b.d.describe(b.t, id, r))
	b.nodes[id] = len(b.g.Nodes) - 1
	return len(b.g.Nodes) - 1
}

// edge returns the index of the edge from → to labelled label, adding it
// when new; a certain copy clears the conditional flag.
func (b *graphBuilder) edge(from, to int, label, evidence string, flags int, via string) int {
	k := [3]string{b.t.list[b.g.Nodes[from][0]], b.t.list[b.g.Nodes[to][0]], label}
	if i, ok := b.edges[k]; ok {
		if flags&flagConditional == 0 {
			b.g.Edges[i][4] &^= flagConditional
		}
		return i
	}
	ev, v := -1, -1
	if evidence != "" {
		ev = b.t.id(evidence)
	}
	if via != "" {
		v = b.t.id(via)
	}
	b.g.Edges = append(b.g.Edges, [6]int{from, to, b.t.id(label), ev, flags, v})
	b.edges[k] = len(b.g.Edges) - 1
	return len(b.g.Edges) - 1
}

// escalation adds a path's hops and the path.
func (b *graphBuilder) escalation(e analysis.Escalation, scopes map[string]bool) {
	p := pagePath{Technique: b.t.id(e.Technique), Conditional: e.Conditional, Edges: []int{}}
	for _, h := range e.Path {
		from := b.node(h.From, roleIdentity)
		to := b.node(h.To, hopRole(h, scopes))
		flags := 0
		if h.Conditional {
			flags |= flagConditional
		}
		if h.Technique == analysis.TechniqueAdminOfScope {
			flags |= flagInside
		}
		p.Edges = append(p.Edges, b.edge(from, to, h.Technique, h.Evidence, flags, ""))
	}
	r := roleIdentity
	if scopes[e.Target] {
		r = roleScope
	}
	p.Target = b.node(e.Target, r)
	b.g.Paths = append(b.g.Paths, p)
}

// hopRole is what a hop's target is when nothing else says: a scope when
// administered, a group when joined, else an identity (hops lead to
// identities, groups and scopes only).
func hopRole(h analysis.Hop, scopes map[string]bool) role {
	switch {
	case scopes[h.To]:
		return roleScope
	case h.Technique == analysis.TechniqueGroupMembership:
		return roleGroup
	}
	return roleIdentity
}

// resource adds an edge to a resource reached at access level access
// through via: from via when the graph has it, else from the root,
// flagged indirect.
func (b *graphBuilder) resource(id string, access graphmodel.Access, via string, flags int) {
	to := b.node(id, roleResource)
	from := 0
	if i, ok := b.nodes[via]; ok && via != "" {
		from = i
		if b.t.list[b.g.Nodes[i][4]] == string(graphmodel.ClassScope) {
			flags |= flagInside
		}
	} else if via != "" {
		flags |= flagIndirect
	}
	b.edge(from, to, string(access), "", flags|flagAccess, via)
}

// scopeSet is the set of admin scopes of an identity.
func scopeSet(id *analysis.Identity) map[string]bool {
	m := make(map[string]bool, len(id.AdminOf)+len(id.ConditionalAdminOf))
	for _, s := range id.AdminOf {
		m[s] = true
	}
	for _, s := range id.ConditionalAdminOf {
		m[s] = true
	}
	return m
}

// identityGraph is the graph of one identity of an analysis.
func identityGraph(t *strtab, d *describer, id *analysis.Identity) pageGraph {
	b := newGraphBuilder(t, d, id.ID, roleIdentity)
	scopes := scopeSet(id)
	for _, e := range id.Escalations {
		b.escalation(e, scopes)
	}
	for _, s := range id.AdminOf {
		b.node(s, roleScope)
	}
	for _, s := range id.ConditionalAdminOf {
		b.node(s, roleScope)
	}
	for _, r := range id.ReachableResources {
		flags := 0
		if r.Conditional {
			flags |= flagConditional
		}
		b.resource(r.ID, r.Access, r.Via, flags)
	}
	b.g.AdminOf = t.ids(id.AdminOf)
	b.g.CondAdminOf = t.ids(id.ConditionalAdminOf)
	if id.Hygiene != nil {
		b.g.Findings = t.ids(id.Hygiene.Findings)
	}
	b.g.Truncated = id.Truncated
	if b.g.Paths == nil {
		b.g.Paths = []pagePath{}
	}
	return b.g
}

// diffGraph is the graph of what one identity gained, from its findings.
func diffGraph(t *strtab, d *describer, findings []*diff.Finding) pageGraph {
	root := findings[0].Identity.ID
	b := newGraphBuilder(t, d, root, roleIdentity)
	scopes := map[string]bool{}
	for _, f := range findings {
		if f.Target != "" {
			scopes[f.Target] = true
		}
	}
	for _, f := range findings {
		switch f.Kind {
		case diff.KindNewAdmin, diff.KindNewConditionalAdmin:
			for _, e := range f.Paths {
				b.escalation(e, scopes)
			}
			b.node(f.Target, roleScope)
			if f.Kind == diff.KindNewAdmin {
				b.g.AdminOf = append(b.g.AdminOf, t.id(f.Target))
			} else {
				b.g.CondAdminOf = append(b.g.CondAdminOf, t.id(f.Target))
			}
		}
	}
	for _, f := range findings {
		switch f.Kind {
		case diff.KindGainedIdentities:
			for _, id := range f.Identities {
				if _, ok := b.nodes[id]; ok {
					continue // a path already reaches it
				}
				b.edge(0, b.node(id, roleIdentity), "gained", "", flagGained, "")
			}
		case diff.KindGainedResources:
			for _, r := range f.Resources {
				label := r.After
				b.resource(r.ID, label, r.Via, flagGained)
			}
		}
		if f.Partial {
			b.g.Truncated = true
		}
	}
	if b.g.Paths == nil {
		b.g.Paths = []pagePath{}
	}
	return b.g
}

// finite replaces NaN and infinities, which JSON cannot hold, by 0.
func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}
