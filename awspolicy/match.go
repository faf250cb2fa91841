package awspolicy

import (
	"strings"
	"unicode"
	"unicode/utf8"
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
	// absentPrefixes are lower-cased key prefixes under which every key not
	// set is absent (aws:PrincipalTag/ when all the principal's tags are known).
	absentPrefixes []string
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

// SetAbsentUnder records that every key starting with prefix that is not
// set is certainly absent: for a family of keys known completely, such as
// the tags of a principal ("aws:PrincipalTag/").
func (f *Facts) SetAbsentUnder(prefix string) *Facts {
	f.absentPrefixes = append(f.absentPrefixes, strings.ToLower(prefix))
	return f
}

// absentUnder reports whether the lower-cased key falls under an absent prefix.
func (f *Facts) absentUnder(lower []byte) bool {
	for _, p := range f.absentPrefixes {
		if len(lower) > len(p) && string(lower[:len(p)]) == p {
			return true
		}
	}
	return false
}

// Clone returns an independent copy.
func (f *Facts) Clone() *Facts {
	c := NewFacts()
	c.absentPrefixes = append(c.absentPrefixes, f.absentPrefixes...)
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
	var buf [128]byte
	if len(key) <= len(buf) && isASCII(key) {
		// Lower-case into a stack buffer: map lookups with string(bytes)
		// do not allocate.
		b := buf[:len(key)]
		for i := 0; i < len(key); i++ {
			c := key[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		if v, ok := f.values[string(b)]; ok {
			return v, KeyPresent
		}
		if f.absent[string(b)] || f.absentUnder(b) {
			return nil, KeyAbsent
		}
		return nil, KeyUnknown
	}
	k := strings.ToLower(key)
	if v, ok := f.values[k]; ok {
		return v, KeyPresent
	}
	if f.absent[k] || f.absentUnder([]byte(k)) {
		return nil, KeyAbsent
	}
	return nil, KeyUnknown
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
	return globMatch(pattern, action, true, false)
}

// MatchResource reports whether the statement's Resource (or NotResource)
// covers the request's resource; policy variables are resolved from ctx, and
// a variable that cannot be resolved makes the answer Maybe. A variable whose
// key is certainly absent (and has no default) makes its pattern match no
// resource, as AWS documents. A statement without a Resource element (trust
// policies) matches every resource.
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
	resolved, escaped, state := expand(pattern, ctx, true)
	switch state {
	case No:
		// A variable with no value: the pattern matches no resource.
		return No
	case Maybe:
		if resource == AnyResource {
			// Only a bare "*" covers every resource, and a pattern
			// holding a variable is never a bare "*".
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
	return TriOf(matchARN(resolved, resource, escaped))
}

// MatchARN matches an ARN pattern against an ARN, case-sensitively. The
// first five colon-separated fields are matched one by one, so a wildcard
// never spans a colon between them (a pattern with fewer fields than an ARN
// does not match it); the resource part is matched whole. Two strings that
// are not ARNs are matched as plain wildcard patterns.
func MatchARN(pattern, arn string) bool {
	return matchARN(pattern, arn, false)
}

// matchARN is MatchARN; with escaped, a backslash in pattern makes the next
// character literal (see expand).
func matchARN(pattern, arn string, escaped bool) bool {
	if pattern == "*" {
		return true
	}
	// Most patterns fail on their literal prefix (another service, another
	// account), and many have no wildcard at all: up to its first
	// wildcard, a pattern matches only the same characters, colons
	// included.
	k, ok := literalPrefix(pattern, arn, false)
	if !ok {
		return false
	}
	if k == len(pattern) {
		return k == len(arn)
	}
	pn, an := strings.Count(pattern, ":"), strings.Count(arn, ":")
	switch {
	case pn >= 5 && an >= 5:
	case pn < 5 && an < 5:
		return globMatch(pattern, arn, false, escaped)
	default:
		return false
	}
	for i := 0; i < 5; i++ {
		pi, ai := strings.IndexByte(pattern, ':'), strings.IndexByte(arn, ':')
		if !globMatch(pattern[:pi], arn[:ai], false, escaped) {
			return false
		}
		pattern, arn = pattern[pi+1:], arn[ai+1:]
	}
	return globMatch(pattern, arn, false, escaped)
}

// literalPrefix compares pattern and s up to the first wildcard or
// backslash of pattern, or the end of either (with fold, also up to the
// first non-ASCII byte of either): k is where it stopped, at a rune
// boundary of both, and ok is false when the part before differs (by case
// too, unless fold), which no glob matching can make up for.
func literalPrefix(pattern, s string, fold bool) (k int, ok bool) {
	if !fold {
		// Equal bytes up to an ASCII wildcard are equal runes: compare
		// them at once (the ARNs of one account share long prefixes).
		w := len(pattern)
		for _, c := range [...]byte{'*', '?', '\\'} {
			if i := strings.IndexByte(pattern[:w], c); i >= 0 {
				w = i
			}
		}
		if w > len(s) {
			return len(s), pattern[:len(s)] == s
		}
		return w, pattern[:w] == s[:w]
	}
	// With fold: byte by byte, up to the first non-ASCII byte.
	for ; k < len(pattern) && k < len(s); k++ {
		pc, sc := pattern[k], s[k]
		if pc == '*' || pc == '?' || pc == '\\' || pc >= utf8.RuneSelf || sc >= utf8.RuneSelf {
			break
		}
		if pc != sc && lowerASCII(pc) != lowerASCII(sc) {
			return k, false
		}
	}
	return k, true
}

// globMatch matches s against a glob with * (any run of characters, possibly
// empty) and ? (exactly one character); characters are runes, not bytes.
// With fold, letters match case-insensitively. With escaped, a backslash
// makes the character after it literal (expand writes such patterns).
func globMatch(pattern, s string, fold, escaped bool) bool {
	// Most patterns fail on their literal prefix (another service, another
	// account): check it before the general loop.
	if _, ok := literalPrefix(pattern, s, fold); !ok {
		return false
	}
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			pc, sc := pattern[p], s[i]
			switch {
			case pc == '*':
				star, mark = p+1, i
				p++
				continue
			case pc == '?':
				p++
				if sc < utf8.RuneSelf {
					i++
				} else {
					_, sw := utf8.DecodeRuneInString(s[i:])
					i += sw
				}
				continue
			case pc < utf8.RuneSelf && sc < utf8.RuneSelf && !(escaped && pc == '\\'):
				if pc == sc || (fold && lowerASCII(pc) == lowerASCII(sc)) {
					p++
					i++
					continue
				}
			default:
				q := p
				if escaped && pc == '\\' && p+1 < len(pattern) {
					q = p + 1
				}
				pr, pw := decodeRune(pattern, q)
				sr, sw := decodeRune(s, i)
				if pr == sr || (fold && foldEqual(pr, sr)) {
					p = q + pw
					i += sw
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		// Let the last * swallow one more character of s and retry.
		_, sw := decodeRune(s, mark)
		mark += sw
		p, i = star, mark
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// decodeRune returns the rune at s[i] and its width, fast for ASCII.
func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// foldEqual reports whether two runes are equal under simple case folding.
func foldEqual(a, b rune) bool {
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	return unicode.ToLower(a) == unicode.ToLower(b) || unicode.ToUpper(a) == unicode.ToUpper(b)
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
	partition, account := arnPartition(p.ARN), p.Account
	if account == "" {
		account = arnAccount(p.ARN)
	}
	for _, a := range ps.AWS {
		if p.ARN != "" && MatchARN(a, p.ARN) {
			return true
		}
		if account != "" && (a == account || isAccountRoot(a, partition, account)) {
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

// arnAccount returns the account field of an ARN, or "" for anything else.
func arnAccount(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 || f[0] != "arn" {
		return ""
	}
	return f[4]
}

// arnPartition returns the partition field of an ARN, or "" for anything else.
func arnPartition(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 || f[0] != "arn" {
		return ""
	}
	return f[1]
}

// isAccountRoot reports whether a is the root ARN of account
// (arn:<partition>:iam::<account>:root), which stands for the whole account.
// An empty partition accepts any.
func isAccountRoot(a, partition, account string) bool {
	f := strings.SplitN(a, ":", 6)
	return len(f) == 6 && f[0] == "arn" && (partition == "" || f[1] == partition) &&
		f[2] == "iam" && f[3] == "" && f[4] == account && f[5] == "root"
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
