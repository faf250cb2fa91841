package gcp

import (
	"slices"

	"github.com/blastradius/blastradius/gcppolicy"
)

// A principal that holds a technique uniformly on an organization or a
// folder holds it on every project below, unless a deny policy below may
// take it back. It then joins one permission set of that scope rather
// than one per project: edges grow as principals plus targets whatever
// the number of projects.

// denyBelow returns the deny rules attached strictly below scope s.
func (m *model) denyBelow(s string) []*gcppolicy.DenyRule {
	m.belowMu.Lock()
	if list, ok := m.denyUnder[s]; ok {
		m.belowMu.Unlock()
		return list
	}
	m.belowMu.Unlock()
	var list []*gcppolicy.DenyRule
	var walk func(x string, depth int)
	walk = func(x string, depth int) {
		if depth > 64 {
			return
		}
		for _, c := range m.children[x] {
			for _, d := range m.deny[c] {
				for _, r := range d.Rules {
					if r.DenyRule != nil {
						list = append(list, r.DenyRule)
					}
				}
			}
			walk(c, depth+1)
		}
	}
	walk(s, 0)
	m.belowMu.Lock()
	m.denyUnder[s] = list
	m.belowMu.Unlock()
	return list
}

// deniedBelow reports whether a deny rule below scope s may deny one of
// perms.
func (m *model) deniedBelow(s string, perms [][]string) bool {
	for _, r := range m.denyBelow(s) {
		for _, alts := range perms {
			for _, p := range alts {
				if r.Covers(p) {
					return true
				}
			}
		}
	}
	return false
}

// joinHigh joins p to the permission sets of technique on the highest
// organizations and folders among levels where it holds every group of
// perms uniformly, nothing below may deny them, and it administers no
// project below (whose targets it reaches through the project) and none
// is in done (reached otherwise already). It returns the projects those
// sets cover.
func (m *model) joinHigh(p *principal, r *results, technique string, levels []string, perms [][]string, done map[string]bool) map[string]bool {
	covered := map[string]bool{}
	if m.uniformOff {
		return covered
	}
	joined := map[string]bool{}
	for _, s := range m.scopes {
		if k := m.isScope[s]; k == "project" || !slices.Contains(levels, s) {
			continue
		}
		above := false
		for a, depth := m.parent[s], 0; a != "" && depth < 64; a, depth = m.parent[a], depth+1 {
			if joined[a] {
				above = true
				break
			}
		}
		projects := m.below(s)
		if above || len(projects) == 0 {
			continue
		}
		administered := false
		for _, pr := range projects {
			if r.covered[pr] || done[pr] {
				administered = true
				break
			}
		}
		if administered || m.deniedBelow(s, perms) {
			continue
		}
		v := m.uniformAll(p, perms, s)
		if v.t != gcppolicy.Yes {
			continue
		}
		r.join(setKey{s, technique}, v)
		joined[s] = true
		for _, pr := range projects {
			covered[pr] = true
		}
	}
	return covered
}
