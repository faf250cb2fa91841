package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
)

// collectorsListOptions are the options of "collectors list".
type collectorsListOptions struct {
	Stdout io.Writer
}

func collectorsCommand() *cli.Command {
	return &cli.Command{
		Name:      "collectors",
		Usage:     "show the collectors this build knows",
		UsageText: "blastradius collectors list",
		Subcommands: []*cli.Command{{
			Name:      "list",
			Usage:     "list collectors with their tags, modes and a summary",
			UsageText: "blastradius collectors list",
			Flags:     withLogFlags(),
			Action: func(cCtx *cli.Context) error {
				if cCtx.Args().Present() {
					return usageErrorf("collectors list: unexpected argument %q", cCtx.Args().First())
				}
				return runCollectorsList(cCtx.Context, collectorsListOptions{Stdout: cCtx.App.Writer})
			},
		}},
		Action: func(cCtx *cli.Context) error {
			if cCtx.Args().Present() {
				return usageErrorf("collectors: unknown command %q (did you mean 'collectors list'?)", cCtx.Args().First())
			}
			return usageErrorf("collectors: missing command (did you mean 'collectors list'?)")
		},
	}
}

// runCollectorsList prints the registry as an aligned table.
func runCollectorsList(_ context.Context, opts collectorsListOptions) error {
	tw := tabwriter.NewWriter(opts.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTAGS\tMODES\tSUMMARY")
	for _, e := range collectorRegistry() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Name, strings.Join(e.Tags, ","), strings.Join(e.Modes, ","), e.Summary)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("collectors list: %w", err)
	}
	return nil
}
