package gcp_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/analysis"
	gcpanalysis "github.com/blastradius/blastradius/analysis/gcp"
	gcpcollect "github.com/blastradius/blastradius/collectors/gcp"
	"github.com/blastradius/blastradius/graphmodel"
)

var fixedNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// snapshotOf collects a scenario's fixture exports.
func snapshotOf(t *testing.T, scenario string) *graphmodel.Snapshot {
	t.Helper()
	dir := filepath.Join("testdata", "techniques")
	frag, err := gcpcollect.NewOffline([]string{filepath.Join(dir, "resources.jsonl"), filepath.Join(dir, scenario+".jsonl")}).Collect(context.Background())
	if err != nil {
		t.Fatalf("collect %s: %v", scenario, err)
	}
	return graphmodel.NewSnapshot(frag)
}

// prepare analyzes a scenario.
func prepare(t *testing.T, scenario string) (*analysis.Graph, *graphmodel.Snapshot) {
	t.Helper()
	snap := snapshotOf(t, scenario)
	g, err := analysis.Prepare(context.Background(), snap, analysis.Options{
		Derivers: []analysis.Deriver{gcpanalysis.NewAt(fixedNow)}, Detail: analysis.DetailFull, Now: fixedNow})
	if err != nil {
		t.Fatalf("analyze %s: %v", scenario, err)
	}
	return g, snap
}

type hop struct{ from, to, technique string }

func (h hop) String() string { return h.from + " -" + h.technique + "-> " + h.to }

func hopsOf(e analysis.Escalation) []hop {
	var out []hop
	for _, h := range e.Path {
		out = append(out, hop{h.From, h.To, h.Technique})
	}
	return out
}

func render(hops []hop) string {
	parts := make([]string, len(hops))
	for i, h := range hops {
		parts[i] = h.String()
	}
	return strings.Join(parts, " | ")
}

// pathsTo returns the certain and conditional paths from one identity to
// a node ("" for every administered scope).
func pathsTo(t *testing.T, g *analysis.Graph, from, to string) []analysis.Escalation {
	t.Helper()
	list, err := g.Paths(from, to)
	if err != nil {
		t.Fatalf("paths %s → %s: %v", from, to, err)
	}
	return list
}

