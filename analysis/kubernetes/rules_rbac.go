package kubernetes

import (
	"slices"

	"github.com/blastradius/blastradius/k8srbac"
)

// clusterAdmin (cluster_admin) emits admin_of the cluster for a member of
// system:masters and for a unit allowed every verb on every resource of
// every group cluster-wide, and reports whether it did.
func (e *engine) clusterAdmin(u *unit) bool {
	c := e.c
	if u.rs.Superuser {
		e.admin(u, TechClusterAdmin, c.ruleEvidence([]k8srbac.Evidence{{Superuser: true, RuleIndex: -1}}, "administrator of the cluster"))
		return true
	}
	var ev []k8srbac.Evidence
	for _, x := range u.rs.Cluster {
		if allowsEverything(x.Rule) {
			ev = append(ev, x)
		}
	}
	if len(ev) == 0 {
		return false
	}
	e.admin(u, TechClusterAdmin, c.ruleEvidence(ev, "every verb on every resource cluster-wide: administrator of the cluster"))
	return true
}

// roleBind (ROLE_BIND): create a ClusterRoleBinding, or a RoleBinding in a
// namespace, with bind on a role there: the subject binds the role to
// itself. A role allowing everything bound cluster-wide is administrator
// of the cluster; any other role, or one bound in a namespace, is a role
// grant whose edges are what it allows there. Without bind, the API
// server lets a subject bind only rules it already holds: no gain.
func (e *engine) roleBind(u *unit) {
	c := e.c
	const rbac = k8srbac.GroupName
	createCRB := whereCluster(u.rs, "create", rbac, "clusterrolebindings", "")
	createRB := where(u.rs, "create", rbac, "rolebindings", "")
	if !createCRB.any() && !createRB.any() {
		return
	}
	bindCR := where(u.rs, "bind", rbac, "clusterroles", "")
	bindR := where(u.rs, "bind", rbac, "roles", "")
	if !bindCR.any() && !bindR.any() {
		return
	}
	if len(createCRB.cluster) > 0 {
		roles := e.bindable(bindCR, "", c.clusterRoles, k8srbac.KindClusterRole)
		for _, b := range roles {
			ev := c.ruleEvidence(append(append([]k8srbac.Evidence(nil), createCRB.cluster...), b.ev...),
				"create a ClusterRoleBinding to "+b.role.String())
			if slices.Contains(c.adminRoles, b.role.Name) {
				e.admin(u, TechRoleBind, ev)
				break
			}
			e.become(u, e.grant(b.role, "*"), TechRoleBind, ev)
		}
	}
	namespaces := createRB.namespaces()
	if len(createRB.cluster) > 0 {
		namespaces = c.nsOrder
	}
	for _, ns := range namespaces {
		create := createRB.wide(ns)
		roles := e.bindable(bindCR, ns, c.clusterRoles, k8srbac.KindClusterRole)
		roles = append(roles, e.bindable(bindR, ns, c.roles[ns], k8srbac.KindRole)...)
		for _, b := range roles {
			ev := c.ruleEvidence(append(append([]k8srbac.Evidence(nil), create...), b.ev...),
				"create a RoleBinding in namespace "+ns+" to "+b.role.String())
			e.become(u, e.grant(b.role, ns), TechRoleBind, ev)
			if slices.Contains(c.adminRoles, b.role.Name) && b.role.Kind == k8srbac.KindClusterRole {
				break
			}
		}
	}
}

// bindableRole is a role a subject may bind, with the rules allowing it.
type bindableRole struct {
	role k8srbac.ObjectRef
	ev   []k8srbac.Evidence
}

// bindable returns the roles of kind among names that bind allows binding
// in namespace ns ("": cluster-wide): a ClusterRole allowing everything
// first when there is one (it makes the others worthless), else every
// role allowed.
func (e *engine) bindable(bind *grant, ns string, names []string, kind string) []bindableRole {
	ref := func(name string) k8srbac.ObjectRef {
		r := k8srbac.ObjectRef{Kind: kind, Name: name}
		if kind == k8srbac.KindRole {
			r.Namespace = ns
		}
		return r
	}
	var out []bindableRole
	if kind == k8srbac.KindClusterRole {
		for _, name := range e.c.adminRoles {
			if ev := bind.object(ns, name); len(ev) > 0 {
				return []bindableRole{{ref(name), ev}}
			}
		}
	}
	for _, name := range names {
		if ev := bind.object(ns, name); len(ev) > 0 {
			out = append(out, bindableRole{ref(name), ev})
		}
	}
	return out
}

