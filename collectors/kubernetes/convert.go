package kubernetes

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// CollectorName is the registry name of the Kubernetes collector.
const CollectorName = "kubernetes"

// ServiceName is the service property of every object node, so that a
// sensitivity model rates "kubernetes/<type>".
const ServiceName = "kubernetes"

// Pod Security Admission labels of a namespace.
const (
	LabelPSAEnforce        = "pod-security.kubernetes.io/enforce"
	LabelPSAEnforceVersion = "pod-security.kubernetes.io/enforce-version"
)

// SecretTypeServiceAccountToken is the type of a legacy service-account
// token Secret.
const SecretTypeServiceAccountToken = "kubernetes.io/service-account-token"

// CheckClusterName reports whether name can name a cluster in IDs: not
// empty, and without ':' (the separator of IDs) or white space.
func CheckClusterName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("cluster name is empty")
	case strings.ContainsAny(name, ": \t\r\n"):
		return fmt.Errorf("cluster name %q: no ':' or white space allowed (it is part of every ID)", name)
	}
	return nil
}

// Convert turns an inventory into the fragment of the cluster named
// cluster, following the conventions of the package doc. where names the
// source in gaps (the files read, or "cluster <name>" for a live run).
// The fragment's Source has Collector, Provider, Scope and Gaps set; the
// caller sets Origin and CollectedAt.
func Convert(inv *Inventory, cluster, where string) (graphmodel.Fragment, error) {
	if err := CheckClusterName(cluster); err != nil {
		return graphmodel.Fragment{}, err
	}
	if inv == nil {
		inv = &Inventory{}
	}
	inv.Dedupe()
	c := &converter{
		cluster:  cluster,
		scope:    graphmodel.K8sClusterScope(cluster),
		where:    where,
		inv:      inv,
		nodes:    map[string]*graphmodel.Node{},
		edgeSeen: map[string]bool{},
		gapSeen:  map[graphmodel.Gap]bool{},
	}
	for _, g := range inv.Gaps {
		c.addGap(g)
	}
	c.clusterNode()
	c.namespaces()
	c.k8sNodes()
	c.serviceAccounts()
	c.secrets()
	c.awsAuth()
	c.rbac()
	c.pods()
	c.workloads()
	c.memberships()
	return c.fragment(), nil
}

// converter holds the state of one conversion.
type converter struct {
	cluster, scope, where string
	inv                   *Inventory

	nodes    map[string]*graphmodel.Node
	edges    []graphmodel.Edge
	edgeSeen map[string]bool
	gaps     []graphmodel.Gap
	gapSeen  map[graphmodel.Gap]bool
	// workloadIDs maps "<Kind>/<namespace>/<name>" to the collected
	// workloads' IDs, for owner references.
	workloadIDs map[string]string
}

func (c *converter) addGap(g graphmodel.Gap) {
	if !c.gapSeen[g] {
		c.gapSeen[g] = true
		c.gaps = append(c.gaps, g)
	}
}

func (c *converter) gap(what, reason string) {
	c.addGap(graphmodel.Gap{What: what, Reason: reason, Where: c.where})
}

func (c *converter) edge(from string, kind graphmodel.EdgeKind, to string) {
	e := graphmodel.Edge{From: from, To: to, Kind: kind}
	if k := e.Key(); !c.edgeSeen[k] {
		c.edgeSeen[k] = true
		c.edges = append(c.edges, e)
	}
}

// node returns the node id, creating it with kind and name when new.
func (c *converter) node(id string, kind graphmodel.NodeKind, name string) *graphmodel.Node {
	if n, ok := c.nodes[id]; ok {
		return n
	}
	n := &graphmodel.Node{ID: id, Kind: kind, Provider: graphmodel.ProviderKubernetes, Name: name, Scope: c.scope}
	c.nodes[id] = n
	return n
}

