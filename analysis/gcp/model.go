package gcp

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// model is what the rules read from a snapshot: the resource hierarchy,
// the allow and deny policies of every level, custom roles, the targets
// (scopes, service accounts, resources, vehicles) by project, and the
// principals with the bindings that may name them.
type model struct {
	now   time.Time
	ev    *gcppolicy.Evaluator
	nodes map[string]*graphmodel.Node

	// custom holds each custom role's permissions, roleNode its node.
	custom   map[string][]string
	roleNode map[string]*graphmodel.Node

	// parent is the next level up: a scope's parent scope (child_of), any
	// other node's Scope.
	parent  map[string]string
	allow   map[string]*gcppolicy.AllowPolicy
	deny    map[string][]*gcppolicy.DenyPolicy
	chainMu sync.Mutex
	chains  map[string][]gcppolicy.Level

	// scopes are every organization, folder and project, parents first.
	scopes   []string
	isScope  map[string]string // scope id → organization, folder or project
	children map[string][]string
	// projectsBelow caches the projects at or below a scope.
	belowMu       sync.Mutex
	projectsBelow map[string][]string
	// denyUnder caches the deny rules strictly below a scope (high.go).
	denyUnder map[string][]*gcppolicy.DenyRule

	// By project scope: its service accounts and resources.
	accounts  map[string][]string
	resources map[string][]string
	// projectOf is the project scope of a service account or resource.
	projectOf map[string]string
	// runsAs is the service accounts a resource runs as (carries_role).
	runsAs map[string][]string

	// bindings indexes the bindings of every allow policy by the key of
	// each member they name (gcppolicy.Member.Key); poolSets by pool those
	// that name a principal set of a workload identity pool.
	bindings map[string][]bindingRef
	poolSets map[string][]bindingRef
	// basic indexes, by member key, the convenience members
	// (projectOwner:<p>, …) a member satisfies by its basic role there.
	basic map[string][]string
	// customerKeys are the member keys of Cloud Identity customers, sorted.
	customerKeys []string

	principals []*principal
	byID       map[string]*principal
	// derived are the nodes the analysis adds (member sets, the public).
	derived map[string]graphmodel.Node
	// fixed are edges that need no evaluation (memberships, inheritance).
	fixed []graphmodel.Edge

	relevant []string // every permission a rule reads, sorted
	// uniformOff turns the uniform decision of a project off (the
	// per-principal reference).
	uniformOff bool

	// inheritCertain marks the scopes whose inheritance edge from their
	// parent is certain (rules_admin.go).
	inheritCertain map[string]bool
	// aug caches evaluators with one custom role augmented.
	augMu sync.Mutex
	aug   map[string]*gcppolicy.Evaluator
	// resNodes are the resources the analysis derives (organization
	// policies, API keys), by ID.
	resMu    sync.Mutex
	resNodes map[string]graphmodel.Node
}

// bindingRef is one binding of one level's allow policy.
type bindingRef struct {
	level string
	index int
	role  string
}

// The IDs of the derived identities and member sets.
const (
	// AllUsersID is anyone on the internet, authenticated or not.
	AllUsersID = "gcp:allUsers"
	// AllAuthenticatedUsersID is anyone signed in with a Google account.
	AllAuthenticatedUsersID = "gcp:allAuthenticatedUsers"
)

// DomainID returns the ID of the member set of a domain: gcp:domain:<d>.
func DomainID(domain string) string { return "gcp:domain:" + domain }

// CustomerID returns the ID of the member set of a Cloud Identity
// customer: gcp:customer:<id>.
func CustomerID(customer string) string { return "gcp:customer:" + customer }

