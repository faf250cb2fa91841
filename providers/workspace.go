package providers

import (
	"context"
	"os"

	"github.com/blastradius/blastradius/analysis"
	analysisworkspace "github.com/blastradius/blastradius/analysis/workspace"
	"github.com/blastradius/blastradius/collectors"
	wscollect "github.com/blastradius/blastradius/collectors/workspace"
)

// Workspace returns the Google Workspace provider: users and the OAuth
// apps they granted scopes to, live through the Admin SDK Directory API
// with domain-wide delegation or offline from its saved items.
func Workspace() Provider {
	return Provider{
		Name:        "workspace",
		Tags:        []string{"workspace", "saas"},
		Summary:     "Google Workspace users and the OAuth apps they granted scopes, live through the Directory API or from its saved items",
		Usage:       "--admin-email ADMIN (--credentials-file KEY.json | --impersonate-service-account SA) [--customer ID] [--save-file FILE] | --from-file ITEMS.jsonl… [--customer ID]",
		Description: workspaceDescription,
		OfflineFlag: "from-file",
		Flags: []Flag{
			{Name: "customer", Usage: "the customer `ID` (default: live my_customer, offline the users' customerId)"},
			{Name: "admin-email", Usage: "live: the administrator `ADDRESS` domain-wide delegation acts as", Modes: []Mode{Live}},
			{Name: "credentials-file", Usage: "live: the key `FILE` of a service account with domain-wide delegation (default $GOOGLE_APPLICATION_CREDENTIALS)", Modes: []Mode{Live}},
			{Name: "impersonate-service-account", Usage: "live: instead of a key, the service account `EMAIL` with domain-wide delegation that Application Default Credentials may mint tokens for", Modes: []Mode{Live}},
			{Name: "save-file", Usage: "live: also write what was read to `FILE`, which --from-file replays", Modes: []Mode{Live}},
			{Name: "concurrency", Kind: IntFlag, Default: 4, Usage: "live: list the tokens of at most `N` users at once", Modes: []Mode{Live}},
			{Name: "from-file", Kind: StringsFlag, Usage: "read the saved users.list and tokens.list items in `FILE` (JSON Lines or a JSON array; repeat for several)", Modes: []Mode{Offline}},
		},
		Live: func(_ context.Context, opts Options, env Env) ([]collectors.Collector, error) {
			creds := opts.String("credentials-file")
			if creds == "" && opts.String("impersonate-service-account") == "" {
				creds = os.Getenv("GOOGLE_APPLICATION_CREDENTIALS")
			}
			concurrency, err := concurrencyOf(opts)
			if err != nil {
				return nil, err
			}
			l, err := wscollect.NewLive(wscollect.LiveOptions{Customer: opts.String("customer"), AdminEmail: opts.String("admin-email"),
				CredentialsFile: creds, ImpersonateServiceAccount: opts.String("impersonate-service-account"),
				SaveFile: opts.String("save-file"), Concurrency: concurrency, Progress: env.Progress})
			if err != nil {
				return nil, Usagef("%v", err)
			}
			return []collectors.Collector{l}, nil
		},
		Offline: func(_ context.Context, opts Options, _ Env) ([]collectors.Collector, error) {
			return []collectors.Collector{wscollect.NewOffline(opts.Strings("from-file"), opts.String("customer"))}, nil
		},
		Kinds:   analysisworkspace.Kinds(),
		Deriver: func() analysis.Deriver { return analysisworkspace.New() },
	}
}

const workspaceDescription = `Without --from-file, collects a Google Workspace (or Cloud Identity)
customer through the Admin SDK Directory API: users.list, then tokens.list
for every user, which names the third-party OAuth apps each user granted
and the scopes granted (never a token). It authenticates with domain-wide
delegation: a service account whose client id the Admin console
(Security > API controls > Domain-wide delegation) allows the scopes

   https://www.googleapis.com/auth/admin.directory.user.readonly
   https://www.googleapis.com/auth/admin.directory.user.security

acting as the administrator --admin-email, with its key file
(--credentials-file) or, keyless, impersonated by Application Default
Credentials that hold roles/iam.serviceAccountTokenCreator on it
(--impersonate-service-account). A user whose tokens cannot be listed is a
gap and the rest goes on; calls answered 429 or 5xx are retried with
backoff.

With --from-file, reads the items of those responses, concatenated in any
order (JSON Lines, a JSON array, or whole responses); each token item
carries the userKey of its user:

   API=https://admin.googleapis.com/admin/directory/v1
   curl -s -H "Authorization: Bearer $TOKEN" "$API/users?customer=my_customer&maxResults=500" | jq -c '.users[]' > ws.jsonl
   for u in $(jq -r .primaryEmail ws.jsonl); do
     curl -s -H "Authorization: Bearer $TOKEN" "$API/users/$u/tokens" | jq -c '.items[]?'
   done >> ws.jsonl

App names come from the apps' publishers: they are kept as written and
escaped by every report.

Examples:
   blastradius collect workspace --admin-email admin@example.com --credentials-file dwd-key.json -o ws.snap.json
   blastradius collect workspace --admin-email admin@example.com --impersonate-service-account dwd@audit.iam.gserviceaccount.com -o ws.snap.json
   blastradius collect workspace --from-file ws.jsonl -o ws.snap.json

Exit codes: 2 for bad usage or a malformed file (the message names the file
and the line), 3 when the Directory API cannot be reached or users.list is
refused, or, with --strict, when any gap was recorded.`
