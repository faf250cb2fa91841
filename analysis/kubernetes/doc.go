// Package kubernetes is the Kubernetes analysis: it reads the clusters of
// a snapshot (collectors/kubernetes) and derives the attack-graph edges
// their RBAC, their pods and their platform allow, each rule a technique
// of the catalogue (catalogue.go) named after rbac-police or KubeHound
// where they name it.
//
// # What a permission is worth
//
// RBAC is evaluated exactly by k8srbac (resources with subresources,
// resourceNames, aggregated ClusterRoles, a RoleBinding granting only in
// its namespace). EKS access entries of an EKS cluster of the same name,
// in a merged AWS snapshot, are bindings too (k8srbac.EKSAccessBindings):
// the EKS authorizer allows their access policies before RBAC is asked.
//
// A service account is compromised when a workload running as it is
// taken over, or its credentials leak from one. So it reaches what its
// running pods hold: the token Secrets and Secrets they mount, and, where
// one of them can escape (a privileged container, a hostPath a root
// container writes or reads where credentials lie, the host's PID or
// network namespace, the container runtime's socket), its node and every
// token of every pod there; a read-only hostPath of /var/lib/kubelet/pods
// gives the tokens without the node; a container that certainly runs as
// another user than root gets nothing from a hostPath. A node is an
// identity: the tokens of the pods bound to it are on its disk, and the
// Node authorizer lets its kubelet request them; a pod that mounts no
// token of its account (automountServiceAccountToken false on the pod, or
// on its account and not overridden) gives none, to its node or to whoever
// takes the pod over.
//
// Running pods in a namespace (create pods, or create, update or patch a
// pod-creating workload) is running as any of its service accounts, with
// tokens of any audience; where Pod Security Admission's enforce level is
// neither baseline nor restricted (or unset), it is also every node but
// EKS Fargate ones, and so every token on them.
//
// # Subjects
//
// Every rule is asked about every subject: groups first (what any member
// holds, with the groups every member is in), then service accounts,
// nodes and users with every group their authenticator gives them. An
// edge a subject would share with a group it is a member_of is left to
// the group: a member reaches it through its membership. Role grants
// (KindRoleGrant) are subjects too: the rules of a role held in a
// namespace, or cluster-wide, which whoever can bind the role to itself
// (ROLE_BIND), or add rules to a role it holds (escalate_roles), obtains.
// A subject allowed every verb on every resource cluster-wide, or a
// member of system:masters, gets admin_of the cluster (k8s:cluster:<name>)
// and nothing else: everything in the cluster is inside that scope.
//
// # Permission sets
//
// A capability that reaches the same targets whoever holds it (run pods
// in a namespace, exec into its pods, list its Secrets, …, or the same
// everywhere) is recorded through a permission set (KindPermissionSet,
// k8s:<cluster>:permission-set:<capability>:<namespace or *>) when at
// least DefaultSetThreshold subjects share it: its members are member_of
// it (evidence: the rules that allow them), and the set holds the edges
// to the targets once, so that the edges grow with subjects plus targets
// rather than their product. A set is transparent: joining it is no hop.
// Below the threshold each subject holds the edges itself, its rules as
// the first evidence.
//
// # Evidence
//
// An edge's evidence names the role holding the rule (Source: its node
// ID, Statement: the rule's index in it), the binding that grants it
// ("RoleBinding dev/ci-edit → ClusterRole edit (aggregated from …)"), the
// rule, and what it allows; a fact of the cluster (a pod's setting, a
// namespace's Pod Security Admission level) names its node. An EKS access
// policy names its access entry.
package kubernetes
