package kubernetes

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

func nodeByID(frag graphmodel.Fragment) map[string]*graphmodel.Node {
	m := map[string]*graphmodel.Node{}
	for i := range frag.Nodes {
		m[frag.Nodes[i].ID] = &frag.Nodes[i]
	}
	return m
}

func hasEdge(frag graphmodel.Fragment, from string, kind graphmodel.EdgeKind, to string) bool {
	for _, e := range frag.Edges {
		if e.From == from && e.Kind == kind && e.To == to {
			return true
		}
	}
	return false
}

// policyFromNodes rebuilds the cluster's RBAC from a fragment's role and
// binding nodes, as analysis does: names from Name and the namespace
// property, labels from Tags, rules and bindings from Documents.
func policyFromNodes(t *testing.T, nodes []graphmodel.Node) *k8srbac.Policy {
	t.Helper()
	var o k8srbac.Objects
	decode := func(n *graphmodel.Node, key string, v any) {
		if doc, ok := n.Documents[key]; ok {
			if err := json.Unmarshal(doc, v); err != nil {
				t.Fatalf("%s document %s: %v", n.ID, key, err)
			}
		}
	}
	short := func(n *graphmodel.Node) string {
		return strings.TrimPrefix(n.Name, n.Prop(graphmodel.PropK8sNamespace)+"/")
	}
	for i := range nodes {
		n := &nodes[i]
		ns := n.Prop(graphmodel.PropK8sNamespace)
		switch n.Kind {
		case graphmodel.KindK8sClusterRole:
			r := k8srbac.ClusterRole{Name: n.Name, Labels: n.Tags}
			decode(n, graphmodel.DocK8sRules, &r.Rules)
			decode(n, graphmodel.DocK8sAggregationRule, &r.AggregationRule)
			o.ClusterRoles = append(o.ClusterRoles, r)
		case graphmodel.KindK8sRole:
			r := k8srbac.Role{Namespace: ns, Name: short(n)}
			decode(n, graphmodel.DocK8sRules, &r.Rules)
			o.Roles = append(o.Roles, r)
		case graphmodel.KindK8sClusterRoleBinding:
			b := k8srbac.ClusterRoleBinding{Name: n.Name}
			decode(n, graphmodel.DocK8sSubjects, &b.Subjects)
			decode(n, graphmodel.DocK8sRoleRef, &b.RoleRef)
			o.ClusterRoleBindings = append(o.ClusterRoleBindings, b)
		case graphmodel.KindK8sRoleBinding:
			b := k8srbac.RoleBinding{Namespace: ns, Name: short(n)}
			decode(n, graphmodel.DocK8sSubjects, &b.Subjects)
			decode(n, graphmodel.DocK8sRoleRef, &b.RoleRef)
			o.RoleBindings = append(o.RoleBindings, b)
		}
	}
	return k8srbac.NewPolicy(o)
}

