package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/providers"
)

// techniquesListOptions are the options of "techniques list".
type techniquesListOptions struct {
	Providers []providers.Provider
	// Provider keeps one provider's techniques ("" for all).
	Provider string
	// JSON writes the catalogue as JSON instead of a table.
	JSON   bool
	Stdout io.Writer
}

func techniquesCommand() *cli.Command {
	return &cli.Command{
		Name:      "techniques",
		Usage:     "show the catalogue of techniques that paths and escalations cite",
		UsageText: "blastradius techniques list [--provider NAME] [--format table|json]",
		Subcommands: []*cli.Command{{
			Name:  "list",
			Usage: "list every technique with its provider, category, MITRE ATT&CK id and description",
			Description: `Every hop of a path names a technique: an id of a public catalogue where
one exists (iam-001 … sts-001: pathfinding.cloud), else a descriptive name.
A two-step technique (iam-014) names its steps. Hops to resources are named
by the action that proves the access (s3:GetObject) and are not listed.

Examples:
   blastradius techniques list
   blastradius techniques list --provider aws --format json`,
			UsageText: "blastradius techniques list [--provider NAME] [--format table|json]",
			Flags: withLogFlags(
				&cli.StringFlag{Name: "provider", Usage: "only the techniques of provider `NAME`"},
				&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "`FORMAT`: table or json"},
			),
			Action: func(cCtx *cli.Context) error {
				if cCtx.Args().Present() {
					return usageErrorf("techniques list: unexpected argument %q", cCtx.Args().First())
				}
				opts := techniquesListOptions{Providers: providerList(cCtx), Provider: cCtx.String("provider"), Stdout: cCtx.App.Writer}
				switch cCtx.String("format") {
				case "table":
				case "json":
					opts.JSON = true
				default:
					return usageErrorf("techniques list: --format %q: want table or json", cCtx.String("format"))
				}
				return runTechniquesList(cCtx.Context, opts)
			},
		}},
		Action: func(cCtx *cli.Context) error {
			if cCtx.Args().Present() {
				return usageErrorf("techniques: unknown command %q (did you mean 'techniques list'?)", cCtx.Args().First())
			}
			return usageErrorf("techniques: missing command (did you mean 'techniques list'?)")
		},
	}
}

// runTechniquesList prints the catalogue of the generic passes and of every
// provider's analysis.
func runTechniquesList(_ context.Context, opts techniquesListOptions) error {
	var list []graphmodel.Technique
	for _, t := range analysis.Techniques(providers.Derivers(opts.Providers)) {
		if opts.Provider == "" || string(t.Provider) == opts.Provider {
			list = append(list, t)
		}
	}
	if len(list) == 0 {
		return usageErrorf("techniques list: no technique of provider %q", opts.Provider)
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			return fmt.Errorf("techniques list: %w", err)
		}
		return nil
	}
	tw := tabwriter.NewWriter(opts.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPROVIDER\tCATEGORY\tATT&CK\tDESCRIPTION")
	for _, t := range list {
		desc := t.Description
		if len(t.Steps) == 2 {
			desc += " (" + strings.Join(t.Steps, " then ") + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, dash(string(t.Provider)), t.Category, dash(t.Attack), desc)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("techniques list: %w", err)
	}
	return nil
}

// dash returns s, or "-" when it is empty.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
