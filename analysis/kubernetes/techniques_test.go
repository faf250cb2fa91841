package kubernetes_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/analysis"
	k8sanalysis "github.com/blastradius/blastradius/analysis/kubernetes"
	"github.com/blastradius/blastradius/collectors"
	k8scollect "github.com/blastradius/blastradius/collectors/kubernetes"
	"github.com/blastradius/blastradius/graphmodel"
)

// The fixtures under testdata/techniques are made by
// scripts/gen-k8s-fixtures.py; each is a kubectl List of a small cluster,
// named after the technique it shows (or the near miss).

const cluster = "t"

var (
	scope    = graphmodel.K8sClusterScope(cluster)
	attacker = id("serviceaccount", "dev", "attacker")
	app      = id("serviceaccount", "prod", "app")
	batch    = id("serviceaccount", "prod", "batch")
	nodeA    = id("node", "", "node-a")
	nodeB    = id("node", "", "node-b")
	masters  = graphmodel.K8sGroup(cluster, "system:masters")
)

func id(kind, ns, name string) string { return graphmodel.K8sObject(cluster, kind, ns, name) }

// prepare collects a fixture and prepares its attack graph with the
// Kubernetes analysis.
func prepare(t *testing.T, fixture string) *analysis.Graph {
	t.Helper()
	snap := collect(t, fixture)
	g, err := analysis.Prepare(context.Background(), snap, analysis.Options{
		Derivers: []analysis.Deriver{k8sanalysis.New()}, Detail: analysis.DetailFull,
		Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func collect(t *testing.T, fixture string) *graphmodel.Snapshot {
	t.Helper()
	path := filepath.Join("testdata", "techniques", fixture+".json")
	snap, err := collectors.Run(context.Background(), k8scollect.NewOffline([]string{path}, cluster))
	if err != nil {
		t.Fatalf("collect %s: %v", path, err)
	}
	return snap
}

// step is one expected hop: its technique (any of several, separated by
// "|") and where it arrives.
type step struct{ technique, to string }

// wantPath checks the shortest path from from to to: its hops, and
// whether it is conditional.
func wantPath(t *testing.T, g *analysis.Graph, from, to string, conditional bool, steps ...step) {
	t.Helper()
	paths, err := g.Paths(from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 {
		t.Fatalf("%s → %s: %d paths, want 1", from, to, len(paths))
	}
	p := paths[0]
	if p.Conditional != conditional {
		t.Errorf("%s → %s: conditional %v, want %v: %+v", from, to, p.Conditional, conditional, p.Path)
	}
	if len(p.Path) != len(steps) {
		t.Fatalf("%s → %s: %d hops, want %d: %+v", from, to, len(p.Path), len(steps), p.Path)
	}
	at := from
	for i, h := range p.Path {
		want := steps[i]
		ok := false
		for _, tech := range strings.Split(want.technique, "|") {
			ok = ok || h.Technique == tech
		}
		if h.From != at || h.To != want.to || !ok {
			t.Errorf("%s → %s hop %d = %s -%s-> %s, want %s -%s-> %s", from, to, i, h.From, h.Technique, h.To, at, want.technique, want.to)
		}
		if h.Evidence == "" {
			t.Errorf("%s → %s hop %d has no evidence", from, to, i)
		}
		at = h.To
	}
}

// wantNoPath checks that to is not reachable from from, certainly or not.
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

// wantNoCertainPath checks that to is reachable from from only
// conditionally, if at all.
func wantNoCertainPath(t *testing.T, g *analysis.Graph, from, to string) {
	t.Helper()
	paths, err := g.Paths(from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 0 && !paths[0].Conditional {
		t.Errorf("%s → %s: want no certain path, got %+v", from, to, paths[0].Path)
	}
}

func TestTechniques(t *testing.T) {
	takeover := func(g *analysis.Graph, tech string) {
		wantPath(t, g, attacker, app, false, step{tech, app})
		wantNoPath(t, g, attacker, batch) // its pod mounts no token
	}
	escape := func(tech string) func(*testing.T, *analysis.Graph) {
		return func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, nodeA, false, step{tech, nodeA})
			wantPath(t, g, attacker, app, false, step{tech, nodeA}, step{k8sanalysis.TechTokenSteal, app})
			wantNoPath(t, g, attacker, nodeB)
		}
	}
	for _, tc := range []struct {
		fixture string
		check   func(*testing.T, *analysis.Graph)
	}{
		{"cluster_admin", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, scope, false, step{"cluster_admin", scope})
			wantPath(t, g, masters, scope, false, step{"cluster_admin", scope})
		}},
		{"assign_sa", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, app, false, step{"assign_sa", app})
			wantPath(t, g, attacker, batch, false, step{"assign_sa", batch}) // automount off does not stop a pod creator
			wantNoPath(t, g, attacker, nodeA)                                // prod enforces restricted
		}},
		{"POD_CREATE", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, nodeA, false, step{"POD_CREATE", nodeA})
			wantPath(t, g, attacker, app, false, step{"POD_CREATE", nodeA}, step{"TOKEN_STEAL", app})
			wantPath(t, g, attacker, id("serviceaccount", "dev", "default"), false, step{"assign_sa", id("serviceaccount", "dev", "default")})
			wantNoPath(t, g, attacker, batch) // on node-b, its pod mounts no token
		}},
		{"token_request", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, app, false, step{"token_request", app})
			wantNoPath(t, g, attacker, batch) // the rule names app only
		}},
		{"issue_token_secrets", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, batch, false, step{"issue_token_secrets", batch})
		}},
		{"TOKEN_LIST", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, app, false, step{"TOKEN_LIST", app})
			wantPath(t, g, attacker, id("secret", "prod", "harmless-config"), false, step{"retrieve_secrets", id("secret", "prod", "harmless-config")})
		}},
		{"retrieve_token_secrets", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, app, false, step{"retrieve_token_secrets", app})
			wantNoPath(t, g, attacker, id("secret", "prod", "harmless-config"))
		}},
		{"TOKEN_BRUTEFORCE", func(t *testing.T, g *analysis.Graph) {
			// The near miss "get on Secrets without names": only conditional.
			wantPath(t, g, attacker, app, true, step{"TOKEN_BRUTEFORCE", app})
			wantNoCertainPath(t, g, attacker, app)
		}},
		{"ROLE_BIND", func(t *testing.T, g *analysis.Graph) {
			grant := "k8s:t:role-grant:prod:clusterrole:admin"
			wantPath(t, g, attacker, app, false, step{"ROLE_BIND", grant}, step{"assign_sa|token_request|TOKEN_LIST|POD_EXEC|POD_ATTACH|POD_PATCH|pods_ephemeral_ctrs", app})
			wantNoPath(t, g, attacker, nodeA) // prod enforces restricted, and admin holds nothing cluster-wide
		}},
		{"escalate_roles", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, scope, false, step{"escalate_roles", scope})
		}},
		{"IDENTITY_IMPERSONATE", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, scope, false, step{"IDENTITY_IMPERSONATE", masters}, step{"cluster_admin", scope})
			wantPath(t, g, attacker, graphmodel.K8sUser(cluster, "jane"), false, step{"IDENTITY_IMPERSONATE", graphmodel.K8sUser(cluster, "jane")})
		}},
		{"POD_EXEC", func(t *testing.T, g *analysis.Graph) { takeover(g, "POD_EXEC") }},
		{"POD_ATTACH", func(t *testing.T, g *analysis.Graph) { takeover(g, "POD_ATTACH") }},
		{"POD_PATCH", func(t *testing.T, g *analysis.Graph) { takeover(g, "POD_PATCH") }},
		{"pods_ephemeral_ctrs", func(t *testing.T, g *analysis.Graph) {
			web := id("serviceaccount", "dev", "web")
			wantPath(t, g, attacker, web, false, step{"pods_ephemeral_ctrs", web})
			wantPath(t, g, attacker, nodeB, false, step{"pods_ephemeral_ctrs", nodeB}) // dev admits a privileged ephemeral container
			wantNoPath(t, g, attacker, app)                                            // in prod, not granted
		}},
		{"nodes_proxy", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, app, false, step{"nodes_proxy", app})
			wantNoPath(t, g, attacker, batch)
		}},
		{"approve_csrs", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, scope, false, step{"approve_csrs", masters}, step{"cluster_admin", scope})
		}},
		{"control_webhooks", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, scope, true, step{"control_webhooks", scope})
		}},
		{"eks_modify_aws_auth", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, scope, false, step{"eks_modify_aws_auth", masters}, step{"cluster_admin", scope})
		}},
		{"CE_PRIV_MOUNT", escape("CE_PRIV_MOUNT")},
		{"CE_NSENTER", escape("CE_NSENTER")},
		{"EXPLOIT_HOST_PID", escape("EXPLOIT_HOST_PID")},
		{"EXPLOIT_HOST_NETWORK", escape("EXPLOIT_HOST_NETWORK")},
		{"EXPLOIT_HOST_WRITE", escape("EXPLOIT_HOST_WRITE")},
		{"EXPLOIT_HOST_READ", escape("EXPLOIT_HOST_READ")},
		{"EXPLOIT_CONTAINERD_SOCK", escape("EXPLOIT_CONTAINERD_SOCK")},
		{"EXPLOIT_HOST_TRAVERSE", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, app, false, step{"EXPLOIT_HOST_TRAVERSE", app})
			wantNoPath(t, g, attacker, nodeA) // the tokens, not the node
		}},
		{"TOKEN_STEAL", func(t *testing.T, g *analysis.Graph) {
			legacy := id("serviceaccount", "dev", "legacy")
			wantPath(t, g, attacker, legacy, false, step{"TOKEN_STEAL", legacy})
			wantPath(t, g, nodeB, legacy, false, step{"TOKEN_STEAL", legacy})
		}},
		{"SECRET_VOLUME", func(t *testing.T, g *analysis.Graph) {
			secret := id("secret", "dev", "db-password")
			wantPath(t, g, attacker, secret, false, step{"SECRET_VOLUME", secret})
		}},
		{"k8s-permission-set", func(t *testing.T, g *analysis.Graph) {
			set := "k8s:t:permission-set:run-pods:dev"
			def := id("serviceaccount", "dev", "default")
			wantPath(t, g, attacker, def, false, step{"assign_sa", def})
			paths, _ := g.Paths(attacker, def)
			if len(paths) == 1 && !strings.HasPrefix(paths[0].Path[0].Evidence, "as a member of "+set+": ") {
				t.Errorf("the hop does not name the set: %q", paths[0].Path[0].Evidence)
			}
			alice := graphmodel.K8sUser(cluster, "dev3@example.com")
			wantPath(t, g, alice, nodeA, false, step{"POD_CREATE", nodeA})
		}},
		{"near-miss-harmless-secret", func(t *testing.T, g *analysis.Graph) {
			secret := id("secret", "prod", "harmless-config")
			wantPath(t, g, attacker, secret, false, step{"retrieve_token_secrets|retrieve_secrets", secret})
			wantNoPath(t, g, attacker, app)
		}},
		{"near-miss-rolebinding-scope", func(t *testing.T, g *analysis.Graph) {
			ci := id("serviceaccount", "dev", "ci")
			wantPath(t, g, attacker, ci, false, step{"TOKEN_LIST", ci})
			wantNoPath(t, g, attacker, app) // the ClusterRole grants in dev only
		}},
		{"near-miss-create-rolebindings-without-bind", func(t *testing.T, g *analysis.Graph) {
			wantNoPath(t, g, attacker, app)
			wantNoPath(t, g, attacker, scope)
		}},
		{"near-miss-pod-create-baseline", func(t *testing.T, g *analysis.Graph) {
			runner := id("serviceaccount", "ops", "runner")
			wantPath(t, g, attacker, runner, false, step{"assign_sa", runner})
			wantNoPath(t, g, attacker, nodeA) // ops enforces baseline
		}},
		{"near-miss-automount-off", func(t *testing.T, g *analysis.Graph) {
			wantPath(t, g, attacker, app, false, step{"POD_EXEC", app})
			wantNoPath(t, g, attacker, batch)
		}},
		{"near-miss-non-root-hostpath", func(t *testing.T, g *analysis.Graph) {
			reader := id("serviceaccount", "dev", "reader")
			wantNoPath(t, g, reader, app)
			wantNoPath(t, g, reader, nodeA)
		}},
		{"near-miss-approve-csrs-on-eks", func(t *testing.T, g *analysis.Graph) {
			wantNoPath(t, g, attacker, scope)
			wantNoPath(t, g, attacker, masters)
		}},
	} {
		t.Run(tc.fixture, func(t *testing.T) { tc.check(t, prepare(t, tc.fixture)) })
	}
}