// TestTechniquePaths: each technique's fixture yields exactly the expected
// shortest path, every hop with evidence naming the binding that allows it.
func TestTechniquePaths(t *testing.T) {
	toProject := func(technique string) []hop {
		return []hop{{attacker, target, technique}, {target, prod, gcpanalysis.TechSetProjectPolicy}}
	}
	tests := []struct {
		scenario, from, to string
		path               []hop
		conditional        bool
		// evidence is a fragment the first hop's evidence must contain.
		evidence string
	}{
		{"iam.serviceAccounts.getAccessToken", attacker, prod, toProject(gcpanalysis.TechGetAccessToken), false,
			target + " allow policy: binding 0 gives projects/prod/roles/iam_serviceAccounts_getAccessToken (iam.serviceAccounts.getAccessToken) to user:attacker@example.com"},
		{"iam.serviceAccountKeys.create", attacker, prod, toProject(gcpanalysis.TechCreateKey), false, "iam.serviceAccountKeys.create"},
		{"iam.serviceAccounts.getOpenIdToken", attacker, prod, toProject(gcpanalysis.TechGetOpenIDToken), false, "getOpenIdToken"},
		{"iam.serviceAccounts.signBlob", attacker, prod, toProject(gcpanalysis.TechSignBlob), false, "signBlob"},
		{"iam.serviceAccounts.signJwt", attacker, prod, toProject(gcpanalysis.TechSignJwt), false, "signJwt"},
		{"iam.serviceAccounts.setIamPolicy", attacker, prod, toProject(gcpanalysis.TechSetSAPolicy), false, "iam.serviceAccounts.setIamPolicy"},
		{"iam.serviceAccounts.implicitDelegation", attacker, prod, []hop{
			{attacker, delegate, gcpanalysis.TechGetAccessToken},
			{delegate, target, gcpanalysis.TechImplicitDelegation},
			{target, prod, gcpanalysis.TechSetProjectPolicy}}, false, "roles/iam.serviceAccountTokenCreator"},
		{"storage.hmacKeys.create", attacker, prod, toProject(gcpanalysis.TechHMACKey), false, "gcp:project:prod allow policy"},
		{"deploymentmanager.deployments.create", attacker, prod, []hop{{attacker, dmAgent, gcpanalysis.TechDeploymentManager},
			{dmAgent, prod, gcpanalysis.TechSetProjectPolicy}}, false, "deploymentmanager.deployments.create"},
		{"cloudbuild.builds.create", attacker, prod, []hop{{attacker, buildAgent, gcpanalysis.TechCloudBuild},
			{buildAgent, prod, gcpanalysis.TechSetProjectPolicy}}, false, "cloudbuild.builds.create"},
		{"resourcemanager.projects.setIamPolicy", attacker, prod, []hop{{attacker, prod, gcpanalysis.TechSetProjectPolicy}}, false,
			"roles/resourcemanager.projectIamAdmin"},
		{"resourcemanager.folders.setIamPolicy", attacker, prod, []hop{{attacker, folder, gcpanalysis.TechSetFolderPolicy},
			{folder, prod, gcpanalysis.TechInheritance}}, false, "roles/resourcemanager.folderIamAdmin"},
		{"resourcemanager.organizations.setIamPolicy", attacker, prod, []hop{{attacker, org, gcpanalysis.TechSetOrgPolicy},
			{org, folder, gcpanalysis.TechInheritance}, {folder, prod, gcpanalysis.TechInheritance}}, false, "roles/resourcemanager.organizationAdmin"},
		{"iam.roles.update", attacker, prod, []hop{{attacker, prod, gcpanalysis.TechUpdateRole}}, false, "roles/iam.roleAdmin"},
		{"orgpolicy.policy.set", attacker, "//orgpolicy.googleapis.com/folders/" + folderNum + "/policies",
			[]hop{{attacker, "//orgpolicy.googleapis.com/folders/" + folderNum + "/policies", gcpanalysis.TechOrgConstraints}}, false, "orgpolicy.policy.set"},
		{"serviceusage.apiKeys.create", attacker, "//apikeys.googleapis.com/projects/prod/keys",
			[]hop{{attacker, "//apikeys.googleapis.com/projects/prod/keys", gcpanalysis.TechCreateAPIKey}}, false, "apikeys.keys.create"},
		{"serviceusage.apiKeys.list", attacker, "//apikeys.googleapis.com/projects/prod/keys",
			[]hop{{attacker, "//apikeys.googleapis.com/projects/prod/keys", gcpanalysis.TechListAPIKeys}}, false, "apikeys.keys.getKeyString"},
		{"storage.buckets.setIamPolicy", attacker, bucket, []hop{{attacker, bucket, gcpanalysis.TechBucketSetIAM}}, false, "storage.buckets.setIamPolicy"},
		{"secretmanager.secrets.setIamPolicy", attacker, secret, []hop{{attacker, secret, gcpanalysis.TechSecretSetIAM}}, false, "secretmanager.secrets.setIamPolicy"},
		{"pubsub.topics.setIamPolicy", attacker, topic, []hop{{attacker, topic, gcpanalysis.TechTopicSetIAM}}, false, "pubsub.topics.setIamPolicy"},
		{"bigquery.datasets.setIamPolicy", attacker, dataset, []hop{{attacker, dataset, gcpanalysis.TechDatasetSetIAM}}, false, "bigquery.datasets.setIamPolicy"},
		{"cloudfunctions.functions.update", attacker, prod, toProject(gcpanalysis.TechFunctionUpdate), false, function},
		{"run.services.update", attacker, prod, toProject(gcpanalysis.TechRunUpdate), false, runService},
		{"compute.instances.setMetadata", attacker, prod, toProject(gcpanalysis.TechInstanceMetadata), false, instance},
		{"compute.instances.osAdminLogin", attacker, prod, toProject(gcpanalysis.TechOSAdminLogin), false, instance},
		// Conditions.
		{"condition-future-expiry", attacker, prod, toProject(gcpanalysis.TechGetAccessToken), false, "if scenario: request.time"},
		{"condition-undecided", attacker, prod, toProject(gcpanalysis.TechGetAccessToken), true, "request.auth"},
		{"condition-resource-prefix", attacker, bucket, []hop{{attacker, bucket, "storage.objects.get"}}, false, `resource.name.startsWith`},
		{"cross-project-vehicle", attacker, prod, toProject(gcpanalysis.TechFunctionCreateCall), true, "may create a Cloud Function in gcp:project:other"},
		{"inherited-from-folder", attacker, prod, toProject(gcpanalysis.TechGetAccessToken), false, "gcp:folder:" + folderNum + " allow policy"},
		// Member forms.
		{"member-domain", attacker, prod, []hop{{attacker, "gcp:domain:example.com", "group-membership"},
			{"gcp:domain:example.com", target, gcpanalysis.TechGetAccessToken}, {target, prod, gcpanalysis.TechSetProjectPolicy}}, false, "member of gcp:domain:example.com"},
		{"member-all-users", gcpanalysis.AllUsersID, bucket, []hop{{gcpanalysis.AllUsersID, bucket, "storage.objects.get"}}, false, "to allUsers"},
		{"member-all-users", gcpanalysis.AllAuthenticatedUsersID, prod, []hop{{gcpanalysis.AllAuthenticatedUsersID, target, gcpanalysis.TechGetAccessToken},
			{target, prod, gcpanalysis.TechSetProjectPolicy}}, false, "to allAuthenticatedUsers"},
		{"member-all-users", gcpanalysis.AllAuthenticatedUsersID, bucket, []hop{{gcpanalysis.AllAuthenticatedUsersID, gcpanalysis.AllUsersID, "group-membership"},
			{gcpanalysis.AllUsersID, bucket, "storage.objects.get"}}, false, "member of gcp:allUsers"},
		{"member-principal-set", githubSet, prod, []hop{{githubSet, target, gcpanalysis.TechGetAccessToken},
			{target, prod, gcpanalysis.TechSetProjectPolicy}}, false, "attribute.repository/acme/infra"},
		{"member-pool-wildcard", ciSubject, prod, []hop{{ciSubject, ciPool, "group-membership"}, {ciPool, target, gcpanalysis.TechGetAccessToken},
			{target, prod, gcpanalysis.TechSetProjectPolicy}}, false, "member of " + ciPool},
	}
	for _, r := range []string{"cloudfunctions.functions.create-call", "cloudfunctions.functions.create-setIamPolicy", "compute.instances.create",
		"run.services.create-invoke", "run.services.create-setIamPolicy", "run.jobs.create", "cloudscheduler.jobs.create",
		"dataproc.clusters.create", "composer.environments.create", "dataflow.jobs.create", "container.clusters.create",
		"notebooks.instances.create", "aiplatform.customJobs.create", "workflows.workflows.create"} {
		tests = append(tests, struct {
			scenario, from, to string
			path               []hop
			conditional        bool
			evidence           string
		}{r, attacker, prod, toProject(r), false, "act as " + target})
	}
	for _, tt := range tests {
		t.Run(tt.scenario+"/"+tt.from+"→"+tt.to, func(t *testing.T) {
			g, _ := prepare(t, tt.scenario)
			list := pathsTo(t, g, tt.from, tt.to)
			if len(list) == 0 {
				t.Fatalf("no path")
			}
			e := list[0]
			if got := hopsOf(e); render(got) != render(tt.path) {
				t.Errorf("path\n  %s\nwant\n  %s", render(got), render(tt.path))
			}
			if e.Conditional != tt.conditional {
				t.Errorf("conditional %v, want %v", e.Conditional, tt.conditional)
			}
			if !strings.Contains(e.Path[0].Evidence, tt.evidence) {
				t.Errorf("first hop evidence %q lacks %q", e.Path[0].Evidence, tt.evidence)
			}
		})
	}
}

