package gcp

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// An administrator of an organization, folder or project is who may set
// its allow policy (resourcemanager.<kind>s.setIamPolicy, as roles/owner
// and roles/resourcemanager.projectIamAdmin may): it grants itself any
// role there. An editor may not, though iam.serviceAccounts.actAs often
// makes it one through a service account (rules_accounts.go).

// scopeRuleOf returns the administrator rule of a kind of scope.
func scopeRuleOf(kind string) scopeRule {
	for _, s := range scopeRules {
		if s.kind == kind {
			return s
		}
	}
	return scopeRule{}
}

// scopesBelow returns the scopes at or below the given levels (resources
// and service accounts below none).
func (m *model) scopesBelow(levels []string) map[string]bool {
	out := map[string]bool{}
	var walk func(s string, depth int)
	walk = func(s string, depth int) {
		if out[s] || depth > 64 {
			return
		}
		out[s] = true
		for _, c := range m.children[s] {
			walk(c, depth+1)
		}
	}
	for _, l := range levels {
		if m.isScope[l] != "" {
			walk(l, 0)
		}
	}
	return out
}

// coveredAbove reports whether an ancestor of scope s is in held and the
// inheritance from it down to s is certain.
func (m *model) coveredAbove(s string, held map[string]bool) bool {
	child := s
	for a, depth := m.parent[s], 0; a != "" && depth < 64; a, depth = m.parent[a], depth+1 {
		if !m.inheritCertain[child] {
			return false
		}
		if held[a] {
			return true
		}
		child = a
	}
	return false
}

// deriveAdmin finds the scopes p administers: the highest ones, since
// what is below a certainly administered scope comes through inheritance.
func (m *model) deriveAdmin(p *principal, r *results) {
	levels := p.levelsOf(permOrgSetIAM, permFolderSetIAM, permProjectSetIAM)
	if len(levels) == 0 {
		return
	}
	cand := m.scopesBelow(levels)
	for _, s := range m.scopes {
		if !cand[s] || m.coveredAbove(s, r.admin) {
			continue
		}
		sr := scopeRuleOf(m.isScope[s])
		v := m.check(p, sr.permission, s)
		r.add(finding{kind: graphmodel.EdgeAdminOf, to: s, technique: sr.technique}, v)
		if v.t == gcppolicy.Yes {
			r.admin[s] = true
		}
	}
}

// inheritance returns the edges from each scope to its children: an
// administrator of a folder grants itself a role there, which every
// folder and project below inherits. An edge is conditional when a deny
// policy of the child's chain may deny its administrator permission to
// whoever takes over (deny policies are not part of the allow policy an
// administrator rewrites).
func (m *model) inheritance() []graphmodel.Edge {
	m.inheritCertain = map[string]bool{}
	var out []graphmodel.Edge
	for _, s := range m.scopes {
		parent, ok := m.parent[s]
		if !ok {
			continue
		}
		sr := scopeRuleOf(m.isScope[s])
		var conds []string
		for _, lv := range m.chain(s) {
			for _, d := range lv.Deny {
				for i, rule := range d.Rules {
					if rule.DenyRule != nil && rule.DenyRule.Covers(sr.permission) {
						name := d.DisplayName
						if name == "" {
							name = d.Name
						}
						conds = append(conds, fmt.Sprintf("deny policy %q rule %d at %s may deny %s", name, i, lv.Name, sr.permission))
					}
				}
			}
		}
		e := graphmodel.Edge{From: parent, To: s, Kind: graphmodel.EdgeAdminOf, Technique: TechInheritance,
			Evidence: []graphmodel.Evidence{{Source: s, Statement: -1,
				Note: fmt.Sprintf("in %s: roles granted there apply here, %s among them", parent, sr.permission)}}}
		if len(conds) > 0 {
			e.Conditional, e.Conditions = true, conds
		}
		m.inheritCertain[s] = len(conds) == 0
		out = append(out, e)
	}
	return out
}

// certainBelow returns the projects at or below scope s that an
// administrator of s certainly administers through inheritance.
func (m *model) certainBelow(s string) []string {
	var out []string
	var walk func(x string, depth int)
	walk = func(x string, depth int) {
		if m.isScope[x] == "project" {
			out = append(out, x)
		}
		if depth > 64 {
			return
		}
		for _, c := range m.children[x] {
			if m.inheritCertain[c] {
				walk(c, depth+1)
			}
		}
	}
	walk(s, 0)
	return out
}

// deriveUpdateRole: a principal that holds a custom role and may update it
// adds any permission to it, so it administers where it holds the role (a
// scope's setIamPolicy, a service account's getAccessToken).
func (m *model) deriveUpdateRole(p *principal, r *results) {
	var roles []string
	for _, ref := range p.refs {
		if _, ok := m.custom[ref.role]; ok && !slices.Contains(roles, ref.role) {
			roles = append(roles, ref.role)
		}
	}
	sort.Strings(roles)
	for _, role := range roles {
		owner := m.roleNode[role].Scope
		if m.isScope[owner] == "" {
			continue
		}
		u := m.check(p, permRolesUpdate, owner)
		if u.t == gcppolicy.No {
			continue
		}
		var levels []string
		for _, ref := range p.refs {
			if ref.role == role && !slices.Contains(levels, ref.level) {
				levels = append(levels, ref.level)
			}
		}
		for _, lv := range levels {
			var f finding
			var perm string
			switch n := m.nodes[lv]; {
			case m.isScope[lv] != "":
				sr := scopeRuleOf(m.isScope[lv])
				f, perm = finding{kind: graphmodel.EdgeAdminOf, to: lv, technique: TechUpdateRole}, sr.permission
				if m.coveredAbove(lv, r.admin) || r.admin[lv] {
					continue
				}
			case n != nil && n.Kind == graphmodel.KindGCPServiceAccount && lv != p.id:
				f, perm = finding{kind: graphmodel.EdgeCanBecome, to: lv, technique: TechUpdateRole}, permGetAccessToken
			default:
				continue
			}
			v := m.checkAugmented(p, role, perm, lv)
			if v.t == gcppolicy.No {
				continue
			}
			v = and(u, v).with(graphmodel.Evidence{Source: m.roleNode[role].ID, Statement: -1,
				Note: "a custom role it holds and may update: add " + perm + " to it"})
			r.add(f, v)
			if f.kind == graphmodel.EdgeAdminOf && v.t == gcppolicy.Yes {
				r.admin[lv] = true
			}
		}
	}
}

