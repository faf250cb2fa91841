package kubernetes

import (
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// The types below are the parts of Kubernetes objects the collector
// reads, in the API's JSON shape. Anything they have no field for is
// dropped as it is decoded and never stored: Secret data and stringData,
// ConfigMap data (but aws-auth's), annotations other than Annotations'
// fields (kubectl's last-applied-configuration copies a Secret's data),
// container images, commands, arguments and environment, managed fields.

// TypeMeta is an object's apiVersion and kind. Items of a kubectl List
// carry them; items of an API list of one kind do not, and get them from
// the list.
type TypeMeta struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
}

// Meta is the part of an object's metadata the collector keeps.
type Meta struct {
	Name              string            `json:"name"`
	Namespace         string            `json:"namespace,omitempty"`
	CreationTimestamp string            `json:"creationTimestamp,omitempty"`
	Labels            map[string]string `json:"labels,omitempty"`
	Annotations       Annotations       `json:"annotations,omitzero"`
	OwnerReferences   []OwnerReference  `json:"ownerReferences,omitempty"`
}

// Annotations are the annotations that matter to identity; every other
// annotation is dropped on read (the decoder has no field for it).
type Annotations struct {
	// ServiceAccountName names the service account of a token Secret.
	ServiceAccountName string `json:"kubernetes.io/service-account.name,omitempty"`
	// EKSRoleARN is the IAM role a service account assumes through IRSA.
	EKSRoleARN string `json:"eks.amazonaws.com/role-arn,omitempty"`
	// EKSAudience is the audience of the IRSA token (default sts.amazonaws.com).
	EKSAudience string `json:"eks.amazonaws.com/audience,omitempty"`
	// GKEServiceAccount is the GCP service account of GKE Workload Identity.
	GKEServiceAccount string `json:"iam.gke.io/gcp-service-account,omitempty"`
	// AzureClientID is the Entra application of Azure Workload Identity.
	AzureClientID string `json:"azure.workload.identity/client-id,omitempty"`
}

// OwnerReference names an object's owner.
type OwnerReference struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Controller *bool  `json:"controller,omitempty"`
}

// Namespace is a namespace; its labels carry the Pod Security Admission levels.
type Namespace struct {
	TypeMeta
	Metadata Meta `json:"metadata"`
}

// ServiceAccount is a service account.
type ServiceAccount struct {
	TypeMeta
	Metadata                     Meta  `json:"metadata"`
	AutomountServiceAccountToken *bool `json:"automountServiceAccountToken,omitempty"`
}

// Secret is a Secret's metadata and type: it has no field for data or
// stringData, so their values are never decoded.
type Secret struct {
	TypeMeta
	Metadata Meta   `json:"metadata"`
	Type     string `json:"type,omitempty"`
}

// ConfigMap is the kube-system/aws-auth ConfigMap; other ConfigMaps are
// not decoded beyond their name.
type ConfigMap struct {
	TypeMeta
	Metadata Meta        `json:"metadata"`
	Data     AWSAuthData `json:"data"`
}

// AWSAuthData is the data of aws-auth the collector reads; other keys
// are dropped on read. Each is YAML, nil when absent.
type AWSAuthData struct {
	MapRoles    *string `json:"mapRoles,omitempty"`
	MapUsers    *string `json:"mapUsers,omitempty"`
	MapAccounts *string `json:"mapAccounts,omitempty"`
}

// Node is a node.
type Node struct {
	TypeMeta
	Metadata Meta       `json:"metadata"`
	Spec     NodeSpec   `json:"spec"`
	Status   NodeStatus `json:"status"`
}

// NodeSpec is the part of a node's spec the collector keeps.
type NodeSpec struct {
	ProviderID string `json:"providerID,omitempty"`
}

// NodeStatus is the part of a node's status the collector keeps.
type NodeStatus struct {
	NodeInfo NodeInfo `json:"nodeInfo"`
}

// NodeInfo is the kubelet's report of its version and OS image.
type NodeInfo struct {
	KubeletVersion string `json:"kubeletVersion,omitempty"`
	OSImage        string `json:"osImage,omitempty"`
}

