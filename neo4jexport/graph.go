package neo4jexport

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
)

// Graph is what one export writes: the nodes and edges of the attack graph
// and the analysis figures of its identities.
type Graph struct {
	// Scope names what the export covers, e.g. "aws:account:111122223333";
	// several scopes are joined by commas (see ScopeOf). A later export with
	// the same Scope replaces this one: what it no longer has is deleted.
	Scope string
	// Nodes are the snapshot's nodes and the nodes the derivers added.
	Nodes []graphmodel.Node
	// Edges are the fact edges and the derived edges.
	Edges []graphmodel.Edge
	// Identities holds the blast radius of identities by ID; nodes without
	// an entry are written without figures.
	Identities map[string]*analysis.Identity
}

// ScopeOf returns the export scope of a snapshot: the scopes of its sources,
// sorted, without repeats, joined by commas.
func ScopeOf(snap *graphmodel.Snapshot) string {
	seen := map[string]bool{}
	var list []string
	for _, src := range snap.Sources {
		if src.Scope != "" && !seen[src.Scope] {
			seen[src.Scope] = true
			list = append(list, src.Scope)
		}
	}
	sort.Strings(list)
	return strings.Join(list, ",")
}

// Build derives the attack graph of snap with opts.Derivers once
// (analysis.Prepare) and analyzes it from there: the Graph holds the
// snapshot's nodes and edges, the derived ones, and every identity's figures. Its Scope
// is ScopeOf(snap).
func Build(ctx context.Context, snap *graphmodel.Snapshot, opts analysis.Options) (*Graph, error) {
	if snap == nil {
		return nil, errors.New("neo4j export: no snapshot")
	}
	g := &Graph{
		Scope:      ScopeOf(snap),
		Nodes:      append([]graphmodel.Node(nil), snap.Nodes...),
		Edges:      append([]graphmodel.Edge(nil), snap.Edges...),
		Identities: map[string]*analysis.Identity{},
	}
	ag, err := analysis.Prepare(ctx, snap, opts)
	if err != nil {
		return nil, fmt.Errorf("neo4j export: %w", err)
	}
	nodes, edges := ag.Derived()
	g.Nodes = append(g.Nodes, nodes...)
	g.Edges = append(g.Edges, edges...)
	res, err := ag.Result(ctx)
	if err != nil {
		return nil, fmt.Errorf("neo4j export: %w", err)
	}
	for i := range res.Identities {
		g.Identities[res.Identities[i].ID] = &res.Identities[i]
	}
	return g, nil
}

// plan is a Graph made ready to write: one node per ID (placeholders for IDs
// only referenced), one edge per merge key, CONTAINS edges from scopes, and
// both grouped by what a statement cannot take as a parameter.
type plan struct {
	nodes      []*graphmodel.Node
	scopes     map[string]bool // IDs used as scopes
	nodeGroups []*nodeGroup
	relGroups  []*relGroup
	nNodes     int
	nRels      int
	// usable holds the CAN_GRANT_ADMIN edges whose granter can use the
	// grant (see usableGrants).
	usable map[*graphmodel.Edge]usable
	// members counts the INCLUDES relationships of each target set, by ID
	// (written as PropMembers).
	members map[string]int
}

// nodeGroup is every node with one label set.
type nodeGroup struct {
	labels []string // sorted, without Node
	nodes  []*graphmodel.Node
}

// relGroup is every edge of one relationship type that is derived or
// not (the property derived is written from the statement's parameters).
type relGroup struct {
	typ     string
	derived bool
	edges   []*graphmodel.Edge
}

// edgeKey is the merge key of a relationship.
type edgeKey struct {
	from, to, kind, technique string
}

