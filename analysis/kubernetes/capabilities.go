package kubernetes

import (
	"github.com/blastradius/blastradius/graphmodel"
)

// A capability is what a subject allowed one thing on every object of a
// namespace (or of every namespace) can reach: the same targets whoever
// the subject is, so that a permission set can hold them once.
type capability struct {
	// what completes "subjects that can …" in a set's name.
	what string
	// targets lists what it yields in namespace ns ("*": every namespace).
	targets func(c *cluster, ns string) []target
}

// The capabilities, by name.
const (
	capRunPods        = "run-pods"
	capPrivileged     = "privileged-pods"
	capMintTokens     = "mint-tokens"
	capIssueTokens    = "issue-token-secrets"
	capListSecrets    = "list-secrets"
	capGetSecrets     = "get-secrets"
	capExec           = "exec"
	capAttach         = "attach"
	capPatchPods      = "patch-pods"
	capEphemeral      = "ephemeral-containers"
	capImpersonateSA  = "impersonate-serviceaccounts"
	capImpersonateU   = "impersonate-users"
	capImpersonateG   = "impersonate-groups"
	capNodesProxy     = "nodes-proxy"
	capSeeAdmitted    = "validating-webhooks"
	guessedSecretName = "the Secret's name must be known or guessed (get without list or watch)"
)

var capabilities = map[string]capability{
	capRunPods:    {"run pods", runPodsTargets},
	capPrivileged: {"run privileged pods", privilegedPodsTargets},
	capMintTokens: {"request service-account tokens", func(c *cluster, ns string) []target {
		return c.saTargets(ns, TechTokenRequest, "a token of any audience for")
	}},
	capIssueTokens: {"issue token Secrets", func(c *cluster, ns string) []target {
		return c.saTargets(ns, TechIssueTokenSecrets, "a token Secret it creates and reads for")
	}},
	capListSecrets: {"list Secrets", func(c *cluster, ns string) []target { return c.secretTargets(ns, TechTokenList) }},
	capGetSecrets: {"get Secrets by name", func(c *cluster, ns string) []target {
		return c.secretTargets(ns, TechTokenBruteforce, guessedSecretName)
	}},
	capExec:          {"exec into pods", func(c *cluster, ns string) []target { return c.podTargets(ns, TechPodExec, false) }},
	capAttach:        {"attach to pods", func(c *cluster, ns string) []target { return c.podTargets(ns, TechPodAttach, false) }},
	capPatchPods:     {"patch pods", func(c *cluster, ns string) []target { return c.podTargets(ns, TechPodPatch, false) }},
	capEphemeral:     {"add ephemeral containers", func(c *cluster, ns string) []target { return c.podTargets(ns, TechEphemeral, true) }},
	capImpersonateSA: {"impersonate service accounts", func(c *cluster, ns string) []target { return c.saTargets(ns, TechImpersonate, "impersonates") }},
	capImpersonateU:  {"impersonate users", func(c *cluster, _ string) []target { return c.userTargets() }},
	capImpersonateG:  {"impersonate groups", func(c *cluster, _ string) []target { return c.groupTargets() }},
	capNodesProxy:    {"use the kubelet API of every node", func(c *cluster, _ string) []target { return c.nodesProxyTargets(nil) }},
	capSeeAdmitted:   {"see every admitted object", func(c *cluster, _ string) []target { return c.admittedTargets() }},
}

// namespacesOf returns the namespace ns, or every namespace for "*".
func (c *cluster) namespacesOf(ns string) []*namespace {
	if ns != "*" {
		if n := c.namespaces[ns]; n != nil {
			return []*namespace{n}
		}
		return nil
	}
	out := make([]*namespace, 0, len(c.nsOrder))
	for _, name := range c.nsOrder {
		out = append(out, c.namespaces[name])
	}
	return out
}

// runPodsTargets: every service account of the namespace (assign_sa).
func runPodsTargets(c *cluster, ns string) []target {
	return c.saTargets(ns, TechAssignSA, "a pod it creates runs as")
}

