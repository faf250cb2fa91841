package gcp_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	gcpanalysis "github.com/blastradius/blastradius/analysis/gcp"
)

// The fixtures under testdata/techniques are Cloud Asset Inventory exports
// made by this file: resources.jsonl (the estate, as gcloud asset export
// --content-type=resource writes it) and one <scenario>.jsonl per scenario
// (its allow and deny policies, as --content-type=iam-policy and gcloud
// iam policies get write them). go test -run TestFixtures -update
// rewrites them; without -update the test fails when they differ.

var update = flag.Bool("update", false, "rewrite the fixture exports under testdata/techniques")

// The estate: an organization, a folder "prod" holding project "prod",
// project "other" under the organization. In prod: target (owner of the
// project), delegate and app, a function, a Cloud Run service and an
// instance that run as target, two buckets, a secret, a topic and a
// dataset; in other: other-sa. The Google APIs and legacy Cloud Build
// service agents of prod are owners of it too. attacker@example.com is
// the user every scenario starts from.
const (
	orgNum     = "100000000001"
	folderNum  = "200000000001"
	prodNum    = "300000000001"
	otherNum   = "300000000002"
	updateTime = "2026-10-01T00:00:00Z"

	attacker   = "gcp:user:attacker@example.com"
	attackerM  = "user:attacker@example.com"
	org        = "gcp:organization:" + orgNum
	folder     = "gcp:folder:" + folderNum
	prod       = "gcp:project:prod"
	other      = "gcp:project:other"
	target     = "gcp:serviceAccount:target@prod.iam.gserviceaccount.com"
	targetM    = "serviceAccount:target@prod.iam.gserviceaccount.com"
	delegate   = "gcp:serviceAccount:delegate@prod.iam.gserviceaccount.com"
	delegateM  = "serviceAccount:delegate@prod.iam.gserviceaccount.com"
	app        = "gcp:serviceAccount:app@prod.iam.gserviceaccount.com"
	otherSA    = "gcp:serviceAccount:other-sa@other.iam.gserviceaccount.com"
	dmAgent    = "gcp:serviceAccount:" + prodNum + "@cloudservices.gserviceaccount.com"
	buildAgent = "gcp:serviceAccount:" + prodNum + "@cloudbuild.gserviceaccount.com"
	bucket     = "//storage.googleapis.com/projects/_/buckets/prod-data"
	logs       = "//storage.googleapis.com/projects/_/buckets/prod-logs"
	secret     = "//secretmanager.googleapis.com/projects/" + prodNum + "/secrets/db"
	topic      = "//pubsub.googleapis.com/projects/prod/topics/events"
	dataset    = "//bigquery.googleapis.com/projects/prod/datasets/analytics"
	function   = "//cloudfunctions.googleapis.com/projects/prod/locations/europe-west1/functions/fn"
	runService = "//run.googleapis.com/projects/prod/locations/europe-west1/services/svc"
	instance   = "//compute.googleapis.com/projects/prod/zones/europe-west1-b/instances/vm"
)

// level is where a binding is set, by a short name.
type level string

