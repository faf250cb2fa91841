package k8srbac

import (
	"reflect"
	"strings"
	"testing"
)

func rule(verbs, groups, resources string, names ...string) PolicyRule {
	split := func(s string) []string {
		if s == "-" {
			return nil
		}
		if s == `""` {
			return []string{""}
		}
		return strings.Split(s, ",")
	}
	return PolicyRule{Verbs: split(verbs), APIGroups: split(groups), Resources: split(resources), ResourceNames: names}
}

func user(name string) Subject  { return Subject{Kind: KindUser, APIGroup: GroupName, Name: name} }
func group(name string) Subject { return Subject{Kind: KindGroup, APIGroup: GroupName, Name: name} }
func sa(ns, name string) Subject {
	return Subject{Kind: KindServiceAccount, Namespace: ns, Name: name}
}
func cr(name string) RoleRef   { return RoleRef{APIGroup: GroupName, Kind: KindClusterRole, Name: name} }
func role(name string) RoleRef { return RoleRef{APIGroup: GroupName, Kind: KindRole, Name: name} }

// fixture is a small cluster: aggregated roles, every binding form and
// the built-in groups.
func fixture() Objects {
	return Objects{
		ClusterRoles: []ClusterRole{
			{Name: "cluster-admin", Rules: []PolicyRule{
				rule("*", "*", "*"),
				{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}},
			}},
			{Name: "view", Labels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-edit": "true"},
				AggregationRule: &AggregationRule{ClusterRoleSelectors: []LabelSelector{
					{MatchLabels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
				}}},
			{Name: "edit", Labels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-admin": "true"},
				AggregationRule: &AggregationRule{ClusterRoleSelectors: []LabelSelector{
					{MatchLabels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-edit": "true"}},
				}}},
			{Name: "admin", AggregationRule: &AggregationRule{ClusterRoleSelectors: []LabelSelector{
				{MatchLabels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-admin": "true"}},
			}}},
			{Name: "system:aggregate-to-view", Labels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-view": "true"},
				Rules: []PolicyRule{rule("get,list,watch", `""`, "pods,configmaps")}},
			{Name: "system:aggregate-to-edit", Labels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-edit": "true"},
				Rules: []PolicyRule{
					rule("get,list,watch", `""`, "pods,configmaps"), // a duplicate of view's: kept once
					rule("create,delete,patch,update", `""`, "pods,pods/exec"),
				}},
			{Name: "secret-reader", Rules: []PolicyRule{rule("get", `""`, "secrets", "db-password")}},
			{Name: "node-reader", Rules: []PolicyRule{rule("get,list", `""`, "nodes")}},
			{Name: "metrics", Rules: []PolicyRule{{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics"}}}},
		},
		Roles: []Role{
			{Namespace: "dev", Name: "token-minter", Rules: []PolicyRule{rule("create", `""`, "serviceaccounts/token")}},
		},
		ClusterRoleBindings: []ClusterRoleBinding{
			{Name: "ops-admins", Subjects: []Subject{group("ops")}, RoleRef: cr("cluster-admin")},
			{Name: "all-view-nodes", Subjects: []Subject{group(GroupAuthenticated)}, RoleRef: cr("node-reader")},
			{Name: "prometheus", Subjects: []Subject{sa("monitoring", "prometheus"), sa("", "nobody")}, RoleRef: cr("metrics")},
			{Name: "broken-to-role", Subjects: []Subject{user("mallory")}, RoleRef: role("token-minter")},
			{Name: "dangling", Subjects: []Subject{user("mallory")}, RoleRef: cr("ghost")},
		},
		RoleBindings: []RoleBinding{
			{Namespace: "dev", Name: "ci-edit", Subjects: []Subject{{Kind: KindServiceAccount, Name: "ci"}}, RoleRef: cr("edit")},
			{Namespace: "dev", Name: "alice-admin", Subjects: []Subject{user("alice")}, RoleRef: cr("admin")},
			{Namespace: "dev", Name: "minters", Subjects: []Subject{group("system:serviceaccounts:prod"), user("system:serviceaccount:prod:web")}, RoleRef: role("token-minter")},
			{Namespace: "prod", Name: "secret", Subjects: []Subject{sa("ci", "ci"), {Kind: "Robot", Name: "r2"}}, RoleRef: cr("secret-reader")},
			{Namespace: "prod", Name: "missing-role", Subjects: []Subject{user("bob")}, RoleRef: role("nope")},
		},
	}
}

func TestAggregation(t *testing.T) {
	p := NewPolicy(fixture())
	admin, ok := p.Rules(ObjectRef{Kind: KindClusterRole, Name: "admin"})
	if !ok {
		t.Fatal("admin missing")
	}
	type got struct {
		origin string
		index  int
	}
	var list []got
	for _, r := range admin {
		list = append(list, got{r.Origin.Name, r.Index})
	}
	// admin ← edit ← (system:aggregate-to-edit, view ← system:aggregate-to-view):
	// matched roles sorted by name; the duplicate rule kept once, from
	// the first role that brings it.
	want := []got{{"system:aggregate-to-edit", 0}, {"system:aggregate-to-edit", 1}}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("admin rules = %+v, want %+v", list, want)
	}
	view, _ := p.Rules(ObjectRef{Kind: KindClusterRole, Name: "view"})
	if len(view) != 1 || view[0].Origin.Name != "system:aggregate-to-view" {
		t.Errorf("view rules = %+v", view)
	}
	if len(p.Issues()) == 0 {
		t.Fatal("the fixture has issues")
	}
}

func TestAggregationEdgeCases(t *testing.T) {
	a := PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}}
	b := PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"secrets"}}
	c := PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"nodes"}}
	tests := []struct {
		name   string
		roles  []ClusterRole
		role   string
		want   []PolicyRule
		issues int
	}{
		{"empty selector aggregates every other role",
			[]ClusterRole{
				{Name: "all", AggregationRule: &AggregationRule{ClusterRoleSelectors: []LabelSelector{{}}}},
				{Name: "x", Rules: []PolicyRule{a}}, {Name: "y", Rules: []PolicyRule{b}},
			}, "all", []PolicyRule{a, b}, 0},
		{"no selectors aggregate nothing",
			[]ClusterRole{
				{Name: "none", AggregationRule: &AggregationRule{}},
				{Name: "x", Rules: []PolicyRule{a}},
			}, "none", nil, 0},
		{"own stored rules stay, after aggregated ones",
			[]ClusterRole{
				{Name: "agg", Rules: []PolicyRule{c, a}, AggregationRule: &AggregationRule{ClusterRoleSelectors: []LabelSelector{{MatchLabels: map[string]string{"k": "v"}}}}},
				{Name: "x", Labels: map[string]string{"k": "v"}, Rules: []PolicyRule{a}},
			}, "agg", []PolicyRule{a, c}, 0},
		{"cycle reaches a fixed point",
			[]ClusterRole{
				{Name: "p", Labels: map[string]string{"to-q": "y"}, Rules: []PolicyRule{a},
					AggregationRule: &AggregationRule{ClusterRoleSelectors: []LabelSelector{{MatchLabels: map[string]string{"to-p": "y"}}}}},
				{Name: "q", Labels: map[string]string{"to-p": "y"}, Rules: []PolicyRule{b},
					AggregationRule: &AggregationRule{ClusterRoleSelectors: []LabelSelector{{MatchLabels: map[string]string{"to-q": "y"}}}}},
			}, "p", []PolicyRule{b, a}, 0},
		{"a role does not aggregate itself",
			[]ClusterRole{
				{Name: "self", Labels: map[string]string{"k": "v"}, Rules: []PolicyRule{a},
					AggregationRule: &AggregationRule{ClusterRoleSelectors: []LabelSelector{{MatchLabels: map[string]string{"k": "v"}}}}},
			}, "self", []PolicyRule{a}, 0},
		{"two selectors, in selector order",
			[]ClusterRole{
				{Name: "agg", AggregationRule: &AggregationRule{ClusterRoleSelectors: []LabelSelector{
					{MatchLabels: map[string]string{"k": "2"}}, {MatchLabels: map[string]string{"k": "1"}}}}},
				{Name: "x1", Labels: map[string]string{"k": "1"}, Rules: []PolicyRule{a}},
				{Name: "x2", Labels: map[string]string{"k": "2"}, Rules: []PolicyRule{b}},
			}, "agg", []PolicyRule{b, a}, 0},
		{"semantic equality: empty and absent lists are equal",
			[]ClusterRole{
				{Name: "agg", AggregationRule: &AggregationRule{ClusterRoleSelectors: []LabelSelector{{}}}},
				{Name: "x1", Rules: []PolicyRule{a}},
				{Name: "x2", Rules: []PolicyRule{{Verbs: a.Verbs, APIGroups: a.APIGroups, Resources: a.Resources, ResourceNames: []string{}}}},
			}, "agg", []PolicyRule{a}, 0},
		{"an invalid selector aggregates nothing",
			[]ClusterRole{
				{Name: "agg", Rules: []PolicyRule{c}, AggregationRule: &AggregationRule{ClusterRoleSelectors: []LabelSelector{
					{}, {MatchExpressions: []LabelSelectorRequirement{{Key: "k", Operator: "Equals"}}}}}},
				{Name: "x", Rules: []PolicyRule{a}},
			}, "agg", []PolicyRule{c}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPolicy(Objects{ClusterRoles: tc.roles})
			rules, ok := p.Rules(ObjectRef{Kind: KindClusterRole, Name: tc.role})
			if !ok {
				t.Fatal("role missing")
			}
			var got []PolicyRule
			for _, r := range rules {
				got = append(got, r.Rule)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("rules = %v, want %v", got, tc.want)
			}
			if n := len(p.Issues()); n != tc.issues {
				t.Errorf("issues = %v, want %d", p.Issues(), tc.issues)
			}
		})
	}
}

