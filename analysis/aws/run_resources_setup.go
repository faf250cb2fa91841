package aws

import (
	"slices"

	"github.com/blastradius/blastradius/analysis/aws/catalog"
	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// accessRun is what the workers of deriveResourceAccess share, read-only
// once prepare returned.
type accessRun struct {
	m       *model
	classes *classifier
	fams    map[[3]string]*accessFamily
	// By principal index: administrators.
	admins    []bool
	byAccount map[string][]*principal
	// concerned lists by account and service the principals of the account
	// that are not its administrators and whose statements concern the
	// service: all that may access a resource without a resource policy.
	concerned map[[2]string][]*principal
	// By resource index: its service, type and targets (ok false when it
	// gets no access edges), whether principals share decisions on it, and
	// the principals of its account its resource policy names.
	res []resourceInfo
	// sets are the permission sets of identical broad policies, by account
	// and service.
	sets map[[2]string]permissionSets
	// signs indexes the statements that name resources one by one (and
	// gives signatures); owners are the identity policies holding each;
	// uniform are, by service, the identity policies with a statement
	// concerning the service on every resource alike.
	signs   *signer
	owners  map[*awspolicy.Statement][]*policy
	uniform map[string]map[*policy]bool
}

type resourceInfo struct {
	ok            bool
	service, typ  string
	targets       []target
	share         bool
	named         []string
	familyKey     [3]string
	inFamily      bool
	permissionSet bool // the account's permission sets apply
	// sig is its decision signature (see signature.go), 0 when it has none.
	sig int32
	// group is its region group (run_resources_regions.go), nil when it has none.
	group *regionGroup
}

type permissionSets struct {
	list []*permissionSet
	of   map[*principal]*permissionSet
	// whole holds the members whose policies concerning the service are
	// all their set's: where the set gives its access, they have no more.
	whole map[*principal]bool
}

func newAccessRun(m *model) *accessRun {
	ra := &accessRun{m: m, classes: newClassifier(m), fams: accessFamilies(m),
		admins:    make([]bool, len(m.principals)),
		byAccount: map[string][]*principal{}, concerned: map[[2]string][]*principal{},
		res:  make([]resourceInfo, len(m.resources)),
		sets: map[[2]string]permissionSets{}, signs: newSigner(m),
		owners: map[*awspolicy.Statement][]*policy{}, uniform: map[string]map[*policy]bool{}}
	ra.classes.numberAll()
	for service := range accessServices {
		ra.uniform[service] = map[*policy]bool{}
	}
	for _, pol := range m.distinctPolicies() {
		for i := range pol.doc.Statements {
			st := &pol.doc.Statements[i]
			if !uniformResource(st) {
				ra.owners[st] = append(ra.owners[st], pol)
				continue
			}
			for service, set := range ra.uniform {
				if st.ConcernsService(service) {
					set[pol] = true
				}
			}
		}
	}
	services := principalServices(m)
	for _, p := range m.principals {
		ra.admins[p.index] = m.admins[p.arn]
		ra.byAccount[p.account] = append(ra.byAccount[p.account], p)
		if ra.admins[p.index] {
			continue
		}
		for service := range accessServices {
			if services[p][service] || services[p]["*"] {
				k := [2]string{p.account, service}
				ra.concerned[k] = append(ra.concerned[k], p)
			}
		}
	}
	return ra
}

// principalServices lists, per principal, the service prefixes its Allow
// statements name ("*" for a wildcard service or a NotAction).
func principalServices(m *model) map[*principal]map[string]bool {
	out := make(map[*principal]map[string]bool, len(m.principals))
	for _, p := range m.principals {
		set := map[string]bool{}
		for _, pol := range p.policies {
			for i := range pol.doc.Statements {
				st := &pol.doc.Statements[i]
				if st.Effect != awspolicy.Allow {
					continue
				}
				names, every := st.Services()
				if every {
					set["*"] = true
				}
				for _, service := range names {
					set[service] = true
				}
			}
		}
		out[p] = set
	}
	return out
}

// prepare works out each resource's information and the permission sets
// of identical broad policies the resources need, recording their
// memberships in out.
func (ra *accessRun) prepare(out *emitter) {
	m := ra.m
	cache := map[string]levelActions{}
	actionsOf := func(service, typ, arn string) target {
		k := service + "/" + typ
		a, ok := cache[k]
		if !ok {
			a = actionsByLevel(service, typ)
			cache[k] = a
		}
		return target{arn: arn, key: k, actions: a}
	}
	for i, r := range m.resources {
		service, typ, ok := catalog.ResourceTypeOf(r.arn)
		if !ok || !accessServices[service] {
			continue
		}
		info := &ra.res[i]
		info.ok, info.service, info.typ = true, service, typ
		info.targets = []target{actionsOf(service, typ, r.arn)}
		if service == "s3" && typ == "bucket" {
			info.targets = append(info.targets, actionsOf("s3", "object", r.arn+"/*"))
		}
		info.familyKey = [3]string{r.account, service, typ}
		if fam := ra.fams[info.familyKey]; fam != nil && fam.has(r) && !m.perPrincipal {
			info.inFamily = true
		}
		// Principals of r's account share decisions by access class, except
		// those r's resource policy tells apart.
		info.share = !m.perPrincipal
		if info.share && r.policy != nil {
			info.named, info.share = sharedFor(r.policy.doc, r.account)
		}
		if info.share && r.policy == nil {
			info.sig = ra.signs.sign(r, info.targets)
		}
	}
	// Permission sets of r's account give their members their shared
	// access; a set whose stand-in r's resource policy names does not (see
	// resource).
	fits := ra.fitsPermissionSet()
	for i, r := range m.resources {
		info := &ra.res[i]
		if !info.ok || !info.share { // share holds only without perPrincipal
			continue
		}
		info.permissionSet = true
		service := info.service
		k := [2]string{r.account, service}
		if _, ok := ra.sets[k]; ok {
			continue
		}
		list, of := ra.classes.permissionSets(r.account, service, fits)
		whole := map[*principal]bool{}
		for p, s := range of {
			n := 0
			for _, pol := range p.policies {
				if ra.classes.concerns(pol, service) {
					n++
				}
			}
			whole[p] = n == len(s.stand.policies)
		}
		ra.sets[k] = permissionSets{list, of, whole}
		for _, s := range list {
			for _, h := range s.holding() {
				m.addExternal(h.id, func() graphmodel.Node { return h.node(r.account, service) })
				v := h.membership() // alike for every member (add clips the evidence)
				for _, p := range s.members {
					out.add(graphmodel.EdgeMemberOf, p.arn, h.id, TechniquePermissionSet, v)
				}
			}
		}
	}
}

// fitsPermissionSet returns the test a principal whose policies that do
// not name every resource deny something must pass to join a permission
// set: on every resource of the service those Deny statements may name,
// the set gives it no more than it has. Elsewhere the Deny statements
// name nothing, so the set's access is the principal's own. Without the
// test, a Deny protecting one bucket would keep its holder out of every
// set and give it an edge of its own to every bucket.
func (ra *accessRun) fitsPermissionSet() func(p, stand *principal, service string) bool {
	m := ra.m
	ix := &actionIndex{covers: map[coverKey][]string{}}
	// A statement may concern several services (a NotAction concerns
	// every one): the resources it names are listed per service.
	type memoKey struct {
		st               *awspolicy.Statement
		account, service string
	}
	named := map[memoKey][]int{}
	namedBy := func(st *awspolicy.Statement, account, service string) []int {
		k := memoKey{st, account, service}
		list, ok := named[k]
		if ok {
			return list
		}
		for i, r := range m.resources {
			info := &ra.res[i]
			if !info.ok || info.service != service || r.account != account {
				continue
			}
			if slices.ContainsFunc(info.targets, func(t target) bool { return st.MatchResource(t.arn, nil) != awspolicy.No }) {
				list = append(list, i)
			}
		}
		named[k] = list
		return list
	}
	// standGives memoizes what a stand, shared by a set's members, has on a
	// resource.
	type standKey struct {
		stand *principal
		i     int
	}
	standGives := map[standKey]found{}
	return func(p, stand *principal, service string) bool {
		checked := map[int]bool{}
		for _, pol := range p.policies {
			if !ra.classes.concerns(pol, service) || ra.classes.byResource.isAlways(pol) {
				continue
			}
			for si := range pol.doc.Statements {
				st := &pol.doc.Statements[si]
				if st.Effect != awspolicy.Deny || !st.ConcernsService(service) {
					continue
				}
				for _, i := range namedBy(st, p.account, service) {
					if checked[i] {
						continue
					}
					checked[i] = true
					r, targets := m.resources[i], ra.res[i].targets
					g, ok := standGives[standKey{stand, i}]
					if !ok {
						g = resourceAccess(m, ix, stand, r, targets, nil)
						standGives[standKey{stand, i}] = g
					}
					if adds(g, resourceAccess(m, ix, p, r, targets, nil)) {
						return false
					}
				}
			}
		}
		return true
	}
}

// familyOrder lists the families that resources belong to, in the order
// of their first resource.
func (ra *accessRun) familyOrder() []*accessFamily {
	var list []*accessFamily
	seen := map[*accessFamily]bool{}
	for i := range ra.m.resources {
		if info := &ra.res[i]; info.ok && info.inFamily {
			if fam := ra.fams[info.familyKey]; !seen[fam] {
				seen[fam] = true
				list = append(list, fam)
			}
		}
	}
	return list
}

// resourceOrder lists the indices of the resources that get access edges,
// those with a signature grouped by it (in the order of their first
// resource), so that a worker meets the resources of one signature in a
// row and decides on them once.
func (ra *accessRun) resourceOrder() []int {
	var order []int
	first := map[int32]int{}
	for i := range ra.m.resources {
		if info := &ra.res[i]; info.ok {
			order = append(order, i)
			if _, ok := first[info.sig]; !ok && info.sig != 0 {
				first[info.sig] = i
			}
		}
	}
	rank := func(i int) int {
		if sig := ra.res[i].sig; sig != 0 {
			return first[sig]
		}
		return i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rank(a) - rank(b) })
	return order
}

// relevance returns the identity policies with a statement that concerns
// service and names one of targets: uniform ones, which name every resource
// alike, and specific ones (a statement whose pattern holds a policy
// variable counts as naming it). A policy without such a statement plays
// no part in a decision on the targets.
func (ra *accessRun) relevance(service string, targets []target) relevance {
	arns := make([]string, len(targets))
	for i, t := range targets {
		arns[i] = t.arn
	}
	found := map[*awspolicy.Statement]bool{}
	ra.signs.named.lookup(found, arns...)
	for _, st := range ra.signs.every {
		found[st] = true
	}
	hits := map[*policy]bool{}
	for st := range found {
		owners := ra.owners[st]
		if len(owners) == 0 || !st.ConcernsService(service) {
			continue
		}
		if variableResource(st) || slices.ContainsFunc(targets, func(t target) bool { return st.MatchResource(t.arn, nil) != awspolicy.No }) {
			for _, pol := range owners {
				hits[pol] = true
			}
		}
	}
	return relevance{always: ra.uniform[service], specific: hits}
}
