package k8srbac

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Objects are the RBAC objects of one cluster.
type Objects struct {
	ClusterRoles        []ClusterRole
	Roles               []Role
	ClusterRoleBindings []ClusterRoleBinding
	RoleBindings        []RoleBinding
}

// IssueKind classifies an Issue.
type IssueKind string

// The kinds of issues.
const (
	// IssueMissingRole: a binding references a role that does not exist;
	// it grants nothing.
	IssueMissingRole IssueKind = "missing_role"
	// IssueInvalidRoleRef: a binding references a role it cannot (a
	// ClusterRoleBinding naming a Role, a kind that is no role); it grants
	// nothing.
	IssueInvalidRoleRef IssueKind = "invalid_role_ref"
	// IssueInvalidSubject: a binding's subject matches nobody (an unknown
	// kind, no name, a ServiceAccount without namespace in a
	// ClusterRoleBinding).
	IssueInvalidSubject IssueKind = "invalid_subject"
	// IssueInvalidSelector: an aggregation rule's selector cannot be
	// compiled; the ClusterRole keeps its own rules only, as the
	// aggregation controller leaves it.
	IssueInvalidSelector IssueKind = "invalid_selector"
	// IssueDuplicate: two objects of one kind have the same name; the
	// first is kept.
	IssueDuplicate IssueKind = "duplicate"
	// IssueNoNamespace: a Role or RoleBinding without a namespace; it is
	// ignored.
	IssueNoNamespace IssueKind = "no_namespace"
)

// Issue is something in the RBAC objects that grants nothing or less than
// it seems to.
type Issue struct {
	Kind IssueKind
	// Object is the role or binding at fault.
	Object ObjectRef
	// Role is the role a binding references, for IssueMissingRole and
	// IssueInvalidRoleRef.
	Role ObjectRef
	// Reason says what is wrong, in a few words.
	Reason string
}

// String renders the issue as "<object>: <reason>".
func (i Issue) String() string { return i.Object.String() + ": " + i.Reason }

// EffectiveRule is a rule in effect in a role, with the role whose own
// rules hold it: the role itself, or for an aggregated ClusterRole the
// ClusterRole it was aggregated from.
type EffectiveRule struct {
	Rule PolicyRule
	// Origin is the role whose Rules list holds the rule.
	Origin ObjectRef
	// Index is the rule's index in Origin's Rules.
	Index int
}

// Evidence justifies an allowed request: the binding, the subject of it
// that matched, the role it references and the rule that allows.
type Evidence struct {
	// Superuser is set when the user is in system:masters, which the API
	// server allows everything before RBAC is asked; the other fields
	// but Subject are then empty and RuleIndex is -1.
	Superuser bool
	// Binding is the RoleBinding or ClusterRoleBinding.
	Binding ObjectRef
	// Subject is the binding's subject that matched (a ServiceAccount's
	// namespace defaulted to the RoleBinding's); SubjectIndex its index.
	Subject      Subject
	SubjectIndex int
	// Role is the role the binding references.
	Role ObjectRef
	// Origin is the role whose own rules hold the rule: Role, unless Role
	// is an aggregated ClusterRole.
	Origin ObjectRef
	// RuleIndex is the index of the rule in Origin's rules.
	RuleIndex int
	// Rule is the rule.
	Rule PolicyRule
}

// Aggregated reports whether the rule came into Role by aggregation.
func (e Evidence) Aggregated() bool { return !e.Superuser && e.Origin != e.Role }

// Scope returns the namespace the evidence grants in, "" for cluster-wide.
func (e Evidence) Scope() string {
	if e.Binding.Kind == KindRoleBinding {
		return e.Binding.Namespace
	}
	return ""
}

