package kubernetes

import (
	"sort"

	"github.com/blastradius/blastradius/graphmodel"
)

// Technique IDs. Where rbac-police (lower case, its policy names) or
// KubeHound (upper case, its attack names) names the step, the ID is that
// name; the others are ours, in KubeHound's style.
const (
	// TechClusterAdmin: every verb on every resource cluster-wide, or
	// membership of system:masters (rbac-police cluster_admin).
	TechClusterAdmin = "cluster_admin"
	// TechAssignSA: create pods or pod-creating workloads in a namespace,
	// run as any of its service accounts (rbac-police assign_sa).
	TechAssignSA = "assign_sa"
	// TechPodCreate: create a privileged pod on any node (KubeHound POD_CREATE).
	TechPodCreate = "POD_CREATE"
	// TechTokenRequest: create serviceaccounts/token (rbac-police token_request).
	TechTokenRequest = "token_request"
	// TechIssueTokenSecrets: create a token Secret for a service account
	// and read it (rbac-police issue_token_secrets).
	TechIssueTokenSecrets = "issue_token_secrets"
	// TechTokenList: list or watch token Secrets (KubeHound TOKEN_LIST).
	TechTokenList = "TOKEN_LIST"
	// TechRetrieveTokenSecrets: get a token Secret named in the rule
	// (rbac-police retrieve_token_secrets).
	TechRetrieveTokenSecrets = "retrieve_token_secrets"
	// TechTokenBruteforce: get Secrets without their names (KubeHound
	// TOKEN_BRUTEFORCE): conditional on learning or guessing the name.
	TechTokenBruteforce = "TOKEN_BRUTEFORCE"
	// TechRetrieveSecrets: read Secrets (rbac-police retrieve_secrets).
	TechRetrieveSecrets = "retrieve_secrets"
	// TechRoleBind: create a binding to a role the subject may bind
	// (KubeHound ROLE_BIND, rbac-police bind_roles).
	TechRoleBind = "ROLE_BIND"
	// TechEscalate: add rules to a role the subject holds (rbac-police
	// escalate_roles).
	TechEscalate = "escalate_roles"
	// TechImpersonate: impersonate users, groups or service accounts
	// (KubeHound IDENTITY_IMPERSONATE, rbac-police impersonate).
	TechImpersonate = "IDENTITY_IMPERSONATE"
	// TechPodExec, TechPodAttach, TechPodPatch: take over a running pod
	// (KubeHound POD_EXEC, POD_ATTACH, POD_PATCH).
	TechPodExec   = "POD_EXEC"
	TechPodAttach = "POD_ATTACH"
	TechPodPatch  = "POD_PATCH"
	// TechEphemeral: add an ephemeral container to a running pod
	// (rbac-police pods_ephemeral_ctrs).
	TechEphemeral = "pods_ephemeral_ctrs"
	// TechNodesProxy: the kubelet API through nodes/proxy (rbac-police nodes_proxy).
	TechNodesProxy = "nodes_proxy"
	// TechApproveCSRs: create and approve a client certificate signing
	// request (rbac-police approve_csrs).
	TechApproveCSRs = "approve_csrs"
	// TechControlWebhooks: write admission webhook configurations
	// (rbac-police control_webhooks).
	TechControlWebhooks = "control_webhooks"
	// TechModifyAWSAuth: rewrite kube-system/aws-auth (rbac-police
	// eks_modify_aws_auth).
	TechModifyAWSAuth = "eks_modify_aws_auth"
	// TechTokenSteal: read the service-account tokens a pod or node holds
	// (KubeHound TOKEN_STEAL).
	TechTokenSteal = "TOKEN_STEAL"
	// TechSecretVolume: read a Secret a pod mounts.
	TechSecretVolume = "SECRET_VOLUME"
	// Escapes from a container onto its node (KubeHound CE_PRIV_MOUNT,
	// CE_NSENTER, EXPLOIT_HOST_WRITE, EXPLOIT_HOST_READ,
	// EXPLOIT_HOST_TRAVERSE, EXPLOIT_CONTAINERD_SOCK; ours for the host's
	// PID and network namespaces).
	TechPrivMount      = "CE_PRIV_MOUNT"
	TechNsenter        = "CE_NSENTER"
	TechHostWrite      = "EXPLOIT_HOST_WRITE"
	TechHostRead       = "EXPLOIT_HOST_READ"
	TechHostTraverse   = "EXPLOIT_HOST_TRAVERSE"
	TechContainerdSock = "EXPLOIT_CONTAINERD_SOCK"
	TechHostPID        = "EXPLOIT_HOST_PID"
	TechHostNetwork    = "EXPLOIT_HOST_NETWORK"
	// TechPermissionSet is the membership of a permission set: the
	// subjects allowed one capability alike in one namespace (or
	// everywhere), whose edges the set holds once.
	TechPermissionSet = "k8s-permission-set"
)

