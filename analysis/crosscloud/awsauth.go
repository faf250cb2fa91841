package crosscloud

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// TechAWSAuth: an IAM principal mapped by kube-system/aws-auth enters the
// cluster as the user and groups of its mapping.
const TechAWSAuth = "eks-aws-auth"

// AWSAuth is the bridge of the kube-system/aws-auth ConfigMap.
type AWSAuth struct{}

// Name returns "aws-auth".
func (AWSAuth) Name() string { return "aws-auth" }

// Techniques returns the bridge's catalogue.
func (AWSAuth) Techniques() []graphmodel.Technique {
	return []graphmodel.Technique{{ID: TechAWSAuth, Name: "aws-auth mapping", Category: "federation", Attack: "T1078.004",
		Description: "an IAM role or user that kube-system/aws-auth maps (mapRoles, mapUsers, mapAccounts) authenticates to the EKS cluster as the Kubernetes user and groups of its mapping; group system:masters is cluster-admin, a node role's system:node:{{EC2PrivateDNSName}} is any node"}}
}

// mapping is one entry of mapRoles or mapUsers.
type mapping struct {
	RoleARN  string   `json:"rolearn"`
	UserARN  string   `json:"userarn"`
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
}

// Derive emits, for every mapping of a collected aws-auth whose principal
// the AWS side holds, an edge from the principal to each Kubernetes
// identity the mapping gives.
func (AWSAuth) Derive(_ context.Context, e *Estate) ([]graphmodel.Node, []graphmodel.Edge, error) {
	var edges []graphmodel.Edge
	for _, c := range e.Clusters {
		if c.AWSAuth == nil {
			continue
		}
		for _, key := range []string{graphmodel.DocK8sMapRoles, graphmodel.DocK8sMapUsers} {
			raw, ok := c.AWSAuth.Documents[key]
			if !ok {
				continue
			}
			var list []mapping
			if err := json.Unmarshal(raw, &list); err != nil {
				return nil, nil, fmt.Errorf("%s: document %s: %w", c.AWSAuth.ID, key, err)
			}
			for i, m := range list {
				arn := m.RoleARN
				if key == graphmodel.DocK8sMapUsers {
					arn = m.UserARN
				}
				what := fmt.Sprintf("%s[%d] maps %s to user %q, groups %v", key, i, arn, m.Username, m.Groups)
				ev := graphmodel.Evidence{Source: c.AWSAuth.ID, Statement: i, Note: what}
				for _, p := range e.principal(arn) {
					for _, to := range c.entered(m.Username, m.Groups) {
						edges = append(edges, canBecome(p.ID, to, TechAWSAuth, false, nil, ev))
					}
				}
			}
		}
		edges = append(edges, e.mappedAccounts(c)...)
	}
	return nil, edges, nil
}

// mappedAccounts handles mapAccounts: every IAM principal of a mapped
// account enters as the user named by its ARN, which bindings may name.
func (e *Estate) mappedAccounts(c *Cluster) []graphmodel.Edge {
	raw, ok := c.AWSAuth.Documents[graphmodel.DocK8sMapAccounts]
	if !ok {
		return nil
	}
	var accounts []string
	if json.Unmarshal(raw, &accounts) != nil {
		return nil
	}
	var out []graphmodel.Edge
	for i, account := range accounts {
		for _, n := range e.Snap.Nodes {
			if (n.Kind != graphmodel.KindAWSRole && n.Kind != graphmodel.KindAWSUser) || graphmodel.AWSAccountOfARN(n.ID) != account {
				continue
			}
			if id := graphmodel.K8sUser(c.Name, n.ID); c.Has(id) {
				out = append(out, canBecome(n.ID, id, TechAWSAuth, false, nil,
					graphmodel.Evidence{Source: c.AWSAuth.ID, Statement: i, Note: "mapAccounts maps every principal of " + account + " to the user named by its ARN"}))
			}
		}
	}
	return out
}

// entered returns the Kubernetes identities a principal authenticated as
// username with groups is: the user (a service account's or a node's
// user name is that identity; system:node:{{EC2PrivateDNSName}} is any
// node, another template no one user), each group, and
// system:authenticated, those the cluster has.
func (c *Cluster) entered(username string, groups []string) []string {
	var out []string
	switch {
	case username == k8srbac.NodeUsernamePrefix+"{{EC2PrivateDNSName}}":
		for _, n := range c.Nodes {
			if n.Tags["eks.amazonaws.com/compute-type"] != "fargate" {
				out = append(out, n.ID)
			}
		}
	case username != "" && !strings.Contains(username, "{{"):
		if id := c.subjectID(username); c.Has(id) {
			out = append(out, id)
		}
	}
	for _, g := range append(append([]string(nil), groups...), k8srbac.GroupAuthenticated) {
		if n := c.Group(g); n != nil {
			out = append(out, n.ID)
		}
	}
	return dedupe(out)
}
