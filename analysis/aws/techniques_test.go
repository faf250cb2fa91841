package aws_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/graphmodel"
)

// The fixtures under testdata/techniques are made by
// scripts/gen-technique-fixtures.py; each is a real gaad.json.

const (
	account     = "aws:account:123456789012"
	attacker    = "arn:aws:iam::123456789012:user/attacker"
	attackerRol = "arn:aws:iam::123456789012:role/attacker-role"
	adminUser   = "arn:aws:iam::123456789012:user/admin"
	adminRole   = "arn:aws:iam::123456789012:role/admin-role"
	appRole     = "arn:aws:iam::123456789012:role/app-role"
	svcUser     = "arn:aws:iam::123456789012:user/svc-deployer"
)

// wantTechnique is the technique an escalation of a fixture must be named
// by: the catalogue id its name starts with, or the technique it shows.
func wantTechnique(fixture string) string {
	special := map[string]string{
		"admin-equivalent-policy":         "admin-equivalent-policy",
		"iam-set-default-policy-version":  "iam:SetDefaultPolicyVersion",
		"split-across-policies":           "lambda-001",
		"not-action":                      "iam-007",
		"mixed-case-action":               "iam-007",
		"iam-put-star":                    "iam-007",
		"policy-variable-self":            "iam-007",
		"resource-tag-matches":            "iam-005",
		"scp-allows":                      "iam-007",
		"sts-001-chain":                   "iam-009",
		"iam-013-join-iam-writer-group":   "iam-007",
		"iam-013-join-group-to-pass-role": "lambda-001",
		"date-window-opened":              "iam-007",
		"date-token-issue-role":           "iam-005",
	}
	if t, ok := special[fixture]; ok {
		return t
	}
	parts := strings.SplitN(fixture, "-", 3)
	return parts[0] + "-" + parts[1]
}

var fixedNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

type hop struct{ from, to, technique string }

// analyzeFixtures collects each fixture directory with the offline AWS
// collector, merges the fragments, and analyzes them with full detail.
func analyzeFixtures(t *testing.T, dirs ...string) *analysis.Result {
	t.Helper()
	ctx := context.Background()
	var frags []graphmodel.Fragment
	for _, d := range dirs {
		dir := filepath.Join("testdata", "techniques", d)
		frag, err := awscollect.NewOffline(os.DirFS(dir), dir).Collect(ctx)
		if err != nil {
			t.Fatalf("collect %s: %v", dir, err)
		}
		frags = append(frags, frag)
	}
	res, err := analysis.Analyze(ctx, graphmodel.NewSnapshot(frags...), analysis.Options{
		Derivers: []analysis.Deriver{awsanalysis.NewAt(fixedNow)},
		Detail:   analysis.DetailFull,
		Now:      fixedNow,
	})
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	return res
}

func identity(t *testing.T, res *analysis.Result, id string) *analysis.Identity {
	t.Helper()
	for i := range res.Identities {
		if res.Identities[i].ID == id {
			return &res.Identities[i]
		}
	}
	t.Fatalf("identity %s not in result", id)
	return nil
}

func escalationTo(id *analysis.Identity, target string) *analysis.Escalation {
	for i := range id.Escalations {
		if id.Escalations[i].Target == target {
			return &id.Escalations[i]
		}
	}
	return nil
}

func hopsOf(e *analysis.Escalation) []hop {
	var list []hop
	for _, h := range e.Path {
		list = append(list, hop{h.From, h.To, h.Technique})
	}
	return list
}

