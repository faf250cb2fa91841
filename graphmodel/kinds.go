package graphmodel

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

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
	// KindK8sResource is any other Kubernetes object (a secret's metadata,
	// the kube-system/aws-auth ConfigMap); its object_kind property says which.
	KindK8sResource NodeKind = "k8s.resource"
	// KindK8sNamespace is a namespace; its labels (Pod Security Admission
	// levels among them) are its tags. It holds objects but is no
	// administrative scope of its own: everything in a cluster is in the
	// cluster's scope.
	KindK8sNamespace NodeKind = "k8s.namespace"
	// KindK8sNode is a node, as the identity its kubelet authenticates as
	// (system:node:<name>): the Node authorizer lets it read what the pods
	// bound to it use and mint their service accounts' tokens.
	KindK8sNode NodeKind = "k8s.node"
	// KindK8sPod is a pod: it runs as a service account, on a node, with
	// the security settings of its spec.
	KindK8sPod NodeKind = "k8s.pod"
	// KindK8sWorkload is a pod-creating object (Deployment, DaemonSet,
	// StatefulSet, ReplicaSet, ReplicationController, Job, CronJob); its
	// pod template says what its pods run as.
	KindK8sWorkload NodeKind = "k8s.workload"
	// KindK8sRoleBinding is a RoleBinding: it grants a Role's or a
	// ClusterRole's rules to its subjects in its namespace.
	KindK8sRoleBinding NodeKind = "k8s.role_binding"
	// KindK8sClusterRoleBinding is a ClusterRoleBinding: it grants a
	// ClusterRole's rules to its subjects cluster-wide.
	KindK8sClusterRoleBinding NodeKind = "k8s.cluster_role_binding"

	// KindWorkspaceCustomer is a Google Workspace customer scope.
	KindWorkspaceCustomer NodeKind = "workspace.customer"
	// KindWorkspaceUser is a Workspace user.
	KindWorkspaceUser NodeKind = "workspace.user"
	// KindWorkspaceOAuthApp is a third-party OAuth client holding user grants.
	KindWorkspaceOAuthApp NodeKind = "workspace.oauth_app"

	// KindGitHubRepo is a GitHub repository whose Actions workflows mint OIDC tokens.
	KindGitHubRepo NodeKind = "github.repo"
)

// Target-set kinds, one per provider whose targets the analysis groups: a
// target set stands for identities or resources that many sources reach
// alike (see EdgeIncludes). The analysis derives them; no collector does.
const (
	KindAWSTargetSet       NodeKind = "aws.target_set"
	KindGCPTargetSet       NodeKind = "gcp.target_set"
	KindK8sTargetSet       NodeKind = "k8s.target_set"
	KindWorkspaceTargetSet NodeKind = "workspace.target_set"
)

// targetSetKinds maps each provider with a target-set kind to it.
var targetSetKinds = map[Provider]NodeKind{
	ProviderAWS:        KindAWSTargetSet,
	ProviderGCP:        KindGCPTargetSet,
	ProviderKubernetes: KindK8sTargetSet,
	ProviderWorkspace:  KindWorkspaceTargetSet,
}

// TargetSetKind returns the target-set kind of provider p, when it has one.
func TargetSetKind(p Provider) (NodeKind, bool) {
	k, ok := targetSetKinds[p]
	return k, ok
}

// IsTargetSet reports whether k is a target-set kind: its nodes stand for
// their members, which an includes edge out of one reaches at no hop of
// its own.
func (k NodeKind) IsTargetSet() bool { return targetSetKinds[k.Provider()] == k && k != "" }

// KindInfo says what a node kind is: the provider that owns it, the role its
// nodes play in the attack graph, and how the generic passes treat them.
type KindInfo struct {
	// Provider owns the kind.
	Provider Provider
	// Class is the role its nodes play (identity, group, scope, …).
	Class Class
	// NonHuman reports whether identities of the kind are machines by nature.
	NonHuman bool
	// Transparent marks a kind whose nodes only stand for what their members
	// share (an analysis artefact such as a permission set): a member_of edge
	// into one is no hop of its own, and exporters label it as derived. A
	// target set is transparent too: an includes edge out of one is no hop
	// of its own.
	Transparent bool
}

// KindSpec defines one node kind, for DefineKinds.
type KindSpec struct {
	Kind NodeKind
	KindInfo
}

