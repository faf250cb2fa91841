package crosscloud

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// Estate is the index of a snapshot the bridges share: nodes by ID, the
// carries_role edges leaving each node, AWS principals, and every Kubernetes
// cluster with what the bridges read of it.
type Estate struct {
	Snap  *graphmodel.Snapshot
	nodes map[string]*graphmodel.Node
	// carries are the carries_role edges (an EC2 instance's roles, read
	// by NodeRoles) by the node they leave.
	carries map[string][]*graphmodel.Edge
	// roles are the IAM roles, sorted by ARN; rolesByPathless indexes
	// them by their ARN without path (as aws-auth names them).
	roles           []*graphmodel.Node
	rolesByPathless map[string][]*graphmodel.Node
	trusts          map[string]*awspolicy.Document
	// eks are the EKS clusters, access entries and pod identity
	// associations of the AWS side.
	eksClusters, accessEntries, podIdentities []*graphmodel.Node
	// instances indexes EC2 instances by instance ID.
	instances map[string]*graphmodel.Node
	// gcp indexes GKE clusters and workload identity federation.
	gcp gcpIndex
	// Clusters are the Kubernetes clusters, by name.
	Clusters []*Cluster
}

// Cluster is one Kubernetes cluster of the estate, matched to its EKS
// cluster when the AWS side has it.
type Cluster struct {
	Name, Scope string
	// EKS is the EKS cluster's node (aws.resource), nil when unmatched.
	EKS *graphmodel.Node
	// GKE is the GKE cluster's node (gcp.resource), nil when unmatched;
	// WorkloadPool its Workload Identity pool ("<project>.svc.id.goog"),
	// "" when Workload Identity is off or the cluster unmatched.
	GKE          *graphmodel.Node
	WorkloadPool string
	// Issuer is the service-account token issuer, host and path ("" when
	// unknown).
	Issuer string
	// ServiceAccounts are the listed service accounts, sorted by ID.
	ServiceAccounts []*graphmodel.Node
	// Nodes are its nodes, sorted by ID.
	Nodes []*graphmodel.Node
	// AWSAuth is its kube-system/aws-auth ConfigMap, nil when absent.
	AWSAuth *graphmodel.Node
	// pods lists each service account's pods that are not finished.
	pods   map[string][]*graphmodel.Node
	ids    map[string]bool
	groups map[string]*graphmodel.Node
	rbac   *k8srbac.Objects
	policy *k8srbac.Policy
	// accessEntries are the estate's EKS access entries of the cluster
	// (owns).
	accessEntries []*graphmodel.Node
	// whoCanOf caches policy.WhoCan by request (Cluster.whoCan).
	whoCanOf map[k8srbac.Request][]k8srbac.Evidence
}

