package aws

import (
	"slices"
	"strconv"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Many principals hold a technique's permissions on every resource: a
// CI role with iam:PassRole and lambda:CreateFunction on "*", a team's
// policy with iam:PutRolePolicy on "*". Each of them reaches every target
// of the technique in its account, and recording that principal by
// principal makes the graph grow as principals × targets, with the same
// target-side question (does this role's trust admit Lambda?) asked again
// for each principal. When a principal's own part of the verdict is the
// same for every target (resourceBlind), it is decided once, and the
// principal joins the technique's permission set of its account; the set
// holds the edges to the targets, decided once per target. Sets are
// transparent to the analysis: a member reaches the set's targets in one
// hop (graphmodel.NodeKind.Transparent). Below MinPermissionSetMembers
// members, the edges stay per principal.

// techniqueSet is the principals of one account whose own verdict for one
// technique does not depend on the target.
type techniqueSet struct {
	account, technique, what string
	// label tells apart the sets of one account and technique (the
	// resource type and access level of resource access); "" otherwise.
	label    string
	members  []*principal
	verdicts []verdict // by member: its own part of the verdict
}

// id names the set by its account, technique and label.
func (s *techniqueSet) id() string {
	return setID(s.account, s.technique, s.label)
}

// node is the graph node of the set.
func (s *techniqueSet) node() graphmodel.Node {
	return graphmodel.Node{
		ID:       s.id(),
		Kind:     KindPermissionSet,
		Provider: graphmodel.ProviderAWS,
		Name:     "principals of " + s.account + " that can " + s.what + " (" + s.technique + ")",
		Scope:    graphmodel.AWSAccountScope(s.account),
		Properties: map[string]string{
			"technique": s.technique,
			"members":   strconv.Itoa(len(s.members)),
		},
	}
}

// setTarget is a target of a technique with the target's part of the
// verdict, and for resource access the access it gives.
type setTarget struct {
	id     string
	v      verdict
	access graphmodel.Access
}

// techniqueSets gathers the sets of one family of techniques.
type techniqueSets struct {
	m     *model
	sets  map[[3]string]*techniqueSet
	order []*techniqueSet
}

func newTechniqueSets(m *model) *techniqueSets {
	return &techniqueSets{m: m, sets: map[[3]string]*techniqueSet{}}
}

// join records that p meets its own part of technique with v, alike on
// every target.
func (ts *techniqueSets) join(p *principal, technique, what string, v verdict) {
	ts.joinLabelled(p, technique, "", what, v)
}

// joinLabelled is join into the set of technique that label tells apart.
func (ts *techniqueSets) joinLabelled(p *principal, technique, label, what string, v verdict) *techniqueSet {
	if v.t == awspolicy.No {
		return nil
	}
	k := [3]string{p.account, technique, label}
	s := ts.sets[k]
	if s == nil {
		s = &techniqueSet{account: p.account, technique: technique, label: label, what: what}
		ts.sets[k] = s
		ts.order = append(ts.order, s)
	}
	s.members = append(s.members, p)
	s.verdicts = append(s.verdicts, v)
	return s
}

// emit records the sets' edges of kind: targets lists a set's targets in
// its account. A set of MinPermissionSetMembers or more becomes a node
// that its members are member_of and that holds the edges to the targets;
// a smaller one gives each member its own edges (a member is never its own
// target when skipSelf).
func (ts *techniqueSets) emit(out *emitter, kind graphmodel.EdgeKind, skipSelf bool, targets func(s *techniqueSet) []setTarget) {
	for _, s := range ts.order {
		list := targets(s)
		if len(list) == 0 {
			continue
		}
		if !ts.asNode(s, len(list)) {
			for i, p := range s.members {
				for _, t := range list {
					if !skipSelf || t.id != p.arn {
						out.addKind(kind, p.arn, t.id, s.technique, t.access, s.verdicts[i].and(t.v))
					}
				}
			}
			continue
		}
		id := ts.m.addExternal(s.id(), s.node)
		for i, p := range s.members {
			out.add(graphmodel.EdgeMemberOf, p.arn, id, TechniquePermissionSet, s.verdicts[i])
		}
		for _, t := range list {
			out.addKind(kind, id, t.id, s.technique, t.access, t.v)
		}
	}
}

// asNode reports whether set s with targets targets is recorded as a node
// (its members member_of it, it holding the edges) rather than as each
// member's own edges: from MinPermissionSetMembers members, or as soon as
// the node saves many edges (an atom's set of a few members with
// thousands of targets).
func (ts *techniqueSets) asNode(s *techniqueSet, targets int) bool {
	n := len(s.members)
	return n >= MinPermissionSetMembers || (n > 1 && n*targets > largeSetEdges)
}

// largeSetEdges is the count of member edges above which a set of fewer
// than MinPermissionSetMembers members becomes a node.
const largeSetEdges = 256

// blindKey memoizes resourceBlind per document, action and target family.
type blindKey struct {
	doc      *awspolicy.Document
	action   string
	prefixes string
}

// resourceBlind reports whether p's decision on action is the same for
// every target whose ARN starts with one of prefixes (e.g. every role of
// an account: "arn:aws:iam::111122223333:role/"): every statement p is
// subject to (identity policies, boundary, control policies) that may
// concern action names all of them ("*", or a pattern ending in "*" that
// covers each prefix) and looks at nothing of the resource in its
// conditions. Safe for concurrent use: m.blindMu guards the memo.
func (m *model) resourceBlind(p *principal, action string, prefixes []string) bool {
	concerns := func(st *awspolicy.Statement) bool { return st.MatchAction(action) }
	joined := strings.Join(prefixes, "\n")
	m.blindMu.Lock()
	defer m.blindMu.Unlock()
	for _, pol := range p.policies {
		if !m.blind.memo(pol.doc, action, joined, concerns, prefixes) {
			return false
		}
	}
	for _, doc := range p.limits() {
		if !m.blind.memo(doc, action, joined, concerns, prefixes) {
			return false
		}
	}
	return true
}

// blindness memoizes documentBlind per document, action (or service) and
// prefixes; one per goroutine.
type blindness map[blindKey]bool

// memo is documentBlind(doc, concerns, prefixes), memoized under what (the
// action or service concerns selects) and joined (the prefixes).
func (b blindness) memo(doc *awspolicy.Document, what, joined string, concerns func(*awspolicy.Statement) bool, prefixes []string) bool {
	k := blindKey{doc, what, joined}
	blind, ok := b[k]
	if !ok {
		blind = documentBlind(doc, concerns, prefixes)
		b[k] = blind
	}
	return blind
}

// documentServiceBlind is documentBlind for the statements of doc that
// concern service, memoized.
func (b blindness) documentServiceBlind(doc *awspolicy.Document, service string, prefixes []string) bool {
	return b.memo(doc, service+":*", strings.Join(prefixes, "\n"),
		func(st *awspolicy.Statement) bool { return st.ConcernsService(service) }, prefixes)
}

// documentBlind reports whether every statement of doc that concerns the
// decision covers every ARN under prefixes and has no condition on the
// resource.
func documentBlind(doc *awspolicy.Document, concerns func(*awspolicy.Statement) bool, prefixes []string) bool {
	for i := range doc.Statements {
		if st := &doc.Statements[i]; concerns(st) && !statementBlind(st, prefixes) {
			return false
		}
	}
	return true
}

// statementBlind reports whether st covers every ARN under prefixes and
// has no condition on the resource.
func statementBlind(st *awspolicy.Statement, prefixes []string) bool {
	if st.Resource.Negated || !slices.ContainsFunc(st.Resource.Values, func(pattern string) bool {
		return coversAll(pattern, prefixes)
	}) {
		return false
	}
	for _, c := range st.Conditions {
		if resourceKey(c.Key) {
			return false
		}
		for _, v := range c.Values {
			if strings.Contains(strings.ToLower(v), "${aws:resource") || strings.Contains(strings.ToLower(v), "${iam:resource") {
				return false
			}
		}
	}
	return true
}

// blindStand returns a stand-in of p holding, of the statements that concern
// a decision, only those that decide alike on every target under prefixes
// (and every statement that does not concern it); each other statement
// goes to other, which returns false to give up (ok false). ok is false
// too when p's boundary or control policies do not decide alike on every
// target. Kept statements keep their indices: evidence cites p's policies.
func blindStand(p *principal, concerns func(*awspolicy.Statement) bool, prefixes []string, other func(*awspolicy.Statement) bool) (stand *principal, ok bool) {
	for _, doc := range p.limits() {
		if !documentBlind(doc, concerns, prefixes) {
			return nil, false
		}
	}
	keep := func(st *awspolicy.Statement) bool { return !concerns(st) || statementBlind(st, prefixes) }
	stand = p.standIn()
	for _, pol := range p.policies {
		for i := range pol.doc.Statements {
			if st := &pol.doc.Statements[i]; !keep(st) && !other(st) {
				return nil, false
			}
		}
		if part := keptPart(pol, keep); part != nil {
			stand.policies = append(stand.policies, part)
		}
	}
	return stand, true
}

// keptPart returns pol with only the statements keep accepts, as a policy
// of the same source whose statements keep their indices: pol itself when
// keep accepts them all, nil when it accepts none.
func keptPart(pol *policy, keep func(*awspolicy.Statement) bool) *policy {
	var kept []awspolicy.Statement
	for i := range pol.doc.Statements {
		if st := &pol.doc.Statements[i]; keep(st) {
			kept = append(kept, *st)
		}
	}
	switch len(kept) {
	case len(pol.doc.Statements):
		return pol
	case 0:
		return nil
	}
	doc := *pol.doc
	doc.Statements = kept
	return &policy{source: pol.source, doc: &doc}
}

// namesAny reports whether one of statements may name arn for p.
func namesAny(statements []*awspolicy.Statement, arn string, p *principal) bool {
	return slices.ContainsFunc(statements, func(st *awspolicy.Statement) bool { return st.MatchResource(arn, p.facts) != awspolicy.No })
}

// coversAll reports whether a Resource pattern matches every ARN that
// starts with one of prefixes: "*", or a pattern without policy variables
// whose final "*" (in the ARN's resource part) absorbs whatever follows
// the prefix.
func coversAll(pattern string, prefixes []string) bool {
	if pattern == "*" {
		return true
	}
	if !strings.HasSuffix(pattern, "*") || strings.Contains(pattern, "${") || strings.Count(pattern, ":") < 5 {
		return false
	}
	for _, p := range prefixes {
		if !awspolicy.MatchARN(pattern, p) {
			return false
		}
	}
	return true
}

// iamPrefixes is the ARN prefix of the IAM entities of one type ("role",
// "user", "group", "policy") of an account.
func iamPrefixes(account, typ string) []string {
	return []string{"arn:aws:iam::" + account + ":" + typ + "/"}
}

// familyPrefix is the ARN prefix shared by the resources of arn's service,
// region, account and type: arnTypePrefix, or the ARN up to its resource
// part when it has no type ("arn:aws:s3:::").
func familyPrefix(arn string) string {
	if p := arnTypePrefix(arn); p != "" {
		return p
	}
	n := 0
	for i := 0; i < len(arn); i++ {
		if arn[i] == ':' {
			if n++; n == 5 {
				return arn[:i+1]
			}
		}
	}
	return arn
}

// arnTypePrefix is the ARN up to the end of its resource type
// ("arn:aws:lambda:eu-west-1:111122223333:function:"), or "" when it has no type.
func arnTypePrefix(arn string) string {
	n := 0
	for i := 0; i < len(arn); i++ {
		if arn[i] == ':' {
			n++
			if n == 5 {
				rest := arn[i+1:]
				if j := strings.IndexAny(rest, ":/"); j >= 0 {
					return arn[:i+1+j+1]
				}
				return ""
			}
		}
	}
	return ""
}

// resourceKey reports whether a condition key describes the request's
// resource (its tags, account or organization; for S3 the bucket's or the
// object's own facts) rather than the request: such a condition may decide
// differently on two resources. S3's request keys (s3:x-amz-*, s3:prefix,
// s3:TlsVersion, …) are not.
func resourceKey(key string) bool {
	k := strings.ToLower(key)
	switch {
	case strings.HasPrefix(k, "aws:resource"), strings.HasPrefix(k, "iam:resourcetag/"), strings.Contains(k, ":resourcetag/"):
		return true
	case strings.HasPrefix(k, "s3:"):
		return strings.HasPrefix(k, "s3:existingobjecttag/") || strings.HasPrefix(k, "s3:existingjob") ||
			strings.HasPrefix(k, "s3:dataaccesspoint") || k == "s3:resourceaccount" || k == "s3:accesspointnetworkorigin"
	}
	return false
}

// blindARN is the resource a resource-blind decision is asked about: an
// ARN under the first of the prefixes it is blind to that names nothing.
func blindARN(prefixes []string) string {
	return prefixes[0] + "\x00any"
}

// resourceBlindAll is resourceBlind for every action of a rule.
func (m *model) resourceBlindAll(p *principal, actions, prefixes []string) bool {
	for _, a := range actions {
		if !m.resourceBlind(p, a, prefixes) {
			return false
		}
	}
	return true
}
