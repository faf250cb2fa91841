package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/providers"
	"github.com/blastradius/blastradius/report"
)

// analyzeOptions are the options of "analyze".
type analyzeOptions struct {
	// Snapshots are the snapshot files to merge and analyze; "-" is stdin.
	Snapshots []string
	// Demo analyzes the embedded demo estate instead of Snapshots.
	Demo bool
	// Providers are the providers whose analyses run, whose demo data
	// --demo reads and which upgrade snapshots of earlier builds.
	Providers []providers.Provider
	// Format is the report format.
	Format report.Format
	// Output is the report path; "" or "-" is stdout.
	Output string
	// Top limits the report to the first N identities; 0 means all.
	Top int
	// Detail bounds the per-identity lists.
	Detail analysis.Detail
	// Sensitivity is the path of a sensitivity file; "" means the defaults.
	Sensitivity string
	// Now is the analysis time; zero means the current time.
	Now    time.Time
	Stdin  io.Reader
	Stdout io.Writer
}

func analyzeCommand() *cli.Command {
	return &cli.Command{
		Name:      "analyze",
		Usage:     "rank identities by blast radius, with the paths that prove it",
		UsageText: "blastradius analyze SNAP... [--format table|json|markdown|sarif|html] [-o FILE] [--top N] [--detail summary|full]\nblastradius analyze --demo [options]",
		Description: `Reads one or more snapshots (written by "blastradius collect"), merges them,
derives the attack graph (who can become whom, who can access what, who is
administrator of which scope) and ranks every identity by blast radius.
Every escalation is shown hop by hop with the policy statement that allows
each hop. Steps that depend on a condition the tool cannot decide are kept
and marked conditional; they are listed but not scored.

--demo analyzes a small embedded AWS estate: no files, no credentials.

--detail summary (the default) keeps at most 100 entries per list and marks
the identity "truncated"; counts and scores are always exact. --detail full
writes every entry, which grows quadratically in a large estate.

Formats: table (default), json (the contract, schema_version 1), markdown
(the ranking and the administrators with their paths, for a pull request or
a wiki), sarif (SARIF 2.1.0: one result per identity that can obtain
administrator of a scope, located in the snapshot file), html (one
self-contained page: summary, ranking, and the graph of each identity's
paths; opens offline).

Examples:
   blastradius analyze --demo
   blastradius analyze --demo --format html -o report.html
   blastradius analyze aws.snap.json --top 10
   blastradius analyze aws.snap.json other.snap.json --format json -o report.json
   blastradius collect aws --from-dir ./export | blastradius analyze -

Exit code 2 when a snapshot is missing or malformed (the message names the
file and the place) or an option is wrong; nothing is written then.`,
		Flags: withLogFlags(
			&cli.BoolFlag{Name: "demo", Usage: "analyze the embedded demo estate instead of snapshot files"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "report `FORMAT`: " + formatNames()},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write the report to `FILE` (- is standard output)"},
			&cli.IntFlag{Name: "top", Value: 0, Usage: "report only the first `N` identities of the ranking, the only ones whose paths are built (0: all)"},
			&cli.StringFlag{Name: "detail", Value: string(analysis.DetailSummary), Usage: "per-identity lists `LEVEL`: summary (at most 100 entries each) or full"},
			&cli.StringFlag{Name: "sensitivity", Usage: "rate resources for the score from `FILE` (YAML or JSON; see README)"},
		),
		Action: func(cCtx *cli.Context) error {
			opts, err := analyzeOptionsFrom(cCtx)
			if err != nil {
				return err
			}
			return runAnalyze(cCtx.Context, opts)
		},
	}
}

