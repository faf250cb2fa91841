package kubernetes

import (
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
)

func TestUpgradeSnapshot(t *testing.T) {
	snap := &graphmodel.Snapshot{Nodes: []graphmodel.Node{
		{ID: "k8s:c:secret:dev:old", Kind: graphmodel.KindK8sResource, Properties: map[string]string{graphmodel.PropK8sObjectKind: "Secret"}},
		{ID: "k8s:c:configmap:kube-system:aws-auth", Kind: graphmodel.KindK8sResource, Properties: map[string]string{graphmodel.PropK8sObjectKind: "ConfigMap"}},
	}}
	UpgradeSnapshot(snap)
	if got := snap.Nodes[0].Prop(graphmodel.PropResourceClass); got != string(graphmodel.ResourceSecret) {
		t.Errorf("secret's class = %q", got)
	}
	if got := snap.Nodes[1].Prop(graphmodel.PropResourceClass); got != "" {
		t.Errorf("aws-auth's class = %q", got)
	}
}
