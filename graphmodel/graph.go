package graphmodel

import (
	"sort"

	"github.com/dominikbraun/graph"
)

// Graph is an in-memory directed multigraph of nodes and edges, indexed for
// analysis: nodes by ID, out- and in-edges in insertion order. The
// dominikbraun/graph form of it (Library) is built on first use only:
// adding a vertex and an edge there costs far more than the indices, and
// the analysis of a large estate adds millions of edges. That library keeps
// one edge per ordered pair of vertices, so every edge between the same pair
// is kept in the pair's edge data.
type Graph struct {
	nodes map[string]*Node
	out   map[string][]*Edge
	in    map[string][]*Edge
	order []string
	// keys holds every edge by its key.
	keys map[edgeKey]*Edge
	// lib is the library form, built by Library; nil until then and again
	// after any change.
	lib graph.Graph[string, *Node]
}

// edgeKey is what makes an edge distinct (see Edge.Key).
type edgeKey struct {
	from, to, technique string
	kind                EdgeKind
	access              Access
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{
		nodes: map[string]*Node{},
		out:   map[string][]*Edge{},
		in:    map[string][]*Edge{},
		keys:  map[edgeKey]*Edge{},
	}
}

// BuildGraph loads every node and edge of the snapshot. An edge whose end is
// not a node gets a placeholder node of unknown kind, so that dangling
// references stay visible instead of being dropped.
func BuildGraph(s *Snapshot) (*Graph, error) {
	g := NewGraph()
	for i := range s.Nodes {
		if err := g.AddNode(s.Nodes[i]); err != nil {
			return nil, err
		}
	}
	for i := range s.Edges {
		if err := g.AddEdge(s.Edges[i]); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// AddNode adds n, or merges it into the node with the same ID.
func (g *Graph) AddNode(n Node) error {
	g.lib = nil
	if existing, ok := g.nodes[n.ID]; ok {
		mergeNode(existing, &n)
		return nil
	}
	c := cloneNode(n)
	g.nodes[n.ID] = &c
	g.order = append(g.order, n.ID)
	return nil
}

// AddEdge adds e; missing end nodes are created as placeholders. An edge
// with the same Key as one already present is ignored.
func (g *Graph) AddEdge(e Edge) error {
	c := e
	return g.add(&c, false)
}

// AddEdgeRef adds *e like AddEdge but without copying it: the graph keeps
// e, which the caller must not change afterwards. An edge with the same
// Key as one already present is ignored, unless that one is conditional
// and e is not: e then takes its place.
func (g *Graph) AddEdgeRef(e *Edge) error { return g.add(e, true) }

// add records e, creating missing end nodes, unless an edge with its key
// is present; preferCertain lets a certain e replace a conditional one.
func (g *Graph) add(e *Edge, preferCertain bool) error {
	for _, id := range []string{e.From, e.To} {
		if _, ok := g.nodes[id]; !ok {
			if err := g.AddNode(Node{ID: id, Name: id}); err != nil {
				return err
			}
		}
	}
	key := edgeKey{from: e.From, to: e.To, technique: e.Technique, kind: e.Kind, access: e.Access}
	if old, dup := g.keys[key]; dup {
		if preferCertain && old.Conditional && !e.Conditional {
			g.keys[key] = e
			replaceEdge(g.out[e.From], old, e)
			replaceEdge(g.in[e.To], old, e)
			g.lib = nil
		}
		return nil
	}
	g.keys[key] = e
	g.lib = nil
	g.out[e.From] = append(g.out[e.From], e)
	g.in[e.To] = append(g.in[e.To], e)
	return nil
}

// ReserveEdges makes room for n more edges, so that adding millions of
// derived edges does not grow the index step by step.
func (g *Graph) ReserveEdges(n int) {
	keys := make(map[edgeKey]*Edge, len(g.keys)+n)
	for k, e := range g.keys {
		keys[k] = e
	}
	g.keys = keys
}

// replaceEdge puts e in the place of old in list.
func replaceEdge(list []*Edge, old, e *Edge) {
	for i := range list {
		if list[i] == old {
			list[i] = e
			return
		}
	}
}

// Node returns the node with the given ID.
func (g *Graph) Node(id string) (*Node, bool) {
	n, ok := g.nodes[id]
	return n, ok
}

// NodeIDs returns every node ID in insertion order.
func (g *Graph) NodeIDs() []string { return g.order }

// Nodes returns every node sorted by ID.
func (g *Graph) Nodes() []*Node {
	list := make([]*Node, 0, len(g.nodes))
	for _, n := range g.nodes {
		list = append(list, n)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

// Out returns the edges leaving id, in insertion order.
func (g *Graph) Out(id string) []*Edge { return g.out[id] }

// In returns the edges entering id, in insertion order.
func (g *Graph) In(id string) []*Edge { return g.in[id] }

// OutOfKind returns the edges of kind k leaving id.
func (g *Graph) OutOfKind(id string, k EdgeKind) []*Edge {
	var list []*Edge
	for _, e := range g.out[id] {
		if e.Kind == k {
			list = append(list, e)
		}
	}
	return list
}

// InOfKind returns the edges of kind k entering id.
func (g *Graph) InOfKind(id string, k EdgeKind) []*Edge {
	var list []*Edge
	for _, e := range g.in[id] {
		if e.Kind == k {
			list = append(list, e)
		}
	}
	return list
}

// Between returns every edge from one node to another, in insertion order.
func (g *Graph) Between(from, to string) []*Edge {
	var list []*Edge
	for _, e := range g.out[from] {
		if e.To == to {
			list = append(list, e)
		}
	}
	return list
}

// Len returns the number of nodes and edges.
func (g *Graph) Len() (nodes, edges int) {
	for _, list := range g.out {
		edges += len(list)
	}
	return len(g.nodes), edges
}

// Library returns the graph as a dominikbraun/graph graph, for the
// algorithms it offers (shortest paths, strongly connected components):
// vertices in insertion order, one edge per ordered pair whose data is the
// pair's edge list (a *[]*Edge). It is built on the first call after a
// change and shared until the next change.
func (g *Graph) Library() graph.Graph[string, *Node] {
	if g.lib != nil {
		return g.lib
	}
	lib := graph.New(func(n *Node) string { return n.ID }, graph.Directed())
	for _, id := range g.order {
		// Cannot fail: IDs are unique and the graph is new.
		_ = lib.AddVertex(g.nodes[id])
	}
	for _, id := range g.order {
		pairs := map[string]*[]*Edge{}
		for _, e := range g.out[id] {
			if list, ok := pairs[e.To]; ok {
				*list = append(*list, e)
				continue
			}
			list := &[]*Edge{e}
			pairs[e.To] = list
			// Cannot fail: both vertices exist and the pair is new.
			_ = lib.AddEdge(e.From, e.To, graph.EdgeData(list))
		}
	}
	g.lib = lib
	return lib
}