func TestTechniquePaths(t *testing.T) {
	tests := []struct {
		fixture string
		from    string
		path    []hop
		// evidence is a fragment every listed hop's evidence must contain, by hop index.
		evidence map[int]string
	}{
		{"admin-equivalent-policy", attacker, []hop{{attacker, account, "admin-equivalent-policy"}},
			map[int]string{0: "arn:aws:iam::aws:policy/AdministratorAccess statement 0"}},
		{"iam-001-create-policy-version", attacker, []hop{{attacker, account, "iam-001"}},
			map[int]string{0: "arn:aws:iam::123456789012:policy/attacker-self-service statement 0"}},
		{"iam-set-default-policy-version", attacker, []hop{{attacker, account, "iam:SetDefaultPolicyVersion"}},
			map[int]string{0: "policy/legacy-ops statement 0"}},
		{"iam-002-create-access-key", attacker, []hop{{attacker, adminUser, "iam-002"}, {adminUser, account, "admin-equivalent-policy"}},
			map[int]string{0: attacker + "#inline:keys statement 0"}},
		{"iam-003-rotate-access-key", attacker, []hop{{attacker, adminUser, "iam-003"}, {adminUser, account, "admin-equivalent-policy"}},
			map[int]string{0: attacker + "#inline:keys statement 0"}},
		{"iam-004-create-login-profile", attacker, []hop{{attacker, adminUser, "iam-004"}, {adminUser, account, "admin-equivalent-policy"}}, nil},
		{"iam-005-put-role-policy", attackerRol, []hop{{attackerRol, account, "iam-005"}},
			map[int]string{0: attackerRol + "#inline:self statement 0"}},
		{"iam-006-update-login-profile", attacker, []hop{{attacker, adminUser, "iam-006"}, {adminUser, account, "admin-equivalent-policy"}}, nil},
		{"iam-007-put-user-policy", attacker, []hop{{attacker, account, "iam-007"}},
			map[int]string{0: attacker + "#inline:self statement 0"}},
		{"iam-008-attach-user-policy", attacker, []hop{{attacker, account, "iam-008"}},
			map[int]string{0: "AdministratorAccess"}},
		{"iam-009-attach-role-policy", attackerRol, []hop{{attackerRol, account, "iam-009"}}, nil},
		{"iam-010-attach-group-policy", attacker, []hop{
			{attacker, "arn:aws:iam::123456789012:group/developers", "group-membership"},
			{"arn:aws:iam::123456789012:group/developers", account, "iam-010"}}, nil},
		{"iam-011-put-group-policy", attacker, []hop{
			{attacker, "arn:aws:iam::123456789012:group/developers", "group-membership"},
			{"arn:aws:iam::123456789012:group/developers", account, "iam-011"}},
			map[int]string{1: "group/developers#inline:edit statement 0"}},
		{"iam-012-update-assume-role-policy", attacker, []hop{{attacker, adminRole, "iam-012"}, {adminRole, account, "admin-equivalent-policy"}}, nil},
		{"iam-013-add-user-to-group", attacker, []hop{
			{attacker, "arn:aws:iam::123456789012:group/admins", "iam-013"},
			{"arn:aws:iam::123456789012:group/admins", account, "admin-equivalent-policy"}}, nil},
		{"iam-013-join-iam-writer-group", attacker, []hop{
			{attacker, "arn:aws:iam::123456789012:group/iam-operators", "iam-013"},
			{"arn:aws:iam::123456789012:group/iam-operators", account, "iam-007"}},
			map[int]string{1: "group/iam-operators#inline:iam statement 0: allows iam:PutUserPolicy on any user of the account (itself, once a member)"}},
		{"iam-013-join-group-to-pass-role", attacker, []hop{
			{attacker, "aws:group-join:arn:aws:iam::123456789012:group/deployers", "iam-013"},
			{"aws:group-join:arn:aws:iam::123456789012:group/deployers", "arn:aws:iam::123456789012:role/workload-admin", "lambda-001"},
			{"arn:aws:iam::123456789012:role/workload-admin", account, "admin-equivalent-policy"}},
			map[int]string{1: "group/deployers#inline:deploy statement 0: allows iam:PassRole"}},
		{"date-window-opened", attacker, []hop{{attacker, account, "iam-007"}}, map[int]string{0: "allows iam:PutUserPolicy on itself"}},
		{"date-token-issue-role", attacker, []hop{
			{attacker, "arn:aws:iam::123456789012:role/attacker-role", "sts-001"},
			{"arn:aws:iam::123456789012:role/attacker-role", account, "iam-005"}}, nil},
		{"sts-001-trust-names-user", attacker, []hop{{attacker, adminRole, "sts-001"}, {adminRole, account, "admin-equivalent-policy"}},
			map[int]string{0: adminRole + " trust policy statement 0"}},
		{"sts-001-trust-names-account", attacker, []hop{{attacker, adminRole, "sts-001"}, {adminRole, account, "admin-equivalent-policy"}},
			map[int]string{0: attacker + "#inline:assume statement 0"}},
		{"sts-001-chain", attacker, []hop{
			{attacker, "arn:aws:iam::123456789012:role/deploy-role", "sts-001"},
			{"arn:aws:iam::123456789012:role/deploy-role", account, "iam-009"}}, nil},
		{"split-across-policies", attacker, []hop{
			{attacker, "arn:aws:iam::123456789012:role/lambda-admin", "lambda-001"},
			{"arn:aws:iam::123456789012:role/lambda-admin", account, "admin-equivalent-policy"}},
			map[int]string{0: "group/serverless#inline:lambda statement 0"}},
		{"not-action", attacker, []hop{{attacker, account, "iam-007"}}, nil},
		{"mixed-case-action", attacker, []hop{{attacker, account, "iam-007"}}, nil},
		{"iam-put-star", attacker, []hop{{attacker, account, "iam-007"}}, nil},
		{"policy-variable-self", attacker, []hop{{attacker, account, "iam-007"}}, nil},
		{"resource-tag-matches", attackerRol, []hop{{attackerRol, account, "iam-005"}}, nil},
		{"scp-allows", attacker, []hop{{attacker, account, "iam-007"}}, nil},
		{"iam-014-attach-role-policy-and-assume", attacker, []hop{{attacker, appRole, "sts-001"}, {appRole, account, "iam-009"}},
			map[int]string{1: "(granted by " + attacker + ")"}},
		{"iam-015-attach-user-policy-and-create-key", attacker, []hop{{attacker, svcUser, "iam-002"}, {svcUser, account, "iam-008"}}, nil},
		{"iam-016-create-policy-version-and-assume", attacker, []hop{{attacker, appRole, "sts-001"}, {appRole, account, "iam-001"}},
			map[int]string{1: "policy/app-policy: attached to " + appRole}},
		{"iam-017-put-role-policy-and-assume", attacker, []hop{{attacker, appRole, "sts-001"}, {appRole, account, "iam-005"}}, nil},
		{"iam-018-put-user-policy-and-create-key", attacker, []hop{{attacker, svcUser, "iam-002"}, {svcUser, account, "iam-007"}}, nil},
		{"iam-019-attach-role-policy-and-update-trust", attacker, []hop{{attacker, appRole, "iam-012"}, {appRole, account, "iam-009"}}, nil},
		{"iam-020-create-policy-version-and-update-trust", attacker, []hop{{attacker, appRole, "iam-012"}, {appRole, account, "iam-001"}}, nil},
		{"iam-021-put-role-policy-and-update-trust", attacker, []hop{{attacker, appRole, "iam-012"}, {appRole, account, "iam-005"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			res := analyzeFixtures(t, tc.fixture)
			id := identity(t, res, tc.from)
			if !contains(id.AdminOf, account) {
				t.Fatalf("admin_of = %v, want %s", id.AdminOf, account)
			}
			esc := escalationTo(id, account)
			if esc == nil {
				t.Fatalf("no escalation to %s; escalations: %+v", account, id.Escalations)
			}
			if esc.Conditional {
				t.Errorf("escalation is conditional, want certain")
			}
			got := hopsOf(esc)
			if len(got) != len(tc.path) {
				t.Fatalf("path = %v, want %v", got, tc.path)
			}
			for i := range got {
				if got[i] != tc.path[i] {
					t.Fatalf("path = %v, want %v", got, tc.path)
				}
				if esc.Path[i].Evidence == "" {
					t.Errorf("hop %d has no evidence", i)
				}
			}
			for i, frag := range tc.evidence {
				if !strings.Contains(esc.Path[i].Evidence, frag) {
					t.Errorf("hop %d evidence = %q, want it to cite %q", i, esc.Path[i].Evidence, frag)
				}
			}
			if want := wantTechnique(tc.fixture); esc.Technique != want {
				t.Errorf("escalation technique = %q, want %q", esc.Technique, want)
			}
		})
	}
}

func TestNearMisses(t *testing.T) {
	for _, fixture := range []string{
		"near-miss-granted-and-denied",
		"near-miss-unrelated-resource",
		"near-miss-policy-arn-read-only",
		"near-miss-passed-to-service",
		"near-miss-unattached-policy",
		"near-miss-trust-excludes",
		"near-miss-account-trust-no-permission",
		"near-miss-boundary-caps-admin",
		"near-miss-boundary-caps-self-edit",
		"near-miss-non-admin-group",
		"near-miss-join-iam-reader-group",
		"near-miss-token-issue-user",
		"near-miss-no-admin-old-version",
		"near-miss-passrole-trust-other-service",
		"near-miss-passrole-missing-action",
		"near-miss-ec2-without-instance-profile",
		"near-miss-existing-other-function",
		"near-miss-resource-tag-differs",
		"near-miss-external-id-in-account",
		"near-miss-expired-grant",
		"near-miss-scp-denies",
		"near-miss-two-keys-no-delete",
		"near-miss-login-profile-exists",
		"near-miss-ssm-unmanaged-instance",
	} {
		t.Run(fixture, func(t *testing.T) {
			res := analyzeFixtures(t, fixture)
			id := identity(t, res, attacker)
			if len(id.AdminOf)+len(id.ConditionalAdminOf) != 0 {
				t.Errorf("admin_of = %v, conditional_admin_of = %v, want none", id.AdminOf, id.ConditionalAdminOf)
			}
			if len(id.ReachableIdentities) != 0 {
				t.Errorf("reachable_identities = %v, want none", id.ReachableIdentities)
			}
			for _, e := range id.Escalations {
				t.Errorf("unexpected escalation %s via %v", e.Target, hopsOf(&e))
			}
		})
	}
}

func TestConditionalTrustIsKeptAndMarked(t *testing.T) {
	res := analyzeFixtures(t, "conditional-mfa-trust")
	id := identity(t, res, attacker)
	if len(id.AdminOf) != 0 {
		t.Errorf("admin_of = %v, want none: MFA cannot be decided", id.AdminOf)
	}
	if !contains(id.ConditionalAdminOf, account) {
		t.Fatalf("conditional_admin_of = %v, want %s", id.ConditionalAdminOf, account)
	}
	esc := escalationTo(id, account)
	if esc == nil || !esc.Conditional {
		t.Fatalf("want a conditional escalation to %s, got %+v", account, esc)
	}
	breakGlass := "arn:aws:iam::123456789012:role/break-glass"
	want := []hop{{attacker, breakGlass, "sts-001"}, {breakGlass, account, "admin-equivalent-policy"}}
	if got := hopsOf(esc); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("path = %v, want %v", got, want)
	}
	if !esc.Path[0].Conditional || esc.Path[1].Conditional {
		t.Errorf("only the trust hop should be conditional: %+v", esc.Path)
	}
}