// String renders the evidence, e.g.
// "ClusterRoleBinding ops → ClusterRole admin rule 3" or
// "RoleBinding dev/ci → ClusterRole edit: rule 0 of ClusterRole
// aggregate-to-edit (aggregated)".
func (e Evidence) String() string {
	if e.Superuser {
		return "group " + GroupMasters + " (superuser, allowed before RBAC)"
	}
	s := e.Binding.String() + " → " + e.Role.String()
	if e.Aggregated() {
		return s + ": rule " + strconv.Itoa(e.RuleIndex) + " of " + e.Origin.String() + " (aggregated)"
	}
	return s + " rule " + strconv.Itoa(e.RuleIndex)
}

// superuserEvidence is the evidence of a system:masters member.
func superuserEvidence() Evidence {
	return Evidence{Superuser: true, Subject: Subject{Kind: KindGroup, APIGroup: GroupName, Name: GroupMasters}, RuleIndex: -1}
}

// binding is a binding resolved against the roles.
type binding struct {
	ref ObjectRef
	// namespace is where the binding grants: "" for a ClusterRoleBinding.
	namespace string
	// subjects are the binding's subjects, ServiceAccount namespaces
	// defaulted; valid[i] says whether subject i can match anyone.
	subjects []Subject
	valid    []bool
	role     ObjectRef
	rules    []EffectiveRule
	// order is the binding's place: ClusterRoleBindings by name, then
	// RoleBindings by namespace and name.
	order int
}

// subjectRef is one subject of one binding.
type subjectRef struct {
	b     *binding
	index int
}

// Policy is the RBAC objects of a cluster, resolved: aggregated
// ClusterRoles expanded, bindings joined to their roles, and bindings
// indexed by the users and groups they name. It is read-only once built
// and safe for concurrent use.
type Policy struct {
	clusterRoles map[string]*ClusterRole
	// clusterRules and roleRules are the rules in effect per role.
	clusterRules map[string][]EffectiveRule
	roleRules    map[[2]string][]EffectiveRule
	bindings     []*binding
	byUser       map[string][]subjectRef
	byGroup      map[string][]subjectRef
	issues       []Issue
}

// NewPolicy resolves the objects. It never fails: what grants nothing is
// recorded as an Issue (see Issues).
func NewPolicy(o Objects) *Policy {
	p := &Policy{
		clusterRoles: map[string]*ClusterRole{},
		clusterRules: map[string][]EffectiveRule{},
		roleRules:    map[[2]string][]EffectiveRule{},
		byUser:       map[string][]subjectRef{},
		byGroup:      map[string][]subjectRef{},
	}
	for i := range o.ClusterRoles {
		cr := &o.ClusterRoles[i]
		if _, dup := p.clusterRoles[cr.Name]; dup {
			p.issue(IssueDuplicate, ObjectRef{Kind: KindClusterRole, Name: cr.Name}, ObjectRef{}, "defined twice; the first is used")
			continue
		}
		p.clusterRoles[cr.Name] = cr
	}
	for i := range o.Roles {
		r := &o.Roles[i]
		key := [2]string{r.Namespace, r.Name}
		if r.Namespace == "" {
			p.issue(IssueNoNamespace, ObjectRef{Kind: KindRole, Name: r.Name}, ObjectRef{}, "a Role needs a namespace; it is ignored")
			continue
		}
		if _, dup := p.roleRules[key]; dup {
			p.issue(IssueDuplicate, ObjectRef{Kind: KindRole, Namespace: r.Namespace, Name: r.Name}, ObjectRef{}, "defined twice; the first is used")
			continue
		}
		p.roleRules[key] = ownRules(ObjectRef{Kind: KindRole, Namespace: r.Namespace, Name: r.Name}, r.Rules)
	}
	p.aggregate()
	p.bind(o)
	return p
}

func (p *Policy) issue(kind IssueKind, obj, role ObjectRef, format string, args ...any) {
	p.issues = append(p.issues, Issue{Kind: kind, Object: obj, Role: role, Reason: fmt.Sprintf(format, args...)})
}

