package graphmodel

import "testing"

func TestK8sKindsAndIDs(t *testing.T) {
	for _, tc := range []struct {
		kind     NodeKind
		class    Class
		nonHuman bool
	}{
		{KindK8sNamespace, ClassOther, false},
		{KindK8sNode, ClassIdentity, true},
		{KindK8sPod, ClassResource, false},
		{KindK8sWorkload, ClassResource, false},
		{KindK8sRoleBinding, ClassPolicy, false},
		{KindK8sClusterRoleBinding, ClassPolicy, false},
	} {
		if !tc.kind.Known() || tc.kind.Provider() != ProviderKubernetes || tc.kind.Class() != tc.class || tc.kind.NonHuman() != tc.nonHuman {
			t.Errorf("%s: known %v provider %s class %s non-human %v", tc.kind, tc.kind.Known(), tc.kind.Provider(), tc.kind.Class(), tc.kind.NonHuman())
		}
	}
	for _, k := range []EdgeKind{EdgeSubjectOf, EdgeBindsRole, EdgeRunsOn, EdgeHoldsCredential} {
		if k.Derived() {
			t.Errorf("%s is a fact edge", k)
		}
	}
	ids := map[string]string{
		K8sUser("prod", "alice@example.com"):             "k8s:prod:user:alice@example.com",
		K8sGroup("prod", "system:masters"):               "k8s:prod:group:system:masters",
		K8sObject("prod", "pod", "dev", "web"):           "k8s:prod:pod:dev:web",
		K8sObject("prod", "clusterrole", "", "admin"):    "k8s:prod:clusterrole:admin",
		K8sObject("prod", "serviceaccount", "dev", "ci"): "k8s:prod:serviceaccount:dev:ci",
	}
	for got, want := range ids {
		if got != want {
			t.Errorf("id %q, want %q", got, want)
		}
	}
	sa, _ := K8sServiceAccount("prod", "dev", "ci")
	if sa != K8sObject("prod", "serviceaccount", "dev", "ci") {
		t.Errorf("service account id %q", sa)
	}
	if id, alias := K8sNode("prod", "n1"); id != "k8s:prod:node:n1" || alias != "system:node:n1" {
		t.Errorf("node %q %q", id, alias)
	}
}
