package aws

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// EKSDescribeAccessEntryOutput is the output of aws eks describe-access-entry,
// one per access entry.
type EKSDescribeAccessEntryOutput struct {
	AccessEntry EKSAccessEntry `json:"accessEntry"`
}

// EKSAccessEntry gives an IAM principal access to a cluster's Kubernetes
// API, as a Kubernetes user name and groups.
type EKSAccessEntry struct {
	ClusterName      string            `json:"clusterName"`
	PrincipalArn     string            `json:"principalArn"`
	KubernetesGroups []string          `json:"kubernetesGroups,omitempty"`
	AccessEntryArn   string            `json:"accessEntryArn"`
	CreatedAt        Timestamp         `json:"createdAt,omitempty"`
	ModifiedAt       Timestamp         `json:"modifiedAt,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
	Username         string            `json:"username,omitempty"`
	Type             string            `json:"type,omitempty"`
}

// EKSListAssociatedAccessPoliciesOutput is the output of aws eks
// list-associated-access-policies, one per access entry (pages merged).
type EKSListAssociatedAccessPoliciesOutput struct {
	ClusterName              string                      `json:"clusterName"`
	PrincipalArn             string                      `json:"principalArn"`
	AssociatedAccessPolicies []EKSAssociatedAccessPolicy `json:"associatedAccessPolicies"`
}

// EKSAssociatedAccessPolicy is an EKS access policy associated with an
// access entry, on the whole cluster or on some namespaces.
type EKSAssociatedAccessPolicy struct {
	PolicyArn    string          `json:"policyArn"`
	AccessScope  *EKSAccessScope `json:"accessScope,omitempty"`
	AssociatedAt Timestamp       `json:"associatedAt,omitempty"`
	ModifiedAt   Timestamp       `json:"modifiedAt,omitempty"`
}

// EKSAccessScope is where an access policy applies: "cluster", or
// "namespace" with the namespaces.
type EKSAccessScope struct {
	Type       string   `json:"type"`
	Namespaces []string `json:"namespaces,omitempty"`
}

// EKSDescribePodIdentityAssociationOutput is the output of aws eks
// describe-pod-identity-association, one per association.
type EKSDescribePodIdentityAssociationOutput struct {
	Association EKSPodIdentityAssociation `json:"association"`
}

// EKSPodIdentityAssociation gives the pods of a Kubernetes service account
// the credentials of an IAM role. Its external ID is not decoded.
type EKSPodIdentityAssociation struct {
	ClusterName        string            `json:"clusterName"`
	Namespace          string            `json:"namespace"`
	ServiceAccount     string            `json:"serviceAccount"`
	RoleArn            string            `json:"roleArn"`
	AssociationArn     string            `json:"associationArn"`
	AssociationID      string            `json:"associationId,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
	CreatedAt          Timestamp         `json:"createdAt,omitempty"`
	ModifiedAt         Timestamp         `json:"modifiedAt,omitempty"`
	OwnerArn           string            `json:"ownerArn,omitempty"`
	DisableSessionTags *bool             `json:"disableSessionTags,omitempty"`
	TargetRoleArn      string            `json:"targetRoleArn,omitempty"`
	// Policy is a session policy that restricts the role for these pods
	// (a JSON string, as the CLI prints it).
	Policy string `json:"policy,omitempty"`
}

// eksAccess converts the access entries with their access policies, and
// the pod identity associations.
func (c *converter) eksAccess(r *Resources) error {
	entries, err := c.eksAccessEntries(r)
	if err != nil {
		return err
	}
	if err := c.eksAccessPolicies(r, entries); err != nil {
		return err
	}
	return c.eksPodIdentities(r)
}

// entryKey indexes access entries by region, cluster and principal, for
// the access policies, whose output has no ARN.
func entryKey(region, cluster, principal string) string {
	return region + "\x00" + cluster + "\x00" + principal
}

