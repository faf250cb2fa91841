package aws

import (
	"slices"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Granting administrator: the driver of the rules of rules_grant.go.
// deriveGrants asks grantVerdict of principals and targets, sharing each
// decision by permission set (a principal blind to its targets, with sets
// past the boundaries it may delete, boundaries.go) and by atom; the policy
// versions likewise (derivePolicyVersions). With Analyzer.perPrincipal it
// asks grantVerdict of every principal on every target.

// deriveGrants emits CAN_GRANT_ADMIN edges: who can make which principal or
// group an administrator by changing its policies. The grant helps an
// attacker only if it can also act as the target (itself included); the
// generic analysis joins the two.
//
// A principal whose verdict for a rule is the same on every target joins
// the rule's permission set of its account (techsets.go): the set holds the
// grants to the targets without a permission boundary that could stop the
// administrator policy; the member keeps its own grants to the others.
func deriveGrants(m *model, out *emitter) {
	groups, managed := sortedGroups(m), sortedManaged(m)
	sets, versions := newTechniqueSets(m), newTechniqueSets(m)
	setAtom := map[*techniqueSet][]string{}        // an atom set's targets
	pastSets := map[*techniqueSet]*boundaryPart{}  // a blind set's boundaries
	versionSets := map[*techniqueSet]*versionSet{} // a version set's policies and boundaries
	// The targets of an account and kind, listed once.
	listed := map[string][]string{}
	targetsOf := func(p *principal, kind graphmodel.NodeKind) []string {
		k := p.account + "|" + string(kind)
		list, ok := listed[k]
		if !ok {
			list = grantTargets(m, p, kind, groups)
			listed[k] = list
		}
		return list
	}
	for _, p := range m.principals {
		if m.stopped() {
			return
		}
		if m.admins[p.arn] {
			continue
		}
		boundaries := newBoundaryDecisions(m, p)
		for _, rule := range grantRules {
			if allowsSomewhere(p, rule.action, nil).t == awspolicy.No {
				continue
			}
			targets := iamPrefixes(p.account, iamType(rule.target))
			blind := !m.perPrincipal && m.resourceBlind(p, rule.action, targets)
			var own verdict
			pastBoundaries := false
			if blind {
				own = grantVerdict(m, p, rule, blindARN(targets))
				what := "grant administrator through " + rule.action
				sets.join(p, rule.technique, what, own)
				bd := boundaries.of(rule.target)
				for i := range bd.parts {
					bp := &bd.parts[i]
					if s := sets.joinLabelled(p, rule.technique, bp.label, what+" past a permission boundary", own.and(bp.v)); s != nil {
						pastSets[s] = bp
					}
				}
				pastBoundaries = bd.complete
			}
			var mayName func(string) bool
			if !blind {
				mayName = allowPatterns(p, rule.action)
			}
			// Outside the blind sets, a principal is decided once per
			// target atom (atoms.go), and one by one on the targets its
			// policy variables name.
			atomized, named := false, []string(nil)
			if !blind && !m.perPrincipal {
				named, atomized = selfNamed(p, grantActions(rule))
			}
			if atomized {
				grantAtoms(m, p, rule, targetsOf(p, rule.target), named, sets, setAtom)
			}
			for _, target := range targetsOf(p, rule.target) {
				if atomized && !slices.Contains(named, target) {
					continue // its atom sets' grant
				}
				tp := m.byARN[target]
				if blind && (!boundaryStands(tp) || pastBoundaries) {
					continue // the sets' grant
				}
				var v verdict
				switch {
				case blind:
					v = own
				case !mayName(target):
					continue // no Allow statement on the action names it
				default:
					v = grantVerdict(m, p, rule, target)
				}
				if v.t == awspolicy.No {
					continue
				}
				if tp != nil {
					v = v.and(boundaryRemovable(p, tp))
				}
				out.add(graphmodel.EdgeCanGrantAdmin, p.arn, target, rule.technique, v)
			}
		}
		derivePolicyVersions(m, p, managed, boundaries, versions, versionSets, out)
	}
	sets.emit(out, graphmodel.EdgeCanGrantAdmin, false, func(s *techniqueSet) []setTarget {
		if atom, ok := setAtom[s]; ok {
			var list []setTarget
			for _, target := range atom {
				if boundaryStands(m.byARN[target]) {
					list = append(list, setTarget{id: target, v: boundaryDeletable(target)})
				} else {
					list = append(list, setTarget{id: target, v: noBoundary(target)})
				}
			}
			return list
		}
		stand := s.members[0]
		bp := pastSets[s]
		var list []setTarget
		for _, target := range targetsOf(stand, grantRuleOf(s.technique).target) {
			tp := m.byARN[target]
			switch {
			case bp != nil && bp.covers(tp):
				list = append(list, setTarget{id: target, v: boundaryDeletable(target)})
			case bp == nil && s.label == "" && !boundaryStands(tp):
				list = append(list, setTarget{id: target, v: noBoundary(target)})
			}
		}
		return list
	})
	versions.emit(out, graphmodel.EdgeCanGrantAdmin, false, func(s *techniqueSet) []setTarget {
		vs := versionSets[s]
		policies := managed
		if vs.policies != nil {
			policies = make([]*managedPolicy, 0, len(vs.policies))
			for _, arn := range vs.policies {
				policies = append(policies, m.managed[arn])
			}
		}
		var list []setTarget
		for _, mp := range policies {
			if !versionTarget(mp, s.account) || (s.technique == TechSetDefaultPolicyVersion && !hasAdminOldVersion(m, mp)) {
				continue
			}
			for _, holder := range mp.attachedTo {
				tp := m.byARN[holder]
				var v verdict
				switch {
				case vs.past == nil && !boundaryStands(tp):
					v = noBoundary(holder)
				case vs.past != nil && vs.past.covers(tp):
					v = boundaryDeletable(holder)
				default:
					continue
				}
				v.evidence = append([]graphmodel.Evidence{{Source: mp.arn, Statement: -1, Note: "attached to " + holder}}, v.evidence...)
				list = append(list, setTarget{id: holder, v: v})
			}
		}
		return list
	})
}

// pastBoundaryLabel labels the grant sets of targets of kind whose members
// may also delete every such target's permission boundary: they hold the
// grants to the targets with a boundary that would stop an administrator
// policy.
func pastBoundaryLabel(kind graphmodel.NodeKind) string { return "past-boundary:" + iamType(kind) }

// boundaryDeletable is the verdict of a target whose permission boundary
// would stop an administrator policy, for a set whose members may delete it.
func boundaryDeletable(target string) verdict {
	return verdict{t: awspolicy.Yes, evidence: []graphmodel.Evidence{{Source: target, Statement: -1,
		Note: "its permission boundary can be deleted first"}}}
}

// noBoundary is the verdict of a target without a permission boundary that
// could stop an administrator policy.
func noBoundary(target string) verdict {
	return verdict{t: awspolicy.Yes, evidence: []graphmodel.Evidence{{Source: target, Statement: -1, Note: "no permission boundary stops an administrator policy"}}}
}

// versionSet is what a policy-version set holds: the grants through its
// policies (nil: every policy of its account) to their holders without a
// standing permission boundary, or, with past, to the holders whose
// boundary its members may delete.
type versionSet struct {
	policies []string
	past     *boundaryPart
}

// policyPart is one part of a principal's decision on a policy-version
// action: alike on every policy of its account, or on one atom's policies.
type policyPart struct {
	label    string
	v        verdict
	policies []string // nil: every policy
}

// derivePolicyVersions emits grants through managed-policy versions:
// iam-001 writes a new default version of a customer-managed policy;
// SetDefaultPolicyVersion reverts to an older version that was administrator.
// managed is every managed policy, sorted by ARN once for all principals.
//
// A principal decided alike on every policy, or once per atom of the
// account's policies (atoms.go), joins the sets of its parts, which hold
// the grants to the holders without a standing boundary, and the sets past
// the boundaries it may delete; it keeps its own grants to the others.
func derivePolicyVersions(m *model, p *principal, managed []*managedPolicy, boundaries *boundaryDecisions, sets *techniqueSets, versionSets map[*techniqueSet]*versionSet, out *emitter) {
	for _, vt := range versionTechniques {
		if allowsSomewhere(p, vt.action, nil).t == awspolicy.No {
			continue
		}
		verdictOn, parts, inSet := policyParts(m, p, vt.action, managed)
		past := map[graphmodel.NodeKind]bool{}
		if inSet {
			for _, part := range parts {
				if s := sets.joinLabelled(p, vt.technique, part.label, vt.what, part.v); s != nil {
					versionSets[s] = &versionSet{policies: part.policies}
				}
			}
			for _, kind := range []graphmodel.NodeKind{graphmodel.KindAWSRole, graphmodel.KindAWSUser} {
				bd := boundaries.of(kind)
				past[kind] = bd.complete
				for _, part := range parts {
					for i := range bd.parts {
						bp := &bd.parts[i]
						label := bp.label
						if part.label != "" {
							label = part.label + ":" + bp.label
						}
						if s := sets.joinLabelled(p, vt.technique, label, vt.what+" past a permission boundary", part.v.and(bp.v)); s != nil {
							versionSets[s] = &versionSet{policies: part.policies, past: bp}
						}
					}
				}
			}
		}
		if inSet && past[graphmodel.KindAWSRole] && past[graphmodel.KindAWSUser] {
			continue // its sets hold every grant
		}
		for _, mp := range managed {
			if !versionTarget(mp, p.account) || (vt.technique == TechSetDefaultPolicyVersion && !hasAdminOldVersion(m, mp)) {
				continue
			}
			emitPolicyGrant(m, p, mp, vt.technique, verdictOn(mp.arn), inSet, past, out)
		}
	}
}

// policyParts decides p's part of a policy-version action: alike on every
// policy of its account when it is blind to them, else once per atom of
// the account's policies that the action may change. It returns p's
// verdict by policy, the parts, and false when p is decided policy by
// policy (access classes off, or its policy variables name policies).
func policyParts(m *model, p *principal, action string, managed []*managedPolicy) (func(string) verdict, []policyPart, bool) {
	policies := iamPrefixes(p.account, "policy")
	if !m.perPrincipal && m.resourceBlind(p, action, policies) {
		v := identityAllows(p, action, blindARN(policies), nil)
		return func(string) verdict { return v }, []policyPart{{v: v}}, true
	}
	mayName := allowPatterns(p, action)
	each := func(arn string) verdict {
		if !mayName(arn) {
			return deny // no Allow statement on the action names it
		}
		return identityAllows(p, action, arn, nil)
	}
	if m.perPrincipal {
		return each, nil, false
	}
	if named, ok := selfNamed(p, []string{action}); !ok || len(named) > 0 {
		return each, nil, false
	}
	at := m.atomsFor(p.account, []string{action}, policies[0], versionTargets(m, managed, p.account))
	byAtom := make([]verdict, len(at.members))
	parts := make([]policyPart, len(at.members))
	for i, members := range at.members {
		byAtom[i] = identityAllows(p, action, members[0], nil)
		parts[i] = policyPart{label: "atom:" + at.key[i], v: byAtom[i], policies: members}
	}
	return func(arn string) verdict {
		if i, ok := at.of[arn]; ok {
			return byAtom[i]
		}
		return deny
	}, parts, true
}

// versionTargets lists the policies of account whose versions grant
// something (versionTarget), listed once.
func versionTargets(m *model, managed []*managedPolicy, account string) []string {
	k := account + "|versions"
	if list, ok := m.targetLists.Load(k); ok {
		return list.([]string)
	}
	var list []string
	for _, mp := range managed {
		if versionTarget(mp, account) {
			list = append(list, mp.arn)
		}
	}
	m.targetLists.Store(k, list)
	return list
}

// grantActions are the actions whose statements decide a grant rule on a
// target: the grant itself and deleting the target's permission boundary.
func grantActions(rule grantRule) []string {
	if del := deleteBoundaryAction(rule.target); del != "" {
		return []string{rule.action, del}
	}
	return []string{rule.action}
}

// grantAtoms decides p's grant rule once per atom of its account's targets
// (of the grant and boundary-deleting actions together): p joins the atom's
// set for the targets without a permission boundary that would stop an
// administrator policy, and its past-boundary set for the others when it
// may delete their boundaries. named are the targets p's policy variables
// name: no atom is decided on one of them.
func grantAtoms(m *model, p *principal, rule grantRule, targets, named []string, sets *techniqueSets, setAtom map[*techniqueSet][]string) {
	prefix := iamPrefixes(p.account, iamType(rule.target))[0]
	at := m.atomsFor(p.account, grantActions(rule), prefix, targets)
	what := "grant administrator through " + rule.action
	for i, members := range at.members {
		var free, bounded []string
		for _, t := range members {
			if boundaryStands(m.byARN[t]) {
				bounded = append(bounded, t)
			} else {
				free = append(free, t)
			}
		}
		rep := at.representative(i, named)
		if rep == "" {
			continue
		}
		v := grantVerdict(m, p, rule, rep)
		if v.t == awspolicy.No {
			continue
		}
		if len(free) > 0 {
			if s := sets.joinLabelled(p, rule.technique, "atom:"+at.key[i], what, v); s != nil {
				setAtom[s] = free
			}
		}
		if repBounded := representativeIn(bounded, named); repBounded != "" {
			del := identityAllows(p, deleteBoundaryAction(rule.target), repBounded, nil)
			if s := sets.joinLabelled(p, rule.technique, "atom:"+at.key[i]+":past-boundary", what+" past a permission boundary", v.and(del)); s != nil {
				setAtom[s] = bounded
			}
		}
	}
}