// Issues returns what grants nothing or less than it seems to, in the
// order found: duplicates, invalid aggregation selectors, then bindings
// in binding order.
func (p *Policy) Issues() []Issue { return append([]Issue(nil), p.issues...) }

func ownRules(origin ObjectRef, rules []PolicyRule) []EffectiveRule {
	out := make([]EffectiveRule, len(rules))
	for i, r := range rules {
		out[i] = EffectiveRule{Rule: r, Origin: origin, Index: i}
	}
	return out
}

// aggregate computes the rules in effect of every ClusterRole: its own,
// and for an aggregated one those of every ClusterRole its selectors
// match, to a fixed point (aggregated roles may aggregate each other).
func (p *Policy) aggregate() {
	names := make([]string, 0, len(p.clusterRoles))
	for name := range p.clusterRoles {
		names = append(names, name)
	}
	sort.Strings(names)
	own := map[string][]EffectiveRule{}
	for _, name := range names {
		own[name] = ownRules(ObjectRef{Kind: KindClusterRole, Name: name}, p.clusterRoles[name].Rules)
		p.clusterRules[name] = own[name]
	}
	// matched[name][i] lists, sorted, the other ClusterRoles selector i selects.
	matched := map[string][][]string{}
	var aggregating []string
	for _, name := range names {
		cr := p.clusterRoles[name]
		if cr.AggregationRule == nil {
			continue
		}
		var lists [][]string
		ok := true
		for i, sel := range cr.AggregationRule.ClusterRoleSelectors {
			if err := sel.Validate(); err != nil {
				p.issue(IssueInvalidSelector, ObjectRef{Kind: KindClusterRole, Name: name}, ObjectRef{},
					"aggregationRule.clusterRoleSelectors[%d]: %v; the role keeps its own rules", i, err)
				ok = false
				break
			}
			var list []string
			for _, other := range names {
				if other == name {
					continue
				}
				if sel.matches(p.clusterRoles[other].Labels) {
					list = append(list, other)
				}
			}
			lists = append(lists, list)
		}
		if ok {
			matched[name] = lists
			aggregating = append(aggregating, name)
		}
	}
	for changed := true; changed; {
		changed = false
		for _, name := range aggregating {
			var list []EffectiveRule
			seen := map[string]bool{}
			add := func(rules []EffectiveRule) {
				for _, r := range rules {
					if k := ruleKey(r.Rule); !seen[k] {
						seen[k] = true
						list = append(list, r)
					}
				}
			}
			for _, sel := range matched[name] {
				for _, m := range sel {
					add(p.clusterRules[m])
				}
			}
			add(own[name])
			// The inputs only grow, so the list only grows: a longer
			// list is a change, an equal length is none.
			if len(list) != len(p.clusterRules[name]) {
				changed = true
			}
			p.clusterRules[name] = list
		}
	}
}

// ruleKey identifies a rule up to the API's semantic equality (an empty
// list equals an absent one; order matters).
func ruleKey(r PolicyRule) string {
	var b strings.Builder
	for _, list := range [][]string{r.Verbs, r.APIGroups, r.Resources, r.ResourceNames, r.NonResourceURLs} {
		for _, s := range list {
			b.WriteString(strconv.Quote(s))
			b.WriteByte(',')
		}
		b.WriteByte(';')
	}
	return b.String()
}

