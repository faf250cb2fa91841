package aws

import (
	"slices"
	"strconv"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// accessRule is a permission on another principal that lets its holder
// act as that principal: mint its credentials or rewrite its trust.
type accessRule struct {
	technique string
	action    string
	target    graphmodel.NodeKind
}

var accessRules = []accessRule{
	{TechCreateAccessKey, "iam:CreateAccessKey", graphmodel.KindAWSUser},
	{TechCreateLoginProfile, "iam:CreateLoginProfile", graphmodel.KindAWSUser},
	{TechUpdateLoginProfile, "iam:UpdateLoginProfile", graphmodel.KindAWSUser},
	// With its trust rewritten to name the attacker, a role of the same
	// account needs no sts:AssumeRole permission of the attacker's own.
	{TechUpdateAssumeRolePolicy, "iam:UpdateAssumeRolePolicy", graphmodel.KindAWSRole},
}

// deriveAccess emits CAN_BECOME edges for the principal-access family and
// for joining a group (iam-013). Principals of an access class (see
// classes.go) are decided once per target.
//
// A holder allowed the rule's action alike on every user (or role) of its
// account joins the rule's permission set (techsets.go), which holds the
// edges to the targets whose own state does not change the verdict.
func deriveAccess(m *model, out *emitter) {
	classes := newClassifier(m)
	iam := []string{"iam"}
	sets := newTechniqueSets(m)
	rules := map[string]accessRule{}
	setAtom := map[*techniqueSet][]string{} // an atom set's targets
	for _, rule := range accessRules {
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
				rules[rule.technique] = rule
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
				rules[rule.technique] = rule
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
		targets := map[string][]string{} // by account
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
				if _, ok := targets[p.account]; !ok {
					targets[p.account] = accessTargets(m, p.account, rule)
				}
				at := m.atomsFor(p.account, []string{rule.action}, prefix, targets[p.account])
				for i := range at.members {
					rep := at.representative(i, []string{p.arn}, named)
					if rep == "" {
						continue
					}
					v := identityAllows(p, rule.action, rep, nil)
					if s := sets.joinLabelled(p, rule.technique, "atom:"+at.key[i], "act as another principal through "+rule.action, v); s != nil {
						setAtom[s] = at.members[i]
						rules[rule.technique] = rule
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
		var list []setTarget
		if atom, ok := setAtom[s]; ok {
			for _, arn := range atom {
				if t := m.byARN[arn]; sharedAccessTarget(t, rule) {
					list = append(list, setTarget{id: t.arn, v: verdict{t: awspolicy.Yes}})
				}
			}
			return list
		}
		for _, t := range m.principals {
			if t.account == s.account && t.node.Kind == rule.target && t.node.Prop(graphmodel.PropAWSServiceLinked) != "true" && sharedAccessTarget(t, rule) {
				list = append(list, setTarget{id: t.arn, v: verdict{t: awspolicy.Yes}})
			}
		}
		return list
	})
	groups := sortedGroups(m)
	for _, p := range m.principals {
		if m.stopped() {
			return
		}
		if m.admins[p.arn] || p.isRole || p.groupStand != nil || allowsSomewhere(p, "iam:AddUserToGroup", nil).t == awspolicy.No {
			continue
		}
		for _, g := range groups {
			if g.account != p.account || memberOf(p, g) {
				continue
			}
			v := identityAllows(p, "iam:AddUserToGroup", g.arn, nil)
			out.add(graphmodel.EdgeCanBecome, p.arn, g.arn, TechAddUserToGroup, v)
			if j := joinID(g); m.byARN[j] != nil {
				out.add(graphmodel.EdgeCanBecome, p.arn, j, TechAddUserToGroup, v)
			}
		}
	}
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

func memberOf(p *principal, g *group) bool {
	for _, x := range p.groups {
		if x == g {
			return true
		}
	}
	return false
}

// sharedAccessTarget reports whether rule works on t whatever holder asks
// (see credentialVerdict): not for a user with two active access keys
// (the holder's iam:DeleteAccessKey decides), and not where the credential
// report rules the login-profile action out.
func sharedAccessTarget(t *principal, rule accessRule) bool {
	password := passwordState(t.node)
	switch rule.technique {
	case TechCreateAccessKey:
		return activeAccessKeys(t.node) != 2
	case TechCreateLoginProfile:
		return password != "true"
	case TechUpdateLoginProfile:
		return password != "false"
	}
	return true
}

// credentialVerdict refines a principal-access rule with what the
// credential report says of the target user: with two active access keys a
// new one needs iam:DeleteAccessKey first (iam-003); a console password can
// be created only where there is none, and reset only where there is one.
// Without a credential report each stays possible.
func credentialVerdict(p, t *principal, rule accessRule) (string, verdict) {
	v := identityAllows(p, rule.action, t.arn, nil)
	if v.t == awspolicy.No {
		return rule.technique, v
	}
	password := passwordState(t.node)
	switch rule.technique {
	case TechCreateAccessKey:
		if activeAccessKeys(t.node) == 2 {
			return TechCreateAccessKeyRotate, v.and(identityAllows(p, "iam:DeleteAccessKey", t.arn, nil))
		}
	case TechCreateLoginProfile:
		if password == "true" {
			return rule.technique, deny
		}
	case TechUpdateLoginProfile:
		if password == "false" {
			return rule.technique, deny
		}
	}
	return rule.technique, v
}

// passwordState returns "true" when the credential report shows a user's
// console password enabled, "false" when it shows none, and "" without a
// credential report.
func passwordState(n *graphmodel.Node) string {
	for _, c := range n.Credentials {
		if c.Kind == graphmodel.CredentialPassword {
			return strconv.FormatBool(c.Active)
		}
	}
	return ""
}

// activeAccessKeys counts a user's active access keys as the credential
// report shows them (0 without one).
func activeAccessKeys(n *graphmodel.Node) int {
	keys := 0
	for _, c := range n.Credentials {
		if c.Kind == graphmodel.CredentialAccessKey && c.Active {
			keys++
		}
	}
	return keys
}

// accessTargets lists the targets of rule in account: its users or roles,
// service-linked roles excepted, in ARN order.
func accessTargets(m *model, account string, rule accessRule) []string {
	var list []string
	for _, t := range m.principals {
		if t.account == account && t.node.Kind == rule.target && t.node.Prop(graphmodel.PropAWSServiceLinked) != "true" {
			list = append(list, t.arn)
		}
	}
	return list
}
