package crosscloud

import (
	"context"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// TechPodIdentity: the service account of an EKS Pod Identity
// association becomes its role.
const TechPodIdentity = "eks-pod-identity"

// PodIdentity is the bridge of EKS Pod Identity associations.
type PodIdentity struct{}

// Name returns "pod-identity".
func (PodIdentity) Name() string { return "pod-identity" }

// Techniques returns the bridge's catalogue.
func (PodIdentity) Techniques() []graphmodel.Technique {
	return []graphmodel.Technique{{ID: TechPodIdentity, Name: "EKS Pod Identity", Category: "federation", Attack: "T1078.004",
		Description: "the pods of a Kubernetes service account with an EKS Pod Identity association receive its role's credentials (its target role's, when it has one), when the role's trust admits pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession"}}
}

// Derive emits an edge from the service account of every association of
// a collected cluster to the role its pods receive.
func (PodIdentity) Derive(_ context.Context, e *Estate) ([]graphmodel.Node, []graphmodel.Edge, error) {
	var edges []graphmodel.Edge
	for _, c := range e.Clusters {
		for _, a := range e.podIdentities {
			if !c.owns(a) {
				continue
			}
			ns, name := a.Prop(graphmodel.PropAWSNamespace), a.Prop(graphmodel.PropAWSServiceAccount)
			sa, _ := graphmodel.K8sServiceAccount(c.Name, ns, name)
			roleARN := a.Prop(graphmodel.PropAWSRoleARN)
			role, ok := e.Node(roleARN)
			if !c.Has(sa) || !ok || role.Kind != graphmodel.KindAWSRole {
				continue
			}
			trust := e.Trust(role)
			if trust == nil {
				continue
			}
			facts := awspolicy.NewFacts().
				Set("aws:SourceAccount", graphmodel.AWSAccountOfARN(a.ID)).
				Set("aws:RequestTag/kubernetes-namespace", ns).
				Set("aws:RequestTag/kubernetes-service-account", name).
				Set("aws:RequestTag/eks-cluster-name", a.Prop(graphmodel.PropAWSCluster))
			if c.EKS != nil {
				facts.Set("aws:SourceArn", c.EKS.ID).Set("aws:RequestTag/eks-cluster-arn", c.EKS.ID)
			}
			req := awspolicy.Request{Principal: awspolicy.Principal{Service: "pods.eks.amazonaws.com"}, Resource: role.ID, Context: facts}
			req.Action = "sts:AssumeRole"
			assume := trust.Evaluate(req)
			req.Action = "sts:TagSession"
			tag := trust.Evaluate(req)
			t := verdict(assume).And(verdict(tag))
			if t == awspolicy.No {
				continue
			}
			target := role.ID
			note := "EKS Pod Identity association " + ns + "/" + name + ": its pods receive the credentials of " + role.ID
			if tr := a.Prop(graphmodel.PropAWSTargetRoleARN); tr != "" {
				target = tr
				note = "EKS Pod Identity association " + ns + "/" + name + ": EKS assumes " + role.ID + ", then its target role " + tr + ", whose credentials its pods receive"
			}
			ev := append([]graphmodel.Evidence{{Source: a.ID, Statement: -1, Note: note}},
				trustEvidence(role.ID, assume, "pods.eks.amazonaws.com (sts:AssumeRole)")...)
			ev = append(ev, trustEvidence(role.ID, tag, "pods.eks.amazonaws.com (sts:TagSession)")...)
			undecided := append(append([]string(nil), assume.Undecided...), tag.Undecided...)
			if _, ok := a.Documents["session_policy"]; ok && t == awspolicy.Yes {
				// The pods hold the role only as far as the session policy
				// lets them: not the role itself.
				t, undecided = awspolicy.Maybe, append(undecided, "the association's session policy restricts the role for these pods")
			}
			edges = append(edges, canBecome(sa, target, TechPodIdentity, t == awspolicy.Maybe, undecided, ev...))
		}
	}
	return nil, edges, nil
}