// TestSnapshotHoldsRBAC checks that the RBAC read back from the snapshot
// decides as the RBAC read from the List, request by request, evidence
// included.
func TestSnapshotHoldsRBAC(t *testing.T) {
	data, err := os.ReadFile("testdata/cluster.json")
	if err != nil {
		t.Fatal(err)
	}
	inv, _, err := DecodeList("cluster.json", data)
	if err != nil {
		t.Fatal(err)
	}
	fromList := k8srbac.NewPolicy(rbacObjects(inv))
	snap, err := graphmodel.Decode("snap.json", encode(t, collectFixture(t)))
	if err != nil {
		t.Fatal(err)
	}
	fromSnap := policyFromNodes(t, snap.Nodes)
	tests := []struct {
		user    k8srbac.User
		req     k8srbac.Request
		allowed bool
	}{
		{k8srbac.ServiceAccountUser("dev", "ci"), k8srbac.ResourceRequest("create", "", "pods", "exec", "dev", "web"), true},
		{k8srbac.ServiceAccountUser("dev", "ci"), k8srbac.ResourceRequest("create", "", "pods", "exec", "prod", "web"), false},
		{k8srbac.ServiceAccountUser("dev", "ci"), k8srbac.ResourceRequest("get", "", "secrets", "", "prod", "db-password"), true},
		{k8srbac.ServiceAccountUser("dev", "ci"), k8srbac.ResourceRequest("get", "", "secrets", "", "prod", "other"), false},
		{k8srbac.ServiceAccountUser("dev", "legacy"), k8srbac.ResourceRequest("create", "", "serviceaccounts", "token", "prod", "payments"), true},
		{k8srbac.ServiceAccountUser("dev", "legacy"), k8srbac.ResourceRequest("create", "", "serviceaccounts", "token", "prod", "batch"), false},
		{k8srbac.AuthenticatedUser("alice@example.com"), k8srbac.ResourceRequest("create", "", "pods", "exec", "dev", "debug"), true},
		{k8srbac.AuthenticatedUser("jenkins"), k8srbac.ResourceRequest("get", "", "pods", "", "dev", "x"), false},
		{k8srbac.AuthenticatedUser("ci-deployer:s", "platform-admins"), k8srbac.ResourceRequest("escalate", "rbac.authorization.k8s.io", "clusterroles", "", "", "x"), true},
		{k8srbac.ServiceAccountUser("monitoring", "prometheus"), k8srbac.NonResourceRequest("get", "/metrics/cadvisor"), true},
		{k8srbac.AuthenticatedUser("anyone"), k8srbac.ResourceRequest("create", "authorization.k8s.io", "selfsubjectaccessreviews", "", "", ""), true},
	}
	for _, tc := range tests {
		ok1, ev1 := fromList.Authorize(tc.user, tc.req)
		ok2, ev2 := fromSnap.Authorize(tc.user, tc.req)
		if ok1 != tc.allowed || ok2 != tc.allowed {
			t.Errorf("%s %s: list %v, snapshot %v, want %v", tc.user, tc.req, ok1, ok2, tc.allowed)
		}
		if !reflect.DeepEqual(ev1, ev2) {
			t.Errorf("%s %s: evidence differs:\nlist     %v\nsnapshot %v", tc.user, tc.req, ev1, ev2)
		}
	}
	if !reflect.DeepEqual(fromList.Issues(), fromSnap.Issues()) {
		t.Errorf("issues differ:\n%v\n%v", fromList.Issues(), fromSnap.Issues())
	}
}

