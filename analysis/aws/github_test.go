package aws_test

import (
	"context"
	"testing"

	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/fixtures"
	"github.com/blastradius/blastradius/graphmodel"
)

// TestGitHubRepositoryNodes: the demo's three GitHub Actions trusts make
// the repository nodes of graphmodel.GitHubRepoNode; the two that admit
// more than one repository are marked with their trust, the one pinned to
// a branch is not.
func TestGitHubRepositoryNodes(t *testing.T) {
	snap, err := collectors.Run(context.Background(), awscollect.NewOffline(fixtures.DemoAWS(), "demo"))
	if err != nil {
		t.Fatal(err)
	}
	nodes, _, err := awsanalysis.New().Derive(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	const role = "arn:aws:iam::111122223333:role/"
	want := map[string][3]string{ // name, subject, broad trust
		"github:repo:*":                   {"any GitHub repository", "*", role + "github-actions-docs-publish admits any GitHub repository (no sub condition)"},
		"github:repo:acme/*":              {"any GitHub repository of acme", "repo:acme/*:*", role + "github-actions-deploy admits repo:acme/*:*"},
		"github:repo:acme/infrastructure": {"GitHub repository acme/infrastructure", "repo:acme/infrastructure:ref:refs/heads/main", ""},
	}
	got := 0
	for _, n := range nodes {
		if n.Kind != graphmodel.KindGitHubRepo {
			continue
		}
		got++
		w, ok := want[n.ID]
		if !ok {
			t.Errorf("unexpected repository node %s", n.ID)
			continue
		}
		if n.Provider != graphmodel.ProviderGitHub || n.Name != w[0] || n.Prop(graphmodel.PropFederatedSubject) != w[1] || n.Prop(graphmodel.PropFederatedBroadTrust) != w[2] {
			t.Errorf("%s = %+v, want name %q, subject %q, broad trust %q", n.ID, n, w[0], w[1], w[2])
		}
	}
	if got != len(want) {
		t.Errorf("%d repository nodes, want %d", got, len(want))
	}
}
