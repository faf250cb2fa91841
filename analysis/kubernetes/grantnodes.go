package kubernetes

import (
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// grantedBinding names, in evidence, the binding an attacker creates to
// obtain a role.
const grantedBinding = "(a binding the attacker creates)"

// anyRole stands for "any rule": what a subject that can add rules to a
// role it holds obtains in the scope of its binding.
var anyRole = k8srbac.ObjectRef{Kind: "*", Name: "*"}

// roleGrant is a role held in one scope by whoever obtains it: a unit
// whose rules are the role's alone.
type roleGrant struct {
	id    string
	rules *k8srbac.RuleSet
}

// grantID returns the ID of the grant of role in ns ("*": cluster-wide).
func (c *cluster) grantID(role k8srbac.ObjectRef, ns string) string {
	if role.Kind == anyRole.Kind {
		return "k8s:" + c.name + ":role-grant:" + ns + ":any"
	}
	kind := "clusterrole"
	if role.Kind == k8srbac.KindRole {
		kind = "role"
	}
	return "k8s:" + c.name + ":role-grant:" + ns + ":" + kind + ":" + role.Name
}

// grant returns the ID of the node of role held in namespace ns ("*":
// cluster-wide), making it and queueing it for evaluation when new.
func (e *engine) grant(role k8srbac.ObjectRef, ns string) string {
	c := e.c
	id := c.grantID(role, ns)
	if _, ok := e.grants[id]; ok {
		return id
	}
	binding := k8srbac.ObjectRef{Kind: k8srbac.KindRoleBinding, Namespace: ns, Name: grantedBinding}
	if ns == "*" {
		binding = k8srbac.ObjectRef{Kind: k8srbac.KindClusterRoleBinding, Name: grantedBinding}
	}
	var list []k8srbac.Evidence
	name := "any rule"
	if role.Kind == anyRole.Kind {
		rule := k8srbac.PolicyRule{Verbs: []string{k8srbac.All}, APIGroups: []string{k8srbac.All}, Resources: []string{k8srbac.All}}
		list = append(list, k8srbac.Evidence{Binding: binding, Role: role, Origin: role, RuleIndex: 0, Rule: rule})
	} else {
		name = role.String()
		rules, _ := c.policy.Rules(role)
		for _, r := range rules {
			list = append(list, k8srbac.Evidence{Binding: binding, Role: role, Origin: r.Origin, RuleIndex: r.Index, Rule: r.Rule})
		}
	}
	rs := &k8srbac.RuleSet{Namespaced: map[string][]k8srbac.Evidence{}}
	if ns == "*" {
		rs.Cluster = list
		name += " held cluster-wide"
	} else {
		rs.Namespaced[ns] = list
		name += " held in namespace " + ns
	}
	g := &roleGrant{id: id, rules: rs}
	e.grants[id] = g
	e.grantQueue = append(e.grantQueue, g)
	e.nodes = append(e.nodes, graphmodel.Node{ID: id, Kind: KindRoleGrant, Provider: graphmodel.ProviderKubernetes,
		Scope: c.scope, Name: name, Properties: map[string]string{"role": role.String(), "namespace": ns}})
	return id
}
