package crosscloud

import (
	"context"

	"github.com/blastradius/blastradius/graphmodel"
)

// TechNodeRole: a node that is an EC2 instance holds the credentials of
// the role its instance profile carries.
const TechNodeRole = "eks-node-instance-role"

// NodeRoles is the bridge from Kubernetes nodes to their EC2 instances'
// roles.
type NodeRoles struct{}

// Name returns "node-roles".
func (NodeRoles) Name() string { return "node-roles" }

// Techniques returns the bridge's catalogue.
func (NodeRoles) Techniques() []graphmodel.Technique {
	return []graphmodel.Technique{{ID: TechNodeRole, Name: "node instance role", Category: "federation", Attack: "T1552.005",
		Description: "root on a node that is an EC2 instance (or a pod on its network) reads the credentials of the role its instance profile carries from the instance metadata service"}}
}

// Derive emits an edge from every node whose EC2 instance the AWS side
// holds to each role the instance carries.
func (NodeRoles) Derive(_ context.Context, e *Estate) ([]graphmodel.Node, []graphmodel.Edge, error) {
	var edges []graphmodel.Edge
	for _, c := range e.Clusters {
		for _, n := range c.Nodes {
			instance := e.instances[n.Prop(graphmodel.PropK8sInstanceID)]
			if instance == nil {
				continue
			}
			for _, f := range e.carries[instance.ID] {
				role, ok := e.Node(f.To)
				if !ok || role.Kind != graphmodel.KindAWSRole {
					continue
				}
				edges = append(edges, canBecome(n.ID, role.ID, TechNodeRole, false, nil,
					graphmodel.Evidence{Source: instance.ID, Statement: -1,
						Note: "node " + n.Name + " is EC2 instance " + instance.Name + ", whose instance profile carries " + role.ID + " (instance metadata)"}))
			}
		}
	}
	return nil, edges, nil
}