func TestCrossAccount(t *testing.T) {
	res := analyzeFixtures(t, "cross-account/attacker", "cross-account/target")
	other := "aws:account:210987654321"
	partner := "arn:aws:iam::210987654321:role/partner-admin"
	id := identity(t, res, attacker)
	esc := escalationTo(id, other)
	if esc == nil {
		t.Fatalf("no escalation to %s: %+v", other, id.Escalations)
	}
	want := []hop{{attacker, partner, "sts-001"}, {partner, other, "admin-equivalent-policy"}}
	if got := hopsOf(esc); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("path = %v, want %v", got, want)
	}
	if !strings.Contains(esc.Path[0].Evidence, "#inline:assume statement 0") || !strings.Contains(esc.Path[0].Evidence, "trust policy") {
		t.Errorf("cross-account hop must cite both sides, got %q", esc.Path[0].Evidence)
	}

	// The vendor's account is outside the snapshot: it appears as an identity
	// of its own, and its ExternalId condition keeps the edge conditional.
	vendor := identity(t, res, "arn:aws:iam::999988887777:root")
	if vendor.Provider != graphmodel.ProviderExternal || vendor.Kind != graphmodel.KindAWSExternalAccount {
		t.Errorf("vendor = %s/%s, want external account", vendor.Provider, vendor.Kind)
	}
	ve := escalationTo(vendor, "arn:aws:iam::210987654321:role/vendor-access")
	if ve == nil || !ve.Conditional {
		t.Fatalf("want a conditional path from the vendor account to vendor-access, got %+v", vendor.Escalations)
	}
}

