// Package workspace collects the OAuth grants of a Google Workspace (or
// Cloud Identity) customer: its users, and for every user the third-party
// apps it granted access to, with the scopes granted. The apps are the
// SaaS non-human identities: whoever controls an app's client holds what
// its users granted it.
//
// # Offline files
//
// The offline reader (NewOffline, "collect workspace --from-file F…") reads
// the items of the Admin SDK Directory API's users.list and tokens.list
// responses, concatenated in any order, in one file or several: JSON
// Lines (one item per line), a JSON array, or whole responses. Each
// token item carries the userKey of its user, as the API returns it:
//
//	TOKEN=$(gcloud auth print-access-token)   # an administrator's, with the scopes below
//	API=https://admin.googleapis.com/admin/directory/v1
//	curl -s -H "Authorization: Bearer $TOKEN" "$API/users?customer=my_customer&maxResults=500" |
//	  jq -c '.users[]' > workspace.jsonl                  # follow nextPageToken for more
//	for u in $(jq -r .primaryEmail workspace.jsonl); do
//	  curl -s -H "Authorization: Bearer $TOKEN" "$API/users/$u/tokens" | jq -c '.items[]?'
//	done >> workspace.jsonl
//	blastradius collect workspace --from-file workspace.jsonl -o workspace.snap.json
//
// An item is a user when its kind is admin#directory#user (or it has a
// primaryEmail), a token when its kind is admin#directory#token (or it has
// a clientId). Anything else is a *badinput.Error naming the file and the
// line.
//
// # Live collection
//
// The live collector (NewLive, "collect workspace --customer ID
// --admin-email ADMIN …") calls users.list and, for every user, tokens.list
// through google.golang.org/api/admin/directory/v1 with domain-wide
// delegation: a service account whose client id the Admin console allows
// the scopes admin.directory.user.readonly and
// admin.directory.user.security (Scopes), acting as the administrator
// ADMIN, authenticated by its key file (--credentials-file) or, without a
// key, impersonated by Application Default Credentials that may mint its
// tokens (--impersonate-service-account). A tokens.list refused or failing
// after its retries is a gap naming the user, and the rest goes on; 429
// and 5xx answers are retried with backoff; users.list refused is an
// error. With LiveOptions.SaveFile the items are also written in the
// offline layout (SaveRecords), gaps included.
//
// # Nodes
//
//	customer   workspace:customer:<id>, workspace.customer: the scope (from
//	           --customer, else the users' customerId)
//	user       workspace:user:<address>, workspace.user; user_id, is_admin
//	           (super administrator), is_delegated_admin, suspended,
//	           archived, org_unit_path, enrolled_2sv, create_date,
//	           last_used (last login); Scope the customer
//	app        workspace:app:<client id>, workspace.oauth_app (non-human);
//	           client_id, display_text, native_app, anonymous, scopes (the
//	           union), grants (users); one Credential of kind oauth_grant
//	           per user who granted it, ID the user's address, with the
//	           scopes granted. No Scope: an administrator of the customer
//	           does not hold the app's client.
//
// No token is read: the Directory API returns none, only which app holds
// which scopes of which user. An app's display text is its publisher's:
// it is kept verbatim in display_text and never interpreted; the node's
// Name is that text without control characters (every report writer
// escapes it besides). The analysis (analysis/workspace) derives what the
// grants reach. Property keys are the constants of
// graphmodel/props_workspace.go.
package workspace
