package gcp

import (
	"fmt"
	"slices"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// verdict is a three-valued decision with what proves it.
type verdict struct {
	t          gcppolicy.Tri
	evidence   []graphmodel.Evidence
	conditions []string
}

var no = verdict{t: gcppolicy.No}

// yes is a certain verdict proved by evidence.
func yes(evidence ...graphmodel.Evidence) verdict {
	return verdict{t: gcppolicy.Yes, evidence: evidence}
}

// and is the conjunction of verdicts: the weakest value, every evidence
// and every undecided condition.
func and(vs ...verdict) verdict {
	out := verdict{t: gcppolicy.Yes}
	for _, v := range vs {
		out.t = out.t.And(v.t)
		if out.t == gcppolicy.No {
			return no
		}
		out.evidence = append(out.evidence, v.evidence...)
		out.conditions = appendNew(out.conditions, v.conditions...)
	}
	return out
}

// or keeps the stronger of two verdicts (the first on a tie).
func or(a, b verdict) verdict {
	if b.t > a.t {
		return b
	}
	return a
}

// with returns v with more evidence.
func (v verdict) with(evidence ...graphmodel.Evidence) verdict {
	out := v
	out.evidence = append(append([]graphmodel.Evidence(nil), v.evidence...), evidence...)
	return out
}

// conditional returns v made conditional on condition (unless it is No).
func (v verdict) conditional(condition string) verdict {
	if v.t == gcppolicy.No {
		return v
	}
	out := v
	out.t = gcppolicy.Maybe
	out.conditions = appendNew(append([]string(nil), v.conditions...), condition)
	return out
}

func appendNew(list []string, items ...string) []string {
	for _, s := range items {
		if s != "" && !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

// fromDecision turns an evaluation into a verdict: the grants that allow
// the permission are its evidence (the certain ones only, when there are).
func fromDecision(d gcppolicy.Decision) verdict {
	if d.Verdict == gcppolicy.No {
		return no
	}
	v := verdict{t: d.Verdict, conditions: d.Conditions}
	for _, g := range d.Grants {
		if d.Verdict == gcppolicy.Yes && g.Verdict != gcppolicy.Yes {
			continue
		}
		note := fmt.Sprintf("binding %d gives %s (%s) to %s", g.Binding, g.Role, d.Permission, g.Member)
		if g.Condition != "" {
			note += " if " + g.Condition
		}
		v.evidence = append(v.evidence, graphmodel.Evidence{Source: g.Level + " allow policy", Statement: -1, Note: note})
	}
	return v
}

// check decides whether p holds perm on target (a node of the snapshot).
func (m *model) check(p *principal, perm, target string) verdict {
	k := checkKey{perm: perm, target: target}
	if v, ok := p.cache[k]; ok {
		return v
	}
	v := fromDecision(m.ev.Check(p.p, perm, m.target(target)))
	p.cache[k] = v
	return v
}

// uniform decides whether p holds perm on everything at or below scope,
// whatever the resource: the grants of scope's chain with every resource
// attribute unknown. Yes means yes on every node the scope contains (a
// node's own policy can only add grants; deny policies attach to scopes).
func (m *model) uniform(p *principal, perm, scope string) verdict {
	if m.uniformOff {
		return no
	}
	k := checkKey{perm: perm, target: scope, uniform: true}
	if v, ok := p.cache[k]; ok {
		return v
	}
	v := fromDecision(m.ev.Check(p.p, perm, gcppolicy.Target{Levels: m.chain(scope)}))
	p.cache[k] = v
	return v
}

// checkAny decides the strongest of alternative permissions.
func (m *model) checkAny(p *principal, perms []string, target string) verdict {
	best := no
	for _, perm := range perms {
		best = or(best, m.check(p, perm, target))
		if best.t == gcppolicy.Yes {
			break
		}
	}
	return best
}

// uniformAny is uniform for the strongest of alternative permissions.
func (m *model) uniformAny(p *principal, perms []string, scope string) verdict {
	best := no
	for _, perm := range perms {
		best = or(best, m.uniform(p, perm, scope))
		if best.t == gcppolicy.Yes {
			break
		}
	}
	return best
}

// checkAll decides every permission group of a rule on target.
func (m *model) checkAll(p *principal, perms [][]string, target string) verdict {
	vs := make([]verdict, 0, len(perms))
	for _, alts := range perms {
		v := m.checkAny(p, alts, target)
		if v.t == gcppolicy.No {
			return no
		}
		vs = append(vs, v)
	}
	return and(vs...)
}

// uniformAll is uniform for every permission group of a rule.
func (m *model) uniformAll(p *principal, perms [][]string, scope string) verdict {
	vs := make([]verdict, 0, len(perms))
	for _, alts := range perms {
		v := m.uniformAny(p, alts, scope)
		if v.t != gcppolicy.Yes {
			return no
		}
		vs = append(vs, v)
	}
	return and(vs...)
}
