// Package crosscloud derives the bridges between providers: edges that
// exist only when the snapshots of both sides are analyzed together (a
// cluster's and the AWS account's that runs it, a GKE cluster's and its
// GCP project's, a GitHub repository's and the clouds it deploys to). Each
// bridge is one Bridge of the list Bridges returns, in a file of its own;
// the Analyzer runs them all over one Estate, the index of the snapshot
// they share. Adding a bridge is adding a file and a line to Bridges.
//
// # EKS
//
//   - IRSA (irsa.go): a Kubernetes service account becomes an IAM role
//     whose trust admits its subject through the OIDC provider of its
//     cluster's issuer, evaluated by awspolicy with the subject and the
//     audience its token carries. STS accepts only tokens of audience
//     sts.amazonaws.com, which EKS injects into the pods of an account
//     annotated eks.amazonaws.com/role-arn (a pod may also mount one): an
//     account whose pods hold one becomes the role (technique eks-irsa);
//     for an account whose pods hold none (a StringLike
//     system:serviceaccount:* admits every account of the cluster),
//     whoever can create pods or serviceaccounts/token in its namespace
//     mints one and becomes the role (eks-irsa-mint). The bridge emits the
//     edge from the service account (or the minter) to the role directly;
//     analysis/aws keeps its federated subject of the OIDC provider (the
//     same trust seen from outside the cluster, conditional on the
//     audience it cannot know), which nothing links to the accounts.
//   - EKS Pod Identity (podidentity.go): the service account of an
//     association becomes its role (its target role when it has one),
//     when the role's trust admits pods.eks.amazonaws.com.
//   - aws-auth (awsauth.go): an IAM role or user mapped by
//     kube-system/aws-auth becomes the Kubernetes user and groups of its
//     mapping (a node role's system:node:{{EC2PrivateDNSName}}, every
//     node); group system:masters is cluster-admin.
//   - Access entries (accessentries.go): an IAM principal with an EKS
//     access entry becomes the Kubernetes user and groups of the entry;
//     the Kubernetes analysis evaluates the entry's access policies as
//     bindings of that user (cluster admin cluster-wide; a
//     namespace-scoped policy only in its namespaces).
//   - Nodes (noderoles.go): a node that is an EC2 instance of the
//     snapshot becomes the role its instance profile carries (root on the
//     node, or a pod on its network, reads the instance metadata).
//
// A Kubernetes cluster is matched to an EKS cluster by the ARN its
// collection recorded (eks_cluster_arn), else by name (collect the
// cluster with --cluster-name set to the EKS cluster's name), and an
// issuer by its own oidc_issuer when the collection read it.
//
// Rewriting aws-auth from inside the cluster is the Kubernetes
// analysis's eks_modify_aws_auth (the attacker maps an IAM principal of
// its own to system:masters): no AWS fact is needed for it.
//
// # GKE and GitHub Actions
//
// The GCP bridges end on the pool members IAM policies name, nodes of the
// GCP collection (gcp:principal:…, gcp:principalSet:…): what a member may
// do is the GCP analysis's to decide (roles/iam.workloadIdentityUser on a
// service account, held there or inherited from its project, folder or
// organization, makes it that account; any role granted to the member
// directly is its own), with conditions, deny policies and custom roles.
// The chain composes through the member's node, which the path shows: it
// is what the binding names. A member no policy names is no node and has
// no edge: the binding decides, not the annotation or the trust alone.
//
//   - GKE Workload Identity (gkeworkloadidentity.go): a Kubernetes
//     service account of a cluster with a workload pool
//     <project>.svc.id.goog becomes its principal
//     (gcp:principal:<project>.svc.id.goog[<ns>/<ksa>], both spellings of
//     which policies write, serviceAccount:<project>.svc.id.goog[<ns>/<ksa>]
//     and principal://…/workloadIdentityPools/<project>.svc.id.goog/subject/ns/<ns>/sa/<ksa>)
//     and the principal sets of the pool that hold it (namespace/<ns>, its
//     cluster, the whole pool): technique gke-workload-identity. Whoever
//     becomes the account in the cluster (pods, tokens: the Kubernetes
//     analysis) goes on through it. The iam.gke.io/gcp-service-account
//     annotation only says which account the GKE metadata server hands
//     out: it is evidence, and decides nothing.
//   - GitHub Actions (github.go): a GitHub repository (github:repo:<owner>/<repo>,
//     github:repo:<owner>/* for any of an owner's, github:repo:* for any on
//     GitHub; graphmodel.GitHubRepoNode, the node analysis/aws gives the
//     repositories its OIDC trusts admit) becomes each member of a pool
//     whose provider of https://token.actions.githubusercontent.com admits
//     a token its workflows can present, and maps it to that member
//     (gcppolicy.Federation: the attribute condition and mapping in CEL).
//     The repository fixes the claims repository and repository_owner; a
//     workflow chooses its branch, environment, event, workflow and
//     audience, so a token is sought among the values the expressions name
//     (and a new branch): a condition pinning one branch is met by that
//     branch, one pinning one repository by any branch of it. What
//     depends on other claims (repository_owner_id, actor, …) is
//     conditional. Technique github-actions-wif. A trust that needs
//     nothing but the repository (any branch of it), or admits any
//     repository, marks the node (graphmodel.PropFederatedBroadTrust), as
//     analysis/aws does for a sub pattern such as repo:acme/app:*.
//
// A Kubernetes cluster is matched to its GKE cluster (a gcp.resource of
// type container.googleapis.com/Cluster, whose workload_pool the GCP
// collection records) by its service-account issuer when the collection
// read it (https://container.googleapis.com/v1/projects/<p>/locations/<l>/clusters/<n>
// names the cluster's asset), by a cluster name in the form of gcloud's
// kubeconfig contexts (--cluster-name gke_<project>_<location>_<name>),
// else by name: the only GKE cluster of the collected name, in the
// project and location its nodes' provider IDs (gce://<project>/<zone>/<instance>)
// show when they show them (collect the cluster with --cluster-name set
// to the GKE cluster's name).
package crosscloud