// object creates the node of a collected object of kind k with its
// common properties (service, type, object_kind, namespace, created) and
// its labels as tags.
func (c *converter) object(k *kindInfo, kind graphmodel.NodeKind, m *Meta, labels map[string]string) *graphmodel.Node {
	name := m.Name
	ns := ""
	if k.namespaced {
		ns = m.Namespace
		name = ns + "/" + m.Name
	}
	n := c.node(graphmodel.K8sObject(c.cluster, k.idKind(), ns, m.Name), kind, name)
	n.SetProp(graphmodel.PropK8sService, ServiceName)
	n.SetProp(graphmodel.PropK8sType, k.idKind())
	n.SetProp(graphmodel.PropK8sObjectKind, k.kind)
	n.SetProp(graphmodel.PropK8sNamespace, ns)
	n.SetProp(graphmodel.PropK8sCreated, m.CreationTimestamp)
	if len(labels) > 0 {
		n.Tags = labels
	}
	return n
}

func (c *converter) clusterNode() {
	n := &graphmodel.Node{ID: c.scope, Kind: graphmodel.KindK8sCluster, Provider: graphmodel.ProviderKubernetes, Name: c.cluster}
	c.nodes[n.ID] = n
	platform, evidence := detectPlatform(c.inv)
	n.SetProp(graphmodel.PropK8sPlatform, platform)
	n.SetProp(graphmodel.PropK8sPlatformEvidence, evidence)
	n.SetProp(graphmodel.PropK8sCloudProvider, cloudProvider(c.inv.Nodes))
	f := c.inv.Facts
	n.SetProp(graphmodel.PropK8sServerVersion, f.GitVersion)
	n.SetProp(graphmodel.PropK8sServer, f.Server)
	n.SetProp(graphmodel.PropK8sEKSClusterARN, f.EKSClusterARN)
	n.SetProp(graphmodel.PropK8sOIDCIssuer, f.Issuer)
}

func (c *converter) namespaces() {
	k := kindByName["Namespace"]
	for i := range c.inv.Namespaces {
		ns := &c.inv.Namespaces[i]
		n := c.object(k, graphmodel.KindK8sNamespace, &ns.Metadata, ns.Metadata.Labels)
		n.SetProp(graphmodel.PropK8sPSAEnforce, ns.Metadata.Labels[LabelPSAEnforce])
		n.SetProp(graphmodel.PropK8sPSAEnforceVersion, ns.Metadata.Labels[LabelPSAEnforceVersion])
	}
}

// nodeIdentity returns the identity node of the node named name,
// creating a referenced-only one when the collection did not list it.
func (c *converter) nodeIdentity(name string) *graphmodel.Node {
	id, alias := graphmodel.K8sNode(c.cluster, name)
	if n, ok := c.nodes[id]; ok {
		return n
	}
	n := c.object(kindByName["Node"], graphmodel.KindK8sNode, &Meta{Name: name}, nil)
	n.Aliases = []string{alias}
	n.SetProp(graphmodel.PropK8sReferencedOnly, "true")
	return n
}

func (c *converter) k8sNodes() {
	k := kindByName["Node"]
	for i := range c.inv.Nodes {
		kn := &c.inv.Nodes[i]
		n := c.object(k, graphmodel.KindK8sNode, &kn.Metadata, keptNodeLabels(kn.Metadata.Labels))
		_, alias := graphmodel.K8sNode(c.cluster, kn.Metadata.Name)
		n.Aliases = []string{alias}
		n.SetProp(graphmodel.PropK8sProviderID, kn.Spec.ProviderID)
		n.SetProp(graphmodel.PropK8sCloudProvider, providerScheme(kn.Spec.ProviderID))
		zone, instance := awsInstance(kn.Spec.ProviderID)
		n.SetProp(graphmodel.PropK8sZone, zone)
		n.SetProp(graphmodel.PropK8sInstanceID, instance)
		n.SetProp(graphmodel.PropK8sKubeletVersion, kn.Status.NodeInfo.KubeletVersion)
		n.SetProp(graphmodel.PropK8sOSImage, kn.Status.NodeInfo.OSImage)
	}
}