func TestAuthorize(t *testing.T) {
	p := NewPolicy(fixture())
	ciDev := ServiceAccountUser("dev", "ci")
	tests := []struct {
		name string
		user User
		req  Request
		want bool
		// evidence is the String of every evidence, when the request is allowed.
		evidence []string
	}{
		{"system:masters is allowed everything", AuthenticatedUser("root", GroupMasters),
			ResourceRequest("escalate", "rbac.authorization.k8s.io", "clusterroles", "", "", "x"), true,
			[]string{"group system:masters (superuser, allowed before RBAC)"}},
		{"group binding to cluster-admin", AuthenticatedUser("carol", "ops"),
			ResourceRequest("delete", "", "nodes", "", "", "n1"), true,
			[]string{"ClusterRoleBinding ops-admins → ClusterRole cluster-admin rule 0"}},
		{"cluster-admin non-resource", AuthenticatedUser("carol", "ops"), NonResourceRequest("get", "/debug/pprof"), true,
			[]string{"ClusterRoleBinding ops-admins → ClusterRole cluster-admin rule 1"}},
		{"system:authenticated binding applies to everyone authenticated", AuthenticatedUser("dave"),
			ResourceRequest("list", "", "nodes", "", "", ""), true,
			[]string{"ClusterRoleBinding all-view-nodes → ClusterRole node-reader rule 0"}},
		{"system:authenticated binding does not apply to anonymous", AnonymousUser(),
			ResourceRequest("list", "", "nodes", "", "", ""), false, nil},
		{"RoleBinding to ClusterRole grants in its namespace (aggregated rule)", ciDev,
			ResourceRequest("create", "", "pods", "exec", "dev", "web"), true,
			[]string{"RoleBinding dev/ci-edit → ClusterRole edit: rule 1 of ClusterRole system:aggregate-to-edit (aggregated)"}},
		{"RoleBinding to ClusterRole grants nothing in another namespace", ciDev,
			ResourceRequest("create", "", "pods", "exec", "prod", "web"), false, nil},
		{"RoleBinding grants nothing cluster-wide", ciDev,
			ResourceRequest("list", "", "pods", "", "", ""), false, nil},
		{"RoleBinding to cluster-admin-like role does not grant cluster-scoped resources", User{Name: "alice"},
			ResourceRequest("get", "", "nodes", "", "", "n1"), false, nil},
		{"service account subject defaults to the binding's namespace", ciDev,
			ResourceRequest("get", "", "configmaps", "", "dev", "cfg"), true,
			[]string{"RoleBinding dev/ci-edit → ClusterRole edit: rule 0 of ClusterRole system:aggregate-to-edit (aggregated)"}},
		{"same name in another namespace is another service account", ServiceAccountUser("prod", "ci"),
			ResourceRequest("get", "", "configmaps", "", "dev", "cfg"), false, nil},
		{"service account by namespace group", ServiceAccountUser("prod", "batch"),
			ResourceRequest("create", "", "serviceaccounts", "token", "dev", "deployer"), true,
			[]string{"RoleBinding dev/minters → Role dev/token-minter rule 0"}},
		{"service account named as a User subject, one evidence per binding", ServiceAccountUser("prod", "web"),
			ResourceRequest("create", "", "serviceaccounts", "token", "dev", "deployer"), true,
			[]string{"RoleBinding dev/minters → Role dev/token-minter rule 0"}},
		{"resourceNames: the named secret", ServiceAccountUser("ci", "ci"),
			ResourceRequest("get", "", "secrets", "", "prod", "db-password"), true,
			[]string{"RoleBinding prod/secret → ClusterRole secret-reader rule 0"}},
		{"resourceNames: another secret", ServiceAccountUser("ci", "ci"),
			ResourceRequest("get", "", "secrets", "", "prod", "tls"), false, nil},
		{"ClusterRoleBinding service account with namespace", ServiceAccountUser("monitoring", "prometheus"),
			NonResourceRequest("get", "/metrics"), true,
			[]string{"ClusterRoleBinding prometheus → ClusterRole metrics rule 0"}},
		{"ClusterRoleBinding service account without namespace matches nobody", ServiceAccountUser("default", "nobody"),
			NonResourceRequest("get", "/metrics"), false, nil},
		{"ClusterRoleBinding to a Role grants nothing", User{Name: "mallory"},
			ResourceRequest("create", "", "serviceaccounts", "token", "dev", "x"), false, nil},
		{"binding to a missing role grants nothing", User{Name: "bob"},
			ResourceRequest("get", "", "pods", "", "prod", "x"), false, nil},
		{"groups alone", GroupMember("ops"), ResourceRequest("get", "", "pods", "", "dev", "x"), true,
			[]string{"ClusterRoleBinding ops-admins → ClusterRole cluster-admin rule 0"}},
		{"a user without name matches no User subject", User{}, ResourceRequest("get", "", "pods", "", "dev", "x"), false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			check := func(how string, ok bool, ev []Evidence) {
				t.Helper()
				if ok != tc.want {
					t.Fatalf("%s: %s may %s = %v, want %v (%v)", how, tc.user, tc.req, ok, tc.want, ev)
				}
				var got []string
				for _, e := range ev {
					got = append(got, e.String())
				}
				if !reflect.DeepEqual(got, tc.evidence) {
					t.Errorf("%s: evidence = %q, want %q", how, got, tc.evidence)
				}
			}
			ok, ev := p.Authorize(tc.user, tc.req)
			check("Policy", ok, ev)
			ok, ev = p.RulesFor(tc.user).Authorize(tc.req)
			check("RuleSet", ok, ev)
			if tc.req.IsResource() {
				r := tc.req
				ok, ev = p.Allows(tc.user, r.Verb, r.APIGroup, r.Resource, r.Subresource, r.Namespace, r.Name)
				check("Allows", ok, ev)
			}
		})
	}
}

