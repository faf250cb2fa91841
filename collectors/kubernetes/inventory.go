package kubernetes

import "github.com/blastradius/blastradius/graphmodel"

// Merge appends every object, gap and unlisted kind of o to inv, and
// takes o's server facts where inv has none. Objects both hold are kept
// once (see Dedupe).
func (inv *Inventory) Merge(o *Inventory) {
	inv.append(o)
	f := &inv.Facts
	for _, p := range []struct {
		dst *string
		src string
	}{
		{&f.Server, o.Facts.Server}, {&f.GitVersion, o.Facts.GitVersion},
		{&f.Issuer, o.Facts.Issuer}, {&f.EKSClusterARN, o.Facts.EKSClusterARN},
	} {
		if *p.dst == "" {
			*p.dst = p.src
		}
	}
	inv.Dedupe()
}

// append appends every object, gap and unlisted kind of o to inv,
// duplicates included: a caller adding many parts dedupes once at the end.
func (inv *Inventory) append(o *Inventory) {
	inv.Namespaces = append(inv.Namespaces, o.Namespaces...)
	inv.ServiceAccounts = append(inv.ServiceAccounts, o.ServiceAccounts...)
	inv.Secrets = append(inv.Secrets, o.Secrets...)
	inv.ConfigMaps = append(inv.ConfigMaps, o.ConfigMaps...)
	inv.Nodes = append(inv.Nodes, o.Nodes...)
	inv.Pods = append(inv.Pods, o.Pods...)
	inv.Workloads = append(inv.Workloads, o.Workloads...)
	inv.ClusterRoles = append(inv.ClusterRoles, o.ClusterRoles...)
	inv.Roles = append(inv.Roles, o.Roles...)
	inv.ClusterRoleBindings = append(inv.ClusterRoleBindings, o.ClusterRoleBindings...)
	inv.RoleBindings = append(inv.RoleBindings, o.RoleBindings...)
	inv.Gaps = append(inv.Gaps, o.Gaps...)
	for k := range o.Unlisted {
		inv.unlist(k)
	}
}

// objects returns how many objects inv holds.
func (inv *Inventory) objects() int {
	return len(inv.Namespaces) + len(inv.ServiceAccounts) + len(inv.Secrets) + len(inv.ConfigMaps) +
		len(inv.Nodes) + len(inv.Pods) + len(inv.Workloads) + len(inv.ClusterRoles) + len(inv.Roles) +
		len(inv.ClusterRoleBindings) + len(inv.RoleBindings)
}

// unlist records that the list of kind was not read.
func (inv *Inventory) unlist(kind string) {
	if inv.Unlisted == nil {
		inv.Unlisted = map[string]bool{}
	}
	inv.Unlisted[kind] = true
}

// Dedupe keeps the first of the objects of one kind, namespace and name,
// and returns how many it dropped.
func (inv *Inventory) Dedupe() int {
	n := 0
	n += dedupe(&inv.Namespaces, func(o *Namespace) string { return o.Metadata.Name })
	n += dedupe(&inv.ServiceAccounts, func(o *ServiceAccount) string { return metaKey(&o.Metadata) })
	n += dedupe(&inv.Secrets, func(o *Secret) string { return metaKey(&o.Metadata) })
	n += dedupe(&inv.ConfigMaps, func(o *ConfigMap) string { return metaKey(&o.Metadata) })
	n += dedupe(&inv.Nodes, func(o *Node) string { return o.Metadata.Name })
	n += dedupe(&inv.Pods, func(o *Pod) string { return metaKey(&o.Metadata) })
	n += dedupe(&inv.Workloads, func(o *Workload) string { return o.Kind + "/" + metaKey(&o.Metadata) })
	n += dedupe(&inv.ClusterRoles, func(o *ClusterRole) string { return o.Metadata.Name })
	n += dedupe(&inv.Roles, func(o *Role) string { return metaKey(&o.Metadata) })
	n += dedupe(&inv.ClusterRoleBindings, func(o *ClusterRoleBinding) string { return o.Metadata.Name })
	n += dedupe(&inv.RoleBindings, func(o *RoleBinding) string { return metaKey(&o.Metadata) })
	seen := map[graphmodel.Gap]bool{}
	gaps := inv.Gaps[:0]
	for _, g := range inv.Gaps {
		if !seen[g] {
			seen[g] = true
			gaps = append(gaps, g)
		}
	}
	inv.Gaps = gaps
	return n
}

func metaKey(m *Meta) string { return m.Namespace + "/" + m.Name }

func dedupe[T any](list *[]T, key func(*T) string) int {
	seen := make(map[string]bool, len(*list))
	out := (*list)[:0]
	for i := range *list {
		k := key(&(*list)[i])
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, (*list)[i])
	}
	dropped := len(*list) - len(out)
	clear((*list)[len(out):])
	*list = out
	return dropped
}
