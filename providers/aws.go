package providers

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/blastradius/blastradius/analysis"
	analysisaws "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/fixtures"
	"github.com/blastradius/blastradius/graphmodel"
)

// awsDemoOrigin names the AWS part of the demo estate in snapshots.
const awsDemoOrigin = "demo/aws"

// AWS returns the AWS provider: IAM, resources, resource policies and
// Organizations, live through the SDK or offline from AWS CLI outputs.
func AWS() Provider {
	return Provider{
		Name:        "aws",
		Tags:        []string{"aws", "cloud"},
		Summary:     "AWS IAM, resources, resource policies and Organizations of one account, live or from CLI exports",
		Usage:       "[--profile NAME] [--regions LIST|all] [--endpoint-url URL] [--save-dir DIR] [--org [--assume-role NAME] [--concurrency N]] | --from-dir DIR [--region REGION]",
		Description: awsDescription,
		OfflineFlag: "from-dir",
		Flags: []Flag{
			{Name: "profile", Usage: "live: use the AWS shared configuration profile `NAME`", Modes: []Mode{Live}},
			{Name: "regions", Usage: "live: collect regional resources in `LIST` (comma-separated region names) or in all enabled regions (all)", Modes: []Mode{Live}},
			{Name: "endpoint-url", Usage: "live: send every AWS call to `URL` (an emulator or a proxy)", Modes: []Mode{Live}},
			{Name: "save-dir", Usage: "live: also write the raw outputs to `DIR` in the offline layout (with --org, one DIR/<account id> per account)", Modes: []Mode{Live}},
			{Name: "org", Kind: BoolFlag, Usage: "live: collect every account of the organization, assuming --assume-role in each", Modes: []Mode{Live}},
			{Name: "assume-role", Usage: "live, with --org: the read-only role `NAME` to assume in each member account (default " + awscollect.DefaultAssumeRole + ")", Modes: []Mode{Live}},
			{Name: "concurrency", Kind: IntFlag, Default: 4, Usage: "live: collect at most `N` accounts, and N regions of each, at once", Modes: []Mode{Live}},
			{Name: "from-dir", Usage: "read the offline export in `DIR` (gaad.json) instead of the AWS APIs", Modes: []Mode{Offline}},
			{Name: "region", Usage: "with --from-dir: the `REGION` of the outputs that carry none (files in DIR/<region>/ take their directory's)", Modes: []Mode{Offline}},
		},
		Live:    awsLive,
		Offline: awsOffline,
		Kinds:   analysisaws.Kinds(),
		Deriver: func() analysis.Deriver { return analysisaws.New() },
		Demo: func() []collectors.Collector {
			return []collectors.Collector{awscollect.NewOffline(fixtures.DemoAWS(), awsDemoOrigin)}
		},
		Upgrade: awscollect.UpgradeSnapshot,
	}
}

const awsDescription = `Without --from-dir, collects the account of the current AWS credentials
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

and the other AWS CLI outputs the README lists. The CLI prints no region in
some outputs (describe-launch-templates, get-dev-endpoints, get-jobs,
describe-stack-set, …): put each region's files in DIR/<region>/, or give
--region for the files that carry none; an item whose region neither says
is a gap. Policy documents may be JSON
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
--strict, when any gap was recorded. Nothing is written on failure.`

// awsOffline reads --from-dir DIR: one account's export, or one
// subdirectory per account (a directory saved with --org --save-dir).
func awsOffline(_ context.Context, opts Options, _ Env) ([]collectors.Collector, error) {
	dir := opts.String("from-dir")
	region := opts.String("region")
	if region != "" && !awscollect.ValidRegion(region) {
		return nil, Usagef("--region %q is not a region name (e.g. eu-west-1)", region)
	}
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Usagef("--from-dir %s: no such directory", dir)
	}
	if err != nil {
		return nil, Usagef("--from-dir %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, Usagef("--from-dir %s: not a directory", dir)
	}
	dirs, err := accountDirs(dir)
	if err != nil {
		return nil, Usagef("--from-dir %s: %w", dir, err)
	}
	var cs []collectors.Collector
	for _, d := range dirs {
		cs = append(cs, awscollect.NewOffline(os.DirFS(d), d).WithRegion(region))
	}
	return cs, nil
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

// awsLive collects the account of the current credentials, or with --org
// every account of its organization.
func awsLive(ctx context.Context, opts Options, env Env) ([]collectors.Collector, error) {
	regions, err := parseRegions(opts.String("regions"))
	if err != nil {
		return nil, Usagef("--regions: %w", err)
	}
	endpoint := opts.String("endpoint-url")
	if endpoint != "" {
		if err := awscollect.CheckEndpointURL(endpoint); err != nil {
			return nil, Usagef("--endpoint-url: %w", err)
		}
	}
	org, role := opts.Bool("org"), opts.String("assume-role")
	if role != "" && !org {
		return nil, Usagef("--assume-role is for --org")
	}
	if role != "" && !awscollect.ValidRoleName(role) {
		return nil, Usagef("--assume-role %q is not an IAM role name", role)
	}
	concurrency, err := concurrencyOf(opts)
	if err != nil {
		return nil, err
	}
	saveDir := opts.String("save-dir")
	if saveDir != "" {
		if fi, err := os.Stat(saveDir); err == nil && !fi.IsDir() {
			return nil, Usagef("--save-dir %s: not a directory", saveDir)
		}
	}
	cfg, err := awscollect.LoadConfig(ctx, awscollect.ConfigOptions{Profile: opts.String("profile"), EndpointURL: endpoint})
	if err != nil {
		return nil, err
	}
	live := awscollect.NewLive(cfg, awscollect.LiveOptions{Regions: regions, SaveDir: saveDir, AssumeRole: role,
		Concurrency: concurrency, Progress: env.Progress})
	if org {
		return []collectors.Collector{awsOrg{live}}, nil
	}
	return []collectors.Collector{live}, nil
}

// awsOrg collects every account of an organization, one fragment each.
type awsOrg struct{ live *awscollect.Live }

// Name returns "aws".
func (o awsOrg) Name() string { return o.live.Name() }

// CollectAll collects the organization (collectors.MultiCollector).
func (o awsOrg) CollectAll(ctx context.Context) ([]graphmodel.Fragment, error) {
	return o.live.CollectOrg(ctx)
}

// Collect collects the organization into one fragment's worth: only when
// it has a single account; Run calls CollectAll.
func (o awsOrg) Collect(ctx context.Context) (graphmodel.Fragment, error) {
	frags, err := o.CollectAll(ctx)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	if len(frags) != 1 {
		return graphmodel.Fragment{}, fmt.Errorf("an organization of %d accounts yields %d fragments: use CollectAll", len(frags), len(frags))
	}
	return frags[0], nil
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
