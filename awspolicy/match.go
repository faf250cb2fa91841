package awspolicy

import (
	"strings"
)

// Tri is a three-valued truth: a condition the analysis cannot decide is
// Maybe, never silently true or false.
type Tri uint8

// The three truth values.
const (
	No Tri = iota
	Maybe
	Yes
)

func (t Tri) String() string {
	switch t {
	case Yes:
		return "yes"
	case Maybe:
		return "maybe"
	}
	return "no"
}

// And is Kleene conjunction.
func (t Tri) And(u Tri) Tri {
	if t < u {
		return t
	}
	return u
}

// Or is Kleene disjunction.
func (t Tri) Or(u Tri) Tri {
	if t > u {
		return t
	}
	return u
}

// Not is Kleene negation.
func (t Tri) Not() Tri { return Yes - t }

// TriOf converts a bool.
func TriOf(b bool) Tri {
	if b {
		return Yes
	}
	return No
}

// AnyResource stands for "every resource" in a Request: a resource pattern
// matches it only when the pattern is "*" (it covers everything).
const AnyResource = "*"

// Principal is the caller of a request, as trust and resource policies see it.
type Principal struct {
	// ARN is the caller's ARN (user or role ARN), an account root
	// arn:aws:iam::<id>:root, or "" for a service or federated caller.
	ARN string
	// Account is the caller's account ID.
	Account string
	// Service is the calling service principal (lambda.amazonaws.com).
	Service string
	// Federated is the identity provider of a federated caller (an OIDC
	// provider ARN, or cognito-identity.amazonaws.com).
	Federated string
}

// Request is one action on one resource by one principal, in a context.
type Request struct {
	Principal Principal
	Action    string
	// Resource is an ARN, or AnyResource.
	Resource string
	Context  Context
}

// KeyState says what the analysis knows about a condition key.
type KeyState uint8

// Key states.
const (
	// KeyUnknown: the key's value depends on the moment of the request
	// (source IP, MFA) or was not collected; conditions on it are Maybe.
	KeyUnknown KeyState = iota
	// KeyPresent: the key has the returned values.
	KeyPresent
	// KeyAbsent: the key is certainly not in the request.
	KeyAbsent
)

// Context answers what is known of condition keys and policy variables.
// Keys are matched case-insensitively, as AWS does.
type Context interface {
	Lookup(key string) (values []string, state KeyState)
}

// Facts is a Context built from known values and known absences; any other
// key is unknown.
type Facts struct {
	values map[string][]string
	absent map[string]bool
}

// NewFacts returns an empty Facts.
func NewFacts() *Facts {
	return &Facts{values: map[string][]string{}, absent: map[string]bool{}}
}

// Set records the values of key.
func (f *Facts) Set(key string, values ...string) *Facts {
	k := strings.ToLower(key)
	f.values[k] = values
	delete(f.absent, k)
	return f
}

// SetAbsent records that key is certainly absent from the request.
func (f *Facts) SetAbsent(key string) *Facts {
	k := strings.ToLower(key)
	f.absent[k] = true
	delete(f.values, k)
	return f
}

// Clone returns an independent copy.
func (f *Facts) Clone() *Facts {
	c := NewFacts()
	for k, v := range f.values {
		c.values[k] = v
	}
	for k := range f.absent {
		c.absent[k] = true
	}
	return c
}

// Lookup implements Context. Tag keys (aws:PrincipalTag/Team) keep the case
// of the tag name after the slash lower-cased too, so tags are matched
// case-insensitively like AWS does for tag keys in condition keys.
func (f *Facts) Lookup(key string) ([]string, KeyState) {
	if f == nil {
		return nil, KeyUnknown
	}
	k := strings.ToLower(key)
	if v, ok := f.values[k]; ok {
		return v, KeyPresent
	}
	if f.absent[k] {
		return nil, KeyAbsent
	}
	return nil, KeyUnknown
}

// Match is the outcome of matching a statement against a request.
type Match struct {
	// Applies is Yes when the statement applies, Maybe when that depends on
	// an undecidable condition, No otherwise.
	Applies Tri
	// Undecided lists the conditions that made the outcome Maybe, rendered
	// as "Operator Key".
	Undecided []string
}

// MatchAction reports whether the statement's Action (or NotAction) covers action.
func (s *Statement) MatchAction(action string) bool {
	hit := false
	for _, p := range s.Action.Values {
		if MatchActionPattern(p, action) {
			hit = true
			break
		}
	}
	return hit != s.Action.Negated
}