// NewEstate indexes a snapshot.
func NewEstate(snap *graphmodel.Snapshot) (*Estate, error) {
	e := &Estate{Snap: snap, nodes: map[string]*graphmodel.Node{}, carries: map[string][]*graphmodel.Edge{},
		rolesByPathless: map[string][]*graphmodel.Node{}, trusts: map[string]*awspolicy.Document{}, instances: map[string]*graphmodel.Node{}}
	clusters := map[string]*Cluster{}
	cluster := func(name string) *Cluster {
		c := clusters[name]
		if c == nil {
			c = &Cluster{Name: name, Scope: graphmodel.K8sClusterScope(name), pods: map[string][]*graphmodel.Node{},
				ids: map[string]bool{}, groups: map[string]*graphmodel.Node{}, rbac: &k8srbac.Objects{}}
			clusters[name] = c
		}
		return c
	}
	var k8sClusters []*graphmodel.Node
	for i := range snap.Nodes {
		n := &snap.Nodes[i]
		e.nodes[n.ID] = n
		switch {
		case n.Kind == graphmodel.KindAWSRole:
			e.roles = append(e.roles, n)
			e.rolesByPathless[pathless(n.ID)] = append(e.rolesByPathless[pathless(n.ID)], n)
		case n.Kind == graphmodel.KindAWSResource && n.Prop(graphmodel.PropService) == "eks":
			switch n.Prop(graphmodel.PropType) {
			case "cluster":
				e.eksClusters = append(e.eksClusters, n)
			case "access-entry":
				e.accessEntries = append(e.accessEntries, n)
			case "pod-identity-association":
				e.podIdentities = append(e.podIdentities, n)
			}
		case n.Kind == graphmodel.KindAWSResource && n.Prop(graphmodel.PropService) == "ec2" && n.Prop(graphmodel.PropType) == "instance":
			e.instances[n.ID[strings.LastIndex(n.ID, "/")+1:]] = n
		case n.Kind == graphmodel.KindK8sCluster:
			k8sClusters = append(k8sClusters, n)
			cluster(strings.TrimPrefix(n.ID, "k8s:cluster:"))
		case n.Provider == graphmodel.ProviderKubernetes && strings.HasPrefix(n.Scope, "k8s:cluster:"):
			c := cluster(strings.TrimPrefix(n.Scope, "k8s:cluster:"))
			if err := c.read(n); err != nil {
				return nil, err
			}
		case n.Kind.Provider() == graphmodel.ProviderGCP:
			e.gcp.read(n)
		}
	}
	e.gcp.sort()
	for i := range snap.Edges {
		if ed := &snap.Edges[i]; ed.Kind == graphmodel.EdgeCarriesRole {
			e.carries[ed.From] = append(e.carries[ed.From], ed)
		}
	}
	sort.Slice(e.roles, func(i, j int) bool { return e.roles[i].ID < e.roles[j].ID })
	for _, n := range k8sClusters {
		e.match(clusters[strings.TrimPrefix(n.ID, "k8s:cluster:")], n)
		e.matchGKE(clusters[strings.TrimPrefix(n.ID, "k8s:cluster:")], n)
	}
	names := make([]string, 0, len(clusters))
	for name := range clusters {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := clusters[name]
		sort.Slice(c.ServiceAccounts, func(i, j int) bool { return c.ServiceAccounts[i].ID < c.ServiceAccounts[j].ID })
		sort.Slice(c.Nodes, func(i, j int) bool { return c.Nodes[i].ID < c.Nodes[j].ID })
		for _, n := range e.accessEntries {
			if c.owns(n) {
				c.accessEntries = append(c.accessEntries, n)
			}
		}
		e.Clusters = append(e.Clusters, c)
	}
	return e, nil
}

