package viz

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/diff"
	"github.com/blastradius/blastradius/graphmodel"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// hostile are strings an estate can carry in names, tags, condition values
// and evidence, each trying to break out of one of the outputs: HTML,
// inline script and JSON, DOT, Mermaid. The HTML ones set window.__pwned
// or fetch something if they ever run.
var hostile = []string{
	`</script><script>window.__pwned=1</script>`,
	`"><img src=x onerror="window.__pwned=2">`,
	`'; window.__pwned=3; //`,
	`<!-- <script>window.__pwned=4</script> -->`,
	"line\nbreak\u2028and\u2029separators\ttab",
	`\" ] ; evil [label="x"] ; "`,
	`\N \G \l \\" end`,
	`#quot; %%{init: {"securityLevel": "loose"}}%% click n0 call alert(1)`,
	`<svg onload="window.__pwned=5"></svg>`,
	`<style>body{background:url(http://127.0.0.1:9/css)}</style>`,
	`<a href="javascript:window.__pwned=6">link</a>`,
	`<img src="http://127.0.0.1:9/leak.png">`,
	`{{.}} ${x} end subgraph -->|x| n0`,
	"&amp; &lt; &#60; é ü 漢字 \U0001F600",
}

// Node IDs of the fixtures.
const (
	fxAccount  = "aws:account:111122223333"
	fxDeployer = "arn:aws:iam::111122223333:role/ci-deployer"
	fxAdmin    = "arn:aws:iam::111122223333:role/admin"
	fxUser     = "arn:aws:iam::111122223333:user/carol"
	fxGroup    = "arn:aws:iam::111122223333:group/devs"
	fxBucket   = "arn:aws:s3:::acme-data"
	fxSecret   = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db"
	fxRepo     = "github:repo:acme/infra"
	fxCluster  = "k8s:cluster:prod"
	fxSA       = "k8s:prod:serviceaccount:ci:deployer"
	fxGCPSA    = "gcp:serviceAccount:etl@proj.iam.gserviceaccount.com"
	fxApp      = "workspace:app:1234.apps.googleusercontent.com"
)

func ev(source string, stmt int, note string) []graphmodel.Evidence {
	return []graphmodel.Evidence{{Source: source, Statement: stmt, Note: note}}
}

