package viz

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// Mermaid's default limits (mermaid.initialize maxTextSize and maxEdges),
// past which renderers such as GitHub's refuse a diagram.
const (
	MermaidMaxTextSize = 50000
	MermaidMaxEdges    = 500
)

// WriteMermaid writes g as a Mermaid flowchart, left to right, for Markdown
// pages (GitHub renders a ```mermaid block): one subgraph per scope with
// more than one node, node shapes by class (identity stadium, group
// subroutine box, scope hexagon, resource cylinder), classes coloured by provider,
// conditional edges dotted, admin_of edges thick. Node IDs are n0, n1, …;
// every label character outside a small safe set is written as a Mermaid
// entity (#60; for <), so no input can close a label or inject syntax,
// directives or HTML.
func WriteMermaid(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%%%% %s\n", mermaidComment(title(g)))
	fmt.Fprintln(bw, "flowchart LR")
	ids := make(map[string]string, len(g.Nodes))
	for i, n := range g.Nodes {
		ids[n.ID] = fmt.Sprintf("n%d", i)
	}
	clusters, members := scopeClusters(g)
	inCluster := make([]bool, len(g.Nodes))
	for ci, s := range clusters {
		if len(members[s]) < 2 {
			continue
		}
		fmt.Fprintf(bw, "  subgraph s%d[\"%s\"]\n", ci, mermaidText(s))
		for _, i := range members[s] {
			inCluster[i] = true
			fmt.Fprintf(bw, "    %s\n", mermaidNode(ids[g.Nodes[i].ID], &g.Nodes[i]))
		}
		fmt.Fprintln(bw, "  end")
	}
	for i := range g.Nodes {
		if !inCluster[i] {
			fmt.Fprintf(bw, "  %s\n", mermaidNode(ids[g.Nodes[i].ID], &g.Nodes[i]))
		}
	}
	for _, e := range g.Edges {
		arrow := "-->"
		switch {
		case e.Conditional:
			arrow = "-.->"
		case e.Kind == graphmodel.EdgeAdminOf:
			arrow = "==>"
		}
		fmt.Fprintf(bw, "  %s %s|\"%s\"| %s\n", ids[e.From], arrow, mermaidText(edgeLabel(e)), ids[e.To])
	}
	// Classes by provider, in a stable order.
	byProvider := map[string][]string{}
	for i, n := range g.Nodes {
		p := mermaidClass(n.Provider)
		byProvider[p] = append(byProvider[p], fmt.Sprintf("n%d", i))
	}
	names := make([]string, 0, len(byProvider))
	for p := range byProvider {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		prov := graphmodel.Provider(strings.TrimPrefix(p, "p_"))
		fmt.Fprintf(bw, "  classDef %s fill:%s,stroke:#374151,color:%s\n", p, colorOf(prov), textColorOf(prov))
		fmt.Fprintf(bw, "  class %s %s\n", strings.Join(byProvider[p], ","), p)
	}
	if g.Focus != "" {
		if id, ok := ids[g.Focus]; ok {
			fmt.Fprintf(bw, "  style %s stroke:#111827,stroke-width:4px\n", id)
		}
	}
	// Edges are numbered in the order written, for linkStyle.
	for i, e := range g.Edges {
		if e.Kind != graphmodel.EdgeCanBecome {
			fmt.Fprintf(bw, "  linkStyle %d stroke:%s\n", i, edgeColorOf(e.Kind))
		}
	}
	return bw.Flush()
}

// mermaidNode is a node statement: id, shape by class, quoted label.
func mermaidNode(id string, n *Node) string {
	label := mermaidText(n.Name) + "<br/>" + mermaidText(kindOrClass(n))
	switch n.Class {
	case graphmodel.ClassIdentity:
		return fmt.Sprintf("%s([\"%s\"])", id, label)
	case graphmodel.ClassGroup:
		return fmt.Sprintf("%s[[\"%s\"]]", id, label)
	case graphmodel.ClassScope:
		return fmt.Sprintf("%s{{\"%s\"}}", id, label)
	case graphmodel.ClassResource:
		return fmt.Sprintf("%s[(\"%s\")]", id, label)
	}
	return fmt.Sprintf("%s[\"%s\"]", id, label)
}

// kindOrClass names what a node is: its kind, else its class.
func kindOrClass(n *Node) string {
	if n.Kind != "" {
		return string(n.Kind)
	}
	return string(n.Class)
}

// mermaidClass is the class name of a provider ("p_aws"; "p_unknown").
func mermaidClass(p graphmodel.Provider) string {
	if _, ok := providerColors[p]; ok {
		return "p_" + string(p)
	}
	return "p_unknown"
}

// mermaidSafe reports whether r may stand for itself in a quoted label.
func mermaidSafe(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune(" ._-:/@*+=,()!?'", r)
}

// mermaidText escapes s for a quoted Mermaid label: every character but
// letters, digits and a few punctuation marks becomes a decimal entity
// (#34; for a quote), which Mermaid renders as the character itself.
// Control characters become spaces; invalid UTF-8 the replacement character.
func mermaidText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for _, r := range s {
		switch {
		case mermaidSafe(r):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			fmt.Fprintf(&b, "#%d;", r)
		}
	}
	return b.String()
}

// mermaidComment keeps s on one %% comment line, with no directive: a "%%"
// comment that starts "{" would be read as configuration.
func mermaidComment(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '{' || r == '}' || r == '%' {
			return ' '
		}
		return r
	}, s)
	return s
}
