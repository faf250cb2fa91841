package kubernetes

import (
	"github.com/blastradius/blastradius/k8srbac"
)

// tokenRequest (token_request): create serviceaccounts/token: a token of
// any audience for the service accounts it names, or every one of the
// namespace.
func (e *engine) tokenRequest(u *unit) {
	g := where(u.rs, "create", "", "serviceaccounts", "token")
	if !g.any() {
		return
	}
	e.namespaced(u, g, capMintTokens, "create serviceaccounts/token", func(ns, name string) []target {
		return e.c.saNamed(ns, name, TechTokenRequest, "a token of any audience for")
	})
}

// issueTokenSecrets (issue_token_secrets): create Secrets and read them
// (get, list or watch on every Secret) in a namespace: a token Secret the
// token controller fills for any service account there.
func (e *engine) issueTokenSecrets(u *unit) {
	c := e.c
	create := where(u.rs, "create", "", "secrets", "")
	if len(create.cluster) == 0 && len(create.ns) == 0 {
		return
	}
	read := whereAny(u.rs, []string{"get", "list", "watch"}, "", "secrets", "")
	both := func(ns string) []k8srbac.Evidence {
		a, b := create.wide(ns), read.wide(ns)
		if len(a) == 0 || len(b) == 0 {
			return nil
		}
		return append(append([]k8srbac.Evidence(nil), a...), b...)
	}
	if ev := both(""); len(ev) > 0 {
		e.capability(u, capIssueTokens, "*", c.ruleEvidence(ev, "create and read Secrets in every namespace"))
		return
	}
	for _, ns := range bothWide(create, read) {
		if ev := both(ns); len(ev) > 0 {
			e.capability(u, capIssueTokens, ns, c.ruleEvidence(ev, "create and read Secrets in namespace "+ns))
		}
	}
}

// secrets (TOKEN_LIST, TOKEN_BRUTEFORCE, retrieve_token_secrets,
// retrieve_secrets): list or watch Secrets reads every one in scope, and
// a token Secret is its service account; get on Secrets without list or
// watch reads one only by its name (conditional); get (or a list with a
// field selector on the name) of a named Secret reads it.
func (e *engine) secrets(u *unit) {
	c := e.c
	list := whereAny(u.rs, []string{"list", "watch"}, "", "secrets", "")
	get := where(u.rs, "get", "", "secrets", "")
	if !list.any() && !get.any() {
		return
	}
	listed := map[string]bool{}
	if len(list.cluster) > 0 {
		e.capability(u, capListSecrets, "*", c.ruleEvidence(list.cluster, "list Secrets in every namespace"))
	} else {
		for _, ns := range list.namespaces() {
			listed[ns] = true
			e.capability(u, capListSecrets, ns, c.ruleEvidence(list.ns[ns], "list Secrets in namespace "+ns))
		}
	}
	if len(list.cluster) == 0 {
		if len(get.cluster) > 0 {
			e.capability(u, capGetSecrets, "*", c.ruleEvidence(get.cluster, "get Secrets by name in every namespace"))
		} else {
			for _, ns := range get.namespaces() {
				if !listed[ns] {
					e.capability(u, capGetSecrets, ns, c.ruleEvidence(get.ns[ns], "get Secrets by name in namespace "+ns))
				}
			}
		}
	}
	named := newGrant()
	named.named = get.named
	for k, ev := range list.named {
		named.named[k] = append(named.named[k], ev...)
	}
	for _, k := range named.names() {
		for _, n := range c.namespacesOf(k[0]) {
			if len(list.wide(n.name)) > 0 {
				continue // listed: every Secret there is read already
			}
			for _, s := range n.secrets {
				if s.name == k[1] {
					e.targets(u, c.ruleEvidence(named.named[k], "get Secret "+s.ns+"/"+s.name), c.secretTarget(s, TechRetrieveTokenSecrets))
				}
			}
		}
	}
}