// eksAccessEntries converts the access entries and returns them by entryKey.
func (c *converter) eksAccessEntries(r *Resources) (map[string]*graphmodel.Node, error) {
	entries := map[string]*graphmodel.Node{}
	for _, o := range r.EKSAccessEntries {
		e := o.Value.AccessEntry
		l := o.loc().field("accessEntry").named("access entry", e.PrincipalArn)
		n, err := c.resource(l.field("accessEntryArn"), resourceSpec{
			arn: e.AccessEntryArn, name: resourceOf(e.PrincipalArn), service: "eks", typ: "access-entry", tags: nonEmpty(e.Tags),
		})
		if err != nil {
			return nil, err
		}
		if e.ClusterName == "" || e.PrincipalArn == "" {
			return nil, l.bad("clusterName and principalArn are required")
		}
		n.SetProp(graphmodel.PropAWSCluster, e.ClusterName)
		n.SetProp(graphmodel.PropAWSPrincipalARN, e.PrincipalArn)
		n.SetProp(graphmodel.PropAWSKubernetesUsername, e.Username)
		n.SetProp(graphmodel.PropAWSKubernetesGroups, strings.Join(sorted(e.KubernetesGroups), ","))
		n.SetProp(graphmodel.PropAWSEntryType, e.Type)
		entries[entryKey(n.Prop(graphmodel.PropRegion), e.ClusterName, e.PrincipalArn)] = n
	}
	return entries, nil
}

// eksAccessPolicies adds the access policies of each access entry to its
// access_policies; policies of an entry that is not described are a gap.
func (c *converter) eksAccessPolicies(r *Resources, entries map[string]*graphmodel.Node) error {
	for _, o := range r.EKSAccessPolicies {
		v := o.Value
		l := o.loc().named("access entry", v.PrincipalArn)
		if v.ClusterName == "" || v.PrincipalArn == "" {
			return l.bad("clusterName and principalArn are required")
		}
		n := entries[entryKey(o.Region, v.ClusterName, v.PrincipalArn)]
		if n == nil && o.Region == "" {
			n = onlyEntry(entries, v.ClusterName, v.PrincipalArn)
		}
		if n == nil {
			c.gapAt(l, "eks access entry "+v.PrincipalArn+" of cluster "+v.ClusterName,
				"its access policies are given but it is absent from eks-describe-access-entry.json")
			continue
		}
		var list []string
		if old := n.Prop(graphmodel.PropAWSAccessPolicies); old != "" {
			list = strings.Split(old, " ")
		}
		for j, p := range v.AssociatedAccessPolicies {
			entry, err := accessPolicyEntry(l.in("associatedAccessPolicies", j, "", ""), p)
			if err != nil {
				return err
			}
			list = append(list, entry)
		}
		n.SetProp(graphmodel.PropAWSAccessPolicies, strings.Join(dedupeSorted(list), " "))
	}
	return nil
}

// accessPolicyEntry renders an associated access policy found at l as an
// element of access_policies: "<policy ARN>@cluster" or
// "<policy ARN>@namespace:<ns>,<ns>".
func accessPolicyEntry(l loc, p EKSAssociatedAccessPolicy) (string, error) {
	f, ok := splitARN(p.PolicyArn)
	if !ok || f.Service != "eks" || strings.ContainsAny(p.PolicyArn, " @") {
		return "", l.field("policyArn").bad("%q is not the ARN of an EKS access policy (want arn:aws:eks::aws:cluster-access-policy/<name>)", p.PolicyArn)
	}
	switch {
	case p.AccessScope == nil || p.AccessScope.Type == "" || p.AccessScope.Type == "cluster":
		return p.PolicyArn + "@cluster", nil
	case p.AccessScope.Type == "namespace":
		for _, ns := range p.AccessScope.Namespaces {
			if ns == "" || strings.ContainsAny(ns, " ,") {
				return "", l.field("accessScope").bad("namespace %q is not a Kubernetes namespace name", ns)
			}
		}
		return p.PolicyArn + "@namespace:" + strings.Join(sorted(p.AccessScope.Namespaces), ","), nil
	}
	return "", l.field("accessScope").bad("access scope type %q (want cluster or namespace)", p.AccessScope.Type)
}