// sampleEstate is a small multi-provider estate with every kind of drawn
// edge: a federated repository that assumes a deployer role, which passes
// an admin role to Lambda; a user in a group with conditional access; a
// grant; Kubernetes, GCP and Workspace identities.
func sampleEstate() (*graphmodel.Snapshot, []graphmodel.Node, []graphmodel.Edge) {
	snap := &graphmodel.Snapshot{
		Nodes: []graphmodel.Node{
			{ID: fxAccount, Kind: graphmodel.KindAWSAccount, Provider: graphmodel.ProviderAWS, Name: "acme-prod"},
			{ID: fxDeployer, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS, Name: "ci-deployer", Scope: fxAccount},
			{ID: fxAdmin, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS, Name: "admin", Scope: fxAccount},
			{ID: fxUser, Kind: graphmodel.KindAWSUser, Provider: graphmodel.ProviderAWS, Name: "carol", Scope: fxAccount},
			{ID: fxGroup, Kind: graphmodel.KindAWSGroup, Provider: graphmodel.ProviderAWS, Name: "devs", Scope: fxAccount},
			{ID: fxBucket, Kind: graphmodel.KindAWSResource, Provider: graphmodel.ProviderAWS, Name: "acme-data", Scope: fxAccount},
			{ID: fxSecret, Kind: graphmodel.KindAWSResource, Provider: graphmodel.ProviderAWS, Name: "db", Scope: fxAccount},
			{ID: fxCluster, Kind: graphmodel.KindK8sCluster, Provider: graphmodel.ProviderKubernetes, Name: "prod"},
			{ID: fxSA, Kind: graphmodel.KindK8sServiceAccount, Provider: graphmodel.ProviderKubernetes, Name: "ci/deployer", Scope: fxCluster},
			{ID: fxGCPSA, Kind: graphmodel.KindGCPServiceAccount, Provider: graphmodel.ProviderGCP, Name: "etl"},
			{ID: fxApp, Kind: graphmodel.KindWorkspaceOAuthApp, Provider: graphmodel.ProviderWorkspace, Name: "Calendar sync"},
			{ID: "arn:aws:iam::111122223333:policy/unused", Kind: graphmodel.KindAWSManagedPolicy, Provider: graphmodel.ProviderAWS, Name: "unused"},
		},
		Edges: []graphmodel.Edge{
			{From: fxUser, To: fxGroup, Kind: graphmodel.EdgeMemberOf},
			{From: fxUser, To: "arn:aws:iam::111122223333:policy/unused", Kind: graphmodel.EdgeAttachedPolicy},
		},
	}
	derivedNodes := []graphmodel.Node{
		{ID: fxRepo, Kind: graphmodel.KindGitHubRepo, Provider: graphmodel.ProviderGitHub, Name: "GitHub repository acme/infra"},
	}
	derived := []graphmodel.Edge{
		{From: fxRepo, To: fxDeployer, Kind: graphmodel.EdgeCanBecome, Technique: "sts:AssumeRoleWithWebIdentity", Evidence: ev(fxDeployer+"#trust", 0, "allows sts:AssumeRoleWithWebIdentity")},
		{From: fxDeployer, To: fxAdmin, Kind: graphmodel.EdgeCanBecome, Technique: "lambda-001", Evidence: ev(fxDeployer+"#inline:deploy", 0, "allows iam:PassRole, lambda:CreateFunction")},
		{From: fxDeployer, To: fxAdmin, Kind: graphmodel.EdgeCanBecome, Technique: "ec2-001", Conditional: true, Evidence: ev(fxDeployer+"#inline:deploy", 1, "condition aws:SourceIp undecidable")},
		{From: fxDeployer, To: fxAdmin, Kind: graphmodel.EdgeCanBecome, Technique: "glue-001", Evidence: ev(fxDeployer+"#inline:deploy", 2, "allows glue:CreateJob")},
		{From: fxAdmin, To: fxAccount, Kind: graphmodel.EdgeAdminOf, Technique: "admin-equivalent-policy", Evidence: ev("arn:aws:iam::aws:policy/AdministratorAccess", 0, "allows *:*")},
		{From: fxGroup, To: fxBucket, Kind: graphmodel.EdgeCanAccess, Technique: "s3:GetObject", Access: graphmodel.AccessRead, Evidence: ev(fxGroup+"#inline:read", 0, "allows s3:GetObject")},
		{From: fxUser, To: fxSecret, Kind: graphmodel.EdgeCanAccess, Technique: "secretsmanager:GetSecretValue", Access: graphmodel.AccessRead, Conditional: true, Evidence: ev(fxUser+"#inline:mfa", 0, "condition aws:MultiFactorAuthPresent undecidable")},
		{From: fxUser, To: fxDeployer, Kind: graphmodel.EdgeCanGrantAdmin, Technique: "iam-009", Evidence: ev(fxUser+"#inline:attach", 0, "allows iam:AttachRolePolicy")},
		{From: fxSA, To: fxCluster, Kind: graphmodel.EdgeAdminOf, Technique: "cluster-admin", Evidence: ev("k8s:prod:clusterrolebinding:ci", -1, "binds cluster-admin")},
		{From: fxGCPSA, To: "gcp:project:acme-data", Kind: graphmodel.EdgeAdminOf, Technique: "roles/owner", Evidence: ev("//cloudresourcemanager.googleapis.com/projects/acme-data", -1, "binds roles/owner")},
		{From: fxApp, To: fxGCPSA, Kind: graphmodel.EdgeCanBecome, Technique: "oauth-grant", Evidence: ev("workspace:customer:C01", -1, "domain-wide delegation")},
	}
	return snap, derivedNodes, derived
}

