package analysis

import (
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

func TestHygiene(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	user := func(props map[string]string, creds ...graphmodel.Credential) *graphmodel.Node {
		return &graphmodel.Node{ID: "u", Kind: graphmodel.KindAWSUser, Properties: props, Credentials: creds}
	}
	yes := true
	tests := []struct {
		name     string
		node     *graphmodel.Node
		admin    bool
		findings []string // prefixes, in order
		check    func(*Hygiene) bool
	}{
		{"service user with an old, unused key", user(map[string]string{"create_date": "2021-01-01T00:00:00Z", "usage_tracked": "true"},
			graphmodel.Credential{Kind: graphmodel.CredentialPassword},
			graphmodel.Credential{Kind: graphmodel.CredentialAccessKey, ID: "1", Active: true, LastRotatedAt: "2022-01-01T00:00:00+00:00"},
			graphmodel.Credential{Kind: graphmodel.CredentialAccessKey, ID: "2"}), false,
			[]string{"NHI7: access key not rotated for", "NHI1: 1 active access key(s) unused", "NHI1: unused for"},
			func(h *Hygiene) bool {
				return *h.ActiveAccessKeys == 1 && *h.UnusedAccessKeys == 1 && *h.OldestAccessKeyDays > 1000
			}},
		{"a human in daily use", user(map[string]string{"create_date": "2025-01-01T00:00:00Z", "usage_tracked": "true"},
			graphmodel.Credential{Kind: graphmodel.CredentialPassword, Active: true, LastUsedAt: "2026-10-31T08:00:00+00:00"}), false,
			nil, func(h *Hygiene) bool { return *h.DaysUnused == 0 && h.LastUsedAt == "2026-10-31T08:00:00Z" }},
		{"a role last used long ago", &graphmodel.Node{ID: "r", Kind: graphmodel.KindAWSRole,
			Properties: map[string]string{"create_date": "2020-01-01T00:00:00Z", "last_used": "2026-01-01T00:00:00Z"}}, true,
			[]string{"NHI1: unused for 304 days", "NHI5:"}, nil},
		{"a role with no usage record is not called unused", &graphmodel.Node{ID: "r", Kind: graphmodel.KindAWSRole,
			Properties: map[string]string{"create_date": "2020-01-01T00:00:00Z"}}, false,
			nil, func(h *Hygiene) bool { return h.DaysUnused == nil }},
		{"any GitHub repository", &graphmodel.Node{ID: "github:repo:*", Kind: graphmodel.KindGitHubRepo,
			Properties: map[string]string{"oidc_sub": "*", "oidc_broad_trust": "arn:aws:iam::1:role/docs admits any GitHub repository (no sub condition)"}}, false,
			[]string{"NHI6: federated trust admits any GitHub repository: arn:aws:iam::1:role/docs admits any GitHub repository (no sub condition)"}, nil},
		{"a whole GitHub organization, by its subject alone", &graphmodel.Node{ID: "github:repo:acme/*", Kind: graphmodel.KindGitHubRepo,
			Properties: map[string]string{"oidc_sub": "repo:acme/*:*"}}, false, []string{`NHI6: federated trust admits any repository of acme: its trust admits "repo:acme/*:*"`}, nil},
		{"any branch of one repository, by a trust of one cloud", &graphmodel.Node{ID: "github:repo:acme/app", Kind: graphmodel.KindGitHubRepo,
			Properties: map[string]string{"oidc_sub": "repo:acme/app:ref:refs/heads/main", "oidc_broad_trust": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/providers/gh admits repo:acme/app:*"}}, false,
			[]string{"NHI6: federated trust admits any branch of acme/app: //iam.googleapis.com/"}, nil},
		{"one branch of one repository", &graphmodel.Node{ID: "github:repo:acme/app", Kind: graphmodel.KindGitHubRepo,
			Properties: map[string]string{"oidc_sub": "repo:acme/app:ref:refs/heads/main"}}, false, nil, nil},
		{"a Kubernetes token secret and a GCP key count as keys", &graphmodel.Node{ID: "sa", Kind: graphmodel.KindGCPServiceAccount,
			Credentials: []graphmodel.Credential{
				{Kind: graphmodel.CredentialAccessKey, ID: "projects/p/serviceAccounts/sa/keys/k1", Active: true, CreatedAt: "2025-01-01T00:00:00Z"},
				{Kind: graphmodel.CredentialToken, ID: "default/ci-token", Active: true, CreatedAt: "2026-10-01T00:00:00Z", LastUsedAt: "2026-10-30T00:00:00Z"},
			}}, false,
			[]string{"NHI7: access key not rotated for 669 days", "NHI1: 1 active access key(s) unused"},
			func(h *Hygiene) bool {
				return *h.ActiveAccessKeys == 2 && *h.UnusedAccessKeys == 1 && *h.OldestAccessKeyDays == 669 && *h.DaysUnused == 2
			}},
		{"untracked keys never used are not called unused since creation", &graphmodel.Node{ID: "sa", Kind: graphmodel.KindGCPServiceAccount,
			Properties:  map[string]string{"create_date": "2020-01-01T00:00:00Z"},
			Credentials: []graphmodel.Credential{{Kind: graphmodel.CredentialAccessKey, ID: "k", Active: false}}}, false,
			nil, func(h *Hygiene) bool { return h.DaysUnused == nil && *h.ActiveAccessKeys == 0 }},
		{"a human administrator is not NHI5", &graphmodel.Node{ID: "u", Kind: graphmodel.KindAWSUser}, true, nil, nil},
		{"a service user administrator is", &graphmodel.Node{ID: "u", Kind: graphmodel.KindAWSUser, NonHuman: &yes}, true, []string{"NHI5:"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := hygieneOf(tc.node, now, tc.admin)
			if h == nil {
				if len(tc.findings) > 0 || tc.check != nil {
					t.Fatal("no hygiene facts")
				}
				return
			}
			if len(h.Findings) != len(tc.findings) {
				t.Fatalf("findings = %q, want prefixes %q", h.Findings, tc.findings)
			}
			for i, f := range tc.findings {
				if !strings.HasPrefix(h.Findings[i], f) {
					t.Errorf("finding %d = %q, want prefix %q", i, h.Findings[i], f)
				}
			}
			if tc.check != nil && !tc.check(h) {
				t.Errorf("facts = %+v", h)
			}
		})
	}
}
