package k8slive

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/blastradius/blastradius/graphmodel"
)

// cluster is the name the collector gives the server: the cluster of the
// kubeconfigs' context (scripts/kube-apiserver-local names it "local").
const cluster = "local"

// pageSize is the page size of the collections: every list of more than
// pageSize objects takes several requests with continue tokens.
const pageSize = 3

func id(kind, ns, name string) string { return graphmodel.K8sObject(cluster, kind, ns, name) }

// listedLine is the debug line the collector logs after each list.
var listedLine = regexp.MustCompile(`msg=listed resource=(\S+) cluster=\S+ pages=(\d+) items=(\d+)`)

// listed returns, from the collector's debug log, the pages and items
// each list took.
func listed(t *testing.T, stderr string) map[string][2]int {
	t.Helper()
	out := map[string][2]int{}
	for _, m := range listedLine.FindAllStringSubmatch(stderr, -1) {
		pages, _ := strconv.Atoi(m[2])
		items, _ := strconv.Atoi(m[3])
		out[m[1]] = [2]int{pages, items}
	}
	return out
}

// countNodes counts the collected objects of one type (referenced-only
// service accounts and nodes not counted).
func countNodes(snap *graphmodel.Snapshot, typ string) int {
	n := 0
	for _, node := range snap.Nodes {
		if node.Prop(graphmodel.PropK8sType) == typ && node.Prop(graphmodel.PropK8sReferencedOnly) != "true" {
			n++
		}
	}
	return n
}

func nodeIndex(snap *graphmodel.Snapshot) map[string]*graphmodel.Node {
	m := make(map[string]*graphmodel.Node, len(snap.Nodes))
	for i := range snap.Nodes {
		m[snap.Nodes[i].ID] = &snap.Nodes[i]
	}
	return m
}

func hasEdge(snap *graphmodel.Snapshot, from string, kind graphmodel.EdgeKind, to string) bool {
	return slices.ContainsFunc(snap.Edges, func(e graphmodel.Edge) bool { return e.From == from && e.Kind == kind && e.To == to })
}

