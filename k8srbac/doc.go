// Package k8srbac is the Kubernetes RBAC policy language: the objects of
// the rbac.authorization.k8s.io/v1 API (PolicyRule, Role, ClusterRole,
// RoleBinding, ClusterRoleBinding, their subjects and role references) and
// an exact evaluator of them, written after the API server's RBAC
// authorizer (plugin/pkg/auth/authorizer/rbac) and the ClusterRole
// aggregation controller.
//
// # Matching
//
// A rule allows a resource request when its verbs, apiGroups, resources
// and resourceNames all match (PolicyRule.Allows):
//
//   - verbs: the request's verb, or "*";
//   - apiGroups: the request's group ("" is the core group), or "*";
//   - resources: "*" (every resource and subresource), the resource alone
//     when the request has no subresource, "<resource>/<subresource>"
//     ("pods/exec"), or "*/<subresource>" ("*/scale");
//   - resourceNames: empty (every name), or a list holding the request's
//     name; a request without a name (list, watch without a metadata.name
//     field selector, create, deletecollection) matches no list.
//
// A rule allows a non-resource request (a URL path such as "/metrics")
// when its verbs match and one of its nonResourceURLs is "*", the path
// itself, or a prefix ending in "*" ("/logs/*" covers "/logs/kube.log").
// Matching is case-sensitive, as the API server's.
//
// # Aggregation
//
// A ClusterRole with an aggregationRule holds, besides its own rules, the
// rules of every other ClusterRole one of its clusterRoleSelectors
// matches (matchLabels and matchExpressions with In, NotIn, Exists and
// DoesNotExist; an empty selector matches every ClusterRole), transitively
// and without duplicates, in the order the aggregation controller writes
// them: selector by selector, matched roles sorted by name. Its own stored
// rules stay in effect (the API server enforces what is stored), after the
// aggregated ones. Evidence for an aggregated rule names the ClusterRole
// whose own rules hold it.
//
// # Bindings
//
// A ClusterRoleBinding grants its ClusterRole's rules in every namespace,
// on cluster-scoped resources and on non-resource URLs. A RoleBinding
// grants its Role's, or a ClusterRole's, rules only on requests in its own
// namespace: never on cluster-scoped resources, lists across namespaces or
// non-resource URLs. A ClusterRoleBinding that references a Role, a
// reference of another kind, and a reference to a role that does not
// exist grant nothing and are reported as Issues.
//
// Subjects: a User matches the user of that name; a Group matches every
// user in that group; a ServiceAccount matches the user
// system:serviceaccount:<namespace>:<name>, its namespace defaulting to
// the RoleBinding's (a ServiceAccount subject without namespace in a
// ClusterRoleBinding matches nobody). A user's groups are given by the
// caller; ServiceAccountUser and NodeUser add the groups the API server's
// authenticators give (system:serviceaccounts,
// system:serviceaccounts:<namespace>, system:nodes, system:authenticated).
// A member of system:masters is allowed everything: the API server
// authorizes that group before RBAC is asked.
//
// # Scope of a request
//
// The caller says where a request is made: Namespace is the namespace of
// a namespaced resource, "" for a cluster-scoped resource (nodes,
// namespaces as a collection, clusterroles, …) or a request across all
// namespaces. As in the API server, a request on one namespace object
// (get namespace "dev") is in namespace "dev".
package k8srbac
