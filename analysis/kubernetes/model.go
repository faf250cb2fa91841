package kubernetes

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// cluster is what the analysis knows of one cluster of the snapshot: its
// RBAC resolved (with the EKS access entries of the same cluster as the
// bindings that allow the same), its namespaces, service accounts, pods,
// nodes, secrets, users and groups, each read from the collector's
// nodes and properties.
type cluster struct {
	name, scope string
	// eks is set when the cluster runs on EKS (the platform the collector
	// recognized, or an aws-auth ConfigMap): aws-auth maps IAM principals
	// to Kubernetes identities, and kube-apiserver-client CSRs are never
	// signed.
	eks bool
	// awsAuth is the kube-system/aws-auth ConfigMap's node, nil when the
	// collection holds none.
	awsAuth *graphmodel.Node
	// rbac are the RBAC objects read, policy them resolved.
	rbac   k8srbac.Objects
	policy *k8srbac.Policy
	// synthetic maps the EKS access bindings (k8srbac.EKSAccessBindings)
	// to the access entry node whose policies they stand for.
	synthetic map[string]string

	namespaces map[string]*namespace
	nsOrder    []string
	sas        map[string]*serviceAccount // by ID
	saOrder    []*serviceAccount
	pods       []*pod
	nodes      map[string]*knode // by node name
	nodeOrder  []*knode
	secrets    []*secret
	workloads  []workload
	podsByName map[string][]*pod
	// clusterRoles and roles are the role names, sorted (roles by
	// namespace); adminRoles the ClusterRoles allowing everything.
	clusterRoles []string
	roles        map[string][]string
	adminRoles   []string
	users        []*graphmodel.Node
	groups       map[string]*graphmodel.Node // by group name
	// memberOf lists, by identity ID, the groups its member_of facts name.
	memberOf map[string][]string
	// derived are nodes the analysis adds for this cluster: the users EKS
	// access entries enter as, when no binding names them.
	derived []graphmodel.Node
	// derivedMemberships are the member_of edges of derived users.
	derivedMemberships []graphmodel.Edge
}

// workload is a pod-creating object.
type workload struct {
	ns, name, group, resource string
}

// podWorkload returns the pod-creating resource of a workload's kind.
func podWorkload(kind string) (k8srbac.PodWorkload, bool) {
	for _, w := range k8srbac.PodWorkloads {
		if w.Kind == kind {
			return w, true
		}
	}
	return k8srbac.PodWorkload{}, false
}

// namespace is one namespace and what lives in it.
type namespace struct {
	name string
	// enforce is the Pod Security Admission enforce level ("" when the
	// label is absent: the cluster's default, privileged unless the
	// admission configuration says otherwise).
	enforce string
	sas     []*serviceAccount
	pods    []*pod
	secrets []*secret
}

// allowsHostAccess reports whether Pod Security Admission lets pods of
// the namespace be privileged or share the host (hostPath, hostPID,
// hostNetwork): baseline and restricted forbid all of them.
func (ns *namespace) allowsHostAccess() bool {
	return ns.enforce != "baseline" && ns.enforce != "restricted"
}

// serviceAccount is one service account.
type serviceAccount struct {
	id, ns, name string
	// automount is its automountServiceAccountToken ("", "true", "false").
	automount string
	// listed is false for an account the collection only saw named.
	listed bool
	pods   []*pod
}

// pod is one pod that is not finished, with what its containers hold.
type pod struct {
	id, ns, name string
	sa           *serviceAccount
	node         *knode
	// apiToken is set when a container holds a token of the pod's service
	// account the API server accepts (the automounted one, or a projected
	// token without audience).
	apiToken bool
	// secretNames are the names of the Secrets its containers mount, as
	// its spec says; tokenSecrets are the service-account token Secrets
	// among them, secrets every one that exists.
	secretNames  []string
	tokenSecrets []*secret
	secrets      []*secret
	// escapes are the ways out of its containers onto the node.
	escapes []escape
}