// place gives a level's asset name, asset type and ancestors.
func place(l level) (name, typ string, ancestors []string) {
	orgA := "organizations/" + orgNum
	prodA := []string{"projects/" + prodNum, "folders/" + folderNum, orgA}
	switch l {
	case "org":
		return "//cloudresourcemanager.googleapis.com/" + orgA, "cloudresourcemanager.googleapis.com/Organization", []string{orgA}
	case "folder":
		return "//cloudresourcemanager.googleapis.com/folders/" + folderNum, "cloudresourcemanager.googleapis.com/Folder", prodA[1:]
	case "prod":
		return "//cloudresourcemanager.googleapis.com/projects/" + prodNum, "cloudresourcemanager.googleapis.com/Project", prodA
	case "other":
		return "//cloudresourcemanager.googleapis.com/projects/" + otherNum, "cloudresourcemanager.googleapis.com/Project", []string{"projects/" + otherNum, orgA}
	case "other-sa":
		return "//iam.googleapis.com/projects/other/serviceAccounts/other-sa@other.iam.gserviceaccount.com", "iam.googleapis.com/ServiceAccount", []string{"projects/" + otherNum, orgA}
	case "target", "delegate", "app":
		return "//iam.googleapis.com/projects/prod/serviceAccounts/" + string(l) + "@prod.iam.gserviceaccount.com", "iam.googleapis.com/ServiceAccount", prodA
	case "bucket":
		return "//storage.googleapis.com/prod-data", "storage.googleapis.com/Bucket", prodA
	case "logs":
		return "//storage.googleapis.com/prod-logs", "storage.googleapis.com/Bucket", prodA
	case "secret":
		return secret, "secretmanager.googleapis.com/Secret", prodA
	case "topic":
		return topic, "pubsub.googleapis.com/Topic", prodA
	case "dataset":
		return dataset, "bigquery.googleapis.com/Dataset", prodA
	case "fn":
		return function, "cloudfunctions.googleapis.com/Function", prodA
	case "svc":
		return runService, "run.googleapis.com/Service", prodA
	case "vm":
		return instance, "compute.googleapis.com/Instance", prodA
	}
	panic("unknown level " + string(l))
}

// binding is one binding of a scenario.
type binding struct {
	at        level
	role      string
	members   []string
	condition string // a CEL expression, "" for none
}

// customRole returns the name of the fixture's custom role holding a
// technique's permissions.
func customRole(technique string) string {
	return "projects/prod/roles/" + strings.NewReplacer(".", "_", "-", "_").Replace(technique)
}

// customRoles are the fixture's custom roles: one per technique of the
// catalogue that needs permissions no predefined role holds alone, and a
// few for the scenarios.
var customRoles = map[string][]string{
	customRole("iam.serviceAccounts.getAccessToken"):     {"iam.serviceAccounts.getAccessToken"},
	customRole("iam.serviceAccounts.implicitDelegation"): {"iam.serviceAccounts.implicitDelegation"},
	customRole("iam.serviceAccounts.signBlob"):           {"iam.serviceAccounts.signBlob"},
	customRole("iam.serviceAccounts.signJwt"):            {"iam.serviceAccounts.signJwt"},
	customRole("iam.serviceAccounts.getOpenIdToken"):     {"iam.serviceAccounts.getOpenIdToken"},
	customRole("iam.serviceAccountKeys.create"):          {"iam.serviceAccountKeys.create"},
	customRole("iam.serviceAccounts.setIamPolicy"):       {"iam.serviceAccounts.setIamPolicy"},
	customRole("storage.hmacKeys.create"):                {"storage.hmacKeys.create"},
	customRole("deploymentmanager.deployments.create"):   {"deploymentmanager.deployments.create"},
	customRole("cloudbuild.builds.create"):               {"cloudbuild.builds.create"},
	customRole("cloudfunctions.functions.create-call"): {"cloudfunctions.functions.create", "cloudfunctions.functions.sourceCodeSet",
		"cloudfunctions.functions.call"},
	customRole("cloudfunctions.functions.create-setIamPolicy"): {"cloudfunctions.functions.create", "cloudfunctions.functions.sourceCodeSet",
		"cloudfunctions.functions.setIamPolicy"},
	customRole("compute.instances.create"): {"compute.instances.create", "compute.disks.create", "compute.instances.setMetadata",
		"compute.instances.setServiceAccount", "compute.subnetworks.use", "compute.subnetworks.useExternalIp"},
	customRole("compute.instances.create-partial"): {"compute.instances.create", "compute.disks.create", "compute.instances.setMetadata",
		"compute.instances.setServiceAccount", "compute.subnetworks.use"},
	customRole("run.services.create-invoke"):         {"run.services.create", "run.routes.invoke"},
	customRole("run.services.create-setIamPolicy"):   {"run.services.create", "run.services.setIamPolicy"},
	customRole("run.jobs.create"):                    {"run.jobs.create"},
	customRole("cloudscheduler.jobs.create"):         {"cloudscheduler.jobs.create", "cloudscheduler.locations.list"},
	customRole("dataproc.clusters.create"):           {"dataproc.clusters.create"},
	customRole("composer.environments.create"):       {"composer.environments.create"},
	customRole("dataflow.jobs.create"):               {"dataflow.jobs.create"},
	customRole("container.clusters.create"):          {"container.clusters.create"},
	customRole("notebooks.instances.create"):         {"notebooks.instances.create"},
	customRole("aiplatform.customJobs.create"):       {"aiplatform.customJobs.create"},
	customRole("workflows.workflows.create"):         {"workflows.workflows.create"},
	customRole("cloudfunctions.functions.update"):    {"cloudfunctions.functions.update", "cloudfunctions.functions.sourceCodeSet"},
	customRole("run.services.update"):                {"run.services.update"},
	customRole("compute.instances.setMetadata"):      {"compute.instances.setMetadata"},
	customRole("compute.instances.osAdminLogin"):     {"compute.instances.osAdminLogin"},
	customRole("orgpolicy.policy.set"):               {"orgpolicy.policy.set"},
	customRole("serviceusage.apiKeys.create"):        {"apikeys.keys.create"},
	customRole("serviceusage.apiKeys.list"):          {"apikeys.keys.getKeyString"},
	customRole("storage.buckets.setIamPolicy"):       {"storage.buckets.setIamPolicy"},
	customRole("secretmanager.secrets.setIamPolicy"): {"secretmanager.secrets.setIamPolicy"},
	customRole("pubsub.topics.setIamPolicy"):         {"pubsub.topics.setIamPolicy"},
	customRole("bigquery.datasets.setIamPolicy"):     {"bigquery.datasets.setIamPolicy"},
	customRole("self-service"):                       {"resourcemanager.projects.get"},
}