// builtinKinds are the kinds of the providers this module ships.
var builtinKinds = map[NodeKind]KindInfo{
	KindAWSAccount:            {ProviderAWS, ClassScope, false, false},
	KindAWSUser:               {ProviderAWS, ClassIdentity, false, false},
	KindAWSRole:               {ProviderAWS, ClassIdentity, true, false},
	KindAWSGroup:              {ProviderAWS, ClassGroup, false, false},
	KindAWSManagedPolicy:      {ProviderAWS, ClassPolicy, false, false},
	KindAWSInlinePolicy:       {ProviderAWS, ClassPolicy, false, false},
	KindAWSInstanceProfile:    {ProviderAWS, ClassOther, false, false},
	KindAWSResource:           {ProviderAWS, ClassResource, false, false},
	KindAWSExternalAccount:    {ProviderExternal, ClassIdentity, true, false},
	KindAWSServicePrincipal:   {ProviderAWS, ClassOther, true, false},
	KindAWSFederatedPrincipal: {ProviderExternal, ClassIdentity, true, false},
	KindAWSOrgUnit:            {ProviderAWS, ClassOther, false, false},
	KindAWSOrgPolicy:          {ProviderAWS, ClassPolicy, false, false},

	KindGCPOrganization:             {ProviderGCP, ClassScope, false, false},
	KindGCPFolder:                   {ProviderGCP, ClassScope, false, false},
	KindGCPProject:                  {ProviderGCP, ClassScope, false, false},
	KindGCPServiceAccount:           {ProviderGCP, ClassIdentity, true, false},
	KindGCPUser:                     {ProviderGCP, ClassIdentity, false, false},
	KindGCPGroup:                    {ProviderGCP, ClassGroup, false, false},
	KindGCPPrincipalSet:             {ProviderGCP, ClassIdentity, true, false},
	KindGCPRole:                     {ProviderGCP, ClassPolicy, false, false},
	KindGCPResource:                 {ProviderGCP, ClassResource, false, false},
	KindGCPPrincipal:                {ProviderGCP, ClassIdentity, true, false},
	KindGCPServiceAccountKey:        {ProviderGCP, ClassOther, false, false},
	KindGCPWorkloadIdentityPool:     {ProviderGCP, ClassOther, false, false},
	KindGCPWorkloadIdentityProvider: {ProviderGCP, ClassOther, false, false},

	KindK8sCluster:            {ProviderKubernetes, ClassScope, false, false},
	KindK8sServiceAccount:     {ProviderKubernetes, ClassIdentity, true, false},
	KindK8sUser:               {ProviderKubernetes, ClassIdentity, false, false},
	KindK8sGroup:              {ProviderKubernetes, ClassGroup, false, false},
	KindK8sRole:               {ProviderKubernetes, ClassPolicy, false, false},
	KindK8sClusterRole:        {ProviderKubernetes, ClassPolicy, false, false},
	KindK8sResource:           {ProviderKubernetes, ClassResource, false, false},
	KindK8sNamespace:          {ProviderKubernetes, ClassOther, false, false},
	KindK8sNode:               {ProviderKubernetes, ClassIdentity, true, false},
	KindK8sPod:                {ProviderKubernetes, ClassResource, false, false},
	KindK8sWorkload:           {ProviderKubernetes, ClassResource, false, false},
	KindK8sRoleBinding:        {ProviderKubernetes, ClassPolicy, false, false},
	KindK8sClusterRoleBinding: {ProviderKubernetes, ClassPolicy, false, false},

	KindWorkspaceCustomer: {ProviderWorkspace, ClassScope, false, false},
	KindWorkspaceUser:     {ProviderWorkspace, ClassIdentity, false, false},
	KindWorkspaceOAuthApp: {ProviderWorkspace, ClassIdentity, true, false},

	KindGitHubRepo: {ProviderGitHub, ClassIdentity, true, false},

	KindAWSTargetSet:       {ProviderAWS, ClassOther, false, true},
	KindGCPTargetSet:       {ProviderGCP, ClassOther, false, true},
	KindK8sTargetSet:       {ProviderKubernetes, ClassOther, false, true},
	KindWorkspaceTargetSet: {ProviderWorkspace, ClassOther, false, true},
}

// kindTable is the built-in kinds plus those DefineKinds added. It is
// replaced, never changed, so that lookups need no lock.
var (
	kindTable   atomic.Pointer[map[NodeKind]KindInfo]
	kindTableMu sync.Mutex
)