func TestConvertFacts(t *testing.T) {
	frag := collectFixture(t)
	nodes := nodeByID(frag)
	id := func(kind, ns, name string) string { return graphmodel.K8sObject("prod-eu", kind, ns, name) }
	props := []struct {
		id, key, want string
	}{
		{"k8s:cluster:prod-eu", graphmodel.PropK8sPlatform, "eks"},
		{"k8s:cluster:prod-eu", graphmodel.PropK8sCloudProvider, "aws"},
		{id("namespace", "", "prod"), graphmodel.PropK8sPSAEnforce, "restricted"},
		{id("namespace", "", "prod"), graphmodel.PropK8sPSAEnforceVersion, "v1.30"},
		{id("namespace", "", "monitoring"), graphmodel.PropK8sPSAEnforce, "privileged"},
		{id("namespace", "", "dev"), graphmodel.PropK8sPSAEnforce, ""},
		{id("serviceaccount", "prod", "payments"), graphmodel.PropK8sEKSRoleARN, "arn:aws:iam::111122223333:role/payments-irsa"},
		{id("serviceaccount", "prod", "batch"), graphmodel.PropK8sAutomountToken, "false"},
		{id("serviceaccount", "dev", "ci"), graphmodel.PropK8sAutomountToken, ""},
		{id("secret", "dev", "legacy-token"), graphmodel.PropK8sServiceAccount, "legacy"},
		{id("secret", "dev", "legacy-token"), graphmodel.PropK8sSecretType, SecretTypeServiceAccountToken},
		{id("pod", "prod", "payments-7d9f8b6c5-x2x9z"), graphmodel.PropK8sTokenAudiences, "<api-server> sts.amazonaws.com"},
		{id("pod", "prod", "payments-7d9f8b6c5-x2x9z"), graphmodel.PropK8sRunsAsRoot, "false"},
		{id("pod", "prod", "payments-7d9f8b6c5-x2x9z"), graphmodel.PropK8sNodeName, "ip-10-0-1-23.eu-west-1.compute.internal"},
		{id("pod", "monitoring", "node-exporter-4kq8r"), graphmodel.PropK8sHostPID, "true"},
		{id("pod", "monitoring", "node-exporter-4kq8r"), graphmodel.PropK8sHostPaths, "/"},
		{id("pod", "monitoring", "node-exporter-4kq8r"), graphmodel.PropK8sHostPathWritable, "false"},
		{id("pod", "kube-system", "aws-node-9gk2m"), graphmodel.PropK8sPrivileged, "true"},
		{id("pod", "kube-system", "aws-node-9gk2m"), graphmodel.PropK8sHostPathWritable, "true"},
		{id("pod", "dev", "debug"), graphmodel.PropK8sRunsAsRoot, "true"},
		{id("pod", "dev", "debug"), graphmodel.PropK8sServiceAccount, "default"},
		{id("cronjob", "dev", "migrate"), graphmodel.PropK8sAutomountToken, "false"},
		{id("node", "", "ip-10-0-1-23.eu-west-1.compute.internal"), graphmodel.PropK8sInstanceID, "i-0a1b2c3d4e5f60001"},
		{id("node", "", "ip-10-0-1-23.eu-west-1.compute.internal"), graphmodel.PropK8sProviderID, "aws:///eu-west-1a/i-0a1b2c3d4e5f60001"},
		{graphmodel.K8sGroup("prod-eu", "system:masters"), graphmodel.PropK8sSuperuser, "true"},
	}
	for _, p := range props {
		n := nodes[p.id]
		if n == nil {
			t.Errorf("node %s missing", p.id)
			continue
		}
		if got := n.Prop(p.key); got != p.want {
			t.Errorf("%s %s = %q, want %q", p.id, p.key, got, p.want)
		}
	}
	node := nodes[id("node", "", "ip-10-0-1-23.eu-west-1.compute.internal")]
	if node.Kind != graphmodel.KindK8sNode || !reflect.DeepEqual(node.Aliases, []string{"system:node:ip-10-0-1-23.eu-west-1.compute.internal"}) ||
		node.Tags["eks.amazonaws.com/nodegroup"] != "general" || node.Tags["k8s.io/cloud-provider-aws"] != "" {
		t.Errorf("node = %+v", node)
	}
	sa := nodes[id("serviceaccount", "dev", "ci")]
	if sa.Kind != graphmodel.KindK8sServiceAccount || sa.Name != "dev/ci" || !reflect.DeepEqual(sa.Aliases, []string{"system:serviceaccount:dev:ci"}) {
		t.Errorf("service account = %+v", sa)
	}
	for _, n := range frag.Nodes {
		if n.ID != frag.Source.Scope && n.Scope != frag.Source.Scope {
			t.Errorf("%s has scope %q", n.ID, n.Scope)
		}
		if n.Provider != graphmodel.ProviderKubernetes || !n.Kind.Known() {
			t.Errorf("%s: provider %q kind %q", n.ID, n.Provider, n.Kind)
		}
	}
	edges := []struct {
		from string
		kind graphmodel.EdgeKind
		to   string
	}{
		{id("rolebinding", "dev", "ci-edit"), graphmodel.EdgeBindsRole, id("clusterrole", "", "edit")},
		{id("serviceaccount", "dev", "ci"), graphmodel.EdgeSubjectOf, id("rolebinding", "dev", "ci-edit")},
		{id("serviceaccount", "dev", "ci"), graphmodel.EdgeSubjectOf, id("rolebinding", "prod", "db-reader")},
		{graphmodel.K8sGroup("prod-eu", "system:masters"), graphmodel.EdgeSubjectOf, id("clusterrolebinding", "", "cluster-admin")},
		{id("secret", "dev", "legacy-token"), graphmodel.EdgeHoldsCredential, id("serviceaccount", "dev", "legacy")},
		{id("pod", "prod", "payments-7d9f8b6c5-x2x9z"), graphmodel.EdgeCarriesRole, id("serviceaccount", "prod", "payments")},
		{id("pod", "prod", "payments-7d9f8b6c5-x2x9z"), graphmodel.EdgeRunsOn, id("node", "", "ip-10-0-1-23.eu-west-1.compute.internal")},
		{id("pod", "prod", "payments-7d9f8b6c5-x2x9z"), graphmodel.EdgeChildOf, id("replicaset", "prod", "payments-7d9f8b6c5")},
		{id("replicaset", "prod", "payments-7d9f8b6c5"), graphmodel.EdgeChildOf, id("deployment", "prod", "payments")},
		{id("job", "dev", "migrate-29001234"), graphmodel.EdgeChildOf, id("cronjob", "dev", "migrate")},
		{id("serviceaccount", "dev", "ci"), graphmodel.EdgeMemberOf, graphmodel.K8sGroup("prod-eu", "system:serviceaccounts:dev")},
		{id("node", "", "ip-10-0-2-45.eu-west-1.compute.internal"), graphmodel.EdgeMemberOf, graphmodel.K8sGroup("prod-eu", "system:nodes")},
	}
	for _, e := range edges {
		if !hasEdge(frag, e.from, e.kind, e.to) {
			t.Errorf("no edge %s -%s-> %s", e.from, e.kind, e.to)
		}
	}
	// No edge to a role that does not exist; the gap says why.
	for _, e := range frag.Edges {
		if e.Kind == graphmodel.EdgeBindsRole && nodes[e.To] == nil {
			t.Errorf("binds_role to a missing role: %+v", e)
		}
	}
	if hasEdge(frag, id("serviceaccount", "prod", "payments"), graphmodel.EdgeMemberOf, graphmodel.K8sGroup("prod-eu", "system:serviceaccounts:prod")) {
		t.Error("membership of a group nothing names")
	}
}

