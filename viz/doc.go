// Package viz draws attack graphs: DOT for Graphviz, Mermaid for Markdown
// pages, and the assessment report, one self-contained HTML page.
//
// Three inputs, one per output:
//   - Graph, the attack graph of an estate or the neighbourhood of one node
//     (FromEstate, Graph.Neighbourhood), written by WriteDOT and WriteMermaid;
//   - an analysis.Result, written by WriteHTML as the ranked report whose
//     selected identity's paths are drawn with Cytoscape.js;
//   - a diff.Report, written by WriteDiffHTML in the same look.
//
// Everything that comes from an estate is hostile text (names, tags,
// evidence, gap reasons): each writer escapes it for its own syntax, and the
// HTML page loads nothing from the network (a Content-Security-Policy
// forbids it; scripts, styles and data are inline).
package viz
