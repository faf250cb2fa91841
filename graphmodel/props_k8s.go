package graphmodel

// Property and document keys of Kubernetes nodes (collectors/kubernetes
// sets them, analysis/kubernetes reads them). Properties are strings; a
// boolean property is "true" or "false" and absent when the source does
// not say; lists are sorted and space-separated.
const (
	// PropK8sService is "kubernetes" on every object node, so that a
	// sensitivity model rates "kubernetes/<type>".
	PropK8sService = "service"
	// PropK8sType is the object's lower-case kind ("secret", "pod",
	// "deployment", "node", "clusterrolebinding").
	PropK8sType = "type"
	// PropK8sObjectKind is the object's API kind ("Secret", "ConfigMap",
	// "Deployment").
	PropK8sObjectKind = "object_kind"
	// PropK8sNamespace is a namespaced object's namespace.
	PropK8sNamespace = "namespace"
	// PropK8sCreated is the object's creationTimestamp (RFC 3339).
	PropK8sCreated = "created"
	// PropK8sReferencedOnly is "true" on a service account or node that
	// the collection did not list but something names (a binding
	// subject, a pod, a token secret).
	PropK8sReferencedOnly = "referenced_only"

	// PropK8sPlatform is on the cluster node: "eks", "gke" or "aks" when
	// the collection shows the managed platform, absent when it does not.
	PropK8sPlatform = "platform"
	// PropK8sPlatformEvidence says what showed the platform ("server
	// version v1.30.4-eks-a737599", "node label eks.amazonaws.com/nodegroup").
	PropK8sPlatformEvidence = "platform_evidence"
	// PropK8sCloudProvider is the scheme of the nodes' spec.providerID
	// ("aws", "gce", "azure"), on the cluster node and each node.
	PropK8sCloudProvider = "cloud_provider"
	// PropK8sServerVersion is the API server's gitVersion (live only).
	PropK8sServerVersion = "server_version"
	// PropK8sServer is the API server URL the live collection used.
	PropK8sServer = "server"
	// PropK8sEKSClusterARN is the EKS cluster's ARN, when the kubeconfig
	// names it.
	PropK8sEKSClusterARN = "eks_cluster_arn"
	// PropK8sOIDCIssuer is the service-account token issuer the API server
	// publishes (/.well-known/openid-configuration, live only).
	PropK8sOIDCIssuer = "oidc_issuer"

	// PropK8sPSAEnforce is a namespace's Pod Security Admission enforce
	// level ("privileged", "baseline", "restricted"), from its label
	// pod-security.kubernetes.io/enforce; absent means the cluster's
	// default (privileged unless the admission configuration says
	// otherwise).
	PropK8sPSAEnforce = "psa_enforce"
	// PropK8sPSAEnforceVersion is the label
	// pod-security.kubernetes.io/enforce-version.
	PropK8sPSAEnforceVersion = "psa_enforce_version"

	// PropK8sAutomountToken is automountServiceAccountToken of a service
	// account or a pod spec; absent means unset (the token is mounted
	// unless the other says false; the pod's setting wins).
	PropK8sAutomountToken = "automount_service_account_token"
	// PropK8sEKSRoleARN is a service account's eks.amazonaws.com/role-arn
	// annotation (IRSA).
	PropK8sEKSRoleARN = "eks_role_arn"
	// PropK8sEKSAudience is a service account's eks.amazonaws.com/audience
	// annotation: the audience of the IRSA token (sts.amazonaws.com when absent).
	PropK8sEKSAudience = "eks_audience"
	// PropK8sGKEServiceAccount is a service account's
	// iam.gke.io/gcp-service-account annotation (GKE Workload Identity).
	PropK8sGKEServiceAccount = "gke_service_account"
	// PropK8sAzureClientID is a service account's
	// azure.workload.identity/client-id annotation.
	PropK8sAzureClientID = "azure_client_id"

	// PropK8sServiceAccount is the service account (name, in the object's
	// namespace) a pod or pod template runs as ("default" when the spec
	// names none), or the one a token Secret belongs to.
	PropK8sServiceAccount = "service_account"
	// PropK8sNodeName is the node a pod is bound to (spec.nodeName).
	PropK8sNodeName = "node_name"
	// PropK8sPhase is a pod's status.phase.
	PropK8sPhase = "phase"
	// PropK8sOwner is "<Kind>/<name>" of the controller that owns a pod or
	// workload (its controller ownerReference).
	PropK8sOwner = "owner"
	// PropK8sHostPID, PropK8sHostNetwork and PropK8sHostIPC are "true"
	// when the pod spec shares the host's PID, network or IPC namespace.
	PropK8sHostPID     = "host_pid"
	PropK8sHostNetwork = "host_network"
	PropK8sHostIPC     = "host_ipc"
	// PropK8sPrivileged is "true" when a container (init and ephemeral
	// ones included) is privileged.
	PropK8sPrivileged = "privileged"
	// PropK8sHostPaths lists the host paths of the hostPath volumes some
	// container mounts.
	PropK8sHostPaths = "host_paths"
	// PropK8sHostPathWritable is "true" when a container mounts a hostPath
	// volume without readOnly, "false" when every hostPath mount is
	// read-only; absent without hostPath mounts.
	PropK8sHostPathWritable = "host_path_writable"
	// PropK8sRunsAsRoot is "true" when a container runs as user 0 by its
	// or the pod's securityContext, "false" when every container must run
	// as non-root (runAsNonRoot, or a non-zero runAsUser); absent when the
	// image decides.
	PropK8sRunsAsRoot = "runs_as_root"
	// PropK8sCapabilitiesAdd lists the Linux capabilities containers add.
	PropK8sCapabilitiesAdd = "capabilities_add"
	// PropK8sTokenAudiences lists the audiences of the projected
	// service-account tokens some container mounts, "" (the API server's
	// own audience) written as PropK8sAPIAudience. A pod template does not
	// hold the token volume admission adds to its pods.
	PropK8sTokenAudiences = "token_audiences"

	// PropK8sProviderID is a node's spec.providerID.
	PropK8sProviderID = "provider_id"
	// PropK8sInstanceID is the cloud instance of a node (the EC2 instance
	// id of an aws:///<zone>/<id> provider ID).
	PropK8sInstanceID = "instance_id"
	// PropK8sZone is the zone of a node's provider ID.
	PropK8sZone = "zone"
	// PropK8sKubeletVersion and PropK8sOSImage are a node's
	// status.nodeInfo kubeletVersion and osImage.
	PropK8sKubeletVersion = "kubelet_version"
	PropK8sOSImage        = "os_image"

	// PropK8sSecretType is a Secret's type ("Opaque",
	// "kubernetes.io/service-account-token", …).
	PropK8sSecretType = "secret_type"

	// PropK8sRoleKind and PropK8sRoleName are a binding's roleRef kind
	// (Role or ClusterRole) and name.
	PropK8sRoleKind = "role_kind"
	PropK8sRoleName = "role_name"

	// PropK8sBuiltin is "true" on a user or group the API server defines
	// (system:masters, system:authenticated, system:serviceaccounts…).
	PropK8sBuiltin = "builtin"
	// PropK8sSuperuser is "true" on the group system:masters, which the API
	// server allows everything before RBAC is asked.
	PropK8sSuperuser = "superuser"
)