// kinds returns the current kind table.
func kinds() map[NodeKind]KindInfo {
	if t := kindTable.Load(); t != nil {
		return *t
	}
	return builtinKinds
}

// DefineKinds adds node kinds a provider or an analysis defines outside this
// package (a derived node kind, a provider built elsewhere). Defining a kind
// again with the same information is allowed; with other information it is
// an error, and nothing is defined. The provider list calls it once at
// start; analysis.Prepare calls it for the kinds its derivers declare.
func DefineKinds(specs ...KindSpec) error {
	kindTableMu.Lock()
	defer kindTableMu.Unlock()
	cur := kinds()
	var next map[NodeKind]KindInfo
	for _, s := range specs {
		if s.Kind == "" || !strings.Contains(string(s.Kind), ".") {
			return fmt.Errorf("define kind %q: want <provider>.<kind>", s.Kind)
		}
		if old, ok := cur[s.Kind]; ok {
			if old != s.KindInfo {
				return fmt.Errorf("define kind %q: already defined as %+v", s.Kind, old)
			}
			continue
		}
		if next == nil {
			next = make(map[NodeKind]KindInfo, len(cur)+len(specs))
			for k, v := range cur {
				next[k] = v
			}
		}
		next[s.Kind] = s.KindInfo
	}
	if next != nil {
		kindTable.Store(&next)
	}
	return nil
}

// Kinds returns every node kind the model knows, sorted.
func Kinds() []NodeKind {
	t := kinds()
	list := make([]NodeKind, 0, len(t))
	for k := range t {
		list = append(list, k)
	}
	sort.Slice(list, func(i, j int) bool { return list[i] < list[j] })
	return list
}

// Info returns what the model knows of k, and whether it knows k.
func (k NodeKind) Info() (KindInfo, bool) {
	info, ok := kinds()[k]
	return info, ok
}

// Known reports whether k is a built-in or defined kind.
func (k NodeKind) Known() bool { _, ok := kinds()[k]; return ok }

// Class returns the class of k; unknown kinds are ClassOther.
func (k NodeKind) Class() Class {
	if info, ok := kinds()[k]; ok {
		return info.Class
	}
	return ClassOther
}

// Transparent reports whether nodes of kind k only stand for what their
// members share: a member_of edge into one is no hop of its own, so the
// node's edges count as its members' edges (same distance, one hop).
func (k NodeKind) Transparent() bool { return kinds()[k].Transparent }

// Provider returns the provider that owns kind k.
func (k NodeKind) Provider() Provider { return kinds()[k].Provider }

// NonHuman reports whether identities of kind k are machines by nature
// (roles, service accounts, apps). A node may still be marked non-human
// individually (an IAM user that only has access keys).
func (k NodeKind) NonHuman() bool { return kinds()[k].NonHuman }

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
	// its organizational unit, a GCP project to its folder, a pod to the
	// workload that controls it).
	EdgeChildOf EdgeKind = "child_of"
	// EdgeSubjectOf links an identity or group to a binding that names it
	// as a subject (a Kubernetes RoleBinding or ClusterRoleBinding).
	EdgeSubjectOf EdgeKind = "subject_of"
	// EdgeBindsRole links a binding to the role it grants.
	EdgeBindsRole EdgeKind = "binds_role"
	// EdgeRunsOn links a workload instance to the machine it runs on (a
	// Kubernetes pod to its node).
	EdgeRunsOn EdgeKind = "runs_on"
	// EdgeHoldsCredential links a resource that stores a credential of an
	// identity to that identity (a service-account token Secret to its
	// service account): reading the resource is becoming the identity.
	EdgeHoldsCredential EdgeKind = "holds_credential"
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
	// EdgeIncludes links a target set to one of its members: a source
	// with a can_become, can_access or can_grant_admin edge into the set
	// has that edge, with its evidence and access, to every member. It is
	// no hop of its own.
	EdgeIncludes EdgeKind = "includes"
)

// TargetPlaceholder stands, in the evidence of an edge into a target set,
// for the member the edge reaches: the evidence of the edge to member m is
// the set edge's with every TargetPlaceholder replaced by m's ID.
const TargetPlaceholder = "{target}"

// Derived reports whether edges of kind k belong to the attack graph.
func (k EdgeKind) Derived() bool {
	switch k {
	case EdgeCanBecome, EdgeCanAccess, EdgeAdminOf, EdgeCanGrantAdmin, EdgeIncludes:
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