// base are the bindings of every scenario: the project's owners.
var base = []binding{
	{at: "prod", role: "roles/owner", members: []string{targetM,
		"serviceAccount:" + prodNum + "@cloudservices.gserviceaccount.com", "serviceAccount:" + prodNum + "@cloudbuild.gserviceaccount.com"}},
}

// scenario is one fixture: bindings and deny policies besides base.
type scenario struct {
	name     string
	bindings []binding
	deny     []map[string]any
}

// actAsTarget lets the attacker act as target.
var actAsTarget = binding{at: "target", role: "roles/iam.serviceAccountUser", members: []string{attackerM}}

// scenarios returns every fixture: one per technique of the catalogue
// that an attacker uses, then the near misses and the member forms.
func scenarios() []scenario {
	own := func(at level, technique string) binding {
		return binding{at: at, role: customRole(technique), members: []string{attackerM}}
	}
	list := []scenario{
		{name: "iam.serviceAccounts.getAccessToken", bindings: []binding{own("target", "iam.serviceAccounts.getAccessToken")}},
		{name: "iam.serviceAccountKeys.create", bindings: []binding{own("target", "iam.serviceAccountKeys.create")}},
		{name: "iam.serviceAccounts.getOpenIdToken", bindings: []binding{own("target", "iam.serviceAccounts.getOpenIdToken")}},
		{name: "iam.serviceAccounts.signBlob", bindings: []binding{own("target", "iam.serviceAccounts.signBlob")}},
		{name: "iam.serviceAccounts.signJwt", bindings: []binding{own("target", "iam.serviceAccounts.signJwt")}},
		{name: "iam.serviceAccounts.setIamPolicy", bindings: []binding{own("target", "iam.serviceAccounts.setIamPolicy")}},
		{name: "iam.serviceAccounts.implicitDelegation", bindings: []binding{
			{at: "delegate", role: "roles/iam.serviceAccountTokenCreator", members: []string{attackerM}},
			{at: "target", role: customRole("iam.serviceAccounts.implicitDelegation"), members: []string{delegateM}}}},
		{name: "storage.hmacKeys.create", bindings: []binding{own("prod", "storage.hmacKeys.create")}},
		{name: "deploymentmanager.deployments.create", bindings: []binding{own("prod", "deploymentmanager.deployments.create")}},
		{name: "cloudbuild.builds.create", bindings: []binding{own("prod", "cloudbuild.builds.create")}},
		{name: "resourcemanager.projects.setIamPolicy", bindings: []binding{{at: "prod", role: "roles/resourcemanager.projectIamAdmin", members: []string{attackerM}}}},
		{name: "resourcemanager.folders.setIamPolicy", bindings: []binding{{at: "folder", role: "roles/resourcemanager.folderIamAdmin", members: []string{attackerM}}}},
		{name: "resourcemanager.organizations.setIamPolicy", bindings: []binding{{at: "org", role: "roles/resourcemanager.organizationAdmin", members: []string{attackerM}}}},
		{name: "iam.roles.update", bindings: []binding{own("prod", "self-service"), {at: "prod", role: "roles/iam.roleAdmin", members: []string{attackerM}}}},
		{name: "orgpolicy.policy.set", bindings: []binding{own("folder", "orgpolicy.policy.set")}},
		{name: "serviceusage.apiKeys.create", bindings: []binding{own("prod", "serviceusage.apiKeys.create")}},
		{name: "serviceusage.apiKeys.list", bindings: []binding{own("prod", "serviceusage.apiKeys.list")}},
		{name: "storage.buckets.setIamPolicy", bindings: []binding{own("bucket", "storage.buckets.setIamPolicy")}},
		{name: "secretmanager.secrets.setIamPolicy", bindings: []binding{own("secret", "secretmanager.secrets.setIamPolicy")}},
		{name: "pubsub.topics.setIamPolicy", bindings: []binding{own("topic", "pubsub.topics.setIamPolicy")}},
		{name: "bigquery.datasets.setIamPolicy", bindings: []binding{own("dataset", "bigquery.datasets.setIamPolicy")}},
	}
	for _, t := range []string{"cloudfunctions.functions.create-call", "cloudfunctions.functions.create-setIamPolicy", "compute.instances.create",
		"run.services.create-invoke", "run.services.create-setIamPolicy", "run.jobs.create", "cloudscheduler.jobs.create",
		"dataproc.clusters.create", "composer.environments.create", "dataflow.jobs.create", "container.clusters.create",
		"notebooks.instances.create", "aiplatform.customJobs.create", "workflows.workflows.create"} {
		list = append(list, scenario{name: t, bindings: []binding{own("prod", t), actAsTarget}})
	}
	for t, at := range map[string]level{"cloudfunctions.functions.update": "fn", "run.services.update": "svc",
		"compute.instances.setMetadata": "vm", "compute.instances.osAdminLogin": "vm"} {
		list = append(list, scenario{name: t, bindings: []binding{own(at, t), actAsTarget}})
	}
	tokenCreator := func(at level, members ...string) binding {
		return binding{at: at, role: "roles/iam.serviceAccountTokenCreator", members: members}
	}
	list = append(list,
		// Near misses.
		scenario{name: "near-miss-unrelated-service-account", bindings: []binding{tokenCreator("other-sa", attackerM)}},
		scenario{name: "near-miss-expired-condition", bindings: []binding{{at: "target", role: "roles/iam.serviceAccountTokenCreator",
			members: []string{attackerM}, condition: `request.time < timestamp("2025-01-01T00:00:00Z")`}}},
		scenario{name: "near-miss-viewer", bindings: []binding{{at: "prod", role: "roles/viewer", members: []string{attackerM}}}},
		scenario{name: "near-miss-actas-without-vehicle", bindings: []binding{actAsTarget}},
		scenario{name: "near-miss-vehicle-without-actas", bindings: []binding{own("prod", "cloudfunctions.functions.create-call")}},
		scenario{name: "near-miss-instance-without-external-ip", bindings: []binding{own("prod", "compute.instances.create-partial"), actAsTarget}},
		scenario{name: "near-miss-deleted-member", bindings: []binding{tokenCreator("target", "deleted:"+attackerM+"?uid=123456789012345678901"),
			{at: "prod", role: "roles/browser", members: []string{attackerM}}}},
		scenario{name: "near-miss-denied", bindings: []binding{own("target", "iam.serviceAccounts.getAccessToken")}, deny: []map[string]any{{
			"name":        "policies/cloudresourcemanager.googleapis.com%2Fprojects%2F" + prodNum + "/denypolicies/no-impersonation",
			"displayName": "No impersonation", "kind": "DenyPolicy",
			"rules": []any{map[string]any{"denyRule": map[string]any{
				"deniedPrincipals":  []string{"principalSet://goog/public:all"},
				"deniedPermissions": []string{"iam.googleapis.com/serviceAccounts.getAccessToken"}}}},
		}}},
		// Conditions decided and undecided.
		scenario{name: "condition-future-expiry", bindings: []binding{{at: "target", role: "roles/iam.serviceAccountTokenCreator",
			members: []string{attackerM}, condition: `request.time < timestamp("2031-01-01T00:00:00Z")`}}},
		scenario{name: "condition-undecided", bindings: []binding{{at: "target", role: "roles/iam.serviceAccountTokenCreator",
			members: []string{attackerM}, condition: `request.auth.access_levels.exists(l, l.endsWith("/corp"))`}}},
		scenario{name: "condition-resource-prefix", bindings: []binding{{at: "prod", role: "roles/storage.objectViewer",
			members: []string{attackerM}, condition: `resource.name.startsWith("projects/_/buckets/prod-data")`}}},
		scenario{name: "cross-project-vehicle", bindings: []binding{own("other", "cloudfunctions.functions.create-call"), actAsTarget}},
		// Member forms.
		scenario{name: "member-domain", bindings: []binding{tokenCreator("target", "domain:example.com"),
			{at: "prod", role: "roles/browser", members: []string{attackerM}}}},
		scenario{name: "member-all-users", bindings: []binding{{at: "bucket", role: "roles/storage.objectViewer", members: []string{"allUsers"}},
			tokenCreator("target", "allAuthenticatedUsers")}},
		scenario{name: "member-principal-set", bindings: []binding{tokenCreator("target",
			"principalSet://iam.googleapis.com/projects/"+otherNum+"/locations/global/workloadIdentityPools/github/attribute.repository/acme/infra")}},
		scenario{name: "member-pool-wildcard", bindings: []binding{
			tokenCreator("target", "principalSet://iam.googleapis.com/projects/"+otherNum+"/locations/global/workloadIdentityPools/ci/*"),
			{at: "prod", role: "roles/browser", members: []string{"principal://iam.googleapis.com/projects/" + otherNum + "/locations/global/workloadIdentityPools/ci/subject/build-42"}}}},
		scenario{name: "member-group", bindings: []binding{
			{at: "target", role: customRole("iam.serviceAccounts.getAccessToken"), members: []string{"group:ops@example.com"}},
			{at: "prod", role: customRole("cloudfunctions.functions.create-call"), members: []string{"group:builders@example.com"}},
			{at: "app", role: "roles/iam.serviceAccountUser", members: []string{attackerM}}}},
		scenario{name: "permission-set", bindings: []binding{tokenCreator("prod", attackerM, "user:dev1@example.com", "user:dev2@example.com",
			"user:dev3@example.com", "group:ops@example.com")}},
		scenario{name: "inherited-from-folder", bindings: []binding{tokenCreator("folder", attackerM)}},
	)
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	return list
}