// serviceAccount returns the node of a service account, creating a
// referenced-only one when the collection did not list it.
func (c *converter) serviceAccount(namespace, name string) *graphmodel.Node {
	id, alias := graphmodel.K8sServiceAccount(c.cluster, namespace, name)
	if n, ok := c.nodes[id]; ok {
		return n
	}
	n := c.object(kindByName["ServiceAccount"], graphmodel.KindK8sServiceAccount, &Meta{Namespace: namespace, Name: name}, nil)
	n.Aliases = []string{alias}
	n.SetProp(graphmodel.PropK8sReferencedOnly, "true")
	return n
}

func (c *converter) serviceAccounts() {
	k := kindByName["ServiceAccount"]
	for i := range c.inv.ServiceAccounts {
		sa := &c.inv.ServiceAccounts[i]
		n := c.object(k, graphmodel.KindK8sServiceAccount, &sa.Metadata, sa.Metadata.Labels)
		_, alias := graphmodel.K8sServiceAccount(c.cluster, sa.Metadata.Namespace, sa.Metadata.Name)
		n.Aliases = []string{alias}
		n.SetProp(graphmodel.PropK8sAutomountToken, boolProp(sa.AutomountServiceAccountToken))
		a := sa.Metadata.Annotations
		n.SetProp(graphmodel.PropK8sEKSRoleARN, a.EKSRoleARN)
		n.SetProp(graphmodel.PropK8sEKSAudience, a.EKSAudience)
		n.SetProp(graphmodel.PropK8sGKEServiceAccount, a.GKEServiceAccount)
		n.SetProp(graphmodel.PropK8sAzureClientID, a.AzureClientID)
	}
}

func (c *converter) secrets() {
	k := kindByName["Secret"]
	for i := range c.inv.Secrets {
		s := &c.inv.Secrets[i]
		n := c.object(k, graphmodel.KindK8sResource, &s.Metadata, s.Metadata.Labels)
		n.SetProp(graphmodel.PropResourceClass, string(graphmodel.ResourceSecret))
		n.SetProp(graphmodel.PropK8sSecretType, s.Type)
		if s.Type == SecretTypeServiceAccountToken && s.Metadata.Annotations.ServiceAccountName != "" {
			sa := s.Metadata.Annotations.ServiceAccountName
			n.SetProp(graphmodel.PropK8sServiceAccount, sa)
			c.edge(n.ID, graphmodel.EdgeHoldsCredential, c.serviceAccount(s.Metadata.Namespace, sa).ID)
		}
	}
}

func (c *converter) awsAuth() {
	k := kindByName["ConfigMap"]
	for i := range c.inv.ConfigMaps {
		cm := &c.inv.ConfigMaps[i]
		if cm.Metadata.Namespace != AWSAuthNamespace || cm.Metadata.Name != AWSAuthName {
			continue
		}
		n := c.object(k, graphmodel.KindK8sResource, &cm.Metadata, cm.Metadata.Labels)
		a := ParseAWSAuth(cm.Data)
		for _, p := range a.Problems {
			c.gap("ConfigMap "+AWSAuthNamespace+"/"+AWSAuthName, p)
		}
		if a.MapRoles != nil {
			setDocument(n, graphmodel.DocK8sMapRoles, a.MapRoles)
		}
		if a.MapUsers != nil {
			setDocument(n, graphmodel.DocK8sMapUsers, a.MapUsers)
		}
		if a.MapAccounts != nil {
			setDocument(n, graphmodel.DocK8sMapAccounts, a.MapAccounts)
		}
		// The users and groups the mappings name exist in the cluster's
		// eyes, bound or not: a bridge from AWS ends on them.
		for _, m := range a.MapRoles {
			c.mappedIdentity(m.Username, m.Groups)
		}
		for _, m := range a.MapUsers {
			c.mappedIdentity(m.Username, m.Groups)
		}
	}
}

