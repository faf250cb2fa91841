package kubernetes

import (
	"encoding/json"
	"sort"
	"strings"
)

// KubectlCommand is the command whose output the offline reader reads.
const KubectlCommand = "kubectl get namespaces,clusterroles,clusterrolebindings,roles,rolebindings,serviceaccounts,pods,deployments,daemonsets,statefulsets,replicasets,jobs,cronjobs,secrets,nodes,configmaps -A -o json"

// kindInfo describes one kind the collector reads.
type kindInfo struct {
	kind     string
	group    string
	version  string
	resource string
	// namespaced kinds need a namespace.
	namespaced bool
	// keep, when set, says which objects of the kind are decoded past
	// their name and namespace; the others are dropped.
	keep func(namespace, name string) bool
	// add decodes one item of the kind into the inventory. Its errors are
	// those of encoding/json, with offsets within raw.
	add func(inv *Inventory, raw []byte, tm TypeMeta) error
}

// apiVersion returns "<group>/<version>", or the version for the core group.
func (k *kindInfo) apiVersion() string {
	if k.group == "" {
		return k.version
	}
	return k.group + "/" + k.version
}

// path returns the API path of the list of every object of the kind.
func (k *kindInfo) path() string {
	if k.group == "" {
		return "/api/" + k.version + "/" + k.resource
	}
	return "/apis/" + k.group + "/" + k.version + "/" + k.resource
}

// idKind returns the lower-case kind used in IDs and PropK8sType.
func (k *kindInfo) idKind() string { return strings.ToLower(k.kind) }

func decodeInto[T any](raw []byte, tm TypeMeta, set func(*T, TypeMeta), list *[]T) error {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	set(&v, tm)
	*list = append(*list, v)
	return nil
}

// kinds lists every kind the collector reads, in the order a live
// collection lists them.
var kinds = []*kindInfo{
	{kind: "Namespace", version: "v1", resource: "namespaces",
		add: func(inv *Inventory, raw []byte, tm TypeMeta) error {
			return decodeInto(raw, tm, func(o *Namespace, tm TypeMeta) { o.TypeMeta = tm }, &inv.Namespaces)
		}},
	{kind: "Node", version: "v1", resource: "nodes",
		add: func(inv *Inventory, raw []byte, tm TypeMeta) error {
			return decodeInto(raw, tm, func(o *Node, tm TypeMeta) { o.TypeMeta = tm }, &inv.Nodes)
		}},
	{kind: "ClusterRole", group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles",
		add: func(inv *Inventory, raw []byte, tm TypeMeta) error {
			return decodeInto(raw, tm, func(o *ClusterRole, tm TypeMeta) { o.TypeMeta = tm }, &inv.ClusterRoles)
		}},
	{kind: "ClusterRoleBinding", group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings",
		add: func(inv *Inventory, raw []byte, tm TypeMeta) error {
			return decodeInto(raw, tm, func(o *ClusterRoleBinding, tm TypeMeta) { o.TypeMeta = tm }, &inv.ClusterRoleBindings)
		}},
	{kind: "Role", group: "rbac.authorization.k8s.io", version: "v1", resource: "roles", namespaced: true,
		add: func(inv *Inventory, raw []byte, tm TypeMeta) error {
			return decodeInto(raw, tm, func(o *Role, tm TypeMeta) { o.TypeMeta = tm }, &inv.Roles)
		}},
	{kind: "RoleBinding", group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings", namespaced: true,
		add: func(inv *Inventory, raw []byte, tm TypeMeta) error {
			return decodeInto(raw, tm, func(o *RoleBinding, tm TypeMeta) { o.TypeMeta = tm }, &inv.RoleBindings)
		}},
	{kind: "ServiceAccount", version: "v1", resource: "serviceaccounts", namespaced: true,
		add: func(inv *Inventory, raw []byte, tm TypeMeta) error {
			return decodeInto(raw, tm, func(o *ServiceAccount, tm TypeMeta) { o.TypeMeta = tm }, &inv.ServiceAccounts)
		}},
	{kind: "Secret", version: "v1", resource: "secrets", namespaced: true,
		add: func(inv *Inventory, raw []byte, tm TypeMeta) error {
			return decodeInto(raw, tm, func(o *Secret, tm TypeMeta) { o.TypeMeta = tm }, &inv.Secrets)
		}},
	{kind: "ConfigMap", version: "v1", resource: "configmaps", namespaced: true,
		// Only aws-auth is decoded past its name.
		keep: func(namespace, name string) bool { return namespace == AWSAuthNamespace && name == AWSAuthName },
		add: func(inv *Inventory, raw []byte, tm TypeMeta) error {
			return decodeInto(raw, tm, func(o *ConfigMap, tm TypeMeta) { o.TypeMeta = tm }, &inv.ConfigMaps)
		}},
	{kind: "Pod", version: "v1", resource: "pods", namespaced: true,
		add: func(inv *Inventory, raw []byte, tm TypeMeta) error {
			return decodeInto(raw, tm, func(o *Pod, tm TypeMeta) { o.TypeMeta = tm }, &inv.Pods)
		}},
	workloadKind("Deployment", "apps", "deployments"),
	workloadKind("DaemonSet", "apps", "daemonsets"),
	workloadKind("StatefulSet", "apps", "statefulsets"),
	workloadKind("ReplicaSet", "apps", "replicasets"),
	workloadKind("ReplicationController", "", "replicationcontrollers"),
	workloadKind("Job", "batch", "jobs"),
	workloadKind("CronJob", "batch", "cronjobs"),
}

func workloadKind(kind, group, resource string) *kindInfo {
	return &kindInfo{kind: kind, group: group, version: "v1", resource: resource, namespaced: true,
		add: func(inv *Inventory, raw []byte, tm TypeMeta) error {
			return decodeInto(raw, tm, func(o *Workload, tm TypeMeta) { o.TypeMeta = tm }, &inv.Workloads)
		}}
}

// kindByName indexes kinds by Kind.
var kindByName = func() map[string]*kindInfo {
	m := make(map[string]*kindInfo, len(kinds))
	for _, k := range kinds {
		m[k.kind] = k
	}
	return m
}()

// kindNames returns the resources the collector reads, for messages.
func kindNames() string {
	names := make([]string, 0, len(kinds))
	for _, k := range kinds {
		names = append(names, k.resource)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// groupOf returns the API group of an apiVersion ("apps/v1" → "apps",
// "v1" → "").
func groupOf(apiVersion string) string {
	if i := strings.IndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}
