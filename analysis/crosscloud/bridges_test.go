package crosscloud_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/analysis/crosscloud"
	gcpanalysis "github.com/blastradius/blastradius/analysis/gcp"
	k8sanalysis "github.com/blastradius/blastradius/analysis/kubernetes"
	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	gcpcollect "github.com/blastradius/blastradius/collectors/gcp"
	k8scollect "github.com/blastradius/blastradius/collectors/kubernetes"
	"github.com/blastradius/blastradius/graphmodel"
)

// The fixtures under testdata/<case> are made by scripts/gen-k8s-fixtures.py
// (cluster.json is a kubectl List of the EKS cluster prod-eu, aws/ the
// offline directory of its account) and scripts/gen-federation-fixtures.py
// (cluster.json of the GKE cluster prod-gke, gcp/ the Cloud Asset
// Inventory export of its organization, aws/ an account GitHub Actions
// deploys to); a case holds the parts it needs.

const (
	cluster = "prod-eu"
	account = "aws:account:111122223333"
	// gkeCluster is the name the GKE fixtures' cluster is collected under.
	gkeClusterName = "prod-gke"
)

var (
	scope    = graphmodel.K8sClusterScope(cluster)
	app      = k8s("serviceaccount", "prod", "app")
	attacker = k8s("serviceaccount", "dev", "attacker")
	nodeA    = k8s("node", "", "node-a")
	masters  = graphmodel.K8sGroup(cluster, "system:masters")
)

func k8s(kind, ns, name string) string { return graphmodel.K8sObject(cluster, kind, ns, name) }
func role(name string) string          { return "arn:aws:iam::111122223333:role/" + name }

// caseCollectors returns the collectors of a case's parts: its cluster
// (prod-gke when the case has a GCP export, else prod-eu), its AWS
// account, its GCP export.
func caseCollectors(t *testing.T, name string) []collectors.Collector {
	t.Helper()
	dir := filepath.Join("testdata", name)
	exists := func(p string) bool { _, err := os.Stat(filepath.Join(dir, p)); return err == nil }
	var cs []collectors.Collector
	if exists("cluster.json") {
		c := cluster
		if exists("gcp") {
			c = gkeClusterName
		}
		cs = append(cs, k8scollect.NewOffline([]string{filepath.Join(dir, "cluster.json")}, c))
	}
	if exists("aws") {
		cs = append(cs, awscollect.NewOffline(osDirFS(filepath.Join(dir, "aws")), filepath.Join(dir, "aws")))
	}
	if exists("gcp") {
		cs = append(cs, gcpcollect.NewOffline([]string{filepath.Join(dir, "gcp", "resources.jsonl"), filepath.Join(dir, "gcp", "iam-policy.jsonl")}))
	}
	if len(cs) == 0 {
		t.Fatalf("case %s has nothing to collect", name)
	}
	return cs
}

