package aws

import (
	"slices"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/analysis/aws/catalog"
	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// accessFamily is the resources of one account, service and type on which
// the requests of their account's principals are decided by the
// principals' identity policies and a verdict of the resource's own, alike
// for all of them (resourceSide), with the ARN prefixes they share.
type accessFamily struct {
	prefixes  []string
	resources []*resource
	sides     []verdict // by resource: its own part of every verdict
	indices   []int     // by resource: its index in model.resources
	members   map[*resource]bool
	// sets are the family's permission sets, by access level.
	sets *techniqueSets
	// states are, by principal index, what is known of each principal's
	// access to the family.
	states []familyState
}

// familyState is what is known of one principal's access to a resource
// family: whether the family's permission sets hold it (held), and then
// what they give and its other policies: others wholly, partly those whose
// statements that name every resource alike the sets hold.
type familyState struct {
	held           bool
	gives          found
	others, partly []*policy
	// broad: its permission set of broad policies gives what the family's
	// sets would, so it joined none of them.
	broad bool
}

// accessFamilies groups by account, service and type the resources whose
// own part of their principals' verdicts is the same for all of them.
func accessFamilies(m *model) map[[3]string]*accessFamily {
	fams := map[[3]string]*accessFamily{}
	for i, r := range m.resources {
		service, typ, ok := catalog.ResourceTypeOf(r.arn)
		if !ok || !accessServices[service] {
			continue
		}
		side, ok := m.resourceSide(r, service)
		if !ok {
			continue
		}
		k := [3]string{r.account, service, typ}
		f := fams[k]
		if f == nil {
			f = &accessFamily{members: map[*resource]bool{}}
			fams[k] = f
		}
		for _, arn := range []string{r.arn, r.arn + "/*"} {
			if pre := familyPrefix(arn); !slices.Contains(f.prefixes, pre) {
				f.prefixes = append(f.prefixes, pre)
			}
		}
		f.resources = append(f.resources, r)
		f.sides = append(f.sides, side)
		f.indices = append(f.indices, i)
		f.members[r] = true
	}
	return fams
}

// has reports whether r is one of the family's resources.
func (f *accessFamily) has(r *resource) bool { return f.members[r] }

// resourceSide returns r's own part of the verdict on any request of a
// principal of r's account that r's resource policy does not name, when
// that part is the same for every such principal and every action of
// service: without a resource policy, Yes; with one that grants nothing to
// everyone or to every principal of r's account (for the account's
// principals it does not name only their identity policies can then
// allow), what its Deny statements leave, provided each covers every
// action of the service and every ARN of r, and looks at nothing that
// tells principals apart. The principals it names are decided on their
// own (see accessWorker.resource); the Deny statements apply to them too.
// ok is false otherwise, and when a resource control policy applies.
func (m *model) resourceSide(r *resource, service string) (verdict, bool) {
	if m.orgs[r.account] != nil && rcpServices[r.service] {
		return verdict{}, false
	}
	if r.policy == nil {
		return verdict{t: awspolicy.Yes, evidence: []graphmodel.Evidence{{Source: r.arn, Statement: -1,
			Note: "no resource policy: identity policies decide"}}}, true
	}
	if r.service == "kms" {
		return verdict{}, false // the key policy decides
	}
	doc := r.policy.doc
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if statementSpecific(st) || st.Principal.Negated || st.Action.Negated || st.Resource.Negated {
			return verdict{}, false
		}
		for _, c := range st.Conditions {
			if strings.EqualFold(c.Key, "aws:PrincipalType") {
				return verdict{}, false
			}
		}
		if st.Effect == awspolicy.Allow {
			if st.Principal.Wildcard {
				return verdict{}, false
			}
			for _, a := range st.Principal.AWS {
				if account, exact := principalAccount(a); exact && account == "*" {
					return verdict{}, false
				}
			}
			continue
		}
		// A Deny: on every action of the service, every ARN of r, everyone.
		if !slices.ContainsFunc(st.Action.Values, func(a string) bool { return a == "*" || strings.EqualFold(a, service+":*") }) {
			return verdict{}, false
		}
		for _, arn := range []string{r.arn, r.arn + "/x"} {
			if !slices.ContainsFunc(st.Resource.Values, func(p string) bool { return awspolicy.MatchARN(p, arn) }) {
				return verdict{}, false
			}
		}
		if !st.Principal.Wildcard {
			return verdict{}, false
		}
	}
	// Any principal of the account stands for all: nothing looks at what
	// tells them apart.
	i := sort.Search(len(m.principals), func(i int) bool { return m.principals[i].arn >= "arn:aws:iam::"+r.account+":" })
	if i == len(m.principals) || m.principals[i].account != r.account {
		return verdict{}, false
	}
	d := doc.Evaluate(m.principals[i].request(service+":x", r.arn, nil))
	side := verdict{t: d.Deny.Not(), undecided: d.Undecided,
		evidence: []graphmodel.Evidence{{Source: r.arn, Statement: -1, Note: "its resource policy grants the account's other principals nothing"}}}
	for _, st := range d.Denying {
		side.evidence = append(side.evidence, statementEvidence(r.policy.source, st, "may deny "+service+" requests"))
	}
	if side.t == awspolicy.Yes {
		side.undecided = nil
	}
	return side, side.t != awspolicy.No
}

