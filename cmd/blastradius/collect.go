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
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
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
	// FromDir is the offline export directory (gaad.json); "" collects live.
	FromDir string
	// Profile, Regions and EndpointURL configure a live collection
	// (--profile, --regions, --endpoint-url); SaveDir receives its raw
	// outputs in the offline layout (--save-dir).
	Profile     string
	Regions     string
	EndpointURL string
	SaveDir     string
	// Org collects every account of the organization (--org), assuming
	// AssumeRole in each (--assume-role), Concurrency accounts at a time
	// (--concurrency).
	Org         bool
	AssumeRole  string
	Concurrency int
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
		Usage:     "collect an AWS account live, or from an offline export",
		UsageText: "blastradius collect aws [--profile NAME] [--regions LIST|all] [--endpoint-url URL] [--save-dir DIR] [--org [--assume-role NAME] [--concurrency N]] | --from-dir DIR  [-o SNAP] [--strict]",
		Description: `Without --from-dir, collects the account of the current AWS credentials
through the AWS APIs, with the SDK's standard configuration (environment,
~/.aws/config profiles, SSO, instance and container roles). Every call is
read-only and none returns secret material; the README lists the actions
the collector needs. IAM, the S3 bucket list and Organizations are global;
the regional services (Lambda, EC2, ECS, EKS, KMS, SQS, …) are read in each
region of --regions (default: the configured region).

With --org, lists the accounts of the organization (organizations:ListAccounts)
and collects each by assuming the role --assume-role NAME in it (default
blastradius-audit: create it in every account with the README's read-only
policy), --concurrency accounts at a time, into one snapshot; the current
account is collected with its own credentials, with the Organizations tree,
SCPs and RCPs. An account whose role cannot be assumed, or whose collection
fails, is a gap; the others go on.
Throttled calls are retried with adaptive backoff. A call that fails
(AccessDenied, retries exhausted) is recorded as a gap, naming the call,
the account and the region, and the rest goes on. On a terminal, a progress
line counts the calls.

With --from-dir, reads DIR/gaad.json, the output of

   aws iam get-account-authorization-details --output json > DIR/gaad.json

and the other AWS CLI outputs the README lists. Policy documents may be JSON
objects (AWS CLI) or URL-encoded strings (raw API). References the files do
not resolve (a managed policy or group they do not define) are recorded as
gaps. --save-dir writes a live collection's raw outputs in that layout, so
that it can be replayed with --from-dir, gaps included (gaps.json); a
directory saved with --org holds one subdirectory per account, and
--from-dir reads them all.

Gaps are summarized on stderr and kept in the snapshot.

Examples:
   blastradius collect aws --profile audit --regions all -o aws.snap.json
   blastradius collect aws --regions eu-west-1,us-east-1 --save-dir ./export -o aws.snap.json
   blastradius collect aws --org --assume-role audit --regions all --save-dir ./org -o org.snap.json
   blastradius collect aws --from-dir ./export --strict -o aws.snap.json
   blastradius collect aws --from-dir ./export | blastradius analyze -

Exit codes: 2 for bad usage, or when DIR or a file in it is missing or
malformed (the message names the file and the place), 3 when collection
fails (no credentials, iam:GetAccountAuthorizationDetails denied) or, with
--strict, when any gap was recorded. Nothing is written on failure.`,
		Flags: withLogFlags(
			&cli.StringFlag{Name: "profile", Usage: "live: use the AWS shared configuration profile `NAME`"},
			&cli.StringFlag{Name: "regions", Usage: "live: collect regional resources in `LIST` (comma-separated region names) or in all enabled regions (all)"},
			&cli.StringFlag{Name: "endpoint-url", Usage: "live: send every AWS call to `URL` (an emulator or a proxy)"},
			&cli.StringFlag{Name: "save-dir", Usage: "live: also write the raw outputs to `DIR` in the offline layout (with --org, one DIR/<account id> per account)"},
			&cli.BoolFlag{Name: "org", Usage: "live: collect every account of the organization, assuming --assume-role in each"},
			&cli.StringFlag{Name: "assume-role", Usage: "live, with --org: the read-only role `NAME` to assume in each member account (default " + awscollect.DefaultAssumeRole + ")"},
			&cli.IntFlag{Name: "concurrency", Value: 4, Usage: "live: collect at most `N` accounts, and N regions of each, at once"},
			&cli.StringFlag{Name: "from-dir", Usage: "read the offline export in `DIR` (gaad.json) instead of the AWS APIs"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write the snapshot to `SNAP` (- is standard output)"},
			&cli.BoolFlag{Name: "strict", Usage: "fail (exit 3, write nothing) when any gap was recorded"},
		),
		Action: func(cCtx *cli.Context) error {
			if cCtx.Args().Present() {
				return usageErrorf("collect aws: unexpected argument %q (the export directory is given with --from-dir DIR)", cCtx.Args().First())
			}
			return runCollectAWS(cCtx.Context, collectAWSOptions{
				FromDir:     cCtx.String("from-dir"),
				Profile:     cCtx.String("profile"),
				Regions:     cCtx.String("regions"),
				EndpointURL: cCtx.String("endpoint-url"),
				SaveDir:     cCtx.String("save-dir"),
				Org:         cCtx.Bool("org"),
				AssumeRole:  cCtx.String("assume-role"),
				Concurrency: cCtx.Int("concurrency"),
				Output:      cCtx.String("output"),
				Strict:      cCtx.Bool("strict"),
				Stdout:      cCtx.App.Writer,
				Stderr:      cCtx.App.ErrWriter,
			})
		},
	}
}

