package viz

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// maxLabelTechniques is how many techniques an edge label names before
// counting the rest.
const maxLabelTechniques = 2

// WriteDOT writes g in Graphviz's DOT language: left to right, one cluster
// per scope holding the nodes inside it, nodes filled by provider and shaped
// by class (identity ellipse, group component box, scope hexagon, resource rounded box),
// edges coloured by kind and labelled with their techniques or access
// level, conditional edges dashed, the evidence as the edge tooltip (shown
// by SVG viewers). Node names are the labels, full IDs the tooltips. Every
// string from the estate is quoted and escaped.
func WriteDOT(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "// %s\n", dotComment(title(g)))
	fmt.Fprintln(bw, "// Render: dot -Tsvg FILE -o graph.svg")
	fmt.Fprintln(bw, "digraph blastradius {")
	fmt.Fprintf(bw, "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, nodesep=0.25, ranksep=0.9, labelloc=t, label=%s];\n", dotQuote(title(g)))
	fmt.Fprintln(bw, `  node [fontname="Helvetica", fontsize=10, style="filled", penwidth=1, color="#374151"];`)
	fmt.Fprintln(bw, `  edge [fontname="Helvetica", fontsize=8, arrowsize=0.7];`)

	ids := make(map[string]string, len(g.Nodes))
	for i, n := range g.Nodes {
		ids[n.ID] = fmt.Sprintf("n%d", i)
	}
	clusters, members := scopeClusters(g)
	inCluster := make([]bool, len(g.Nodes))
	for ci, s := range clusters {
		if len(members[s]) < 2 {
			continue // a cluster of one node only boxes it
		}
		fmt.Fprintf(bw, "  subgraph cluster_%d {\n", ci)
		fmt.Fprintf(bw, "    label=%s; style=\"rounded,dashed\"; color=\"#9ca3af\"; fontcolor=\"#4b5563\";\n", dotQuote(s))
		for _, i := range members[s] {
			inCluster[i] = true
			writeDOTNode(bw, "    ", ids[g.Nodes[i].ID], &g.Nodes[i], g.Focus)
		}
		fmt.Fprintln(bw, "  }")
	}
	for i := range g.Nodes {
		if !inCluster[i] {
			writeDOTNode(bw, "  ", ids[g.Nodes[i].ID], &g.Nodes[i], g.Focus)
		}
	}
	for _, e := range g.Edges {
		attrs := []string{
			"label=" + dotQuote(edgeLabel(e)),
			"color=" + dotQuote(edgeColorOf(e.Kind)),
			"fontcolor=" + dotQuote(edgeColorOf(e.Kind)),
			"tooltip=" + dotQuote(edgeTooltip(e)),
		}
		if e.Conditional {
			attrs = append(attrs, `style="dashed"`)
		}
		if e.Kind == graphmodel.EdgeAdminOf {
			attrs = append(attrs, "penwidth=2")
		}
		fmt.Fprintf(bw, "  %s -> %s [%s];\n", ids[e.From], ids[e.To], strings.Join(attrs, ", "))
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}

// scopeClusters groups the nodes by the scope that holds them (a scope's
// own node sits in its cluster): the scopes in order of first appearance,
// each with its nodes' indexes. Writers skip a scope holding one node only:
// a cluster of one node only boxes it.
func scopeClusters(g *Graph) (clusters []string, members map[string][]int) {
	members = map[string][]int{}
	for i, n := range g.Nodes {
		s := n.Scope
		if n.Class == graphmodel.ClassScope {
			s = n.ID
		}
		if s == "" {
			continue
		}
		if _, ok := members[s]; !ok {
			clusters = append(clusters, s)
		}
		members[s] = append(members[s], i)
	}
	return clusters, members
}

// writeDOTNode writes one node statement.
func writeDOTNode(w io.Writer, indent, id string, n *Node, focus string) {
	attrs := []string{
		"label=" + dotQuote(nodeLabel(n)),
		"tooltip=" + dotQuote(n.ID),
		"shape=" + dotShape(n.Class),
		"fillcolor=" + dotQuote(colorOf(n.Provider)),
		"fontcolor=" + dotQuote(textColorOf(n.Provider)),
	}
	if n.Class == graphmodel.ClassResource {
		attrs = append(attrs, `style="filled,rounded"`)
	}
	if n.ID == focus {
		attrs = append(attrs, "penwidth=3", `color="#111827"`)
	}
	fmt.Fprintf(w, "%s%s [%s];\n", indent, id, strings.Join(attrs, ", "))
}

// dotShape is the node shape of a class.
func dotShape(c graphmodel.Class) string {
	switch c {
	case graphmodel.ClassIdentity:
		return "ellipse"
	case graphmodel.ClassGroup:
		return "component"
	case graphmodel.ClassScope:
		return "hexagon"
	case graphmodel.ClassResource:
		return "box"
	}
	return "octagon"
}

// title describes the graph in one line.
func title(g *Graph) string {
	if g.Focus == "" {
		return fmt.Sprintf("blastradius attack graph: %d nodes, %d edges", len(g.Nodes), len(g.Edges))
	}
	return fmt.Sprintf("blastradius attack graph around %s (depth %d): %d nodes, %d edges", g.Focus, g.Depth, len(g.Nodes), len(g.Edges))
}

// nodeLabel is a node's name and kind on two lines.
func nodeLabel(n *Node) string {
	return n.Name + "\n" + kindOrClass(n)
}

// edgeLabel names an edge's techniques (the first few), or its access
// level, or its kind.
func edgeLabel(e Edge) string {
	var label string
	switch {
	case e.Kind == graphmodel.EdgeCanAccess && e.Access != "":
		label = string(e.Access)
	case len(e.Techniques) > 0:
		label = strings.Join(e.Techniques[:min(len(e.Techniques), maxLabelTechniques)], ", ")
		if n := len(e.Techniques) - maxLabelTechniques; n > 0 {
			label += fmt.Sprintf(" +%d", n)
		}
	default:
		label = string(e.Kind)
	}
	if e.Conditional {
		label += " (conditional)"
	}
	return label
}

// edgeTooltip is an edge's kind, techniques and evidence.
func edgeTooltip(e Edge) string {
	var b strings.Builder
	b.WriteString(string(e.Kind))
	if len(e.Techniques) > 0 {
		b.WriteString(": " + strings.Join(e.Techniques, ", "))
	}
	for _, ev := range e.Evidence {
		b.WriteString("\n" + ev)
	}
	return b.String()
}

// dotQuote renders s as a DOT quoted string: backslashes and quotes
// escaped (so no escape sequence of Graphviz's, such as \N or \l, comes
// from the input), line breaks as \n, other control characters and invalid
// UTF-8 replaced.
func dotQuote(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// dotComment keeps s on one comment line.
func dotComment(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}