// mappedIdentity creates the nodes of a user name and groups an aws-auth
// mapping gives; a templated user name ({{SessionName}}) names no one user.
func (c *converter) mappedIdentity(username string, groups []string) {
	if username != "" && !strings.Contains(username, "{{") {
		c.userNode(username)
	}
	for _, g := range groups {
		if g != "" {
			c.groupNode(g)
		}
	}
}

// userNode returns the node a user name stands for: a service account's
// or a node's user name is that identity, any other a user.
func (c *converter) userNode(name string) *graphmodel.Node {
	if ns, sa, ok := k8srbac.ParseServiceAccountUsername(name); ok {
		return c.serviceAccount(ns, sa)
	}
	if node, ok := k8srbac.ParseNodeUsername(name); ok {
		return c.nodeIdentity(node)
	}
	n := c.node(graphmodel.K8sUser(c.cluster, name), graphmodel.KindK8sUser, name)
	if strings.HasPrefix(name, "system:") {
		n.SetProp(graphmodel.PropK8sBuiltin, "true")
		yes := true
		n.NonHuman = &yes
	}
	return n
}

// groupNode returns the node of a group.
func (c *converter) groupNode(name string) *graphmodel.Node {
	n := c.node(graphmodel.K8sGroup(c.cluster, name), graphmodel.KindK8sGroup, name)
	if strings.HasPrefix(name, "system:") {
		n.SetProp(graphmodel.PropK8sBuiltin, "true")
	}
	if name == k8srbac.GroupMasters {
		n.SetProp(graphmodel.PropK8sSuperuser, "true")
	}
	return n
}

// rbacObjects returns the inventory's RBAC objects as k8srbac objects.
func rbacObjects(inv *Inventory) k8srbac.Objects {
	var o k8srbac.Objects
	for _, r := range inv.ClusterRoles {
		o.ClusterRoles = append(o.ClusterRoles, k8srbac.ClusterRole{Name: r.Metadata.Name, Labels: r.Metadata.Labels,
			Rules: r.Rules, AggregationRule: r.AggregationRule})
	}
	for _, r := range inv.Roles {
		o.Roles = append(o.Roles, k8srbac.Role{Namespace: r.Metadata.Namespace, Name: r.Metadata.Name, Rules: r.Rules})
	}
	for _, b := range inv.ClusterRoleBindings {
		o.ClusterRoleBindings = append(o.ClusterRoleBindings, k8srbac.ClusterRoleBinding{Name: b.Metadata.Name,
			Subjects: b.Subjects, RoleRef: b.RoleRef})
	}
	for _, b := range inv.RoleBindings {
		o.RoleBindings = append(o.RoleBindings, k8srbac.RoleBinding{Namespace: b.Metadata.Namespace, Name: b.Metadata.Name,
			Subjects: b.Subjects, RoleRef: b.RoleRef})
	}
	return o
}

