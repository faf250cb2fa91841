package graphmodel

import "strings"

// Identifier helpers. IDs follow the identifiers table of ARCHITECTURE.md;
// AWS principals and resources are identified by their ARN as is.

// AWSAccountScope returns the scope ID of an AWS account: aws:account:<id>.
func AWSAccountScope(accountID string) string { return "aws:account:" + accountID }

// GCPScope returns the scope ID of a GCP organization, folder or project:
// gcp:<level>:<id>.
func GCPScope(level, id string) string { return "gcp:" + level + ":" + id }

// K8sClusterScope returns the scope ID of a Kubernetes cluster: k8s:cluster:<name>.
func K8sClusterScope(cluster string) string { return "k8s:cluster:" + cluster }

// K8sServiceAccount returns the ID of a Kubernetes service account and its
// native alias system:serviceaccount:<ns>:<name>.
func K8sServiceAccount(cluster, namespace, name string) (id, alias string) {
	return "k8s:" + cluster + ":serviceaccount:" + namespace + ":" + name,
		"system:serviceaccount:" + namespace + ":" + name
}

// WorkspaceCustomerScope returns the scope ID of a Workspace customer.
func WorkspaceCustomerScope(id string) string { return "workspace:customer:" + id }

// GitHubRepo returns the ID of a GitHub repository as an OIDC subject.
func GitHubRepo(ownerRepo string) string { return "github:repo:" + ownerRepo }

// AWSAccountOfARN returns the account field of an ARN ("" when it has none).
func AWSAccountOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}