// Pod is a pod.
type Pod struct {
	TypeMeta
	Metadata Meta      `json:"metadata"`
	Spec     PodSpec   `json:"spec"`
	Status   PodStatus `json:"status"`
}

// PodStatus is the part of a pod's status the collector keeps.
type PodStatus struct {
	Phase string `json:"phase,omitempty"`
}

// Workload is a pod-creating object: Deployment, DaemonSet, StatefulSet,
// ReplicaSet, ReplicationController and Job hold their pod template in
// spec.template, CronJob in spec.jobTemplate.spec.template.
type Workload struct {
	TypeMeta
	Metadata Meta         `json:"metadata"`
	Spec     WorkloadSpec `json:"spec"`
}

// WorkloadSpec holds a workload's pod template.
type WorkloadSpec struct {
	Template    *PodTemplate `json:"template,omitempty"`
	JobTemplate *JobTemplate `json:"jobTemplate,omitempty"`
}

// PodTemplate is a pod template.
type PodTemplate struct {
	Spec PodSpec `json:"spec"`
}

// JobTemplate is a CronJob's job template.
type JobTemplate struct {
	Spec struct {
		Template PodTemplate `json:"template"`
	} `json:"spec"`
}

// PodTemplate returns the workload's pod template spec, nil when it has none.
func (w *Workload) PodTemplate() *PodSpec {
	switch {
	case w.Spec.Template != nil:
		return &w.Spec.Template.Spec
	case w.Spec.JobTemplate != nil:
		return &w.Spec.JobTemplate.Spec.Template.Spec
	}
	return nil
}

// PodSpec is the security-relevant part of a pod spec.
type PodSpec struct {
	ServiceAccountName string `json:"serviceAccountName,omitempty"`
	// DeprecatedServiceAccount is the old spelling of ServiceAccountName.
	DeprecatedServiceAccount     string              `json:"serviceAccount,omitempty"`
	AutomountServiceAccountToken *bool               `json:"automountServiceAccountToken,omitempty"`
	NodeName                     string              `json:"nodeName,omitempty"`
	HostPID                      bool                `json:"hostPID,omitempty"`
	HostNetwork                  bool                `json:"hostNetwork,omitempty"`
	HostIPC                      bool                `json:"hostIPC,omitempty"`
	SecurityContext              *PodSecurityContext `json:"securityContext,omitempty"`
	InitContainers               []Container         `json:"initContainers,omitempty"`
	Containers                   []Container         `json:"containers,omitempty"`
	EphemeralContainers          []Container         `json:"ephemeralContainers,omitempty"`
	Volumes                      []Volume            `json:"volumes,omitempty"`
}

// PodSecurityContext is the part of a pod's securityContext that says
// which user its containers run as.
type PodSecurityContext struct {
	RunAsUser    *int64 `json:"runAsUser,omitempty"`
	RunAsGroup   *int64 `json:"runAsGroup,omitempty"`
	RunAsNonRoot *bool  `json:"runAsNonRoot,omitempty"`
}

// Container is a container's name, securityContext and mounts.
type Container struct {
	Name            string           `json:"name"`
	SecurityContext *SecurityContext `json:"securityContext,omitempty"`
	VolumeMounts    []VolumeMount    `json:"volumeMounts,omitempty"`
}

// SecurityContext is the part of a container's securityContext that
// bears on escaping it.
type SecurityContext struct {
	Privileged               *bool         `json:"privileged,omitempty"`
	RunAsUser                *int64        `json:"runAsUser,omitempty"`
	RunAsNonRoot             *bool         `json:"runAsNonRoot,omitempty"`
	AllowPrivilegeEscalation *bool         `json:"allowPrivilegeEscalation,omitempty"`
	Capabilities             *Capabilities `json:"capabilities,omitempty"`
}

// Capabilities are the Linux capabilities a container adds.
type Capabilities struct {
	Add []string `json:"add,omitempty"`
}

// VolumeMount is a container's mount of a volume.
type VolumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly,omitempty"`
}