// runCollectAWS collects an AWS account, live or from an offline export,
// and writes the snapshot.
func runCollectAWS(ctx context.Context, opts collectAWSOptions) error {
	if opts.FromDir == "" {
		return runCollectAWSLive(ctx, opts)
	}
	if opts.Org {
		return usageErrorf("collect aws: --org is for live collection and cannot be used with --from-dir (a directory saved with --org is read with --from-dir alone)")
	}
	for _, f := range []struct{ flag, value string }{
		{"--profile", opts.Profile}, {"--regions", opts.Regions}, {"--endpoint-url", opts.EndpointURL}, {"--save-dir", opts.SaveDir},
		{"--assume-role", opts.AssumeRole},
	} {
		if f.value != "" {
			return usageErrorf("collect aws: %s is for live collection and cannot be used with --from-dir", f.flag)
		}
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
	dirs, err := accountDirs(opts.FromDir)
	if err != nil {
		return usageErrorf("collect aws: --from-dir %s: %w", opts.FromDir, err)
	}
	var cs []collectors.Collector
	for _, dir := range dirs {
		cs = append(cs, awscollect.NewOffline(os.DirFS(dir), dir))
	}
	snap, err := collectors.Run(ctx, cs...)
	if err != nil {
		// collectors.Run names the collector ("collect aws: …").
		if isInputError(err) {
			return usageError(err)
		}
		return collectError(err)
	}
	return finishCollect(ctx, "collect aws", snap, opts.Output, opts.Strict, opts.Stdout, opts.Stderr)
}

// accountDirs returns the export directories of --from-dir DIR: DIR
// itself when it holds gaad.json, else its subdirectories that do (a
// directory saved with --org --save-dir: one per account), in name order.
func accountDirs(dir string) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, awscollect.GAADFile)); err == nil {
		return []string{dir}, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, e := range entries {
		sub := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(sub, awscollect.GAADFile)); e.IsDir() && err == nil {
			dirs = append(dirs, sub)
		}
	}
	if len(dirs) == 0 {
		// The offline reader names the missing gaad.json.
		return []string{dir}, nil
	}
	return dirs, nil
}

// runCollectAWSLive collects the account of the current AWS credentials
// through the AWS APIs and writes the snapshot.
func runCollectAWSLive(ctx context.Context, opts collectAWSOptions) error {
	regions, err := parseRegions(opts.Regions)
	if err != nil {
		return usageErrorf("collect aws: --regions: %w", err)
	}
	if opts.EndpointURL != "" {
		if err := awscollect.CheckEndpointURL(opts.EndpointURL); err != nil {
			return usageErrorf("collect aws: --endpoint-url: %w", err)
		}
	}
	if opts.AssumeRole != "" && !opts.Org {
		return usageErrorf("collect aws: --assume-role is for --org")
	}
	if opts.AssumeRole != "" && !awscollect.ValidRoleName(opts.AssumeRole) {
		return usageErrorf("collect aws: --assume-role %q is not an IAM role name", opts.AssumeRole)
	}
	if opts.Concurrency < 1 || opts.Concurrency > 64 {
		return usageErrorf("collect aws: --concurrency %d: want 1 to 64", opts.Concurrency)
	}
	if opts.SaveDir != "" {
		if fi, err := os.Stat(opts.SaveDir); err == nil && !fi.IsDir() {
			return usageErrorf("collect aws: --save-dir %s: not a directory", opts.SaveDir)
		}
	}
	cfg, err := awscollect.LoadConfig(ctx, awscollect.ConfigOptions{Profile: opts.Profile, EndpointURL: opts.EndpointURL})
	if err != nil {
		return collectError(fmt.Errorf("collect aws: %w", err))
	}
	live := awscollect.LiveOptions{Regions: regions, SaveDir: opts.SaveDir, AssumeRole: opts.AssumeRole, Concurrency: opts.Concurrency}
	if p := newProgress(opts.Stderr); p != nil {
		live.Progress = p.collect
		defer p.end()
	}
	slog.InfoContext(ctx, "collecting", "collector", "aws", "mode", "live", "profile", opts.Profile, "regions", opts.Regions, "org", opts.Org)
	var snap *graphmodel.Snapshot
	if opts.Org {
		var frags []graphmodel.Fragment
		if frags, err = awscollect.NewLive(cfg, live).CollectOrg(ctx); err == nil {
			snap = graphmodel.NewSnapshot(frags...)
		} else {
			err = fmt.Errorf("collect aws: %w", err)
		}
	} else {
		snap, err = collectors.Run(ctx, awscollect.NewLive(cfg, live))
	}
	if err != nil {
		if badinput.Is(err) {
			return usageError(err)
		}
		return collectError(err)
	}
	return finishCollect(ctx, "collect aws", snap, opts.Output, opts.Strict, opts.Stdout, opts.Stderr)
}

// parseRegions reads --regions: "" (the configured region), "all", or a
// comma-separated list of region names.
func parseRegions(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if strings.TrimSpace(s) == awscollect.AllRegions {
		return []string{awscollect.AllRegions}, nil
	}
	var regions []string
	for _, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		switch {
		case r == "":
			continue
		case r == awscollect.AllRegions:
			return nil, fmt.Errorf("%q: all cannot be combined with region names", s)
		case !awscollect.ValidRegion(r):
			return nil, fmt.Errorf("%q is not a region name (e.g. eu-west-1)", r)
		}
		regions = append(regions, r)
	}
	if len(regions) == 0 {
		return nil, fmt.Errorf("%q names no region", s)
	}
	return regions, nil
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