// privilegedPodsTargets: every node but Fargate ones (POD_CREATE), for
// whoever may create pods in a namespace that admits privileged pods:
// one capability for the whole cluster, whatever the namespace, so that
// its edges to the nodes are shared.
func privilegedPodsTargets(c *cluster, _ string) []target {
	var out []target
	for _, k := range c.nodeOrder {
		if !k.fargate {
			out = append(out, target{kind: graphmodel.EdgeCanBecome, to: k.id, technique: TechPodCreate,
				evidence: fact(k.id, "a privileged pod with nodeName "+k.name+" takes the node")})
		}
	}
	return out
}

// hostAccessEvidence says why namespace ns admits privileged pods.
func (c *cluster) hostAccessEvidence(ns *namespace) []graphmodel.Evidence {
	level := ns.enforce
	if level == "" {
		level = "unset, the default privileged"
	}
	return fact(graphmodel.K8sObject(c.name, "namespace", "", ns.name),
		"namespace "+ns.name+" admits privileged and host pods (Pod Security Admission enforce: "+level+")")
}

// saTargets: every listed service account of the namespace.
func (c *cluster) saTargets(ns, technique, what string) []target {
	var out []target
	for _, n := range c.namespacesOf(ns) {
		for _, sa := range n.sas {
			if sa.listed {
				out = append(out, c.saTarget(sa, technique, what))
			}
		}
	}
	return out
}

// saTarget is the edge to one service account.
func (c *cluster) saTarget(sa *serviceAccount, technique, what string) target {
	return target{kind: graphmodel.EdgeCanBecome, to: sa.id, technique: technique,
		evidence: fact(sa.id, what+" service account "+sa.ns+"/"+sa.name)}
}

// secretTargets: read access to every Secret of the namespace and the
// service account of every token Secret, conditional when conditions
// are given.
func (c *cluster) secretTargets(ns, tokenTechnique string, conditions ...string) []target {
	var out []target
	for _, n := range c.namespacesOf(ns) {
		for _, s := range n.secrets {
			out = append(out, c.secretTarget(s, tokenTechnique, conditions...)...)
		}
	}
	return out
}

// secretTarget: read access to one Secret, and its service account for a
// token Secret.
func (c *cluster) secretTarget(s *secret, tokenTechnique string, conditions ...string) []target {
	out := []target{{kind: graphmodel.EdgeCanAccess, to: s.id, technique: TechRetrieveSecrets, access: graphmodel.AccessRead,
		evidence: fact(s.id, "reads Secret "+s.ns+"/"+s.name), conditions: conditions}}
	if s.sa != nil {
		out = append(out, target{kind: graphmodel.EdgeCanBecome, to: s.sa.id, technique: tokenTechnique, conditions: conditions,
			evidence: fact(s.id, "Secret "+s.ns+"/"+s.name+" holds a token of service account "+s.sa.ns+"/"+s.sa.name)})
	}
	return out
}

// podTargets: what taking over each running pod of the namespace yields
// (see takeover); with privileged, also the node of each pod where Pod
// Security Admission allows a privileged container to join it.
func (c *cluster) podTargets(ns, technique string, privileged bool) []target {
	var out []target
	for _, n := range c.namespacesOf(ns) {
		for _, p := range n.pods {
			out = append(out, c.takeover(p, technique, privileged && n.allowsHostAccess())...)
		}
	}
	return out
}

