package kubernetes

import (
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// accessEntries adds to the cluster's RBAC the EKS access entries of the
// EKS cluster of the same name (an AWS snapshot merged with this one):
// the EKS authorizer allows their access policies before RBAC is asked,
// which the bindings of k8srbac.EKSAccessBindings express to the entry's
// Kubernetes user. The user gets a node when no binding names it, so that
// the bridge from the IAM principal (analysis/crosscloud) ends on it. A
// cluster whose collection names its EKS ARN takes only the entries of
// that account and region. entries are the snapshot's access entry
// nodes (see isAccessEntry), clusterNode the cluster's node or nil.
func (c *cluster) accessEntries(entries []*graphmodel.Node, clusterNode *graphmodel.Node) {
	o := &c.rbac
	arn := ""
	if clusterNode != nil {
		arn = clusterNode.Prop(graphmodel.PropK8sEKSClusterARN)
	}
	added := false
	for _, n := range entries {
		if n.Prop(graphmodel.PropAWSCluster) != c.name || !sameAccountRegion(arn, n.ID) {
			continue
		}
		if !added {
			o.ClusterRoles = append(o.ClusterRoles, k8srbac.EKSAccessPolicyRoles()...)
			added = true
		}
		principal := n.Prop(graphmodel.PropAWSPrincipalARN)
		username := accessEntryUsername(n)
		var policies []string
		if p := n.Prop(graphmodel.PropAWSAccessPolicies); p != "" {
			policies = strings.Split(p, " ")
		}
		crbs, rbs, _ := k8srbac.EKSAccessBindings(principal, username, policies)
		for _, b := range crbs {
			c.synthetic[b.Name] = n.ID
		}
		for _, b := range rbs {
			c.synthetic[b.Name] = n.ID
		}
		o.ClusterRoleBindings = append(o.ClusterRoleBindings, crbs...)
		o.RoleBindings = append(o.RoleBindings, rbs...)
		c.entryUser(username)
	}
}

// isAccessEntry reports whether n is an EKS access entry of the AWS
// collection.
func isAccessEntry(n *graphmodel.Node) bool {
	return n.Kind == graphmodel.KindAWSResource && n.Prop(graphmodel.PropService) == "eks" && n.Prop(graphmodel.PropType) == "access-entry"
}

// accessEntryUsername returns the Kubernetes user name an EKS access
// entry node enters as: its kubernetes_username, else its principal's ARN
// (analysis/crosscloud's bridge from the principal ends on
// graphmodel.K8sUser of the same name).
func accessEntryUsername(n *graphmodel.Node) string {
	if u := n.Prop(graphmodel.PropAWSKubernetesUsername); u != "" {
		return u
	}
	return n.Prop(graphmodel.PropAWSPrincipalARN)
}

// entryUser makes sure the user an access entry enters as has a node,
// member of system:authenticated when that group is one.
func (c *cluster) entryUser(name string) {
	if _, _, ok := k8srbac.ParseServiceAccountUsername(name); ok || strings.HasPrefix(name, k8srbac.NodeUsernamePrefix) {
		return // an account or a node, not a user
	}
	id := graphmodel.K8sUser(c.name, name)
	for _, u := range c.users {
		if u.ID == id {
			return
		}
	}
	yes := true
	n := &graphmodel.Node{ID: id, Kind: graphmodel.KindK8sUser, Provider: graphmodel.ProviderKubernetes, Name: name,
		Scope: c.scope, NonHuman: &yes}
	c.derived = append(c.derived, *n)
	c.users = append(c.users, n)
	if g := c.groups[k8srbac.GroupAuthenticated]; g != nil {
		c.memberOf[id] = append(c.memberOf[id], g.ID)
		c.derivedMemberships = append(c.derivedMemberships, graphmodel.Edge{From: id, To: g.ID, Kind: graphmodel.EdgeMemberOf})
	}
}

// sameAccountRegion reports whether an AWS ARN is of the account and
// region of the EKS cluster ARN clusterARN ("" accepts any).
func sameAccountRegion(clusterARN, arn string) bool {
	if clusterARN == "" {
		return true
	}
	a, b := strings.SplitN(clusterARN, ":", 6), strings.SplitN(arn, ":", 6)
	return len(a) == 6 && len(b) == 6 && a[3] == b[3] && a[4] == b[4]
}