const (
	githubSet = "gcp:principalSet://iam.googleapis.com/projects/" + otherNum + "/locations/global/workloadIdentityPools/github/attribute.repository/acme/infra"
	ciPool    = "gcp:principalSet://iam.googleapis.com/projects/" + otherNum + "/locations/global/workloadIdentityPools/ci/*"
	ciSubject = "gcp:principal://iam.googleapis.com/projects/" + otherNum + "/locations/global/workloadIdentityPools/ci/subject/build-42"
)

// derivedFrom returns the derived edges of a scenario that leave from.
func derivedFrom(t *testing.T, scenario, from string) []graphmodel.Edge {
	t.Helper()
	g, _ := prepare(t, scenario)
	_, edges := g.Derived()
	var out []graphmodel.Edge
	for _, e := range analysis.ExpandTargetSets(edges) { // an edge per target
		if e.From == from {
			out = append(out, e)
		}
	}
	return out
}

// TestNearMisses: what looks like a technique but is not yields no edge
// to the target (or none at all).
func TestNearMisses(t *testing.T) {
	tests := []struct {
		scenario string
		// allowed are the only edges the attacker may have ("to technique").
		allowed []string
		// administers: the allowed edges make it an administrator.
		administers bool
	}{
		{"near-miss-unrelated-service-account", []string{otherSA + " " + gcpanalysis.TechGetAccessToken, otherSA + " " + gcpanalysis.TechSignBlob,
			otherSA + " " + gcpanalysis.TechSignJwt, otherSA + " " + gcpanalysis.TechGetOpenIDToken}, false},
		{"near-miss-expired-condition", nil, false},
		// Viewers read API key strings (apikeys.keys.getKeyString), nothing more.
		{"near-miss-viewer", []string{"//apikeys.googleapis.com/projects/prod/keys " + gcpanalysis.TechListAPIKeys}, false},
		{"near-miss-actas-without-vehicle", nil, false},
		{"near-miss-vehicle-without-actas", nil, false},
		// Without compute.subnetworks.useExternalIp no new instance; the
		// existing one is taken over with compute.instances.setMetadata.
		{"near-miss-instance-without-external-ip", []string{target + " " + gcpanalysis.TechInstanceMetadata}, true},
		{"near-miss-deleted-member", nil, false},
		{"near-miss-denied", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			for _, e := range derivedFrom(t, tt.scenario, attacker) {
				if !contains(tt.allowed, e.To+" "+e.Technique) {
					t.Errorf("unexpected edge %s -%s/%s-> %s", e.From, e.Kind, e.Technique, e.To)
				}
			}
			g, _ := prepare(t, tt.scenario)
			if list := pathsTo(t, g, attacker, ""); len(list) > 0 != tt.administers {
				t.Errorf("administers: %v", list)
			}
		})
	}
}

