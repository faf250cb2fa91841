package gcppolicy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Principal is who asks: one member, with what else makes it match
// bindings (its groups, the attributes of a federated identity, the
// convenience members it satisfies).
type Principal struct {
	Member Member
	// Groups are the e-mail addresses of the groups it belongs to, directly
	// or not, as far as collected.
	Groups []string
	// Attributes are the known attribute values of a federated identity
	// (attribute.repository → "acme/app" is Attributes["repository"]); an
	// attribute absent here leaves a principalSet on it undecided.
	Attributes map[string]string
	// Holds are the keys of convenience members it satisfies
	// ("projectOwner:my-project"): resolving them needs the project's
	// policy, which is the caller's to read.
	Holds []string
}

// NewPrincipal parses member and returns the principal with its groups.
func NewPrincipal(member string, groups ...string) (Principal, error) {
	m, err := ParseMember(member)
	if err != nil {
		return Principal{}, err
	}
	return Principal{Member: m, Groups: groups}, nil
}

// Matches decides whether a binding or deny-rule member covers the principal.
func (p Principal) Matches(m Member) Tri {
	if m.Deleted {
		return No
	}
	if p.Member.Key() == m.Key() && m.Kind != MemberAllUsers {
		return Yes
	}
	switch m.Kind {
	case MemberAllUsers:
		return Yes
	case MemberAllAuthenticatedUsers:
		// Every identity that can call Google APIs is authenticated; a
		// principal built from allUsers stands for the anonymous internet.
		if p.Member.Kind == MemberAllUsers {
			return No
		}
		return Yes
	case MemberGroup:
		for _, g := range p.Groups {
			if strings.EqualFold(g, m.Email) {
				return Yes
			}
		}
		if p.Member.Kind == MemberGroup {
			return No
		}
	case MemberDomain:
		if p.Member.Kind == MemberUser || p.Member.Kind == MemberGroup {
			if _, d, ok := strings.Cut(p.Member.Email, "@"); ok && d == m.Domain {
				return Yes
			}
		}
	case MemberCustomer:
		if p.Member.Kind == MemberUser {
			return Maybe // the customer of an account is not collected
		}
	case MemberProjectOwner, MemberProjectEditor, MemberProjectViewer:
		for _, h := range p.Holds {
			if h == m.Key() {
				return Yes
			}
		}
	case MemberPrincipalSet:
		return p.inSet(m)
	}
	return No
}

// samePool reports whether the principal belongs to m's pool.
func (p Principal) samePool(m Member) bool {
	if m.Pool == "" {
		return false
	}
	if p.Member.Pool != "" && p.Member.Pool == m.Pool {
		return true
	}
	// The legacy GKE spelling names the pool by id only.
	return p.Member.Pool == "" && p.Member.Kind == MemberKubernetesServiceAccount && p.Member.PoolID == m.PoolID
}

func (p Principal) inSet(m Member) Tri {
	if !p.samePool(m) {
		return No
	}
	switch {
	case m.Set == "*":
		return Yes
	case m.Attribute != "":
		if p.Member.Kind == MemberPrincipalSet && p.Member.Attribute == m.Attribute {
			if p.Member.Value == m.Value {
				return Yes
			}
			return No
		}
		if v, ok := p.Attributes[m.Attribute]; ok {
			if v == m.Value {
				return Yes
			}
			return No
		}
		return Maybe
	case strings.HasPrefix(m.Set, "namespace/") && p.Member.Kind == MemberKubernetesServiceAccount:
		if strings.TrimPrefix(m.Set, "namespace/") == p.Member.Namespace {
			return Yes
		}
		return No
	}
	// group/<g> and other selections depend on the token's claims.
	if p.Member.Kind == MemberPrincipal || p.Member.Kind == MemberKubernetesServiceAccount {
		return Maybe
	}
	return No
}

// Level is one node of a resource's hierarchy with the policies attached to it.
type Level struct {
	// Name names the level in evidence: a scope ID (gcp:project:p) or a
	// Cloud Asset name.
	Name  string
	Allow *AllowPolicy
	Deny  []*DenyPolicy
}

// Target is what permissions are asked on: the resource's condition
// attributes and the policies of the resource and of its ancestors, the
// resource first and the organization last.
type Target struct {
	Resource *Resource
	Levels   []Level
}

// Grant is one binding that grants a permission.
type Grant struct {
	// Level is the Level.Name of the policy holding the binding.
	Level string
	// Binding is the binding's index in the policy.
	Binding int
	Role    string
	// Member is the binding member that matched the principal, as written.
	Member string
	// Verdict is Yes, or Maybe when the member or the condition is undecided.
	Verdict Tri
	// Condition names the binding's condition ("" without one).
	Condition string
	// Reason says what leaves a Maybe grant undecided.
	Reason string
}

