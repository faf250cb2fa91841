// Package gcp collects the IAM facts of a Google Cloud organization or of
// some projects: the resource hierarchy, allow and deny policies, service
// accounts and their keys, custom roles, workload identity pools and
// providers, and the resources that hold data or run as a service account
// (buckets, secrets, functions, Cloud Run services, instances, GKE
// clusters).
//
// # Offline exports
//
// The offline reader (NewOffline, "collect gcp --from-file F…") reads Cloud
// Asset Inventory exports, in any number and any order:
//
//	# every resource type the analysis reads, and every allow policy
//	gcloud asset export --organization=ORG_ID --content-type=resource \
//	  --asset-types=cloudresourcemanager.googleapis.com/Organization,cloudresourcemanager.googleapis.com/Folder,cloudresourcemanager.googleapis.com/Project,iam.googleapis.com/ServiceAccount,iam.googleapis.com/ServiceAccountKey,iam.googleapis.com/Role,iam.googleapis.com/WorkloadIdentityPool,iam.googleapis.com/WorkloadIdentityPoolProvider,storage.googleapis.com/Bucket,secretmanager.googleapis.com/Secret,pubsub.googleapis.com/Topic,bigquery.googleapis.com/Dataset,cloudfunctions.googleapis.com/CloudFunction,cloudfunctions.googleapis.com/Function,run.googleapis.com/Service,compute.googleapis.com/Instance,container.googleapis.com/Cluster \
//	  --output-path=gs://BUCKET/resources.jsonl
//	gcloud asset export --organization=ORG_ID --content-type=iam-policy \
//	  --output-path=gs://BUCKET/iam-policy.jsonl
//	gcloud storage cp gs://BUCKET/resources.jsonl gs://BUCKET/iam-policy.jsonl .
//
//	# without a bucket: the same as JSON arrays
//	gcloud asset list --organization=ORG_ID --content-type=resource --asset-types=… --format=json > resources.json
//	gcloud asset list --organization=ORG_ID --content-type=iam-policy --format=json > iam-policy.json
//
//	# deny policies are not in Cloud Asset Inventory: list them per
//	# organization, folder and project, then get each one
//	gcloud iam policies list --kind=denypolicies --format='value(name)' \
//	  --attachment-point=cloudresourcemanager.googleapis.com/organizations/ORG_ID
//	gcloud iam policies get POLICY_ID --kind=denypolicies --format=json \
//	  --attachment-point=cloudresourcemanager.googleapis.com/projects/PROJECT_ID >> deny-policies.json
//
//	blastradius collect gcp --from-file resources.jsonl iam-policy.jsonl deny-policies.json -o gcp.snap.json
//
// (--project=PROJECT_ID or --folder=FOLDER_ID instead of --organization
// export less.) A file may hold JSON Lines (one asset per line), a JSON
// array, or a stream of JSON objects. Field names may be those of gcloud
// asset export (asset_type, iam_policy, update_time) or the camelCase of
// the API and of gcloud asset list (assetType, iamPolicy, updateTime). One
// line may carry both resource and iam_policy; records of one asset name
// from several files are merged (the newest update_time wins where two
// differ). An object with "rules" and a policies/… name, or kind
// "DenyPolicy", is a deny policy. Unknown fields and asset types are kept
// as generic resources; anything that cannot be used is a
// *badinput.Error naming the file and the line.
//
// Nothing secret is read or stored: no key material (a key's type, origin,
// algorithm, validity and state only), no secret payloads, no environment
// variables, instance metadata or startup scripts, no container images or
// cluster credentials.
//
// # Live collection
//
// The live collector (NewLive, "collect gcp --organization ID | --project
// ID…") calls the Google Cloud APIs through google.golang.org/api with
// Application Default Credentials (gcloud auth application-default login,
// or a service account); it needs read access such as
// roles/iam.securityReviewer plus roles/browser and the viewer roles of
// the services read. For an organization it walks every folder and project
// (cloudresourcemanager v3 folders.list and projects.list); for each
// organization, folder and project it reads the allow policy
// (getIamPolicy with requestedPolicyVersion 3) and the deny policies (IAM
// v2); organization and project custom roles (iam roles.list, view FULL);
// per project the service accounts with their allow policies and keys,
// workload identity pools and providers, buckets, secrets, Cloud Functions
// (v2), Cloud Run services (v1 Knative listing), instances (aggregated
// list) and GKE clusters, with the allow policies of those that have one.
// Every answer becomes the same Asset records the offline reader makes and
// goes through the same converter. A call refused (403, 404, an API not
// enabled) becomes a gap naming the call and the project, and the rest
// goes on; 429 and 5xx answers are retried with exponential backoff.
// With LiveOptions.SaveDir the records are also written in the offline
// layout (SaveRecords: assets.jsonl, deny-policies.jsonl and gaps.jsonl,
// whose lines are {"gap": {"what", "reason", "where"}}), so that
// "collect gcp --from-file" on the three files replays the collection.
//
// # Nodes
//
// IDs follow ARCHITECTURE.md. Every node has Provider "gcp"; Scope is the
// project that holds it, the parent of a folder or project.
//
//	organization      gcp:organization:<number>, gcp.organization, display name;
//	                  customer_id, state; aliases organizations/<n> and its asset name
//	folder            gcp:folder:<number>, gcp.folder; display_name, state
//	project           gcp:project:<project id>, gcp.project; project_id,
//	                  project_number, display_name, state; labels as Tags;
//	                  aliases projects/<number> and its asset name
//	service account   gcp:serviceAccount:<email>, gcp.service_account; unique_id,
//	                  display_name, disabled, user_managed_keys and
//	                  oldest_user_key_created (when its keys were collected);
//	                  aliases serviceAccount:<email> and its asset name
//	key               asset name, gcp.service_account_key, key id; key_type,
//	                  key_origin, key_algorithm, valid_after, valid_before,
//	                  disabled, service_account; child_of its service account
//	custom role       asset name, gcp.role; role_name (projects/<p>/roles/<r>,
//	                  organizations/<n>/roles/<r>, also an alias), display_name
//	                  (title), stage, deleted; Documents["role"]
//	pool              asset name, gcp.workload_identity_pool; display_name, state, disabled
//	provider          asset name, gcp.workload_identity_provider; provider_type,
//	                  issuer_uri, allowed_audiences, aws_account_id,
//	                  attribute_condition, state, disabled;
//	                  Documents["attribute_mapping"]; child_of its pool
//	resource          asset name (buckets as //storage.googleapis.com/projects/_/buckets/<b>,
//	                  the CAI name an alias), gcp.resource, last name segment;
//	                  asset_type, location, resource_class (buckets
//	                  object-store, secrets secret, functions and Cloud Run
//	                  function, instances compute-instance, …; see
//	                  classes.go), labels as Tags; functions runtime,
//	                  ingress; Cloud Run ingress; instances state, oauth_scopes;
//	                  clusters state, workload_pool, oauth_scopes
//	member            a node for every identity a policy names: gcp:user:<email>,
//	                  gcp:group:<email>, gcp:serviceAccount:<email>,
//	                  gcp:principal://…/subject/<s>, gcp:principalSet://…,
//	                  gcp:principal:<project>.svc.id.goog[<ns>/<ksa>] (GKE);
//	                  referenced_only "true" until an asset describes it
//
// Every described node carries asset_type and update_time (and asset_name
// when its ID is not the asset name). The allow policy of any asset is
// Documents["iam_policy"]; the deny policies of a scope are
// Documents["deny_policy:<id>"]; both are read back with gcppolicy.
// deleted: members are skipped (logged at debug level); the evaluation in
// gcppolicy notes them. Property and document keys are the constants of
// graphmodel/props_gcp.go.
//
// # Edges
//
//	child_of       folder → parent, project → parent, key → service account, provider → pool
//	carries_role   function, Cloud Run service, instance, GKE cluster (node
//	               pools) → the service account it runs as ("default" and ""
//	               resolve to the project's default compute or App Engine account)
//
// Gaps: a project no record describes (its number stands in for its id), a
// member of an unknown form, a key or policy whose service account is not
// in the export, a deny policy attached elsewhere than to an organization,
// folder or project.
package gcp
