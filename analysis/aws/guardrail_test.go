package aws_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
)

// The administrator verdict follows control of the account's identities,
// after every guardrail (fixtures made by scripts/gen-technique-fixtures.py,
// guardrail-*). Scores: identities 1 each, resources access weight (admin 3)
// × sensitivity (bucket 3, key 5), 10 per administered account.
func TestAdministratorAfterGuardrails(t *testing.T) {
	const (
		acct   = "aws:account:123456789012"
		bucket = "arn:aws:s3:::acme-guardrail-data"
		key    = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
		role   = "arn:aws:iam::123456789012:role/"
		user   = "arn:aws:iam::123456789012:user/"
	)
	// br is a score breakdown: identities, resources, admin and conditional
	// admin scopes.
	type br struct{ identities, resources, admin, conditional float64 }
	type want struct {
		admin, conditional []string
		breakdown          br
		resources          []string // certain ones, sorted
		evidence           []string // of the hop into the account, when admin
	}
	none := []string{}
	tests := []struct {
		fixture string
		ids     map[string]want
	}{
		{"guardrail-iam-deny-break-glass", map[string]want{
			// The SCP denies iam:* to all but break-glass.
			role + "break-glass": {admin: []string{acct}, conditional: none,
				breakdown: br{identities: 5, resources: 3*3 + 3*5 + 3*2, admin: 10, conditional: 0},
				resources: []string{"arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0", key, bucket},
				evidence: []string{"AdministratorAccess statement 0: allows iam:PutRolePolicy on itself",
					"(Sid DenyIAMButBreakGlass): denies iam:PutRolePolicy to others: checked, does not apply"}},
			// AdministratorAccess under the guardrail: every bucket and key
			// (and the instance's role through SSM), no identity control.
			role + "ops-admin": {admin: none, conditional: none,
				breakdown: br{identities: 1, resources: 3*3 + 3*5, admin: 0, conditional: 0},
				resources: []string{key, bucket}},
			// Running commands on an instance that runs as an
			// AdministratorAccess role is no longer a path to administrator.
			user + "operator": {admin: none, conditional: none,
				breakdown: br{identities: 2, resources: 3*3 + 3*5, admin: 0, conditional: 0},
				resources: []string{key, bucket}},
			user + "iam-writer": {admin: none, conditional: none, resources: []string{}},
			// The security lead may assume break-glass only with MFA.
			user + "security-lead": {admin: none, conditional: []string{acct},
				breakdown: br{identities: 0, resources: 0, admin: 0, conditional: 1}, resources: []string{}},
		}},
		{"guardrail-boundary-s3-only", map[string]want{
			role + "capped-admin": {admin: none, conditional: none,
				breakdown: br{identities: 0, resources: 3 * 3, admin: 0, conditional: 0}, resources: []string{bucket}},
		}},
		{"guardrail-mfa-admin", map[string]want{
			user + "mfa-admin": {admin: none, conditional: []string{acct},
				breakdown: br{identities: 0, resources: 0, admin: 0, conditional: 1}, resources: []string{}},
		}},
		{"guardrail-management-account", map[string]want{
			// The management account: SCPs do not apply to it.
			role + "break-glass": {admin: []string{acct}, conditional: none,
				breakdown: br{identities: 1, resources: 3*3 + 3*5, admin: 10, conditional: 0},
				resources: []string{key, bucket},
				evidence:  []string{"AdministratorAccess statement 0: allows iam:PutRolePolicy on itself"}},
			role + "ops-admin": {admin: []string{acct}, conditional: none,
				breakdown: br{identities: 1, resources: 3*3 + 3*5, admin: 10, conditional: 0},
				resources: []string{key, bucket}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			res, err := analysis.Analyze(context.Background(), fixtureSnapshot(t, tc.fixture), analysis.Options{
				Derivers: []analysis.Deriver{awsanalysis.NewAt(fixedNow)}, Detail: analysis.DetailFull, Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			for who, w := range tc.ids {
				id := identity(t, res, who)
				if !reflect.DeepEqual(id.AdminOf, w.admin) || !reflect.DeepEqual(id.ConditionalAdminOf, w.conditional) {
					t.Errorf("%s: admin_of %q, conditional %q; want %q, %q", who, id.AdminOf, id.ConditionalAdminOf, w.admin, w.conditional)
				}
				m := id.BlastRadius.Breakdown
				b := br{m["identities"], m["resources"], m["admin_scopes"], m["conditional_admin_scopes"]}
				if b != w.breakdown || id.BlastRadius.Score != b.identities+b.resources+b.admin {
					t.Errorf("%s: breakdown %+v (score %g), want %+v", who, b, id.BlastRadius.Score, w.breakdown)
				}
				certain := []string{}
				for _, r := range id.ReachableResources {
					if !r.Conditional {
						certain = append(certain, r.ID)
					}
				}
				if !reflect.DeepEqual(certain, w.resources) {
					t.Errorf("%s: certain resources %q, want %q", who, certain, w.resources)
				}
				if len(w.evidence) > 0 {
					esc := escalationTo(id, acct)
					if esc == nil {
						t.Fatalf("%s: no escalation to %s", who, acct)
					}
					hop := esc.Path[len(esc.Path)-1]
					for _, e := range w.evidence {
						if !strings.Contains(hop.Evidence, e) {
							t.Errorf("%s: evidence %q, want it to cite %q", who, hop.Evidence, e)
						}
					}
				}
			}
		})
	}
}

// A grant whose window opens in the future depends on when the attack
// happens: a conditional administrator, naming the date condition.
func TestDateWindowInTheFuture(t *testing.T) {
	res, err := analysis.Analyze(context.Background(), fixtureSnapshot(t, "date-window-future"), analysis.Options{
		Derivers: []analysis.Deriver{awsanalysis.NewAt(fixedNow)}, Detail: analysis.DetailFull, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	id := identity(t, res, "arn:aws:iam::123456789012:user/attacker")
	if len(id.AdminOf) != 0 || !reflect.DeepEqual(id.ConditionalAdminOf, []string{"aws:account:123456789012"}) {
		t.Fatalf("admin_of %q, conditional %q; want a conditional administrator", id.AdminOf, id.ConditionalAdminOf)
	}
}
