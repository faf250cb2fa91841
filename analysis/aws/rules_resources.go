package aws

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blastradius/blastradius/analysis/aws/catalog"
	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// accessServices are the services whose resources get CAN_ACCESS edges.
var accessServices = map[string]bool{
	"s3": true, "kms": true, "secretsmanager": true, "ssm": true, "dynamodb": true,
	"rds": true, "lambda": true, "sqs": true, "sns": true, "ecr": true,
}

// levelActions are a resource type's actions by the access they give,
// strongest first: admin (permissions management), write, read.
type levelActions [3][]string

var accessOrder = [3]graphmodel.Access{graphmodel.AccessAdmin, graphmodel.AccessWrite, graphmodel.AccessRead}

// actionsByLevel sorts the actions on one resource type into levels; List
// and Tagging alone give no access to the data.
func actionsByLevel(service, resourceType string) levelActions {
	var out levelActions
	for _, a := range catalog.ActionsOnResourceType(service, resourceType) {
		levels, _ := catalog.ActionLevels(a)
		slot := -1
		for _, l := range levels {
			switch {
			case l == catalog.PermissionsManagement:
				slot = 0
			case l == catalog.Write && (slot < 0 || slot > 1):
				slot = 1
			case l == catalog.Read && slot < 0:
				slot = 2
			}
		}
		if slot >= 0 {
			out[slot] = append(out[slot], a)
		}
	}
	return out
}

// target is one thing an access check names: the resource itself, or its
// objects for an S3 bucket.
type target struct {
	arn     string
	key     string // "<service>/<type>" of the actions
	actions levelActions
}

// actionIndex remembers, for each statement and resource type, which of the
// type's actions the statement's Action element covers. Managed policies
// are shared by many principals, so each pair is worked out once.
type actionIndex struct {
	covers map[coverKey][]string
}

type coverKey struct {
	st  *awspolicy.Statement
	typ string
}

func (ix *actionIndex) covered(st *awspolicy.Statement, t target) []string {
	k := coverKey{st, t.key}
	if list, ok := ix.covers[k]; ok {
		return list
	}
	var list []string
	for _, level := range t.actions {
		for _, a := range level {
			if st.MatchAction(a) {
				list = append(list, a)
			}
		}
	}
	ix.covers[k] = list
	return list
}

// candidates returns the actions on t that some statement may allow p: an
// identity statement whose Resource may cover t, or a statement of the
// resource policy that may name p. Only these need the full decision.
func (ix *actionIndex) candidates(p *principal, r *resource, t target) map[string]bool {
	set := map[string]bool{}
	for _, pol := range p.policies {
		for i := range pol.doc.Statements {
			st := &pol.doc.Statements[i]
			if st.Effect == awspolicy.Allow && st.MatchResource(t.arn, p.facts) != awspolicy.No {
				for _, a := range ix.covered(st, t) {
					set[a] = true
				}
			}
		}
	}
	if r.policy != nil {
		caller := awspolicy.Principal{ARN: p.arn, Account: p.account}
		for i := range r.policy.doc.Statements {
			st := &r.policy.doc.Statements[i]
			if st.Effect == awspolicy.Allow && (!st.Principal.Present || st.MatchPrincipal(caller)) &&
				st.MatchResource(t.arn, p.facts) != awspolicy.No {
				for _, a := range ix.covered(st, t) {
					set[a] = true
				}
			}
		}
	}
	return set
}

