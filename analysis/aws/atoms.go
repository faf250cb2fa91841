package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blastradius/blastradius/awspolicy"
)

// Target atoms.
//
// A principal that may act on most, but not all, targets of a kind (every
// role but those tagged env=prod, every user under /teams/) is not blind
// to its targets, yet its decision does not change from one target to the
// next but where the statements it is subject to tell them apart. Atoms
// are the classes of targets that no statement of the account tells apart:
// for one account, one set of actions and one kind of target, two targets
// are in one atom when every Resource and NotResource pattern of every
// statement concerning the actions (identity policies of every principal of
// the account, their permission boundaries and the account's control
// policies) matches both or neither, and every condition on the resource
// (its tags) reads the same of both. A principal's own part of a decision is
// then decided once per atom, on one of its targets, and the principal joins
// the atom's set of the technique, which holds the edges to the atom's
// targets (techsets.go): the work and the edges grow as principals × atoms
// plus targets, not principals × targets. In badly run accounts atoms are
// few (a handful of paths and tag values), whatever the number of targets.
//
// Statements whose Resource element holds a policy variable
// (${aws:username}) name different targets for different principals: they
// are left out of the atoms, and a principal with one is decided in full on
// the targets they name for it (selfNamed).

// targetAtoms is the partition of one account's targets of one kind for a
// set of actions.
type targetAtoms struct {
	// of gives the atom of each target.
	of map[string]int
	// members lists each atom's targets in order; key is its stable label
	// (a digest of its signature).
	members [][]string
	key     []string
}

// atomsKey identifies a partition.
type atomsKey struct {
	account, actions, prefix string
}

// atomCache memoizes partitions; safe for concurrent use.
type atomCache struct {
	mu   sync.Mutex
	seen map[atomsKey]*targetAtoms
}

// atomsFor returns the atoms of targets (ARNs of one kind under prefix, of
// account) for actions, computing them once.
func (m *model) atomsFor(account string, actions []string, prefix string, targets []string) *targetAtoms {
	k := atomsKey{account: account, actions: strings.Join(actions, ","), prefix: prefix}
	m.atoms.mu.Lock()
	defer m.atoms.mu.Unlock()
	if a, ok := m.atoms.seen[k]; ok {
		return a
	}
	a := m.partition(account, actions, targets)
	if m.atoms.seen == nil {
		m.atoms.seen = map[atomsKey]*targetAtoms{}
	}
	m.atoms.seen[k] = a
	return a
}

// partition works the atoms out.
func (m *model) partition(account string, actions []string, targets []string) *targetAtoms {
	concerns := func(st *awspolicy.Statement) bool {
		return slices.ContainsFunc(actions, func(a string) bool { return st.MatchAction(a) })
	}
	// The tests every statement concerning the actions makes of a
	// resource: its patterns and the resource keys its conditions read.
	patterns, keys := map[string]bool{}, map[string]bool{}
	seenDoc := map[*awspolicy.Document]bool{}
	addDoc := func(doc *awspolicy.Document) {
		if doc == nil || seenDoc[doc] {
			return
		}
		seenDoc[doc] = true
		for i := range doc.Statements {
			st := &doc.Statements[i]
			if !concerns(st) {
				continue
			}
			for _, v := range st.Resource.Values {
				if !strings.Contains(v, "${") {
					patterns[v] = true
				}
			}
			for _, c := range st.Conditions {
				if resourceKey(c.Key) {
					keys[strings.ToLower(c.Key)] = true
				}
				for _, v := range c.Values {
					for _, key := range resourceVariables(v) {
						keys[key] = true
					}
				}
			}
		}
	}
	for _, p := range m.principals {
		if p.account != account {
			continue
		}
		for _, doc := range p.allDocs() {
			addDoc(doc)
		}
	}
	plist := sortedKeys(patterns)
	klist := sortedKeys(keys)
	a := &targetAtoms{of: make(map[string]int, len(targets))}
	bySig := map[string]int{}
	var sig strings.Builder
	for _, t := range targets {
		sig.Reset()
		for _, p := range plist {
			if awspolicy.MatchARN(p, t) {
				sig.WriteByte('1')
			} else {
				sig.WriteByte('0')
			}
		}
		facts := m.targetFacts(t)
		for _, k := range klist {
			sig.WriteByte('|')
			if facts == nil {
				sig.WriteString("?")
				continue
			}
			vals, state := facts.Lookup(k)
			fmt.Fprintf(&sig, "%d%q", state, vals)
		}
		s := sig.String()
		i, ok := bySig[s]
		if !ok {
			i = len(a.members)
			bySig[s] = i
			sum := sha256.Sum256([]byte(strings.Join(plist, "\n") + "\x00" + strings.Join(klist, "\n") + "\x00" + s))
			a.members = append(a.members, nil)
			a.key = append(a.key, hex.EncodeToString(sum[:6]))
		}
		a.of[t] = i
		a.members[i] = append(a.members[i], t)
	}
	return a
}

// resourceVariables returns the resource keys a condition value refers to
// as policy variables ("${aws:ResourceTag/team}"), lower-cased.
func resourceVariables(v string) []string {
	var keys []string
	for {
		i := strings.Index(v, "${")
		if i < 0 {
			return keys
		}
		j := strings.Index(v[i:], "}")
		if j < 0 {
			return keys
		}
		if k := strings.ToLower(v[i+2 : i+j]); resourceKey(k) {
			keys = append(keys, k)
		}
		v = v[i+j+1:]
	}
}

func sortedKeys(set map[string]bool) []string {
	list := make([]string, 0, len(set))
	for k := range set {
		list = append(list, k)
	}
	sort.Strings(list)
	return list
}

// selfNamed returns the targets p's statements concerning action with a
// policy variable in their Resource element name once p's variables are
// resolved, and whether they name them one by one (ok false when one
// resolves to a pattern or cannot be resolved: p must then be decided
// target by target).
func selfNamed(p *principal, actions []string) (named []string, ok bool) {
	for _, pol := range p.allDocs() {
		for i := range pol.Statements {
			st := &pol.Statements[i]
			if !slices.ContainsFunc(actions, func(a string) bool { return st.MatchAction(a) }) {
				continue
			}
			for _, v := range st.Resource.Values {
				if !strings.Contains(v, "${") {
					continue
				}
				arn, resolved := awspolicy.SubstituteVariables(v, p.facts)
				if !resolved || strings.ContainsAny(arn, "*?") {
					return nil, false
				}
				named = append(named, arn)
			}
		}
	}
	return dedupe(named), true
}

// allDocs returns every document p is subject to: its identity policies,
// its boundary and its account's control policies.
func (p *principal) allDocs() []*awspolicy.Document {
	docs := make([]*awspolicy.Document, 0, len(p.policies)+2)
	for _, pol := range p.policies {
		docs = append(docs, pol.doc)
	}
	return append(docs, p.limits()...)
}

// representative returns a target of atom i that is none of skip, or ""
// when every target of the atom is one of them.
func (a *targetAtoms) representative(i int, skip ...[]string) string {
	return representativeIn(a.members[i], skip...)
}

// representativeIn returns the first of targets (all of one atom) that is
// none of skip, or "".
func representativeIn(targets []string, skip ...[]string) string {
	for _, t := range targets {
		if !slices.ContainsFunc(skip, func(list []string) bool { return slices.Contains(list, t) }) {
			return t
		}
	}
	return ""
}