func TestEvidenceFields(t *testing.T) {
	p := NewPolicy(fixture())
	ok, ev := p.Allows(ServiceAccountUser("dev", "ci"), "update", "", "pods", "", "dev", "web")
	if !ok || len(ev) != 1 {
		t.Fatalf("allowed %v, evidence %v", ok, ev)
	}
	e := ev[0]
	want := Evidence{
		Binding:   ObjectRef{Kind: KindRoleBinding, Namespace: "dev", Name: "ci-edit"},
		Subject:   Subject{Kind: KindServiceAccount, Namespace: "dev", Name: "ci"},
		Role:      ObjectRef{Kind: KindClusterRole, Name: "edit"},
		Origin:    ObjectRef{Kind: KindClusterRole, Name: "system:aggregate-to-edit"},
		RuleIndex: 1,
		Rule:      rule("create,delete,patch,update", `""`, "pods,pods/exec"),
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("evidence = %+v\nwant %+v", e, want)
	}
	if !e.Aggregated() || e.Scope() != "dev" {
		t.Errorf("aggregated %v scope %q", e.Aggregated(), e.Scope())
	}
}

func TestIssues(t *testing.T) {
	objs := fixture()
	objs.ClusterRoles = append(objs.ClusterRoles, ClusterRole{Name: "metrics"})
	objs.Roles = append(objs.Roles, Role{Name: "floating"})
	objs.RoleBindings = append(objs.RoleBindings,
		RoleBinding{Name: "floating", RoleRef: cr("view")},
		RoleBinding{Namespace: "dev", Name: "odd", Subjects: []Subject{{Kind: KindUser}}, RoleRef: RoleRef{Kind: "Policy", Name: "p"}})
	p := NewPolicy(objs)
	var got []string
	for _, i := range p.Issues() {
		got = append(got, string(i.Kind)+" "+i.String())
	}
	want := []string{
		"duplicate ClusterRole metrics: defined twice; the first is used",
		"no_namespace Role floating: a Role needs a namespace; it is ignored",
		"invalid_role_ref ClusterRoleBinding broken-to-role: references Role token-minter: a ClusterRoleBinding cannot reference a Role, it grants nothing",
		"missing_role ClusterRoleBinding dangling: references ClusterRole ghost, which does not exist: it grants nothing",
		"invalid_subject ClusterRoleBinding prometheus: subjects[1]: ServiceAccount nobody has no namespace, it matches nobody in a ClusterRoleBinding",
		"no_namespace RoleBinding floating: a RoleBinding needs a namespace; it is ignored",
		"invalid_role_ref RoleBinding dev/odd: roleRef kind \"Policy\" is neither Role nor ClusterRole: it grants nothing",
		"invalid_subject RoleBinding dev/odd: subjects[0]: no name, it matches nobody",
		"missing_role RoleBinding prod/missing-role: references Role prod/nope, which does not exist: it grants nothing",
		"invalid_subject RoleBinding prod/secret: subjects[1]: kind \"Robot\" is not User, Group or ServiceAccount, it matches nobody",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("issues:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, i := range p.Issues() {
		if i.Kind == IssueMissingRole && i.Role.IsZero() {
			t.Errorf("%s: a missing-role issue names the role", i)
		}
	}
}

func TestRulesForAndWhere(t *testing.T) {
	p := NewPolicy(fixture())
	rs := p.RulesFor(ServiceAccountUser("prod", "web"))
	if got := rs.Namespaces(); !reflect.DeepEqual(got, []string{"dev"}) {
		t.Errorf("namespaces = %v", got)
	}
	// system:authenticated's node-reader applies cluster-wide.
	if len(rs.Cluster) != 1 || rs.Cluster[0].Binding.Name != "all-view-nodes" {
		t.Errorf("cluster rules = %v", rs.Cluster)
	}
	cluster, nss := rs.Where(ResourceRequest("create", "", "serviceaccounts", "token", "", "any"))
	if len(cluster) != 0 || len(nss) != 1 || len(nss["dev"]) != 1 {
		t.Errorf("where: cluster %v namespaces %v", cluster, nss)
	}
	// Where ignores the request's namespace.
	cluster, nss = p.RulesFor(AuthenticatedUser("carol", "ops")).Where(ResourceRequest("create", "", "pods", "", "dev", ""))
	if len(cluster) != 1 || nss != nil {
		t.Errorf("where for cluster-admin: cluster %v namespaces %v", cluster, nss)
	}
	cluster, _ = p.RulesFor(AuthenticatedUser("root", GroupMasters)).Where(ResourceRequest("create", "", "pods", "", "", ""))
	if len(cluster) != 1 || !cluster[0].Superuser {
		t.Errorf("superuser where = %v", cluster)
	}
	if _, nss := p.RulesFor(User{Name: "alice"}).Where(NonResourceRequest("get", "/metrics")); nss != nil {
		t.Errorf("RoleBindings never grant non-resource URLs: %v", nss)
	}
}

func TestWhoCan(t *testing.T) {
	p := NewPolicy(fixture())
	var got []string
	for _, e := range p.WhoCan(ResourceRequest("create", "", "pods", "exec", "dev", "web")) {
		got = append(got, e.Subject.String()+" via "+e.Binding.String())
	}
	want := []string{
		"Group system:masters via ",
		"Group ops via ClusterRoleBinding ops-admins",
		"User alice via RoleBinding dev/alice-admin",
		"ServiceAccount dev/ci via RoleBinding dev/ci-edit",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("who can:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Nothing in prod but cluster-wide grants.
	if n := len(p.WhoCan(ResourceRequest("create", "", "pods", "exec", "prod", "web"))); n != 2 {
		t.Errorf("who can exec in prod: %d, want system:masters and ops", n)
	}
}

func TestSubjects(t *testing.T) {
	p := NewPolicy(fixture())
	var got []string
	for _, s := range p.Subjects() {
		got = append(got, s.String())
	}
	want := []string{
		"Group ops", "Group system:authenticated", "Group system:serviceaccounts:prod",
		"ServiceAccount ci/ci", "ServiceAccount dev/ci", "ServiceAccount monitoring/prometheus",
		"User alice", "User bob", "User mallory", "User system:serviceaccount:prod:web",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("subjects = %q\nwant %q", got, want)
	}
}
