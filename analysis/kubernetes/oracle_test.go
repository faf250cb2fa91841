package kubernetes

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/collectors"
	k8scollect "github.com/blastradius/blastradius/collectors/kubernetes"
	"github.com/blastradius/blastradius/graphmodel"
)

// TestPermissionSetsOracle compares, on generated clusters, the analysis
// with permission sets everywhere (a set for every shared capability,
// however few its members) with the plain one (every edge per subject):
// every identity must reach the same identities, resources and scopes,
// certainly or conditionally alike.
func TestPermissionSetsOracle(t *testing.T) {
	for seed := int64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			snap := generatedCluster(t, seed)
			sets := reach(t, snap, &Analyzer{setThreshold: 1})
			plain := reach(t, snap, &Analyzer{setThreshold: -1})
			if len(plain) == 0 {
				t.Fatal("no identity")
			}
			for id, want := range plain {
				if got := sets[id]; !reflect.DeepEqual(got, want) {
					t.Errorf("%s:\nwith sets %v\nplain     %v", id, got, want)
				}
			}
			if len(sets) != len(plain) {
				t.Errorf("%d identities with sets, %d plain", len(sets), len(plain))
			}
		})
	}
}

// reach returns, per identity, what the analysis says it reaches.
func reach(t *testing.T, snap *graphmodel.Snapshot, a *Analyzer) map[string][]string {
	t.Helper()
	res, err := analysis.Analyze(context.Background(), snap, analysis.Options{Derivers: []analysis.Deriver{a}, Detail: analysis.DetailFull})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, id := range res.Identities {
		var list []string
		for _, s := range id.AdminOf {
			list = append(list, "admin "+s)
		}
		for _, s := range id.ConditionalAdminOf {
			list = append(list, "admin? "+s)
		}
		for _, s := range id.ReachableIdentities {
			list = append(list, "become "+s)
		}
		for _, r := range id.ReachableResources {
			list = append(list, fmt.Sprintf("access %s %s %v", r.ID, r.Access, r.Conditional))
		}
		sort.Strings(list)
		out[id.ID] = list
	}
	return out
}

