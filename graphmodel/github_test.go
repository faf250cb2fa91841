package graphmodel

import "testing"

func TestGitHubSubjects(t *testing.T) {
	for _, tt := range []struct {
		sub, repo, name string
		broad           bool
	}{
		{"repo:acme/app:ref:refs/heads/main", "acme/app", "GitHub repository acme/app", false},
		{"repo:acme/app:environment:prod", "acme/app", "GitHub repository acme/app", false},
		{"repo:acme/app:pull_request", "acme/app", "GitHub repository acme/app", false},
		{"repo:acme/app:*", "acme/app", "GitHub repository acme/app", true},
		{"repo:acme/app:ref:refs/heads/*", "acme/app", "GitHub repository acme/app", true},
		{"repo:acme/*:*", "acme/*", "any GitHub repository of acme", true},
		{"repo:acme/app-*:*", "acme/app-*", "GitHub repository acme/app-*", true},
		{"repo:*", "*", "any GitHub repository", true},
		{"*", "*", "any GitHub repository", true},
		{"", "*", "any GitHub repository", true},
	} {
		repo := GitHubRepoOfSubject(tt.sub)
		n := GitHubRepoNode(repo, tt.sub, "")
		if repo != tt.repo || GitHubSubjectBroad(tt.sub) != tt.broad || n.Name != tt.name || n.ID != "github:repo:"+tt.repo ||
			n.Kind != KindGitHubRepo || n.Provider != ProviderGitHub || n.Prop(PropFederatedSubject) != tt.sub {
			t.Errorf("%q: repo %q, broad %v, node %+v", tt.sub, repo, GitHubSubjectBroad(tt.sub), n)
		}
		if _, ok := n.Properties[PropFederatedBroadTrust]; ok {
			t.Errorf("%q: broad trust set without one", tt.sub)
		}
	}
	n := GitHubRepoNode("acme/app", "repo:acme/app:*", "role admits repo:acme/app:*")
	if n.Prop(PropFederatedBroadTrust) != "role admits repo:acme/app:*" {
		t.Errorf("broad trust %+v", n.Properties)
	}
}
