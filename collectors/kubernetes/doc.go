// Package kubernetes collects the identity facts of one Kubernetes
// cluster: RBAC, service accounts, namespaces, nodes, pods and every
// pod-creating workload, Secrets' metadata, and kube-system/aws-auth.
// Offline and live collections share one converter (Convert) from an
// Inventory to a graphmodel.Fragment.
//
// # Offline
//
// NewOffline(paths, cluster) reads the output of
//
//	kubectl get namespaces,clusterroles,clusterrolebindings,roles,rolebindings,serviceaccounts,pods,deployments,daemonsets,statefulsets,replicasets,jobs,cronjobs,secrets,nodes,configmaps -A -o json
//
// (KubectlCommand): one JSON object of kind List. Several files may be
// given (exports by namespace, or by several people); they are merged,
// an object in more than one kept once. ReplicationControllers are read
// too, and an API list of one kind (kind PodList…) is accepted. The
// cluster name is the caller's (IDs are k8s:<cluster>:…); a List saved by
// a live collection names its own. Input that is not such a List (not
// JSON, truncated, another kind, an item of a kind not listed above, an
// item without name or, when namespaced, namespace, a field of the wrong
// type) is a *badinput.Error naming the file, the line and column, and
// the item ("items[3] (Pod dev/web)"). Namespaces, ClusterRoles,
// ClusterRoleBindings and service accounts exist in every cluster: a
// List without any of one is a gap ("list clusterroles").
//
// # Live
//
// NewLive(LiveOptions) reads the API server through client-go with the
// standard kubeconfig loading rules: LiveOptions.Kubeconfig
// (--kubeconfig), else the files of $KUBECONFIG, else ~/.kube/config, else
// the in-cluster service account; LiveOptions.Context (--context), else
// the current context. The cluster name is LiveOptions.ClusterName
// (--cluster-name), else the context's cluster, an EKS cluster ARN or
// eksctl name shortened to the EKS cluster name (ClusterNameOf) so that
// the AWS collector's IDs (pod identity associations) meet these. Every
// list is read in pages (Limit/Continue, LiveOptions.PageSize,
// collectors.Pages); an expired continue token restarts that list once,
// a repeated one ends it with a gap. Secrets are asked for
// as a server-side Table with their metadata, so their data never leaves
// the API server (a server that answers with a SecretList is decoded into
// a type without data). kube-system/aws-auth is read alone (no other
// ConfigMap is asked for). A list the server refuses (403, 404, 5xx) or
// answers with something unreadable becomes a gap and the rest goes on;
// rejected credentials (401), an unreachable server and cancellation are
// errors. The server's /version and /.well-known/openid-configuration
// give its version and service-account issuer (a gap when refused).
// LiveOptions.SaveFile writes what was read as a List (WriteList) that
// NewOffline replays, gaps and server facts included.
//
// # What is never kept
//
// Objects are decoded into the types of objects.go, which have no field
// for what is not kept: Secret data and stringData, the data of any
// ConfigMap but aws-auth's mapRoles, mapUsers and mapAccounts, every
// annotation but those of Annotations (kubectl's last-applied
// configuration copies a Secret's data), container images, commands,
// arguments and environment, managed fields. Nothing of them is stored,
// logged or exported.
//
// # Nodes
//
// Every node has Provider "kubernetes" and Scope k8s:cluster:<cluster>,
// but the cluster's own. Object IDs are graphmodel.K8sObject:
// k8s:<cluster>:<kind>:<namespace>:<name>, or k8s:<cluster>:<kind>:<name>
// for cluster-scoped kinds, <kind> the lower-case kind. Object nodes have
// the properties service ("kubernetes"), type (the lower-case kind),
// object_kind, namespace and created; their labels are their Tags (a
// node's only those naming its provider, node group, instance type,
// zone, role: see nodeLabelPrefixes). Property keys are the PropK8s*
// constants of graphmodel; documents the DocK8s* ones, JSON in the API's
// own shape.
//
//	cluster          k8s:cluster:<cluster>, k8s.cluster; platform ("eks", "gke",
//	                 "aks"), platform_evidence, cloud_provider, server_version,
//	                 server, eks_cluster_arn, oidc_issuer
//	namespace        k8s.namespace; psa_enforce, psa_enforce_version
//	service account  k8s:<c>:serviceaccount:<ns>:<name>, k8s.service_account,
//	                 Name <ns>/<name>, alias system:serviceaccount:<ns>:<name>;
//	                 automount_service_account_token, eks_role_arn,
//	                 eks_audience, gke_service_account, azure_client_id
//	node             k8s:<c>:node:<name>, k8s.node (an identity), alias
//	                 system:node:<name>; provider_id, cloud_provider, zone,
//	                 instance_id, kubelet_version, os_image
//	user             k8s:<c>:user:<name>, k8s.user: every user a binding or an
//	                 aws-auth mapping names (a User subject named
//	                 system:serviceaccount:<ns>:<n> or system:node:<n> is that
//	                 service account or node); builtin for system: names
//	group            k8s:<c>:group:<name>, k8s.group: every group a binding or
//	                 aws-auth names, and system:masters always (superuser);
//	                 builtin for system: names
//	Role             k8s.role; Documents rules
//	ClusterRole      k8s.cluster_role; Documents rules (as stored),
//	                 aggregationRule
//	RoleBinding      k8s.role_binding; role_kind, role_name; Documents
//	                 subjects, roleRef
//	ClusterRoleBinding  k8s.cluster_role_binding; the same
//	pod              k8s.pod; node_name, phase, owner, and the pod spec's facts
//	workload         k8s.workload (Deployment, DaemonSet, StatefulSet,
//	                 ReplicaSet, ReplicationController, Job, CronJob; its
//	                 object_kind says which); owner, and its pod template's facts
//	Secret           k8s.resource, object_kind Secret; resource_class secret,
//	                 secret_type, and for a
//	                 service-account token its service_account
//	aws-auth         k8s:<c>:configmap:kube-system:aws-auth, k8s.resource;
//	                 Documents mapRoles, mapUsers, mapAccounts (parsed from YAML
//	                 as the AWS IAM authenticator does; a key that cannot be
//	                 parsed is a gap)
//
// A pod spec's facts (pods, and workloads' pod templates): service_account
// ("default" when unnamed), automount_service_account_token, host_pid,
// host_network, host_ipc, privileged (any container, init and ephemeral
// ones included), host_paths and host_path_writable (hostPath volumes a
// container mounts, and whether a mount is not readOnly), runs_as_root
// (tri-state, see graphmodel.PropK8sRunsAsRoot), capabilities_add,
// token_audiences (the projected service-account tokens mounted; a
// template lacks the token volume admission adds to its pods), and
// Documents podSpec: the spec trimmed to those fields, per container its
// securityContext and volumeMounts.
//
// A service account, node or user named by a binding, pod or token Secret
// but not listed gets a node with referenced_only "true".
//
// # Edges
//
//	user|group|service account|node -subject_of-> binding
//	binding -binds_role-> Role or ClusterRole   (not for a reference that grants
//	                                             nothing: missing role, a Role from a
//	                                             ClusterRoleBinding)
//	pod|workload -carries_role-> service account
//	pod -runs_on-> node
//	pod|workload -child_of-> its controller, when collected
//	token Secret -holds_credential-> service account
//	service account|node|user -member_of-> system:authenticated,
//	  system:unauthenticated, system:serviceaccounts[:<ns>], system:nodes,
//	  for each of those groups that exists as a node
//
// A binding is a node rather than an edge so that its name and namespace
// stay the evidence of what it grants: subject → binding → role. Where it
// grants is its kind: a RoleBinding only in its namespace, whatever role
// it binds.
//
// # Reading RBAC back
//
// The snapshot holds what k8srbac needs to decide every request: a
// ClusterRole node gives k8srbac.ClusterRole{Name, Labels: Tags, Rules:
// Documents["rules"], AggregationRule: Documents["aggregationRule"]}; a
// Role node k8srbac.Role{Namespace: namespace, Name, Rules}; a binding
// node its Subjects and RoleRef from its documents (the test
// TestSnapshotHoldsRBAC does exactly this and compares decisions).
//
// # Platform facts
//
// What the platform enforces decides what a permission is worth. The
// cluster node's platform says "eks" from, first found: the kubeconfig's
// EKS cluster ARN, the server version (v1.30.4-eks-…), the API server's
// host (*.eks.amazonaws.com), a node label only EKS sets
// (eks.amazonaws.com/nodegroup, eks.amazonaws.com/compute-type), a
// kubelet version, a ClusterRole named eks:…; "gke" and "aks" likewise.
// (EKS issues no client certificates for kubernetes.io/kube-apiserver-client
// CSRs.) A namespace's psa_enforce is its Pod Security Admission level.
//
// # Gaps
//
// Besides refused lists: a binding to a role that does not exist, a
// ClusterRoleBinding to a Role, a subject that matches nobody, an
// aggregation selector the API server cannot compile, all from
// k8srbac.Policy.Issues (a binding to a role of a list that was not read
// is covered by that list's gap); an aws-auth key that cannot be parsed.
package kubernetes