// PropK8sAPIAudience stands, in PropK8sTokenAudiences, for a projected
// token without audience: one the API server itself accepts.
const PropK8sAPIAudience = "<api-server>"

// Document keys of Kubernetes nodes: JSON in the API's own shape, so that
// k8srbac (or the API's Go types) decode them as they are.
const (
	// DocK8sRules is a Role's or ClusterRole's rules: a JSON array of
	// PolicyRule objects, as stored (a ClusterRole's aggregated rules are
	// resolved from its aggregation rule, see k8srbac).
	DocK8sRules = "rules"
	// DocK8sAggregationRule is a ClusterRole's aggregationRule object.
	DocK8sAggregationRule = "aggregationRule"
	// DocK8sSubjects is a binding's subjects array.
	DocK8sSubjects = "subjects"
	// DocK8sRoleRef is a binding's roleRef object.
	DocK8sRoleRef = "roleRef"
	// DocK8sPodSpec is the security-relevant part of a pod's or pod
	// template's spec, as a PodSpec object: service account and
	// automount, nodeName, host namespaces, security contexts, and per
	// container its securityContext and volumeMounts; volumes of kinds
	// hostPath, projected (service-account tokens), secret. Images,
	// commands, arguments and environment are never kept.
	DocK8sPodSpec = "podSpec"
	// DocK8sMapRoles, DocK8sMapUsers and DocK8sMapAccounts are the aws-auth
	// ConfigMap's entries, parsed from YAML into JSON arrays: mapRoles
	// [{"rolearn", "username", "groups"}], mapUsers [{"userarn",
	// "username", "groups"}], mapAccounts ["<account id>"].
	DocK8sMapRoles    = "mapRoles"
	DocK8sMapUsers    = "mapUsers"
	DocK8sMapAccounts = "mapAccounts"
)
