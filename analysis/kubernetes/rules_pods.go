package kubernetes

import (
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// runPods (assign_sa, POD_CREATE): create pods, or create, update or
// patch a pod-creating workload, in a namespace: the capability run-pods
// there (every service account of the namespace) and, where Pod Security
// Admission admits host access, privileged-pods (every node). Updating a
// named workload that exists gives the same: its template may name any
// service account.
func (e *engine) runPods(u *unit) {
	c := e.c
	g := newGrant()
	for _, r := range k8srbac.PodCreatingRequests("") {
		g.union(where(u.rs, r.Verb, r.APIGroup, r.Resource, r.Subresource))
	}
	if !g.any() {
		return
	}
	if len(g.cluster) > 0 {
		ev := c.ruleEvidence(g.cluster, "create pods in every namespace")
		e.capability(u, capRunPods, "*", ev)
		for _, name := range c.nsOrder {
			if ns := c.namespaces[name]; ns.allowsHostAccess() {
				e.capability(u, capPrivileged, "*", append(append([]graphmodel.Evidence(nil), ev...), c.hostAccessEvidence(ns)...))
				break
			}
		}
		return
	}
	done := map[string]bool{}
	run := func(ns string, ev []graphmodel.Evidence) {
		done[ns] = true
		e.capability(u, capRunPods, ns, ev)
		if n := c.namespaces[ns]; n != nil && n.allowsHostAccess() {
			e.capability(u, capPrivileged, "*", append(append([]graphmodel.Evidence(nil), ev...), c.hostAccessEvidence(n)...))
		}
	}
	for _, ns := range g.namespaces() {
		run(ns, c.ruleEvidence(g.ns[ns], "create pods in namespace "+ns))
	}
	for _, w := range c.workloads {
		if done[w.ns] {
			continue
		}
		var ev []k8srbac.Evidence
		for _, x := range append(append([]k8srbac.Evidence(nil), g.named[[2]string{w.ns, w.name}]...), g.named[[2]string{"*", w.name}]...) {
			if x.Rule.AllowsAPIGroup(w.group) && x.Rule.AllowsResource(w.resource, "") && (x.Rule.AllowsVerb("update") || x.Rule.AllowsVerb("patch")) {
				ev = append(ev, x)
			}
		}
		if len(ev) > 0 {
			run(w.ns, c.ruleEvidence(ev, "rewrite the pod template of "+w.resource+" "+w.ns+"/"+w.name))
		}
	}
}

// podTakeovers (POD_EXEC, POD_ATTACH, POD_PATCH, pods_ephemeral_ctrs):
// exec or attach into, patch, or add an ephemeral container to running
// pods whose names the unit can read (get or list pods): what each pod
// holds (see cluster.takeover).
func (e *engine) podTakeovers(u *unit) {
	c := e.c
	read := whereAny(u.rs, []string{"get", "list", "watch"}, "", "pods", "")
	if !read.any() {
		return
	}
	for _, t := range []struct {
		technique, cap, sub, what string
		verbs                     []string
		privileged                bool
	}{
		{TechPodExec, capExec, "exec", "exec into pods", []string{"create"}, false},
		{TechPodAttach, capAttach, "attach", "attach to pods", []string{"create"}, false},
		{TechPodPatch, capPatchPods, "", "patch pods", []string{"update", "patch"}, false},
		{TechEphemeral, capEphemeral, "ephemeralcontainers", "add ephemeral containers to pods", []string{"update", "patch"}, true},
	} {
		g := whereAny(u.rs, t.verbs, "", "pods", t.sub)
		if !g.any() {
			continue
		}
		if len(g.cluster) > 0 && len(read.cluster) > 0 {
			e.capability(u, t.cap, "*", c.ruleEvidence(append(append([]k8srbac.Evidence(nil), g.cluster...), read.cluster...), t.what+" in every namespace"))
			continue
		}
		wide := map[string]bool{}
		for _, ns := range bothWide(g, read) {
			wide[ns] = true
			e.capability(u, t.cap, ns, c.ruleEvidence(append(append([]k8srbac.Evidence(nil), g.wide(ns)...), read.wide(ns)...), t.what+" in namespace "+ns))
		}
		for _, p := range e.namedPods(g, read) {
			if wide[p.ns] {
				continue
			}
			a, b := g.object(p.ns, p.name), read.object(p.ns, p.name)
			if len(a) == 0 || len(b) == 0 {
				continue
			}
			ns := c.namespaces[p.ns]
			e.targets(u, c.ruleEvidence(append(append([]k8srbac.Evidence(nil), a...), b...), t.what+": pod "+p.ns+"/"+p.name),
				c.takeover(p, t.technique, t.privileged && ns != nil && ns.allowsHostAccess()))
		}
	}
}

// namedPods returns the pods a named grant of a or b may cover.
func (e *engine) namedPods(a, b *grant) []*pod {
	seen := map[*pod]bool{}
	var out []*pod
	for _, g := range []*grant{a, b} {
		for _, k := range g.names() {
			for _, p := range e.c.podsByName[k[1]] {
				if (k[0] == "*" || k[0] == p.ns) && !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// nodesProxy (nodes_proxy): create or get nodes/proxy (the kubelet
// authorizes its exec by the HTTP verb: POST is create, a WebSocket's GET
// is get): exec into every pod of the node.
func (e *engine) nodesProxy(u *unit) {
	c := e.c
	g := whereClusterAny(u.rs, []string{"create", "get"}, "", "nodes", "proxy")
	if len(g.cluster) > 0 {
		e.capability(u, capNodesProxy, "*", c.ruleEvidence(g.cluster, "the kubelet API of every node"))
		return
	}
	for _, k := range g.names() {
		if n := c.nodes[k[1]]; n != nil {
			e.targets(u, c.ruleEvidence(g.named[k], "the kubelet API of node "+n.name), c.nodesProxyTargets([]*knode{n}))
		}
	}
}

// ownPods (TOKEN_STEAL, SECRET_VOLUME and the escapes): a service account
// is compromised when a workload running as it is taken over, or its
// credentials leak from one: it reaches what its running pods hold, the
// token Secrets and Secrets they mount, and the node of any that can
// escape onto it (or its pods' tokens, for one that only reads them).
func (e *engine) ownPods(u *unit) {
	if u.sa == nil {
		return
	}
	for _, p := range u.sa.pods {
		where := "pod " + p.ns + "/" + p.name
		for _, s := range p.tokenSecrets {
			e.become(u, s.sa.id, TechTokenSteal, fact(p.id, where+" mounts token Secret "+s.name+" of service account "+s.sa.ns+"/"+s.sa.name))
		}
		for _, s := range p.secrets {
			e.access(u, s.id, TechSecretVolume, graphmodel.AccessRead, fact(p.id, where+" mounts Secret "+s.name))
		}
		if p.node == nil {
			continue
		}
		if esc, ok := p.takesNode(); ok {
			e.become(u, p.node.id, esc.technique, fact(p.id, where+" runs on node "+p.node.name+" with "+esc.what))
			continue
		}
		if esc, ok := p.readsTokens(); ok {
			for _, q := range p.node.pods {
				if q != p && q.sa != nil && q.apiToken {
					e.become(u, q.sa.id, esc.technique, fact(p.id, where+" on node "+p.node.name+" reads its pods' tokens with "+esc.what+"; pod "+q.ns+"/"+q.name+" runs as "+q.sa.ns+"/"+q.sa.name))
				}
			}
		}
	}
}

// nodePods (TOKEN_STEAL): a node holds the tokens of the pods bound to it
// (their volumes are on its disk, and the Node authorizer lets its kubelet
// request them with the audiences the pods declare) and the Secrets they
// mount; a pod that mounts no token of its account gives none.
func (e *engine) nodePods(u *unit) {
	if u.node == nil {
		return
	}
	for _, p := range u.node.pods {
		where := "pod " + p.ns + "/" + p.name + " on node " + u.node.name
		if p.sa != nil && p.apiToken {
			e.become(u, p.sa.id, TechTokenSteal, fact(p.id, where+" mounts a token of service account "+p.sa.ns+"/"+p.sa.name))
		}
		for _, s := range p.tokenSecrets {
			e.become(u, s.sa.id, TechTokenSteal, fact(p.id, where+" mounts token Secret "+s.name+" of service account "+s.sa.ns+"/"+s.sa.name))
		}
		for _, s := range p.secrets {
			e.access(u, s.id, TechSecretVolume, graphmodel.AccessRead, fact(p.id, where+" mounts Secret "+s.name))
		}
	}
}