// buildModel reads the GCP facts of snap.
func buildModel(snap *graphmodel.Snapshot, now time.Time) (*model, error) {
	m := &model{
		now: now, nodes: map[string]*graphmodel.Node{}, custom: map[string][]string{}, roleNode: map[string]*graphmodel.Node{},
		parent: map[string]string{}, allow: map[string]*gcppolicy.AllowPolicy{}, deny: map[string][]*gcppolicy.DenyPolicy{},
		chains: map[string][]gcppolicy.Level{}, isScope: map[string]string{}, children: map[string][]string{},
		projectsBelow: map[string][]string{}, denyUnder: map[string][]*gcppolicy.DenyRule{}, accounts: map[string][]string{}, resources: map[string][]string{},
		projectOf: map[string]string{}, runsAs: map[string][]string{}, bindings: map[string][]bindingRef{},
		poolSets: map[string][]bindingRef{}, basic: map[string][]string{}, byID: map[string]*principal{},
		derived: map[string]graphmodel.Node{}, resNodes: map[string]graphmodel.Node{},
	}
	roles := &gcppolicy.Roles{}
	for i := range snap.Nodes {
		n := &snap.Nodes[i]
		if n.Provider != graphmodel.ProviderGCP && n.Kind.Provider() != graphmodel.ProviderGCP {
			continue
		}
		m.nodes[n.ID] = n
		switch n.Kind {
		case graphmodel.KindGCPOrganization:
			m.isScope[n.ID] = "organization"
		case graphmodel.KindGCPFolder:
			m.isScope[n.ID] = "folder"
		case graphmodel.KindGCPProject:
			m.isScope[n.ID] = "project"
		case graphmodel.KindGCPRole:
			doc := n.Documents[graphmodel.DocGCPRole]
			if doc == nil || n.Prop(graphmodel.PropGCPRoleDeleted) == "true" {
				continue
			}
			def, err := gcppolicy.ParseCustomRole(doc)
			if err != nil {
				return nil, fmt.Errorf("gcp: role %s: %w", n.ID, err)
			}
			roles.AddCustom(def.Name, def.IncludedPermissions)
			m.custom[def.Name] = def.IncludedPermissions
			m.roleNode[def.Name] = n
		}
		if doc := n.Documents[graphmodel.DocGCPIAMPolicy]; doc != nil {
			p, err := gcppolicy.ParseAllowPolicy(doc)
			if err != nil {
				return nil, fmt.Errorf("gcp: allow policy of %s: %w", n.ID, err)
			}
			m.allow[n.ID] = p
		}
		var denyKeys []string
		for k := range n.Documents {
			if strings.HasPrefix(k, graphmodel.DocGCPDenyPolicyPrefix) {
				denyKeys = append(denyKeys, k)
			}
		}
		sort.Strings(denyKeys)
		for _, k := range denyKeys {
			d, err := gcppolicy.ParseDenyPolicy(n.Documents[k])
			if err != nil {
				return nil, fmt.Errorf("gcp: %s of %s: %w", k, n.ID, err)
			}
			m.deny[n.ID] = append(m.deny[n.ID], d)
		}
	}
	m.ev = &gcppolicy.Evaluator{Roles: roles, Now: now}
	for i := range snap.Edges {
		e := &snap.Edges[i]
		switch e.Kind {
		case graphmodel.EdgeChildOf:
			if m.isScope[e.From] != "" && m.isScope[e.To] != "" {
				m.parent[e.From] = e.To
			}
		case graphmodel.EdgeCarriesRole:
			if to := m.nodes[e.To]; to != nil && to.Kind == graphmodel.KindGCPServiceAccount && m.nodes[e.From] != nil {
				m.runsAs[e.From] = append(m.runsAs[e.From], e.To)
			}
		}
	}
	m.hierarchy()
	m.targets()
	m.indexBindings()
	m.relevant = relevantPermissions()
	if err := m.buildPrincipals(snap); err != nil {
		return nil, err
	}
	return m, nil
}