// read records one Kubernetes node of the cluster.
func (c *Cluster) read(n *graphmodel.Node) error {
	c.ids[n.ID] = true
	ns := n.Prop(graphmodel.PropK8sNamespace)
	short := strings.TrimPrefix(n.Name, ns+"/")
	doc := func(key string, v any) error {
		if raw, ok := n.Documents[key]; ok {
			if err := json.Unmarshal(raw, v); err != nil {
				return fmt.Errorf("%s: document %s: %w", n.ID, key, err)
			}
		}
		return nil
	}
	switch n.Kind {
	case graphmodel.KindK8sServiceAccount:
		if n.Prop(graphmodel.PropK8sReferencedOnly) != "true" {
			c.ServiceAccounts = append(c.ServiceAccounts, n)
		}
	case graphmodel.KindK8sNode:
		c.Nodes = append(c.Nodes, n)
	case graphmodel.KindK8sGroup:
		c.groups[n.Name] = n
	case graphmodel.KindK8sPod:
		if phase := n.Prop(graphmodel.PropK8sPhase); phase != "Succeeded" && phase != "Failed" {
			sa, _ := graphmodel.K8sServiceAccount(c.Name, ns, n.Prop(graphmodel.PropK8sServiceAccount))
			c.pods[sa] = append(c.pods[sa], n)
		}
	case graphmodel.KindK8sResource:
		if ns == "kube-system" && short == "aws-auth" && n.Prop(graphmodel.PropK8sObjectKind) == "ConfigMap" {
			c.AWSAuth = n
		}
	case graphmodel.KindK8sClusterRole:
		r := k8srbac.ClusterRole{Name: n.Name, Labels: n.Tags}
		if err := doc(graphmodel.DocK8sRules, &r.Rules); err != nil {
			return err
		}
		if err := doc(graphmodel.DocK8sAggregationRule, &r.AggregationRule); err != nil {
			return err
		}
		c.rbac.ClusterRoles = append(c.rbac.ClusterRoles, r)
	case graphmodel.KindK8sRole:
		r := k8srbac.Role{Namespace: ns, Name: short}
		if err := doc(graphmodel.DocK8sRules, &r.Rules); err != nil {
			return err
		}
		c.rbac.Roles = append(c.rbac.Roles, r)
	case graphmodel.KindK8sClusterRoleBinding:
		b := k8srbac.ClusterRoleBinding{Name: n.Name}
		if err := doc(graphmodel.DocK8sSubjects, &b.Subjects); err != nil {
			return err
		}
		if err := doc(graphmodel.DocK8sRoleRef, &b.RoleRef); err != nil {
			return err
		}
		c.rbac.ClusterRoleBindings = append(c.rbac.ClusterRoleBindings, b)
	case graphmodel.KindK8sRoleBinding:
		b := k8srbac.RoleBinding{Namespace: ns, Name: short}
		if err := doc(graphmodel.DocK8sSubjects, &b.Subjects); err != nil {
			return err
		}
		if err := doc(graphmodel.DocK8sRoleRef, &b.RoleRef); err != nil {
			return err
		}
		c.rbac.RoleBindings = append(c.rbac.RoleBindings, b)
	}
	return nil
}

// match finds the EKS cluster of c (k is its cluster node): the one its
// collection names by ARN, else the only one of its name (of its issuer,
// when the collection read it).
func (e *Estate) match(c *Cluster, k *graphmodel.Node) {
	issuer := strings.TrimPrefix(k.Prop(graphmodel.PropK8sOIDCIssuer), "https://")
	arn := k.Prop(graphmodel.PropK8sEKSClusterARN)
	var found []*graphmodel.Node
	for _, n := range e.eksClusters {
		switch {
		case arn != "":
			if n.ID == arn {
				found = append(found, n)
			}
		case n.Name == c.Name && (issuer == "" || strings.TrimPrefix(n.Prop(graphmodel.PropAWSOIDCIssuer), "https://") == issuer):
			found = append(found, n)
		}
	}
	if len(found) == 1 {
		c.EKS = found[0]
	}
	c.Issuer = issuer
	if c.Issuer == "" && c.EKS != nil {
		c.Issuer = strings.TrimPrefix(c.EKS.Prop(graphmodel.PropAWSOIDCIssuer), "https://")
	}
}

// owns reports whether an EKS access entry or pod identity association
// node (whose cluster property names its EKS cluster) belongs to c: of
// its EKS cluster's name, account and region, or, unmatched, of its name.
func (c *Cluster) owns(n *graphmodel.Node) bool {
	if c.EKS == nil {
		return n.Prop(graphmodel.PropAWSCluster) == c.Name
	}
	a, b := strings.SplitN(c.EKS.ID, ":", 6), strings.SplitN(n.ID, ":", 6)
	return n.Prop(graphmodel.PropAWSCluster) == c.EKS.Name && len(a) == 6 && len(b) == 6 && a[3] == b[3] && a[4] == b[4]
}

// Has reports whether the cluster holds a node of that ID.
func (c *Cluster) Has(id string) bool { return c.ids[id] }

// Group returns the node of a group the cluster has, nil when none.
func (c *Cluster) Group(name string) *graphmodel.Node { return c.groups[name] }

// Pods returns the pods of a service account that are not finished.
func (c *Cluster) Pods(sa string) []*graphmodel.Node { return c.pods[sa] }