// deriveResourceAccess returns CAN_ACCESS edges: for every resource of the
// services above and every principal that may touch it, the strongest
// access the principal certainly has, and a stronger conditional one when
// a condition the analysis cannot decide stands between.
func deriveResourceAccess(m *model) [][]graphmodel.Edge {
	out := &emitter{}
	ra := newAccessRun(m)
	ra.prepare(out)
	// First each family's permission sets (a family per task), then each
	// resource (a resource per task), on every core. The edges come back in
	// chunks: the memberships of the sets of identical broad policies, each
	// resource's, then the family sets'.
	families := ra.familyOrder()
	ra.parallel(len(families), func(w *accessWorker, i int) { w.family(families[i]) })
	// Then the principals outside every set, region by region (regions.go).
	groups := ra.regionGroups()
	byRegion := make([][]graphmodel.Edge, len(groups))
	ra.parallel(len(groups), func(w *accessWorker, i int) { byRegion[i] = w.regions(groups[i]) })
	perResource := make([][]graphmodel.Edge, len(m.resources))
	order := ra.resourceOrder()
	ra.parallel(len(order), func(w *accessWorker, i int) {
		perResource[order[i]] = w.resource(order[i])
	})
	if m.stopped() {
		return nil
	}
	sets := &emitter{}
	for _, fam := range families {
		fam.sets.emit(sets, graphmodel.EdgeCanAccess, false, func(s *techniqueSet) []setTarget {
			level := graphmodel.Access(s.label[strings.LastIndexByte(s.label, ':')+1:])
			list := make([]setTarget, 0, len(fam.resources))
			for i, r := range fam.resources {
				list = append(list, setTarget{id: r.arn, access: level, v: fam.sides[i]})
			}
			return list
		})
	}
	chunks := append([][]graphmodel.Edge{out.edges}, perResource...)
	chunks = append(chunks, byRegion...)
	return append(chunks, sets.edges)
}

// regionGroups groups the resources without a resource policy by account,
// service, type and whether a family holds them, and marks, in each, the
// principals decided by region: those of the account concerned by the
// service, neither administrators nor members of a permission set of the
// service nor held by the family's sets.
func (ra *accessRun) regionGroups() []*regionGroup {
	m := ra.m
	if m.perPrincipal || m.stopped() {
		return nil
	}
	byKey := map[[4]string]*regionGroup{}
	var groups []*regionGroup
	for i, r := range m.resources {
		info := &ra.res[i]
		if !info.ok || r.policy != nil || !info.share {
			continue
		}
		k := [4]string{r.account, info.service, info.typ, fmt.Sprint(info.inFamily)}
		g := byKey[k]
		if g == nil {
			g = &regionGroup{service: info.service, typ: info.typ, inFamily: info.inFamily,
				regionIndex: newRegionIndex(r.account, nil, nil)}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.resources = append(g.resources, i)
		g.targets = append(g.targets, info.targets)
		g.items = append(g.items, r.arn)
		var slots []string
		for _, t := range info.targets {
			slots = append(slots, t.arn)
		}
		g.slots = append(g.slots, slots)
		info.group = g
	}
	for _, g := range groups {
		g.words = (len(g.resources) + 63) / 64
		g.plain = map[*principal]bool{}
		sets := ra.sets[[2]string{g.account, g.service}]
		if g.inFamily {
			g.fam = ra.fams[[3]string{g.account, g.service, g.typ}]
			if len(g.fam.states) == 0 {
				continue // not worked out: the analysis was cancelled
			}
		}
		g.setOf = sets.of
		for _, p := range ra.concerned[[2]string{g.account, g.service}] {
			if ra.admins[p.index] || (sets.whole[p] && sets.of[p] != nil) {
				continue // the scope, or its set, gives all it has
			}
			g.plain[p] = true
		}
	}
	return groups
}

// regions decides the plain principals of g by region and returns the
// edges; those it cannot decide so are left to the resources' own pass.
func (w *accessWorker) regions(g *regionGroup) []graphmodel.Edge {
	rs := newRegionSets(g.regionIndex)
	list := make([]*principal, 0, len(g.plain))
	for p := range g.plain {
		list = append(list, p)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].index < list[j].index })
	// What a principal has already, by resource, from the family's sets or
	// from its permission set: it gets its own edge only where it has more.
	setGives := map[*permissionSet]map[int]found{}
	baseOf := func(p *principal) func(i int) (found, bool) {
		if g.fam != nil && g.fam.states[p.index].held {
			gives := g.fam.states[p.index].gives
			return func(int) (found, bool) { return gives, true }
		}
		set := g.setOf[p]
		if set == nil {
			return nil
		}
		memo := setGives[set]
		if memo == nil {
			memo = map[int]found{}
			setGives[set] = memo
		}
		return func(i int) (found, bool) {
			f, ok := memo[i]
			if !ok {
				r := w.ra.m.resources[g.resources[i]]
				f = resourceAccess(w.ra.m, w.ix, set.stand, r, g.targets[i], nil)
				memo[i] = f
			}
			return f, true
		}
	}
	for _, p := range list {
		if w.ra.m.stopped() {
			return nil
		}
		if !decideRegions(w.ra.m, w.ix, p, g, rs, baseOf(p)) {
			g.undecided.Store(p, true)
		}
	}
	// The resources' own pass decides the others.
	for _, p := range w.ra.concerned[[2]string{g.account, g.service}] {
		if _, left := g.undecided.Load(p); !g.plain[p] || left {
			g.rest = append(g.rest, p)
		}
	}
	out := &emitter{}
	rs.emit(w.ra.m, out, graphmodel.EdgeCanAccess, g.typ, func(i int) verdict {
		return verdict{t: awspolicy.Yes, evidence: []graphmodel.Evidence{{Source: g.items[i], Statement: -1, Note: "no resource policy"}}}
	}, func(s *regionSet, items int) string {
		return fmt.Sprintf("principals of %s with %s access to %d %s %s resources (%s)", g.account, s.access, items, g.service, g.typ, s.technique)
	})
	return out.edges
}

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
	// group is its region group (regions.go), nil when it has none.
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
	seen := map[*policy]bool{}
	for _, p := range m.principals {
		for _, pol := range p.policies {
			if seen[pol] {
				continue
			}
			seen[pol] = true
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
		// Permission sets of r's account give their members their shared
		// access; a set whose stand-in r's resource policy names does not
		// (see resource).
		if info.share && !m.perPrincipal {
			info.permissionSet = true
			k := [2]string{r.account, service}
			if _, ok := ra.sets[k]; !ok {
				list, of := ra.classes.permissionSets(r.account, service)
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
					m.addExternal(s.id, func() graphmodel.Node { return s.node(r.account, service) })
					for _, p := range s.members {
						out.add(graphmodel.EdgeMemberOf, p.arn, s.id, TechniquePermissionSet, s.membership())
					}
				}
			}
		}
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

// parallel runs task(w, i) for every i below n on GOMAXPROCS goroutines,
// each with its own worker state, taking tasks in order as they finish.
func (ra *accessRun) parallel(n int, task func(w *accessWorker, i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := ra.newWorker()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ra.m.stopped() {
					return
				}
				task(w, i)
			}
		}()
	}
	wg.Wait()
}

