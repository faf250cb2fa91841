// Package gcp derives the Google Cloud part of the attack graph from a
// snapshot: it evaluates the allow policies of every level of the resource
// hierarchy (organization → folders → project → resource) for every
// principal the policies name, members of every form (users, service
// accounts, groups with their members where collected, domains, allUsers,
// allAuthenticatedUsers, workload identity pool principals and principal
// sets; deleted members are ignored), with conditions decided where they
// can be and deny policies subtracting (gcppolicy), and applies the
// privilege escalation methods of RhinoSecurityLabs'
// GCP-IAM-Privilege-Escalation, each edge carrying the bindings that
// allow it.
//
// One file per technique family: rules_admin.go (administrators of
// organizations, folders and projects, inheritance, custom role updates,
// organization policies, API keys), rules_accounts.go (what reaches a
// service account: its tokens, keys and policy, new and existing compute
// that runs as it, service agents), rules_resources.go (read, write or
// administrator access to buckets, secrets, topics and datasets). The
// machinery that keeps the graph linear in the estate is apart: the
// uniform decision of a whole project (eval.go) and permission sets
// (sets.go).
package gcp

import (
	"context"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Analyzer is the GCP deriver; it satisfies analysis.Deriver.
type Analyzer struct {
	now time.Time
	// perPrincipal decides every target principal by principal, without
	// the uniform decision of a project nor permission sets (the reference
	// they are tested against).
	perPrincipal bool
	// minSet overrides MinPermissionSetMembers when positive.
	minSet int
}

// New returns an analyzer that decides time conditions against the current time.
func New() *Analyzer { return &Analyzer{} }

// NewAt returns an analyzer that decides time conditions against now.
func NewAt(now time.Time) *Analyzer { return &Analyzer{now: now} }

// Name returns "gcp".
func (a *Analyzer) Name() string { return "gcp" }

// Derive returns the attack-graph edges the GCP facts of snap prove, and
// the nodes those edges need: member sets of domains, the public,
// permission sets, and the organization policies and API keys of scopes.
func (a *Analyzer) Derive(ctx context.Context, snap *graphmodel.Snapshot) ([]graphmodel.Node, []graphmodel.Edge, error) {
	now := a.now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	m, err := buildModel(snap, now)
	if err != nil {
		return nil, nil, err
	}
	if len(m.principals) == 0 && len(m.scopes) == 0 {
		return nil, nil, nil
	}
	m.uniformOff = a.perPrincipal
	edges := m.inheritance()
	res := make([]*results, len(m.principals))
	for i, p := range m.principals {
		if p.evaluate {
			res[i] = newResults()
		}
	}
	// Administrators first: the other families skip what they administer.
	if err := m.each(ctx, res, func(p *principal, r *results) {
		m.deriveAdmin(p, r)
		m.deriveUpdateRole(p, r)
	}); err != nil {
		return nil, nil, err
	}
	m.cover(res)
	if err := m.each(ctx, res, func(p *principal, r *results) {
		m.deriveAccounts(p, r)
		m.deriveResources(p, r)
		m.deriveOrgPolicy(p, r)
		m.deriveAPIKeys(p, r)
	}); err != nil {
		return nil, nil, err
	}
	minSet := MinPermissionSetMembers
	if a.minSet > 0 {
		minSet = a.minSet
	}
	if a.perPrincipal {
		minSet = int(^uint(0) >> 1)
	}
	nodes, derived := m.assemble(res, minSet)
	edges = append(edges, m.fixed...)
	edges = append(edges, derived...)
	return nodes, edges, ctx.Err()
}

// each runs derive for every principal that is evaluated, on all cores,
// and stops early when ctx is done.
func (m *model) each(ctx context.Context, res []*results, derive func(*principal, *results)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(m.principals))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(m.principals) || ctx.Err() != nil {
					return
				}
				if res[i] != nil {
					derive(m.principals[i], res[i])
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// cover records, for each principal, the projects it or a node it inherits
// from certainly administers.
func (m *model) cover(res []*results) {
	projects := map[string][]string{} // principal → projects it administers itself
	for i, p := range m.principals {
		if res[i] == nil {
			continue
		}
		for s := range res[i].admin {
			projects[p.id] = append(projects[p.id], m.certainBelow(s)...)
		}
	}
	for i, p := range m.principals {
		if res[i] == nil {
			continue
		}
		for _, id := range append([]string{p.id}, p.inherits...) {
			for _, pr := range projects[id] {
				res[i].covered[pr] = true
			}
		}
	}
}

// inSet reports whether q joined the permission set of technique of scope
// s or of a scope above it.
func (m *model) inSet(q *results, s, technique string) bool {
	for depth := 0; s != "" && depth < 64; s, depth = m.parent[s], depth+1 {
		if _, ok := q.joined[setKey{s, technique}]; ok {
			return true
		}
	}
	return false
}

// assemble turns the principals' findings into nodes and edges: what a
// principal inherits from a group, a domain or a pool set, or what the
// public reaches, is left to them; permission sets with enough members
// become nodes, the others are spread into edges per member.
func (m *model) assemble(res []*results, minSet int) ([]graphmodel.Node, []graphmodel.Edge) {
	byID := map[string]*results{}
	for i, p := range m.principals {
		if res[i] != nil {
			byID[p.id] = res[i]
		}
	}
	given := func(q *results, f finding, t gcppolicy.Tri) bool {
		if old, ok := q.found[f]; ok && old.t >= t {
			return true
		}
		return m.inSet(q, m.projectOf[f.to], f.technique)
	}
	var edges []graphmodel.Edge
	members := map[setKey][]int{}
	var keys []setKey
	for i, p := range m.principals {
		r := res[i]
		if r == nil {
			continue
		}
		var others []*results
		for _, id := range append(append([]string(nil), p.inherits...), p.public...) {
			if q := byID[id]; q != nil {
				others = append(others, q)
			}
		}
		for _, f := range r.order {
			v := r.found[f]
			if r.covered[m.projectOf[f.to]] && f.kind != graphmodel.EdgeAdminOf {
				continue
			}
			inherited := false
			for _, q := range others {
				if given(q, f, v.t) {
					inherited = true
					break
				}
			}
			if !inherited {
				edges = append(edges, edge(p.id, f, v))
			}
		}
		for _, k := range r.jorder {
			inherited := r.covered[k.project]
			for _, q := range others {
				if m.inSet(q, k.project, k.technique) {
					inherited = true
				}
			}
			if inherited {
				continue
			}
			if _, ok := members[k]; !ok {
				keys = append(keys, k)
			}
			members[k] = append(members[k], i)
		}
	}
	var nodes []graphmodel.Node
	for _, k := range keys {
		targets := m.setTargets(k)
		list := members[k]
		if len(list) >= minSet && len(targets) >= 2 {
			n := m.setNode(k, len(list))
			nodes = append(nodes, n)
			for _, i := range list {
				v := res[i].joined[k]
				edges = append(edges, graphmodel.Edge{From: m.principals[i].id, To: n.ID, Kind: graphmodel.EdgeMemberOf,
					Technique: TechPermissionSet, Evidence: v.evidence})
			}
			for _, t := range targets {
				edges = append(edges, edge(n.ID, t.f, yes(t.evidence)))
			}
			continue
		}
		for _, i := range list {
			v := res[i].joined[k]
			for _, t := range targets {
				if t.f.to != m.principals[i].id {
					edges = append(edges, edge(m.principals[i].id, t.f, v.with(t.evidence)))
				}
			}
		}
	}
	// The derived identities and sets that have an edge, and the derived
	// resources.
	used := map[string]bool{}
	for _, e := range edges {
		used[e.From], used[e.To] = true, true
	}
	for _, e := range m.fixed {
		used[e.From], used[e.To] = true, true
	}
	for id, n := range m.derived {
		if used[id] {
			nodes = append(nodes, n)
		}
	}
	for _, n := range m.resNodes {
		nodes = append(nodes, n)
	}
	sort.SliceStable(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
	return nodes, edges
}
