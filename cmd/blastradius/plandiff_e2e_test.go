package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/providers"
	"github.com/blastradius/blastradius/tfplan"
)

// planDir holds the plan fixtures: `terraform show -json` output written by
// hand against the demo estate (account 111122223333).
const planDir = "../../tfplan/testdata/plans"

const (
	planAccount = "aws:account:111122223333"
	planRole    = "arn:aws:iam::111122223333:role/"
)

// demoBaseline collects the demo estate into dir and returns the
// snapshot's file name, relative to dir.
func demoBaseline(t *testing.T, dir string) string {
	t.Helper()
	src, err := filepath.Abs("../../fixtures/demo/aws")
	if err != nil {
		t.Fatal(err)
	}
	if res := runCLI(t, dir, "collect", "aws", "--from-dir", src, "-o", "base.snap.json"); res.code != 0 {
		t.Fatalf("collect the demo: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	return "base.snap.json"
}

// planFile copies a plan fixture into dir and returns its name there.
func planFile(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(planDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// planReport is the part of the plan-diff JSON report the tests check.
type planReport struct {
	Failed   bool          `json:"failed"`
	Findings []planFinding `json:"findings"`
	Removed  []struct {
		ID string `json:"id"`
	} `json:"removed_identities"`
	Notes []string `json:"notes"`
}

type planFinding struct {
	Kind     string `json:"kind"`
	Identity struct {
		ID string `json:"id"`
	} `json:"identity"`
	Paths []struct {
		Conditional bool `json:"conditional"`
		Path        []struct {
			From, To, Evidence string
		} `json:"path"`
	} `json:"paths"`
}

// hop is one expected hop of a path: from, to and a text its evidence holds.
type hop struct{ from, to, evidence string }

func TestPlanDiffFindings(t *testing.T) {
	dir := t.TempDir()
	base := demoBaseline(t, dir)
	type finding struct {
		kind, identity string
		// path, when set, is the first path of the finding, hop by hop.
		path        []hop
		conditional bool
	}
	tests := []struct {
		name, plan string
		rules      []string
		code       int
		want       []finding
		// absent are kinds of finding that must not appear.
		absent  []string
		removed []string
		notes   []string
	}{
		{
			name: "new inline policy with iam:PassRole and lambda:CreateFunction on *", plan: "inline-passrole.json",
			rules: []string{"new-admin"}, code: 1,
			want: []finding{
				{kind: "new-admin", identity: planRole + "github-actions-docs-publish", path: []hop{
					{planRole + "github-actions-docs-publish", planRole + "acme-ops-automation-lambda", "role/github-actions-docs-publish#inline:DocsPreviewFunctions statement 0 (Sid PreviewFunctions): allows iam:PassRole"},
					{planRole + "acme-ops-automation-lambda", planAccount, "AdministratorAccess"},
				}},
				{kind: "new-admin", identity: "github:repo:*", path: []hop{
					{"github:repo:*", planRole + "github-actions-docs-publish", "trust policy"},
					{planRole + "github-actions-docs-publish", planRole + "acme-ops-automation-lambda", "#inline:DocsPreviewFunctions"},
					{planRole + "acme-ops-automation-lambda", planAccount, "AdministratorAccess"},
				}},
			},
		},
		{
			name: "trust policy opened to another account", plan: "trust-other-account.json",
			rules: []string{"new-admin"}, code: 1,
			want: []finding{{kind: "new-admin", identity: "arn:aws:iam::444455556666:root", path: []hop{
				{"arn:aws:iam::444455556666:root", planRole + "terraform-apply", "role/terraform-apply trust policy statement 1 (Sid EdgeLogPartnerDeploys)"},
				{planRole + "terraform-apply", planAccount, "AdministratorAccess"},
			}}},
		},
		{
			name: "AdministratorAccess attached to a role of the same plan by its unknown id", plan: "admin-new-role.json",
			rules: []string{"new-admin"}, code: 1,
			want: []finding{
				{kind: "new-identity", identity: planRole + "release-manager"},
				{kind: "new-admin", identity: planRole + "release-manager", path: []hop{
					{planRole + "release-manager", planAccount, "arn:aws:iam::aws:policy/AdministratorAccess"},
				}},
				{kind: "new-admin", identity: "arn:aws:iam::111122223333:user/nina.patel", path: []hop{
					{"arn:aws:iam::111122223333:user/nina.patel", planRole + "release-manager", "(Sid TeamLeadReleases)"},
					{planRole + "release-manager", planAccount, "AdministratorAccess"},
				}},
			},
		},
		{
			name: "deletion removes a path: a decrease, not a failure", plan: "delete-path.json",
			rules: []string{"increase"}, code: 0,
			absent:  []string{"new-admin", "gained-identities", "gained-resources", "score-increase", "new-identity", "new-conditional-admin"},
			removed: []string{planRole + "acme-ops-automation-lambda"},
			notes:   []string{"decrease: 2 identities can no longer obtain administrator of aws:account:111122223333: " + planRole + "codebuild-serverless-deploy, arn:aws:iam::111122223333:user/dave.okafor"},
		},
		{
			name: "replacement moves the role and attaches AdministratorAccess", plan: "replace-role.json",
			rules: []string{"new-admin"}, code: 1,
			want: []finding{
				{kind: "new-admin", identity: planRole + "audit/SecurityAuditCrossAccount", path: []hop{
					{planRole + "audit/SecurityAuditCrossAccount", planAccount, "AdministratorAccess"},
				}},
				// The auditor's account passes sts:ExternalId, which the
				// analysis cannot decide: conditional.
				{kind: "new-conditional-admin", identity: "arn:aws:iam::999988887777:root", conditional: true, path: []hop{
					{"arn:aws:iam::999988887777:root", planRole + "audit/SecurityAuditCrossAccount", "trust policy"},
					{planRole + "audit/SecurityAuditCrossAccount", planAccount, "AdministratorAccess"},
				}},
			},
			removed: []string{planRole + "SecurityAuditCrossAccount"},
		},
		{
			name: "a resource unknown until apply keeps the step conditional", plan: "unknown-conditional.json",
			rules: []string{"new-admin"}, code: 0,
			want: []finding{{kind: "new-conditional-admin", identity: planRole + "reporting-worker-ec2", conditional: true, path: []hop{
				{planRole + "reporting-worker-ec2", planRole + "acme-support-escalations",
					"(Sid AssumeAdminRole [unknown until apply: data.aws_iam_policy_document.reporting_escalation.statement[0].resources]): allows sts:AssumeRole"},
				{planRole + "acme-support-escalations", planAccount, "AdministratorAccess"},
			}}},
			absent: []string{"new-admin"},
		},
		{
			name: "only unrelated resources", plan: "unrelated.json",
			rules: []string{"increase"}, code: 0,
			absent: []string{"new-admin", "gained-identities", "gained-resources", "score-increase", "new-identity", "new-conditional-admin"},
			notes: []string{
				"2 AWS resource changes not applied: their types change no identity's reach as the snapshot models it (aws_s3_bucket_versioning, aws_vpc)",
				"1 resource change of other providers than AWS not applied (random_password)",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := planFile(t, dir, tc.plan)
			args := []string{"plan-diff", base, plan, "--format", "json"}
			for _, r := range tc.rules {
				args = append(args, "--fail-on", r)
			}
			res := runCLI(t, dir, args...)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", res.code, tc.code, res.stderr)
			}
			validateWith(t, "../../report/testdata/diff.schema.json", []byte(res.stdout))
			var rep planReport
			if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Failed != (tc.code == 1) {
				t.Errorf("failed = %v, want %v", rep.Failed, tc.code == 1)
			}
			for _, w := range tc.want {
				i := slices.IndexFunc(rep.Findings, func(f planFinding) bool {
					return f.Kind == w.kind && f.Identity.ID == w.identity
				})
				if i < 0 {
					t.Errorf("no %s finding for %s in %s", w.kind, w.identity, res.stdout)
					continue
				}
				f := rep.Findings[i]
				if w.path == nil {
					continue
				}
				if len(f.Paths) == 0 {
					t.Errorf("%s %s: no path", w.kind, w.identity)
					continue
				}
				p := f.Paths[0]
				if p.Conditional != w.conditional {
					t.Errorf("%s %s: conditional %v, want %v", w.kind, w.identity, p.Conditional, w.conditional)
				}
				if len(p.Path) != len(w.path) {
					t.Errorf("%s %s: %d hops %+v, want %d", w.kind, w.identity, len(p.Path), p.Path, len(w.path))
					continue
				}
				for j, h := range w.path {
					got := p.Path[j]
					if got.From != h.from || got.To != h.to || !strings.Contains(got.Evidence, h.evidence) {
						t.Errorf("%s %s hop %d: %s -> %s [%s], want %s -> %s [… %s …]", w.kind, w.identity, j, got.From, got.To, got.Evidence, h.from, h.to, h.evidence)
					}
				}
			}
			for _, f := range rep.Findings {
				if slices.Contains(tc.absent, f.Kind) {
					t.Errorf("unexpected %s finding for %s", f.Kind, f.Identity.ID)
				}
			}
			var removed []string
			for _, r := range rep.Removed {
				removed = append(removed, r.ID)
			}
			if !slices.Equal(removed, tc.removed) {
				t.Errorf("removed identities %v, want %v", removed, tc.removed)
			}
			for _, n := range tc.notes {
				if !slices.Contains(rep.Notes, n) {
					t.Errorf("no note %q in %q", n, rep.Notes)
				}
			}
		})
	}
}

// TestPlanDiffDeletionRemovesPath checks, on the applied snapshot itself,
// that the deletion took the path away: before, the CodeBuild role could
// become administrator through the deleted Lambda role; after, it cannot.
func TestPlanDiffDeletionRemovesPath(t *testing.T) {
	base, applied := appliedDemo(t, "delete-path.json")
	adminOf := func(snap *graphmodel.Snapshot, id string) []string {
		res, err := analysis.Analyze(context.Background(), snap, analysis.Options{Derivers: providers.Derivers(providers.All()), Detail: analysis.DetailFull})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range res.Identities {
			if i.ID == id {
				return i.AdminOf
			}
		}
		return nil
	}
	deployer := planRole + "codebuild-serverless-deploy"
	if got := adminOf(base, deployer); !slices.Contains(got, planAccount) {
		t.Fatalf("baseline: %s administers %v, want the account (through lambda-001)", deployer, got)
	}
	if got := adminOf(applied.Snapshot, deployer); len(got) != 0 {
		t.Errorf("after the plan: %s administers %v, want nothing", deployer, got)
	}
}

// appliedDemo applies a plan fixture to the demo estate in process.
func appliedDemo(t *testing.T, plan string) (base *graphmodel.Snapshot, applied *tfplan.Result) {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(dir, demoBaseline(t, dir)))
	if err != nil {
		t.Fatal(err)
	}
	if base, err = graphmodel.Decode("base.snap.json", data); err != nil {
		t.Fatal(err)
	}
	planData, err := os.ReadFile(filepath.Join(planDir, plan))
	if err != nil {
		t.Fatal(err)
	}
	p, err := tfplan.Read(plan, planData)
	if err != nil {
		t.Fatal(err)
	}
	if applied, err = tfplan.Apply(base, p); err != nil {
		t.Fatal(err)
	}
	return base, applied
}

// TestPlanDiffUnknownEdgeConditional checks how the AWS analysis carries
// a value unknown until apply: the can_become edge it derives from the
// stand-in statement is conditional, and its conditions name the address.
func TestPlanDiffUnknownEdgeConditional(t *testing.T) {
	_, applied := appliedDemo(t, "unknown-conditional.json")
	var edges []graphmodel.Edge
	for _, d := range providers.Derivers(providers.All()) {
		_, es, err := d.Derive(context.Background(), applied.Snapshot)
		if err != nil {
			t.Fatal(err)
		}
		edges = append(edges, es...)
	}
	want := "Bool " + tfplan.UnknownKeyPrefix + "data.aws_iam_policy_document.reporting_escalation.statement[0].resources"
	found := false
	for _, e := range edges {
		if e.Kind != graphmodel.EdgeCanBecome || e.From != planRole+"reporting-worker-ec2" || e.To != planRole+"acme-support-escalations" {
			continue
		}
		found = true
		if !e.Conditional || !slices.Contains(e.Conditions, want) {
			t.Errorf("edge %+v: want conditional on %q", e, want)
		}
	}
	if !found {
		t.Fatal("no can_become edge from reporting-worker-ec2 to acme-support-escalations")
	}
}

// TestPlanDiffSARIFLocatesResources checks that SARIF results point into
// the plan at the address of the resource change that caused them. The
// plan is one line, as `terraform show -json` prints it: the column says
// where.
func TestPlanDiffSARIFLocatesResources(t *testing.T) {
	dir := t.TempDir()
	base := demoBaseline(t, dir)
	plan := planFile(t, dir, "admin-new-role.json")
	res := runCLI(t, dir, "plan-diff", base, plan, "--fail-on", "new-admin", "--format", "sarif", "-o", "results.sarif")
	if res.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "results.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	planData, err := os.ReadFile(filepath.Join(dir, plan))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(planData, []byte("\n")) != 1 {
		t.Fatal("the fixture should be one line, as terraform show -json prints it")
	}
	// The column of each address value in resource_changes.
	changes := bytes.Index(planData, []byte(`"resource_changes"`))
	column := func(addr string) int {
		return changes + bytes.Index(planData[changes:], []byte(`"address":"`+addr+`"`)) + len(`"address":`) + 1
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID     string `json:"ruleId"`
				Properties struct {
					Identity string `json:"identity"`
				} `json:"properties"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
					LogicalLocations []struct{ Name, FullyQualifiedName, Kind string }
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range log.Runs[0].Results {
		if r.RuleID != "new-admin" || r.Properties.Identity != "arn:aws:iam::111122223333:user/nina.patel" {
			continue
		}
		found = true
		var names []string
		for _, l := range r.Locations {
			if l.PhysicalLocation.ArtifactLocation.URI != plan || l.PhysicalLocation.Region.StartLine != 1 {
				t.Errorf("located at %+v, want %s line 1", l.PhysicalLocation, plan)
			}
			addr := l.LogicalLocations[0].Name
			names = append(names, addr)
			if want := column(addr); l.PhysicalLocation.Region.StartColumn != want {
				t.Errorf("%s at column %d, want %d", addr, l.PhysicalLocation.Region.StartColumn, want)
			}
		}
		want := []string{"aws_iam_role.release", "aws_iam_role_policy_attachment.release_admin"}
		if !slices.Equal(names, want) {
			t.Errorf("located at %v, want %v", names, want)
		}
	}
	if !found {
		t.Fatalf("no new-admin result for nina.patel in\n%s", data)
	}
}

func TestPlanDiffFormats(t *testing.T) {
	dir := t.TempDir()
	base := demoBaseline(t, dir)
	plan := planFile(t, dir, "trust-other-account.json")
	for format, want := range map[string]string{
		"table":    "new-admin",
		"markdown": "<!-- blastradius-diff -->",
		"html":     "<!doctype html>",
	} {
		res := runCLI(t, dir, "plan-diff", base, plan, "--fail-on", "new-admin", "--format", format)
		if res.code != 1 || !strings.Contains(strings.ToLower(res.stdout), strings.ToLower(want)) {
			t.Errorf("%s: exit %d, want 1 and %q in the output; stderr:\n%s", format, res.code, want, res.stderr)
		}
	}
	// The plan from standard input, as `terraform show -json plan.out | blastradius plan-diff base -`.
	data, err := os.ReadFile(filepath.Join(dir, plan))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "plan-diff", base, "-", "--fail-on", "new-admin")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "arn:aws:iam::444455556666:root") {
		t.Errorf("plan from stdin: %v, want exit 1; stdout:\n%s", err, out)
	}
}

func TestPlanDiffOtherProvidersNotice(t *testing.T) {
	dir := t.TempDir()
	res := runCLI(t, dir, "plan-diff", demoBaseline(t, dir), planFile(t, dir, "unrelated.json"), "--fail-on", "increase")
	if res.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
	}
	want := "blastradius: plan-diff: unrelated.json: ignored 1 resource change of other providers than AWS: random_password.db (registry.terraform.io/hashicorp/random)"
	if !strings.Contains(res.stderr, want) {
		t.Errorf("stderr %q lacks %q", res.stderr, want)
	}
}

func TestPlanDiffBadInputExits2(t *testing.T) {
	dir := t.TempDir()
	base := demoBaseline(t, dir)
	good, err := os.ReadFile(filepath.Join(planDir, "trust-other-account.json"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return name
	}
	otherAccount := bytes.ReplaceAll(good, []byte("arn:aws:iam::111122223333:role/terraform-apply"), []byte("arn:aws:iam::555566667777:role/terraform-apply"))
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"malformed plan", []string{base, write("malformed.json", []byte("{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [,]\n}\n"))},
			[]string{"malformed.json: line 3, column 24: invalid JSON"}},
		{"truncated plan", []string{base, write("truncated.json", good[:len(good)/2])},
			[]string{"truncated.json: line ", "unexpected end of JSON input (truncated file?)"}},
		{"a state, not a plan", []string{base, write("state.json", []byte(`{"format_version":"1.0","terraform_version":"1.9.8","values":{"root_module":{}}}`))},
			[]string{"state.json: a Terraform state, not a plan"}},
		{"plan for another account", []string{base, write("other-account.json", otherAccount)},
			[]string{"other-account.json: line ", "resource_changes[0] (aws_iam_role.terraform_apply) arn: arn:aws:iam::555566667777:role/terraform-apply is in account 555566667777, which the baseline snapshot does not hold (it holds 111122223333)"}},
		{"missing plan", []string{base, "absent.json"}, []string{"read plan", "absent.json"}},
		{"one argument", []string{base}, []string{"want a snapshot and a plan"}},
		{"unknown format", []string{base, write("ok.json", good), "--format", "yaml"}, []string{"--format"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, dir, append([]string{"plan-diff"}, tc.args...)...)
			if res.code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", res.code, res.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr %q lacks %q", res.stderr, w)
				}
			}
			if res.stdout != "" {
				t.Errorf("wrote a report on bad input:\n%s", res.stdout)
			}
		})
	}
}

func TestPlanDiffHelp(t *testing.T) {
	res := runCLI(t, "", "plan-diff", "--help")
	if res.code != 0 {
		t.Fatalf("exit %d", res.code)
	}
	for _, want := range []string{"terraform show -json PLANFILE", "--fail-on", "unknown", "Exit codes"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, res.stdout)
		}
	}
	if root := runCLI(t, "", "--help"); !strings.Contains(root.stdout, "plan-diff") {
		t.Error("the command list lacks plan-diff")
	}
}