// takeover is what running code in pod p yields: its service account when
// it holds a token of it the API server accepts, the service accounts of
// the token Secrets it mounts, the Secrets it mounts, and its node when
// it can escape there (or, with privileged, when a privileged container
// may join it), else the tokens of its node's pods when it reads them.
func (c *cluster) takeover(p *pod, technique string, privileged bool) []target {
	var out []target
	where := "pod " + p.ns + "/" + p.name
	if p.sa != nil && p.apiToken {
		out = append(out, target{kind: graphmodel.EdgeCanBecome, to: p.sa.id, technique: technique,
			evidence: fact(p.id, where+" runs as service account "+p.sa.ns+"/"+p.sa.name+" and mounts its token")})
	}
	for _, s := range p.tokenSecrets {
		out = append(out, target{kind: graphmodel.EdgeCanBecome, to: s.sa.id, technique: technique,
			evidence: fact(p.id, where+" mounts token Secret "+s.name+" of service account "+s.sa.ns+"/"+s.sa.name)})
	}
	for _, s := range p.secrets {
		out = append(out, target{kind: graphmodel.EdgeCanAccess, to: s.id, technique: technique, access: graphmodel.AccessRead,
			evidence: fact(p.id, where+" mounts Secret "+s.name)})
	}
	if p.node == nil {
		return out
	}
	if e, ok := p.takesNode(); ok {
		out = append(out, target{kind: graphmodel.EdgeCanBecome, to: p.node.id, technique: technique,
			evidence: fact(p.id, where+" on node "+p.node.name+" escapes to it: "+e.what+" ("+e.technique+")")})
		return out
	}
	if privileged && !p.node.fargate {
		out = append(out, target{kind: graphmodel.EdgeCanBecome, to: p.node.id, technique: technique,
			evidence: fact(p.id, "a privileged ephemeral container in "+where+" escapes to node "+p.node.name+" (namespace "+p.ns+" admits privileged containers)")})
		return out
	}
	if e, ok := p.readsTokens(); ok {
		for _, q := range p.node.pods {
			if q != p && q.sa != nil && q.apiToken {
				out = append(out, target{kind: graphmodel.EdgeCanBecome, to: q.sa.id, technique: technique,
					evidence: fact(p.id, where+" reads the tokens of node "+p.node.name+"'s pods: "+e.what+" ("+e.technique+"); pod "+q.ns+"/"+q.name+" runs as "+q.sa.ns+"/"+q.sa.name)})
			}
		}
	}
	return out
}

// userTargets: every user (a node's user name is the node).
func (c *cluster) userTargets() []target {
	var out []target
	for _, u := range c.users {
		out = append(out, target{kind: graphmodel.EdgeCanBecome, to: u.ID, technique: TechImpersonate,
			evidence: fact(u.ID, "impersonates user "+u.Name)})
	}
	for _, k := range c.nodeOrder {
		out = append(out, target{kind: graphmodel.EdgeCanBecome, to: k.id, technique: TechImpersonate,
			evidence: fact(k.id, "impersonates user system:node:"+k.name)})
	}
	return out
}

// groupTargets: every group.
func (c *cluster) groupTargets() []target {
	var out []target
	for _, name := range sortedKeys(c.groups) {
		g := c.groups[name]
		out = append(out, target{kind: graphmodel.EdgeCanBecome, to: g.ID, technique: TechImpersonate,
			evidence: fact(g.ID, "impersonates group "+name)})
	}
	return out
}

// nodesProxyTargets: what the kubelet API of each node gives (exec into
// every pod on it); nodes nil means every node.
func (c *cluster) nodesProxyTargets(nodes []*knode) []target {
	if nodes == nil {
		nodes = c.nodeOrder
	}
	var out []target
	for _, k := range nodes {
		for _, p := range k.pods {
			out = append(out, c.takeover(p, TechNodesProxy, false)...)
		}
	}
	return out
}

// admittedTargets: every Secret, read as it is next written (a validating
// webhook sees each object admitted).
func (c *cluster) admittedTargets() []target {
	var out []target
	for _, s := range c.secrets {
		out = append(out, target{kind: graphmodel.EdgeCanAccess, to: s.id, technique: TechControlWebhooks, access: graphmodel.AccessRead,
			evidence:   fact(s.id, "a validating webhook receives Secret "+s.ns+"/"+s.name+" when it is written"),
			conditions: []string{"the object must be created or updated while the webhook is registered"}})
	}
	return out
}

// capTargets returns the targets of a pending capability.
func (e *engine) capTargets(k capKey) []target {
	return capabilities[k.capability].targets(e.c, k.ns)
}