// analyzeOptionsFrom parses and validates the command line of "analyze".
func analyzeOptionsFrom(cCtx *cli.Context) (analyzeOptions, error) {
	opts := analyzeOptions{
		Providers:   providerList(cCtx),
		Snapshots:   cCtx.Args().Slice(),
		Demo:        cCtx.Bool("demo"),
		Output:      cCtx.String("output"),
		Top:         cCtx.Int("top"),
		Sensitivity: cCtx.String("sensitivity"),
		Stdin:       os.Stdin,
		Stdout:      cCtx.App.Writer,
	}
	switch {
	case opts.Demo && len(opts.Snapshots) > 0:
		return opts, usageErrorf("analyze: give snapshot files or --demo, not both")
	case !opts.Demo && len(opts.Snapshots) == 0:
		return opts, usageErrorf("analyze: no snapshot given: name one or more snapshot files, or use --demo (run 'blastradius analyze --help')")
	}
	format, err := report.ParseFormat(cCtx.String("format"))
	if err != nil {
		return opts, usageErrorf("analyze: --format: %w", err)
	}
	opts.Format = format
	detail, err := analysis.ParseDetail(cCtx.String("detail"))
	if err != nil {
		return opts, usageErrorf("analyze: --detail: %w", err)
	}
	opts.Detail = detail
	if opts.Top < 0 {
		return opts, usageErrorf("analyze: --top %d: must be 0 (all) or more", opts.Top)
	}
	return opts, nil
}

// formatNames lists the report formats for help texts ("table, json").
func formatNames() string {
	names := make([]string, 0, len(report.Formats()))
	for _, f := range report.Formats() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// runAnalyze loads the snapshots (or the demo), analyzes them and writes the report.
func runAnalyze(ctx context.Context, opts analyzeOptions) error {
	snap, err := loadSnapshots(ctx, opts)
	if err != nil {
		return err
	}
	sens, err := loadSensitivity(opts.Sensitivity)
	if err != nil {
		return err
	}
	res, err := analysis.Analyze(ctx, snap, analysis.Options{Derivers: providers.Derivers(opts.Providers), Detail: opts.Detail, Now: opts.Now, Sensitivity: sens, Top: opts.Top})
	if err != nil {
		err = fmt.Errorf("analyze: %w", err)
		if isInputError(err) {
			return usageError(err)
		}
		return err
	}
	slog.InfoContext(ctx, "analyzed", "identities", len(res.Identities))

	var buf bytes.Buffer
	ropts := report.Options{Format: opts.Format, Top: opts.Top, Detail: opts.Detail, ToolVersion: toolVersion()}
	addReportContext(&ropts, opts.Snapshots, snap, res)
	if err := report.Write(&buf, res, ropts); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	if err := writeOutput(opts.Output, buf.Bytes(), opts.Stdout); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// loadSnapshots returns the demo estate or the merge of the snapshot files.
// Unreadable or malformed files are bad input (exit 2) named in the error.
func loadSnapshots(ctx context.Context, opts analyzeOptions) (*graphmodel.Snapshot, error) {
	if opts.Demo {
		snap, err := collectors.Run(ctx, providers.Demo(opts.Providers)...)
		if err != nil {
			return nil, fmt.Errorf("analyze --demo: %w", err)
		}
		return snap, nil
	}
	parts := make([]*graphmodel.Snapshot, 0, len(opts.Snapshots))
	for _, path := range opts.Snapshots {
		data, name, err := readInput(path, opts.Stdin)
		if err != nil {
			return nil, usageError(fmt.Errorf("analyze: read snapshot: %w", err))
		}
		snap, err := graphmodel.Decode(name, data)
		if err != nil {
			return nil, usageError(fmt.Errorf("analyze: %w", err))
		}
		providers.Upgrade(opts.Providers, snap)
		slog.InfoContext(ctx, "snapshot loaded", "file", name, "nodes", len(snap.Nodes), "edges", len(snap.Edges))
		parts = append(parts, snap)
	}
	return graphmodel.Merge(parts...), nil
}

// readInput reads path, or stdin when path is "-"; it returns the data and
// the name to use in messages.
func readInput(path string, stdin io.Reader) ([]byte, string, error) {
	if path == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, "<stdin>", fmt.Errorf("<stdin>: %w", err)
		}
		return data, "<stdin>", nil
	}
	data, err := os.ReadFile(path)
	return data, path, err
}

// loadSensitivity reads a sensitivity file; "" keeps the defaults (nil).
func loadSensitivity(path string) (analysis.SensitivityFunc, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError(fmt.Errorf("read sensitivity file: %w", err))
	}
	s, err := analysis.LoadSensitivity(path, data)
	if err != nil {
		return nil, usageError(err)
	}
	return s.Func(), nil
}