func TestConvertReferencedOnlyAndUserSubjects(t *testing.T) {
	input := `{"kind": "List", "items": [
	  {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "b"},
	   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
	   "subjects": [{"kind": "User", "name": "system:serviceaccount:apps:web"}, {"kind": "User", "name": "system:node:n9"},
	                {"kind": "ServiceAccount", "name": "nowhere"}, {"kind": "User", "name": "system:anonymous"},
	                {"kind": "Group", "name": "system:unauthenticated"}]},
	  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "apps"}, "spec": {"serviceAccountName": "worker", "nodeName": "n8"}}
	]}`
	inv, _, err := DecodeList("l.json", []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	frag, err := Convert(inv, "c1", "l.json")
	if err != nil {
		t.Fatal(err)
	}
	nodes := nodeByID(frag)
	for _, id := range []string{
		"k8s:c1:serviceaccount:apps:web", "k8s:c1:serviceaccount:apps:worker", "k8s:c1:node:n9", "k8s:c1:node:n8",
	} {
		if n := nodes[id]; n == nil || n.Prop(graphmodel.PropK8sReferencedOnly) != "true" {
			t.Errorf("%s: %+v, want a referenced-only node", id, n)
		}
	}
	if !hasEdge(frag, "k8s:c1:serviceaccount:apps:web", graphmodel.EdgeSubjectOf, "k8s:c1:clusterrolebinding:b") ||
		!hasEdge(frag, "k8s:c1:node:n9", graphmodel.EdgeSubjectOf, "k8s:c1:clusterrolebinding:b") {
		t.Error("a User subject naming a service account or node is that identity")
	}
	if !hasEdge(frag, "k8s:c1:user:system:anonymous", graphmodel.EdgeMemberOf, "k8s:c1:group:system:unauthenticated") {
		t.Error("system:anonymous is in system:unauthenticated")
	}
	if nodes["k8s:c1:user:system:anonymous"].IsNonHuman() != true {
		t.Error("system: users are not people")
	}
	// Convert alone marks no list unread: the missing role is a gap (the
	// offline reader would mark ClusterRoles unread, see
	// TestOfflineMissingLists).
	var reasons []string
	for _, g := range frag.Source.Gaps {
		reasons = append(reasons, g.What+": "+g.Reason)
	}
	want := []string{
		"ClusterRoleBinding b: references ClusterRole view, which does not exist: it grants nothing",
		"ClusterRoleBinding b: subjects[2]: ServiceAccount nowhere has no namespace, it matches nobody in a ClusterRoleBinding",
	}
	if !reflect.DeepEqual(reasons, want) {
		t.Errorf("gaps = %q\nwant %q", reasons, want)
	}
}

func TestOfflineMissingLists(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pods.json")
	input := `{"kind": "List", "items": [
	  {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "b", "namespace": "d"},
	   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}, "subjects": []}]}`
	if err := os.WriteFile(path, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	frag, err := NewOffline([]string{path}, "c1").Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var whats []string
	for _, g := range frag.Source.Gaps {
		whats = append(whats, g.What)
		if g.Where != path {
			t.Errorf("gap where %q", g.Where)
		}
	}
	want := []string{"list namespaces", "list clusterroles", "list clusterrolebindings", "list serviceaccounts"}
	if !reflect.DeepEqual(whats, want) {
		t.Errorf("gaps %q, want %q (and no gap for the binding to a ClusterRole of an unread list)", whats, want)
	}
	if !hasEdge(frag, "k8s:c1:rolebinding:d:b", graphmodel.EdgeBindsRole, "k8s:c1:clusterrole:view") {
		t.Error("a binding to a role of an unread list keeps its edge")
	}
}

func TestOfflineMergesFiles(t *testing.T) {
	data, err := os.ReadFile("testdata/cluster.json")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	// Two overlapping halves: the middle third in both.
	dir := t.TempDir()
	n := len(list.Items)
	halves := [][]json.RawMessage{list.Items[:2*n/3], list.Items[n/3:]}
	var paths []string
	for i, items := range halves {
		out, err := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": items})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "part"+string(rune('a'+i))+".json")
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	merged, err := NewOffline(paths, "prod-eu").Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	whole := collectFixture(t)
	if !reflect.DeepEqual(merged.Nodes, whole.Nodes) || !reflect.DeepEqual(merged.Edges, whole.Edges) {
		t.Errorf("merged files differ from the whole file")
	}
	if len(merged.Source.Gaps) != len(whole.Source.Gaps) {
		t.Errorf("gaps %v, want %v", merged.Source.Gaps, whole.Source.Gaps)
	}
}

func TestClusterName(t *testing.T) {
	ctx := context.Background()
	if _, err := NewOffline([]string{"testdata/cluster.json"}, "").Collect(ctx); !errors.Is(err, ErrNoClusterName) {
		t.Errorf("no name: %v", err)
	}
	if _, err := NewOffline([]string{"testdata/cluster.json"}, "arn:aws:eks:x").Collect(ctx); err == nil || !strings.Contains(err.Error(), "no ':'") {
		t.Errorf("a name with ':': %v", err)
	}
	if _, err := NewOffline(nil, "c").Collect(ctx); err == nil {
		t.Error("no file")
	}
	path := filepath.Join(t.TempDir(), "saved.json")
	if err := os.WriteFile(path, []byte(`{"kind": "List", "items": [], "blastradius": {"cluster": "from-save", "facts": {"gitVersion": "v1.31.0-gke.100"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	frag, err := NewOffline([]string{path}, "").Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if frag.Source.Scope != "k8s:cluster:from-save" {
		t.Errorf("scope %s: a saved List names its cluster", frag.Source.Scope)
	}
	if p := nodeByID(frag)["k8s:cluster:from-save"].Prop(graphmodel.PropK8sPlatform); p != PlatformGKE {
		t.Errorf("platform %q from the saved server version", p)
	}
}
