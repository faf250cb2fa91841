package providers

import (
	"context"

	"github.com/blastradius/blastradius/analysis"
	analysisgcp "github.com/blastradius/blastradius/analysis/gcp"
	"github.com/blastradius/blastradius/collectors"
	gcpcollect "github.com/blastradius/blastradius/collectors/gcp"
)

// GCP returns the GCP provider: the resource hierarchy, allow and deny
// policies, service accounts and their keys' metadata, custom roles,
// workload identity pools and the compute that runs as service accounts,
// live through the Google APIs or offline from Cloud Asset Inventory; its
// analysis applies the escalation methods of GCP IAM (analysis/gcp).
func GCP() Provider {
	return Provider{
		Name:        "gcp",
		Tags:        []string{"gcp", "cloud"},
		Summary:     "GCP IAM of an organization or projects: policies, service accounts, keys, roles, workload identity, live or from Cloud Asset Inventory exports",
		Usage:       "--organization ID | --project ID… [--save-dir DIR] | --from-file ASSETS.jsonl…",
		Description: gcpDescription,
		OfflineFlag: "from-file",
		Flags: []Flag{
			{Name: "organization", Usage: "live: walk the organization `ID` (numeric), its folders and projects", Modes: []Mode{Live}},
			{Name: "project", Kind: StringsFlag, Usage: "live: collect project `ID` (repeat for several)", Modes: []Mode{Live}},
			{Name: "save-dir", Usage: "live: also write what was read to `DIR` in the offline layout", Modes: []Mode{Live}},
			{Name: "from-file", Kind: StringsFlag, Usage: "read the Cloud Asset Inventory export `FILE` (JSON Lines or a JSON array; repeat for several)", Modes: []Mode{Offline}},
		},
		Live: func(_ context.Context, opts Options, _ Env) ([]collectors.Collector, error) {
			l, err := gcpcollect.NewLive(gcpcollect.LiveOptions{Organization: opts.String("organization"),
				Projects: opts.Strings("project"), SaveDir: opts.String("save-dir")})
			if err != nil {
				return nil, Usagef("%v", err)
			}
			return []collectors.Collector{l}, nil
		},
		Offline: func(_ context.Context, opts Options, _ Env) ([]collectors.Collector, error) {
			return []collectors.Collector{gcpcollect.NewOffline(opts.Strings("from-file"))}, nil
		},
		Kinds:   analysisgcp.Kinds(),
		Deriver: func() analysis.Deriver { return analysisgcp.New() },
		Upgrade: gcpcollect.UpgradeSnapshot,
	}
}

const gcpDescription = `Without --from-file, collects through the Google APIs with Application
Default Credentials: --organization ID walks the organization's folders and
projects, --project ID collects the projects named. Allow policies are read
at every level (requestedPolicyVersion 3), with service accounts and their
own policies, user-managed keys (age and state, never key material), custom
roles, workload identity pools and providers, and where readable buckets,
secrets (never payloads), Cloud Functions, Cloud Run services, instances and
GKE clusters with the service accounts they run as, and deny policies.
Permission denied on one API or project is a gap and the rest goes on;
calls answered 429 or 5xx are retried with backoff.

With --from-file, reads Cloud Asset Inventory exports (several files, in
any order):

   gcloud asset export --organization=ORG_ID --content-type=resource \
       --output-path=gs://BUCKET/resources.jsonl
   gcloud asset export --organization=ORG_ID --content-type=iam-policy \
       --output-path=gs://BUCKET/iam-policy.jsonl

or the JSON of gcloud asset list --format=json; field names of either
spelling (asset_type or assetType) are accepted.

Examples:
   blastradius collect gcp --organization 123456789012 -o gcp.snap.json
   blastradius collect gcp --project app-prod --project app-dev -o gcp.snap.json
   blastradius collect gcp --from-file resources.jsonl --from-file iam-policy.jsonl -o gcp.snap.json

Exit codes: 2 for bad usage or a malformed file (the message names the file
and the line), 3 when the APIs cannot be reached or, with --strict, when any
gap was recorded.`
