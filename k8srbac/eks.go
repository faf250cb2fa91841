package k8srbac

import (
	"sort"
	"strings"
)

// EKS access entries give an IAM principal a Kubernetes user name and
// groups, and EKS access policies associated with the entry grant it
// rules: the EKS authorizer allows them before RBAC is asked, cluster-wide
// or only in the namespaces of the association. EKSAccessBindings turns
// an entry's associations into the RBAC bindings that allow the same, so
// that one evaluator decides every request.

// EKSAccessPolicyPrefix starts the ARN of every EKS access policy.
const EKSAccessPolicyPrefix = "arn:aws:eks::aws:cluster-access-policy/"

// EKSClusterAdminPolicy is the access policy that allows everything, as
// the cluster-admin ClusterRole does.
const EKSClusterAdminPolicy = EKSAccessPolicyPrefix + "AmazonEKSClusterAdminPolicy"

// EKSAccessBindingPrefix starts the name of every binding
// EKSAccessBindings returns, and EKSAccessRolePrefix the name of every
// ClusterRole EKSAccessPolicyRoles returns: neither can collide with an
// object of the cluster (':' and '/' cannot both be in such a name's
// place the way these use them, and the prefixes are reserved by EKS).
const (
	EKSAccessBindingPrefix = "eks:access-entry:"
	EKSAccessRolePrefix    = "eks:access-policy:"
)

// eksPolicyRoles maps the access policies this package models to the
// ClusterRole that holds their rules: a role of the cluster (AWS documents
// AmazonEKSAdminPolicy, AmazonEKSEditPolicy and AmazonEKSViewPolicy as the
// user-facing admin, edit and view roles), or one of EKSAccessPolicyRoles.
var eksPolicyRoles = map[string]string{
	"AmazonEKSClusterAdminPolicy": EKSAccessRolePrefix + "AmazonEKSClusterAdminPolicy",
	"AmazonEKSAdminViewPolicy":    EKSAccessRolePrefix + "AmazonEKSAdminViewPolicy",
	"AmazonEKSAdminPolicy":        "admin",
	"AmazonEKSEditPolicy":         "edit",
	"AmazonEKSViewPolicy":         "view",
}

// EKSAccessPolicyRoles returns the ClusterRoles that hold the rules of the
// access policies that have no role of the cluster to stand for them:
// AmazonEKSClusterAdminPolicy (every verb on every resource and URL) and
// AmazonEKSAdminViewPolicy (get, list and watch on every resource, secrets
// included). Add them once to a cluster's objects before its access
// entries' bindings.
func EKSAccessPolicyRoles() []ClusterRole {
	return []ClusterRole{
		{Name: EKSAccessRolePrefix + "AmazonEKSClusterAdminPolicy", Rules: []PolicyRule{
			{Verbs: []string{All}, APIGroups: []string{All}, Resources: []string{All}},
			{Verbs: []string{All}, NonResourceURLs: []string{All}},
		}},
		{Name: EKSAccessRolePrefix + "AmazonEKSAdminViewPolicy", Rules: []PolicyRule{
			{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{All}, Resources: []string{All}},
		}},
	}
}

// EKSAccessBindings returns the bindings that grant what an access entry's
// associated access policies allow to its Kubernetes user name: a
// ClusterRoleBinding for a policy on the cluster, a RoleBinding per
// namespace for one scoped to namespaces. policies are "<policy
// ARN>@cluster" or "<policy ARN>@namespace:<ns>,<ns>" (as the AWS
// collector records them). A policy this package does not model is
// returned in unknown and grants nothing here.
func EKSAccessBindings(principalARN, username string, policies []string) (crbs []ClusterRoleBinding, rbs []RoleBinding, unknown []string) {
	subject := []Subject{{Kind: KindUser, APIGroup: GroupName, Name: username}}
	for _, p := range policies {
		arn, scope, _ := strings.Cut(p, "@")
		name, ok := strings.CutPrefix(arn, EKSAccessPolicyPrefix)
		role := eksPolicyRoles[name]
		if !ok || role == "" {
			unknown = append(unknown, p)
			continue
		}
		ref := RoleRef{APIGroup: GroupName, Kind: KindClusterRole, Name: role}
		binding := EKSAccessBindingPrefix + principalARN + ":" + name
		switch {
		case scope == "" || scope == "cluster":
			crbs = append(crbs, ClusterRoleBinding{Name: binding, Subjects: subject, RoleRef: ref})
		case strings.HasPrefix(scope, "namespace:"):
			namespaces := strings.Split(strings.TrimPrefix(scope, "namespace:"), ",")
			sort.Strings(namespaces)
			for _, ns := range namespaces {
				if ns != "" {
					rbs = append(rbs, RoleBinding{Namespace: ns, Name: binding, Subjects: subject, RoleRef: ref})
				}
			}
		default:
			unknown = append(unknown, p)
		}
	}
	return crbs, rbs, unknown
}