// eksPodIdentities converts the pod identity associations.
func (c *converter) eksPodIdentities(r *Resources) error {
	for _, o := range r.EKSPodIdentities {
		a := o.Value.Association
		l := o.loc().field("association").named("pod identity association", a.Namespace+"/"+a.ServiceAccount)
		n, err := c.resource(l.field("associationArn"), resourceSpec{
			arn: a.AssociationArn, name: a.Namespace + "/" + a.ServiceAccount, service: "eks", typ: "pod-identity-association", tags: nonEmpty(a.Tags),
		})
		if err != nil {
			return err
		}
		if a.ClusterName == "" || a.Namespace == "" || a.ServiceAccount == "" {
			return l.bad("clusterName, namespace and serviceAccount are required")
		}
		sa, _ := graphmodel.K8sServiceAccount(a.ClusterName, a.Namespace, a.ServiceAccount)
		n.SetProp(graphmodel.PropAWSCluster, a.ClusterName)
		n.SetProp(graphmodel.PropAWSNamespace, a.Namespace)
		n.SetProp(graphmodel.PropAWSServiceAccount, a.ServiceAccount)
		n.SetProp(graphmodel.PropAWSK8sServiceAccount, sa)
		n.SetProp(graphmodel.PropAWSRoleARN, a.RoleArn)
		n.SetProp(graphmodel.PropAWSTargetRoleARN, a.TargetRoleArn)
		n.SetProp(graphmodel.PropAWSOwnerARN, a.OwnerArn)
		if err := c.sessionPolicy(l.field("policy"), n, a.Policy); err != nil {
			return err
		}
		if err := c.podRole(l, n.ID, a); err != nil {
			return err
		}
	}
	return nil
}

// podRole records the role whose credentials the association's pods
// receive: the target role when there is one (EKS assumes it through the
// association's role), else the association's role. A target role of
// another account is that account's snapshot's to define: no gap.
func (c *converter) podRole(l loc, from string, a EKSPodIdentityAssociation) error {
	if a.TargetRoleArn == "" {
		return c.carriesRole(l.field("roleArn"), from, a.RoleArn)
	}
	for _, ref := range []struct{ field, arn string }{{"roleArn", a.RoleArn}, {"targetRoleArn", a.TargetRoleArn}} {
		if _, err := iamARN(ref.arn, "role", false); err != nil {
			return badinput.New(l.where, joinPlace(l.place, ref.field), err)
		}
	}
	if graphmodel.AWSAccountOfARN(a.TargetRoleArn) == c.account {
		return c.carriesRole(l.field("targetRoleArn"), from, a.TargetRoleArn)
	}
	c.edge(from, graphmodel.EdgeCarriesRole, a.TargetRoleArn)
	return nil
}

// sessionPolicy parses a session policy found at l and stores it as
// Documents["session_policy"] of n: it restricts what the role carried
// may do there.
func (c *converter) sessionPolicy(l loc, n *graphmodel.Node, text string) error {
	if text == "" {
		return nil
	}
	doc, err := documentAt(l, jsonString(text))
	if err != nil {
		return err
	}
	if n.Documents == nil {
		n.Documents = map[string]json.RawMessage{}
	}
	n.Documents["session_policy"] = doc
	return nil
}

// onlyEntry returns the one access entry of a cluster and principal in
// any region, or nil when there are none or several.
func onlyEntry(entries map[string]*graphmodel.Node, cluster, principal string) *graphmodel.Node {
	var found *graphmodel.Node
	for _, n := range entries {
		if n.Prop(graphmodel.PropAWSCluster) == cluster && n.Prop(graphmodel.PropAWSPrincipalARN) == principal {
			if found != nil {
				return nil
			}
			found = n
		}
	}
	return found
}

// nonEmpty returns m, or nil when it is empty.
func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// sorted returns a sorted copy of list.
func sorted(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	return out
}

// dedupeSorted returns list sorted, each value once.
func dedupeSorted(list []string) []string {
	out := sorted(list)
	w := 0
	for i, s := range out {
		if i == 0 || s != out[w-1] {
			out[w] = s
			w++
		}
	}
	return out[:w]
}
