package aws

import (
	"strconv"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
)

// This file groups principals into access classes: principals whose
// requests on one resource are decided by the same documents, none of which
// looks at who the principal is. Every member of a class gets the same
// decision (and the same evidence) on that resource, unless its resource
// policy tells them apart, so resource access is worked out once per class
// instead of once per principal.

// classifier tells which principals decide alike on a resource and
// remembers what it learnt of each document.
type classifier struct {
	m *model
	// ids numbers policies, boundaries and control policy chains for keys.
	ids  map[*policy]int
	orgs map[*orgChain]int
	// specific memoizes whether a document looks at the principal.
	specific map[*awspolicy.Document]bool
	// services memoizes the service prefixes a policy's statements concern
	// ("*" for every service).
	services map[*policy]map[string]bool
	// lone memoizes, by service, the principals that decide on their own.
	lone map[string]map[*principal]bool
	// byResource indexes the identity policies by the resources their
	// statements may name.
	byResource *resourceIndex
}

func newClassifier(m *model) *classifier {
	c := &classifier{m: m, ids: map[*policy]int{}, orgs: map[*orgChain]int{},
		specific: map[*awspolicy.Document]bool{}, services: map[*policy]map[string]bool{},
		lone: map[string]map[*principal]bool{}}
	c.byResource = m.policyIndex()
	return c
}

// numberAll gives every policy, boundary and control policy chain of the
// model its number, so that keys only read ids and orgs afterwards.
func (c *classifier) numberAll() {
	for _, p := range c.m.principals {
		for _, pol := range p.policies {
			c.id(pol)
		}
		if p.boundary != nil {
			c.id(p.boundary)
		}
		if p.org != nil {
			if _, ok := c.orgs[p.org]; !ok {
				c.orgs[p.org] = len(c.orgs) + 1
			}
		}
	}
}

// fork returns a classifier for another goroutine: it shares the numbers
// (numberAll must have run) and the resource index, read-only, and keeps
// its own memos.
func (c *classifier) fork() *classifier {
	return &classifier{m: c.m, ids: c.ids, orgs: c.orgs, byResource: c.byResource,
		specific: map[*awspolicy.Document]bool{}, services: map[*policy]map[string]bool{},
		lone: map[string]map[*principal]bool{}}
}

// key returns the access class of p on a resource of service whose
// relevant identity policies are relevant: the relevant policies p holds
// (in its order), its kind, boundary and control policies. Principals with
// the same key decide alike on that resource; the key starts with "-" when
// none of its policies concerns the resource. ok is false when p decides
// on its own (a document that looks at who it is).
func (c *classifier) key(p *principal, service string, relevant relevance) (key string, ok bool) {
	return c.ruleKey(p, []string{service}, relevant, nil)
}

// ruleKey is key for a decision that involves actions of the services on,
// on a resource whose relevant policies are relevant, and actions of the
// services anywhere on any resource: every policy concerning one of those
// counts whatever it names.
func (c *classifier) ruleKey(p *principal, on []string, relevant relevance, anywhere []string) (key string, ok bool) {
	for _, list := range [][]string{on, anywhere} {
		for _, service := range list {
			if c.alone(p, service) {
				return "", false
			}
		}
	}
	var b []byte
	for _, pol := range p.policies {
		if (relevant.has(pol) && c.concernsAny(pol, on)) || c.concernsAny(pol, anywhere) {
			b = strconv.AppendInt(b, int64(c.id(pol)), 10)
			b = append(b, ',')
		}
	}
	if len(b) == 0 {
		b = append(b, '-') // none of its policies concerns the decision
	}
	if p.isRole {
		b = append(b, "|r"...)
	}
	if p.boundary != nil {
		b = strconv.AppendInt(append(b, "|b"...), int64(c.id(p.boundary)), 10)
	}
	if p.org != nil {
		id, ok := c.orgs[p.org]
		if !ok {
			id = len(c.orgs) + 1
			c.orgs[p.org] = id
		}
		b = strconv.AppendInt(append(b, "|o"...), int64(id), 10)
	}
	return string(b), true
}

// narrow returns p with only the policies a key of it lists (see
// ruleKey, here without services anywhere): the others name no resource
// that relevant covers or concern none of the services, so p decides alike
// on such a resource without them, and faster.
func (c *classifier) narrow(p *principal, on []string, relevant relevance) *principal {
	keep := 0
	for _, pol := range p.policies {
		if relevant.has(pol) && c.concernsAny(pol, on) {
			keep++
		}
	}
	if keep == len(p.policies) {
		return p
	}
	stand := p.standIn()
	stand.policies = make([]*policy, 0, keep)
	for _, pol := range p.policies {
		if relevant.has(pol) && c.concernsAny(pol, on) {
			stand.policies = append(stand.policies, pol)
		}
	}
	return stand
}

// alone reports, memoized, whether p decides on its own on service.
func (c *classifier) alone(p *principal, service string) bool {
	lone, seen := c.lone[service]
	if !seen {
		lone = map[*principal]bool{}
		c.lone[service] = lone
	}
	alone, known := lone[p]
	if !known {
		alone = !c.shareable(p, service)
		lone[p] = alone
	}
	return alone
}

// concernsAny reports whether pol concerns one of services.
func (c *classifier) concernsAny(pol *policy, services []string) bool {
	for _, s := range services {
		if c.concerns(pol, s) {
			return true
		}
	}
	return false
}

func (c *classifier) id(pol *policy) int {
	id, ok := c.ids[pol]
	if !ok {
		id = len(c.ids)
		c.ids[pol] = id
	}
	return id
}

