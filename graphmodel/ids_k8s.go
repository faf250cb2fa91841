package graphmodel

// Kubernetes identifiers (see the identifiers table of ARCHITECTURE.md).
// Every ID of a cluster's object starts with k8s:<cluster>:; the cluster's
// own scope is k8s:cluster:<name> (K8sClusterScope).

// K8sUser returns the ID of a Kubernetes user name: k8s:<cluster>:user:<name>.
func K8sUser(cluster, name string) string { return "k8s:" + cluster + ":user:" + name }

// K8sGroup returns the ID of a Kubernetes group name: k8s:<cluster>:group:<name>.
func K8sGroup(cluster, name string) string { return "k8s:" + cluster + ":group:" + name }

// K8sNode returns the ID of a node as an identity, k8s:<cluster>:node:<name>,
// and its native user name system:node:<name>.
func K8sNode(cluster, name string) (id, alias string) {
	return K8sObject(cluster, "node", "", name), "system:node:" + name
}

// K8sObject returns the ID of any other Kubernetes object:
// k8s:<cluster>:<kind>:<namespace>:<name>, or k8s:<cluster>:<kind>:<name>
// for a cluster-scoped object (namespace ""). kind is the lower-case
// singular kind ("pod", "deployment", "clusterrole", "rolebinding").
// K8sObject(c, "serviceaccount", ns, n) is K8sServiceAccount's ID.
func K8sObject(cluster, kind, namespace, name string) string {
	if namespace == "" {
		return "k8s:" + cluster + ":" + kind + ":" + name
	}
	return "k8s:" + cluster + ":" + kind + ":" + namespace + ":" + name
}
