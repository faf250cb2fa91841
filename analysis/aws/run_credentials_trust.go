package aws

import (
	"slices"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Acting as another principal: the driver of the rules of
// rules_credentials_trust.go. deriveCredentialsTrust asks credentialVerdict
// of holders and targets, sharing each decision by permission set (a
// holder blind to its targets, or naming only itself besides), by atom and
// by access class. With Analyzer.perPrincipal it asks credentialVerdict of
// every holder on every target.

// deriveCredentialsTrust emits CAN_BECOME edges for the rules of
// accessRules (rules_credentials_trust.go): minting another principal's
// credentials or rewriting its trust. Principals of an access class (see
// classes.go) are decided once per target.
//
// A holder allowed the rule's action alike on every user (or role) of its
// account joins the rule's permission set (techsets.go), which holds the
// edges to the targets whose own state does not change the verdict.
func deriveCredentialsTrust(m *model, out *emitter) {
	classes := newClassifier(m)
	iam := []string{"iam"}
	sets := newTechniqueSets(m)
	rules := map[string]accessRule{}        // by technique, for the sets' emit
	setAtom := map[*techniqueSet][]string{} // an atom set's targets
	for _, rule := range accessRules {
		rules[rule.technique] = rule
		var holders []*principal
		inSet := map[*principal]bool{}
		// A member whose other statements name some targets one by one
		// (itself, through ${aws:username}) is decided in full on those,
		// where it may get more than its set gives (setGives).
		alsoNamed := map[*principal][]string{}
		setGives := map[*principal]verdict{}
		for _, p := range m.principals {
			if m.admins[p.arn] || allowsSomewhere(p, rule.action, nil).t == awspolicy.No {
				continue
			}
			targets := iamPrefixes(p.account, iamType(rule.target))
			switch {
			case m.perPrincipal:
			case m.resourceBlind(p, rule.action, targets):
				inSet[p] = true
				sets.join(p, rule.technique, "act as another principal through "+rule.action,
					identityAllows(p, rule.action, blindARN(targets), nil))
			default:
				stand, named, ok := namingStand(p, rule.action, targets)
				if !ok {
					break
				}
				v := identityAllows(stand, rule.action, blindARN(targets), nil)
				if v.t == awspolicy.No {
					break
				}
				inSet[p], alsoNamed[p], setGives[p] = true, named, v
				sets.join(p, rule.technique, "act as another principal through "+rule.action, v)
			}
			if arns, ok := namedResources(p, rule.action); ok && !inSet[p] {
				// Its policies name its targets one by one (its own user,
				// say): only those are decided.
				for _, arn := range arns {
					if t := m.byARN[arn]; t != nil && t != p && t.account == p.account && t.node.Kind == rule.target &&
						t.node.Prop(graphmodel.PropAWSServiceLinked) != "true" {
						technique, v := credentialVerdict(p, t, rule)
						out.add(graphmodel.EdgeCanBecome, p.arn, t.arn, technique, v)
					}
				}
				continue
			}
			holders = append(holders, p)
		}
		if len(holders) == 0 {
			continue
		}
		// Holders outside the blind sets are decided once per target atom
		// (atoms.go) and join the atom's set of the rule, but on the
		// targets their policy variables name (itself) and the targets
		// whose credentials change the verdict, decided below one by one.
		atomNamed := map[*principal][]string{}
		if !m.perPrincipal {
			for _, p := range holders {
				if inSet[p] {
					continue
				}
				named, ok := selfNamed(p, []string{rule.action})
				if !ok {
					continue
				}
				prefix := iamPrefixes(p.account, iamType(rule.target))[0]
				at := m.atomsFor(p.account, []string{rule.action}, prefix, principalTargets(m, p.account, rule.target))
				for i := range at.members {
					rep := at.representative(i, []string{p.arn}, named)
					if rep == "" {
						continue
					}
					v := identityAllows(p, rule.action, rep, nil)
					if s := sets.joinLabelled(p, rule.technique, "atom:"+at.key[i], "act as another principal through "+rule.action, v); s != nil {
						setAtom[s] = at.members[i]
					}
				}
				atomNamed[p] = named
			}
		}
		for _, t := range m.principals {
			if m.stopped() {
				return
			}
			if t.node.Kind != rule.target || t.node.Prop(graphmodel.PropAWSServiceLinked) == "true" {
				continue
			}
			var relevant relevance
			if !m.perPrincipal {
				relevant = classes.byResource.relevant(t.arn)
			}
			type decision struct {
				technique string
				v         verdict
			}
			decided := map[string]decision{}
			shared := sharedAccessTarget(t, rule)
			for _, p := range holders {
				if t == p || t.account != p.account {
					continue
				}
				if named, atomized := atomNamed[p]; atomized && shared && !slices.Contains(named, t.arn) {
					continue // its atom's set holds the edge
				}
				if shared && inSet[p] {
					if slices.Contains(alsoNamed[p], t.arn) {
						if technique, v := credentialVerdict(p, t, rule); v.t > setGives[p].t {
							out.add(graphmodel.EdgeCanBecome, p.arn, t.arn, technique, v)
						}
					}
					continue
				}
				key, ok := "", false
				if !m.perPrincipal {
					key, ok = classes.ruleKey(p, iam, relevant, nil)
				}
				d, seen := decided[key]
				if !ok || !seen {
					d.technique, d.v = credentialVerdict(p, t, rule) // any member decides for all
					if ok {
						decided[key] = d
					}
				}
				out.add(graphmodel.EdgeCanBecome, p.arn, t.arn, d.technique, d.v)
			}
		}
	}
	sets.emit(out, graphmodel.EdgeCanBecome, true, func(s *techniqueSet) []setTarget {
		rule := rules[s.technique]
		targets, ok := setAtom[s]
		if !ok {
			targets = principalTargets(m, s.account, rule.target)
		}
		var list []setTarget
		for _, arn := range targets {
			if t := m.byARN[arn]; sharedAccessTarget(t, rule) {
				list = append(list, setTarget{id: t.arn, v: verdict{t: awspolicy.Yes}})
			}
		}
		return list
	})
}

// namingStand returns p with, of its statements on action, only those that
// name every target under prefixes alike (see blindStand), with the ARNs
// its other statements on action name one by one once its policy variables
// are resolved. ok is false when one of those is a Deny, names targets by
// pattern or cannot be resolved.
func namingStand(p *principal, action string, prefixes []string) (stand *principal, named []string, ok bool) {
	stand, ok = blindStand(p, func(st *awspolicy.Statement) bool { return st.MatchAction(action) }, prefixes,
		func(st *awspolicy.Statement) bool {
			if st.Effect == awspolicy.Deny || st.Resource.Negated || !st.Resource.Present {
				return false
			}
			for _, v := range st.Resource.Values {
				arn, resolved := awspolicy.SubstituteVariables(v, p.facts)
				if !resolved || strings.ContainsAny(arn, "*?") {
					return false
				}
				named = append(named, arn)
			}
			return true
		})
	if !ok {
		return nil, nil, false
	}
	return stand, dedupe(named), true
}
