package k8srbac

// PodWorkload is a resource whose objects make pods from a pod template
// of their own (Deployment, DaemonSet, …): who may write one runs pods
// of its choosing, as its template's service account.
type PodWorkload struct {
	// Kind is the object kind ("Deployment").
	Kind string
	// Group is the resource's API group ("" is the core group).
	Group string
	// Resource is the resource's plural name.
	Resource string
}

// PodWorkloads are the pod-creating resources of the built-in API.
var PodWorkloads = []PodWorkload{
	{Kind: "Deployment", Group: "apps", Resource: "deployments"},
	{Kind: "DaemonSet", Group: "apps", Resource: "daemonsets"},
	{Kind: "StatefulSet", Group: "apps", Resource: "statefulsets"},
	{Kind: "ReplicaSet", Group: "apps", Resource: "replicasets"},
	{Kind: "ReplicationController", Group: "", Resource: "replicationcontrollers"},
	{Kind: "Job", Group: "batch", Resource: "jobs"},
	{Kind: "CronJob", Group: "batch", Resource: "cronjobs"},
}

// PodCreatingRequests returns the requests, each enough alone, that make
// pods of the caller's choosing run in namespace: create pods, and
// create, update or patch any PodWorkload (its controller then creates
// the pods, as the template's service account). A pod's service account
// cannot change once it exists: update and patch on pods are not among
// them.
func PodCreatingRequests(namespace string) []Request {
	out := []Request{ResourceRequest("create", "", "pods", "", namespace, "")}
	for _, w := range PodWorkloads {
		for _, verb := range []string{"create", "update", "patch"} {
			out = append(out, ResourceRequest(verb, w.Group, w.Resource, "", namespace, ""))
		}
	}
	return out
}