import (
	"context"
	"fmt"
	"sort"

	"github.com/blastradius/blastradius/graphmodel"
)

// Provider owns the bridges' techniques in catalogues.
const Provider graphmodel.Provider = "crosscloud"

// Bridge is one kind of edge between providers.
type Bridge interface {
	// Name names the bridge in errors.
	Name() string
	// Techniques are the catalogue entries of the techniques its edges name.
	Techniques() []graphmodel.Technique
	// Derive returns the bridge's edges over the estate, and any nodes
	// they need.
	Derive(ctx context.Context, e *Estate) ([]graphmodel.Node, []graphmodel.Edge, error)
}

// Bridges returns every bridge this build has, in the order they run.
func Bridges() []Bridge {
	return []Bridge{IRSA{}, PodIdentity{}, AWSAuth{}, AccessEntries{}, NodeRoles{}, GKEWorkloadIdentity{}, GitHubActions{}}
}

// Analyzer runs bridges over a snapshot (analysis.Deriver,
// analysis.TechniqueCatalog).
type Analyzer struct{ bridges []Bridge }

// New returns the analyzer of every bridge of Bridges.
func New() *Analyzer { return &Analyzer{bridges: Bridges()} }

// NewWith returns an analyzer of the given bridges.
func NewWith(bridges ...Bridge) *Analyzer { return &Analyzer{bridges: bridges} }

// Name returns "crosscloud".
func (a *Analyzer) Name() string { return "crosscloud" }

// Derive indexes the snapshot once and runs every bridge over it.
func (a *Analyzer) Derive(ctx context.Context, snap *graphmodel.Snapshot) ([]graphmodel.Node, []graphmodel.Edge, error) {
	e, err := NewEstate(snap)
	if err != nil {
		return nil, nil, err
	}
	var nodes []graphmodel.Node
	var edges []graphmodel.Edge
	for _, b := range a.bridges {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		n, ed, err := b.Derive(ctx, e)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", b.Name(), err)
		}
		nodes = append(nodes, n...)
		edges = append(edges, ed...)
	}
	return nodes, edges, nil
}

// Techniques returns the catalogue of every bridge's techniques, sorted
// by ID.
func (a *Analyzer) Techniques() []graphmodel.Technique {
	var out []graphmodel.Technique
	for _, b := range a.bridges {
		for _, t := range b.Techniques() {
			t.Provider = Provider
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
