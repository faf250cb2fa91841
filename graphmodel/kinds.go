package graphmodel

import "sort"

// Provider names the system a node or a snapshot source belongs to.
type Provider string

// The providers the model knows. External stands for principals outside every
// collected estate (another AWS account, a third-party IdP, the whole internet).
const (
	ProviderAWS        Provider = "aws"
	ProviderGCP        Provider = "gcp"
	ProviderKubernetes Provider = "kubernetes"
	ProviderWorkspace  Provider = "workspace"
	ProviderGitHub     Provider = "github"
	ProviderExternal   Provider = "external"
)

// Class groups node kinds by the role they play in the attack graph.
type Class string

// The classes of node kinds.
const (
	// ClassIdentity is something that holds credentials or can be acted as:
	// users, roles, service accounts, OAuth apps, OIDC subjects.
	ClassIdentity Class = "identity"
	// ClassGroup holds permissions for its members but cannot itself be
	// authenticated as (IAM groups, Kubernetes groups, Google groups).
	ClassGroup Class = "group"
	// ClassScope is a boundary of administration: an AWS account, a GCP
	// organization, folder or project, a Kubernetes cluster, a Workspace customer.
	ClassScope Class = "scope"
	// ClassResource is data or compute an attacker may reach.
	ClassResource Class = "resource"
	// ClassPolicy is a permission document or role definition.
	ClassPolicy Class = "policy"
	// ClassOther is anything else the collectors record (instance profiles, …).
	ClassOther Class = "other"
)

// NodeKind is the typed kind of a node, written "<provider>.<kind>".
type NodeKind string

// Node kinds. Every provider shares this one list so that merged snapshots
// and generic analysis passes need no provider-specific code.
const (
	// KindAWSAccount is an AWS account, the administrative scope aws:account:<id>.
	KindAWSAccount NodeKind = "aws.account"
	// KindAWSUser is an IAM user.
	KindAWSUser NodeKind = "aws.user"
	// KindAWSRole is an IAM role (service-linked roles included).
	KindAWSRole NodeKind = "aws.role"
	// KindAWSGroup is an IAM group.
	KindAWSGroup NodeKind = "aws.group"
	// KindAWSManagedPolicy is a customer- or AWS-managed IAM policy, with its versions.
	KindAWSManagedPolicy NodeKind = "aws.managed_policy"
	// KindAWSInlinePolicy is an inline policy embedded in a user, group or role.
	KindAWSInlinePolicy NodeKind = "aws.inline_policy"
	// KindAWSInstanceProfile is an EC2 instance profile, the carrier of a role.
	KindAWSInstanceProfile NodeKind = "aws.instance_profile"
	// KindAWSResource is any other AWS resource (bucket, key, secret, function, …);
	// its ARN tells the service and type.
	KindAWSResource NodeKind = "aws.resource"
	// KindAWSExternalAccount is an AWS account outside the collected estate,
	// named by a trust policy; it is an identity because its administrators
	// can act as anything the account is trusted for.
	KindAWSExternalAccount NodeKind = "aws.external_account"
	// KindAWSServicePrincipal is an AWS service (lambda.amazonaws.com, …) as a trust principal.
	KindAWSServicePrincipal NodeKind = "aws.service_principal"
	// KindAWSOrgUnit is a node of an AWS Organizations tree: the root
	// (r-…) or an organizational unit (ou-…); SCPs and RCPs attach to it.
	KindAWSOrgUnit NodeKind = "aws.org_unit"
	// KindAWSOrgPolicy is a service or resource control policy (SCP, RCP).
	KindAWSOrgPolicy NodeKind = "aws.org_policy"
	// KindAWSPermissionSet is a node the analysis derives: the principals of
	// an account holding the same broad policies on one service, through
	// which their shared access to that service's resources is recorded
	// once. Like a group, it holds permissions for its members; unlike a
	// group it is not a hop of its own (see NodeKind.Transparent).
	KindAWSPermissionSet NodeKind = "aws.permission_set"
	// KindAWSFederatedPrincipal is a web-identity or SAML subject set admitted by
	// a trust policy (e.g. a GitHub Actions repository through an OIDC provider).
	KindAWSFederatedPrincipal NodeKind = "aws.federated_principal"

	// KindGCPOrganization is a GCP organization scope.
	KindGCPOrganization NodeKind = "gcp.organization"
	// KindGCPFolder is a GCP folder scope.
	KindGCPFolder NodeKind = "gcp.folder"
	// KindGCPProject is a GCP project scope.
	KindGCPProject NodeKind = "gcp.project"
	// KindGCPServiceAccount is a GCP service account.
	KindGCPServiceAccount NodeKind = "gcp.service_account"
	// KindGCPUser is a Google account granted IAM roles.
	KindGCPUser NodeKind = "gcp.user"
	// KindGCPGroup is a Google group granted IAM roles.
	KindGCPGroup NodeKind = "gcp.group"
	// KindGCPPrincipalSet is a workload-identity principal set (principalSet://…).
	KindGCPPrincipalSet NodeKind = "gcp.principal_set"
	// KindGCPRole is a predefined or custom IAM role.
	KindGCPRole NodeKind = "gcp.role"
	// KindGCPResource is any other GCP resource, named by its Cloud Asset name.
	KindGCPResource NodeKind = "gcp.resource"
	// KindGCPPrincipal is one federated identity: a subject of a workload or
	// workforce identity pool (principal://…/subject/<s>), or a Kubernetes
	// service account of GKE Workload Identity (gcp:principal:<project>.svc.id.goog[<ns>/<ksa>]).
	KindGCPPrincipal NodeKind = "gcp.principal"
	// KindGCPServiceAccountKey is a key of a service account (never its
	// material): its age, type and state.
	KindGCPServiceAccountKey NodeKind = "gcp.service_account_key"
	// KindGCPWorkloadIdentityPool is a workload identity pool, the home of
	// federated identities.
	KindGCPWorkloadIdentityPool NodeKind = "gcp.workload_identity_pool"
	// KindGCPWorkloadIdentityProvider is a provider of a workload identity
	// pool (OIDC, AWS, SAML): its issuer, attribute mapping and condition
	// decide which outside identities enter the pool.
	KindGCPWorkloadIdentityProvider NodeKind = "gcp.workload_identity_provider"

	// KindK8sCluster is a Kubernetes cluster scope.
	KindK8sCluster NodeKind = "k8s.cluster"
	// KindK8sServiceAccount is a Kubernetes service account.
	KindK8sServiceAccount NodeKind = "k8s.service_account"
	// KindK8sUser is a Kubernetes user name (from certificates, OIDC or aws-auth).
	KindK8sUser NodeKind = "k8s.user"
	// KindK8sGroup is a Kubernetes group name.
	KindK8sGroup NodeKind = "k8s.group"
	// KindK8sRole is a namespaced Role.
	KindK8sRole NodeKind = "k8s.role"
	// KindK8sClusterRole is a ClusterRole.
	KindK8sClusterRole NodeKind = "k8s.cluster_role"
	// KindK8sResource is any other Kubernetes object (secret, pod, node, …).
	KindK8sResource NodeKind = "k8s.resource"

	// KindWorkspaceCustomer is a Google Workspace customer scope.
	KindWorkspaceCustomer NodeKind = "workspace.customer"
	// KindWorkspaceUser is a Workspace user.
	KindWorkspaceUser NodeKind = "workspace.user"
	// KindWorkspaceOAuthApp is a third-party OAuth client holding user grants.
	KindWorkspaceOAuthApp NodeKind = "workspace.oauth_app"

	// KindGitHubRepo is a GitHub repository whose Actions workflows mint OIDC tokens.
	KindGitHubRepo NodeKind = "github.repo"
)

