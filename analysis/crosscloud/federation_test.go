package crosscloud_test

import (
	"context"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/crosscloud"
	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
)

// The GKE and GitHub fixtures (scripts/gen-federation-fixtures.py): the
// GKE cluster prod-gke of project prod-app (folder 345678901234 of
// organization 123456789012), whose workload pool is prod-app.svc.id.goog;
// the GitHub Actions pool github of project shared-ci (400000000022); the
// GCP service account deployer, owner of prod-app.
const (
	project    = "gcp:project:prod-app"
	deployer   = "gcp:serviceAccount:deployer@prod-app.iam.gserviceaccount.com"
	ghPool     = "projects/400000000022/locations/global/workloadIdentityPools/github"
	gkePrefix  = "gcp:principal:prod-app.svc.id.goog"
	reports    = "//storage.googleapis.com/projects/_/buckets/prod-reports"
	getToken   = "iam.serviceAccounts.getAccessToken"
	setProject = "resourcemanager.projects.setIamPolicy"
	deployRepo = "github:repo:acme/deploy"
)

func gke(kind, ns, name string) string { return graphmodel.K8sObject(gkeClusterName, kind, ns, name) }
func gkePrincipal(ns, name string) string {
	return gkePrefix + "[" + ns + "/" + name + "]"
}
func ghSet(set string) string { return "gcp:principalSet://iam.googleapis.com/" + ghPool + "/" + set }

// wantEvidence checks that the hop into to of the only path from → to
// cites what.
func wantEvidence(t *testing.T, g *analysis.Graph, from, to, hopTo, what string) {
	t.Helper()
	paths, err := g.Paths(from, to)
	if err != nil || len(paths) != 1 {
		t.Fatalf("%s → %s: %v, %+v", from, to, err, paths)
	}
	for _, h := range paths[0].Path {
		if h.To == hopTo {
			if !strings.Contains(h.Evidence, what) {
				t.Errorf("hop into %s: evidence %q lacks %q", hopTo, h.Evidence, what)
			}
			return
		}
	}
	t.Errorf("%s → %s: no hop into %s", from, to, hopTo)
}

// repoNode returns the derived node of a GitHub repository, nil when none.
func repoNode(g *analysis.Graph, id string) *graphmodel.Node {
	nodes, _ := g.Derived()
	for i := range nodes {
		if nodes[i].ID == id {
			return &nodes[i]
		}
	}
	return nil
}