// concerns reports whether some statement of pol (Allow or Deny) may name
// an action of service.
func (c *classifier) concerns(pol *policy, service string) bool {
	set, ok := c.services[pol]
	if !ok {
		set = map[string]bool{}
		for i := range pol.doc.Statements {
			names, every := pol.doc.Statements[i].Services()
			if every {
				set["*"] = true
			}
			for _, service := range names {
				set[service] = true
			}
		}
		c.services[pol] = set
	}
	return set["*"] || set[service]
}

// shareable reports whether none of the documents deciding p's requests on
// service (its identity policies, its boundary, its account's control
// policies) depends on facts that differ between principals of one account
// and kind: its ARN, name, unique ID or tags.
func (c *classifier) shareable(p *principal, service string) bool {
	for _, pol := range p.policies {
		if c.concerns(pol, service) && c.isSpecific(pol.doc) {
			return false
		}
	}
	if p.boundary != nil && c.isSpecific(p.boundary.doc) {
		return false
	}
	if p.org != nil {
		for _, chain := range [][][]*policy{p.org.scp, p.org.rcp} {
			for _, level := range chain {
				for _, pol := range level {
					if c.isSpecific(pol.doc) {
						return false
					}
				}
			}
		}
	}
	if chain := c.m.orgs[p.account]; chain != nil && chain != p.org {
		for _, level := range chain.rcp {
			for _, pol := range level {
				if c.isSpecific(pol.doc) {
					return false
				}
			}
		}
	}
	return true
}

func (c *classifier) isSpecific(doc *awspolicy.Document) bool {
	s, ok := c.specific[doc]
	if !ok {
		s = principalSpecific(doc)
		c.specific[doc] = s
	}
	return s
}

// principalSpecific reports whether a document may decide differently for
// two principals of the same account and kind: a Principal element, a
// condition on the principal's ARN, name, unique ID or tags, or a policy
// variable anywhere.
func principalSpecific(doc *awspolicy.Document) bool {
	for i := range doc.Statements {
		if doc.Statements[i].Principal.Present || statementSpecific(&doc.Statements[i]) {
			return true
		}
	}
	return false
}

// statementSpecific reports whether a statement's Resource or Condition
// elements look at who the principal is.
func statementSpecific(st *awspolicy.Statement) bool {
	for _, r := range st.Resource.Values {
		if strings.Contains(r, "${") {
			return true
		}
	}
	for _, cond := range st.Conditions {
		key := strings.ToLower(cond.Key)
		switch {
		case key == "aws:principalarn", key == "aws:username", key == "aws:userid",
			strings.HasPrefix(key, "aws:principaltag/"), strings.Contains(key, "${"):
			return true
		}
		for _, v := range cond.Values {
			if strings.Contains(v, "${") {
				return true
			}
		}
	}
	return false
}

// sharedFor says which IAM principals of account a resource policy decides
// alike: ok is false when it may tell any two apart (NotPrincipal, or a
// statement that looks at who the principal is); otherwise it decides alike
// for every principal no entry of named matches (naming the account,
// everyone, or others is the same for all of them), and named lists the
// entries that name principals of account by ARN.
func sharedFor(doc *awspolicy.Document, account string) (named []string, ok bool) {
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if st.Principal.Negated || statementSpecific(st) {
			return nil, false
		}
		for _, entry := range st.Principal.AWS {
			if a, exact := principalAccount(entry); a == account && exact {
				named = append(named, entry)
			}
		}
	}
	return named, true
}

// namedBy reports whether one of the principal entries matches p.
func namedBy(entries []string, p *principal) bool {
	for _, e := range entries {
		if awspolicy.MatchARN(e, p.arn) {
			return true
		}
	}
	return false
}

// resourceIndex finds the identity policies with a statement whose Resource
// may name a given ARN, without matching every pattern.
type resourceIndex struct {
	// always are the policies with a statement on every resource ("*", a
	// NotResource, no Resource element, or a pattern starting with a
	// wildcard or a variable).
	always    []*policy
	alwaysSet map[*policy]bool
	// named files the other policies by their patterns.
	named *prefixIndex[*policy]
}

func newResourceIndex(m *model) *resourceIndex {
	ix := &resourceIndex{alwaysSet: map[*policy]bool{}, named: newPrefixIndex[*policy]()}
	for _, pol := range m.distinctPolicies() {
		keys := map[string]bool{}
		everywhere := false
		for i := range pol.doc.Statements {
			st := &pol.doc.Statements[i]
			if st.Resource.Negated || !st.Resource.Present {
				everywhere = true
				break
			}
			k, all := patternKeys(st.Resource.Values)
			if all {
				everywhere = true
				break
			}
			for key := range k {
				keys[key] = true
			}
		}
		if everywhere {
			ix.always = append(ix.always, pol)
			ix.alwaysSet[pol] = true
			continue
		}
		ix.named.add(pol, keys)
	}
	ix.named.finish()
	return ix
}

// relevance is the policies with a statement that may name a resource:
// always, those that name every resource (alike), and specific, those that
// may name this one.
type relevance struct {
	always   map[*policy]bool
	specific map[*policy]bool
}

// has reports whether pol may name the resource.
func (r relevance) has(pol *policy) bool {
	return r.always[pol] || r.specific[pol]
}

// isSpecific reports whether pol names the resource by a pattern.
func (r relevance) isSpecific(pol *policy) bool { return r.specific[pol] }

// relevant returns the policies with a statement that may name one of arns
// (a superset: patterns are only compared by their text before the first
// wildcard, without regard to case).
func (ix *resourceIndex) relevant(arns ...string) relevance {
	out := map[*policy]bool{}
	ix.named.lookup(out, arns...)
	return relevance{always: ix.alwaysSet, specific: out}
}

// isAlways reports whether a statement of pol may name every resource.
func (ix *resourceIndex) isAlways(pol *policy) bool { return ix.alwaysSet[pol] }