func TestCrossAccountNeedsBothSides(t *testing.T) {
	// Without the target account's trust (only the attacker's side collected)
	// there is no path, and the attacker's own policy alone proves nothing.
	res := analyzeFixtures(t, "cross-account/attacker")
	id := identity(t, res, attacker)
	if len(id.Escalations) != 0 {
		t.Errorf("escalations = %+v, want none", id.Escalations)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Every new-passrole path of the catalogue has a fixture
// "<technique>-passrole": the attacker passes service-admin (which holds
// AdministratorAccess and trusts the service) and runs code as it.
func TestNewPassRolePaths(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "techniques", "*-passrole"))
	if err != nil || len(dirs) != 26 {
		t.Fatalf("want 26 new-passrole fixtures, found %d (%v)", len(dirs), err)
	}
	serviceAdmin := "arn:aws:iam::123456789012:role/service-admin"
	for _, dir := range dirs {
		fixture := filepath.Base(dir)
		technique := strings.TrimSuffix(fixture, "-passrole")
		t.Run(technique, func(t *testing.T) {
			res := analyzeFixtures(t, fixture)
			id := identity(t, res, attacker)
			esc := escalationTo(id, account)
			if esc == nil || esc.Conditional {
				t.Fatalf("want a certain escalation to %s, got %+v", account, esc)
			}
			want := []hop{{attacker, serviceAdmin, technique}, {serviceAdmin, account, "admin-equivalent-policy"}}
			got := hopsOf(esc)
			if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Fatalf("path = %v, want %v", got, want)
			}
			if esc.Technique != technique {
				t.Errorf("technique = %q, want %q", esc.Technique, technique)
			}
			for _, frag := range []string{"#inline:pass statement 0", "#inline:compute statement 0", serviceAdmin + " trust policy statement 0"} {
				if !strings.Contains(esc.Path[0].Evidence, frag) {
					t.Errorf("evidence %q should cite %q", esc.Path[0].Evidence, frag)
				}
			}
		})
	}
}