// Volume is a pod volume; only hostPath, projected service-account token
// and secret volumes are described, others keep their name alone.
type Volume struct {
	Name      string                 `json:"name"`
	HostPath  *HostPathVolumeSource  `json:"hostPath,omitempty"`
	Projected *ProjectedVolumeSource `json:"projected,omitempty"`
	Secret    *SecretVolumeSource    `json:"secret,omitempty"`
}

// HostPathVolumeSource is a directory or file of the node.
type HostPathVolumeSource struct {
	Path string  `json:"path"`
	Type *string `json:"type,omitempty"`
}

// ProjectedVolumeSource is a projected volume; only its service-account
// token sources are described.
type ProjectedVolumeSource struct {
	Sources []VolumeProjection `json:"sources"`
}

// VolumeProjection is one source of a projected volume.
type VolumeProjection struct {
	ServiceAccountToken *ServiceAccountTokenProjection `json:"serviceAccountToken,omitempty"`
}

// ServiceAccountTokenProjection is a token of the pod's service account
// for an audience ("" is the API server's own).
type ServiceAccountTokenProjection struct {
	Audience          string `json:"audience,omitempty"`
	ExpirationSeconds *int64 `json:"expirationSeconds,omitempty"`
	Path              string `json:"path"`
}

// SecretVolumeSource mounts a Secret (by name, never its content).
type SecretVolumeSource struct {
	SecretName string `json:"secretName,omitempty"`
}

// ClusterRole is a ClusterRole.
type ClusterRole struct {
	TypeMeta
	Metadata        Meta                     `json:"metadata"`
	Rules           []k8srbac.PolicyRule     `json:"rules"`
	AggregationRule *k8srbac.AggregationRule `json:"aggregationRule,omitempty"`
}

// Role is a Role.
type Role struct {
	TypeMeta
	Metadata Meta                 `json:"metadata"`
	Rules    []k8srbac.PolicyRule `json:"rules"`
}

// ClusterRoleBinding is a ClusterRoleBinding.
type ClusterRoleBinding struct {
	TypeMeta
	Metadata Meta              `json:"metadata"`
	Subjects []k8srbac.Subject `json:"subjects,omitempty"`
	RoleRef  k8srbac.RoleRef   `json:"roleRef"`
}

// RoleBinding is a RoleBinding.
type RoleBinding struct {
	TypeMeta
	Metadata Meta              `json:"metadata"`
	Subjects []k8srbac.Subject `json:"subjects,omitempty"`
	RoleRef  k8srbac.RoleRef   `json:"roleRef"`
}

// ServerFacts are what a live collection learns from the API server
// itself; an offline List holds them only when a live collection saved it.
type ServerFacts struct {
	// Server is the API server URL.
	Server string `json:"server,omitempty"`
	// GitVersion is the server's version ("v1.30.4-eks-a737599").
	GitVersion string `json:"gitVersion,omitempty"`
	// Issuer is the service-account token issuer from
	// /.well-known/openid-configuration.
	Issuer string `json:"issuer,omitempty"`
	// EKSClusterARN is the EKS cluster's ARN when the kubeconfig names it.
	EKSClusterARN string `json:"eksClusterArn,omitempty"`
}

// Inventory is everything collected from one cluster, live or offline;
// Convert turns it into a fragment.
type Inventory struct {
	Namespaces          []Namespace
	ServiceAccounts     []ServiceAccount
	Secrets             []Secret
	ConfigMaps          []ConfigMap
	Nodes               []Node
	Pods                []Pod
	Workloads           []Workload
	ClusterRoles        []ClusterRole
	Roles               []Role
	ClusterRoleBindings []ClusterRoleBinding
	RoleBindings        []RoleBinding
	Facts               ServerFacts
	// Gaps are what the collection could not see.
	Gaps []graphmodel.Gap
	// Unlisted names the kinds whose list was not read (forbidden, or
	// absent from an offline file): a binding to a role of such a kind is
	// no gap of its own, the list's gap covers it.
	Unlisted map[string]bool
}
