// Package k8slive holds the integration tests run against a real
// Kubernetes API server (scripts/kube-apiserver-local: a kube-apiserver
// over etcd, RBAC authorization): the server's smoke test, and the live
// Kubernetes collector's tests. Those create a small cluster through
// client-go, collect it with the blastradius binary (built from
// cmd/blastradius on first use), paged, as a cluster admin and as a user
// that may list some kinds only, and check the snapshot, its gaps, and
// the attack paths analyze and paths find in it.
//
// The tests read the admin kubeconfig's path from BLASTRADIUS_KUBECONFIG,
// and the limited user's from BLASTRADIUS_KUBECONFIG_LIMITED ("make
// test-k8s" starts the server and sets both). Without them they are
// skipped, unless CI is set, where a missing server fails the run. They
// create objects in namespaces of their own (and cluster-scoped objects
// of generated names, deleted after), write kube-system/aws-auth, and
// never read Secret data.
package k8slive