// Node returns a node of the snapshot by ID.
func (e *Estate) Node(id string) (*graphmodel.Node, bool) {
	n, ok := e.nodes[id]
	return n, ok
}

// Trust returns the parsed trust policy of a role, nil when it has none
// or it does not parse (the AWS collector has checked it).
func (e *Estate) Trust(role *graphmodel.Node) *awspolicy.Document {
	if d, ok := e.trusts[role.ID]; ok {
		return d
	}
	var d *awspolicy.Document
	if raw, ok := role.Documents["trust"]; ok {
		d, _ = awspolicy.Parse(raw)
	}
	e.trusts[role.ID] = d
	return d
}

// pathless returns an IAM role ARN without its path, as aws-auth and the
// IAM authenticator name roles.
func pathless(arn string) string {
	i := strings.Index(arn, ":role/")
	if i < 0 {
		return arn
	}
	return arn[:i+len(":role/")] + arn[strings.LastIndex(arn, "/")+1:]
}

// principal returns the IAM role or user an ARN names: a role by its ARN
// or its path-less ARN, a user by its ARN. nil when the snapshot has none.
func (e *Estate) principal(arn string) []*graphmodel.Node {
	if n, ok := e.nodes[arn]; ok && (n.Kind == graphmodel.KindAWSRole || n.Kind == graphmodel.KindAWSUser) {
		return []*graphmodel.Node{n}
	}
	return e.rolesByPathless[arn]
}

// subjectID returns the node ID a Kubernetes user name stands for: a
// service account's or a node's user name is that identity.
func (c *Cluster) subjectID(username string) string {
	if ns, name, ok := k8srbac.ParseServiceAccountUsername(username); ok {
		id, _ := graphmodel.K8sServiceAccount(c.Name, ns, name)
		return id
	}
	if name, ok := k8srbac.ParseNodeUsername(username); ok {
		id, _ := graphmodel.K8sNode(c.Name, name)
		return id
	}
	return graphmodel.K8sUser(c.Name, username)
}

// accessEntryUsername is the Kubernetes user an EKS access entry enters
// as: its kubernetes_username, else its principal's ARN (as
// analysis/kubernetes names the user it evaluates the entry's policies
// for).
func accessEntryUsername(n *graphmodel.Node) string {
	if u := n.Prop(graphmodel.PropAWSKubernetesUsername); u != "" {
		return u
	}
	return n.Prop(graphmodel.PropAWSPrincipalARN)
}

// Policy returns the cluster's RBAC, with the EKS access entries of the
// estate as the bindings that allow the same (as analysis/kubernetes
// evaluates them).
func (c *Cluster) Policy() *k8srbac.Policy {
	if c.policy != nil {
		return c.policy
	}
	o := *c.rbac
	if len(c.accessEntries) > 0 {
		// Copies: the cluster's own RBAC stays as collected.
		o.ClusterRoles = append(append([]k8srbac.ClusterRole(nil), o.ClusterRoles...), k8srbac.EKSAccessPolicyRoles()...)
		o.ClusterRoleBindings = append([]k8srbac.ClusterRoleBinding(nil), o.ClusterRoleBindings...)
		o.RoleBindings = append([]k8srbac.RoleBinding(nil), o.RoleBindings...)
	}
	for _, n := range c.accessEntries {
		var policies []string
		if p := n.Prop(graphmodel.PropAWSAccessPolicies); p != "" {
			policies = strings.Split(p, " ")
		}
		crbs, rbs, _ := k8srbac.EKSAccessBindings(n.Prop(graphmodel.PropAWSPrincipalARN), accessEntryUsername(n), policies)
		o.ClusterRoleBindings = append(o.ClusterRoleBindings, crbs...)
		o.RoleBindings = append(o.RoleBindings, rbs...)
	}
	c.policy = k8srbac.NewPolicy(o)
	return c.policy
}