// makePlan prepares g for writing. Edges repeated under one merge key are
// combined: a certain copy wins over conditional ones, the highest access
// is kept, and evidence is united.
func makePlan(g *Graph) (*plan, error) {
	p := &plan{scopes: map[string]bool{}}
	byID := make(map[string]*graphmodel.Node, len(g.Nodes))
	add := func(n graphmodel.Node) *graphmodel.Node {
		c := n
		byID[n.ID] = &c
		p.nodes = append(p.nodes, &c)
		return &c
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if n.ID == "" {
			return nil, fmt.Errorf("node without id (kind %q, name %q)", n.Kind, n.Name)
		}
		if _, ok := byID[n.ID]; ok {
			continue
		}
		add(*n)
	}
	placeholder := func(id string) {
		if _, ok := byID[id]; !ok {
			add(graphmodel.Node{ID: id, Name: id})
		}
	}

	edges := make([]*graphmodel.Edge, 0, len(g.Edges))
	at := make(map[edgeKey]int, len(g.Edges))
	for i := range g.Edges {
		e := &g.Edges[i]
		if e.From == "" || e.To == "" || e.Kind == "" {
			return nil, fmt.Errorf("edge %q -%s-> %q: from, to and kind are required", e.From, e.Kind, e.To)
		}
		placeholder(e.From)
		placeholder(e.To)
		if e.Kind == graphmodel.EdgeAdminOf {
			p.scopes[e.To] = true
		}
		k := edgeKey{e.From, e.To, string(e.Kind), e.Technique}
		if j, ok := at[k]; ok {
			edges[j] = combine(edges[j], e)
			continue
		}
		at[k] = len(edges)
		edges = append(edges, e)
	}

	// A scope named by a node's Scope field is a node, and contains the
	// identities, groups and resources that name it (as analysis has it).
	for _, n := range p.nodes {
		if n.Scope != "" {
			p.scopes[n.Scope] = true
		}
	}
	for id := range p.scopes {
		placeholder(id)
	}
	for _, n := range p.nodes {
		if n.Scope == "" || n.Scope == n.ID || p.scopes[n.ID] {
			continue
		}
		switch n.Kind.Class() {
		case graphmodel.ClassIdentity, graphmodel.ClassGroup, graphmodel.ClassResource:
		default:
			continue
		}
		k := edgeKey{n.Scope, n.ID, string(graphmodel.EdgeContains), ""}
		if _, ok := at[k]; ok {
			continue
		}
		at[k] = len(edges)
		edges = append(edges, &graphmodel.Edge{From: n.Scope, To: n.ID, Kind: graphmodel.EdgeContains})
	}

	p.usable = usableGrants(p.nodes, edges)

	groups := map[string]*nodeGroup{}
	for _, n := range p.nodes {
		labels := labelsOf(n, p.scopes[n.ID], g.Identities[n.ID])
		key := strings.Join(labels, ":")
		grp, ok := groups[key]
		if !ok {
			grp = &nodeGroup{labels: labels}
			groups[key] = grp
			p.nodeGroups = append(p.nodeGroups, grp)
		}
		grp.nodes = append(grp.nodes, n)
	}
	sort.Slice(p.nodeGroups, func(i, j int) bool {
		return strings.Join(p.nodeGroups[i].labels, ":") < strings.Join(p.nodeGroups[j].labels, ":")
	})
	type relKey struct {
		typ     string
		derived bool
	}
	rels := map[relKey]*relGroup{}
	p.members = map[string]int{}
	for _, e := range edges {
		if e.Kind == graphmodel.EdgeIncludes {
			p.members[e.From]++
		}
		k := relKey{relType(e.Kind), e.Kind.Derived()}
		grp, ok := rels[k]
		if !ok {
			grp = &relGroup{typ: k.typ, derived: k.derived}
			rels[k] = grp
			p.relGroups = append(p.relGroups, grp)
		}
		grp.edges = append(grp.edges, e)
	}
	sort.Slice(p.relGroups, func(i, j int) bool {
		a, b := p.relGroups[i], p.relGroups[j]
		return a.typ < b.typ || a.typ == b.typ && !a.derived && b.derived
	})
	p.nNodes, p.nRels = len(p.nodes), len(edges)
	return p, nil
}

// combine merges two edges with the same merge key into a new edge.
func combine(a, b *graphmodel.Edge) *graphmodel.Edge {
	if a.Conditional && !b.Conditional {
		a, b = b, a
	}
	c := *a
	if b.Access.Rank() > c.Access.Rank() && b.Conditional == c.Conditional {
		c.Access = b.Access
	}
	if b.Conditional == c.Conditional {
		c.Evidence = append(append([]graphmodel.Evidence(nil), a.Evidence...), b.Evidence...)
		c.Conditions = append(append([]string(nil), a.Conditions...), b.Conditions...)
	}
	return &c
}
