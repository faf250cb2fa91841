package k8srbac

import (
	"fmt"
	"strings"
)

// The API group of RBAC objects, and the wildcards of rules.
const (
	// GroupName is the API group of RBAC objects and of role references.
	GroupName = "rbac.authorization.k8s.io"
	// All matches every verb, API group, resource or non-resource URL.
	All = "*"
)

// Kinds of roles, bindings and subjects.
const (
	KindRole               = "Role"
	KindClusterRole        = "ClusterRole"
	KindRoleBinding        = "RoleBinding"
	KindClusterRoleBinding = "ClusterRoleBinding"
	KindUser               = "User"
	KindGroup              = "Group"
	KindServiceAccount     = "ServiceAccount"
)

// PolicyRule is one rule of a role, in the API's JSON shape.
type PolicyRule struct {
	// Verbs are the verbs allowed ("get", "create", "impersonate", "*").
	Verbs []string `json:"verbs"`
	// APIGroups are the API groups of Resources ("" is the core group).
	APIGroups []string `json:"apiGroups,omitempty"`
	// Resources are resource names, with subresources as "pods/exec" or
	// "*/scale"; "*" is every resource and subresource.
	Resources []string `json:"resources,omitempty"`
	// ResourceNames restrict the rule to objects of these names.
	ResourceNames []string `json:"resourceNames,omitempty"`
	// NonResourceURLs are URL paths, a trailing "*" matching any suffix.
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
}

// LabelSelector selects objects by label, in the API's JSON shape. Its
// parts are ANDed; an empty selector selects everything.
type LabelSelector struct {
	MatchLabels      map[string]string          `json:"matchLabels,omitempty"`
	MatchExpressions []LabelSelectorRequirement `json:"matchExpressions,omitempty"`
}

// LabelSelectorRequirement is one expression of a LabelSelector.
type LabelSelectorRequirement struct {
	Key string `json:"key"`
	// Operator is In, NotIn, Exists or DoesNotExist.
	Operator string   `json:"operator"`
	Values   []string `json:"values,omitempty"`
}

// AggregationRule says which ClusterRoles a ClusterRole aggregates.
type AggregationRule struct {
	ClusterRoleSelectors []LabelSelector `json:"clusterRoleSelectors,omitempty"`
}

// Role is a namespaced set of rules.
type Role struct {
	Namespace string
	Name      string
	Rules     []PolicyRule
}

// ClusterRole is a cluster-wide set of rules, possibly aggregated from
// other ClusterRoles by label.
type ClusterRole struct {
	Name string
	// Labels are the role's labels, which aggregation rules select on.
	Labels          map[string]string
	Rules           []PolicyRule
	AggregationRule *AggregationRule
}

// RoleRef is a binding's reference to a role, in the API's JSON shape.
type RoleRef struct {
	APIGroup string `json:"apiGroup"`
	// Kind is Role or ClusterRole.
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Subject is who a binding grants to, in the API's JSON shape.
type Subject struct {
	// Kind is User, Group or ServiceAccount.
	Kind     string `json:"kind"`
	APIGroup string `json:"apiGroup,omitempty"`
	Name     string `json:"name"`
	// Namespace is a ServiceAccount's namespace; in a RoleBinding it
	// defaults to the binding's.
	Namespace string `json:"namespace,omitempty"`
}

// String renders a subject as "User alice", "ServiceAccount ci/deployer".
func (s Subject) String() string {
	if s.Namespace != "" {
		return s.Kind + " " + s.Namespace + "/" + s.Name
	}
	return s.Kind + " " + s.Name
}

// RoleBinding grants a Role's or ClusterRole's rules in its namespace.
type RoleBinding struct {
	Namespace string
	Name      string
	Subjects  []Subject
	RoleRef   RoleRef
}

// ClusterRoleBinding grants a ClusterRole's rules cluster-wide.
type ClusterRoleBinding struct {
	Name     string
	Subjects []Subject
	RoleRef  RoleRef
}

// ObjectRef names an RBAC object: Kind, Namespace (namespaced kinds only)
// and Name.
type ObjectRef struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// String renders the reference as "ClusterRole admin" or
// "RoleBinding dev/ci".
func (r ObjectRef) String() string {
	if r.IsZero() {
		return ""
	}
	if r.Namespace != "" {
		return r.Kind + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind + " " + r.Name
}

// IsZero reports whether r names nothing.
func (r ObjectRef) IsZero() bool { return r == ObjectRef{} }

// String renders a rule compactly, e.g.
// "verbs=[get list] apiGroups=[""] resources=[secrets] resourceNames=[a]".
func (r PolicyRule) String() string {
	var b strings.Builder
	part := func(name string, v []string) {
		if v == nil {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = s
			if s == "" {
				q[i] = `""`
			}
		}
		fmt.Fprintf(&b, "%s=[%s]", name, strings.Join(q, " "))
	}
	part("verbs", r.Verbs)
	part("apiGroups", r.APIGroups)
	part("resources", r.Resources)
	part("resourceNames", r.ResourceNames)
	part("nonResourceURLs", r.NonResourceURLs)
	return b.String()
}