// TestCatalogueCoverage: every technique of the catalogue names an edge of
// some fixture, and every edge of every fixture names a catalogued
// technique; every catalogue entry is complete.
func TestCatalogueCoverage(t *testing.T) {
	known := map[string]bool{}
	for _, tq := range k8sanalysis.Techniques() {
		known[tq.ID] = true
		if tq.Provider != graphmodel.ProviderKubernetes || tq.Name == "" || tq.Category == "" || tq.Description == "" ||
			(tq.Category != "membership" && !strings.HasPrefix(tq.Attack, "T1")) {
			t.Errorf("incomplete: %+v", tq)
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "techniques", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		fixture := strings.TrimSuffix(filepath.Base(f), ".json")
		if !strings.HasPrefix(fixture, "near-miss-") && !known[fixture] {
			t.Errorf("fixture %s is named after no technique", fixture)
		}
		_, edges, err := k8sanalysis.New().Derive(context.Background(), collect(t, fixture))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range edges {
			if e.Technique == "" {
				continue // a fact edge (a derived user's membership)
			}
			if !known[e.Technique] {
				t.Errorf("%s: edge %s -%s-> %s cites %q, which the catalogue lacks", fixture, e.From, e.Kind, e.To, e.Technique)
			}
			seen[e.Technique] = true
		}
	}
	for id := range known {
		if !seen[id] {
			t.Errorf("technique %s names no edge of any fixture", id)
		}
	}
	if _, err := os.Stat(filepath.Join("testdata", "techniques", "cluster_admin.json")); err != nil {
		t.Error(err)
	}
}

// TestClustersApart: two clusters in one snapshot are analyzed each on
// its own: a subject of one reaches nothing of the other.
func TestClustersApart(t *testing.T) {
	path := filepath.Join("testdata", "techniques", "cluster_admin.json")
	snap, err := collectors.Run(context.Background(),
		k8scollect.NewOffline([]string{path}, "one"), k8scollect.NewOffline([]string{path}, "two"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := analysis.Prepare(context.Background(), snap, analysis.Options{Derivers: []analysis.Deriver{k8sanalysis.New()}})
	if err != nil {
		t.Fatal(err)
	}
	from := graphmodel.K8sObject("one", "serviceaccount", "dev", "attacker")
	paths, err := g.Paths(from, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || paths[0].Target != graphmodel.K8sClusterScope("one") {
		t.Fatalf("admin paths of %s = %+v, want k8s:cluster:one alone", from, paths)
	}
	other, _ := graphmodel.K8sServiceAccount("two", "prod", "app")
	wantNoPath(t, g, from, other)
}