func (c *converter) rbac() {
	// system:masters exists in every cluster: the API server allows it
	// everything, whoever binds it.
	c.groupNode(k8srbac.GroupMasters)
	for i := range c.inv.ClusterRoles {
		r := &c.inv.ClusterRoles[i]
		n := c.object(kindByName["ClusterRole"], graphmodel.KindK8sClusterRole, &r.Metadata, r.Metadata.Labels)
		setDocument(n, graphmodel.DocK8sRules, nonNil(r.Rules))
		if r.AggregationRule != nil {
			setDocument(n, graphmodel.DocK8sAggregationRule, r.AggregationRule)
		}
	}
	for i := range c.inv.Roles {
		r := &c.inv.Roles[i]
		n := c.object(kindByName["Role"], graphmodel.KindK8sRole, &r.Metadata, r.Metadata.Labels)
		setDocument(n, graphmodel.DocK8sRules, nonNil(r.Rules))
	}
	policy := k8srbac.NewPolicy(rbacObjects(c.inv))
	for i := range c.inv.ClusterRoleBindings {
		b := &c.inv.ClusterRoleBindings[i]
		n := c.object(kindByName["ClusterRoleBinding"], graphmodel.KindK8sClusterRoleBinding, &b.Metadata, b.Metadata.Labels)
		c.binding(n, policy, "", b.Subjects, b.RoleRef)
	}
	for i := range c.inv.RoleBindings {
		b := &c.inv.RoleBindings[i]
		n := c.object(kindByName["RoleBinding"], graphmodel.KindK8sRoleBinding, &b.Metadata, b.Metadata.Labels)
		c.binding(n, policy, b.Metadata.Namespace, b.Subjects, b.RoleRef)
	}
	for _, is := range policy.Issues() {
		if is.Kind == k8srbac.IssueMissingRole && c.inv.Unlisted[is.Role.Kind] {
			continue // the gap of the unread list covers it
		}
		c.gap(is.Object.String(), is.Reason)
	}
}

func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// binding records a binding's documents, its role edge and its
// subjects' edges. namespace is "" for a ClusterRoleBinding.
func (c *converter) binding(n *graphmodel.Node, policy *k8srbac.Policy, namespace string, subjects []k8srbac.Subject, ref k8srbac.RoleRef) {
	n.SetProp(graphmodel.PropK8sRoleKind, ref.Kind)
	n.SetProp(graphmodel.PropK8sRoleName, ref.Name)
	setDocument(n, graphmodel.DocK8sSubjects, nonNil(subjects))
	setDocument(n, graphmodel.DocK8sRoleRef, ref)
	role := k8srbac.ObjectRef{Kind: ref.Kind, Name: ref.Name}
	switch {
	case ref.Kind == k8srbac.KindRole && namespace != "":
		role.Namespace = namespace
	case ref.Kind == k8srbac.KindClusterRole:
	default:
		role = k8srbac.ObjectRef{} // invalid: an issue says so
	}
	if !role.IsZero() {
		if _, exists := policy.Rules(role); exists || c.inv.Unlisted[role.Kind] {
			c.edge(n.ID, graphmodel.EdgeBindsRole, graphmodel.K8sObject(c.cluster, strings.ToLower(role.Kind), role.Namespace, role.Name))
		}
	}
	for _, s := range subjects {
		var sub *graphmodel.Node
		switch s.Kind {
		case k8srbac.KindUser:
			if s.Name != "" {
				sub = c.userNode(s.Name)
			}
		case k8srbac.KindGroup:
			if s.Name != "" {
				sub = c.groupNode(s.Name)
			}
		case k8srbac.KindServiceAccount:
			ns := s.Namespace
			if ns == "" {
				ns = namespace
			}
			if ns != "" && s.Name != "" {
				sub = c.serviceAccount(ns, s.Name)
			}
		}
		if sub != nil {
			c.edge(sub.ID, graphmodel.EdgeSubjectOf, n.ID)
		}
	}
}

// controllerOf returns a controller owner reference of m, if any.
func controllerOf(m *Meta) *OwnerReference {
	for i, o := range m.OwnerReferences {
		if o.Controller != nil && *o.Controller {
			return &m.OwnerReferences[i]
		}
	}
	return nil
}

// owner records the controller that owns m: its "<Kind>/<name>" and,
// when the collection holds it, a child_of edge to it.
func (c *converter) owner(n *graphmodel.Node, m *Meta) {
	o := controllerOf(m)
	if o == nil {
		return
	}
	n.SetProp(graphmodel.PropK8sOwner, o.Kind+"/"+o.Name)
	if id, ok := c.workloadIDs[o.Kind+"/"+m.Namespace+"/"+o.Name]; ok {
		c.edge(n.ID, graphmodel.EdgeChildOf, id)
	}
}

