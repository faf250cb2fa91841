package crosscloud

import (
	"context"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// TechAccessEntry: an IAM principal with an EKS access entry enters the
// cluster as the entry's user and groups.
const TechAccessEntry = "eks-access-entry"

// AccessEntries is the bridge of EKS access entries.
type AccessEntries struct{}

// Name returns "access-entries".
func (AccessEntries) Name() string { return "access-entries" }

// Techniques returns the bridge's catalogue.
func (AccessEntries) Techniques() []graphmodel.Technique {
	return []graphmodel.Technique{{ID: TechAccessEntry, Name: "EKS access entry", Category: "federation", Attack: "T1078.004",
		Description: "an IAM principal with an EKS access entry authenticates to the cluster as the entry's Kubernetes user and groups; the entry's access policies are that user's (AmazonEKSClusterAdminPolicy cluster-admin, a namespace-scoped policy only in its namespaces)"}}
}

// Derive emits, for every access entry of a collected cluster whose
// principal the AWS side holds, an edge from the principal to the
// entry's user (the Kubernetes analysis makes its node and evaluates its
// access policies) and to each of its groups the cluster has.
func (AccessEntries) Derive(_ context.Context, e *Estate) ([]graphmodel.Node, []graphmodel.Edge, error) {
	var edges []graphmodel.Edge
	for _, c := range e.Clusters {
		for _, a := range c.accessEntries {
			principal := a.Prop(graphmodel.PropAWSPrincipalARN)
			p, ok := e.Node(principal)
			if !ok || (p.Kind != graphmodel.KindAWSRole && p.Kind != graphmodel.KindAWSUser) {
				continue
			}
			username := accessEntryUsername(a)
			var groups []string
			if g := a.Prop(graphmodel.PropAWSKubernetesGroups); g != "" {
				groups = strings.Split(g, ",")
			}
			note := "access entry: " + principal + " enters as user " + username
			if len(groups) > 0 {
				note += ", groups " + strings.Join(groups, ", ")
			}
			if pol := a.Prop(graphmodel.PropAWSAccessPolicies); pol != "" {
				note += "; access policies " + pol
			}
			ev := graphmodel.Evidence{Source: a.ID, Statement: -1, Note: note}
			targets := c.entered(username, groups)
			_, _, isSA := k8srbac.ParseServiceAccountUsername(username)
			if !strings.HasPrefix(username, k8srbac.NodeUsernamePrefix) && !isSA {
				// The user of an access entry has a node of the Kubernetes
				// analysis when no binding names it.
				targets = append(targets, graphmodel.K8sUser(c.Name, username))
			}
			for _, to := range dedupe(targets) {
				edges = append(edges, canBecome(p.ID, to, TechAccessEntry, false, nil, ev))
			}
		}
	}
	return nil, edges, nil
}
