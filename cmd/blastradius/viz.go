package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/providers"
	"github.com/blastradius/blastradius/viz"
)

// Formats of "viz".
const (
	vizDOT     = "dot"
	vizMermaid = "mermaid"
	vizHTML    = "html"
)

// dotComfortNodes is about how many nodes Graphviz lays out legibly.
const dotComfortNodes = 500

// vizOptions are the options of "viz".
type vizOptions struct {
	Source analyzeOptions
	// Format is dot, mermaid or html.
	Format string
	// Focus is the node whose neighbourhood is drawn; "" draws everything.
	Focus string
	// Depth bounds the neighbourhood, in edges from Focus.
	Depth int
	// Output is the path written; "" or "-" is stdout.
	Output string
	// Sensitivity is the path of a sensitivity file (html scores).
	Sensitivity string
}

func vizCommand() *cli.Command {
	return &cli.Command{
		Name:      "viz",
		Usage:     "draw the attack graph, or the neighbourhood of one node, as DOT, Mermaid or an HTML page",
		UsageText: "blastradius viz SNAP... --format dot|mermaid|html [--focus ID] [--depth N] [-o FILE]\nblastradius viz --demo --format html --focus ID -o FILE",
		Description: `Draws the attack graph of the merged snapshots: every derived edge (can_become,
can_access, admin_of, can_grant_admin) and the group memberships an attacker
inherits through, parallel edges merged, conditional ones dashed. An edge the
analysis records once into a target set is drawn to each of its targets.

--focus ID keeps the neighbourhood of one node: what it reaches in up to
--depth edges (default 2) and what reaches it in up to --depth edges.

Formats:
   dot      Graphviz (dot -Tsvg FILE -o graph.svg); one cluster per scope;
            edge tooltips carry the evidence. Graphviz lays out a few
            hundred nodes legibly: use --focus on a large estate.
   mermaid  a Mermaid flowchart for Markdown pages (GitHub renders a
            mermaid code block); renderers refuse diagrams over 500 edges
            or 50,000 characters.
   html     the assessment page of "analyze --format html"; with --focus it
            lists the identities of the neighbourhood and opens on the
            focused identity's graph.

Examples:
   blastradius viz aws.snap.json --format dot -o graph.dot && dot -Tsvg graph.dot -o graph.svg
   blastradius viz --demo --format mermaid --focus arn:aws:iam::111122223333:user/carol.diaz
   blastradius viz aws.snap.json --format html --focus arn:aws:iam::111122223333:role/terraform-apply -o role.html

Exit code 2 on a bad option, a missing or malformed snapshot, or a --focus
the estate does not have.`,
		Flags: withLogFlags(
			&cli.BoolFlag{Name: "demo", Usage: "draw the embedded demo estate instead of snapshot files"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: vizDOT, Usage: "`FORMAT`: dot, mermaid or html"},
			&cli.StringFlag{Name: "focus", Usage: "draw the neighbourhood of the node `ID` only"},
			&cli.IntFlag{Name: "depth", Value: 2, Usage: "with --focus: follow up to `N` edges out of and into the node"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write to `FILE` (- is standard output)"},
			&cli.StringFlag{Name: "sensitivity", Usage: "html: rate resources for the score from `FILE` (as for analyze)"},
		),
		Action: func(cCtx *cli.Context) error {
			opts := vizOptions{
				Source: analyzeOptions{Providers: providerList(cCtx), Snapshots: cCtx.Args().Slice(), Demo: cCtx.Bool("demo"), Stdin: os.Stdin, Stdout: cCtx.App.Writer},
				Format: cCtx.String("format"), Focus: cCtx.String("focus"), Depth: cCtx.Int("depth"),
				Output: cCtx.String("output"), Sensitivity: cCtx.String("sensitivity"),
			}
			if err := checkSource(opts.Source, "viz"); err != nil {
				return err
			}
			switch opts.Format {
			case vizDOT, vizMermaid, vizHTML:
			default:
				return usageErrorf("viz: --format %q: want dot, mermaid or html", opts.Format)
			}
			if opts.Depth < 1 {
				return usageErrorf("viz: --depth %d: must be 1 or more", opts.Depth)
			}
			if cCtx.IsSet("depth") && opts.Focus == "" {
				return usageErrorf("viz: --depth needs --focus")
			}
			return runViz(cCtx.Context, opts)
		},
	}
}

// runViz analyzes the estate and draws it.
func runViz(ctx context.Context, opts vizOptions) error {
	snap, err := loadSnapshots(ctx, opts.Source)
	if err != nil {
		return err
	}
	sens, err := loadSensitivity(opts.Sensitivity)
	if err != nil {
		return err
	}
	g, err := analysis.Prepare(ctx, snap, analysis.Options{Derivers: providers.Derivers(opts.Source.Providers), Sensitivity: sens, Now: opts.Source.Now})
	if err != nil {
		err = fmt.Errorf("viz: %w", err)
		if isInputError(err) {
			return usageError(err)
		}
		return err
	}
	var buf bytes.Buffer
	if opts.Format == vizHTML {
		if err := writeVizHTML(ctx, &buf, g, snap, opts); err != nil {
			return err
		}
	} else if err := writeVizGraph(ctx, &buf, g, snap, opts); err != nil {
		return err
	}
	return writeOutput(opts.Output, buf.Bytes(), opts.Source.Stdout)
}

// writeVizGraph writes the attack graph, or the focus's neighbourhood, as
// DOT or Mermaid.
func writeVizGraph(ctx context.Context, buf *bytes.Buffer, g *analysis.Graph, snap *graphmodel.Snapshot, opts vizOptions) error {
	nodes, edges := g.Derived()
	graph := viz.FromEstate(snap, nodes, edges)
	if opts.Focus != "" {
		var err error
		if graph, err = graph.Neighbourhood(opts.Focus, opts.Depth, snap); err != nil {
			return queryError("viz", err)
		}
	}
	slog.InfoContext(ctx, "drawing", "format", opts.Format, "nodes", len(graph.Nodes), "edges", len(graph.Edges))
	if opts.Format == vizDOT {
		if len(graph.Nodes) > dotComfortNodes {
			slog.WarnContext(ctx, "the graph has more nodes than Graphviz lays out legibly: draw the neighbourhood of one node with --focus", "nodes", len(graph.Nodes))
		}
		return viz.WriteDOT(buf, graph)
	}
	if err := viz.WriteMermaid(buf, graph); err != nil {
		return err
	}
	if len(graph.Edges) > viz.MermaidMaxEdges || buf.Len() > viz.MermaidMaxTextSize {
		slog.WarnContext(ctx, "the diagram exceeds Mermaid's default limits, which renderers such as GitHub's enforce: draw the neighbourhood of one node with --focus",
			"edges", len(graph.Edges), "max_edges", viz.MermaidMaxEdges, "characters", buf.Len(), "max_characters", viz.MermaidMaxTextSize)
	}
	return nil
}

// writeVizHTML writes the assessment page; with a focus, of the identities
// of its neighbourhood, opening on the focus.
func writeVizHTML(ctx context.Context, buf *bytes.Buffer, g *analysis.Graph, snap *graphmodel.Snapshot, opts vizOptions) error {
	res, err := g.Result(ctx)
	if err != nil {
		return fmt.Errorf("viz: %w", err)
	}
	hopts := viz.HTMLOptions{Detail: analysis.DetailSummary, Nodes: viz.SnapshotNodes(snap), ToolVersion: toolVersion(), Focus: opts.Focus}
	if opts.Focus != "" {
		nodes, edges := g.Derived()
		near, err := viz.FromEstate(snap, nodes, edges).Neighbourhood(opts.Focus, opts.Depth, snap)
		if err != nil {
			return queryError("viz", err)
		}
		keep := make(map[string]bool, len(near.Nodes))
		for _, n := range near.Nodes {
			keep[n.ID] = true
		}
		found := false
		cut := *res
		cut.Identities = nil
		for _, id := range res.Identities {
			if keep[id.ID] {
				cut.Identities = append(cut.Identities, id)
				found = found || id.ID == opts.Focus
			}
		}
		if !found {
			return usageErrorf("viz: --focus %s is not an identity: the html page draws an identity's paths (use --format dot or mermaid for other nodes)", opts.Focus)
		}
		res = &cut
		hopts.Subtitle = fmt.Sprintf("focused on %s: the %d %s within %d %s of it", opts.Focus,
			len(cut.Identities), pluralWord(len(cut.Identities), "identity", "identities"), opts.Depth, pluralWord(opts.Depth, "step", "steps"))
	}
	if err := viz.WriteHTML(buf, res, hopts); err != nil {
		return fmt.Errorf("viz: %w", err)
	}
	return nil
}
