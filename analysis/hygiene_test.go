package analysis

import (
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

func TestHygiene(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	user := func(props map[string]string) *graphmodel.Node {
		return &graphmodel.Node{ID: "u", Kind: graphmodel.KindAWSUser, Properties: props}
	}
	yes := true
	tests := []struct {
		name     string
		node     *graphmodel.Node
		admin    bool
		findings []string // prefixes, in order
		check    func(*Hygiene) bool
	}{
		{"service user with an old, unused key", user(map[string]string{
			"create_date": "2021-01-01T00:00:00Z", "password_enabled": "false",
			"access_key_1_active": "true", "access_key_1_last_rotated": "2022-01-01T00:00:00+00:00", "access_key_1_last_used_date": "N/A",
			"access_key_2_active": "false"}), false,
			[]string{"NHI7: access key not rotated for", "NHI1: 1 active access key(s) unused", "NHI1: unused for"},
			func(h *Hygiene) bool {
				return *h.ActiveAccessKeys == 1 && *h.UnusedAccessKeys == 1 && *h.OldestAccessKeyDays > 1000
			}},
		{"a human in daily use", user(map[string]string{
			"create_date": "2025-01-01T00:00:00Z", "password_enabled": "true", "password_last_used": "2026-10-31T08:00:00+00:00"}), false,
			nil, func(h *Hygiene) bool { return *h.DaysUnused == 0 && h.LastUsedAt == "2026-10-31T08:00:00Z" }},
		{"a role last used long ago", &graphmodel.Node{ID: "r", Kind: graphmodel.KindAWSRole,
			Properties: map[string]string{"create_date": "2020-01-01T00:00:00Z", "last_used": "2026-01-01T00:00:00Z"}}, true,
			[]string{"NHI1: unused for 304 days", "NHI5:"}, nil},
		{"a role with no usage record is not called unused", &graphmodel.Node{ID: "r", Kind: graphmodel.KindAWSRole,
			Properties: map[string]string{"create_date": "2020-01-01T00:00:00Z"}}, false,
			nil, func(h *Hygiene) bool { return h.DaysUnused == nil }},
		{"any GitHub repository", &graphmodel.Node{ID: "github:repo:*", Kind: graphmodel.KindGitHubRepo,
			Properties: map[string]string{"oidc_sub": "*"}}, false, []string{"NHI6: OIDC trust without a subject condition"}, nil},
		{"a whole GitHub organization", &graphmodel.Node{ID: "github:repo:acme/*", Kind: graphmodel.KindGitHubRepo,
			Properties: map[string]string{"oidc_sub": "repo:acme/*:*"}}, false, []string{`NHI6: OIDC trust admits "repo:acme/*:*"`}, nil},
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
