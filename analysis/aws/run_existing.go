package aws

import (
	"slices"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Taking over an existing resource: the driver of the rules of
// rules_existing.go. deriveExisting asks existingVerdict of principals and
// resources, sharing each decision by access class, by permission set (a
// principal alike on every resource that identity policies alone decide)
// and by atom. With Analyzer.perPrincipal it asks existingVerdict of every
// candidate on every target.

// deriveExisting emits CAN_BECOME edges from principals to the roles that
// resources they can take over already run with. Principals of an access
// class (see classes.go) are decided once per resource and rule.
func deriveExisting(m *model, out *emitter) {
	classes := newClassifier(m)
	// allowed lists, per rule, the principals whose policies may allow its
	// actions on some resource: without a resource policy, only they can.
	allowed := make([][]*principal, len(existingRules))
	for i, rule := range existingRules {
		for _, p := range m.principals {
			if allowedSomewhere(p, rule.onResource) {
				allowed[i] = append(allowed[i], p)
			}
		}
	}
	// Principals whose own verdict on the rule's actions is the same for
	// every resource join its permission set; it covers the resources
	// that only their identity policies decide (identityDecides).
	sets := newTechniqueSets(m)
	// prefixes of the resources of each account, service and type.
	prefixes := map[[3]string][]string{}
	for _, r := range m.resources {
		k := [3]string{r.account, r.service, r.typ}
		if pre := familyPrefix(r.arn); !slices.Contains(prefixes[k], pre) {
			prefixes[k] = append(prefixes[k], pre)
		}
	}
	// A member whose other statements name some resources by pattern is
	// decided in full on those (rest), where it may get more than its set
	// gives (setGives, with what must happen outside).
	inSet := make([]map[*principal]bool, len(existingRules))
	rest := make([]map[*principal][]*awspolicy.Statement, len(existingRules))
	setGives := make([]map[*principal]awspolicy.Tri, len(existingRules))
	// Any other member is decided once per atom of the resources that
	// identity policies alone decide (atoms.go) when it can be: it joins
	// the atoms' sets (setAtom: an atom set's resources).
	atomized := make([]map[*principal]bool, len(existingRules))
	setAtom := map[*techniqueSet][]*resource{}
	atomListed := map[[2]string][]*resource{}
	atomTargets := func(i int, rule existingRule, account string) []*resource {
		k := [2]string{rule.technique, account}
		list, ok := atomListed[k]
		if !ok {
			for _, r := range m.resources {
				if r.account == account && existingTarget(m, r, rule) && m.identityDecides(r) {
					list = append(list, r)
				}
			}
			atomListed[k] = list
		}
		return list
	}
	for i, rule := range existingRules {
		inSet[i], rest[i], setGives[i] = map[*principal]bool{}, map[*principal][]*awspolicy.Statement{}, map[*principal]awspolicy.Tri{}
		atomized[i] = map[*principal]bool{}
		if m.perPrincipal {
			continue
		}
		for _, p := range allowed[i] {
			targets := prefixes[[3]string{p.account, rule.service, rule.typ}]
			if m.admins[p.arn] || len(targets) == 0 {
				continue
			}
			stand, others, ok := p, []*awspolicy.Statement(nil), true
			if !m.resourceBlindAll(p, rule.onResource, targets) {
				stand, others, ok = patternStand(p, rule.onResource, targets)
			}
			v := deny
			if ok {
				v = verdict{t: awspolicy.Yes}
				for _, a := range rule.onResource {
					v = v.and(identityAllows(stand, a, blindARN(targets), nil))
				}
				for _, a := range rule.anywhere {
					v = v.and(allowsSomewhere(p, a, nil))
				}
			}
			if v.t == awspolicy.No {
				// Nothing alike on every resource: decided per atom, or
				// else on each resource.
				if existingAtoms(m, p, rule, atomTargets(i, rule, p.account), sets, setAtom) {
					atomized[i][p] = true
				}
				continue
			}
			inSet[i][p], rest[i][p] = true, others
			setGives[i][p] = v.t
			if rule.outside != "" {
				setGives[i][p] = min(v.t, awspolicy.Maybe)
			}
			sets.join(p, rule.technique, "take over a "+rule.service+" "+rule.typ, v)
		}
	}
	for _, r := range m.resources {
		if m.stopped() {
			return
		}
		if len(r.roles) == 0 {
			continue
		}
		blindTarget := m.identityDecides(r)
		var named []string
		share := !m.perPrincipal
		if share && r.policy != nil {
			named, share = sharedFor(r.policy.doc, r.account)
		}
		var relevant relevance
		if share {
			relevant = classes.byResource.relevant(r.arn)
		}
		for i, rule := range existingRules {
			if !existingTarget(m, r, rule) {
				continue
			}
			on, anywhere := servicesOf(rule.onResource), servicesOf(rule.anywhere)
			decided := map[string]verdict{}
			candidates := m.principals
			if r.policy == nil {
				candidates = allowed[i]
			}
			for _, p := range candidates {
				if p.account != r.account || m.admins[p.arn] {
					continue
				}
				if blindTarget && atomized[i][p] {
					continue // its atom sets' edge
				}
				if blindTarget && inSet[i][p] {
					if namesAny(rest[i][p], r.arn, p) {
						if v := existingVerdict(m, p, r, rule); v.t > setGives[i][p] {
							emitExisting(m, out, p, r, rule, v)
						}
					}
					continue
				}
				var v verdict
				key, ok := "", false
				if share && (named == nil || !namedBy(named, p)) {
					key, ok = classes.ruleKey(p, on, relevant, anywhere)
				}
				if seen := false; ok {
					if v, seen = decided[key]; !seen {
						v = existingVerdict(m, p, r, rule) // any member decides for all
						decided[key] = v
					}
				} else {
					v = existingVerdict(m, p, r, rule)
				}
				if v.t != awspolicy.No {
					emitExisting(m, out, p, r, rule, v)
				}
			}
		}
	}
	emitExistingSets(m, sets, setAtom, out)
}

// existingAtoms decides p's part of rule once per atom of targets (the
// resources of p's account that the rule takes over and identity policies
// alone decide), joining each atom's set where it has the rule; false when
// p's policy variables name resources (it is then decided resource by
// resource).
func existingAtoms(m *model, p *principal, rule existingRule, targets []*resource, sets *techniqueSets, setAtom map[*techniqueSet][]*resource) bool {
	if len(targets) == 0 {
		return false
	}
	if named, ok := selfNamed(p, rule.onResource); !ok || len(named) > 0 {
		return false
	}
	arns := make([]string, len(targets))
	byARN := make(map[string]*resource, len(targets))
	for i, r := range targets {
		arns[i] = r.arn
		byARN[r.arn] = r
	}
	// The key tells the rule's own target list apart (Systems Manager).
	at := m.atomsFor(p.account, rule.onResource, rule.technique+"|"+familyPrefix(arns[0]), arns)
	for i, members := range at.members {
		v := existingActions(m, p, byARN[members[0]], rule)
		if s := sets.joinLabelled(p, rule.technique, "atom:"+at.key[i], "take over a "+rule.service+" "+rule.typ, v); s != nil {
			if _, ok := setAtom[s]; !ok {
				list := make([]*resource, len(members))
				for j, arn := range members {
					list[j] = byARN[arn]
				}
				setAtom[s] = list
			}
		}
	}
	return true
}

// patternStand returns p with, of its statements on actions, only those
// that name every resource under prefixes alike (see blindStand), with its
// other statements on actions (others): Allow statements that name
// resources by pattern. ok is false when one of those is a Deny or names
// every resource (NotResource, "*" with a condition on the resource).
func patternStand(p *principal, actions, prefixes []string) (stand *principal, others []*awspolicy.Statement, ok bool) {
	stand, ok = blindStand(p, func(st *awspolicy.Statement) bool { return slices.ContainsFunc(actions, st.MatchAction) }, prefixes,
		func(st *awspolicy.Statement) bool {
			if st.Effect == awspolicy.Deny || uniformResource(st) || st.Resource.Negated {
				return false
			}
			others = append(others, st)
			return true
		})
	return stand, others, ok
}

// emitExistingSets records the rules' permission sets: each holds, for
// the resources of its account that identity policies alone decide, the
// edges to the roles they run as.
func emitExistingSets(m *model, sets *techniqueSets, setAtom map[*techniqueSet][]*resource, out *emitter) {
	rules := map[string]existingRule{}
	for _, rule := range existingRules {
		rules[rule.technique] = rule
	}
	sets.emit(out, graphmodel.EdgeCanBecome, true, func(s *techniqueSet) []setTarget {
		rule := rules[s.technique]
		target := verdict{t: awspolicy.Yes}
		if rule.outside != "" {
			target = verdict{t: awspolicy.Maybe, undecided: []string{rule.outside}}
		}
		resources := m.resources
		if atom, ok := setAtom[s]; ok {
			resources = atom
		}
		var list []setTarget
		for _, r := range resources {
			if r.account != s.account || !existingTarget(m, r, rule) || !m.identityDecides(r) {
				continue
			}
			for _, role := range r.roles {
				if m.byARN[role] != nil {
					list = append(list, setTarget{id: role, v: withResourceEvidence(target, r, "runs as "+role)})
				}
			}
		}
		return list
	})
}

// identityDecides reports whether requests on r from its own account are
// decided by the caller's identity policies alone: r has no resource
// policy and no resource control policy applies to it.
func (m *model) identityDecides(r *resource) bool {
	return r.policy == nil && (m.orgs[r.account] == nil || !rcpServices[r.service])
}

// servicesOf returns the service prefixes of actions, in order, once each.
func servicesOf(actions []string) []string {
	var out []string
	for _, a := range actions {
		service, _ := awspolicy.ActionService(a)
		if !slices.Contains(out, service) {
			out = append(out, service)
		}
	}
	return out
}
