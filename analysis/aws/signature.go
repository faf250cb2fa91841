package aws

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
)

// This file gives resources a decision signature. Two resources of one
// account, service and type, neither with a resource policy, with the same
// tags and the same answer of every statement's Resource element on their
// targets, get the same decision, with the same evidence, on every request
// of any principal of the account: nothing else of a resource enters an
// evaluation. Resource access then decides once per access class and
// signature instead of once per class and resource.

// signer computes signatures. Statements whose Resource names every
// resource alike ("*", or no Resource element) answer the same everywhere
// and are left out; the others are indexed by their patterns.
type signer struct {
	named *prefixIndex[*awspolicy.Statement]
	// every are the statements that may name any resource (a NotResource,
	// a pattern starting with a wildcard) without naming all alike.
	every []*awspolicy.Statement
	// ids number the statements, in model order, for the signatures.
	ids  map[*awspolicy.Statement]int
	sigs map[string]int32
}

// newSigner indexes the statements of every identity policy, permission
// boundary and control policy of m.
func newSigner(m *model) *signer {
	s := &signer{named: newPrefixIndex[*awspolicy.Statement](), ids: map[*awspolicy.Statement]int{},
		sigs: map[string]int32{}}
	seen := map[*awspolicy.Document]bool{}
	addDoc := func(doc *awspolicy.Document) {
		if seen[doc] {
			return
		}
		seen[doc] = true
		for i := range doc.Statements {
			st := &doc.Statements[i]
			if uniformResource(st) {
				continue
			}
			s.ids[st] = len(s.ids)
			keys, everywhere := patternKeys(st.Resource.Values)
			if everywhere || st.Resource.Negated {
				s.every = append(s.every, st)
			} else {
				s.named.add(st, keys)
			}
		}
	}
	addChain := func(c *orgChain) {
		if c == nil {
			return
		}
		for _, levels := range [][][]*policy{c.scp, c.rcp} {
			for _, level := range levels {
				for _, pol := range level {
					addDoc(pol.doc)
				}
			}
		}
	}
	for _, p := range m.principals {
		for _, pol := range p.policies {
			addDoc(pol.doc)
		}
		if p.boundary != nil {
			addDoc(p.boundary.doc)
		}
		addChain(p.org)
	}
	accounts := make([]string, 0, len(m.orgs))
	for a := range m.orgs {
		accounts = append(accounts, a)
	}
	sort.Strings(accounts)
	for _, a := range accounts {
		addChain(m.orgs[a])
	}
	s.named.finish()
	return s
}

// uniformResource reports whether st's Resource element names every
// resource alike: absent, or nothing but "*".
func uniformResource(st *awspolicy.Statement) bool {
	if !st.Resource.Present {
		return true
	}
	return !st.Resource.Negated && !slices.ContainsFunc(st.Resource.Values, func(v string) bool { return v != "*" })
}

// sign returns the signature number of r (without a resource policy) with
// targets, from 1; resources with the same number decide alike.
func (s *signer) sign(r *resource, targets []target) int32 {
	arns := make([]string, len(targets))
	for i, t := range targets {
		arns[i] = t.arn
	}
	found := map[*awspolicy.Statement]bool{}
	s.named.lookup(found, arns...)
	list := make([]*awspolicy.Statement, 0, len(found)+len(s.every))
	for st := range found {
		list = append(list, st)
	}
	list = append(list, s.every...)
	slices.SortFunc(list, func(a, b *awspolicy.Statement) int { return s.ids[a] - s.ids[b] })

	var b []byte
	b = append(b, r.account...)
	for _, t := range targets {
		b = append(append(b, '|'), t.key...)
	}
	keys := make([]string, 0, len(r.node.Tags))
	for k := range r.node.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b = strconv.AppendQuote(append(b, '#'), k)
		b = strconv.AppendQuote(append(b, '='), r.node.Tags[k])
	}
	for _, st := range list {
		if variableResource(st) {
			// Only principals that decide on their own hold it where it
			// concerns the service, and they do not share decisions.
			continue
		}
		var answers []byte
		named := false
		for _, t := range targets {
			a := st.MatchResource(t.arn, nil)
			named = named || a != awspolicy.No
			answers = append(answers, byte('0'+a))
		}
		if named {
			b = strconv.AppendInt(append(b, ';'), int64(s.ids[st]), 10)
			b = append(append(b, ':'), answers...)
		}
	}
	id, ok := s.sigs[string(b)]
	if !ok {
		id = int32(len(s.sigs) + 1)
		s.sigs[string(b)] = id
	}
	return id
}

// variableResource reports whether a pattern of st's Resource holds a
// policy variable.
func variableResource(st *awspolicy.Statement) bool {
	return slices.ContainsFunc(st.Resource.Values, func(v string) bool { return strings.Contains(v, "${") })
}
