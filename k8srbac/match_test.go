package k8srbac

import "testing"

func TestRuleAllows(t *testing.T) {
	core := []string{""}
	tests := []struct {
		name string
		rule PolicyRule
		req  Request
		want bool
	}{
		// verbs
		{"verb exact", PolicyRule{Verbs: []string{"get"}, APIGroups: core, Resources: []string{"pods"}},
			ResourceRequest("get", "", "pods", "", "dev", "web"), true},
		{"verb other", PolicyRule{Verbs: []string{"get"}, APIGroups: core, Resources: []string{"pods"}},
			ResourceRequest("list", "", "pods", "", "dev", ""), false},
		{"verb star", PolicyRule{Verbs: []string{"*"}, APIGroups: core, Resources: []string{"pods"}},
			ResourceRequest("deletecollection", "", "pods", "", "dev", ""), true},
		{"verb case-sensitive", PolicyRule{Verbs: []string{"GET"}, APIGroups: core, Resources: []string{"pods"}},
			ResourceRequest("get", "", "pods", "", "dev", "web"), false},
		{"special verb impersonate", PolicyRule{Verbs: []string{"impersonate"}, APIGroups: core, Resources: []string{"users", "groups"}},
			ResourceRequest("impersonate", "", "groups", "", "", "system:masters"), true},
		{"no verbs", PolicyRule{APIGroups: core, Resources: []string{"pods"}},
			ResourceRequest("get", "", "pods", "", "dev", "web"), false},

		// API groups
		{"core group only", PolicyRule{Verbs: []string{"get"}, APIGroups: core, Resources: []string{"deployments"}},
			ResourceRequest("get", "apps", "deployments", "", "dev", "web"), false},
		{"named group", PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"apps"}, Resources: []string{"deployments"}},
			ResourceRequest("get", "apps", "deployments", "", "dev", "web"), true},
		{"group star", PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"deployments"}},
			ResourceRequest("get", "apps", "deployments", "", "dev", "web"), true},
		{"no groups matches nothing", PolicyRule{Verbs: []string{"get"}, Resources: []string{"pods"}},
			ResourceRequest("get", "", "pods", "", "dev", "web"), false},

		// resources and subresources
		{"resource does not cover its subresource", PolicyRule{Verbs: []string{"create"}, APIGroups: core, Resources: []string{"pods"}},
			ResourceRequest("create", "", "pods", "exec", "dev", "web"), false},
		{"subresource exact", PolicyRule{Verbs: []string{"create"}, APIGroups: core, Resources: []string{"pods/exec"}},
			ResourceRequest("create", "", "pods", "exec", "dev", "web"), true},
		{"subresource does not cover resource", PolicyRule{Verbs: []string{"get"}, APIGroups: core, Resources: []string{"pods/log"}},
			ResourceRequest("get", "", "pods", "", "dev", "web"), false},
		{"other subresource", PolicyRule{Verbs: []string{"create"}, APIGroups: core, Resources: []string{"pods/attach"}},
			ResourceRequest("create", "", "pods", "exec", "dev", "web"), false},
		{"star/subresource", PolicyRule{Verbs: []string{"update"}, APIGroups: []string{"apps"}, Resources: []string{"*/scale"}},
			ResourceRequest("update", "apps", "deployments", "scale", "dev", "web"), true},
		{"star/subresource needs a subresource", PolicyRule{Verbs: []string{"update"}, APIGroups: []string{"apps"}, Resources: []string{"*/scale"}},
			ResourceRequest("update", "apps", "scale", "", "dev", "web"), false},
		{"star/subresource suffix only", PolicyRule{Verbs: []string{"update"}, APIGroups: []string{"apps"}, Resources: []string{"*/scale"}},
			ResourceRequest("update", "apps", "deployments", "rescale", "dev", "web"), false},
		{"star covers subresources", PolicyRule{Verbs: []string{"create"}, APIGroups: core, Resources: []string{"*"}},
			ResourceRequest("create", "", "serviceaccounts", "token", "dev", "ci"), true},
		{"resource/star is no wildcard", PolicyRule{Verbs: []string{"create"}, APIGroups: core, Resources: []string{"pods/*"}},
			ResourceRequest("create", "", "pods", "exec", "dev", "web"), false},
		{"resource case-sensitive", PolicyRule{Verbs: []string{"get"}, APIGroups: core, Resources: []string{"Secrets"}},
			ResourceRequest("get", "", "secrets", "", "dev", "s"), false},

		// resourceNames
		{"name listed", PolicyRule{Verbs: []string{"get"}, APIGroups: core, Resources: []string{"secrets"}, ResourceNames: []string{"a", "b"}},
			ResourceRequest("get", "", "secrets", "", "dev", "b"), true},
		{"name not listed", PolicyRule{Verbs: []string{"get"}, APIGroups: core, Resources: []string{"secrets"}, ResourceNames: []string{"a"}},
			ResourceRequest("get", "", "secrets", "", "dev", "token"), false},
		{"names restrict list without name", PolicyRule{Verbs: []string{"list"}, APIGroups: core, Resources: []string{"secrets"}, ResourceNames: []string{"a"}},
			ResourceRequest("list", "", "secrets", "", "dev", ""), false},
		{"names admit list with a name selector", PolicyRule{Verbs: []string{"list"}, APIGroups: core, Resources: []string{"secrets"}, ResourceNames: []string{"a"}},
			ResourceRequest("list", "", "secrets", "", "dev", "a"), true},
		{"names restrict create", PolicyRule{Verbs: []string{"create"}, APIGroups: core, Resources: []string{"pods"}, ResourceNames: []string{"web"}},
			ResourceRequest("create", "", "pods", "", "dev", ""), false},
		{"no names admit any", PolicyRule{Verbs: []string{"get"}, APIGroups: core, Resources: []string{"secrets"}},
			ResourceRequest("get", "", "secrets", "", "dev", "anything"), true},
		{"names apply to subresources", PolicyRule{Verbs: []string{"create"}, APIGroups: core, Resources: []string{"serviceaccounts/token"}, ResourceNames: []string{"ci"}},
			ResourceRequest("create", "", "serviceaccounts", "token", "dev", "default"), false},

		// non-resource URLs
		{"url exact", PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics"}},
			NonResourceRequest("get", "/metrics"), true},
		{"url other", PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics"}},
			NonResourceRequest("get", "/metrics/slis"), false},
		{"url prefix star", PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/logs/*"}},
			NonResourceRequest("get", "/logs/kube-apiserver.log"), true},
		{"url prefix star needs the prefix", PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/logs/*"}},
			NonResourceRequest("get", "/logs"), false},
		{"url star without slash", PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz*"}},
			NonResourceRequest("get", "/healthz/etcd"), true},
		{"url trailing stars trimmed", PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/api**"}},
			NonResourceRequest("get", "/apis"), true},
		{"url star", PolicyRule{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}},
			NonResourceRequest("post", "/anything"), true},
		{"url verb", PolicyRule{Verbs: []string{"get"}, NonResourceURLs: []string{"*"}},
			NonResourceRequest("post", "/anything"), false},
		{"resource rule does not grant urls", PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}},
			NonResourceRequest("get", "/metrics"), false},
		{"url rule does not grant resources", PolicyRule{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}},
			ResourceRequest("get", "", "pods", "", "dev", "web"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.rule.Allows(tc.req); got != tc.want {
				t.Errorf("%s allows %s = %v, want %v", tc.rule, tc.req, got, tc.want)
			}
		})
	}
}

func TestLabelSelector(t *testing.T) {
	labels := map[string]string{"rbac.example.com/aggregate-to-view": "true", "tier": "gold"}
	tests := []struct {
		name    string
		sel     LabelSelector
		want    bool
		wantErr bool
	}{
		{"empty matches all", LabelSelector{}, true, false},
		{"matchLabels", LabelSelector{MatchLabels: map[string]string{"rbac.example.com/aggregate-to-view": "true"}}, true, false},
		{"matchLabels value differs", LabelSelector{MatchLabels: map[string]string{"tier": "silver"}}, false, false},
		{"matchLabels absent", LabelSelector{MatchLabels: map[string]string{"team": "x"}}, false, false},
		{"matchLabels all must hold", LabelSelector{MatchLabels: map[string]string{"tier": "gold", "team": "x"}}, false, false},
		{"In", LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "tier", Operator: OpIn, Values: []string{"silver", "gold"}}}}, true, false},
		{"In absent key", LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "team", Operator: OpIn, Values: []string{"x"}}}}, false, false},
		{"NotIn", LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "tier", Operator: OpNotIn, Values: []string{"gold"}}}}, false, false},
		{"NotIn absent key holds", LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "team", Operator: OpNotIn, Values: []string{"x"}}}}, true, false},
		{"Exists", LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "tier", Operator: OpExists}}}, true, false},
		{"DoesNotExist", LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "tier", Operator: OpDoesNotExist}}}, false, false},
		{"labels and expressions ANDed", LabelSelector{MatchLabels: map[string]string{"tier": "gold"},
			MatchExpressions: []LabelSelectorRequirement{{Key: "team", Operator: OpExists}}}, false, false},
		{"unknown operator", LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "tier", Operator: "Equals", Values: []string{"gold"}}}}, false, true},
		{"In without values", LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "tier", Operator: OpIn}}}, false, true},
		{"Exists with values", LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "tier", Operator: OpExists, Values: []string{"gold"}}}}, false, true},
		{"bad key", LabelSelector{MatchLabels: map[string]string{"-tier": "gold"}}, false, true},
		{"bad key prefix", LabelSelector{MatchLabels: map[string]string{"Example.com/tier": "gold"}}, false, true},
		{"bad value", LabelSelector{MatchLabels: map[string]string{"tier": "gold!"}}, false, true},
		{"empty value is valid", LabelSelector{MatchLabels: map[string]string{"tier": ""}}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.sel.Matches(labels)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("matches = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUsers(t *testing.T) {
	sa := ServiceAccountUser("ci", "deployer")
	if sa.Name != "system:serviceaccount:ci:deployer" || !sa.InGroup("system:serviceaccounts") ||
		!sa.InGroup("system:serviceaccounts:ci") || !sa.InGroup(GroupAuthenticated) {
		t.Errorf("service account user = %+v", sa)
	}
	n := NodeUser("ip-10-0-1-5")
	if n.Name != "system:node:ip-10-0-1-5" || !n.InGroup(GroupNodes) || !n.InGroup(GroupAuthenticated) {
		t.Errorf("node user = %+v", n)
	}
	if u := AuthenticatedUser("alice", "dev", GroupAuthenticated); len(u.Groups) != 2 {
		t.Errorf("authenticated user = %+v: system:authenticated once", u)
	}
	if ns, name, ok := ParseServiceAccountUsername("system:serviceaccount:ci:deployer"); !ok || ns != "ci" || name != "deployer" {
		t.Errorf("parse = %q %q %v", ns, name, ok)
	}
	for _, bad := range []string{"system:serviceaccount:ci", "system:serviceaccount::x", "system:serviceaccount:a:b:c", "alice"} {
		if _, _, ok := ParseServiceAccountUsername(bad); ok {
			t.Errorf("%q parsed as a service account", bad)
		}
	}
	if name, ok := ParseNodeUsername("system:node:n1"); !ok || name != "n1" {
		t.Errorf("node parse = %q %v", name, ok)
	}
	if _, ok := ParseNodeUsername("system:nodes"); ok {
		t.Error("system:nodes is no node user")
	}
}