// record writes one asset line.
func record(w *bytes.Buffer, v map[string]any) {
	line, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	w.Write(line)
	w.WriteByte('\n')
}

// resourcesExport is the estate as gcloud asset export
// --content-type=resource writes it.
func resourcesExport() []byte {
	var w bytes.Buffer
	res := func(l level, data map[string]any) {
		name, typ, anc := place(l)
		record(&w, map[string]any{"name": name, "asset_type": typ, "ancestors": anc, "update_time": updateTime,
			"resource": map[string]any{"version": "v1", "data": data, "location": "global"}})
	}
	res("org", map[string]any{"name": "organizations/" + orgNum, "displayName": "example.com", "owner": map[string]any{"directoryCustomerId": "C0example"}})
	res("folder", map[string]any{"name": "folders/" + folderNum, "parent": "organizations/" + orgNum, "displayName": "prod"})
	res("prod", map[string]any{"projectNumber": prodNum, "projectId": "prod", "parent": map[string]any{"type": "folder", "id": folderNum}})
	res("other", map[string]any{"projectNumber": otherNum, "projectId": "other", "parent": map[string]any{"type": "organization", "id": orgNum}})
	for i, sa := range []level{"target", "delegate", "app", "other-sa"} {
		name, _, _ := place(sa)
		email := name[strings.LastIndex(name, "/")+1:]
		res(sa, map[string]any{"email": email, "uniqueId": fmt.Sprintf("1%020d", i+1), "name": strings.TrimPrefix(name, "//iam.googleapis.com/")})
	}
	res("bucket", map[string]any{"name": "prod-data", "projectNumber": prodNum})
	res("logs", map[string]any{"name": "prod-logs", "projectNumber": prodNum})
	res("secret", map[string]any{"name": "projects/" + prodNum + "/secrets/db"})
	res("topic", map[string]any{"name": "projects/prod/topics/events"})
	res("dataset", map[string]any{"id": "prod:analytics"})
	res("fn", map[string]any{"name": "projects/prod/locations/europe-west1/functions/fn", "serviceConfig": map[string]any{"serviceAccountEmail": "target@prod.iam.gserviceaccount.com"}})
	res("svc", map[string]any{"name": "projects/prod/locations/europe-west1/services/svc", "template": map[string]any{"serviceAccount": "target@prod.iam.gserviceaccount.com"}})
	res("vm", map[string]any{"name": "vm", "serviceAccounts": []any{map[string]any{"email": "target@prod.iam.gserviceaccount.com",
		"scopes": []string{"https://www.googleapis.com/auth/cloud-platform"}}}})
	names := make([]string, 0, len(customRoles))
	for n := range customRoles {
		names = append(names, n)
	}
	sort.Strings(names)
	_, _, prodAnc := place("prod")
	for _, n := range names {
		record(&w, map[string]any{"name": "//iam.googleapis.com/" + n, "asset_type": "iam.googleapis.com/Role", "ancestors": prodAnc,
			"update_time": updateTime, "resource": map[string]any{"version": "v1",
				"data": map[string]any{"name": n, "title": n[strings.LastIndex(n, "/")+1:], "stage": "GA", "includedPermissions": customRoles[n]}}})
	}
	return w.Bytes()
}