// MatchActionPattern matches an action pattern such as "iam:Put*" against an
// action, case-insensitively, with * and ? wildcards.
func MatchActionPattern(pattern, action string) bool {
	if pattern == "*" {
		return true
	}
	return wildcard(strings.ToLower(pattern), strings.ToLower(action))
}

// MatchResource reports whether the statement's Resource (or NotResource)
// covers the request's resource; policy variables are resolved from ctx, and
// a variable that cannot be resolved makes the answer Maybe. A statement
// without a Resource element (trust policies) matches every resource.
func (s *Statement) MatchResource(resource string, ctx Context) Tri {
	if !s.Resource.Present {
		return Yes
	}
	hit := No
	for _, p := range s.Resource.Values {
		hit = hit.Or(matchResourcePattern(p, resource, ctx))
		if hit == Yes {
			break
		}
	}
	if s.Resource.Negated {
		return hit.Not()
	}
	return hit
}

func matchResourcePattern(pattern, resource string, ctx Context) Tri {
	resolved, ok := substituteVariables(pattern, ctx)
	if !ok {
		if resource == AnyResource {
			return No
		}
		// The pattern depends on who asks; it may or may not cover the resource.
		return Maybe
	}
	if resolved == "*" {
		return Yes
	}
	if resource == AnyResource {
		return No
	}
	return TriOf(MatchARN(resolved, resource))
}

// MatchARN matches an ARN pattern against an ARN, case-sensitively. The
// first five colon-separated fields are matched one by one, so a wildcard
// never spans a colon between them; the resource part is matched whole.
func MatchARN(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	pp := strings.SplitN(pattern, ":", 6)
	ap := strings.SplitN(arn, ":", 6)
	if len(pp) != 6 || len(ap) != 6 {
		return wildcard(pattern, arn)
	}
	for i := range pp {
		if !wildcard(pp[i], ap[i]) {
			return false
		}
	}
	return true
}

// wildcard matches s against a glob with * (any run) and ? (one character).
func wildcard(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// Applies decides whether the statement applies to the request: action,
// resource, principal (when the statement names one) and conditions.
func (s *Statement) Applies(req Request) Match {
	if !s.MatchAction(req.Action) {
		return Match{Applies: No}
	}
	res := s.MatchResource(req.Resource, req.Context)
	if res == No {
		return Match{Applies: No}
	}
	if s.Principal.Present && !s.MatchPrincipal(req.Principal) {
		return Match{Applies: No}
	}
	cond, undecided := s.EvalConditions(req.Context)
	m := Match{Applies: res.And(cond), Undecided: undecided}
	if res == Maybe {
		m.Undecided = append(m.Undecided, "policy variable in Resource")
	}
	if m.Applies != Maybe {
		m.Undecided = nil
	}
	return m
}

// MatchPrincipal reports whether the statement's Principal (or
// NotPrincipal) covers p. An account root or account ID in a policy covers
// every principal of that account; "*" covers everyone.
func (s *Statement) MatchPrincipal(p Principal) bool {
	hit := principalListed(&s.Principal, p)
	return hit != s.Principal.Negated
}

func principalListed(ps *Principals, p Principal) bool {
	if ps.Wildcard {
		return true
	}
	for _, a := range ps.AWS {
		if p.ARN != "" && MatchARN(a, p.ARN) {
			return true
		}
		if p.Account != "" && (a == p.Account || a == "arn:aws:iam::"+p.Account+":root") {
			return true
		}
	}
	for _, svc := range ps.Service {
		if p.Service != "" && strings.EqualFold(svc, p.Service) {
			return true
		}
	}
	for _, fed := range ps.Federated {
		if p.Federated != "" && fed == p.Federated {
			return true
		}
	}
	return false
}

// Decision is the outcome of evaluating one document against a request.
type Decision struct {
	// Allow is whether some Allow statement applies; Deny whether some Deny does.
	Allow, Deny Tri
	// Allowing and Denying are the statements that apply (Yes or Maybe).
	Allowing, Denying []*Statement
	// Undecided lists the conditions behind any Maybe.
	Undecided []string
}

// Evaluate matches every statement of the document against the request.
func (d *Document) Evaluate(req Request) Decision {
	var dec Decision
	for i := range d.Statements {
		st := &d.Statements[i]
		m := st.Applies(req)
		if m.Applies == No {
			continue
		}
		if st.Effect == Deny {
			dec.Deny = dec.Deny.Or(m.Applies)
			dec.Denying = append(dec.Denying, st)
		} else {
			dec.Allow = dec.Allow.Or(m.Applies)
			dec.Allowing = append(dec.Allowing, st)
		}
		dec.Undecided = append(dec.Undecided, m.Undecided...)
	}
	return dec
}