// checkAugmented decides perm on target for p as if the custom role
// included perm, keeping only the grants of that role.
func (m *model) checkAugmented(p *principal, role, perm, target string) verdict {
	ev := m.augmented(role, perm)
	d := ev.Check(p.p, perm, m.target(target))
	best := gcppolicy.No
	var grants []gcppolicy.Grant
	for _, g := range d.Grants {
		if g.Role == role {
			best = best.Or(g.Verdict)
			grants = append(grants, g)
		}
	}
	if best == gcppolicy.No {
		return no
	}
	d.Grants = grants
	d.Verdict = best.And(d.Verdict)
	return fromDecision(d)
}

// augmented returns an evaluator whose custom role includes perm besides
// its own permissions.
func (m *model) augmented(role, perm string) *gcppolicy.Evaluator {
	m.augMu.Lock()
	defer m.augMu.Unlock()
	key := role + "\x00" + perm
	if ev, ok := m.aug[key]; ok {
		return ev
	}
	roles := &gcppolicy.Roles{}
	for name, perms := range m.custom {
		if name == role {
			perms = append(append([]string(nil), perms...), perm)
		}
		roles.AddCustom(name, perms)
	}
	ev := &gcppolicy.Evaluator{Roles: roles, Now: m.now}
	if m.aug == nil {
		m.aug = map[string]*gcppolicy.Evaluator{}
	}
	m.aug[key] = ev
	return ev
}

// deriveOrgPolicy: orgpolicy.policy.set lets a principal lift the
// constraints of a scope and of everything below it (service account key
// creation, cross-project service account use, public access prevention,
// …): administrator access to the scope's organization policies, a
// derived resource.
func (m *model) deriveOrgPolicy(p *principal, r *results) {
	levels := p.levels[permOrgPolicySet]
	if len(levels) == 0 {
		return
	}
	cand := m.scopesBelow(levels)
	held := map[string]bool{}
	for _, s := range m.scopes {
		if !cand[s] || m.coveredAbove(s, held) {
			continue
		}
		v := m.check(p, permOrgPolicySet, s)
		if v.t == gcppolicy.No {
			continue
		}
		if v.t == gcppolicy.Yes {
			held[s] = true
		}
		r.add(finding{kind: graphmodel.EdgeCanAccess, to: m.orgPolicyNode(s), technique: TechOrgConstraints, access: graphmodel.AccessAdmin}, v)
	}
}

// deriveAPIKeys: creating API keys of a project, or reading existing ones.
func (m *model) deriveAPIKeys(p *principal, r *results) {
	for _, rule := range apiKeyRules {
		levels := p.levelsOf(rule.perms...)
		projects := m.projectsOf(levels)
		for _, pr := range projects {
			v := m.checkAny(p, rule.perms, pr)
			if v.t == gcppolicy.No {
				continue
			}
			r.add(finding{kind: graphmodel.EdgeCanAccess, to: m.apiKeysNode(pr), technique: rule.technique, access: graphmodel.Access(rule.access)}, v)
		}
	}
}

// projectsOf returns the projects at or below the scopes among levels
// (the service accounts and resources among them are left out), sorted.
func (m *model) projectsOf(levels []string) []string {
	set := map[string]bool{}
	for _, l := range levels {
		if m.isScope[l] == "" {
			continue
		}
		for _, pr := range m.below(l) {
			set[pr] = true
		}
	}
	out := slices.Sorted(maps.Keys(set))
	return out
}

// orgPolicyNode returns the ID of the derived resource that stands for the
// organization policies of scope s, creating it once.
func (m *model) orgPolicyNode(s string) string {
	rel := m.relativeName(s)
	id := "//orgpolicy.googleapis.com/" + rel + "/policies"
	m.derivedResource(graphmodel.Node{ID: id, Kind: graphmodel.KindGCPResource, Provider: graphmodel.ProviderGCP,
		Name: "organization policies of " + rel, Scope: s})
	return id
}

// apiKeysNode returns the ID of the derived resource that stands for the
// API keys of project pr.
func (m *model) apiKeysNode(pr string) string {
	rel := m.relativeName(pr)
	id := "//apikeys.googleapis.com/" + rel + "/keys"
	n := graphmodel.Node{ID: id, Kind: graphmodel.KindGCPResource, Provider: graphmodel.ProviderGCP,
		Name: "API keys of " + rel, Scope: pr}
	n.SetProp(graphmodel.PropResourceClass, string(graphmodel.ResourceSecret))
	m.derivedResource(n)
	return id
}

// relativeName is projects/<id>, folders/<n> or organizations/<n>.
func (m *model) relativeName(s string) string {
	kind, id, _ := strings.Cut(strings.TrimPrefix(s, "gcp:"), ":")
	return kind + "s/" + id
}

// derivedResource records a node the analysis adds, once.
func (m *model) derivedResource(n graphmodel.Node) {
	m.resMu.Lock()
	defer m.resMu.Unlock()
	if _, ok := m.resNodes[n.ID]; !ok {
		m.resNodes[n.ID] = n
	}
}
