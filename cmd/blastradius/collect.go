package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/graphmodel"
)

// maxGapLines bounds the gaps listed on stderr; the snapshot keeps them all.
const maxGapLines = 20

func collectCommand() *cli.Command {
	return &cli.Command{
		Name:      "collect",
		Usage:     "collect the facts of one source into a snapshot",
		UsageText: "blastradius collect SOURCE [options] -o SNAP",
		Description: `Reads one source (a live API or an offline export) and writes a snapshot:
versioned JSON holding identities, policies, trust and memberships, plus the
gaps the collector could not see. Analyze the snapshot later with
"blastradius analyze SNAP"; several snapshots can be analyzed together.

"blastradius collectors list" shows the sources this build knows.`,
		Subcommands: []*cli.Command{collectAWSCommand()},
		Action: func(cCtx *cli.Context) error {
			if cCtx.Args().Present() {
				return usageErrorf("collect: unknown source %q (run 'blastradius collectors list')", cCtx.Args().First())
			}
			return usageErrorf("collect: name a source, e.g. 'blastradius collect aws --from-dir DIR -o SNAP' (run 'blastradius collect --help')")
		},
	}
}

// collectAWSOptions are the options of "collect aws".
type collectAWSOptions struct {
	// FromDir is the offline export directory (gaad.json).
	FromDir string
	// Output is the snapshot path; "" or "-" is stdout.
	Output string
	// Strict turns any gap into a failure (exit 3) and writes nothing.
	Strict bool
	Stdout io.Writer
	Stderr io.Writer
}

func collectAWSCommand() *cli.Command {
	return &cli.Command{
		Name:      "aws",
		Usage:     "collect AWS IAM from an offline export",
		UsageText: "blastradius collect aws --from-dir DIR [-o SNAP] [--strict]",
		Description: `Reads DIR/gaad.json, the output of

   aws iam get-account-authorization-details --output json > DIR/gaad.json

and writes a snapshot. Policy documents may be JSON objects (AWS CLI) or
URL-encoded strings (raw API). References the file does not resolve (a
managed policy or group it does not define) are recorded as gaps, summarized
on stderr and kept in the snapshot.

Examples:
   blastradius collect aws --from-dir ./export -o aws.snap.json
   blastradius collect aws --from-dir ./export --strict -o aws.snap.json
   blastradius collect aws --from-dir ./export | blastradius analyze -

Exit codes: 2 when DIR or gaad.json is missing or malformed (the message
names the file and the place), 3 when collection fails or, with --strict,
when any gap was recorded. Nothing is written on failure.`,
		Flags: withLogFlags(
			&cli.StringFlag{Name: "from-dir", Usage: "read the offline export in `DIR` (gaad.json)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write the snapshot to `SNAP` (- is standard output)"},
			&cli.BoolFlag{Name: "strict", Usage: "fail (exit 3, write nothing) when any gap was recorded"},
		),
		Action: func(cCtx *cli.Context) error {
			if cCtx.Args().Present() {
				return usageErrorf("collect aws: unexpected argument %q (the export directory is given with --from-dir DIR)", cCtx.Args().First())
			}
			return runCollectAWS(cCtx.Context, collectAWSOptions{
				FromDir: cCtx.String("from-dir"),
				Output:  cCtx.String("output"),
				Strict:  cCtx.Bool("strict"),
				Stdout:  cCtx.App.Writer,
				Stderr:  cCtx.App.ErrWriter,
			})
		},
	}
}

// runCollectAWS collects an AWS offline export and writes the snapshot.
func runCollectAWS(ctx context.Context, opts collectAWSOptions) error {
	if opts.FromDir == "" {
		return usageErrorf("collect aws: live collection is not available in this build; give --from-dir DIR (a directory holding gaad.json)")
	}
	fi, err := os.Stat(opts.FromDir)
	if errors.Is(err, fs.ErrNotExist) {
		return usageErrorf("collect aws: --from-dir %s: no such directory", opts.FromDir)
	}
	if err != nil {
		return usageErrorf("collect aws: --from-dir %s: %w", opts.FromDir, err)
	}
	if !fi.IsDir() {
		return usageErrorf("collect aws: --from-dir %s: not a directory", opts.FromDir)
	}

	slog.InfoContext(ctx, "collecting", "collector", "aws", "from_dir", opts.FromDir)
	snap, err := collectors.Run(ctx, awscollect.NewOffline(os.DirFS(opts.FromDir), opts.FromDir))
	if err != nil {
		// collectors.Run names the collector ("collect aws: …").
		if isInputError(err) {
			return usageError(err)
		}
		return collectError(err)
	}
	return finishCollect(ctx, "collect aws", snap, opts.Output, opts.Strict, opts.Stdout, opts.Stderr)
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