// String renders the grant as evidence: "<level> binding 2 (roles/owner to user:a@x)".
func (g Grant) String() string {
	s := fmt.Sprintf("%s binding %d (%s to %s)", g.Level, g.Binding, g.Role, g.Member)
	if g.Condition != "" {
		s += " if " + g.Condition
	}
	return s
}

// Denial is one deny rule that applies, or may apply, to a permission.
type Denial struct {
	Level  string
	Policy string
	Rule   int
	// Verdict is Yes when the rule certainly denies, Maybe when its
	// principal match or condition is undecided.
	Verdict   Tri
	Condition string
	Reason    string
}

// String renders the denial as evidence.
func (d Denial) String() string {
	s := fmt.Sprintf("%s deny policy %s rule %d", d.Level, d.Policy, d.Rule)
	if d.Condition != "" {
		s += " if " + d.Condition
	}
	return s
}

// Decision is whether a principal holds one permission on a target, and why.
type Decision struct {
	Permission string
	// Verdict is Yes (some grant certainly applies and no deny may apply),
	// Maybe, or No.
	Verdict Tri
	// Grants are the bindings granting the permission, certain ones first.
	Grants []Grant
	// Denials are the deny rules that apply or may apply.
	Denials []Denial
	// Conditions name what leaves a Maybe verdict undecided.
	Conditions []string
	// Notes record what the evaluation skipped (deleted members, unknown roles).
	Notes []string
}

// Evaluator decides permissions.
type Evaluator struct {
	// Roles resolves roles to permissions (nil knows the predefined roles only).
	Roles *Roles
	// Now is request.time for conditions.
	Now time.Time
}

// Check decides whether p holds permission on t: the union of the grants
// of every level, minus what the deny rules of every level deny.
func (e *Evaluator) Check(p Principal, permission string, t Target) Decision {
	d := Decision{Permission: permission}
	ctx := Context{Now: e.Now, Resource: t.Resource}
	allow := No
	for _, lv := range t.Levels {
		if lv.Allow == nil {
			continue
		}
		for i, b := range lv.Allow.Bindings {
			perms, known := e.Roles.Permissions(b.Role)
			if !known {
				d.note(fmt.Sprintf("%s binding %d: role %s is unknown", lv.Name, i, b.Role))
				continue
			}
			if _, has := slices.BinarySearch(perms, permission); !has {
				continue
			}
			g, ok := e.grant(p, lv.Name, i, b, ctx, &d)
			if !ok {
				continue
			}
			allow = allow.Or(g.Verdict)
			d.Grants = append(d.Grants, g)
		}
	}
	sort.SliceStable(d.Grants, func(i, j int) bool { return d.Grants[i].Verdict > d.Grants[j].Verdict })
	if allow == No {
		return d
	}
	denied := No
	for _, lv := range t.Levels {
		for _, pol := range lv.Deny {
			for i, r := range pol.Rules {
				if r.DenyRule == nil {
					continue
				}
				if den, ok := e.denial(p, permission, lv.Name, pol, i, r.DenyRule, ctx); ok {
					denied = denied.Or(den.Verdict)
					d.Denials = append(d.Denials, den)
				}
			}
		}
	}
	d.Verdict = allow.And(denied.Not())
	if d.Verdict == Maybe {
		if allow == Maybe {
			for _, g := range d.Grants {
				d.Conditions = appendOnce(d.Conditions, g.conditionName())
			}
		}
		for _, den := range d.Denials {
			if den.Verdict == Maybe {
				d.Conditions = appendOnce(d.Conditions, den.String()+": "+den.Reason)
			}
		}
	}
	return d
}

