package neo4jexport_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/analysis/crosscloud"
	k8sanalysis "github.com/blastradius/blastradius/analysis/kubernetes"
	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	k8scollect "github.com/blastradius/blastradius/collectors/kubernetes"
	"github.com/blastradius/blastradius/neo4jexport"
)

// TestKubernetesExport exports a cluster merged with its AWS account
// (analysis/crosscloud's privileged-namespace-chain fixture) and checks
// the Kubernetes labels and the query of the service accounts whose
// tokens reach a cloud administrator.
func TestKubernetesExport(t *testing.T) {
	driver := testDriver(t)
	wipe(t, driver)
	dir := filepath.Join("..", "analysis", "crosscloud", "testdata", "privileged-namespace-chain")
	snap, err := collectors.Run(context.Background(),
		k8scollect.NewOffline([]string{filepath.Join(dir, "cluster.json")}, "prod-eu"),
		awscollect.NewOffline(os.DirFS(filepath.Join(dir, "aws")), filepath.Join(dir, "aws")))
	if err != nil {
		t.Fatal(err)
	}
	g, err := neo4jexport.Build(context.Background(), snap, analysis.Options{
		Derivers: []analysis.Deriver{awsanalysis.New(), k8sanalysis.New(), crosscloud.New()}})
	if err != nil {
		t.Fatal(err)
	}
	export(t, driver, "k8s", g)

	const app = "k8s:prod-eu:serviceaccount:prod:app"
	if n := count(t, driver, "MATCH (n:K8sServiceAccount:Identity:NonHuman {id: $id}) RETURN count(n) AS n", map[string]any{"id": app}); n != 1 {
		t.Errorf("%d service account nodes %s with their labels, want 1", n, app)
	}
	if n := count(t, driver, "MATCH (:K8sNode {id: 'k8s:prod-eu:node:node-a'})-[r:CAN_BECOME {technique: 'TOKEN_STEAL'}]->(:K8sServiceAccount {id: $id}) RETURN count(r) AS n", map[string]any{"id": app}); n != 1 {
		t.Errorf("%d TOKEN_STEAL relationships from node-a to %s, want 1", n, app)
	}
	rs := runQuery(t, driver, "k8s-tokens-to-cloud-admin", nil)
	for _, want := range []struct {
		sa   string
		hops int64
	}{{app, 2}, {"k8s:prod-eu:serviceaccount:dev:attacker", 4}} {
		if err := expectRow(rs, "service_account", want.sa, "scope", "aws:account:111122223333", "hops", want.hops); err != nil {
			t.Errorf("%v\nrows: %v", err, brief(rs))
		}
	}
}