// accessWorker is one goroutine's state: its memos.
type accessWorker struct {
	ra      *accessRun
	ix      *actionIndex
	classes *classifier
	keys    *keyMemo
	blind   blindness
	// decided holds the decisions by access class (and by permission set,
	// under "\x00" and its ID) on the resources of signature sig.
	sig     int32
	decided map[string]found
	// policies memoizes the resource policy's verdicts of the resource at hand.
	policies policyMemo
}

func (ra *accessRun) newWorker() *accessWorker {
	classes := ra.classes.fork()
	return &accessWorker{ra: ra, ix: &actionIndex{covers: map[coverKey][]string{}}, classes: classes,
		keys: newKeyMemo(classes), blind: blindness{}, decided: map[string]found{}}
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
			byBroad, seen := broadGives[set]
			if !seen {
				byBroad = resourceAccess(m, w.ix, set.stand, &bare, info.targets, nil)
				broadGives[set] = byBroad
			}
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

// resource decides the access to the resource at index i and returns its
// edges.
func (w *accessWorker) resource(i int) []graphmodel.Edge {
	ra, m, ix, classes, keys := w.ra, w.ra.m, w.ix, w.classes, w.keys
	r, info := m.resources[i], &ra.res[i]
	out := &emitter{}
	service, targets, named, share := info.service, info.targets, info.named, info.share
	var fam *accessFamily
	if info.inFamily {
		fam = ra.fams[info.familyKey]
	}
	var relevant relevance
	if share {
		relevant = ra.relevance(service, targets)
	}
	// Decisions on a resource hold for the next ones of its signature.
	if info.sig == 0 || info.sig != w.sig {
		clear(w.decided)
		w.sig = info.sig
	}
	decided := w.decided
	// r's resource policy decides alike for the principals of its account
	// it does not name.
	var pm *policyMemo
	if share && r.policy != nil {
		pm = &w.policies
		pm.reset(r)
	}
	memoFor := func(p *principal) *policyMemo {
		if pm == nil || p.account != r.account || (named != nil && namedBy(named, p)) {
			return nil
		}
		return pm
	}
	var setOf map[*principal]*permissionSet
	var whole map[*principal]bool
	var setGives map[*permissionSet]found
	if info.permissionSet {
		ps := ra.sets[[2]string{r.account, service}]
		setOf, whole = ps.of, ps.whole
		setGives = make(map[*permissionSet]found, len(ps.list))
		for _, s := range ps.list {
			if named != nil && namedBy(named, s.stand) {
				continue // the policy tells its stand-in apart: members decide on their own
			}
			f, seen := decided["\x00"+s.id]
			if !seen {
				f = resourceAccess(m, ix, s.stand, r, targets, nil)
				decided["\x00"+s.id] = f
			}
			setGives[s] = f
			emitAccess(out, s.id, r, f)
		}
	}
	// usable reports whether set holds its edge to r.
	usable := func(set *permissionSet) bool {
		_, ok := setGives[set]
		return ok
	}
	// classOf is p's access class on r, when it shares decisions there;
	// decideAs is p's access to r, decided once per class.
	classOf := func(p *principal) (string, bool) {
		if !share || p.account != r.account || (named != nil && namedBy(named, p)) {
			return "", false
		}
		return keys.of(p, service, relevant)
	}
	decideAs := func(p *principal, key string, ok bool) found {
		if !ok {
			return resourceAccess(m, ix, p, r, targets, memoFor(p))
		}
		f, seen := decided[key]
		if !seen {
			// Any member decides for all, with the policies its key lists.
			f = resourceAccess(m, ix, classes.narrow(p, []string{service}, relevant), r, targets, memoFor(p))
			decided[key] = f
		}
		return f
	}
	candidates := m.principals
	if r.policy == nil {
		// Nothing lets another account in, and the principals whose
		// statements concern none of the service's actions have no access.
		candidates = ra.concerned[[2]string{r.account, service}]
		if g := info.group; g != nil {
			candidates = g.rest
		}
	}
	for _, p := range candidates {
		if p.account == r.account && ra.admins[p.index] {
			continue // the account's administrator reaches it through the scope
		}
		if g := info.group; g != nil && g.plain[p] {
			if _, left := g.undecided.Load(p); !left {
				continue // decided by region
			}
		}
		if whole[p] && usable(setOf[p]) && (named == nil || !namedBy(named, p)) {
			continue // its set's access is all it has
		}
		if fam != nil && p.account == r.account && fam.states[p.index].held &&
			!(fam.states[p.index].broad && !usable(setOf[p])) {
			// Its policies that name every resource of the family alike
			// are the family's permission sets' (see family); its other
			// policies, which deny nothing, are decided on the resources
			// they may name, and r's resource policy where it names p,
			// where they add to the sets.
			st := &fam.states[p.index]
			if slices.ContainsFunc(st.others, relevant.has) || slices.ContainsFunc(st.partly, relevant.isSpecific) ||
				(named != nil && namedBy(named, p)) {
				key, ok := classOf(p)
				if f := decideAs(p, key, ok); adds(f, st.gives) {
					emitAccess(out, p.arn, r, f)
				}
			}
			continue
		}
		if key, ok := classOf(p); ok {
			if key[0] == '-' && r.policy == nil {
				continue // none of its policies may name r
			}
			set := setOf[p]
			if !usable(set) {
				set = nil
			}
			if set != nil && set.key == key {
				continue // its set's access is all it has
			}
			if f := decideAs(p, key, true); set == nil || adds(f, setGives[set]) {
				emitAccess(out, p.arn, r, f)
			}
			continue
		}
		emitAccess(out, p.arn, r, resourceAccess(m, ix, p, r, targets, memoFor(p)))
	}
	deriveExternalAccess(m, r, targets, out)
	return out.edges
}

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

// keyMemo remembers each principal's access class on a service for the
// resources none of its specific policies (those that do not name every
// resource) may name: most resources, for most principals.
type keyMemo struct {
	c *classifier
	// memo holds by service the keys by principal index.
	memo    map[string][]memoKey
	service string
	keys    []memoKey // memo[service]
}

type memoKey struct {
	key       string
	ok, known bool
}

func newKeyMemo(c *classifier) *keyMemo { return &keyMemo{c: c, memo: map[string][]memoKey{}} }

// of is classifier.key, memoized when relevant holds none of p's specific policies.
func (k *keyMemo) of(p *principal, service string, relevant relevance) (string, bool) {
	for _, pol := range p.policies {
		if relevant.specific[pol] {
			return k.c.key(p, service, relevant)
		}
	}
	if p.index < 0 {
		return k.c.key(p, service, relevant)
	}
	if service != k.service || k.keys == nil {
		k.service = service
		k.keys = k.memo[service]
		if k.keys == nil {
			k.keys = make([]memoKey, len(k.c.m.principals))
			k.memo[service] = k.keys
		}
	}
	mk := &k.keys[p.index]
	if !mk.known {
		mk.key, mk.ok = k.c.key(p, service, relevant)
		mk.known = true
	}
	return mk.key, mk.ok
}

// has reports whether r is one of the family's resources.
func (f *accessFamily) has(r *resource) bool { return f.members[r] }

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

// resourceAccess decides p's strongest access to the targets of r.
// pm, when not nil, holds r's resource policy's verdicts on p's requests.
func resourceAccess(m *model, ix *actionIndex, p *principal, r *resource, targets []target, pm *policyMemo) found {
	cands := make([]map[string]bool, len(targets))
	for i, t := range targets {
		cands[i] = ix.candidates(p, r, t)
	}
	return strongest(targets, func(i int, action, arn string) verdict {
		if !cands[i][action] {
			return deny
		}
		return m.accessVerdictWith(p, r, action, arn, pm)
	})
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

// found is the outcome of probing a resource's actions level by level.
type found struct {
	certain, conditional graphmodel.Access
	certainV, condV      verdict
	certainA, condA      string
}

// strongest probes the actions of each target, strongest level first, and
// keeps the first certain level and any stronger conditional one.
func strongest(targets []target, decide func(i int, action, arn string) verdict) found {
	var f found
	for lvl, access := range accessOrder {
		for i, t := range targets {
			for _, a := range t.actions[lvl] {
				v := decide(i, a, t.arn)
				switch {
				case v.t == awspolicy.Yes:
					f.certain, f.certainV, f.certainA = access, v, a
					return f
				case v.t == awspolicy.Maybe && f.conditional == "":
					f.conditional, f.condV, f.condA = access, v, a
				}
			}
		}
	}
	return f
}

func emitAccess(out *emitter, from string, r *resource, f found) {
	if f.certain != "" {
		out.addAccess(from, r.arn, f.certainA, f.certain, f.certainV)
	}
	if f.conditional != "" && f.conditional.Rank() > f.certain.Rank() {
		out.addAccess(from, r.arn, f.condA, f.conditional, f.condV)
	}
}

// deriveExternalAccess emits CAN_ACCESS edges from accounts outside the
// snapshot (or from anyone, for "*") that a resource policy names. What the
// analysis cannot see of such an account is assumed permissive; conditions
// it cannot decide keep the edge conditional.
func deriveExternalAccess(m *model, r *resource, targets []target, out *emitter) {
	if r.policy == nil {
		return
	}
	named := map[string]string{} // external account → the principal entry naming it
	for i := range r.policy.doc.Statements {
		st := &r.policy.doc.Statements[i]
		if st.Effect != awspolicy.Allow || st.Principal.Negated {
			continue
		}
		if st.Principal.Wildcard {
			named["*"] = "*"
		}
		for _, a := range st.Principal.AWS {
			account, _ := principalAccount(a)
			if a == "*" {
				account = "*"
			}
			if account != "" && !m.accounts[account] {
				if _, ok := named[account]; !ok {
					named[account] = a
				}
			}
		}
	}
	for account, entry := range named {
		ext := externalAccount(m, account)
		caller := awspolicy.Principal{ARN: entry, Account: account}
		if !strings.HasPrefix(entry, "arn:") {
			caller.ARN = ext
		}
		facts := awspolicy.NewFacts()
		if account != "*" {
			facts.Set("aws:PrincipalAccount", account)
		}
		f := strongest(targets, func(_ int, action, arn string) verdict {
			req := awspolicy.Request{Principal: caller, Action: action, Resource: arn, Context: facts}
			d := r.policy.doc.Evaluate(req)
			v := verdict{t: d.Allow.And(d.Deny.Not()), undecided: d.Undecided}
			for _, st := range d.Allowing {
				v.evidence = append(v.evidence, statementEvidence(r.policy.source, st, "allows "+action+" to "+entry))
			}
			return v.and(m.rcpAllows(r.account, r.service, req))
		})
		emitAccess(out, ext, r, f)
	}
}
