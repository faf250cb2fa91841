package graphmodel

import (
	"fmt"
	"sort"

	"github.com/dominikbraun/graph"
)

// Graph is an in-memory directed multigraph of nodes and edges, built on
// dominikbraun/graph. That library keeps one edge per ordered pair of
// vertices, so every edge between the same pair is kept in the pair's edge
// data. Indices that analysis needs (nodes by ID, out-edges) are built once
// here: the library's AdjacencyMap copies the whole graph on every call.
type Graph struct {
	g     graph.Graph[string, *Node]
	nodes map[string]*Node
	out   map[string][]*Edge
	in    map[string][]*Edge
	order []string
	// keys holds every edge's Key; pairs every edge list by ordered pair.
	keys  map[string]bool
	pairs map[[2]string]*[]*Edge
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{
		g:     graph.New(func(n *Node) string { return n.ID }, graph.Directed()),
		nodes: map[string]*Node{},
		out:   map[string][]*Edge{},
		in:    map[string][]*Edge{},
		keys:  map[string]bool{},
		pairs: map[[2]string]*[]*Edge{},
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
	if existing, ok := g.nodes[n.ID]; ok {
		mergeNode(existing, &n)
		return nil
	}
	c := cloneNode(n)
	if err := g.g.AddVertex(&c); err != nil {
		return fmt.Errorf("add node %s: %w", n.ID, err)
	}
	g.nodes[n.ID] = &c
	g.order = append(g.order, n.ID)
	return nil
}

// AddEdge adds e; missing end nodes are created as placeholders. An edge
// with the same Key as one already present is ignored.
func (g *Graph) AddEdge(e Edge) error {
	for _, id := range []string{e.From, e.To} {
		if _, ok := g.nodes[id]; !ok {
			if err := g.AddNode(Node{ID: id, Name: id}); err != nil {
				return err
			}
		}
	}
	key := e.Key()
	if g.keys[key] {
		return nil
	}
	g.keys[key] = true
	c := e
	g.out[e.From] = append(g.out[e.From], &c)
	g.in[e.To] = append(g.in[e.To], &c)
	pair := [2]string{e.From, e.To}
	if list, ok := g.pairs[pair]; ok {
		// The library stores a pointer to the list: appending updates its edge data.
		*list = append(*list, &c)
		return nil
	}
	list := &[]*Edge{&c}
	g.pairs[pair] = list
	if err := g.g.AddEdge(e.From, e.To, graph.EdgeData(list)); err != nil {
		return fmt.Errorf("add edge %s -%s-> %s: %w", e.From, e.Kind, e.To, err)
	}
	return nil
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

// Between returns every edge from one node to another, as stored in the
// underlying graph's edge data.
func (g *Graph) Between(from, to string) []*Edge {
	e, err := g.g.Edge(from, to)
	if err != nil {
		return nil
	}
	list, _ := e.Properties.Data.(*[]*Edge)
	if list == nil {
		return nil
	}
	return *list
}

// Len returns the number of nodes and edges.
func (g *Graph) Len() (nodes, edges int) {
	for _, list := range g.out {
		edges += len(list)
	}
	return len(g.nodes), edges
}

// Library returns the underlying dominikbraun/graph graph, for algorithms it
// offers (shortest paths, strongly connected components).
func (g *Graph) Library() graph.Graph[string, *Node] { return g.g }
