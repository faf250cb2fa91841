package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Role assumption: the driver of the rule of rules_sts.go.
// deriveAssumeRole asks assumeVerdict of each role's candidate callers
// (assumeCandidates: those its trust may admit), sharing decisions where a
// role's trust admits its account's callers alike (accountTrust): by
// permission set of one role pattern (assumeSets) and by region
// (assumeRegions). With Analyzer.perPrincipal every candidate is decided by
// assumeVerdict.

// deriveAssumeRole emits CAN_BECOME edges for role assumption (sts-001):
// from principals of the snapshot, from accounts outside it, and from
// federated subjects (web identity, SAML).
//
// Roles whose trust names their own account leave the decision to the
// caller's policies. A caller allowed sts:AssumeRole alike on every role
// matching one pattern (its policies name that pattern only) joins the
// permission set of that pattern (techsets.go), which holds the edges to
// those roles, each decided once.
func deriveAssumeRole(m *model, out *emitter) {
	sets := newTechniqueSets(m)
	patternOf, setPattern := assumeSets(m, sets)
	callers := newAssumers(m, patternOf)
	shared := make([]bool, len(m.principals)) // by index: accountTrust of a role
	for _, r := range m.principals {
		if r.isRole && r.trust != nil {
			shared[r.index] = accountTrust(m, r)
		}
	}
	// The general callers of an account are decided by region on its roles
	// whose trust names the account (regions.go).
	callers.byRegion = assumeRegions(m, callers, shared, out)
	for _, r := range m.principals {
		if !r.isRole || r.trust == nil {
			continue
		}
		for _, c := range assumeCandidates(m, r, callers, shared[r.index]) {
			out.add(graphmodel.EdgeCanBecome, c.arn, r.arn, TechAssumeRole, assumeVerdict(m, r, c))
		}
		deriveExternal(m, r, out)
		deriveFederated(m, r, out)
	}
	sets.emit(out, graphmodel.EdgeCanBecome, true, func(s *techniqueSet) []setTarget {
		pattern, stand := setPattern[s], s.members[0]
		var list []setTarget
		for _, r := range m.principals {
			if !shared[r.index] || r.account != s.account || !awspolicy.MatchARN(pattern, r.arn) {
				continue
			}
			if v := accountTrustVerdict(r, stand); v.t != awspolicy.No {
				list = append(list, setTarget{id: r.arn, v: v})
			}
		}
		return list
	})
}

// assumeSets puts the principals allowed sts:AssumeRole alike on every role
// matching the one pattern their identity policies name into that
// pattern's permission set; it returns each member's pattern and each
// set's.
func assumeSets(m *model, sets *techniqueSets) (map[*principal]string, map[*techniqueSet]string) {
	patternOf, setPattern := map[*principal]string{}, map[*techniqueSet]string{}
	if m.perPrincipal {
		return patternOf, setPattern
	}
	for _, c := range m.principals {
		if allowsSomewhere(c, "sts:AssumeRole", nil).t == awspolicy.No {
			continue
		}
		roles := iamPrefixes(c.account, "role")[0]
		pattern := identityPattern(c, "sts:AssumeRole")
		switch {
		case pattern == "*":
			pattern = roles + "*"
		case !strings.HasPrefix(pattern, roles) || !strings.HasSuffix(pattern, "*") ||
			strings.ContainsAny(pattern[:len(pattern)-1], "*?") || strings.Contains(pattern, "${"):
			continue
		}
		prefix := []string{pattern[:len(pattern)-1]}
		if !m.resourceBlind(c, "sts:AssumeRole", prefix) {
			continue
		}
		sum := sha256.Sum256([]byte(pattern))
		s := sets.joinLabelled(c, TechAssumeRole, hex.EncodeToString(sum[:6]), "assume the roles matching "+pattern,
			identityAllows(c, "sts:AssumeRole", blindARN(prefix), nil))
		if s != nil {
			patternOf[c], setPattern[s] = pattern, pattern
		}
	}
	return patternOf, setPattern
}

// identityPattern returns the one Resource value that every Allow
// statement of p's identity policies on action names, or "" when they name
// several or none.
func identityPattern(p *principal, action string) string {
	pattern := ""
	for _, st := range allowStatements(p, action) {
		if st.Resource.Negated || len(st.Resource.Values) != 1 || (pattern != "" && pattern != st.Resource.Values[0]) {
			return ""
		}
		pattern = st.Resource.Values[0]
	}
	return pattern
}

