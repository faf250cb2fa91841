package gcp

import (
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
)

func TestResourceClasses(t *testing.T) {
	frag := collect(t, NewOffline(estateFiles))
	want := map[string]graphmodel.ResourceClass{
		"//storage.googleapis.com/projects/_/buckets/prod-app-assets":                       graphmodel.ResourceObjectStore,
		"//secretmanager.googleapis.com/projects/111111111111/secrets/db-password":          graphmodel.ResourceSecret,
		"//run.googleapis.com/projects/prod-app/locations/europe-west1/services/api":        graphmodel.ResourceFunction,
		"//compute.googleapis.com/projects/prod-app/zones/europe-west1-b/instances/bastion": graphmodel.ResourceComputeInstance,
	}
	for _, n := range frag.Nodes {
		if c, ok := want[n.ID]; ok {
			if got := n.ResourceClassOf(); got != c {
				t.Errorf("%s: class %q, want %q", n.ID, got, c)
			}
			delete(want, n.ID)
		}
	}
	if len(want) > 0 {
		t.Errorf("not collected: %v", want)
	}
}

// TestUpgradeSnapshot: a resource of an earlier snapshot, without a class,
// gets the class of its asset type; one that has a class keeps it.
func TestUpgradeSnapshot(t *testing.T) {
	snap := &graphmodel.Snapshot{Nodes: []graphmodel.Node{
		{ID: "//secretmanager.googleapis.com/projects/1/secrets/s", Kind: graphmodel.KindGCPResource,
			Properties: map[string]string{graphmodel.PropGCPAssetType: typeSecret}},
		{ID: "//storage.googleapis.com/projects/_/buckets/b", Kind: graphmodel.KindGCPResource,
			Properties: map[string]string{graphmodel.PropGCPAssetType: typeBucket, graphmodel.PropResourceClass: "secret"}},
		{ID: "//x.googleapis.com/y", Kind: graphmodel.KindGCPResource,
			Properties: map[string]string{graphmodel.PropGCPAssetType: "x.googleapis.com/Y"}},
	}}
	UpgradeSnapshot(snap)
	UpgradeSnapshot(snap)
	for i, want := range []graphmodel.ResourceClass{graphmodel.ResourceSecret, graphmodel.ResourceSecret, ""} {
		if got := snap.Nodes[i].ResourceClassOf(); got != want {
			t.Errorf("%s: class %q, want %q", snap.Nodes[i].ID, got, want)
		}
	}
}
