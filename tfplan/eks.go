package tfplan

import (
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// EKS access entries, their access policies, and pod identity
// associations, recorded as the collector records what describe-access-entry,
// list-associated-access-policies and describe-pod-identity-association return.

func accessEntryAttrs(s side) map[string]string {
	cluster, _ := s.str("cluster_name")
	principal, _ := s.str("principal_arn")
	arn, ok := s.str("access_entry_arn")
	if !ok || arn == "" {
		arn = s.a.baseAccessEntry(cluster, principal)
	}
	if arn == "" {
		f, _ := splitARN(principal)
		typ, name, _ := strings.Cut(f.resource, "/")
		arn = s.a.arn("eks", s.region(), s.account(), "access-entry/"+cluster+"/"+typ+"/"+f.account+"/"+lastSegment(name)+"/"+s.c.placeholder())
	}
	return map[string]string{"access_entry_arn": arn, "cluster_name": cluster, "principal_arn": principal}
}

// accessEntryFacts: the access entry, named by its principal's resource
// (role/ci), with its cluster, principal, Kubernetes user and groups.
func accessEntryFacts(s side) (*facts, error) {
	attrs := accessEntryAttrs(s)
	principal, ok := s.str("principal_arn")
	if !ok || principal == "" {
		s.unresolved("principal_arn", "principal of an EKS access entry")
		return &facts{}, nil
	}
	n := s.resource(attrs["access_entry_arn"], resourceOf(principal), "eks", "access-entry")
	n.SetProp(graphmodel.PropAWSCluster, attrs["cluster_name"])
	n.SetProp(graphmodel.PropAWSPrincipalARN, principal)
	if u, ok := s.str("user_name"); ok {
		n.SetProp(graphmodel.PropAWSKubernetesUsername, u)
	}
	groups, ok := s.strs("kubernetes_groups")
	if !ok {
		s.unresolved("kubernetes_groups", "Kubernetes groups of "+principal)
	}
	n.SetProp(graphmodel.PropAWSKubernetesGroups, strings.Join(groups, ","))
	typ, _ := s.str("type")
	if typ == "" {
		typ = "STANDARD"
	}
	n.SetProp(graphmodel.PropAWSEntryType, typ)
	return s.ownResource(n), nil
}

// accessEntryOf returns the access entry of a cluster and principal as the
// side sees the estate, "" when there is none.
func (s side) accessEntryOf(cluster, principal string) string {
	for _, c := range s.a.changes {
		if !s.sees(c, "aws_eks_access_entry") {
			continue
		}
		o := s.a.side(c, s.after)
		if attrs := accessEntryAttrs(o); attrs["cluster_name"] == cluster && attrs["principal_arn"] == principal {
			return attrs["access_entry_arn"]
		}
	}
	return s.a.baseAccessEntry(cluster, principal)
}

// baseAccessEntry returns the baseline's access entry of a cluster and
// principal, "" when there is none.
func (a *applier) baseAccessEntry(cluster, principal string) string {
	return a.baseNamed("eks", "access-entry", resourceOf(principal), func(n *graphmodel.Node) bool {
		return n.Prop(graphmodel.PropAWSCluster) == cluster && n.Prop(graphmodel.PropAWSPrincipalARN) == principal
	})
}

// accessPolicyFacts: aws_eks_access_policy_association, one element
// ("<policy ARN>@cluster" or "<policy ARN>@namespace:<ns>,<ns>") of the
// access_policies of its access entry.
func accessPolicyFacts(s side) (*facts, error) {
	cluster, cok := s.str("cluster_name")
	principal, pok := s.str("principal_arn")
	policy, aok := s.str("policy_arn")
	if !cok || !pok || !aok {
		key := "policy_arn"
		if !pok {
			key = "principal_arn"
		}
		if !cok {
			key = "cluster_name"
		}
		s.unresolved(key, "EKS access policy association")
		return &facts{}, nil
	}
	entry := s.accessEntryOf(cluster, principal)
	if entry == "" {
		s.a.gap(s.c, "eks access entry "+principal+" of cluster "+cluster,
			"its access policy "+policy+" is associated by "+s.c.addr()+" but the entry is in neither the baseline snapshot nor the plan")
		return &facts{}, nil
	}
	elem := policy + "@cluster"
	if blocks, ok := s.blocks("access_scope"); ok && len(blocks) > 0 {
		typ, _ := blocks[0].str("type")
		if typ == "namespace" {
			ns, _ := blocks[0].strs("namespaces")
			elem = policy + "@namespace:" + strings.Join(ns, ",")
		}
	}
	return &facts{elems: []elemFact{{id: entry, key: graphmodel.PropAWSAccessPolicies, elem: elem}}}, nil
}

func podIdentityAttrs(s side) map[string]string {
	cluster, _ := s.str("cluster_name")
	ns, _ := s.str("namespace")
	sa, _ := s.str("service_account")
	arn, ok := s.str("association_arn")
	if !ok || arn == "" {
		arn = s.a.baseNamed("eks", "pod-identity-association", ns+"/"+sa, func(n *graphmodel.Node) bool {
			return n.Prop(graphmodel.PropAWSCluster) == cluster
		})
	}
	if arn == "" {
		arn = s.a.arn("eks", s.region(), s.account(), "podidentityassociation/"+cluster+"/"+s.c.placeholder())
	}
	return map[string]string{"association_arn": arn}
}

// podIdentityFacts: the pod identity association, with the role its pods
// receive (the target role when there is one).
func podIdentityFacts(s side) (*facts, error) {
	arn := podIdentityAttrs(s)["association_arn"]
	cluster, _ := s.str("cluster_name")
	ns, _ := s.str("namespace")
	sa, _ := s.str("service_account")
	n := s.resource(arn, ns+"/"+sa, "eks", "pod-identity-association")
	k8s, _ := graphmodel.K8sServiceAccount(cluster, ns, sa)
	n.SetProp(graphmodel.PropAWSCluster, cluster)
	n.SetProp(graphmodel.PropAWSNamespace, ns)
	n.SetProp(graphmodel.PropAWSServiceAccount, sa)
	n.SetProp(graphmodel.PropAWSK8sServiceAccount, k8s)
	role, rok := s.str("role_arn")
	target, tok := s.str("target_role_arn")
	n.SetProp(graphmodel.PropAWSRoleARN, role)
	n.SetProp(graphmodel.PropAWSTargetRoleARN, target)
	f := s.ownResource(n)
	switch {
	case !tok:
		s.unresolved("target_role_arn", "role of "+arn)
	case target != "":
		f.edges = append(f.edges, graphmodel.Edge{From: arn, To: target, Kind: graphmodel.EdgeCarriesRole})
	case !rok:
		s.unresolved("role_arn", "role of "+arn)
	case role != "":
		f.edges = append(f.edges, graphmodel.Edge{From: arn, To: s.entityARN("role", role), Kind: graphmodel.EdgeCarriesRole})
	}
	return f, nil
}
