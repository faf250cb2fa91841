package crosscloud

import (
	"strings"
	"testing"

	"github.com/blastradius/blastradius/gcppolicy"
)

// TestAdmit decides, for providers of common shapes, which repository
// patterns reach which pool member, and whether for any branch.
func TestAdmit(t *testing.T) {
	const pool = "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/"
	mapping := map[string]string{"google.subject": "assertion.sub", "attribute.repository": "assertion.repository",
		"attribute.repository_owner": "assertion.repository_owner", "attribute.environment": "assertion.environment"}
	type want struct {
		pattern string
		t       gcppolicy.Tri
		broad   bool
		subject string
	}
	tests := []struct {
		name, condition, member string
		want                    []want // the patterns admitted, in candidate order; every other is No
	}{
		{"no condition, the whole pool: any repository", "", "principalSet:" + pool + "*",
			[]want{{"*", gcppolicy.Yes, true, "*"}}},
		{"an owner, the whole pool: any of its repositories", "assertion.repository_owner == 'acme'", "principalSet:" + pool + "*",
			[]want{{"acme/*", gcppolicy.Yes, true, "repo:acme/*:*"}}},
		{"an owner, one repository's set: that repository, any branch", "assertion.repository_owner == 'acme'", "principalSet:" + pool + "attribute.repository/acme/app",
			[]want{{"acme/app", gcppolicy.Yes, true, "repo:acme/app:*"}}},
		{"one repository and its main branch", "assertion.repository == 'acme/app' && assertion.ref == 'refs/heads/main'", "principalSet:" + pool + "*",
			[]want{{"acme/app", gcppolicy.Yes, false, "repo:acme/app:ref:refs/heads/main"}}},
		{"one repository, but the set of another", "assertion.repository == 'acme/app'", "principalSet:" + pool + "attribute.repository/acme/web", nil},
		{"every branch but one is any branch", "assertion.repository == 'acme/app' && assertion.ref != 'refs/heads/prod'", "principalSet:" + pool + "*",
			[]want{{"acme/app", gcppolicy.Yes, true, "repo:acme/app:*"}}},
		{"an environment", "assertion.environment == 'production'", "principalSet:" + pool + "attribute.repository/acme/app",
			[]want{{"acme/app", gcppolicy.Yes, false, "repo:acme/app:environment:production"}}},
		{"a subject of one branch", "assertion.repository_owner == 'acme'", "principal:" + pool + "subject/repo:acme/app:ref:refs/heads/main",
			[]want{{"acme/app", gcppolicy.Yes, false, "repo:acme/app:ref:refs/heads/main"}}},
		{"a subject, and a condition on another branch", "assertion.ref == 'refs/heads/dev'", "principal:" + pool + "subject/repo:acme/app:ref:refs/heads/main", nil},
		{"an owner id cannot be decided", "assertion.repository_owner_id == '1342004'", "principalSet:" + pool + "attribute.repository/acme/app",
			[]want{{"acme/app", gcppolicy.Maybe, true, "repo:acme/app:*"}}},
		{"a prefix of repositories", "assertion.repository.startsWith('acme/')", "principalSet:" + pool + "*",
			[]want{{"acme/*", gcppolicy.Yes, true, "repo:acme/*:*"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcppolicy.ParseMember(tt.member)
			if err != nil {
				t.Fatal(err)
			}
			fed := &gcppolicy.Federation{Mapping: mapping, Condition: tt.condition}
			literals := append(fed.Literals(), m.Value, m.Subject)
			owners, repos := repoCandidates(literals)
			lits := claimLiterals(literals)
			certain := map[string]bool{}
			var got []want
			for _, p := range append(append([]string{"*"}, owners...), repos...) {
				if covered(certain, p) {
					continue
				}
				a := admit(fed, m, p, lits)
				if a.t == gcppolicy.No {
					continue
				}
				if a.t == gcppolicy.Yes {
					certain[p] = true
				}
				if a.t == gcppolicy.Maybe && len(a.reasons) == 0 {
					t.Errorf("%s: Maybe without a reason", p)
				}
				got = append(got, want{p, a.t, a.broad, a.subject})
			}
			render := func(ws []want) string {
				var parts []string
				for _, w := range ws {
					parts = append(parts, w.pattern+" "+w.t.String()+" "+map[bool]string{true: "broad", false: "pinned"}[w.broad]+" "+w.subject)
				}
				return strings.Join(parts, "; ")
			}
			if render(got) != render(tt.want) {
				t.Errorf("admitted\n  %s\nwant\n  %s", render(got), render(tt.want))
			}
		})
	}
}