// gapsAbout returns the gaps of snap that name one of the estate's
// namespaces or cluster-scoped objects: every reference among them
// resolves, so there should be none.
func gapsAbout(snap *graphmodel.Snapshot, e estate) []graphmodel.Gap {
	var out []graphmodel.Gap
	for _, g := range snap.Gaps() {
		for _, name := range []string{e.dev, e.prod, e.ops, e.node, e.impersonate, e.opsAdmin, e.secretReader} {
			if strings.Contains(g.What, name) || strings.Contains(g.Reason, name) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// TestLiveCollect creates a small cluster (createEstate) on the real API
// server, collects it with the blastradius binary as the admin, in pages
// of 3, and checks the snapshot: the objects made, with their IDs,
// properties and edges; no Secret or ConfigMap value anywhere; every list
// paged; the saved List replaying to the same snapshot; and, through
// analyze and paths, the exact attack paths the cluster holds and the
// near misses it does not.
func TestLiveCollect(t *testing.T) {
	adminCfg := restConfig(t, KubeconfigEnv)
	kubeconfig := os.Getenv(KubeconfigEnv)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	e := createEstate(ctx, t, clientset(t, adminCfg))

	dir := t.TempDir()
	res := runOK(t, dir, "--debug", "collect", "kubernetes", "--kubeconfig", kubeconfig,
		"--page-size", strconv.Itoa(pageSize), "--save-file", "saved.json", "-o", "snap.json")
	snap, data := readSnapshot(t, filepath.Join(dir, "snap.json"))
	nodes := nodeIndex(snap)
	scope := graphmodel.K8sClusterScope(cluster)

	var (
		attacker     = id("serviceaccount", e.dev, "attacker")
		deployer     = id("serviceaccount", e.dev, "deployer")
		impersonator = id("serviceaccount", e.dev, "impersonator")
		reader       = id("serviceaccount", e.dev, "reader")
		ci           = id("serviceaccount", e.dev, "ci")
		binder       = id("serviceaccount", e.dev, "binder")
		collector    = id("serviceaccount", e.dev, "collector")
		app          = id("serviceaccount", e.prod, "app")
		batch        = id("serviceaccount", e.prod, "batch")
		opsAdmin     = id("serviceaccount", e.ops, "ops-admin")
		node         = id("node", "", e.node)
		dbPassword   = id("secret", e.prod, "db-password")
		appToken     = id("secret", e.prod, "app-token")
		ciConfig     = id("secret", e.dev, "ci-config")
		masters      = graphmodel.K8sGroup(cluster, "system:masters")
	)

	t.Run("snapshot holds what was created", func(t *testing.T) {
		if len(snap.Sources) != 1 || snap.Sources[0].Scope != scope || snap.Sources[0].Origin != "live" {
			t.Errorf("sources %+v", snap.Sources)
		}
		if gaps := gapsAbout(snap, e); len(gaps) != 0 {
			t.Errorf("gaps about the estate: %+v", gaps)
		}
		kcfg, err := clientcmd.LoadFromFile(kubeconfig)
		must(t, "read kubeconfig", err)
		c := nodes[scope]
		if c == nil {
			t.Fatalf("no cluster node %s", scope)
		}
		for k, want := range map[string]string{
			graphmodel.PropK8sServerVersion: "v1.37.2",
			graphmodel.PropK8sServer:        kcfg.Clusters[kcfg.Contexts[kcfg.CurrentContext].Cluster].Server,
			graphmodel.PropK8sOIDCIssuer:    "https://kubernetes.default.svc.cluster.local",
			graphmodel.PropK8sPlatform:      "",
		} {
			if got := c.Prop(k); got != want {
				t.Errorf("cluster %s = %q, want %q", k, got, want)
			}
		}
		type want struct {
			kind  graphmodel.NodeKind
			props map[string]string
		}
		for nid, w := range map[string]want{
			id("namespace", "", e.dev):  {graphmodel.KindK8sNamespace, map[string]string{graphmodel.PropK8sPSAEnforce: ""}},
			id("namespace", "", e.prod): {graphmodel.KindK8sNamespace, map[string]string{graphmodel.PropK8sPSAEnforce: "restricted", graphmodel.PropK8sPSAEnforceVersion: "latest"}},
			id("namespace", "", e.ops):  {graphmodel.KindK8sNamespace, map[string]string{graphmodel.PropK8sPSAEnforce: "baseline"}},
			node: {graphmodel.KindK8sNode, map[string]string{graphmodel.PropK8sProviderID: "aws:///eu-west-1a/i-0123456789abcdef0",
				graphmodel.PropK8sZone: "eu-west-1a", graphmodel.PropK8sInstanceID: "i-0123456789abcdef0", graphmodel.PropK8sReferencedOnly: ""}},
			attacker: {graphmodel.KindK8sServiceAccount, map[string]string{graphmodel.PropK8sNamespace: e.dev, graphmodel.PropK8sReferencedOnly: ""}},
			app:      {graphmodel.KindK8sServiceAccount, map[string]string{graphmodel.PropK8sEKSRoleARN: appRoleARN, graphmodel.PropK8sAutomountToken: ""}},
			batch:    {graphmodel.KindK8sServiceAccount, map[string]string{graphmodel.PropK8sAutomountToken: "false"}},
			opsAdmin: {graphmodel.KindK8sServiceAccount, map[string]string{graphmodel.PropK8sNamespace: e.ops}},
			// The privileged pod, with the token volume the ServiceAccount
			// admission plugin added.
			id("pod", e.dev, "log-collector"): {graphmodel.KindK8sPod, map[string]string{
				graphmodel.PropK8sServiceAccount: "collector", graphmodel.PropK8sNodeName: e.node, graphmodel.PropK8sPhase: "Pending",
				graphmodel.PropK8sPrivileged: "true", graphmodel.PropK8sHostPaths: "/", graphmodel.PropK8sHostPathWritable: "true",
				graphmodel.PropK8sRunsAsRoot: "true", graphmodel.PropK8sTokenAudiences: graphmodel.PropK8sAPIAudience}},
			id("pod", e.prod, "app-0"): {graphmodel.KindK8sPod, map[string]string{
				graphmodel.PropK8sServiceAccount: "app", graphmodel.PropK8sPrivileged: "", graphmodel.PropK8sHostPaths: "",
				graphmodel.PropK8sRunsAsRoot: "false", graphmodel.PropK8sTokenAudiences: graphmodel.PropK8sAPIAudience + " sts.amazonaws.com"}},
			id("pod", e.prod, "batch-0"): {graphmodel.KindK8sPod, map[string]string{
				graphmodel.PropK8sServiceAccount: "batch", graphmodel.PropK8sTokenAudiences: ""}},
			id("deployment", e.dev, "web"):   {graphmodel.KindK8sWorkload, map[string]string{graphmodel.PropK8sObjectKind: "Deployment", graphmodel.PropK8sServiceAccount: "deployer"}},
			id("cronjob", e.dev, "nightly"):  {graphmodel.KindK8sWorkload, map[string]string{graphmodel.PropK8sObjectKind: "CronJob", graphmodel.PropK8sServiceAccount: "deployer"}},
			dbPassword:                       {graphmodel.KindK8sResource, map[string]string{graphmodel.PropK8sSecretType: "Opaque", graphmodel.PropResourceClass: "secret"}},
			appToken:                         {graphmodel.KindK8sResource, map[string]string{graphmodel.PropK8sSecretType: "kubernetes.io/service-account-token"}},
			ciConfig:                         {graphmodel.KindK8sResource, map[string]string{graphmodel.PropK8sSecretType: "Opaque"}},
			id("role", e.prod, "pod-runner"): {graphmodel.KindK8sRole, nil},
			id("rolebinding", e.prod, "attacker-runs-pods"):      {graphmodel.KindK8sRoleBinding, map[string]string{graphmodel.PropK8sRoleKind: "Role", graphmodel.PropK8sRoleName: "pod-runner"}},
			id("rolebinding", e.dev, "ci-reads-secrets"):         {graphmodel.KindK8sRoleBinding, map[string]string{graphmodel.PropK8sRoleKind: "ClusterRole", graphmodel.PropK8sRoleName: e.secretReader}},
			id("clusterrole", "", e.impersonate):                 {graphmodel.KindK8sClusterRole, nil},
			id("clusterrole", "", "cluster-admin"):               {graphmodel.KindK8sClusterRole, nil},
			id("clusterrolebinding", "", e.opsAdmin):             {graphmodel.KindK8sClusterRoleBinding, map[string]string{graphmodel.PropK8sRoleName: "cluster-admin"}},
			id("configmap", "kube-system", "aws-auth"):           {graphmodel.KindK8sResource, nil},
			graphmodel.K8sUser(cluster, "eks-admin"):             {graphmodel.KindK8sUser, nil},
			masters:                                              {graphmodel.KindK8sGroup, map[string]string{graphmodel.PropK8sSuperuser: "true"}},
			graphmodel.K8sGroup(cluster, "system:bootstrappers"): {graphmodel.KindK8sGroup, nil},
		} {
			n := nodes[nid]
			if n == nil {
				t.Errorf("no node %s", nid)
				continue
			}
			if n.Kind != w.kind || n.Provider != graphmodel.ProviderKubernetes || (nid != scope && n.Scope != scope) {
				t.Errorf("%s: kind %s, provider %s, scope %s; want %s, kubernetes, %s", nid, n.Kind, n.Provider, n.Scope, w.kind, scope)
			}
			for k, v := range w.props {
				if got := n.Prop(k); got != v {
					t.Errorf("%s: %s = %q, want %q", nid, k, got, v)
				}
			}
		}
		var mapRoles []struct{ RoleARN, Username string }
		if err := json.Unmarshal(nodes[id("configmap", "kube-system", "aws-auth")].Documents[graphmodel.DocK8sMapRoles], &mapRoles); err != nil ||
			len(mapRoles) != 2 || mapRoles[0].RoleARN != "arn:aws:iam::111122223333:role/eks-admin" || mapRoles[0].Username != "eks-admin" {
			t.Errorf("aws-auth mapRoles %+v (%v)", mapRoles, err)
		}
		var rules []rbacv1.PolicyRule
		if err := json.Unmarshal(nodes[id("clusterrole", "", e.impersonate)].Documents[graphmodel.DocK8sRules], &rules); err != nil ||
			len(rules) != 2 || !slices.Equal(rules[1].Verbs, []string{"impersonate"}) || !slices.Equal(rules[1].Resources, []string{"groups"}) ||
			!slices.Equal(rules[1].ResourceNames, []string{"system:masters"}) {
			t.Errorf("rules of %s: %+v (%v)", e.impersonate, rules, err)
		}
		if n := nodes[id("configmap", e.prod, "app-config")]; n != nil {
			t.Errorf("a ConfigMap other than aws-auth was collected: %s", n.ID)
		}
		for _, edge := range []struct {
			from string
			kind graphmodel.EdgeKind
			to   string
		}{
			{attacker, graphmodel.EdgeSubjectOf, id("rolebinding", e.prod, "attacker-runs-pods")},
			{id("rolebinding", e.prod, "attacker-runs-pods"), graphmodel.EdgeBindsRole, id("role", e.prod, "pod-runner")},
			{ci, graphmodel.EdgeSubjectOf, id("rolebinding", e.dev, "ci-reads-secrets")},
			{id("rolebinding", e.dev, "ci-reads-secrets"), graphmodel.EdgeBindsRole, id("clusterrole", "", e.secretReader)},
			{opsAdmin, graphmodel.EdgeSubjectOf, id("clusterrolebinding", "", e.opsAdmin)},
			{id("clusterrolebinding", "", e.opsAdmin), graphmodel.EdgeBindsRole, id("clusterrole", "", "cluster-admin")},
			{masters, graphmodel.EdgeSubjectOf, id("clusterrolebinding", "", "cluster-admin")},
			{id("pod", e.dev, "log-collector"), graphmodel.EdgeCarriesRole, collector},
			{id("pod", e.dev, "log-collector"), graphmodel.EdgeRunsOn, node},
			{id("pod", e.prod, "app-0"), graphmodel.EdgeRunsOn, node},
			{id("deployment", e.dev, "web"), graphmodel.EdgeCarriesRole, deployer},
			{appToken, graphmodel.EdgeHoldsCredential, app},
			{app, graphmodel.EdgeMemberOf, graphmodel.K8sGroup(cluster, "system:authenticated")},
		} {
			if !hasEdge(snap, edge.from, edge.kind, edge.to) {
				t.Errorf("no edge %s -%s-> %s", edge.from, edge.kind, edge.to)
			}
		}
	})

	saved, err := os.ReadFile(filepath.Join(dir, "saved.json"))
	must(t, "read the saved List", err)
	t.Run("no secret value anywhere", func(t *testing.T) {
		for what, b := range map[string][]byte{"snapshot": data, "saved List": saved, "debug log": []byte(res.stderr)} {
			for _, v := range secretValues {
				if bytes.Contains(b, []byte(v)) {
					t.Errorf("the %s holds %q", what, v)
				}
			}
			if bytes.Contains(b, []byte("last-applied-configuration")) {
				t.Errorf("the %s holds kubectl's last-applied-configuration", what)
			}
		}
	})

	t.Run("every list paged", func(t *testing.T) {
		got := listed(t, res.stderr)
		for _, resource := range []string{"namespaces", "nodes", "clusterroles", "clusterrolebindings", "roles", "rolebindings",
			"serviceaccounts", "secrets", "pods", "deployments", "daemonsets", "statefulsets", "replicasets",
			"replicationcontrollers", "jobs", "cronjobs"} {
			pi, ok := got[resource]
			if !ok {
				t.Errorf("no list of %s in the debug log", resource)
				continue
			}
			if want := max(1, (pi[1]+pageSize-1)/pageSize); pi[0] != want {
				t.Errorf("%s: %d items in %d pages, want %d pages of %d", resource, pi[1], pi[0], want, pageSize)
			}
		}
		// The objects the lists returned are the collected ones, well over a
		// page of each.
		for resource, typ := range map[string]string{"namespaces": "namespace", "clusterroles": "clusterrole",
			"clusterrolebindings": "clusterrolebinding", "roles": "role", "rolebindings": "rolebinding",
			"serviceaccounts": "serviceaccount", "secrets": "secret", "pods": "pod"} {
			n := countNodes(snap, typ)
			if n != got[resource][1] || n <= pageSize {
				t.Errorf("%s: %d collected, %d listed; want as many, over %d", resource, n, got[resource][1], pageSize)
			}
		}
		if n := countNodes(snap, "clusterrole"); n < 50 {
			t.Errorf("%d cluster roles: want the server's bootstrap roles too", n)
		}
	})

	t.Run("saved List replays the same snapshot", func(t *testing.T) {
		runOK(t, dir, "collect", "kubernetes", "--from-file", "saved.json", "--cluster-name", cluster, "-o", "replay.json")
		replay, _ := readSnapshot(t, filepath.Join(dir, "replay.json"))
		if !reflect.DeepEqual(replay.Nodes, snap.Nodes) || !reflect.DeepEqual(replay.Edges, snap.Edges) {
			t.Errorf("the replay differs: %d nodes, %d edges; live %d, %d", len(replay.Nodes), len(replay.Edges), len(snap.Nodes), len(snap.Edges))
		}
	})

	t.Run("analyze ranks the administrators", func(t *testing.T) {
		out := runOK(t, dir, "analyze", "snap.json", "--format", "json")
		for _, v := range secretValues {
			if strings.Contains(out.stdout, v) {
				t.Errorf("the analysis holds %q", v)
			}
		}
		var doc struct {
			Identities []struct {
				ID      string   `json:"id"`
				AdminOf []string `json:"admin_of"`
			} `json:"identities"`
		}
		must(t, "decode analysis", json.Unmarshal([]byte(out.stdout), &doc))
		admins := map[string][]string{}
		for _, i := range doc.Identities {
			admins[i.ID] = i.AdminOf
		}
		for sa, want := range map[string][]string{
			deployer: {scope}, impersonator: {scope}, opsAdmin: {scope},
			attacker: nil, reader: nil, ci: nil, binder: nil, app: nil, batch: nil,
		} {
			got, ok := admins[sa]
			if !ok {
				t.Errorf("%s is not among the identities", sa)
			} else if !slices.Equal(got, want) {
				t.Errorf("%s is admin of %v, want %v", sa, got, want)
			}
		}
	})

	t.Run("the server agrees", func(t *testing.T) { checkServerAgrees(ctx, t, clientset(t, adminCfg), adminCfg, e) })

	t.Run("paths", func(t *testing.T) {
		// Pod creation in another namespace runs as its service account,
		// which is cluster-admin.
		wantPath(t, dir, "snap.json", deployer, "admin", "assign_sa "+opsAdmin, "cluster_admin "+scope)
		// Pod creation where privileged pods are admitted is the node, and
		// every token of every pod on it.
		wantPath(t, dir, "snap.json", deployer, app, "POD_CREATE "+node, "TOKEN_STEAL "+app)
		wantPath(t, dir, "snap.json", impersonator, "admin", "IDENTITY_IMPERSONATE "+masters, "cluster_admin "+scope)
		wantPath(t, dir, "snap.json", collector, app, "CE_PRIV_MOUNT|CE_NSENTER|EXPLOIT_HOST_WRITE "+node, "TOKEN_STEAL "+app)
		wantPath(t, dir, "snap.json", reader, app, "TOKEN_LIST "+app)
		wantPath(t, dir, "snap.json", reader, dbPassword, "retrieve_secrets "+dbPassword)
		wantPath(t, dir, "snap.json", attacker, app, "assign_sa "+app)
		// automount off does not stop a pod creator.
		wantPath(t, dir, "snap.json", attacker, batch, "assign_sa "+batch)
		wantPath(t, dir, "snap.json", ci, ciConfig, "retrieve_secrets "+ciConfig)

		// Near misses: pod creation under restricted is not the node; a
		// RoleBinding to a ClusterRole grants in its namespace only;
		// create rolebindings without bind; a pod without a token gives
		// its node nothing.
		wantNoPath(t, dir, "snap.json", attacker, node)
		wantNoPath(t, dir, "snap.json", attacker, "admin")
		wantNoPath(t, dir, "snap.json", ci, dbPassword)
		wantNoPath(t, dir, "snap.json", binder, app)
		wantNoPath(t, dir, "snap.json", binder, "admin")
		wantNoPath(t, dir, "snap.json", node, batch)
	})
}

// asServiceAccount returns a client of the service account ns/name,
// through a short-lived token the server issues, impersonating imp when
// it names a user.
func asServiceAccount(ctx context.Context, t *testing.T, admin *kubernetes.Clientset, adminCfg *rest.Config, ns, name string, imp rest.ImpersonationConfig) *kubernetes.Clientset {
	t.Helper()
	expiry := int64(600)
	tr, err := admin.CoreV1().ServiceAccounts(ns).CreateToken(ctx, name, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &expiry},
	}, metav1.CreateOptions{})
	must(t, "token request for "+ns+"/"+name, err)
	cfg := rest.AnonymousClientConfig(adminCfg)
	cfg.BearerToken = tr.Status.Token
	cfg.Impersonate = imp
	return clientset(t, cfg)
}

// checkServerAgrees asks the API server, as the service accounts of the
// estate, for the first step of the paths the analysis finds and of the
// near misses it does not, without changing anything (dry runs): the
// server's RBAC, impersonation rules and Pod Security Admission decide as
// the analysis did.
func checkServerAgrees(ctx context.Context, t *testing.T, admin *kubernetes.Clientset, adminCfg *rest.Config, e estate) {
	dryRun := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
	yes := false
	privileged := func(sa string) *corev1.Pod {
		priv := true
		return &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{GenerateName: "br-probe-"},
			Spec: corev1.PodSpec{ServiceAccountName: sa, NodeName: e.node, AutomountServiceAccountToken: &yes,
				Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36", SecurityContext: &corev1.SecurityContext{Privileged: &priv}}}},
		}
	}
	sa := func(ns, name string) *kubernetes.Clientset {
		return asServiceAccount(ctx, t, admin, adminCfg, ns, name, rest.ImpersonationConfig{})
	}

	// deployer runs a privileged pod on the node in dev (POD_CREATE).
	deployer := sa(e.dev, "deployer")
	eventually(t, "deployer creates a privileged pod in dev", func() error {
		_, err := deployer.CoreV1().Pods(e.dev).Create(ctx, privileged("collector"), dryRun)
		return err
	})
	// attacker runs pods as batch in prod (assign_sa), but not a
	// privileged one: prod enforces restricted.
	attacker := sa(e.dev, "attacker")
	_, err := attacker.CoreV1().Pods(e.prod).Create(ctx, privileged("batch"), dryRun)
	forbidden(t, "attacker creates a privileged pod in prod", err)
	if err == nil || !strings.Contains(err.Error(), "violates PodSecurity \"restricted") {
		t.Errorf("attacker's privileged pod in prod: want a PodSecurity refusal, got %v", err)
	}
	nonRoot, noEscalation := true, false
	_, err = attacker.CoreV1().Pods(e.prod).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "br-probe-"},
		Spec: corev1.PodSpec{ServiceAccountName: "batch", Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36",
			SecurityContext: &corev1.SecurityContext{RunAsNonRoot: &nonRoot, AllowPrivilegeEscalation: &noEscalation,
				Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}}}},
	}, dryRun)
	must(t, "attacker creates a restricted pod as batch in prod", err)

	// impersonator: a group alone is refused, with the user jane it is
	// system:masters.
	_, err = asServiceAccount(ctx, t, admin, adminCfg, e.dev, "impersonator", rest.ImpersonationConfig{Groups: []string{"system:masters"}}).
		CoreV1().Secrets("").List(ctx, metav1.ListOptions{Limit: 1})
	if err == nil {
		t.Error("impersonating a group without a user was accepted")
	}
	_, err = asServiceAccount(ctx, t, admin, adminCfg, e.dev, "impersonator", rest.ImpersonationConfig{UserName: "jane", Groups: []string{"system:masters"}}).
		CoreV1().Secrets("").List(ctx, metav1.ListOptions{Limit: 1})
	must(t, "impersonator, as jane in system:masters, lists every Secret", err)

	// reader lists prod's Secrets; ci reads dev's but not prod's.
	_, err = sa(e.dev, "reader").CoreV1().Secrets(e.prod).List(ctx, metav1.ListOptions{Limit: 1})
	must(t, "reader lists prod's Secrets", err)
	ci := sa(e.dev, "ci")
	_, err = ci.CoreV1().Secrets(e.dev).List(ctx, metav1.ListOptions{Limit: 1})
	must(t, "ci lists dev's Secrets", err)
	_, err = ci.CoreV1().Secrets(e.prod).List(ctx, metav1.ListOptions{Limit: 1})
	forbidden(t, "ci lists prod's Secrets", err)

	// binder may create RoleBindings in prod, but not to a role whose
	// permissions it lacks: it may not bind. (Not to admin: without a
	// controller manager the aggregated roles hold no rules here.)
	_, err = sa(e.dev, "binder").RbacV1().RoleBindings(e.prod).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "br-probe-"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: e.dev, Name: "binder"}},
	}, dryRun)
	forbidden(t, "binder binds cluster-admin in prod", err)
}

