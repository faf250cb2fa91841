package gcp

import "github.com/blastradius/blastradius/graphmodel"

// resourceClasses gives the provider-neutral class of the asset types that
// have one (graphmodel.PropResourceClass), which default sensitivities are
// keyed by.
var resourceClasses = map[string]graphmodel.ResourceClass{
	typeBucket:                                   graphmodel.ResourceObjectStore,
	typeSecret:                                   graphmodel.ResourceSecret,
	"cloudkms.googleapis.com/CryptoKey":          graphmodel.ResourceEncryptionKey,
	"sqladmin.googleapis.com/Instance":           graphmodel.ResourceDatabase,
	"bigquery.googleapis.com/Dataset":            graphmodel.ResourceTable,
	"bigquery.googleapis.com/Table":              graphmodel.ResourceTable,
	"artifactregistry.googleapis.com/Repository": graphmodel.ResourceContainerRegistry,
	typeFunctionV1:                               graphmodel.ResourceFunction,
	typeFunctionV2:                               graphmodel.ResourceFunction,
	typeRunService:                               graphmodel.ResourceFunction,
	typeInstance:                                 graphmodel.ResourceComputeInstance,
	"pubsub.googleapis.com/Topic":                graphmodel.ResourceTopic,
	"pubsub.googleapis.com/Subscription":         graphmodel.ResourceQueue,
}

// resourceClass returns the class of an asset type ("" when it has none).
func resourceClass(assetType string) graphmodel.ResourceClass { return resourceClasses[assetType] }

// UpgradeSnapshot brings the GCP nodes of a snapshot written by an earlier
// build to the current model, in place: resources get their resource
// class. Nodes already in the current model are left as they are, so
// upgrading twice changes nothing.
func UpgradeSnapshot(snap *graphmodel.Snapshot) {
	for i := range snap.Nodes {
		n := &snap.Nodes[i]
		if n.Kind != graphmodel.KindGCPResource || n.Prop(graphmodel.PropResourceClass) != "" {
			continue
		}
		n.SetProp(graphmodel.PropResourceClass, string(resourceClass(n.Prop(graphmodel.PropGCPAssetType))))
	}
}