// escape is one way out of a pod's container onto its node.
type escape struct {
	technique string
	// what says which setting allows it ("privileged container app").
	what string
	// tokensOnly is set for an escape that reads the tokens of the node's
	// pods without taking the node (a read-only hostPath of
	// /var/lib/kubelet/pods).
	tokensOnly bool
}

// knode is one node, as the identity its kubelet authenticates as and
// the machine its pods run on.
type knode struct {
	id, name string
	// fargate is set for an EKS Fargate node: one pod per virtual machine,
	// no privileged or host-sharing pod is admitted.
	fargate bool
	pods    []*pod
}

// secret is one Secret's metadata.
type secret struct {
	id, ns, name, typ string
	// sa is the service account of a token Secret.
	sa *serviceAccount
}

// shortName returns an object's name without its namespace.
func shortName(n *graphmodel.Node) string {
	return strings.TrimPrefix(n.Name, n.Prop(graphmodel.PropK8sNamespace)+"/")
}

// clusterName returns the cluster a Kubernetes node belongs to: its
// scope's name, or the cluster node's own name.
func clusterName(n *graphmodel.Node) string {
	if n.Kind == graphmodel.KindK8sCluster {
		return strings.TrimPrefix(n.ID, "k8s:cluster:")
	}
	return strings.TrimPrefix(n.Scope, "k8s:cluster:")
}

// loadClusters reads every cluster of the snapshot.
func loadClusters(snap *graphmodel.Snapshot) ([]*cluster, error) {
	byName := map[string]*cluster{}
	var order []string
	get := func(name string) *cluster {
		c := byName[name]
		if c == nil {
			c = &cluster{name: name, scope: graphmodel.K8sClusterScope(name), namespaces: map[string]*namespace{},
				sas: map[string]*serviceAccount{}, nodes: map[string]*knode{}, groups: map[string]*graphmodel.Node{},
				memberOf: map[string][]string{}, synthetic: map[string]string{}, podsByName: map[string][]*pod{},
				roles: map[string][]string{}}
			byName[name] = c
			order = append(order, name)
		}
		return c
	}
	nodes := map[string]*graphmodel.Node{}
	var entries []*graphmodel.Node
	for i := range snap.Nodes {
		n := &snap.Nodes[i]
		nodes[n.ID] = n
		if isAccessEntry(n) {
			entries = append(entries, n)
		}
		if n.Provider != graphmodel.ProviderKubernetes || !strings.HasPrefix(string(n.Kind), "k8s.") {
			continue
		}
		name := clusterName(n)
		if name == "" {
			continue
		}
		c := get(name)
		if err := c.read(n); err != nil {
			return nil, err
		}
	}
	for _, e := range snap.Edges {
		if e.Kind != graphmodel.EdgeMemberOf || !strings.HasPrefix(e.From, "k8s:") {
			continue
		}
		if g := nodes[e.To]; g != nil && g.Kind == graphmodel.KindK8sGroup {
			c := byName[clusterName(g)]
			if c != nil {
				c.memberOf[e.From] = append(c.memberOf[e.From], e.To)
			}
		}
	}
	sort.Strings(order)
	var out []*cluster
	for _, name := range order {
		c := byName[name]
		c.accessEntries(entries, nodes[c.scope])
		c.policy = k8srbac.NewPolicy(c.rbac)
		c.link(nodes)
		c.indexRoles()
		out = append(out, c)
	}
	return out, nil
}

