// Package kubernetes collects the identity facts of one Kubernetes
// cluster, offline from a kubectl List or live through client-go.
package kubernetes
