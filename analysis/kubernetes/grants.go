package kubernetes

import (
	"sort"

	"github.com/blastradius/blastradius/k8srbac"
)

// grant is where a subject may make one kind of request (a verb on a
// resource): everywhere, in some namespaces on every object, or on named
// objects only. It is what the rules ask of a RuleSet: a pod-creation
// rule needs every namespace where create pods is allowed, an exec rule
// every pod exec is allowed on.
type grant struct {
	// cluster is the evidence allowing the request on every object of
	// every namespace (and on cluster-scoped objects).
	cluster []k8srbac.Evidence
	// ns is, by namespace, the evidence allowing it on every object there.
	ns map[string][]k8srbac.Evidence
	// named is, by namespace ("*" for every namespace, "" for a
	// cluster-scoped object) and name, the evidence allowing it on that
	// object only (rules with resourceNames).
	named map[[2]string][]k8srbac.Evidence
}

// any reports whether the request is allowed anywhere.
func (g *grant) any() bool { return len(g.cluster) > 0 || len(g.ns) > 0 || len(g.named) > 0 }

// wide returns the evidence allowing the request on every object of
// namespace ns ("" asks for every namespace at once).
func (g *grant) wide(ns string) []k8srbac.Evidence {
	if len(g.cluster) > 0 || ns == "" {
		return g.cluster
	}
	return g.ns[ns]
}

// object returns the evidence allowing the request on the object name of
// namespace ns ("" for a cluster-scoped object).
func (g *grant) object(ns, name string) []k8srbac.Evidence {
	if ev := g.wide(ns); len(ev) > 0 {
		return ev
	}
	if ev := g.named[[2]string{ns, name}]; len(ev) > 0 {
		return ev
	}
	return g.named[[2]string{"*", name}]
}

// namespaces returns, sorted, the namespaces where the request is allowed
// on every object (not counting the cluster-wide grant).
func (g *grant) namespaces() []string {
	out := make([]string, 0, len(g.ns))
	for ns := range g.ns {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// names returns, sorted, the (namespace, name) keys of named grants.
func (g *grant) names() [][2]string {
	out := make([][2]string, 0, len(g.named))
	for k := range g.named {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out
}

// union adds h's grants to g.
func (g *grant) union(h *grant) {
	g.cluster = append(g.cluster, h.cluster...)
	for ns, ev := range h.ns {
		g.ns[ns] = append(g.ns[ns], ev...)
	}
	for k, ev := range h.named {
		g.named[k] = append(g.named[k], ev...)
	}
}

// newGrant returns an empty grant.
func newGrant() *grant {
	return &grant{ns: map[string][]k8srbac.Evidence{}, named: map[[2]string][]k8srbac.Evidence{}}
}

// where returns the grant of rs for verb on a namespaced resource (group,
// resource, subresource): ClusterRoleBindings grant in every namespace,
// RoleBindings in theirs.
func where(rs *k8srbac.RuleSet, verb, group, resource, sub string) *grant {
	return collect(rs, true, verb, group, resource, sub)
}

// whereCluster returns the grant of rs for verb on a cluster-scoped
// resource: only ClusterRoleBindings grant there; named grants are keyed
// by namespace "".
func whereCluster(rs *k8srbac.RuleSet, verb, group, resource, sub string) *grant {
	return collect(rs, false, verb, group, resource, sub)
}

// collect is where (namespaced) or whereCluster (not namespaced): named
// grants of ClusterRoleBindings are keyed by namespace "*" on a
// namespaced resource, "" on a cluster-scoped one.
func collect(rs *k8srbac.RuleSet, namespaced bool, verb, group, resource, sub string) *grant {
	g := newGrant()
	if rs.Superuser {
		_, ev := rs.Allows(verb, group, resource, sub, "", "")
		g.cluster = ev
		return g
	}
	add := func(e k8srbac.Evidence, ns string) {
		r := e.Rule
		if !r.AllowsVerb(verb) || !r.AllowsAPIGroup(group) || !r.AllowsResource(resource, sub) {
			return
		}
		switch {
		case len(r.ResourceNames) > 0:
			key := ns
			if key == "" && namespaced {
				key = "*"
			}
			for _, name := range r.ResourceNames {
				g.named[[2]string{key, name}] = append(g.named[[2]string{key, name}], e)
			}
		case ns == "":
			g.cluster = append(g.cluster, e)
		default:
			g.ns[ns] = append(g.ns[ns], e)
		}
	}
	for _, e := range rs.Cluster {
		add(e, "")
	}
	if !namespaced {
		return g
	}
	for ns, list := range rs.Namespaced {
		for _, e := range list {
			add(e, ns)
		}
	}
	return g
}

// whereAny is the union of where over several verbs.
func whereAny(rs *k8srbac.RuleSet, verbs []string, group, resource, sub string) *grant {
	g := newGrant()
	for _, v := range verbs {
		g.union(where(rs, v, group, resource, sub))
	}
	return g
}

// whereClusterAny is the union of whereCluster over several verbs.
func whereClusterAny(rs *k8srbac.RuleSet, verbs []string, group, resource, sub string) *grant {
	g := newGrant()
	for _, v := range verbs {
		g.union(whereCluster(rs, v, group, resource, sub))
	}
	return g
}

// bothWide returns, sorted, the namespaces where both a and b allow every
// object (not counting where both allow it cluster-wide, which the caller
// asks first): only those a or b name need be looked at.
func bothWide(a, b *grant) []string {
	var candidates []string
	switch {
	case len(a.cluster) > 0:
		candidates = b.namespaces()
	case len(b.cluster) > 0:
		candidates = a.namespaces()
	default:
		for _, ns := range a.namespaces() {
			if len(b.ns[ns]) > 0 {
				candidates = append(candidates, ns)
			}
		}
	}
	return candidates
}
