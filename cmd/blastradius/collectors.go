package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/providers"
)

// collectorsListOptions are the options of "collectors list".
type collectorsListOptions struct {
	Providers []providers.Provider
	Stdout    io.Writer
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
				return runCollectorsList(cCtx.Context, collectorsListOptions{Providers: providerList(cCtx), Stdout: cCtx.App.Writer})
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
	for _, p := range opts.Providers {
		if p.Live == nil && p.Offline == nil {
			continue
		}
		var modes []string
		for _, m := range p.Modes() {
			modes = append(modes, string(m))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name, strings.Join(p.Tags, ","), strings.Join(modes, ","), p.Summary)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("collectors list: %w", err)
	}
	return nil
}