// Every existing-passrole path of the catalogue has a fixture
// "<technique>-existing": a resource (with its own CLI output file) runs as
// workload-admin, which holds AdministratorAccess, and the attacker may take
// the resource over. Where something the analysis cannot know must also
// happen (the function being triggered), the path is kept as conditional.
func TestExistingPassRolePaths(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "techniques", "*-existing"))
	if err != nil || len(dirs) != 17 {
		t.Fatalf("want 17 existing-passrole fixtures, found %d (%v)", len(dirs), err)
	}
	conditional := map[string]bool{"lambda-003": true, "ec2-004": true, "ec2instanceconnect-003": true}
	workloadAdmin := "arn:aws:iam::123456789012:role/workload-admin"
	for _, dir := range dirs {
		fixture := filepath.Base(dir)
		technique := strings.TrimSuffix(fixture, "-existing")
		t.Run(technique, func(t *testing.T) {
			res := analyzeFixtures(t, fixture)
			id := identity(t, res, attacker)
			esc := escalationTo(id, account)
			if esc == nil {
				t.Fatalf("no escalation to %s: %+v", account, id.Escalations)
			}
			if esc.Conditional != conditional[technique] {
				t.Errorf("conditional = %v, want %v", esc.Conditional, conditional[technique])
			}
			admin := id.AdminOf
			if conditional[technique] {
				admin = id.ConditionalAdminOf
			}
			if !contains(admin, account) {
				t.Errorf("admin_of %v / conditional %v: want %s in the %v list", id.AdminOf, id.ConditionalAdminOf, account, conditional[technique])
			}
			want := []hop{{attacker, workloadAdmin, technique}, {workloadAdmin, account, "admin-equivalent-policy"}}
			got := hopsOf(esc)
			if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Fatalf("path = %v, want %v", got, want)
			}
			if ev := esc.Path[0].Evidence; !strings.Contains(ev, "#inline:takeover statement 0") || !strings.Contains(ev, "runs as "+workloadAdmin) {
				t.Errorf("evidence %q should cite the takeover statement and the resource that runs as the role", ev)
			}
		})
	}
}
