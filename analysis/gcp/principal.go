package gcp

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// principal is one holder of grants the rules evaluate: an identity or a
// group of the snapshot, or a member set the analysis derives (a domain, a
// Cloud Identity customer, allUsers, allAuthenticatedUsers).
type principal struct {
	id   string
	p    gcppolicy.Principal
	isSA bool
	// inherits are the nodes whose derived edges it holds through a
	// member_of edge (its groups, its domain, the pool sets that certainly
	// hold it); public are the public identities whose reach is anyone's.
	// What those reach is not repeated as the principal's own edges.
	inherits, public []string
	// refs are the bindings that may name it, itself or as a member.
	refs []bindingRef
	// evaluate is false for a principal whose grants all come from one
	// node it inherits: it holds nothing of its own to derive.
	evaluate bool
	// levels lists, by permission, the levels where some binding of refs
	// grants a role that includes it.
	levels map[string][]string
	// cache holds the decisions made for it (one goroutine per principal).
	cache map[checkKey]verdict
}

type checkKey struct {
	perm, target string
	uniform      bool
}

// memberOfNode returns the IAM member a node of the snapshot stands for.
func memberOfNode(n *graphmodel.Node) (gcppolicy.Member, bool) {
	switch n.Kind {
	case graphmodel.KindGCPUser, graphmodel.KindGCPGroup, graphmodel.KindGCPServiceAccount,
		graphmodel.KindGCPPrincipal, graphmodel.KindGCPPrincipalSet:
	default:
		return gcppolicy.Member{}, false
	}
	return gcppolicy.MemberOfID(n.ID)
}

// buildPrincipals makes the principals of the snapshot and of the member
// sets its bindings name, with their memberships and candidate bindings.
func (m *model) buildPrincipals(snap *graphmodel.Snapshot) error {
	// Group memberships as collected (member_of into a Google group).
	direct := map[string][]string{}
	for i := range snap.Edges {
		e := &snap.Edges[i]
		if e.Kind != graphmodel.EdgeMemberOf {
			continue
		}
		if g := m.nodes[e.To]; g != nil && g.Kind == graphmodel.KindGCPGroup {
			direct[e.From] = append(direct[e.From], e.To)
		}
	}
	groupsOf := func(id string) []string {
		seen := map[string]bool{}
		var out []string
		stack := append([]string(nil), direct[id]...)
		for len(stack) > 0 {
			g := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[g] || g == id {
				continue
			}
			seen[g] = true
			out = append(out, g)
			stack = append(stack, direct[g]...)
		}
		sort.Strings(out)
		return out
	}

	// The member sets and public identities bindings name.
	keys := slices.Sorted(maps.Keys(m.bindings))
	for _, k := range keys {
		switch {
		case strings.HasPrefix(k, "domain:"):
			d := strings.TrimPrefix(k, "domain:")
			m.derived[DomainID(d)] = graphmodel.Node{ID: DomainID(d), Kind: KindMemberSet, Provider: graphmodel.ProviderGCP,
				Name: "every account of " + d, Aliases: []string{k}}
		case strings.HasPrefix(k, "cloudIdentityCustomerId:"):
			m.customerKeys = append(m.customerKeys, k)
			c := strings.TrimPrefix(k, "cloudIdentityCustomerId:")
			m.derived[CustomerID(c)] = graphmodel.Node{ID: CustomerID(c), Kind: KindMemberSet, Provider: graphmodel.ProviderGCP,
				Name: "every account of Cloud Identity customer " + c, Aliases: []string{"principalSet://goog/cloudIdentityCustomerId/" + c}}
		case k == string(gcppolicy.MemberAllUsers):
			m.derived[AllUsersID] = graphmodel.Node{ID: AllUsersID, Kind: KindPublic, Provider: graphmodel.ProviderExternal,
				Name: "allUsers (anyone on the internet)", Aliases: []string{"allUsers"}}
		case k == string(gcppolicy.MemberAllAuthenticatedUsers):
			m.derived[AllAuthenticatedUsersID] = graphmodel.Node{ID: AllAuthenticatedUsersID, Kind: KindPublic, Provider: graphmodel.ProviderExternal,
				Name: "allAuthenticatedUsers (anyone with a Google account)", Aliases: []string{"allAuthenticatedUsers"}}
		}
	}
	_, hasAll := m.derived[AllUsersID]
	_, hasAuth := m.derived[AllAuthenticatedUsersID]
	if hasAll && hasAuth {
		m.fixed = append(m.fixed, graphmodel.Edge{From: AllAuthenticatedUsersID, To: AllUsersID, Kind: graphmodel.EdgeMemberOf,
			Technique: TechAuthenticatedIsPublic, Evidence: []graphmodel.Evidence{{Source: "allAuthenticatedUsers", Statement: -1,
				Note: "anyone signed in with a Google account is also anyone on the internet"}}})
	}

	// Principals: the identities and groups of the snapshot, then the
	// derived sets, in ID order.
	type cand struct {
		id  string
		mem gcppolicy.Member
	}
	var cands []cand
	ids := slices.Sorted(maps.Keys(m.nodes))
	for _, id := range ids {
		if mem, ok := memberOfNode(m.nodes[id]); ok {
			cands = append(cands, cand{id, mem})
		}
	}
	derivedIDs := slices.Sorted(maps.Keys(m.derived))
	for _, id := range derivedIDs {
		mem, err := gcppolicy.ParseMember(m.derived[id].Aliases[0])
		if err != nil {
			return err
		}
		cands = append(cands, cand{id, mem})
	}
	for _, c := range cands {
		p := m.principal(c.id, c.mem, groupsOf(c.id))
		m.principals = append(m.principals, p)
		m.byID[p.id] = p
	}
	return nil
}