// hierarchy orders the scopes parents first and records children.
func (m *model) hierarchy() {
	ids := make([]string, 0, len(m.isScope))
	for id := range m.isScope {
		ids = append(ids, id)
		// A scope without a child_of edge may still name its parent.
		if _, ok := m.parent[id]; !ok {
			if s := m.nodes[id].Scope; s != "" && s != id && m.isScope[s] != "" {
				m.parent[id] = s
			}
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		if p, ok := m.parent[id]; ok {
			m.children[p] = append(m.children[p], id)
		}
	}
	depth := map[string]int{}
	var depthOf func(id string, seen int) int
	depthOf = func(id string, seen int) int {
		if d, ok := depth[id]; ok {
			return d
		}
		d := 0
		if p, ok := m.parent[id]; ok && seen < 64 {
			d = depthOf(p, seen+1) + 1
		}
		depth[id] = d
		return d
	}
	sort.SliceStable(ids, func(i, j int) bool { return depthOf(ids[i], 0) < depthOf(ids[j], 0) })
	m.scopes = ids
}

// targets indexes service accounts and resources by project.
func (m *model) targets() {
	ids := slices.Sorted(maps.Keys(m.nodes))
	for _, id := range ids {
		n := m.nodes[id]
		if n.Kind != graphmodel.KindGCPServiceAccount && n.Kind != graphmodel.KindGCPResource {
			continue
		}
		if n.Scope == "" || m.isScope[n.Scope] != "project" {
			continue
		}
		m.parent[id] = n.Scope
		m.projectOf[id] = n.Scope
		if n.Kind == graphmodel.KindGCPServiceAccount {
			m.accounts[n.Scope] = append(m.accounts[n.Scope], id)
		} else {
			m.resources[n.Scope] = append(m.resources[n.Scope], id)
		}
	}
	for v := range m.runsAs {
		sort.Strings(m.runsAs[v])
	}
}

// indexBindings indexes every binding by the members it names.
func (m *model) indexBindings() {
	levels := slices.Sorted(maps.Keys(m.allow))
	basicKind := map[string]string{"roles/owner": "projectOwner", "roles/editor": "projectEditor", "roles/viewer": "projectViewer"}
	for _, lv := range levels {
		for i, b := range m.allow[lv].Bindings {
			ref := bindingRef{level: lv, index: i, role: b.Role}
			for _, raw := range b.Members {
				mem, err := gcppolicy.ParseMember(raw)
				if err != nil {
					continue
				}
				if mem.Deleted {
					slog.Debug("gcp: deleted member ignored", "member", raw, "level", lv, "binding", i)
					continue
				}
				key := mem.Key()
				m.bindings[key] = append(m.bindings[key], ref)
				if mem.Kind == gcppolicy.MemberPrincipalSet && mem.Pool != "" {
					m.poolSets[mem.Pool] = append(m.poolSets[mem.Pool], ref)
				}
				if mem.Kind == gcppolicy.MemberPrincipalSet && mem.PoolID != "" && strings.HasSuffix(mem.PoolID, ".svc.id.goog") {
					m.poolSets[mem.PoolID] = append(m.poolSets[mem.PoolID], ref)
				}
				if conv, ok := basicKind[b.Role]; ok && b.Condition == nil && m.isScope[lv] == "project" {
					m.basic[key] = append(m.basic[key], conv+":"+m.nodes[lv].Prop(graphmodel.PropGCPProjectID))
				}
			}
		}
	}
}

// chain returns the policies that apply to id: its own, then its
// ancestors' up to the organization.
func (m *model) chain(id string) []gcppolicy.Level {
	m.chainMu.Lock()
	defer m.chainMu.Unlock()
	if c, ok := m.chains[id]; ok {
		return c
	}
	var c []gcppolicy.Level
	seen := map[string]bool{}
	for cur := id; cur != "" && !seen[cur]; cur = m.parent[cur] {
		seen[cur] = true
		c = append(c, gcppolicy.Level{Name: cur, Allow: m.allow[cur], Deny: m.deny[cur]})
	}
	m.chains[id] = c
	return c
}

// resourceOf returns the condition attributes of a target.
func (m *model) resourceOf(id string) *gcppolicy.Resource {
	n := m.nodes[id]
	if n == nil {
		return nil
	}
	// A resource's ID is the name conditions see (a bucket's
	// //storage.googleapis.com/projects/_/buckets/<b>); a scope's or a
	// service account's is not, its asset name is.
	name := n.Prop(graphmodel.PropGCPAssetName)
	if name == "" || n.Kind == graphmodel.KindGCPResource {
		name = id
	}
	return gcppolicy.ResourceFromAsset(name, n.Prop(graphmodel.PropGCPAssetType))
}

// target is the evaluation target of a node.
func (m *model) target(id string) gcppolicy.Target {
	return gcppolicy.Target{Resource: m.resourceOf(id), Levels: m.chain(id)}
}

// below returns the projects at or below scope, or the project of a
// service account or resource.
func (m *model) below(level string) []string {
	if p, ok := m.projectOf[level]; ok {
		return []string{p}
	}
	if m.isScope[level] == "" {
		return nil
	}
	m.belowMu.Lock()
	defer m.belowMu.Unlock()
	if list, ok := m.projectsBelow[level]; ok {
		return list
	}
	var list []string
	var walk func(s string, depth int)
	walk = func(s string, depth int) {
		if m.isScope[s] == "project" {
			list = append(list, s)
		}
		if depth > 64 {
			return
		}
		for _, c := range m.children[s] {
			walk(c, depth+1)
		}
	}
	walk(level, 0)
	sort.Strings(list)
	m.projectsBelow[level] = list
	return list
}

// projectNumber returns the number of a project scope.
func (m *model) projectNumber(project string) string {
	if n := m.nodes[project]; n != nil {
		return n.Prop(graphmodel.PropGCPProjectNumber)
	}
	return ""
}

// relevantPermissions returns every permission a rule reads, sorted.
func relevantPermissions() []string {
	set := map[string]bool{permActAs: true, permRolesUpdate: true, permOrgPolicySet: true}
	for _, r := range rules {
		for _, alts := range r.perms {
			for _, p := range alts {
				set[p] = true
			}
		}
	}
	for _, s := range scopeRules {
		set[s.permission] = true
	}
	for _, levels := range resourceAccess {
		for _, l := range levels {
			set[l.permission] = true
		}
	}
	for _, a := range apiKeyRules {
		for _, p := range a.perms {
			set[p] = true
		}
	}
	list := slices.Sorted(maps.Keys(set))
	return list
}