// hostileEstate is an estate whose every name, ID and evidence is hostile.
func hostileEstate() (*graphmodel.Snapshot, []graphmodel.Node, []graphmodel.Edge) {
	snap := &graphmodel.Snapshot{}
	var derived []graphmodel.Edge
	prev := fxAccount
	snap.Nodes = append(snap.Nodes, graphmodel.Node{ID: fxAccount, Kind: graphmodel.KindAWSAccount, Provider: graphmodel.ProviderAWS, Name: hostile[0]})
	for i, h := range hostile {
		id := "arn:aws:iam::111122223333:role/" + h
		snap.Nodes = append(snap.Nodes, graphmodel.Node{ID: id, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS, Name: h, Scope: fxAccount})
		if i > 0 {
			derived = append(derived, graphmodel.Edge{From: id, To: prev, Kind: graphmodel.EdgeCanBecome, Technique: h,
				Conditional: i%2 == 0, Evidence: []graphmodel.Evidence{{Source: h, Statement: i, Sid: h, Note: h}}})
		}
		prev = id
	}
	derived = append(derived, graphmodel.Edge{From: prev, To: fxAccount, Kind: graphmodel.EdgeAdminOf, Technique: hostile[1],
		Evidence: []graphmodel.Evidence{{Source: hostile[2], Statement: 0, Note: hostile[3]}}})
	derived = append(derived, graphmodel.Edge{From: prev, To: "arn:aws:s3:::" + hostile[4], Kind: graphmodel.EdgeCanAccess,
		Access: graphmodel.Access(hostile[5]), Technique: hostile[6]})
	return snap, nil, derived
}

