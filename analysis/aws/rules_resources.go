package aws

import (
	"slices"
	"strings"

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

// deriveResourceAccess emits CAN_ACCESS edges: for every resource of the
// services above and every principal that may touch it, the strongest
// access the principal certainly has, and a stronger conditional one when
// a condition the analysis cannot decide stands between.
func deriveResourceAccess(m *model, out *emitter) {
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
	ix := &actionIndex{covers: map[coverKey][]string{}}
	services := principalServices(m)
	classes := newClassifier(m)
	type permissionSets struct {
		list []*permissionSet
		of   map[*principal]*permissionSet
	}
	sets := map[[2]string]permissionSets{} // by account and service
	blind := blindness{}
	fams := accessFamilies(m)
	access := newTechniqueSets(m)
	setFamily := map[*techniqueSet][3]string{}
	keys := newKeyMemo(classes)
	// By principal index: administrators, and the services its statements concern.
	admins := make([]bool, len(m.principals))
	concerns := make([]map[string]bool, len(m.principals))
	byAccount := map[string][]*principal{}
	for _, p := range m.principals {
		admins[p.index] = m.admins[p.arn]
		concerns[p.index] = services[p]
		byAccount[p.account] = append(byAccount[p.account], p)
	}
	for _, r := range m.resources {
		if m.stopped() {
			return
		}
		service, typ, ok := catalog.ResourceTypeOf(r.arn)
		if !ok || !accessServices[service] {
			continue
		}
		fk := [3]string{r.account, service, typ}
		fam := fams[fk]
		if m.perPrincipal || !m.identityDecides(r) {
			fam = nil
		}
		targets := []target{actionsOf(service, typ, r.arn)}
		if service == "s3" && typ == "bucket" {
			targets = append(targets, actionsOf("s3", "object", r.arn+"/*"))
		}
		// Principals of r's account share decisions by access class, except
		// those r's resource policy tells apart.
		var named []string
		share := !m.perPrincipal
		if share && r.policy != nil {
			named, share = sharedFor(r.policy.doc, r.account)
		}
		var relevant relevance
		if share {
			arns := make([]string, len(targets))
			for i, t := range targets {
				arns[i] = t.arn
			}
			relevant = classes.byResource.relevant(arns...)
		}
		// Permission sets of r's account give their members their shared
		// access, unless r's resource policy names some principal of the
		// account (it could deny that one what the set gives).
		var setOf map[*principal]*permissionSet
		var setGives map[*permissionSet]found
		if share && named == nil && !m.perPrincipal {
			k := [2]string{r.account, service}
			ps, ok := sets[k]
			if !ok {
				list, of := classes.permissionSets(r.account, service)
				ps = permissionSets{list, of}
				sets[k] = ps
				for _, s := range list {
					m.addExternal(s.id, func() graphmodel.Node { return s.node(r.account, service) })
					for _, p := range s.members {
						out.add(graphmodel.EdgeMemberOf, p.arn, s.id, TechniquePermissionSet, s.membership())
					}
				}
			}
			setOf = ps.of
			setGives = make(map[*permissionSet]found, len(ps.list))
			for _, s := range ps.list {
				f := resourceAccess(m, ix, s.stand, r, targets)
				setGives[s] = f
				emitAccess(out, s.id, r, f)
			}
		}
		decided := map[string]found{}
		var flags []uint8
		if fam != nil {
			if fam.blind == nil {
				fam.blind = make([]uint8, len(m.principals))
			}
			flags = fam.blind
		}
		candidates := m.principals
		if r.policy == nil {
			candidates = byAccount[r.account] // nothing lets another account in
		}
		for _, p := range candidates {
			if p.account == r.account && admins[p.index] {
				continue // the account's administrator reaches it through the scope
			}
			if r.policy == nil && !concerns[p.index][service] && !concerns[p.index]["*"] {
				continue // none of its statements concerns the service
			}
			if fam != nil && p.account == r.account && setOf[p] == nil {
				// Allowed alike on every resource of the family: its access
				// is decided once and recorded through permission sets (by
				// access level, unless its broad policies already made it a
				// member of one).
				if flags[p.index] == 0 {
					flags[p.index] = notBlind
					if blind.serviceBlind(p, service, fam.prefixes) {
						flags[p.index] = isBlind
						f := resourceAccess(m, ix, p, r, targets)
						what := "access " + service + " " + typ + " resources"
						if f.certain != "" {
							setFamily[access.joinLabelled(p, f.certainA, typ+":"+string(f.certain), what, f.certainV)] = fk
						}
						if f.conditional != "" && f.conditional.Rank() > f.certain.Rank() {
							setFamily[access.joinLabelled(p, f.condA, typ+":"+string(f.conditional), what, f.condV)] = fk
						}
					}
				}
				if flags[p.index] == isBlind {
					continue
				}
			}
			if share && p.account == r.account && (named == nil || !namedBy(named, p)) {
				if key, ok := keys.of(p, service, relevant); ok {
					if key[0] == '-' && r.policy == nil {
						continue // none of its policies may name r
					}
					set := setOf[p]
					if set != nil && set.key == key {
						continue // its set's access is all it has
					}
					f, seen := decided[key]
					if !seen {
						f = resourceAccess(m, ix, p, r, targets) // any member decides for all
						decided[key] = f
					}
					if set == nil || adds(f, setGives[set]) {
						emitAccess(out, p.arn, r, f)
					}
					continue
				}
			}
			emitAccess(out, p.arn, r, resourceAccess(m, ix, p, r, targets))
		}
		deriveExternalAccess(m, r, targets, out)
	}
	access.emit(out, graphmodel.EdgeCanAccess, false, func(s *techniqueSet) []setTarget {
		level := graphmodel.Access(s.label[strings.LastIndexByte(s.label, ':')+1:])
		var list []setTarget
		for _, r := range fams[setFamily[s]].resources {
			list = append(list, setTarget{id: r.arn, access: level, v: verdict{t: awspolicy.Yes,
				evidence: []graphmodel.Evidence{{Source: r.arn, Statement: -1, Note: "no resource policy: identity policies decide"}}}})
		}
		return list
	})
}

// Blindness of a principal to a resource family, by principal index.
const (
	notBlind uint8 = 1 + iota
	isBlind
)

// accessFamily is the resources of one account, service and type that
// identity policies alone decide (identityDecides), with the ARN prefixes
// they share.
type accessFamily struct {
	prefixes  []string
	resources []*resource
	// blind says, by principal index, whether the principal is blind to
	// the family (0: not known yet).
	blind []uint8
}

// keyMemo remembers each principal's access class on a service for the
// resources none of its specific policies (those that do not name every
// resource) may name: most resources, for most principals.
type keyMemo struct {
	c    *classifier
	memo map[keyFor]memoKey
}

type keyFor struct {
	p       *principal
	service string
}

type memoKey struct {
	key string
	ok  bool
}

func newKeyMemo(c *classifier) *keyMemo { return &keyMemo{c: c, memo: map[keyFor]memoKey{}} }

// of is classifier.key, memoized when relevant holds none of p's specific policies.
func (k *keyMemo) of(p *principal, service string, relevant relevance) (string, bool) {
	for _, pol := range p.policies {
		if relevant.specific[pol] {
			return k.c.key(p, service, relevant)
		}
	}
	f := keyFor{p, service}
	mk, ok := k.memo[f]
	if !ok {
		mk.key, mk.ok = k.c.key(p, service, relevant)
		k.memo[f] = mk
	}
	return mk.key, mk.ok
}

// accessFamilies groups the resources that identity policies alone decide
// by account, service and type.
func accessFamilies(m *model) map[[3]string]*accessFamily {
	fams := map[[3]string]*accessFamily{}
	for _, r := range m.resources {
		service, typ, ok := catalog.ResourceTypeOf(r.arn)
		if !ok || !accessServices[service] || !m.identityDecides(r) {
			continue
		}
		k := [3]string{r.account, service, typ}
		f := fams[k]
		if f == nil {
			f = &accessFamily{}
			fams[k] = f
		}
		if pre := familyPrefix(r.arn); !slices.Contains(f.prefixes, pre) {
			f.prefixes = append(f.prefixes, pre)
		}
		f.resources = append(f.resources, r)
	}
	return fams
}

// resourceAccess decides p's strongest access to the targets of r.
func resourceAccess(m *model, ix *actionIndex, p *principal, r *resource, targets []target) found {
	cands := make([]map[string]bool, len(targets))
	for i, t := range targets {
		cands[i] = ix.candidates(p, r, t)
	}
	return strongest(targets, func(i int, action, arn string) verdict {
		if !cands[i][action] {
			return deny
		}
		return m.accessVerdict(p, r, action, arn)
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
				if st.Action.Negated {
					set["*"] = true
					continue
				}
				for _, a := range st.Action.Values {
					service, _, found := strings.Cut(strings.ToLower(a), ":")
					if !found || strings.ContainsAny(service, "*?") {
						set["*"] = true
					} else {
						set[service] = true
					}
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
