// Package k8slive holds the integration tests run against a real
// Kubernetes API server: the smoke test of scripts/kube-apiserver-local
// (a kube-apiserver over etcd, RBAC authorization), which the live
// Kubernetes collector's tests build on.
//
// The tests read the admin kubeconfig's path from BLASTRADIUS_KUBECONFIG,
// and the limited user's from BLASTRADIUS_KUBECONFIG_LIMITED ("make
// test-k8s" starts the server and sets both). Without them they are
// skipped, unless CI is set, where a missing server fails the run. They
// create objects in a namespace of their own and never read Secret data.
package k8slive