// accountTrust reports whether r's trust admits the principals of its own
// account only by naming the account (or other accounts), and looks at
// nothing that tells them apart, with no resource control policy on STS:
// every caller of r's account then gets the same trust verdict, and its
// own policies decide.
func accountTrust(m *model, r *principal) bool {
	if m.orgs[r.account] != nil && rcpServices["sts"] {
		return false
	}
	for i := range r.trust.Statements {
		st := &r.trust.Statements[i]
		if !st.MatchAction("sts:AssumeRole") {
			continue
		}
		if st.Principal.Wildcard || st.Principal.Negated || statementSpecific(st) {
			return false
		}
		for _, c := range st.Conditions {
			if strings.EqualFold(c.Key, "aws:PrincipalType") {
				return false
			}
		}
		for _, a := range st.Principal.AWS {
			if _, exact := principalAccount(a); exact {
				return false
			}
		}
	}
	return true
}

// accountTrustVerdict is r's trust verdict for any caller of its account
// (stand is one), when accountTrust holds: the trust's part of
// assumeVerdict.
func accountTrustVerdict(r, stand *principal) verdict {
	req := stand.request("sts:AssumeRole", r.arn, nil)
	req.Context = layered{top: awspolicy.NewFacts().SetAbsent("sts:ExternalId"), base: req.Context}
	if v := trustVerdict(r, req, "the principals of "+r.account); v.t != awspolicy.No {
		return v
	}
	return deny
}

// assumeCandidates returns the principals of the snapshot a role's trust may
// admit: those it names, every principal of an account it names, or everyone
// for a wildcard. Only these are evaluated.
func assumeCandidates(m *model, r *principal, callers *assumers, shared bool) []*principal {
	var list []*principal
	seen := map[string]bool{r.arn: true}
	add := func(p *principal) {
		if !seen[p.arn] {
			seen[p.arn] = true
			list = append(list, p)
		}
	}
	for i := range r.trust.Statements {
		st := &r.trust.Statements[i]
		if st.Effect != awspolicy.Allow || !st.MatchAction("sts:AssumeRole") {
			continue
		}
		if st.Principal.Wildcard || st.Principal.Negated {
			for _, p := range m.principals {
				add(p)
			}
			continue
		}
		for _, a := range st.Principal.AWS {
			account, exact := principalAccount(a)
			switch {
			case exact && !strings.ContainsAny(a, "*?"):
				if p := m.byARN[a]; p != nil {
					add(p)
				}
			case exact:
				// A pattern of principal ARNs names each principal it matches.
				for _, p := range m.principals {
					if awspolicy.MatchARN(a, p.arn) {
						add(p)
					}
				}
			default:
				// A trust that names an account delegates to the account's
				// own policies: only principals allowed sts:AssumeRole
				// somewhere can use it, and of those whose policies name
				// roles one by one, or one pattern of roles alike, only
				// those that name r.
				for _, p := range callers.of(r, account, shared) {
					add(p)
				}
			}
		}
	}
	return list
}

// assumers indexes the principals allowed sts:AssumeRole somewhere, for
// trusts that name their accounts: by account, those whose policies may
// allow it on any role (general); by role ARN, those whose policies name
// roles one by one (named); and the members of assume-role permission sets
// with their pattern.
type assumers struct {
	general map[string][]*principal
	named   map[string][]*principal
	members map[string][]*principal
	pattern map[*principal]string
	// byRegion are the general callers decided by region on the roles of
	// their own account whose trust names the account.
	byRegion map[*principal]bool
}

func newAssumers(m *model, patternOf map[*principal]string) *assumers {
	a := &assumers{general: map[string][]*principal{}, named: map[string][]*principal{},
		members: map[string][]*principal{}, pattern: patternOf}
	for _, p := range m.principals {
		if allowsSomewhere(p, "sts:AssumeRole", nil).t == awspolicy.No {
			continue
		}
		if _, ok := patternOf[p]; ok {
			a.members[p.account] = append(a.members[p.account], p)
			continue
		}
		if arns, ok := namedResources(p, "sts:AssumeRole"); ok {
			for _, arn := range arns {
				a.named[arn] = append(a.named[arn], p)
			}
			continue
		}
		a.general[p.account] = append(a.general[p.account], p)
	}
	return a
}

