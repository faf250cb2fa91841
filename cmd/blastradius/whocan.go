package main

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/providers"
	"github.com/blastradius/blastradius/report"
)

// whoCanOptions are the options of "who-can".
type whoCanOptions struct {
	Source   analyzeOptions
	Action   string
	Resource string
	Format   report.Format
	Detail   analysis.Detail
	Output   string
}

func whoCanCommand() *cli.Command {
	return &cli.Command{
		Name:      "who-can",
		Usage:     "list every identity that can perform an action on a resource, directly or through a chain",
		UsageText: "blastradius who-can SNAP... --action ACTION --resource ID [--format table|json] [--detail summary|full] [-o FILE]",
		Description: `Lists every identity that can perform ACTION on the resource ID: by its own
policies or the resource's policy, by becoming an identity that can, or by
administering the account that holds the resource. Each answer carries its
path; --detail full prints every hop with its evidence. For an S3 bucket,
an object action (s3:GetObject) asks about the bucket's objects.

Examples:
   blastradius who-can aws.snap.json --action s3:GetObject --resource arn:aws:s3:::acme-data-lake
   blastradius who-can --demo --action sts:AssumeRole --resource arn:aws:iam::111122223333:role/terraform-apply --detail full`,
		Flags: withLogFlags(
			&cli.BoolFlag{Name: "demo", Usage: "query the embedded demo estate instead of snapshot files"},
			&cli.StringFlag{Name: "action", Usage: "the `ACTION`, e.g. s3:GetObject", Required: true},
			&cli.StringFlag{Name: "resource", Usage: "the resource `ID` (an ARN for AWS)", Required: true},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "`FORMAT`: table or json"},
			&cli.StringFlag{Name: "detail", Value: string(analysis.DetailSummary), Usage: "`LEVEL`: summary, or full for every hop"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write to `FILE` (- is standard output)"},
		),
		Action: func(cCtx *cli.Context) error {
			opts := whoCanOptions{
				Source:   analyzeOptions{Providers: providerList(cCtx), Snapshots: cCtx.Args().Slice(), Demo: cCtx.Bool("demo"), Stdin: os.Stdin, Stdout: cCtx.App.Writer},
				Action:   cCtx.String("action"),
				Resource: cCtx.String("resource"),
				Output:   cCtx.String("output"),
			}
			if err := checkSource(opts.Source, "who-can"); err != nil {
				return err
			}
			format, err := queryFormat(cCtx.String("format"), "who-can")
			if err != nil {
				return err
			}
			opts.Format = format
			detail, err := analysis.ParseDetail(cCtx.String("detail"))
			if err != nil {
				return usageErrorf("who-can: --detail: %w", err)
			}
			opts.Detail = detail
			return runWhoCan(cCtx.Context, opts)
		},
	}
}

// runWhoCan analyzes the estate and writes who can perform the action.
func runWhoCan(ctx context.Context, opts whoCanOptions) error {
	snap, err := loadSnapshots(ctx, opts.Source)
	if err != nil {
		return err
	}
	list, err := analysis.WhoCan(ctx, snap, analysis.Options{Derivers: providers.Derivers(opts.Source.Providers)}, opts.Action, opts.Resource)
	if err != nil {
		return queryError("who-can", err)
	}
	var buf bytes.Buffer
	doc := report.WhoCanDocument{Action: opts.Action, Resource: opts.Resource, Identities: list}
	if err := report.WriteWhoCan(&buf, doc, opts.Format, opts.Detail); err != nil {
		return fmt.Errorf("who-can: %w", err)
	}
	return writeOutput(opts.Output, buf.Bytes(), opts.Source.Stdout)
}