// bind resolves every binding and indexes its subjects.
func (p *Policy) bind(o Objects) {
	crbs := make([]*ClusterRoleBinding, len(o.ClusterRoleBindings))
	for i := range o.ClusterRoleBindings {
		crbs[i] = &o.ClusterRoleBindings[i]
	}
	sort.SliceStable(crbs, func(i, j int) bool { return crbs[i].Name < crbs[j].Name })
	rbs := make([]*RoleBinding, len(o.RoleBindings))
	for i := range o.RoleBindings {
		rbs[i] = &o.RoleBindings[i]
	}
	sort.SliceStable(rbs, func(i, j int) bool {
		if rbs[i].Namespace != rbs[j].Namespace {
			return rbs[i].Namespace < rbs[j].Namespace
		}
		return rbs[i].Name < rbs[j].Name
	})
	seenCRB := map[string]bool{}
	for _, crb := range crbs {
		ref := ObjectRef{Kind: KindClusterRoleBinding, Name: crb.Name}
		if seenCRB[crb.Name] {
			p.issue(IssueDuplicate, ref, ObjectRef{}, "defined twice; the first is used")
			continue
		}
		seenCRB[crb.Name] = true
		p.addBinding(ref, "", crb.Subjects, crb.RoleRef)
	}
	seenRB := map[[2]string]bool{}
	for _, rb := range rbs {
		ref := ObjectRef{Kind: KindRoleBinding, Namespace: rb.Namespace, Name: rb.Name}
		if rb.Namespace == "" {
			p.issue(IssueNoNamespace, ref, ObjectRef{}, "a RoleBinding needs a namespace; it is ignored")
			continue
		}
		if seenRB[[2]string{rb.Namespace, rb.Name}] {
			p.issue(IssueDuplicate, ref, ObjectRef{}, "defined twice; the first is used")
			continue
		}
		seenRB[[2]string{rb.Namespace, rb.Name}] = true
		p.addBinding(ref, rb.Namespace, rb.Subjects, rb.RoleRef)
	}
}

func (p *Policy) addBinding(ref ObjectRef, namespace string, subjects []Subject, roleRef RoleRef) {
	b := &binding{ref: ref, namespace: namespace, order: len(p.bindings)}
	p.bindings = append(p.bindings, b)
	switch roleRef.Kind {
	case KindClusterRole:
		b.role = ObjectRef{Kind: KindClusterRole, Name: roleRef.Name}
		rules, ok := p.clusterRules[roleRef.Name]
		if !ok {
			p.issue(IssueMissingRole, ref, b.role, "references %s, which does not exist: it grants nothing", b.role)
		}
		b.rules = rules
	case KindRole:
		b.role = ObjectRef{Kind: KindRole, Namespace: namespace, Name: roleRef.Name}
		if namespace == "" {
			p.issue(IssueInvalidRoleRef, ref, ObjectRef{Kind: KindRole, Name: roleRef.Name},
				"references Role %s: a ClusterRoleBinding cannot reference a Role, it grants nothing", roleRef.Name)
			break
		}
		rules, ok := p.roleRules[[2]string{namespace, roleRef.Name}]
		if !ok {
			p.issue(IssueMissingRole, ref, b.role, "references %s, which does not exist: it grants nothing", b.role)
		}
		b.rules = rules
	default:
		b.role = ObjectRef{Kind: roleRef.Kind, Name: roleRef.Name}
		p.issue(IssueInvalidRoleRef, ref, b.role, "roleRef kind %q is neither Role nor ClusterRole: it grants nothing", roleRef.Kind)
	}
	b.subjects = make([]Subject, len(subjects))
	b.valid = make([]bool, len(subjects))
	for i, s := range subjects {
		if s.Kind == KindServiceAccount && s.Namespace == "" {
			s.Namespace = namespace
		}
		b.subjects[i] = s
		var key string
		index := p.byUser
		switch {
		case s.Name == "":
			p.issue(IssueInvalidSubject, ref, ObjectRef{}, "subjects[%d]: no name, it matches nobody", i)
			continue
		case s.Kind == KindUser:
			key = s.Name
		case s.Kind == KindGroup:
			key, index = s.Name, p.byGroup
		case s.Kind == KindServiceAccount && s.Namespace == "":
			p.issue(IssueInvalidSubject, ref, ObjectRef{},
				"subjects[%d]: ServiceAccount %s has no namespace, it matches nobody in a ClusterRoleBinding", i, s.Name)
			continue
		case s.Kind == KindServiceAccount:
			key = ServiceAccountUsername(s.Namespace, s.Name)
		default:
			p.issue(IssueInvalidSubject, ref, ObjectRef{}, "subjects[%d]: kind %q is not User, Group or ServiceAccount, it matches nobody", i, s.Kind)
			continue
		}
		b.valid[i] = true
		index[key] = append(index[key], subjectRef{b: b, index: i})
	}
}