// principal builds one principal: its memberships and candidate bindings.
func (m *model) principal(id string, mem gcppolicy.Member, groups []string) *principal {
	p := &principal{id: id, isSA: mem.Kind == gcppolicy.MemberServiceAccount, cache: map[checkKey]verdict{}}
	emails := make([]string, 0, len(groups))
	for _, g := range groups {
		emails = append(emails, strings.TrimPrefix(g, "gcp:group:"))
	}
	p.p = gcppolicy.Principal{Member: mem, Groups: emails}

	sources := map[string]bool{}
	seen := map[bindingRef]bool{}
	add := func(source string, refs []bindingRef) {
		for _, r := range refs {
			sources[source] = true
			if !seen[r] {
				seen[r] = true
				p.refs = append(p.refs, r)
			}
		}
	}
	holds := map[string]bool{}
	addKey := func(source, key string) {
		add(source, m.bindings[key])
		for _, h := range m.basic[key] {
			holds[h] = true
			add(source, m.bindings[h])
		}
	}
	addKey(id, mem.Key())
	for _, g := range groups {
		addKey(g, g)
		p.inherits = append(p.inherits, g)
	}
	if mem.Kind == gcppolicy.MemberUser || mem.Kind == gcppolicy.MemberGroup {
		if _, d, ok := strings.Cut(mem.Email, "@"); ok {
			if _, exists := m.derived[DomainID(d)]; exists {
				addKey(DomainID(d), "domain:"+d)
				p.inherits = append(p.inherits, DomainID(d))
				m.fixed = append(m.fixed, graphmodel.Edge{From: id, To: DomainID(d), Kind: graphmodel.EdgeMemberOf,
					Technique: TechDomainMember, Evidence: []graphmodel.Evidence{{Source: mem.Raw, Statement: -1,
						Note: "its address is in the domain " + d}}})
			}
		}
		if mem.Kind == gcppolicy.MemberUser {
			for _, key := range m.customerKeys {
				add(id, m.bindings[key]) // undecided: the customer of an account is not collected
			}
		}
	}
	if mem.Kind != gcppolicy.MemberAllUsers {
		if _, ok := m.derived[AllUsersID]; ok {
			addKey(AllUsersID, string(gcppolicy.MemberAllUsers))
			if id != AllAuthenticatedUsersID {
				p.public = append(p.public, AllUsersID)
			} else {
				p.inherits = append(p.inherits, AllUsersID)
			}
		}
		if _, ok := m.derived[AllAuthenticatedUsersID]; ok && id != AllAuthenticatedUsersID {
			addKey(AllAuthenticatedUsersID, string(gcppolicy.MemberAllAuthenticatedUsers))
			p.public = append(p.public, AllAuthenticatedUsersID)
		}
	}
	m.poolMemberships(p, mem, add)
	for h := range holds {
		p.p.Holds = append(p.p.Holds, h)
	}
	sort.Strings(p.p.Holds)
	sort.Strings(p.inherits)

	others := 0
	for s := range sources {
		if s != id && s != AllUsersID && s != AllAuthenticatedUsersID {
			others++
		}
	}
	p.evaluate = sources[id] || others >= 2 || (id == AllAuthenticatedUsersID && len(p.refs) > 0)
	p.levels = map[string][]string{}
	if p.evaluate {
		m.indexLevels(p)
	}
	return p
}