// merged collects a case's parts into one snapshot.
func merged(t *testing.T, name string) *graphmodel.Snapshot {
	t.Helper()
	snap, err := collectors.Run(context.Background(), caseCollectors(t, name)...)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// prepare analyzes a case with the AWS, Kubernetes and cross-cloud
// analyses, as the command does.
func prepare(t *testing.T, snap *graphmodel.Snapshot, derivers ...analysis.Deriver) *analysis.Graph {
	t.Helper()
	if derivers == nil {
		derivers = []analysis.Deriver{awsanalysis.New(), gcpanalysis.NewAt(testNow), k8sanalysis.New(), crosscloud.New()}
	}
	g, err := analysis.Prepare(context.Background(), snap, analysis.Options{Derivers: derivers,
		Detail: analysis.DetailFull, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// testNow is the analysis time of the tests.
var testNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type step struct{ technique, to string }

func wantPath(t *testing.T, g *analysis.Graph, from, to string, steps ...step) {
	t.Helper()
	paths, err := g.Paths(from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || paths[0].Conditional {
		t.Fatalf("%s → %s: want one certain path, got %+v", from, to, paths)
	}
	p := paths[0].Path
	if len(p) != len(steps) {
		t.Fatalf("%s → %s: %d hops, want %d: %+v", from, to, len(p), len(steps), p)
	}
	at := from
	for i, h := range p {
		ok := false
		for _, tech := range strings.Split(steps[i].technique, "|") {
			ok = ok || tech == h.Technique
		}
		if h.From != at || h.To != steps[i].to || !ok || h.Evidence == "" {
			t.Errorf("%s → %s hop %d = %s -%s-> %s (%q), want -%s-> %s", from, to, i, h.From, h.Technique, h.To, h.Evidence, steps[i].technique, steps[i].to)
		}
		at = h.To
	}
}

func wantNoPath(t *testing.T, g *analysis.Graph, from, to string) {
	t.Helper()
	paths, err := g.Paths(from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 0 {
		t.Errorf("%s → %s: want no path, got %+v", from, to, paths[0].Path)
	}
}

func TestBridges(t *testing.T) {
	for _, tc := range []struct {
		name  string
		check func(*testing.T, *analysis.Graph)
	}{
		{"irsa-exact", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, app, account, step{"eks-irsa", role("payments-admin")}, step{"admin-equivalent-policy", account})
			// reports-reader's trust names prod/reports, which the cluster lacks.
			_, edges := g.Derived()
			for _, e := range analysis.ExpandTargetSets(edges) { // an edge per target
				if e.To == role("reports-reader") && strings.HasPrefix(e.Technique, "eks-") {
					t.Errorf("bridge to reports-reader: %+v", e)
				}
			}
			batch := k8s("serviceaccount", "prod", "batch")
			wantNoPath(t, g, batch, role("payments-admin"))
		}},
		{"irsa-wildcard", func(t *testing.T, g *analysis.Graph) {
			uploader := k8s("serviceaccount", "dev", "uploader")
			wantPath(t, g, uploader, role("any-sa"), step{"eks-irsa", role("any-sa")})
			// prod/app's pods hold no token for STS: the wildcard trust
			// admits its subject, but it has no such token to present.
			wantNoPath(t, g, app, role("any-sa"))
			// The attacker mints one for prod/batch (create
			// serviceaccounts/token).
			wantPath(t, g, attacker, role("any-sa"), step{"eks-irsa-mint", role("any-sa")})
		}},
		{"pod-identity", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, app, account, step{"eks-pod-identity", role("pod-identity-role")}, step{"admin-equivalent-policy", account})
			wantNoPath(t, g, k8s("serviceaccount", "prod", "batch"), role("pod-identity-role"))
		}},
		{"aws-auth-masters", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, role("ci-deployer"), scope, step{"eks-aws-auth", masters}, step{"cluster_admin", scope})
			wantPath(t, g, role("eks-nodes"), app, step{"eks-aws-auth", nodeA}, step{"TOKEN_STEAL", app})
			wantPath(t, g, nodeA, role("eks-nodes"), step{"eks-node-instance-role", role("eks-nodes")})
		}},
		{"access-entry-namespace", func(t *testing.T, g *analysis.Graph) {
			user := graphmodel.K8sUser(cluster, "arn:aws:sts::111122223333:assumed-role/team-prod/{{SessionName}}")
			wantPath(t, g, role("team-prod"), app, step{"eks-access-entry", user}, step{"assign_sa|token_request|TOKEN_LIST|POD_EXEC", app})
			wantNoPath(t, g, role("team-prod"), scope)    // edit in prod only
			wantNoPath(t, g, role("team-prod"), attacker) // dev is not prod
			admin := graphmodel.K8sUser(cluster, "arn:aws:sts::111122223333:assumed-role/platform-admin/{{SessionName}}")
			wantPath(t, g, role("platform-admin"), scope, step{"eks-access-entry", admin}, step{"cluster_admin", scope})
		}},
		{"privileged-namespace-chain", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, role("payments-admin"),
				step{"POD_CREATE", nodeA}, step{"TOKEN_STEAL", app}, step{"eks-irsa", role("payments-admin")})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, prepare(t, merged(t, tc.name))) })
	}
}

// TestBridgesNeedBothSides: the cluster alone, or the account alone, has
// no bridge.
func TestBridgesNeedBothSides(t *testing.T) {
	dir := filepath.Join("testdata", "irsa-exact")
	for _, c := range []collectors.Collector{
		k8scollect.NewOffline([]string{filepath.Join(dir, "cluster.json")}, cluster),
		awscollect.NewOffline(osDirFS(filepath.Join(dir, "aws")), filepath.Join(dir, "aws")),
	} {
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

// TestCatalogue: every edge the bridges derive on the fixtures names a
// technique of their catalogue, every technique names one, and each entry
// is complete.
func TestCatalogue(t *testing.T) {
	a := crosscloud.New()
	known := map[string]bool{}
	for _, tq := range a.Techniques() {
		known[tq.ID] = true
		if tq.Provider != crosscloud.Provider || tq.Name == "" || tq.Category == "" || !strings.HasPrefix(tq.Attack, "T1") || tq.Description == "" {
			t.Errorf("incomplete: %+v", tq)
		}
	}
	seen := map[string]bool{}
	dirs, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, d := range dirs {
		_, edges, err := a.Derive(context.Background(), merged(t, filepath.Base(d)))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range edges {
			if !known[e.Technique] {
				t.Errorf("%s: %s -%s-> %s cites %q, not in the catalogue", d, e.From, e.Kind, e.To, e.Technique)
			}
			seen[e.Technique] = true
		}
	}
	for id := range known {
		if !seen[id] {
			t.Errorf("%s names no edge of any fixture", id)
		}
	}
}