// generatedCluster writes a random cluster as a kubectl List and collects
// it: namespaces of every Pod Security Admission level, nodes, service
// accounts with pods that may escape or mount tokens, token Secrets, and
// roles drawn from the rules the techniques read, bound to users, groups
// and service accounts by RoleBindings and ClusterRoleBindings.
func generatedCluster(t *testing.T, seed int64) *graphmodel.Snapshot {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	var items []map[string]any
	add := func(kind, api string, m map[string]any, fields map[string]any) {
		obj := map[string]any{"apiVersion": api, "kind": kind, "metadata": m}
		for k, v := range fields {
			obj[k] = v
		}
		items = append(items, obj)
	}
	md := func(name, ns string) map[string]any {
		m := map[string]any{"name": name}
		if ns != "" {
			m["namespace"] = ns
		}
		return m
	}
	levels := []string{"", "privileged", "baseline", "restricted"}
	namespaces := []string{"a", "b", "c", "d"}
	for i, ns := range namespaces {
		m := md(ns, "")
		if l := levels[i%len(levels)]; l != "" {
			m["labels"] = map[string]string{"pod-security.kubernetes.io/enforce": l}
		}
		add("Namespace", "v1", m, nil)
	}
	nodes := []string{"n1", "n2", "n3"}
	for _, n := range nodes {
		add("Node", "v1", md(n, ""), nil)
	}
	var sas [][2]string
	for _, ns := range namespaces {
		for i := 0; i < 3; i++ {
			name := fmt.Sprintf("sa%d", i)
			fields := map[string]any{}
			if r.Intn(4) == 0 {
				fields["automountServiceAccountToken"] = false
			}
			add("ServiceAccount", "v1", md(name, ns), fields)
			sas = append(sas, [2]string{ns, name})
			if r.Intn(2) == 0 {
				m := md(name+"-token", ns)
				m["annotations"] = map[string]string{"kubernetes.io/service-account.name": name}
				add("Secret", "v1", m, map[string]any{"type": "kubernetes.io/service-account-token"})
			}
		}
		add("Secret", "v1", md("config", ns), map[string]any{"type": "Opaque"})
		for i := 0; i < 3; i++ {
			sa := fmt.Sprintf("sa%d", r.Intn(3))
			spec := map[string]any{"serviceAccountName": sa, "nodeName": nodes[r.Intn(len(nodes))]}
			ctr := map[string]any{"name": "c"}
			var vols []any
			var mounts []any
			if r.Intn(3) > 0 {
				vols = append(vols, map[string]any{"name": "tok", "projected": map[string]any{"sources": []any{map[string]any{"serviceAccountToken": map[string]any{"path": "token"}}}}})
				mounts = append(mounts, map[string]any{"name": "tok", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"})
			}
			switch r.Intn(8) {
			case 0:
				ctr["securityContext"] = map[string]any{"privileged": true}
			case 1:
				spec["hostPID"] = true
			case 2:
				vols = append(vols, map[string]any{"name": "h", "hostPath": map[string]any{"path": "/var/lib/kubelet/pods"}})
				mounts = append(mounts, map[string]any{"name": "h", "mountPath": "/h", "readOnly": true})
			case 3:
				vols = append(vols, map[string]any{"name": "s", "secret": map[string]any{"secretName": fmt.Sprintf("sa%d-token", r.Intn(3))}})
				mounts = append(mounts, map[string]any{"name": "s", "mountPath": "/s"})
			}
			ctr["volumeMounts"] = mounts
			spec["containers"] = []any{ctr}
			spec["volumes"] = vols
			add("Pod", "v1", md(fmt.Sprintf("p%d", i), ns), map[string]any{"spec": spec, "status": map[string]any{"phase": "Running"}})
		}
		add("Deployment", "apps/v1", md("web", ns), map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"serviceAccountName": "sa0"}}}})
	}
	pool := []map[string]any{
		{"verbs": []string{"create"}, "apiGroups": []string{""}, "resources": []string{"pods"}},
		{"verbs": []string{"patch"}, "apiGroups": []string{"apps"}, "resources": []string{"deployments"}, "resourceNames": []string{"web"}},
		{"verbs": []string{"create"}, "apiGroups": []string{""}, "resources": []string{"serviceaccounts/token"}},
		{"verbs": []string{"create"}, "apiGroups": []string{""}, "resources": []string{"serviceaccounts/token"}, "resourceNames": []string{"sa1"}},
		{"verbs": []string{"list"}, "apiGroups": []string{""}, "resources": []string{"secrets"}},
		{"verbs": []string{"get"}, "apiGroups": []string{""}, "resources": []string{"secrets"}},
		{"verbs": []string{"get"}, "apiGroups": []string{""}, "resources": []string{"secrets"}, "resourceNames": []string{"sa2-token", "config"}},
		{"verbs": []string{"create"}, "apiGroups": []string{""}, "resources": []string{"secrets"}},
		{"verbs": []string{"get", "list"}, "apiGroups": []string{""}, "resources": []string{"pods"}},
		{"verbs": []string{"create"}, "apiGroups": []string{""}, "resources": []string{"pods/exec", "pods/attach"}},
		{"verbs": []string{"patch"}, "apiGroups": []string{""}, "resources": []string{"pods", "pods/ephemeralcontainers"}},
		{"verbs": []string{"impersonate"}, "apiGroups": []string{""}, "resources": []string{"serviceaccounts"}},
		{"verbs": []string{"impersonate"}, "apiGroups": []string{""}, "resources": []string{"users"}},
		{"verbs": []string{"impersonate"}, "apiGroups": []string{""}, "resources": []string{"groups"}, "resourceNames": []string{"ops"}},
		{"verbs": []string{"get"}, "apiGroups": []string{""}, "resources": []string{"nodes/proxy"}},
		{"verbs": []string{"create"}, "apiGroups": []string{"rbac.authorization.k8s.io"}, "resources": []string{"rolebindings"}},
		{"verbs": []string{"bind"}, "apiGroups": []string{"rbac.authorization.k8s.io"}, "resources": []string{"clusterroles"}, "resourceNames": []string{"r0", "r1"}},
		{"verbs": []string{"escalate", "update"}, "apiGroups": []string{"rbac.authorization.k8s.io"}, "resources": []string{"clusterroles"}},
		{"verbs": []string{"create"}, "apiGroups": []string{"admissionregistration.k8s.io"}, "resources": []string{"validatingwebhookconfigurations"}},
	}
	for i := 0; i < 6; i++ {
		var rules []any
		for j := 0; j < 1+r.Intn(3); j++ {
			rules = append(rules, pool[r.Intn(len(pool))])
		}
		add("ClusterRole", "rbac.authorization.k8s.io/v1", md(fmt.Sprintf("r%d", i), ""), map[string]any{"rules": rules})
	}
	subject := func() map[string]any {
		switch r.Intn(4) {
		case 0:
			return map[string]any{"kind": "User", "name": fmt.Sprintf("u%d", r.Intn(6))}
		case 1:
			groups := []string{"ops", "devs", "system:authenticated", "system:serviceaccounts", "system:serviceaccounts:" + namespaces[r.Intn(len(namespaces))]}
			return map[string]any{"kind": "Group", "name": groups[r.Intn(len(groups))]}
		}
		sa := sas[r.Intn(len(sas))]
		return map[string]any{"kind": "ServiceAccount", "namespace": sa[0], "name": sa[1]}
	}
	for i := 0; i < 14; i++ {
		role := map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": fmt.Sprintf("r%d", r.Intn(6))}
		var subjects []any
		for j := 0; j < 1+r.Intn(3); j++ {
			subjects = append(subjects, subject())
		}
		if r.Intn(4) == 0 {
			add("ClusterRoleBinding", "rbac.authorization.k8s.io/v1", md(fmt.Sprintf("b%d", i), ""), map[string]any{"roleRef": role, "subjects": subjects})
		} else {
			add("RoleBinding", "rbac.authorization.k8s.io/v1", md(fmt.Sprintf("b%d", i), namespaces[r.Intn(len(namespaces))]), map[string]any{"roleRef": role, "subjects": subjects})
		}
	}
	data, err := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": items})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cluster.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	snap, err := collectors.Run(context.Background(), k8scollect.NewOffline([]string{path}, "gen"))
	if err != nil {
		t.Fatal(err)
	}
	return snap
}
