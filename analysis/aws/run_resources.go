package aws

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Data access (CAN_ACCESS): the driver of the rule of rules_resources.go.
// deriveResourceAccess asks resourceAccess of principals and resources,
// sharing each decision as far as it holds: by permission set of identical
// broad policies and by family (run_resources_setup.go,
// run_resources_families.go), by region (regions.go,
// run_resources_regions.go), by access class and by signature (the
// per-resource pass below). With Analyzer.perPrincipal every candidate
// principal is decided on every resource by resourceAccess itself.

// deriveResourceAccess returns CAN_ACCESS edges: for every resource of the
// accessServices and every principal that may touch it, the strongest
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
	// Then the principals outside every set, region by region (regions.go,
	// run_resources_regions.go).
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
		decide := func(s *permissionSet) found {
			f, seen := decided["\x00"+s.id]
			if !seen {
				f = resourceAccess(m, ix, s.stand, r, targets, nil)
				decided["\x00"+s.id] = f
			}
			return f
		}
		emitted := map[*permissionSet]bool{}
		for _, s := range ps.list {
			// A set whose stand-in (or a part's) the policy tells apart
			// holds no edge to r: its members decide on their own.
			if named != nil && (namedBy(named, s.stand) || slices.ContainsFunc(s.parts, func(h *permissionSet) bool { return namedBy(named, h.stand) })) {
				continue
			}
			setGives[s] = s.gives(decide)
			for _, h := range s.holding() {
				if !emitted[h] {
					emitted[h] = true
					emitAccess(out, h.id, r, decide(h))
				}
			}
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