// techniques is the catalogue, in no particular order.
var techniques = []graphmodel.Technique{
	{ID: TechClusterAdmin, Name: "cluster-admin", Category: "administrator", Attack: "T1078.004",
		Description: "every verb on every resource of every API group cluster-wide, or membership of system:masters (allowed before RBAC is asked): administrator of the cluster"},
	{ID: TechAssignSA, Name: "create pods as any service account", Category: "pod-creation", Attack: "T1610",
		Description: "create pods, or create, update or patch a Deployment, DaemonSet, StatefulSet, ReplicaSet, ReplicationController, Job or CronJob, in a namespace: run as any of its service accounts, with tokens of any audience"},
	{ID: TechPodCreate, Name: "create a privileged pod", Category: "pod-creation", Attack: "T1611",
		Description: "where Pod Security Admission allows privileged, hostPath, hostPID or hostNetwork pods, a pod created with nodeName on a node escapes onto it"},
	{ID: TechTokenRequest, Name: "create serviceaccounts/token", Category: "credential", Attack: "T1528",
		Description: "request a token of a service account, of any audience (sts.amazonaws.com included)"},
	{ID: TechIssueTokenSecrets, Name: "create a token Secret", Category: "credential", Attack: "T1528",
		Description: "create a kubernetes.io/service-account-token Secret for any service account of the namespace, which the token controller fills, and read it"},
	{ID: TechTokenList, Name: "list token Secrets", Category: "credential", Attack: "T1528",
		Description: "list or watch Secrets: every service-account token Secret in scope, and the account it belongs to"},
	{ID: TechRetrieveTokenSecrets, Name: "get a token Secret", Category: "credential", Attack: "T1528",
		Description: "get a service-account token Secret the rule names"},
	{ID: TechTokenBruteforce, Name: "get token Secrets by name", Category: "credential", Attack: "T1528",
		Description: "get on Secrets without list or watch: a token Secret is read only by one who knows or guesses its name (conditional)"},
	{ID: TechRetrieveSecrets, Name: "read Secrets", Category: "resource-access", Attack: "T1552.007",
		Description: "get, list or watch Secrets: their values"},
	{ID: TechSecretVolume, Name: "Secret mounted in a pod", Category: "resource-access", Attack: "T1552.007",
		Description: "a Secret a pod of the service account mounts is readable by whoever runs as it"},
	{ID: TechRoleBind, Name: "create a binding to a role", Category: "rbac", Attack: "T1098",
		Description: "create a RoleBinding or ClusterRoleBinding with bind on the role (or holding all its rules): grant it to oneself"},
	{ID: TechEscalate, Name: "escalate a role", Category: "rbac", Attack: "T1098",
		Description: "escalate with update or patch on a role the subject is bound to: add any rule to it, in the scope of the binding"},
	{ID: TechImpersonate, Name: "impersonate", Category: "rbac", Attack: "T1078.004",
		Description: "impersonate a user, a group (with some user), or a service account: act as it; group system:masters is cluster-admin"},
	{ID: TechPodExec, Name: "exec into a pod", Category: "pod-takeover", Attack: "T1609",
		Description: "create pods/exec with get or list on pods: run code in a running pod, with its service account's token and, where it can escape, on its node"},
	{ID: TechPodAttach, Name: "attach to a pod", Category: "pod-takeover", Attack: "T1609",
		Description: "create pods/attach with get or list on pods: the console of a running pod's process"},
	{ID: TechPodPatch, Name: "patch a pod", Category: "pod-takeover", Attack: "T1609",
		Description: "update or patch pods: replace a running pod's container image, which then runs with its token and settings"},
	{ID: TechEphemeral, Name: "add an ephemeral container", Category: "pod-takeover", Attack: "T1609",
		Description: "update or patch pods/ephemeralcontainers: a new container in a running pod, mounting its token; privileged where Pod Security Admission allows"},
	{ID: TechNodesProxy, Name: "kubelet API through nodes/proxy", Category: "pod-takeover", Attack: "T1609",
		Description: "create or get nodes/proxy: the kubelet's exec into every pod of the node"},
	{ID: TechApproveCSRs, Name: "create and approve a CSR", Category: "credential", Attack: "T1649",
		Description: "create, read and approve a kubernetes.io/kube-apiserver-client certificate signing request: a client certificate for group system:masters (not on EKS, which signs none)"},
	{ID: TechControlWebhooks, Name: "write admission webhooks", Category: "rbac", Attack: "T1557",
		Description: "create, update or patch mutating admission webhook configurations: see and change every object admitted, bindings included (conditional: when one is next written)"},
	{ID: TechModifyAWSAuth, Name: "rewrite aws-auth", Category: "rbac", Attack: "T1098",
		Description: "update or patch kube-system/aws-auth on EKS: map an IAM principal the attacker holds (of any account) to system:masters"},
	{ID: TechTokenSteal, Name: "steal tokens", Category: "credential", Attack: "T1552",
		Description: "a node holds the tokens of its pods (files under /var/lib/kubelet/pods; the Node authorizer also lets its kubelet request them with the audiences the pods declare); a pod holds the token Secrets it mounts"},
	{ID: TechPrivMount, Name: "privileged container", Category: "escape", Attack: "T1611",
		Description: "a privileged container mounts the host's disk: root on the node"},
	{ID: TechNsenter, Name: "nsenter from a privileged container", Category: "escape", Attack: "T1611",
		Description: "a privileged container in the host's PID namespace enters the host's processes: root on the node"},
	{ID: TechHostWrite, Name: "writable sensitive hostPath", Category: "escape", Attack: "T1611",
		Description: "a container running as root writes system files, binaries, the kubelet's state or /var/log of the host: root on the node"},
	{ID: TechHostRead, Name: "hostPath of the node's credentials", Category: "escape", Attack: "T1611",
		Description: "a container running as root reads the kubelet's credentials, SSH keys or the host's processes: the node"},
	{ID: TechHostTraverse, Name: "hostPath of the pods' volumes", Category: "credential", Attack: "T1552",
		Description: "a container running as root that reads /var/lib/kubelet/pods (or a directory above it) reads every token of every pod on its node"},
	{ID: TechContainerdSock, Name: "container runtime socket", Category: "escape", Attack: "T1611",
		Description: "a container that reaches the container runtime's socket starts a privileged container: root on the node"},
	{ID: TechHostPID, Name: "host PID namespace", Category: "escape", Attack: "T1611",
		Description: "a container in the host's PID namespace sees and signals the node's processes and reads their environment: the node"},
	{ID: TechHostNetwork, Name: "host network namespace", Category: "escape", Attack: "T1552.005",
		Description: "a container on the host's network reaches the node's instance metadata (its cloud role, which is the node's identity on EKS) and its local services: the node"},
	{ID: TechPermissionSet, Name: "permission set membership", Category: "membership",
		Description: "a subject allowed one capability (create pods, exec, list secrets, …) in a namespace or everywhere holds what the set of such subjects reaches"},
}

// Techniques returns the catalogue of every technique the Kubernetes
// analysis derives (analysis.TechniqueCatalog), sorted by ID.
func (a *Analyzer) Techniques() []graphmodel.Technique { return Techniques() }

// Techniques returns the Kubernetes technique catalogue.
func Techniques() []graphmodel.Technique {
	out := make([]graphmodel.Technique, len(techniques))
	for i, t := range techniques {
		t.Provider = graphmodel.ProviderKubernetes
		out[i] = t
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
