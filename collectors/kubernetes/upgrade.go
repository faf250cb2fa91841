package kubernetes

import "github.com/blastradius/blastradius/graphmodel"

// UpgradeSnapshot brings the Kubernetes nodes of a snapshot written by an
// earlier build to the current model, in place: a Secret's node gets the
// resource_class secret it lacked. Current nodes are left as they are.
func UpgradeSnapshot(snap *graphmodel.Snapshot) {
	for i := range snap.Nodes {
		n := &snap.Nodes[i]
		if n.Kind == graphmodel.KindK8sResource && n.Prop(graphmodel.PropK8sObjectKind) == "Secret" && n.Prop(graphmodel.PropResourceClass) == "" {
			n.SetProp(graphmodel.PropResourceClass, string(graphmodel.ResourceSecret))
		}
	}
}