// policyExport is a scenario's allow policies (and deny policies).
func policyExport(s scenario) []byte {
	byLevel := map[level][]binding{}
	var order []level
	for _, b := range append(append([]binding(nil), base...), s.bindings...) {
		if _, ok := byLevel[b.at]; !ok {
			order = append(order, b.at)
		}
		byLevel[b.at] = append(byLevel[b.at], b)
	}
	var w bytes.Buffer
	for _, l := range order {
		name, typ, anc := place(l)
		var bindings []any
		for _, b := range byLevel[l] {
			entry := map[string]any{"role": b.role, "members": b.members}
			if b.condition != "" {
				entry["condition"] = map[string]any{"title": "scenario", "expression": b.condition}
			}
			bindings = append(bindings, entry)
		}
		record(&w, map[string]any{"name": name, "asset_type": typ, "ancestors": anc, "update_time": updateTime,
			"iam_policy": map[string]any{"version": 3, "bindings": bindings}})
	}
	for _, d := range s.deny {
		record(&w, d)
	}
	return w.Bytes()
}

// TestFixtures keeps the fixture exports equal to what this file makes.
func TestFixtures(t *testing.T) {
	dir := filepath.Join("testdata", "techniques")
	want := map[string][]byte{"resources.jsonl": resourcesExport()}
	for _, s := range scenarios() {
		want[s.name+".jsonl"] = policyExport(s)
	}
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range want {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("%d files in %s, want %d; run go test -run TestFixtures -update", len(entries), dir, len(want))
	}
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s differs from what fixtures_test.go makes; run go test -run TestFixtures -update", name)
		}
	}
}

// Every technique of the catalogue that an attacker uses has a scenario.
func TestEveryTechniqueHasAScenario(t *testing.T) {
	have := map[string]bool{}
	for _, s := range scenarios() {
		have[s.name] = true
	}
	for _, tq := range gcpanalysis.Techniques() {
		if tq.Category == "membership" || tq.ID == gcpanalysis.TechInheritance {
			continue
		}
		if !have[tq.ID] {
			t.Errorf("technique %s has no scenario", tq.ID)
		}
	}
}