func (c *converter) pods() {
	k := kindByName["Pod"]
	c.indexWorkloads()
	for i := range c.inv.Pods {
		p := &c.inv.Pods[i]
		n := c.object(k, graphmodel.KindK8sPod, &p.Metadata, p.Metadata.Labels)
		setPodSpecFacts(n, &p.Spec)
		n.SetProp(graphmodel.PropK8sNodeName, p.Spec.NodeName)
		n.SetProp(graphmodel.PropK8sPhase, p.Status.Phase)
		c.edge(n.ID, graphmodel.EdgeCarriesRole, c.serviceAccount(p.Metadata.Namespace, serviceAccountOf(&p.Spec)).ID)
		if p.Spec.NodeName != "" {
			c.edge(n.ID, graphmodel.EdgeRunsOn, c.nodeIdentity(p.Spec.NodeName).ID)
		}
		c.owner(n, &p.Metadata)
	}
}

// indexWorkloads records the IDs of the collected workloads.
func (c *converter) indexWorkloads() {
	c.workloadIDs = map[string]string{}
	for _, w := range c.inv.Workloads {
		k := kindByName[w.Kind]
		c.workloadIDs[w.Kind+"/"+w.Metadata.Namespace+"/"+w.Metadata.Name] =
			graphmodel.K8sObject(c.cluster, k.idKind(), w.Metadata.Namespace, w.Metadata.Name)
	}
}

func (c *converter) workloads() {
	for i := range c.inv.Workloads {
		w := &c.inv.Workloads[i]
		k := kindByName[w.Kind]
		n := c.object(k, graphmodel.KindK8sWorkload, &w.Metadata, w.Metadata.Labels)
		if spec := w.PodTemplate(); spec != nil {
			setPodSpecFacts(n, spec)
			c.edge(n.ID, graphmodel.EdgeCarriesRole, c.serviceAccount(w.Metadata.Namespace, serviceAccountOf(spec)).ID)
		}
		c.owner(n, &w.Metadata)
	}
}

// memberships links identities to the built-in groups their
// authenticator puts them in, for every such group a binding or aws-auth
// names (system:masters has no implicit members).
func (c *converter) memberships() {
	has := func(g string) (string, bool) {
		id := graphmodel.K8sGroup(c.cluster, g)
		_, ok := c.nodes[id]
		return id, ok
	}
	ids := make([]string, 0, len(c.nodes))
	for id := range c.nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := c.nodes[id]
		var groups []string
		switch n.Kind {
		case graphmodel.KindK8sServiceAccount:
			ns := n.Prop(graphmodel.PropK8sNamespace)
			groups = []string{k8srbac.GroupServiceAccounts, k8srbac.GroupServiceAccountsPrefix + ns, k8srbac.GroupAuthenticated}
		case graphmodel.KindK8sNode:
			groups = []string{k8srbac.GroupNodes, k8srbac.GroupAuthenticated}
		case graphmodel.KindK8sUser:
			if n.Name == k8srbac.UserAnonymous {
				groups = []string{k8srbac.GroupUnauthenticated}
			} else {
				groups = []string{k8srbac.GroupAuthenticated}
			}
		}
		for _, g := range groups {
			if gid, ok := has(g); ok {
				c.edge(id, graphmodel.EdgeMemberOf, gid)
			}
		}
	}
}

func (c *converter) fragment() graphmodel.Fragment {
	nodes := make([]graphmodel.Node, 0, len(c.nodes))
	for _, n := range c.nodes {
		nodes = append(nodes, *n)
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
	graphmodel.SortEdges(c.edges)
	gaps := c.gaps
	if gaps == nil {
		gaps = []graphmodel.Gap{}
	}
	return graphmodel.Fragment{
		Source: graphmodel.Source{Collector: CollectorName, Provider: graphmodel.ProviderKubernetes, Scope: c.scope,
			CollectedAt: time.Time{}, Gaps: gaps},
		Nodes: nodes,
		Edges: c.edges,
	}
}