// sampleResult is a hand-built analysis of sampleEstate's shape with a
// fixed generation time.
func sampleResult() *analysis.Result {
	two, one := 2, 1
	bd := func(i, r, a, c float64) map[string]float64 {
		return map[string]float64{analysis.BreakdownIdentities: i, analysis.BreakdownResources: r,
			analysis.BreakdownAdminScopes: a, analysis.BreakdownConditionalAdminScopes: c}
	}
	return &analysis.Result{
		SchemaVersion: analysis.ResultSchemaVersion,
		GeneratedAt:   time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Snapshots: []analysis.SnapshotInfo{
			{Provider: graphmodel.ProviderAWS, Scope: fxAccount, Origin: "offline:export", Gaps: []graphmodel.Gap{{What: "s3:GetBucketPolicy", Reason: "AccessDenied", Where: "acme-data"}}},
			{Provider: graphmodel.ProviderKubernetes, Scope: fxCluster, Origin: "live", Gaps: []graphmodel.Gap{}},
		},
		Identities: []analysis.Identity{
			{
				ID: fxRepo, Provider: graphmodel.ProviderGitHub, Kind: graphmodel.KindGitHubRepo, Name: "GitHub repository acme/infra",
				NonHuman: true, Rank: 1, MinHopsToAdmin: &two,
				BlastRadius: analysis.BlastRadius{Score: 42, Resources: 2, Identities: 2, Breakdown: bd(2, 30, 10, 0)},
				AdminOf:     []string{fxAccount}, ReachableIdentities: []string{fxAdmin, fxDeployer},
				ReachableResources: []analysis.ResourceReach{
					{ID: fxSecret, Access: graphmodel.AccessAdmin, Via: fxAccount},
					{ID: fxBucket, Access: graphmodel.AccessAdmin, Via: fxAccount},
				},
				Escalations: []analysis.Escalation{
					{Technique: "admin-equivalent-policy", Target: fxAccount, Path: []analysis.Hop{
						{From: fxRepo, To: fxDeployer, Technique: "sts:AssumeRoleWithWebIdentity", Evidence: fxDeployer + "#trust statement 0: allows sts:AssumeRoleWithWebIdentity"},
						{From: fxDeployer, To: fxAdmin, Technique: "lambda-001", Evidence: fxDeployer + "#inline:deploy statement 0: allows iam:PassRole, lambda:CreateFunction"},
						{From: fxAdmin, To: fxAccount, Technique: "admin-equivalent-policy", Evidence: "arn:aws:iam::aws:policy/AdministratorAccess statement 0: allows *:*"},
					}},
					{Technique: "sts:AssumeRoleWithWebIdentity", Target: fxDeployer, Path: []analysis.Hop{
						{From: fxRepo, To: fxDeployer, Technique: "sts:AssumeRoleWithWebIdentity", Evidence: fxDeployer + "#trust statement 0: allows sts:AssumeRoleWithWebIdentity"},
					}},
					{Technique: "admin-of-scope", Target: fxUser, Path: []analysis.Hop{
						{From: fxRepo, To: fxDeployer, Technique: "sts:AssumeRoleWithWebIdentity", Evidence: fxDeployer + "#trust statement 0: allows sts:AssumeRoleWithWebIdentity"},
						{From: fxDeployer, To: fxAdmin, Technique: "lambda-001", Evidence: fxDeployer + "#inline:deploy statement 0: allows iam:PassRole, lambda:CreateFunction"},
						{From: fxAdmin, To: fxAccount, Technique: "admin-equivalent-policy", Evidence: "arn:aws:iam::aws:policy/AdministratorAccess statement 0: allows *:*"},
						{From: fxAccount, To: fxUser, Technique: analysis.TechniqueAdminOfScope, Evidence: "administrator of " + fxAccount},
					}},
				},
				Hygiene: &analysis.Hygiene{Findings: []string{"NHI5: a non-human identity with administrator-equivalent reach"}},
			},
			{
				ID: fxUser, Provider: graphmodel.ProviderAWS, Kind: graphmodel.KindAWSUser, Name: "carol", Rank: 2,
				BlastRadius:        analysis.BlastRadius{Score: 3, Resources: 2, Identities: 0, Breakdown: bd(0, 3, 0, 1)},
				ConditionalAdminOf: []string{fxAccount},
				ReachableResources: []analysis.ResourceReach{
					{ID: fxBucket, Access: graphmodel.AccessRead, Via: fxGroup},
					{ID: fxSecret, Access: graphmodel.AccessRead, Via: fxUser, Conditional: true},
				},
				Escalations: []analysis.Escalation{
					{Technique: "admin-equivalent-policy", Target: fxAccount, Conditional: true, Path: []analysis.Hop{
						{From: fxUser, To: fxAdmin, Technique: "sts-001", Conditional: true, Evidence: fxAdmin + "#trust statement 0: condition aws:MultiFactorAuthPresent undecidable"},
						{From: fxAdmin, To: fxAccount, Technique: "admin-equivalent-policy", Evidence: "arn:aws:iam::aws:policy/AdministratorAccess statement 0: allows *:*"},
					}},
				},
				Truncated: true,
			},
			{
				ID: fxSA, Provider: graphmodel.ProviderKubernetes, Kind: graphmodel.KindK8sServiceAccount, Name: "ci/deployer",
				NonHuman: true, Rank: 3, MinHopsToAdmin: &one,
				BlastRadius: analysis.BlastRadius{Score: 1, Breakdown: bd(0, 0, 10, 0)},
				AdminOf:     []string{fxCluster},
				Escalations: []analysis.Escalation{{Technique: "cluster-admin", Target: fxCluster, Path: []analysis.Hop{
					{From: fxSA, To: fxCluster, Technique: "cluster-admin", Evidence: "k8s:prod:clusterrolebinding:ci: binds cluster-admin"},
				}}},
			},
			{
				ID: fxApp, Provider: graphmodel.ProviderWorkspace, Kind: graphmodel.KindWorkspaceOAuthApp, Name: "Calendar sync",
				NonHuman: true, Rank: 4, BlastRadius: analysis.BlastRadius{Score: 0, Breakdown: bd(0, 0, 0, 0)},
			},
		},
	}
}