// bindingsFor returns the bindings that name u, in binding order, each
// with the index of its first subject that matches u.
func (p *Policy) bindingsFor(u User) []subjectRef {
	first := map[*binding]int{}
	note := func(refs []subjectRef) {
		for _, r := range refs {
			if i, ok := first[r.b]; !ok || r.index < i {
				first[r.b] = r.index
			}
		}
	}
	if u.Name != "" {
		note(p.byUser[u.Name])
	}
	for _, g := range u.Groups {
		note(p.byGroup[g])
	}
	out := make([]subjectRef, 0, len(first))
	for b, i := range first {
		out = append(out, subjectRef{b: b, index: i})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].b.order < out[j].b.order })
	return out
}

// applies reports whether binding b grants on request r: a
// ClusterRoleBinding everywhere, a RoleBinding only on resource requests
// in its namespace.
func (b *binding) applies(r Request) bool {
	return b.namespace == "" || (r.IsResource() && r.Namespace == b.namespace)
}

func (b *binding) evidence(subject int, r EffectiveRule) Evidence {
	return Evidence{Binding: b.ref, Subject: b.subjects[subject], SubjectIndex: subject, Role: b.role,
		Origin: r.Origin, RuleIndex: r.Index, Rule: r.Rule}
}

// Authorize decides whether u may make request r, and returns every
// piece of evidence that allows it (bindings in order, then rules in
// order); a member of system:masters gets one superuser evidence.
func (p *Policy) Authorize(u User, r Request) (bool, []Evidence) {
	if u.InGroup(GroupMasters) {
		return true, []Evidence{superuserEvidence()}
	}
	var ev []Evidence
	for _, sr := range p.bindingsFor(u) {
		if !sr.b.applies(r) {
			continue
		}
		for _, rule := range sr.b.rules {
			if rule.Rule.Allows(r) {
				ev = append(ev, sr.b.evidence(sr.index, rule))
			}
		}
	}
	return len(ev) > 0, ev
}

// Allows decides a resource request: whether u may do verb on the
// resource (group, resource, subresource) named name in namespace (""
// for cluster-scoped resources and requests across namespaces; name ""
// for collections). See Authorize.
func (p *Policy) Allows(u User, verb, group, resource, subresource, namespace, name string) (bool, []Evidence) {
	return p.Authorize(u, ResourceRequest(verb, group, resource, subresource, namespace, name))
}

// RuleSet is every rule in effect for one user: cluster-wide ones from
// ClusterRoleBindings and per-namespace ones from RoleBindings, each as
// the Evidence that grants it.
type RuleSet struct {
	User User
	// Superuser is set for members of system:masters, allowed everything.
	Superuser bool
	// Cluster are the rules in effect everywhere: in every namespace, on
	// cluster-scoped resources and on non-resource URLs.
	Cluster []Evidence
	// Namespaced are the rules in effect only in one namespace, by namespace.
	Namespaced map[string][]Evidence
}

// RulesFor returns every rule in effect for u, for a rule engine to ask
// many questions of one user without walking the bindings again.
func (p *Policy) RulesFor(u User) *RuleSet {
	s := &RuleSet{User: u, Superuser: u.InGroup(GroupMasters), Namespaced: map[string][]Evidence{}}
	for _, sr := range p.bindingsFor(u) {
		for _, rule := range sr.b.rules {
			e := sr.b.evidence(sr.index, rule)
			if sr.b.namespace == "" {
				s.Cluster = append(s.Cluster, e)
			} else {
				s.Namespaced[sr.b.namespace] = append(s.Namespaced[sr.b.namespace], e)
			}
		}
	}
	return s
}