// findings returns the hygiene findings of an identity.
func findings(t *testing.T, g *analysis.Graph, id string) []string {
	t.Helper()
	res, err := g.Result(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range res.Identities {
		if i.ID == id {
			if i.Hygiene == nil {
				return nil
			}
			return i.Hygiene.Findings
		}
	}
	t.Fatalf("no identity %s", id)
	return nil
}

// wantBroad checks the NHI6 finding of a repository: its text names what
// the trust admits, or it has none when what is "".
func wantBroad(t *testing.T, g *analysis.Graph, repo, what string) {
	t.Helper()
	var got []string
	for _, f := range findings(t, g, repo) {
		if strings.HasPrefix(f, "NHI6:") {
			got = append(got, f)
		}
	}
	switch {
	case what == "" && len(got) > 0:
		t.Errorf("%s: findings %q, want no NHI6", repo, got)
	case what != "" && (len(got) != 1 || !strings.Contains(got[0], what)):
		t.Errorf("%s: findings %q, want one NHI6 with %q", repo, got, what)
	}
}

func TestFederationBridges(t *testing.T) {
	app, batch := gke("serviceaccount", "prod", "app"), gke("serviceaccount", "prod", "batch")
	toOwner := []step{{getToken, deployer}, {setProject, project}}
	for _, tc := range []struct {
		name  string
		check func(*testing.T, *analysis.Graph)
	}{
		{"gke-workload-identity", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, app, project, append([]step{{"gke-workload-identity", gkePrincipal("prod", "app")}}, toOwner...)...)
			wantEvidence(t, g, app, project, gkePrincipal("prod", "app"), "cluster prod-gke runs GKE Workload Identity with pool prod-app.svc.id.goog")
			wantEvidence(t, g, app, project, deployer, "roles/iam.workloadIdentityUser")
			// Whoever creates pods in prod becomes prod/app first: the
			// chain composes.
			wantPath(t, g, gke("serviceaccount", "dev", "attacker"), project,
				append([]step{{"assign_sa", app}, {"gke-workload-identity", gkePrincipal("prod", "app")}}, toOwner...)...)
			wantNoPath(t, g, batch, deployer)
		}},
		{"gke-inherited-binding", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, app, project, append([]step{{"gke-workload-identity", gkePrincipal("prod", "app")}}, toOwner...)...)
			wantEvidence(t, g, app, project, deployer, "gcp:folder:345678901234")
		}},
		{"gke-direct-principal", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, app, project, step{"gke-workload-identity", gkePrincipal("prod", "app")}, step{setProject, project})
			prodSet := "gcp:principalSet://iam.googleapis.com/projects/400000000011/locations/global/workloadIdentityPools/prod-app.svc.id.goog/namespace/prod"
			wantPath(t, g, batch, reports, step{"gke-workload-identity", prodSet}, step{"storage.objects.get", reports})
			wantNoPath(t, g, batch, project)
			wantNoPath(t, g, gke("serviceaccount", "dev", "default"), reports)
		}},
		{"gke-near-miss-annotation-only", func(t *testing.T, g *analysis.Graph) {
			wantNoPath(t, g, app, deployer)
			wantNoPath(t, g, app, project)
		}},
		{"gke-near-miss-other-namespace", func(t *testing.T, g *analysis.Graph) {
			wantNoPath(t, g, app, deployer)
			wantPath(t, g, gke("serviceaccount", "dev", "app"), project,
				append([]step{{"gke-workload-identity", gkePrincipal("dev", "app")}}, toOwner...)...)
		}},
		{"github-gcp-repository", func(t *testing.T, g *analysis.Graph) {
			set := ghSet("attribute.repository/acme/deploy")
			wantPath(t, g, deployRepo, project, append([]step{{"github-actions-wif", set}}, toOwner...)...)
			wantEvidence(t, g, deployRepo, project, set, "assertion.repository_owner == 'acme'")
			wantBroad(t, g, deployRepo, "any branch of acme/deploy: //iam.googleapis.com/"+ghPool+"/providers/github-actions admits repo:acme/deploy:*")
			if n := repoNode(g, "github:repo:acme/*"); n != nil {
				t.Errorf("acme/* is no member's repository: %+v", n)
			}
		}},
		{"github-gcp-pinned-repository", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, deployRepo, project, append([]step{{"github-actions-wif", ghSet("*")}}, toOwner...)...)
			wantBroad(t, g, deployRepo, "")
			if n := repoNode(g, deployRepo); n == nil || n.Prop(graphmodel.PropFederatedSubject) != "repo:acme/deploy:ref:refs/heads/main" {
				t.Errorf("acme/deploy: %+v", n)
			}
			// acme/other has a set of its own, but the condition admits
			// acme/deploy only: no node, no edge; nor any repository.
			for _, id := range []string{"github:repo:acme/other", "github:repo:acme/*", "github:repo:*"} {
				if n := repoNode(g, id); n != nil {
					t.Errorf("%s: %+v", id, n)
				}
			}
			_, edges := g.Derived()
			for _, e := range analysis.ExpandTargetSets(edges) { // an edge per target
				if e.To == ghSet("attribute.repository/acme/other") && e.Technique == crosscloud.TechGitHubActionsWIF {
					t.Errorf("an edge into acme/other's set: %+v", e)
				}
			}
		}},
		{"github-gcp-any-repository", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, "github:repo:*", project, append([]step{{"github-actions-wif", ghSet("*")}}, toOwner...)...)
			wantBroad(t, g, "github:repo:*", "any GitHub repository: //iam.googleapis.com/"+ghPool+"/providers/github-actions admits *")
		}},
		{"github-gcp-subject", func(t *testing.T, g *analysis.Graph) {
			subject := "gcp:principal://iam.googleapis.com/" + ghPool + "/subject/repo:acme/deploy:ref:refs/heads/main"
			wantPath(t, g, deployRepo, project, append([]step{{"github-actions-wif", subject}}, toOwner...)...)
			wantBroad(t, g, deployRepo, "")
		}},
		{"github-aws-branch", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, deployRepo, account, step{"sts:AssumeRoleWithWebIdentity", role("deploy")}, step{"admin-equivalent-policy", account})
			wantBroad(t, g, deployRepo, "any branch of acme/deploy: "+role("preview")+" admits repo:acme/deploy:*")
		}},
		{"github-both-clouds", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, deployRepo, account, step{"sts:AssumeRoleWithWebIdentity", role("deploy")}, step{"admin-equivalent-policy", account})
			wantPath(t, g, deployRepo, project, append([]step{{"github-actions-wif", ghSet("attribute.repository/acme/deploy")}}, toOwner...)...)
			// One node: the AWS trust pins main, the GCP one admits any
			// branch, which marks it.
			wantBroad(t, g, deployRepo, "any branch of acme/deploy: //iam.googleapis.com/"+ghPool+"/providers/github-actions")
			n := repoNode(g, deployRepo)
			if n == nil || n.Kind != graphmodel.KindGitHubRepo || n.Provider != graphmodel.ProviderGitHub || n.Name != "GitHub repository acme/deploy" {
				t.Errorf("acme/deploy: %+v", n)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, prepare(t, merged(t, tc.name))) })
	}
}

// TestGKENeedsBothSides: the GKE cluster alone, or its GCP export alone,
// has no GKE Workload Identity edge.
func TestGKENeedsBothSides(t *testing.T) {
	for _, c := range caseCollectors(t, "gke-workload-identity") {
		snap, err := collectors.Run(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		_, edges, err := crosscloud.New().Derive(context.Background(), snap)
		if err != nil || len(edges) != 0 {
			t.Errorf("%s alone: %d edges, %v", c.Name(), len(edges), err)
		}
	}
}