// TestResourcePrefixCondition: a condition on the bucket's name grants it
// and not the other bucket of the project.
func TestResourcePrefixCondition(t *testing.T) {
	var seen []string
	for _, e := range derivedFrom(t, "condition-resource-prefix", attacker) {
		seen = append(seen, e.To+" "+e.Technique)
		if e.Conditional {
			t.Errorf("conditional edge %s: %v", e.To, e.Conditions)
		}
	}
	if !contains(seen, bucket+" storage.objects.get") || contains(seen, logs+" storage.objects.get") {
		t.Errorf("edges %v: want read on prod-data only", seen)
	}
}

// TestPermissionSet: five holders of a technique on the whole project
// share one permission set, which reaches the project's service accounts;
// paths through it name the member.
func TestPermissionSet(t *testing.T) {
	g, _ := prepare(t, "permission-set")
	nodes, edges := g.Derived()
	setID := "gcp:permission-set:prod:" + gcpanalysis.TechGetAccessToken
	found := false
	for _, n := range nodes {
		if n.ID == setID {
			found = n.Kind == gcpanalysis.KindPermissionSet && n.Kind.Transparent()
		}
	}
	if !found {
		t.Fatalf("no transparent permission set %s among %d nodes", setID, len(nodes))
	}
	members, reaches := 0, 0
	included := analysis.TargetSetMembers(edges)
	for _, e := range edges {
		switch {
		case e.To == setID && e.Kind == graphmodel.EdgeMemberOf:
			members++
		case e.From == setID && e.Kind == graphmodel.EdgeCanBecome && e.Technique == gcpanalysis.TechGetAccessToken:
			if n := len(included[e.To]); n > 0 {
				reaches += n // through a target set, to each of its members
			} else {
				reaches++
			}
		case e.From == attacker && e.To == target:
			t.Errorf("a member has its own edge %s to the target", e.Technique)
		}
	}
	if members != 5 || reaches != 3 {
		t.Errorf("%d members, %d accounts reached; want 5 and 3", members, reaches)
	}
	list := pathsTo(t, g, attacker, prod)
	if len(list) == 0 || render(hopsOf(list[0])) != render([]hop{{attacker, target, gcpanalysis.TechGetAccessToken}, {target, prod, gcpanalysis.TechSetProjectPolicy}}) {
		t.Fatalf("paths %v", list)
	}
	if ev := list[0].Path[0].Evidence; !strings.Contains(ev, "as a member of "+setID) {
		t.Errorf("evidence %q does not name the set", ev)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