func (g Grant) conditionName() string {
	if g.Condition != "" {
		return g.Condition + " (" + g.Reason + ")"
	}
	return g.Reason
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func (d *Decision) note(s string) { d.Notes = appendOnce(d.Notes, s) }

// grant decides one binding for p; ok is false when it does not apply.
func (e *Evaluator) grant(p Principal, level string, i int, b Binding, ctx Context, d *Decision) (Grant, bool) {
	best, member, reason := No, "", ""
	for _, raw := range b.Members {
		m, err := parseCached(raw)
		if err != nil {
			d.note(fmt.Sprintf("%s binding %d: %v", level, i, err))
			continue
		}
		if m.Deleted {
			d.note(fmt.Sprintf("%s binding %d: deleted member %s ignored", level, i, raw))
			continue
		}
		if v := p.Matches(m); v > best {
			best, member = v, raw
			if v == Maybe {
				reason = "membership of " + raw + " undecided"
			}
			if v == Yes {
				reason = ""
				break
			}
		}
	}
	if best == No {
		return Grant{}, false
	}
	g := Grant{Level: level, Binding: i, Role: b.Role, Member: member, Verdict: best, Reason: reason}
	if b.Condition != nil {
		g.Condition = b.Condition.Name()
		if !conditioned(b.Condition, ctx, &g.Verdict, &g.Reason) {
			return Grant{}, false
		}
	}
	return g, true
}

// conditioned narrows a match's verdict and reason by condition c; false
// when c certainly does not hold.
func conditioned(c *Expr, ctx Context, verdict *Tri, reason *string) bool {
	out := EvalCondition(c, ctx)
	if out.Verdict == No {
		return false
	}
	if out.Verdict == Maybe {
		*reason = strings.TrimPrefix(strings.Join([]string{*reason, out.Reason}, "; "), "; ")
	}
	*verdict = verdict.And(out.Verdict)
	return true
}

// denial decides one deny rule for p and permission; ok is false when it
// certainly does not apply.
func (e *Evaluator) denial(p Principal, permission, level string, pol *DenyPolicy, i int, r *DenyRule, ctx Context) (Denial, bool) {
	if !r.Covers(permission) {
		return Denial{}, false
	}
	who := No
	for _, raw := range r.DeniedPrincipals {
		if m, err := parseCached(raw); err == nil {
			who = who.Or(p.Matches(m))
		}
	}
	for _, raw := range r.ExceptionPrincipals {
		if m, err := parseCached(raw); err == nil {
			who = who.And(p.Matches(m).Not())
		}
	}
	if who == No {
		return Denial{}, false
	}
	name := pol.DisplayName
	if name == "" {
		name = pol.Name
	}
	den := Denial{Level: level, Policy: name, Rule: i, Verdict: who}
	if who == Maybe {
		den.Reason = "principal match undecided"
	}
	if r.DenialCondition != nil {
		den.Condition = r.DenialCondition.Name()
		if !conditioned(r.DenialCondition, ctx, &den.Verdict, &den.Reason) {
			return Denial{}, false
		}
	}
	return den, true
}

// Permissions returns the decision for every permission that some binding
// of t grants to p, in permission order, leaving out those decided No.
func (e *Evaluator) Permissions(p Principal, t Target) []Decision {
	candidates := map[string]bool{}
	ctx := Context{Now: e.Now, Resource: t.Resource}
	var scratch Decision
	for _, lv := range t.Levels {
		if lv.Allow == nil {
			continue
		}
		for i, b := range lv.Allow.Bindings {
			perms, known := e.Roles.Permissions(b.Role)
			if !known {
				continue
			}
			if _, ok := e.grant(p, lv.Name, i, b, ctx, &scratch); !ok {
				continue
			}
			for _, perm := range perms {
				candidates[perm] = true
			}
		}
	}
	names := make([]string, 0, len(candidates))
	for perm := range candidates {
		names = append(names, perm)
	}
	sort.Strings(names)
	out := make([]Decision, 0, len(names))
	for _, perm := range names {
		if d := e.Check(p, perm, t); d.Verdict != No {
			out = append(out, d)
		}
	}
	return out
}

// Covers reports whether the rule denies permission to the principals it
// names: a denied permission pattern matches it and no exception does.
func (r *DenyRule) Covers(permission string) bool {
	covered := false
	for _, pat := range r.DeniedPermissions {
		if deniedBy(pat, permission) {
			covered = true
			break
		}
	}
	for _, pat := range r.ExceptionPermissions {
		if deniedBy(pat, permission) {
			return false
		}
	}
	return covered
}

// parsed caches ParseMember by the member as written: the evaluation of an
// estate parses the same few members of each binding for every principal
// and target. Entries are immutable; the cache holds at most
// maxParsedMembers of them, beyond which members are parsed each time.
var (
	parsed      sync.Map // string → parsedMember
	parsedCount atomic.Int64
)

const maxParsedMembers = 1 << 16

type parsedMember struct {
	m   Member
	err error
}

// parseCached is ParseMember through the cache.
func parseCached(raw string) (Member, error) {
	if v, ok := parsed.Load(raw); ok {
		pm := v.(parsedMember)
		return pm.m, pm.err
	}
	m, err := ParseMember(raw)
	if parsedCount.Load() < maxParsedMembers {
		if _, loaded := parsed.LoadOrStore(raw, parsedMember{m, err}); !loaded {
			parsedCount.Add(1)
		}
	}
	return m, err
}