// TestLiveCollectLimited collects the cluster as the limited user, whom
// a ClusterRole lets list some kinds but not Secrets, ClusterRoles nor
// ConfigMaps: the collection goes on, each refused call becomes a gap
// naming it, nothing of the refused kinds is collected; with --strict the
// same run fails with exit code 3 and writes nothing.
func TestLiveCollectLimited(t *testing.T) {
	adminCfg := restConfig(t, KubeconfigEnv)
	limitedCfg := restConfig(t, LimitedKubeconfigEnv)
	kubeconfig := os.Getenv(LimitedKubeconfigEnv)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, limited := clientset(t, adminCfg), clientset(t, limitedCfg)
	e := createEstate(ctx, t, admin)

	review, err := limited.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	must(t, "limited user's self subject review", err)
	user := review.Status.UserInfo.Username

	lister, err := admin.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "br-limited-lister-"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"namespaces", "nodes", "serviceaccounts", "pods", "replicationcontrollers"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles", "rolebindings", "clusterrolebindings"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"apps", "batch"}, Resources: []string{"*"}, Verbs: []string{"get", "list"}},
		},
	}, metav1.CreateOptions{})
	must(t, "create the limited user's cluster role", err)
	t.Cleanup(func() {
		_ = admin.RbacV1().ClusterRoles().Delete(context.Background(), lister.Name, metav1.DeleteOptions{})
	})
	binding, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "br-limited-lister-"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: lister.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user}},
	}, metav1.CreateOptions{})
	must(t, "bind the limited user", err)
	t.Cleanup(func() {
		_ = admin.RbacV1().ClusterRoleBindings().Delete(context.Background(), binding.Name, metav1.DeleteOptions{})
	})
	eventually(t, "the limited user lists pods", func() error {
		_, err := limited.CoreV1().Pods("").List(ctx, metav1.ListOptions{Limit: 1})
		return err
	})
	_, err = limited.CoreV1().Secrets("").List(ctx, metav1.ListOptions{Limit: 1})
	forbidden(t, "the limited user lists secrets", err)

	dir := t.TempDir()
	res := runOK(t, dir, "collect", "kubernetes", "--kubeconfig", kubeconfig, "--page-size", strconv.Itoa(pageSize), "-o", "snap.json")
	snap, data := readSnapshot(t, filepath.Join(dir, "snap.json"))

	t.Run("refused calls are gaps", func(t *testing.T) {
		refused := map[string]string{}
		for _, g := range snap.Gaps() {
			if strings.HasPrefix(g.What, "list ") || strings.HasPrefix(g.What, "get ") {
				refused[g.What] = g.Reason
				if g.Where != "cluster "+cluster {
					t.Errorf("gap %q where %q", g.What, g.Where)
				}
			}
		}
		want := map[string]string{
			"list clusterroles":                     `resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope`,
			"list secrets":                          `resource "secrets" in API group "" at the cluster scope`,
			"get configmap kube-system/aws-auth":    `resource "configmaps" in API group "" in the namespace "kube-system"`,
			"get /.well-known/openid-configuration": `path "/.well-known/openid-configuration"`,
		}
		if len(refused) != len(want) {
			t.Errorf("refused calls %v, want %d", refused, len(want))
		}
		for what, part := range want {
			reason, ok := refused[what]
			if !ok || !strings.HasPrefix(reason, "Forbidden: ") || !strings.Contains(reason, fmt.Sprintf("User %q", user)) || !strings.Contains(reason, part) {
				t.Errorf("gap %q: reason %q, want Forbidden naming %s and %s", what, reason, user, part)
			}
		}
		// A binding to a ClusterRole of the refused list is no gap of its
		// own: the list's gap covers it.
		if gaps := gapsAbout(snap, e); len(gaps) != 0 {
			t.Errorf("gaps about the estate: %+v", gaps)
		}
		if !strings.Contains(res.stderr, fmt.Sprintf("%d gaps", len(snap.Gaps()))) {
			t.Errorf("stderr does not count the gaps: %s", res.stderr)
		}
	})

	t.Run("the rest was collected", func(t *testing.T) {
		nodes := nodeIndex(snap)
		for _, nid := range []string{
			id("serviceaccount", e.dev, "attacker"), id("serviceaccount", e.prod, "app"),
			id("pod", e.dev, "log-collector"), id("node", "", e.node), id("deployment", e.dev, "web"),
			id("rolebinding", e.prod, "attacker-runs-pods"), id("role", e.prod, "pod-runner"),
			id("clusterrolebinding", "", e.opsAdmin), id("namespace", "", e.prod),
		} {
			if n := nodes[nid]; n == nil || n.Prop(graphmodel.PropK8sReferencedOnly) == "true" {
				t.Errorf("%s not collected", nid)
			}
		}
		for _, n := range snap.Nodes {
			if n.Kind == graphmodel.KindK8sClusterRole || n.Prop(graphmodel.PropK8sType) == "secret" || n.Prop(graphmodel.PropK8sType) == "configmap" {
				t.Errorf("%s collected from a refused call", n.ID)
			}
		}
		// A binding to a ClusterRole of the refused list keeps its edge.
		if !hasEdge(snap, id("clusterrolebinding", "", e.opsAdmin), graphmodel.EdgeBindsRole, id("clusterrole", "", "cluster-admin")) {
			t.Error("binds_role edge to cluster-admin lost")
		}
		if c := nodeIndex(snap)[graphmodel.K8sClusterScope(cluster)]; c == nil || c.Prop(graphmodel.PropK8sServerVersion) != "v1.37.2" || c.Prop(graphmodel.PropK8sOIDCIssuer) != "" {
			t.Errorf("cluster node %+v: want the version (every user may read it) and no issuer", c)
		}
		for _, v := range secretValues {
			if bytes.Contains(data, []byte(v)) {
				t.Errorf("the snapshot holds %q", v)
			}
		}
	})

	t.Run("strict fails", func(t *testing.T) {
		strict := run(t, dir, "collect", "kubernetes", "--kubeconfig", kubeconfig, "--strict", "-o", "strict.json")
		if strict.code != 3 || !strings.Contains(strict.stderr, "list secrets") {
			t.Errorf("--strict: exit %d, stderr %q; want 3 naming the refused list", strict.code, strict.stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "strict.json")); err == nil {
			t.Error("--strict wrote a snapshot")
		}
	})

}