// decode reads the document key of n into v, when n has it.
func decode(n *graphmodel.Node, key string, v any) error {
	doc, ok := n.Documents[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(doc, v); err != nil {
		return fmt.Errorf("%s: document %s: %w", n.ID, key, err)
	}
	return nil
}

// read records one node of the cluster.
func (c *cluster) read(n *graphmodel.Node) error {
	o := &c.rbac
	ns := n.Prop(graphmodel.PropK8sNamespace)
	switch n.Kind {
	case graphmodel.KindK8sCluster:
		if n.Prop(graphmodel.PropK8sPlatform) == "eks" {
			c.eks = true
		}
	case graphmodel.KindK8sNamespace:
		c.namespace(n.Name).enforce = n.Prop(graphmodel.PropK8sPSAEnforce)
	case graphmodel.KindK8sServiceAccount:
		sa := &serviceAccount{id: n.ID, ns: ns, name: shortName(n), automount: n.Prop(graphmodel.PropK8sAutomountToken),
			listed: n.Prop(graphmodel.PropK8sReferencedOnly) != "true"}
		c.sas[n.ID] = sa
	case graphmodel.KindK8sNode:
		k := &knode{id: n.ID, name: n.Name, fargate: n.Tags["eks.amazonaws.com/compute-type"] == "fargate"}
		c.nodes[n.Name] = k
	case graphmodel.KindK8sPod:
		if phase := n.Prop(graphmodel.PropK8sPhase); phase == "Succeeded" || phase == "Failed" {
			return nil // its containers are gone, and its tokens with them
		}
		p, err := readPod(n)
		if err != nil {
			return err
		}
		c.pods = append(c.pods, p)
	case graphmodel.KindK8sResource:
		switch n.Prop(graphmodel.PropK8sObjectKind) {
		case "Secret":
			c.secrets = append(c.secrets, &secret{id: n.ID, ns: ns, name: shortName(n), typ: n.Prop(graphmodel.PropK8sSecretType)})
		case "ConfigMap":
			if ns == "kube-system" && shortName(n) == "aws-auth" {
				c.awsAuth = n
				c.eks = true
			}
		}
	case graphmodel.KindK8sWorkload:
		if r, ok := podWorkload(n.Prop(graphmodel.PropK8sObjectKind)); ok {
			c.workloads = append(c.workloads, workload{ns: ns, name: shortName(n), group: r.Group, resource: r.Resource})
		}
	case graphmodel.KindK8sUser:
		c.users = append(c.users, n)
	case graphmodel.KindK8sGroup:
		c.groups[n.Name] = n
	case graphmodel.KindK8sClusterRole:
		r := k8srbac.ClusterRole{Name: n.Name, Labels: n.Tags}
		if err := decode(n, graphmodel.DocK8sRules, &r.Rules); err != nil {
			return err
		}
		if err := decode(n, graphmodel.DocK8sAggregationRule, &r.AggregationRule); err != nil {
			return err
		}
		o.ClusterRoles = append(o.ClusterRoles, r)
	case graphmodel.KindK8sRole:
		r := k8srbac.Role{Namespace: ns, Name: shortName(n)}
		if err := decode(n, graphmodel.DocK8sRules, &r.Rules); err != nil {
			return err
		}
		o.Roles = append(o.Roles, r)
	case graphmodel.KindK8sClusterRoleBinding:
		b := k8srbac.ClusterRoleBinding{Name: n.Name}
		if err := decode(n, graphmodel.DocK8sSubjects, &b.Subjects); err != nil {
			return err
		}
		if err := decode(n, graphmodel.DocK8sRoleRef, &b.RoleRef); err != nil {
			return err
		}
		o.ClusterRoleBindings = append(o.ClusterRoleBindings, b)
	case graphmodel.KindK8sRoleBinding:
		b := k8srbac.RoleBinding{Namespace: ns, Name: shortName(n)}
		if err := decode(n, graphmodel.DocK8sSubjects, &b.Subjects); err != nil {
			return err
		}
		if err := decode(n, graphmodel.DocK8sRoleRef, &b.RoleRef); err != nil {
			return err
		}
		o.RoleBindings = append(o.RoleBindings, b)
	}
	return nil
}

// namespace returns the namespace named name, recording it when new.
func (c *cluster) namespace(name string) *namespace {
	ns := c.namespaces[name]
	if ns == nil {
		ns = &namespace{name: name}
		c.namespaces[name] = ns
	}
	return ns
}

// link joins what read recorded: service accounts, pods, secrets and
// nodes to their namespaces and to each other, in ID order.
func (c *cluster) link(nodes map[string]*graphmodel.Node) {
	for _, sa := range c.sas {
		c.saOrder = append(c.saOrder, sa)
	}
	sort.Slice(c.saOrder, func(i, j int) bool { return c.saOrder[i].id < c.saOrder[j].id })
	for _, sa := range c.saOrder {
		ns := c.namespace(sa.ns)
		ns.sas = append(ns.sas, sa)
	}
	for _, k := range c.nodes {
		c.nodeOrder = append(c.nodeOrder, k)
	}
	sort.Slice(c.nodeOrder, func(i, j int) bool { return c.nodeOrder[i].id < c.nodeOrder[j].id })
	secrets := map[[2]string]*secret{}
	sort.Slice(c.secrets, func(i, j int) bool { return c.secrets[i].id < c.secrets[j].id })
	for _, s := range c.secrets {
		secrets[[2]string{s.ns, s.name}] = s
		if s.typ == secretTypeToken {
			if n := nodes[s.id]; n != nil {
				if name := n.Prop(graphmodel.PropK8sServiceAccount); name != "" {
					id, _ := graphmodel.K8sServiceAccount(c.name, s.ns, name)
					s.sa = c.sas[id]
				}
			}
		}
		ns := c.namespace(s.ns)
		ns.secrets = append(ns.secrets, s)
	}
	sort.Slice(c.pods, func(i, j int) bool { return c.pods[i].id < c.pods[j].id })
	for _, p := range c.pods {
		n := nodes[p.id]
		saID, _ := graphmodel.K8sServiceAccount(c.name, p.ns, n.Prop(graphmodel.PropK8sServiceAccount))
		p.sa = c.sas[saID]
		if p.sa != nil {
			p.sa.pods = append(p.sa.pods, p)
		}
		if name := n.Prop(graphmodel.PropK8sNodeName); name != "" {
			p.node = c.nodes[name]
			if p.node != nil {
				p.node.pods = append(p.node.pods, p)
			}
		}
		// A pod's setting wins over its service account's; unset on both,
		// the token is mounted.
		automount := n.Prop(graphmodel.PropK8sAutomountToken)
		if automount == "" && p.sa != nil {
			automount = p.sa.automount
		}
		if automount != "false" {
			p.apiToken = true
		}
		for _, name := range p.secretNames {
			if s := secrets[[2]string{p.ns, name}]; s != nil {
				p.secrets = append(p.secrets, s)
				if s.sa != nil {
					p.tokenSecrets = append(p.tokenSecrets, s)
				}
			}
		}
		ns := c.namespace(p.ns)
		ns.pods = append(ns.pods, p)
		c.podsByName[p.name] = append(c.podsByName[p.name], p)
	}
	for name := range c.namespaces {
		c.nsOrder = append(c.nsOrder, name)
	}
	sort.Strings(c.nsOrder)
	sort.Slice(c.users, func(i, j int) bool { return c.users[i].ID < c.users[j].ID })
}

// indexRoles records the roles' names, and which ClusterRoles allow
// everything (cluster-admin and its like).
func (c *cluster) indexRoles() {
	o := &c.rbac
	for _, r := range o.ClusterRoles {
		ref := k8srbac.ObjectRef{Kind: k8srbac.KindClusterRole, Name: r.Name}
		rules, ok := c.policy.Rules(ref)
		if !ok || len(rules) == 0 || strings.HasPrefix(r.Name, k8srbac.EKSAccessRolePrefix) {
			continue // a role that grants nothing, or an EKS access policy's stand-in
		}
		c.clusterRoles = append(c.clusterRoles, r.Name)
		for _, er := range rules {
			if allowsEverything(er.Rule) {
				c.adminRoles = append(c.adminRoles, r.Name)
				break
			}
		}
	}
	for _, r := range o.Roles {
		if len(r.Rules) > 0 {
			c.roles[r.Namespace] = append(c.roles[r.Namespace], r.Name)
		}
	}
	sort.Strings(c.clusterRoles)
	sort.Strings(c.adminRoles)
	for ns := range c.roles {
		sort.Strings(c.roles[ns])
	}
}

// allowsEverything reports whether a rule allows every verb on every
// resource of every API group.
func allowsEverything(r k8srbac.PolicyRule) bool {
	return len(r.ResourceNames) == 0 && slices.Contains(r.Verbs, k8srbac.All) && slices.Contains(r.APIGroups, k8srbac.All) &&
		slices.Contains(r.Resources, k8srbac.All)
}