type kindInfo struct {
	provider Provider
	class    Class
	nonHuman bool
}

var kindTable = map[NodeKind]kindInfo{
	KindAWSAccount:            {ProviderAWS, ClassScope, false},
	KindAWSUser:               {ProviderAWS, ClassIdentity, false},
	KindAWSRole:               {ProviderAWS, ClassIdentity, true},
	KindAWSGroup:              {ProviderAWS, ClassGroup, false},
	KindAWSManagedPolicy:      {ProviderAWS, ClassPolicy, false},
	KindAWSInlinePolicy:       {ProviderAWS, ClassPolicy, false},
	KindAWSInstanceProfile:    {ProviderAWS, ClassOther, false},
	KindAWSResource:           {ProviderAWS, ClassResource, false},
	KindAWSExternalAccount:    {ProviderExternal, ClassIdentity, true},
	KindAWSServicePrincipal:   {ProviderAWS, ClassOther, true},
	KindAWSFederatedPrincipal: {ProviderExternal, ClassIdentity, true},
	KindAWSOrgUnit:            {ProviderAWS, ClassOther, false},
	KindAWSOrgPolicy:          {ProviderAWS, ClassPolicy, false},
	KindAWSPermissionSet:      {ProviderAWS, ClassGroup, false},

	KindGCPOrganization:   {ProviderGCP, ClassScope, false},
	KindGCPFolder:         {ProviderGCP, ClassScope, false},
	KindGCPProject:        {ProviderGCP, ClassScope, false},
	KindGCPServiceAccount: {ProviderGCP, ClassIdentity, true},
	KindGCPUser:           {ProviderGCP, ClassIdentity, false},
	KindGCPGroup:          {ProviderGCP, ClassGroup, false},
	KindGCPPrincipalSet:   {ProviderGCP, ClassIdentity, true},
	KindGCPRole:           {ProviderGCP, ClassPolicy, false},
	KindGCPResource:       {ProviderGCP, ClassResource, false},

	KindGCPPrincipal:                {ProviderGCP, ClassIdentity, true},
	KindGCPServiceAccountKey:        {ProviderGCP, ClassOther, false},
	KindGCPWorkloadIdentityPool:     {ProviderGCP, ClassOther, false},
	KindGCPWorkloadIdentityProvider: {ProviderGCP, ClassOther, false},

	KindK8sCluster:        {ProviderKubernetes, ClassScope, false},
	KindK8sServiceAccount: {ProviderKubernetes, ClassIdentity, true},
	KindK8sUser:           {ProviderKubernetes, ClassIdentity, false},
	KindK8sGroup:          {ProviderKubernetes, ClassGroup, false},
	KindK8sRole:           {ProviderKubernetes, ClassPolicy, false},
	KindK8sClusterRole:    {ProviderKubernetes, ClassPolicy, false},
	KindK8sResource:       {ProviderKubernetes, ClassResource, false},

	KindWorkspaceCustomer: {ProviderWorkspace, ClassScope, false},
	KindWorkspaceUser:     {ProviderWorkspace, ClassIdentity, false},
	KindWorkspaceOAuthApp: {ProviderWorkspace, ClassIdentity, true},

	KindGitHubRepo: {ProviderGitHub, ClassIdentity, true},
}