// poolMemberships adds the bindings of the principal sets of the
// principal's workload identity pool: a set that certainly holds it is a
// membership (a member_of edge), one that may hold it is a binding of its
// own to decide.
func (m *model) poolMemberships(p *principal, mem gcppolicy.Member, add func(string, []bindingRef)) {
	pool := mem.Pool
	if pool == "" && mem.Kind == gcppolicy.MemberKubernetesServiceAccount {
		pool = mem.PoolID
	}
	if pool == "" {
		return
	}
	for _, ref := range m.poolSets[pool] {
		for _, raw := range m.allow[ref.level].Bindings[ref.index].Members {
			set, err := gcppolicy.ParseMember(raw)
			if err != nil || set.Kind != gcppolicy.MemberPrincipalSet || set.ID() == p.id {
				continue
			}
			switch p.p.Matches(set) {
			case gcppolicy.Yes:
				if _, exists := m.nodes[set.ID()]; exists {
					add(set.ID(), []bindingRef{ref})
					if !slices.Contains(p.inherits, set.ID()) {
						p.inherits = append(p.inherits, set.ID())
						m.fixed = append(m.fixed, graphmodel.Edge{From: p.id, To: set.ID(), Kind: graphmodel.EdgeMemberOf,
							Technique: TechPoolMember, Evidence: []graphmodel.Evidence{{Source: set.Raw, Statement: -1,
								Note: "the principal set selects every identity of its pool it matches"}}})
					}
				} else {
					add(p.id, []bindingRef{ref})
				}
			case gcppolicy.Maybe:
				add(p.id, []bindingRef{ref})
			}
		}
	}
}

// indexLevels records, for every permission a rule reads, the levels
// where a candidate binding of p grants it.
func (m *model) indexLevels(p *principal) {
	for _, ref := range p.refs {
		perms, ok := m.ev.Roles.Permissions(ref.role)
		if !ok {
			continue
		}
		for _, perm := range m.relevant {
			i := sort.SearchStrings(perms, perm)
			if i < len(perms) && perms[i] == perm && !slices.Contains(p.levels[perm], ref.level) {
				p.levels[perm] = append(p.levels[perm], ref.level)
			}
		}
	}
}

// levelsOf returns the levels where p may hold any of perms.
func (p *principal) levelsOf(perms ...string) []string {
	if len(perms) == 1 {
		return p.levels[perms[0]]
	}
	var out []string
	for _, perm := range perms {
		for _, l := range p.levels[perm] {
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	return out
}
