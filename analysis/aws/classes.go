package aws

import (
	"strconv"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
)

// This file groups principals into access classes: principals whose
// requests on one service are decided by the same documents, none of which
// looks at who the principal is. Every member of a class gets the same
// decision (and the same evidence) on a resource without a resource policy,
// so resource access is worked out once per class instead of once per
// principal.

// accessClass is a set of principals of one account whose requests on one
// service decide alike.
type accessClass struct {
	members []*principal
}

// classifier builds access classes and remembers what it learnt of each
// document.
type classifier struct {
	m *model
	// ids numbers policies for class keys.
	ids map[*policy]int
	// specific memoizes whether a document looks at the principal.
	specific map[*awspolicy.Document]bool
	// services memoizes the service prefixes a policy's statements concern
	// ("*" for every service).
	services map[*policy]map[string]bool
}

func newClassifier(m *model) *classifier {
	return &classifier{m: m, ids: map[*policy]int{}, specific: map[*awspolicy.Document]bool{}, services: map[*policy]map[string]bool{}}
}

// classes partitions the principals of account that may act on service into
// access classes, in principal order; principals whose documents depend on
// who they are come back alone in singles.
func (c *classifier) classes(account, service string) (classes []*accessClass, singles []*principal) {
	at := map[string]*accessClass{}
	var key strings.Builder
	for _, p := range c.m.principals {
		if p.account != account {
			continue
		}
		key.Reset()
		relevant := false
		for _, pol := range p.policies {
			if !c.concerns(pol, service) {
				continue
			}
			relevant = true
			key.WriteString(strconv.Itoa(c.id(pol)))
			key.WriteByte(',')
		}
		if !relevant {
			continue // no statement of it names the service
		}
		if !c.shareable(p, service) {
			singles = append(singles, p)
			continue
		}
		if p.isRole {
			key.WriteString("|role")
		}
		if p.boundary != nil {
			key.WriteString("|b" + strconv.Itoa(c.id(p.boundary)))
		}
		k := key.String()
		cl := at[k]
		if cl == nil {
			cl = &accessClass{}
			at[k] = cl
			classes = append(classes, cl)
		}
		cl.members = append(cl.members, p)
	}
	return classes, singles
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
			st := &pol.doc.Statements[i]
			if st.Action.Negated {
				set["*"] = true
				continue
			}
			for _, a := range st.Action.Values {
				prefix, _, found := strings.Cut(strings.ToLower(a), ":")
				if !found || strings.ContainsAny(prefix, "*?") {
					set["*"] = true
				} else {
					set[prefix] = true
				}
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