// Kinds returns every node kind the model knows, sorted.
func Kinds() []NodeKind {
	list := make([]NodeKind, 0, len(kindTable))
	for k := range kindTable {
		list = append(list, k)
	}
	sort.Slice(list, func(i, j int) bool { return list[i] < list[j] })
	return list
}

// Known reports whether k is one of the kinds above.
func (k NodeKind) Known() bool { _, ok := kindTable[k]; return ok }

// Class returns the class of k; unknown kinds are ClassOther.
func (k NodeKind) Class() Class {
	if info, ok := kindTable[k]; ok {
		return info.class
	}
	return ClassOther
}

// Transparent reports whether nodes of kind k only stand for what their
// members share: a member_of edge into one is no hop of its own, so the
// node's edges count as its members' edges (same distance, one hop).
func (k NodeKind) Transparent() bool { return k == KindAWSPermissionSet }

// Provider returns the provider that owns kind k.
func (k NodeKind) Provider() Provider { return kindTable[k].provider }

// NonHuman reports whether identities of kind k are machines by nature
// (roles, service accounts, apps). A node may still be marked non-human
// individually (an IAM user that only has access keys).
func (k NodeKind) NonHuman() bool { return kindTable[k].nonHuman }

// EdgeKind is the typed kind of an edge. Fact edges come from collectors;
// derived edges are produced by analysis and never stored by a collector.
type EdgeKind string

// Fact edge kinds, recorded by collectors.
const (
	// EdgeMemberOf links a user to a group it belongs to.
	EdgeMemberOf EdgeKind = "member_of"
	// EdgeAttachedPolicy links a principal or group to a managed policy attached to it.
	EdgeAttachedPolicy EdgeKind = "attached_policy"
	// EdgeInlinePolicy links a principal or group to one of its inline policies.
	EdgeInlinePolicy EdgeKind = "inline_policy"
	// EdgePermissionsBoundary links a principal to the policy that bounds it.
	EdgePermissionsBoundary EdgeKind = "permissions_boundary"
	// EdgeCarriesRole links a resource that runs with a role (instance profile,
	// function, project, …) to that role.
	EdgeCarriesRole EdgeKind = "carries_role"
	// EdgeContains links a scope to what is inside it (account → principal).
	EdgeContains EdgeKind = "contains"
	// EdgeChildOf links a node of a hierarchy to its parent (an account to
	// its organizational unit, a GCP project to its folder).
	EdgeChildOf EdgeKind = "child_of"
)

// Derived edge kinds, produced by analysis: the attack graph.
const (
	// EdgeCanBecome: the source can act as the target identity (assume it,
	// mint its credentials, run code as it, or gain a group's permissions).
	EdgeCanBecome EdgeKind = "can_become"
	// EdgeCanAccess: the source can read, write or administer the target resource.
	EdgeCanAccess EdgeKind = "can_access"
	// EdgeAdminOf: the source holds administrator-equivalent control of the target scope.
	EdgeAdminOf EdgeKind = "admin_of"
	// EdgeCanGrantAdmin: the source can give the target identity or group
	// administrator-equivalent permissions (attach, put or rewrite a policy).
	// It helps an attacker only if the attacker can also become the target.
	EdgeCanGrantAdmin EdgeKind = "can_grant_admin"
)

// Derived reports whether edges of kind k belong to the attack graph.
func (k EdgeKind) Derived() bool {
	switch k {
	case EdgeCanBecome, EdgeCanAccess, EdgeAdminOf, EdgeCanGrantAdmin:
		return true
	}
	return false
}

// Access is the level of access a CAN_ACCESS edge gives.
type Access string

// Access levels, weakest first.
const (
	AccessRead  Access = "read"
	AccessWrite Access = "write"
	AccessAdmin Access = "admin"
)

// Rank orders access levels: read 1, write 2, admin 3, anything else 0.
func (a Access) Rank() int {
	switch a {
	case AccessRead:
		return 1
	case AccessWrite:
		return 2
	case AccessAdmin:
		return 3
	}
	return 0
}