// of lists the callers of account ("*": of every account) that may assume
// r through a trust naming that account, in principal order. The members
// of permission sets are left out when their set holds the edge (shared:
// r's trust treats every caller of its account alike).
func (a *assumers) of(r *principal, account string, shared bool) []*principal {
	var list []*principal
	in := func(p *principal) bool { return account == "*" || p.account == account }
	for acct, ps := range a.general {
		if account == "*" || acct == account {
			for _, p := range ps {
				if !(shared && p.account == r.account && a.byRegion[p]) {
					list = append(list, p)
				}
			}
		}
	}
	for _, p := range a.named[r.arn] {
		if in(p) {
			list = append(list, p)
		}
	}
	for acct, ps := range a.members {
		if account != "*" && acct != account {
			continue
		}
		for _, p := range ps {
			if !(shared && p.account == r.account) && awspolicy.MatchARN(a.pattern[p], r.arn) {
				list = append(list, p)
			}
		}
	}
	slices.SortFunc(list, func(x, y *principal) int { return x.index - y.index })
	return list
}

// namedResources returns the resources p's identity policies may allow
// action on when they name each one exactly (after substituting p's own
// policy variables); ok is false when one of them names a pattern or
// anything it cannot resolve.
func namedResources(p *principal, action string) (arns []string, ok bool) {
	for _, st := range allowStatements(p, action) {
		if st.Resource.Negated {
			return nil, false
		}
		for _, v := range st.Resource.Values {
			arn, resolved := awspolicy.SubstituteVariables(v, p.facts)
			if !resolved || strings.ContainsAny(arn, "*?") {
				return nil, false
			}
			arns = append(arns, arn)
		}
	}
	return dedupe(arns), true
}

// assumeRegions decides the general callers of each account (allowed
// sts:AssumeRole somewhere, by several patterns or none alike) on the roles
// of their account whose trust names the account and treats its callers
// alike (shared): once per cell of their own tests, through region sets
// that hold the edges to those roles with each role's trust verdict. It
// returns the callers it decided.
func assumeRegions(m *model, callers *assumers, shared []bool, out *emitter) map[*principal]bool {
	done := map[*principal]bool{}
	if m.perPrincipal {
		return done
	}
	concerns := func(st *awspolicy.Statement) bool { return st.MatchAction("sts:AssumeRole") }
	accounts := make([]string, 0, len(callers.general))
	for a := range callers.general {
		accounts = append(accounts, a)
	}
	sort.Strings(accounts)
	for _, account := range accounts {
		if len(callers.general[account]) == 0 {
			continue
		}
		// The roles whose trust admits the account's callers, with that
		// trust's verdict (any caller of the account gets the same).
		stand := callers.general[account][0]
		var roles []*principal
		var trust []verdict
		var items []string
		var slots [][]string
		for _, r := range m.principals {
			if r.account != account || !shared[r.index] {
				continue
			}
			v := accountTrustVerdict(r, stand)
			if v.t == awspolicy.No {
				continue
			}
			roles = append(roles, r)
			trust = append(trust, v)
			items = append(items, r.arn)
			slots = append(slots, []string{r.arn})
		}
		if len(roles) == 0 {
			continue
		}
		g := newRegionIndex(account, items, slots)
		rs := newRegionSets(g)
		for _, c := range callers.general[account] {
			if m.stopped() {
				return done
			}
			cells, ok := g.cells(m, c, concerns, false)
			if !ok {
				continue
			}
			byKey := map[string]int{}
			var regions []bitset
			var verdicts []verdict
			for _, cell := range cells {
				i := cell.first()
				if roles[i] == c {
					// c is never its own target: decide on another role of
					// the cell, or leave the cell when it is c alone.
					rest := cell.clone()
					rest[i/64] &^= 1 << (i % 64)
					if i = rest.first(); i < 0 {
						continue
					}
				}
				v := identityAllows(c, "sts:AssumeRole", roles[i].arn, nil)
				if v.t == awspolicy.No {
					continue
				}
				k := verdictKey(v)
				j, seen := byKey[k]
				if !seen {
					j = len(regions)
					byKey[k] = j
					regions = append(regions, newBitset(g.words))
					verdicts = append(verdicts, v)
				}
				regions[j].or(cell)
			}
			for j := range regions {
				rs.join(c, TechAssumeRole, "", regions[j], verdicts[j])
			}
			done[c] = true
		}
		rs.emit(m, out, graphmodel.EdgeCanBecome, "roles-trusting-"+account, func(i int) verdict {
			return trust[i]
		}, func(s *regionSet, items int) string {
			return fmt.Sprintf("principals of %s that can assume %d roles whose trust names the account", account, items)
		})
	}
	return done
}