// escalate (escalate_roles): escalate with update or patch on a role the
// unit is bound to: it adds any rule to it, in the scope of its binding
// (administrator of the cluster for a ClusterRoleBinding).
func (e *engine) escalate(u *unit) {
	c := e.c
	const rbac = k8srbac.GroupName
	escCR := whereCluster(u.rs, "escalate", rbac, "clusterroles", "")
	escR := where(u.rs, "escalate", rbac, "roles", "")
	if !escCR.any() && !escR.any() {
		return
	}
	updCR := whereClusterAny(u.rs, []string{"update", "patch"}, rbac, "clusterroles", "")
	updR := whereAny(u.rs, []string{"update", "patch"}, rbac, "roles", "")
	type held struct {
		role  k8srbac.ObjectRef
		scope string
	}
	seen := map[held]bool{}
	check := func(x k8srbac.Evidence, scope string) {
		h := held{x.Role, scope}
		if seen[h] {
			return
		}
		seen[h] = true
		var esc, upd []k8srbac.Evidence
		if x.Role.Kind == k8srbac.KindClusterRole {
			esc, upd = escCR.object("", x.Role.Name), updCR.object("", x.Role.Name)
		} else {
			esc, upd = escR.object(x.Role.Namespace, x.Role.Name), updR.object(x.Role.Namespace, x.Role.Name)
		}
		if len(esc) == 0 || len(upd) == 0 {
			return
		}
		ev := c.ruleEvidence(append(append([]k8srbac.Evidence{x}, esc...), upd...), "add any rule to "+x.Role.String()+", which "+x.Binding.String()+" grants")
		if scope == "" {
			e.admin(u, TechEscalate, ev)
			return
		}
		e.become(u, e.grant(anyRole, scope), TechEscalate, ev)
	}
	for _, x := range u.rs.Cluster {
		check(x, "")
	}
	for _, ns := range u.rs.Namespaces() {
		for _, x := range u.rs.Namespaced[ns] {
			check(x, ns)
		}
	}
}

// impersonate (IDENTITY_IMPERSONATE): impersonate users (a node's user
// name is the node), service accounts, and groups, which the API server
// accepts only with a user or service account impersonated too.
func (e *engine) impersonate(u *unit) {
	c := e.c
	users := whereCluster(u.rs, "impersonate", "", "users", "")
	sas := where(u.rs, "impersonate", "", "serviceaccounts", "")
	groups := whereCluster(u.rs, "impersonate", "", "groups", "")
	if len(users.cluster) > 0 {
		e.capability(u, capImpersonateU, "*", c.ruleEvidence(users.cluster, "impersonate any user"))
	} else {
		for _, k := range users.names() {
			ev := c.ruleEvidence(users.named[k], "impersonate user "+k[1])
			if name, ok := k8srbac.ParseNodeUsername(k[1]); ok {
				if n := c.nodes[name]; n != nil {
					e.become(u, n.id, TechImpersonate, ev)
				}
				continue
			}
			for _, usr := range c.users {
				if usr.Name == k[1] {
					e.become(u, usr.ID, TechImpersonate, ev)
				}
			}
		}
	}
	e.namespaced(u, sas, capImpersonateSA, "impersonate service accounts", func(ns, name string) []target {
		return c.saNamed(ns, name, TechImpersonate, "impersonates")
	})
	if !users.any() && !sas.any() {
		return
	}
	with := users.cluster
	if len(with) == 0 {
		with = append(append(with, sas.cluster...), firstNamed(users, sas)...)
	}
	if len(groups.cluster) > 0 {
		e.capability(u, capImpersonateG, "*", c.ruleEvidence(append(append([]k8srbac.Evidence(nil), groups.cluster...), with...), "impersonate any group"))
		return
	}
	for _, k := range groups.names() {
		if g := c.groups[k[1]]; g != nil {
			e.become(u, g.ID, TechImpersonate, c.ruleEvidence(append(append([]k8srbac.Evidence(nil), groups.named[k]...), with...), "impersonate group "+k[1]))
		}
	}
}

// firstNamed returns the evidence of some named grant of the first of
// gs that has one (a group is impersonated with any one user).
func firstNamed(gs ...*grant) []k8srbac.Evidence {
	for _, g := range gs {
		if ns := g.namespaces(); len(ns) > 0 {
			return g.ns[ns[0]]
		}
		if names := g.names(); len(names) > 0 {
			return g.named[names[0]]
		}
	}
	return nil
}

// namespaced applies a grant on a namespaced resource whose objects are
// service accounts or pods: a capability where it allows every object
// (everywhere, or per namespace), and the targets named objects give
// (named returns them for a namespace, "*" meaning any, and a name).
func (e *engine) namespaced(u *unit, g *grant, cap, what string, named func(ns, name string) []target) {
	c := e.c
	if len(g.cluster) > 0 {
		e.capability(u, cap, "*", c.ruleEvidence(g.cluster, what+" in every namespace"))
		return
	}
	for _, ns := range g.namespaces() {
		e.capability(u, cap, ns, c.ruleEvidence(g.ns[ns], what+" in namespace "+ns))
	}
	for _, k := range g.names() {
		if k[0] != "*" && len(g.ns[k[0]]) > 0 {
			continue // the namespace's capability covers it
		}
		e.targets(u, c.ruleEvidence(g.named[k], what+" named "+k[1]), named(k[0], k[1]))
	}
}

// saNamed returns the target of each listed service account named name in
// namespace ns ("*": any).
func (c *cluster) saNamed(ns, name, technique, what string) []target {
	var out []target
	for _, n := range c.namespacesOf(ns) {
		for _, sa := range n.sas {
			if sa.name == name && sa.listed {
				out = append(out, c.saTarget(sa, technique, what))
			}
		}
	}
	return out
}