// hostileResult is an analysis whose every string is hostile.
func hostileResult() *analysis.Result {
	res := &analysis.Result{
		SchemaVersion: analysis.ResultSchemaVersion,
		GeneratedAt:   time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Snapshots: []analysis.SnapshotInfo{{Provider: graphmodel.Provider(hostile[0]), Scope: hostile[1], Origin: hostile[2],
			Gaps: []graphmodel.Gap{{What: hostile[3], Reason: hostile[9], Where: hostile[11]}}}},
	}
	for i, h := range hostile {
		id := "arn:aws:iam::111122223333:role/" + h
		target := hostile[(i+1)%len(hostile)]
		res.Identities = append(res.Identities, analysis.Identity{
			ID: id, Name: h, Provider: graphmodel.Provider(h), Kind: graphmodel.NodeKind(h), NonHuman: i%2 == 0, Rank: i + 1,
			BlastRadius:        analysis.BlastRadius{Score: float64(len(hostile) - i), Resources: 1, Identities: 1, Breakdown: map[string]float64{analysis.BreakdownIdentities: 1}},
			AdminOf:            []string{"aws:account:" + h},
			ConditionalAdminOf: []string{target},
			ReachableResources: []analysis.ResourceReach{{ID: "arn:aws:s3:::" + h, Access: graphmodel.Access(h), Via: id}},
			Escalations: []analysis.Escalation{{Technique: h, Target: "aws:account:" + h, Path: []analysis.Hop{
				{From: id, To: "arn:aws:iam::111122223333:role/" + target, Technique: h, Evidence: h, Conditional: true},
				{From: "arn:aws:iam::111122223333:role/" + target, To: "aws:account:" + h, Technique: target, Evidence: target},
			}}},
			Hygiene: &analysis.Hygiene{Findings: []string{h}},
		})
	}
	return res
}

// sampleDiff is a diff report with each kind of finding, one of them
// hostile throughout.
func sampleDiff() *diff.Report {
	pct := 50.0
	h := hostile[1]
	return &diff.Report{
		Baseline: diff.Side{File: "base.snap.json", Identities: 3},
		Current:  diff.Side{File: "pr.snap.json", Identities: 4},
		Findings: []diff.Finding{
			{Kind: diff.KindNewAdmin, Severity: diff.SeverityHigh, Target: fxAccount,
				Identity: diff.IdentityRef{ID: fxDeployer, Name: "ci-deployer", Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS, NonHuman: true},
				Paths: []analysis.Escalation{{Technique: "admin-equivalent-policy", Target: fxAccount, Path: []analysis.Hop{
					{From: fxDeployer, To: fxAdmin, Technique: "lambda-001", Evidence: fxDeployer + "#inline:deploy statement 0: allows iam:PassRole"},
					{From: fxAdmin, To: fxAccount, Technique: "admin-equivalent-policy", Evidence: "AdministratorAccess statement 0: allows *:*"},
				}}}},
			{Kind: diff.KindGainedIdentities, Severity: diff.SeverityMedium, Identities: []string{fxAdmin, fxUser},
				Identity: diff.IdentityRef{ID: fxDeployer, Name: "ci-deployer", Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS, NonHuman: true}},
			{Kind: diff.KindGainedResources, Severity: diff.SeverityMedium,
				Resources: []diff.ResourceChange{{ID: fxBucket, Before: graphmodel.AccessRead, After: graphmodel.AccessWrite, Via: fxDeployer}},
				Identity:  diff.IdentityRef{ID: fxDeployer, Name: "ci-deployer", Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS, NonHuman: true}},
			{Kind: diff.KindScoreIncrease, Severity: diff.SeverityMedium, Score: &diff.ScoreChange{Before: 10, After: 15, Percent: &pct},
				Identity: diff.IdentityRef{ID: fxDeployer, Name: "ci-deployer", Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS, NonHuman: true}},
			{Kind: diff.KindNewConditionalAdmin, Severity: diff.SeverityInfo, Target: h, Partial: true,
				Identity: diff.IdentityRef{ID: "arn:aws:iam::111122223333:user/" + h, Name: h, Kind: graphmodel.NodeKind(h), Provider: graphmodel.Provider(h)},
				Paths: []analysis.Escalation{{Technique: h, Target: h, Conditional: true, Path: []analysis.Hop{
					{From: "arn:aws:iam::111122223333:user/" + h, To: h, Technique: h, Evidence: hostile[0], Conditional: true},
				}}}},
		},
		Removed: []diff.IdentityRef{{ID: "arn:aws:iam::111122223333:user/gone"}},
		Gaps:    []diff.GapEntry{{In: diff.GapInCurrent, Provider: graphmodel.ProviderAWS, Scope: fxAccount, Gap: graphmodel.Gap{What: hostile[3], Reason: hostile[9]}}},
		Notes:   []string{hostile[2]},
	}
}
