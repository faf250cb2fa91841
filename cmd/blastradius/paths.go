package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/providers"
	"github.com/blastradius/blastradius/report"
)

// pathsOptions are the options of "paths".
type pathsOptions struct {
	Source  analyzeOptions
	From    string
	To      string
	ToAdmin bool
	Format  report.Format
	Output  string
}

func pathsCommand() *cli.Command {
	return &cli.Command{
		Name:      "paths",
		Usage:     "show the shortest paths from an identity, with the evidence of every hop",
		UsageText: "blastradius paths SNAP... --from ID (--to ID | --to-admin) [--format table|json] [-o FILE]\nblastradius paths --demo --from ID --to-admin",
		Description: `Prints the shortest path from one identity to another node (--to) or to
every scope it can administer (--to-admin), each hop with the policy
statement, trust or grant that allows it. A certain path is preferred; when
only a conditional one exists it is shown and marked. IDs are the full IDs
of the analysis (ARNs for AWS).

Examples:
   blastradius paths aws.snap.json --from arn:aws:iam::111122223333:user/carol.diaz --to-admin
   blastradius paths --demo --from github:repo:acme/* --to arn:aws:iam::111122223333:role/terraform-apply`,
		Flags: withLogFlags(
			&cli.BoolFlag{Name: "demo", Usage: "query the embedded demo estate instead of snapshot files"},
			&cli.StringFlag{Name: "from", Usage: "the identity `ID` to start from", Required: true},
			&cli.StringFlag{Name: "to", Usage: "the target node `ID`"},
			&cli.BoolFlag{Name: "to-admin", Usage: "paths to every scope the identity can administer"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "`FORMAT`: table or json"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write to `FILE` (- is standard output)"},
		),
		Action: func(cCtx *cli.Context) error {
			opts := pathsOptions{
				Source: analyzeOptions{Providers: providerList(cCtx), Snapshots: cCtx.Args().Slice(), Demo: cCtx.Bool("demo"), Stdin: os.Stdin, Stdout: cCtx.App.Writer},
				From:   cCtx.String("from"), To: cCtx.String("to"), ToAdmin: cCtx.Bool("to-admin"),
				Output: cCtx.String("output"),
			}
			if (opts.To == "") == !opts.ToAdmin {
				return usageErrorf("paths: give exactly one of --to ID and --to-admin")
			}
			if err := checkSource(opts.Source, "paths"); err != nil {
				return err
			}
			format, err := queryFormat(cCtx.String("format"), "paths")
			if err != nil {
				return err
			}
			opts.Format = format
			return runPaths(cCtx.Context, opts)
		},
	}
}

// runPaths analyzes the estate and writes the paths asked for.
func runPaths(ctx context.Context, opts pathsOptions) error {
	snap, err := loadSnapshots(ctx, opts.Source)
	if err != nil {
		return err
	}
	g, err := analysis.Prepare(ctx, snap, analysis.Options{Derivers: providers.Derivers(opts.Source.Providers)})
	if err != nil {
		return fmt.Errorf("paths: %w", err)
	}
	list, err := g.Paths(opts.From, opts.To)
	if err != nil {
		return queryError("paths", err)
	}
	var buf bytes.Buffer
	doc := report.PathsDocument{From: opts.From, To: opts.To, ToAdmin: opts.ToAdmin, Paths: list}
	if err := report.WritePaths(&buf, doc, opts.Format); err != nil {
		return fmt.Errorf("paths: %w", err)
	}
	return writeOutput(opts.Output, buf.Bytes(), opts.Source.Stdout)
}

// checkSource validates the choice between snapshot files and --demo.
func checkSource(src analyzeOptions, cmd string) error {
	switch {
	case src.Demo && len(src.Snapshots) > 0:
		return usageErrorf("%s: give snapshot files or --demo, not both", cmd)
	case !src.Demo && len(src.Snapshots) == 0:
		return usageErrorf("%s: no snapshot given: name one or more snapshot files, or use --demo", cmd)
	}
	return nil
}

// queryFormat accepts the formats of the query commands: table and json.
func queryFormat(s, cmd string) (report.Format, error) {
	f, err := report.ParseFormat(s)
	if err != nil || (f != report.FormatTable && f != report.FormatJSON) {
		return "", usageErrorf("%s: --format %q: want table or json", cmd, s)
	}
	return f, nil
}

// queryError makes an unknown ID bad usage (exit 2).
func queryError(cmd string, err error) error {
	var unknown *analysis.UnknownNodeError
	if errors.As(err, &unknown) {
		return usageErrorf("%s: %w", cmd, err)
	}
	return fmt.Errorf("%s: %w", cmd, err)
}