// family works out, for every principal of fam's account outside the
// account's permission sets of identical broad policies, whether the
// family's permission sets hold its access (familyStand), and what they
// give it, decided on the first resource without its resource policy.
func (w *accessWorker) family(fam *accessFamily) {
	ra, m := w.ra, w.ra.m
	first := fam.indices[0]
	r, info := m.resources[first], &ra.res[first]
	service, typ := info.service, info.typ
	broadSets := ra.sets[[2]string{r.account, service}]
	setOf := broadSets.of
	fam.states = make([]familyState, len(m.principals))
	fam.sets = newTechniqueSets(m)
	bare := *r
	bare.policy = nil
	what := "access " + service + " " + typ + " resources"
	parts := map[*policy]*policy{}
	broadGives := map[*permissionSet]found{}
	for _, p := range ra.byAccount[r.account] {
		if ra.admins[p.index] {
			continue
		}
		set := setOf[p]
		if broadSets.whole[p] {
			continue // its permission set of broad policies gives all it has
		}
		stand, others, partly, ok := familyStand(p, service, fam.prefixes, w.blind, w.classes, parts)
		if !ok {
			continue
		}
		st := &fam.states[p.index]
		st.held, st.others, st.partly = true, others, partly
		st.gives = resourceAccess(m, w.ix, stand, &bare, info.targets, nil)
		f := st.gives
		if set != nil {
			// Its permission set of broad policies reaches every resource
			// of the family too: the family's sets are needed only for more.
			byBroad := set.gives(func(s *permissionSet) found {
				f, seen := broadGives[s]
				if !seen {
					f = resourceAccess(m, w.ix, s.stand, &bare, info.targets, nil)
					broadGives[s] = f
				}
				return f
			})
			if !adds(f, byBroad) {
				st.broad = true
				continue
			}
		}
		if f.certain != "" {
			fam.sets.joinLabelled(p, f.certainA, typ+":"+string(f.certain), what, f.certainV)
		}
		if f.conditional != "" && f.conditional.Rank() > f.certain.Rank() {
			fam.sets.joinLabelled(p, f.condA, typ+":"+string(f.conditional), what, f.condV)
		}
	}
}

// familyStand splits p's policies concerning service into those that
// decide alike on every resource under prefixes and the others; ok when
// the others deny nothing of the service and p's boundary and control
// policies decide alike too. stand is a copy of p holding the first ones,
// and the part of a policy of partly that does (see blindPart); parts
// memoizes those parts.
func familyStand(p *principal, service string, prefixes []string, b blindness, c *classifier, parts map[*policy]*policy) (stand *principal, others, partly []*policy, ok bool) {
	for _, doc := range p.limits() {
		if !b.documentServiceBlind(doc, service, prefixes) {
			return nil, nil, nil, false
		}
	}
	stand = p.standIn()
	for _, pol := range p.policies {
		switch {
		case !c.concerns(pol, service):
		case b.documentServiceBlind(pol.doc, service, prefixes):
			stand.policies = append(stand.policies, pol)
		default:
			part, seen := parts[pol]
			if !seen {
				part = blindPart(pol, service, prefixes)
				parts[pol] = part
			}
			switch {
			case part != nil:
				// Its Deny statements, all in the part, apply everywhere.
				stand.policies = append(stand.policies, part)
				partly = append(partly, pol)
			case deniesService(pol.doc, service):
				return nil, nil, nil, false
			default:
				others = append(others, pol)
			}
		}
	}
	return stand, others, partly, true
}

// blindPart returns pol without its statements concerning service that do
// not decide alike on every resource under prefixes (see keptPart), when
// it has some that do and every other statement concerning service is an
// Allow that names resources by pattern: on a resource none of those
// patterns names, pol decides as its part does. Nil otherwise.
func blindPart(pol *policy, service string, prefixes []string) *policy {
	concerning := false
	for i := range pol.doc.Statements {
		switch st := &pol.doc.Statements[i]; {
		case !st.ConcernsService(service):
		case statementBlind(st, prefixes):
			concerning = true
		case st.Effect == awspolicy.Deny || uniformResource(st) || st.Resource.Negated:
			return nil
		}
	}
	if !concerning {
		return nil
	}
	return keptPart(pol, func(st *awspolicy.Statement) bool {
		return !st.ConcernsService(service) || statementBlind(st, prefixes)
	})
}

// deniesService reports whether a Deny statement of doc may concern service.
func deniesService(doc *awspolicy.Document, service string) bool {
	for i := range doc.Statements {
		if st := &doc.Statements[i]; st.Effect == awspolicy.Deny && st.ConcernsService(service) {
			return true
		}
	}
	return false
}
