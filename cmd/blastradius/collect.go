package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/providers"
)

// maxGapLines bounds the gaps listed on stderr; the snapshot keeps them all.
const maxGapLines = 20

func collectCommand(list []providers.Provider) *cli.Command {
	var subcommands []*cli.Command
	for _, p := range list {
		if p.Live != nil || p.Offline != nil {
			subcommands = append(subcommands, collectProviderCommand(p))
		}
	}
	return &cli.Command{
		Name:      "collect",
		Usage:     "collect the facts of one source into a snapshot",
		UsageText: "blastradius collect SOURCE [options] -o SNAP",
		Description: `Reads one source (a live API or an offline export) and writes a snapshot:
versioned JSON holding identities, policies, trust and memberships, plus the
gaps the collector could not see. Analyze the snapshot later with
"blastradius analyze SNAP"; several snapshots can be analyzed together.

"blastradius collectors list" shows the sources this build knows.`,
		Subcommands: subcommands,
		Action: func(cCtx *cli.Context) error {
			if cCtx.Args().Present() {
				return usageErrorf("collect: unknown source %q (run 'blastradius collectors list')", cCtx.Args().First())
			}
			return usageErrorf("collect: name a source, e.g. 'blastradius collect aws --from-dir DIR -o SNAP' (run 'blastradius collect --help')")
		},
	}
}

// collectOptions are the options of "collect <provider>".
type collectOptions struct {
	// Provider is the provider collected.
	Provider providers.Provider
	// Flags are the values of the provider's own flags.
	Flags providers.Options
	// Output is the snapshot path; "" or "-" is stdout.
	Output string
	// Strict turns any gap into a failure (exit 3) and writes nothing.
	Strict bool
	Stdout io.Writer
	Stderr io.Writer
}

// collectProviderCommand is "collect <name>" for one provider of the list:
// its flags, then the common -o and --strict.
func collectProviderCommand(p providers.Provider) *cli.Command {
	flags := make([]cli.Flag, 0, len(p.Flags)+2)
	for _, f := range p.Flags {
		flags = append(flags, cliFlag(f))
	}
	flags = append(flags,
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write the snapshot to `SNAP` (- is standard output)"},
		&cli.BoolFlag{Name: "strict", Usage: "fail (exit 3, write nothing) when any gap was recorded"},
	)
	return &cli.Command{
		Name:        p.Name,
		Usage:       "collect " + p.Summary,
		UsageText:   "blastradius collect " + p.Name + " " + p.Usage + " [-o SNAP] [--strict]",
		Description: p.Description,
		Flags:       withLogFlags(flags...),
		Action: func(cCtx *cli.Context) error {
			if cCtx.Args().Present() {
				hint := ""
				if p.OfflineFlag != "" {
					hint = fmt.Sprintf(" (files are given with --%s)", p.OfflineFlag)
				}
				return usageErrorf("collect %s: unexpected argument %q%s", p.Name, cCtx.Args().First(), hint)
			}
			return runCollect(cCtx.Context, collectOptions{
				Provider: p,
				Flags:    cliOptions{cCtx},
				Output:   cCtx.String("output"),
				Strict:   cCtx.Bool("strict"),
				Stdout:   cCtx.App.Writer,
				Stderr:   cCtx.App.ErrWriter,
			})
		},
	}
}

// runCollect picks the provider's mode from its flags, runs its collectors
// and writes the snapshot.
func runCollect(ctx context.Context, opts collectOptions) error {
	p := opts.Provider
	what := "collect " + p.Name
	mode := providers.Live
	if p.OfflineFlag != "" && opts.Flags.IsSet(p.OfflineFlag) {
		mode = providers.Offline
	}
	factory := p.Live
	if mode == providers.Offline {
		factory = p.Offline
	}
	if factory == nil {
		if p.OfflineFlag != "" {
			return usageErrorf("%s: only --%s is supported: name the files to read", what, p.OfflineFlag)
		}
		return usageErrorf("%s: no %s collection", what, mode)
	}
	for _, f := range p.Flags {
		if !opts.Flags.IsSet(f.Name) || len(f.Modes) == 0 || slices.Contains(f.Modes, mode) {
			continue
		}
		if mode == providers.Offline {
			return usageErrorf("%s: --%s is for live collection and cannot be used with --%s", what, f.Name, p.OfflineFlag)
		}
		return usageErrorf("%s: --%s is for offline collection (with --%s)", what, f.Name, p.OfflineFlag)
	}
	env := providers.Env{}
	if p := newProgress(opts.Stderr); p != nil {
		env.Progress = p.collect
		defer p.end()
	}
	slog.InfoContext(ctx, "collecting", "collector", p.Name, "mode", mode)
	cs, err := factory(ctx, opts.Flags, env)
	if err != nil {
		err = fmt.Errorf("%s: %w", what, err)
		if errors.Is(err, providers.ErrUsage) || isInputError(err) {
			return usageError(err)
		}
		return collectError(err)
	}
	snap, err := collectors.Run(ctx, cs...)
	if err != nil {
		// collectors.Run names the collector ("collect aws: …").
		if isInputError(err) {
			return usageError(err)
		}
		return collectError(err)
	}
	return finishCollect(ctx, what, snap, opts.Output, opts.Strict, opts.Stdout, opts.Stderr)
}

// finishCollect summarizes a collected snapshot on stderr and writes it,
// unless strict is set and gaps were recorded.
func finishCollect(ctx context.Context, what string, snap *graphmodel.Snapshot, output string, strict bool, stdout, stderr io.Writer) error {
	gaps := snap.Gaps()
	fmt.Fprintf(stderr, "collected %d nodes, %d edges, %d gaps\n", len(snap.Nodes), len(snap.Edges), len(gaps))
	for i, g := range gaps {
		if i == maxGapLines {
			fmt.Fprintf(stderr, "  … and %d more gaps (all are in the snapshot)\n", len(gaps)-i)
			break
		}
		fmt.Fprintf(stderr, "  gap: %s: %s", g.What, g.Reason)
		if g.Where != "" {
			fmt.Fprintf(stderr, " (%s)", g.Where)
		}
		fmt.Fprintln(stderr)
	}
	if strict && len(gaps) > 0 {
		return collectError(fmt.Errorf("%s: --strict: %d gaps recorded; no snapshot written", what, len(gaps)))
	}

	var buf bytes.Buffer
	if err := graphmodel.Encode(&buf, snap); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := writeOutput(output, buf.Bytes(), stdout); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	slog.InfoContext(ctx, "snapshot written", "output", output, "bytes", buf.Len())
	return nil
}