// Namespaces returns the namespaces where RoleBindings grant the user
// something, sorted.
func (s *RuleSet) Namespaces() []string {
	out := make([]string, 0, len(s.Namespaced))
	for ns := range s.Namespaced {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// Authorize decides request r as Policy.Authorize does.
func (s *RuleSet) Authorize(r Request) (bool, []Evidence) {
	if s.Superuser {
		return true, []Evidence{superuserEvidence()}
	}
	var ev []Evidence
	for _, e := range s.Cluster {
		if e.Rule.Allows(r) {
			ev = append(ev, e)
		}
	}
	if r.IsResource() && r.Namespace != "" {
		for _, e := range s.Namespaced[r.Namespace] {
			if e.Rule.Allows(r) {
				ev = append(ev, e)
			}
		}
	}
	return len(ev) > 0, ev
}

// Allows decides a resource request as Policy.Allows does.
func (s *RuleSet) Allows(verb, group, resource, subresource, namespace, name string) (bool, []Evidence) {
	return s.Authorize(ResourceRequest(verb, group, resource, subresource, namespace, name))
}

// Where says where the user may make request r, whatever r.Namespace
// says: everywhere when cluster is non-empty (the ClusterRoleBinding
// evidence, or the superuser's), and in each namespace of namespaces
// (the RoleBinding evidence). A pod-creation rule asks it once to learn
// every namespace whose service accounts a user can run as.
func (s *RuleSet) Where(r Request) (cluster []Evidence, namespaces map[string][]Evidence) {
	if s.Superuser {
		return []Evidence{superuserEvidence()}, nil
	}
	r.Namespace = ""
	for _, e := range s.Cluster {
		if e.Rule.Allows(r) {
			cluster = append(cluster, e)
		}
	}
	if !r.IsResource() {
		return cluster, nil
	}
	for ns, list := range s.Namespaced {
		for _, e := range list {
			if e.Rule.Allows(r) {
				if namespaces == nil {
					namespaces = map[string][]Evidence{}
				}
				namespaces[ns] = append(namespaces[ns], e)
			}
		}
	}
	return cluster, namespaces
}

// WhoCan returns every subject that may make request r, each with the
// evidence that allows it: first the group system:masters, then, binding
// by binding, every valid subject of a binding whose role has a rule
// allowing r. Groups are returned as groups: who is in them is the
// caller's knowledge.
func (p *Policy) WhoCan(r Request) []Evidence {
	out := []Evidence{superuserEvidence()}
	for _, b := range p.bindings {
		if !b.applies(r) {
			continue
		}
		for _, rule := range b.rules {
			if !rule.Rule.Allows(r) {
				continue
			}
			for i := range b.subjects {
				if b.valid[i] {
					out = append(out, b.evidence(i, rule))
				}
			}
		}
	}
	return out
}

// Subjects returns every distinct valid subject the bindings name, with
// ServiceAccount namespaces defaulted and APIGroup cleared, sorted by
// kind, namespace and name.
func (p *Policy) Subjects() []Subject {
	seen := map[Subject]bool{}
	var out []Subject
	for _, b := range p.bindings {
		for i, s := range b.subjects {
			if !b.valid[i] {
				continue
			}
			s.APIGroup = ""
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
	return out
}

// Rules returns the rules in effect in a role (Kind Role or ClusterRole),
// aggregated ones included, and whether the role exists.
func (p *Policy) Rules(role ObjectRef) ([]EffectiveRule, bool) {
	switch role.Kind {
	case KindClusterRole:
		r, ok := p.clusterRules[role.Name]
		return r, ok
	case KindRole:
		r, ok := p.roleRules[[2]string{role.Namespace, role.Name}]
		return r, ok
	}
	return nil, false
}
