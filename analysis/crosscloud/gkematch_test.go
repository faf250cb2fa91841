package crosscloud_test

import (
	"testing"

	"github.com/blastradius/blastradius/analysis/crosscloud"
	"github.com/blastradius/blastradius/graphmodel"
)

// TestMatchGKE: a collected cluster is matched to its GKE cluster by its
// issuer, by a kubeconfig-style name, or by name in the project and
// location its nodes show; two of one name and nothing else to tell them
// apart match neither.
func TestMatchGKE(t *testing.T) {
	gkeNode := func(project, location, pool string) graphmodel.Node {
		return graphmodel.Node{ID: "//container.googleapis.com/projects/" + project + "/locations/" + location + "/clusters/prod-gke",
			Kind: graphmodel.KindGCPResource, Provider: graphmodel.ProviderGCP, Name: "prod-gke", Scope: "gcp:project:" + project,
			Properties: map[string]string{graphmodel.PropGCPAssetType: "container.googleapis.com/Cluster", graphmodel.PropGCPLocation: location,
				graphmodel.PropGCPWorkloadPool: pool}}
	}
	clusterNodes := func(name, issuer string, providerIDs ...string) []graphmodel.Node {
		out := []graphmodel.Node{{ID: graphmodel.K8sClusterScope(name), Kind: graphmodel.KindK8sCluster, Provider: graphmodel.ProviderKubernetes, Name: name,
			Properties: map[string]string{graphmodel.PropK8sOIDCIssuer: issuer}}}
		for i, p := range providerIDs {
			id, _ := graphmodel.K8sNode(name, string(rune('a'+i)))
			out = append(out, graphmodel.Node{ID: id, Kind: graphmodel.KindK8sNode, Provider: graphmodel.ProviderKubernetes, Name: string(rune('a' + i)),
				Scope: graphmodel.K8sClusterScope(name), Properties: map[string]string{graphmodel.PropK8sProviderID: p}})
		}
		return out
	}
	gcp := []graphmodel.Node{gkeNode("prod-app", "europe-west1", "prod-app.svc.id.goog"), gkeNode("other", "europe-west1", "other.svc.id.goog"),
		gkeNode("other", "us-central1-a", "")}
	for _, tt := range []struct {
		name    string
		cluster []graphmodel.Node
		want    string // the workload pool
		match   bool
	}{
		{"by name, in the project of its nodes", clusterNodes("prod-gke", "", "gce://prod-app/europe-west1-b/gke-prod-gke-pool-1"), "prod-app.svc.id.goog", true},
		{"by name, in the project and region of its nodes", clusterNodes("prod-gke", "", "gce://other/europe-west1-c/gke-prod-gke-pool-1"), "other.svc.id.goog", true},
		{"by name, its nodes in a zonal cluster's zone (Workload Identity off)", clusterNodes("prod-gke", "", "gce://other/us-central1-a/gke-prod-gke-pool-1"), "", true},
		{"by name alone, ambiguous", clusterNodes("prod-gke", ""), "", false},
		{"by a kubeconfig context name", clusterNodes("gke_other_europe-west1_prod-gke", ""), "other.svc.id.goog", true},
		{"by issuer", clusterNodes("anything", "https://container.googleapis.com/v1/projects/prod-app/locations/europe-west1/clusters/prod-gke"), "prod-app.svc.id.goog", true},
		{"by issuer, of a cluster not collected", clusterNodes("prod-gke", "https://container.googleapis.com/v1/projects/third/locations/europe-west1/clusters/prod-gke",
			"gce://prod-app/europe-west1-b/x"), "prod-app.svc.id.goog", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			snap := &graphmodel.Snapshot{SchemaVersion: graphmodel.SchemaVersion, Nodes: append(append([]graphmodel.Node(nil), gcp...), tt.cluster...)}
			e, err := crosscloud.NewEstate(snap)
			if err != nil {
				t.Fatal(err)
			}
			if len(e.Clusters) != 1 {
				t.Fatalf("%d clusters", len(e.Clusters))
			}
			if got := e.Clusters[0].WorkloadPool; got != tt.want || (e.Clusters[0].GKE != nil) != tt.match {
				t.Errorf("workload pool %q, want %q (GKE %v)", got, tt.want, e.Clusters[0].GKE)
			}
		})
	}
}
