package analysis

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// fakeDeriver returns hand-built derived nodes and edges.
type fakeDeriver struct {
	nodes []graphmodel.Node
	edges []graphmodel.Edge
	err   error
	panic bool
	// owned hands the edges over without a copy: for one Prepare only.
	owned bool
}

func (f fakeDeriver) Name() string { return "fake" }

func (f fakeDeriver) Derive(context.Context, *graphmodel.Snapshot) ([]graphmodel.Node, []graphmodel.Edge, error) {
	if f.panic {
		panic("boom")
	}
	if f.owned {
		return f.nodes, f.edges, f.err
	}
	// A copy, as a real deriver returns: Prepare owns the edges it gets.
	return f.nodes, slices.Clone(f.edges), f.err
}

const acct = "aws:account:111111111111"

func arn(kind, name string) string { return "arn:aws:iam::111111111111:" + kind + "/" + name }

var (
	userU  = arn("user", "u")
	roleR  = arn("role", "r")
	roleR2 = arn("role", "r2")
	userX  = arn("user", "x")
	userY  = arn("user", "y")
	groupG = arn("group", "g")
	bucket = "arn:aws:s3:::bucket-b"
	keyC   = "arn:aws:kms:us-east-1:111111111111:key/c"
)

func node(id string, kind graphmodel.NodeKind, scope string) graphmodel.Node {
	name := id
	if i := strings.LastIndexAny(id, "/:"); i >= 0 {
		name = id[i+1:]
	}
	return graphmodel.Node{ID: id, Kind: kind, Provider: kind.Provider(), Name: name, Scope: scope}
}

func account() graphmodel.Node {
	return graphmodel.Node{ID: acct, Kind: graphmodel.KindAWSAccount, Provider: graphmodel.ProviderAWS, Name: "111111111111"}
}

func ev(src string, stmt int, note string) []graphmodel.Evidence {
	return []graphmodel.Evidence{{Source: src, Statement: stmt, Note: note}}
}

func become(from, to, tech string, cond bool) graphmodel.Edge {
	return graphmodel.Edge{From: from, To: to, Kind: graphmodel.EdgeCanBecome, Technique: tech, Conditional: cond,
		Evidence: ev(to+"#trust", 0, "trusts "+from)}
}

func adminOf(from, scope string) graphmodel.Edge {
	return graphmodel.Edge{From: from, To: scope, Kind: graphmodel.EdgeAdminOf, Technique: "admin-policy",
		Evidence: ev("arn:aws:iam::aws:policy/AdministratorAccess", 0, "allows *:*")}
}

func grantAdmin(from, to string, cond bool) graphmodel.Edge {
	return graphmodel.Edge{From: from, To: to, Kind: graphmodel.EdgeCanGrantAdmin, Technique: "iam-attach", Conditional: cond,
		Evidence: ev(from+"#inline:p", 1, "allows iam:AttachRolePolicy")}
}

func access(from, to string, a graphmodel.Access, cond bool) graphmodel.Edge {
	return graphmodel.Edge{From: from, To: to, Kind: graphmodel.EdgeCanAccess, Access: a, Technique: "s3-" + string(a), Conditional: cond,
		Evidence: ev(from+"#inline:data", 0, "allows "+string(a))}
}

func memberOf(user, group string) graphmodel.Edge {
	return graphmodel.Edge{From: user, To: group, Kind: graphmodel.EdgeMemberOf}
}

// short renders an escalation as "target[?]: from-technique->to, …" with
// the account's trailing names only, "?" marking conditional hops and paths.
func short(e Escalation) string {
	name := func(id string) string {
		if id == acct {
			return "acct"
		}
		return id[strings.LastIndexAny(id, "/:")+1:]
	}
	var hops []string
	for _, h := range e.Path {
		c := ""
		if h.Conditional {
			c = "?"
		}
		hops = append(hops, fmt.Sprintf("%s-%s%s->%s", name(h.From), h.Technique, c, name(h.To)))
	}
	c := ""
	if e.Conditional {
		c = "?"
	}
	return fmt.Sprintf("%s%s via %s: %s", name(e.Target), c, e.Technique, strings.Join(hops, ", "))
}

func find(t *testing.T, res *Result, id string) Identity {
	t.Helper()
	for _, i := range res.Identities {
		if i.ID == id {
			return i
		}
	}
	t.Fatalf("identity %s not in result", id)
	return Identity{}
}

func run(t *testing.T, nodes []graphmodel.Node, facts []graphmodel.Edge, d fakeDeriver, opts Options) *Result {
	t.Helper()
	snap := &graphmodel.Snapshot{SchemaVersion: graphmodel.SchemaVersion, Nodes: nodes, Edges: facts}
	opts.Derivers = append(opts.Derivers, d)
	res, err := Analyze(context.Background(), snap, opts)
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	return res
}

func TestAnalyzeReach(t *testing.T) {
	type want struct {
		adminOf, condAdminOf, identities []string
		resources                        []ResourceReach
		escalations                      []string
		score                            float64
		minHops                          int // -1: none
	}
	tests := []struct {
		name    string
		nodes   []graphmodel.Node
		facts   []graphmodel.Edge
		derived []graphmodel.Edge
		check   string // the identity checked
		want    want
	}{
		{
			name:    "chain to admin",
			nodes:   []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, ""), node(roleR, graphmodel.KindAWSRole, "")},
			derived: []graphmodel.Edge{become(userU, roleR, "sts-001", false), adminOf(roleR, acct)},
			check:   userU,
			want: want{
				adminOf: []string{acct}, condAdminOf: []string{}, identities: []string{roleR}, resources: []ResourceReach{},
				escalations: []string{
					"acct via sts-001: u-sts-001->r, r-admin-policy->acct",
					"r via sts-001: u-sts-001->r",
				},
				score: 11, minHops: 2,
			},
		},
		{
			name:    "conditional edge gives conditional admin only",
			nodes:   []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, ""), node(roleR, graphmodel.KindAWSRole, "")},
			derived: []graphmodel.Edge{become(userU, roleR, "sts-001", true), adminOf(roleR, acct)},
			check:   userU,
			want: want{
				adminOf: []string{}, condAdminOf: []string{acct}, identities: []string{}, resources: []ResourceReach{},
				escalations: []string{
					"acct? via sts-001: u-sts-001?->r, r-admin-policy->acct",
					"r? via sts-001: u-sts-001?->r",
				},
				score: 0, minHops: -1,
			},
		},
		{
			name:    "self-escalation by grant",
			nodes:   []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, acct)},
			derived: []graphmodel.Edge{grantAdmin(userU, userU, false)},
			check:   userU,
			want: want{
				adminOf: []string{acct}, condAdminOf: []string{}, identities: []string{}, resources: []ResourceReach{},
				escalations: []string{"acct via iam-attach: u-iam-attach->acct"},
				score:       10, minHops: 1,
			},
		},
		{
			name: "grant through a chain",
			nodes: []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, ""),
				node(roleR, graphmodel.KindAWSRole, acct)},
			derived: []graphmodel.Edge{become(userU, roleR, "sts-001", false), grantAdmin(userU, roleR, false)},
			check:   userU,
			want: want{
				adminOf: []string{acct}, condAdminOf: []string{}, identities: []string{roleR}, resources: []ResourceReach{},
				escalations: []string{
					"acct via iam-attach: u-sts-001->r, r-iam-attach->acct",
					"r via sts-001: u-sts-001->r",
				},
				score: 11, minHops: 2,
			},
		},
		{
			name: "grant whose grantor is reached later: the path goes through the grantor",
			nodes: []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, acct),
				node(roleR, graphmodel.KindAWSRole, ""), node(roleR2, graphmodel.KindAWSRole, "")},
			// R can grant admin to U; U reaches R through R2.
			derived: []graphmodel.Edge{become(userU, roleR2, "sts-001", false), become(roleR2, roleR, "sts-001", false),
				grantAdmin(roleR, userU, false)},
			check: userU,
			want: want{
				adminOf: []string{acct}, condAdminOf: []string{}, identities: []string{roleR, roleR2}, resources: []ResourceReach{},
				escalations: []string{
					"acct via iam-attach: u-sts-001->r2, r2-sts-001->r, r-iam-attach->acct",
					"r2 via sts-001: u-sts-001->r2",
					"r via sts-001: u-sts-001->r2, r2-sts-001->r",
				},
				score: 12, minHops: 3,
			},
		},
		{
			name: "grant to an unreachable target gives nothing",
			nodes: []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, ""),
				node(roleR, graphmodel.KindAWSRole, acct)},
			derived: []graphmodel.Edge{grantAdmin(userU, roleR, false)},
			check:   userU,
			want: want{
				adminOf: []string{}, condAdminOf: []string{}, identities: []string{}, resources: []ResourceReach{},
				escalations: []string{}, score: 0, minHops: -1,
			},
		},
		{
			name: "conditional grant gives conditional admin",
			nodes: []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, ""),
				node(roleR, graphmodel.KindAWSRole, acct)},
			derived: []graphmodel.Edge{become(userU, roleR, "sts-001", false), grantAdmin(userU, roleR, true)},
			check:   userU,
			want: want{
				adminOf: []string{}, condAdminOf: []string{acct}, identities: []string{roleR}, resources: []ResourceReach{},
				escalations: []string{
					"acct? via iam-attach: u-sts-001->r, r-iam-attach?->acct",
					"r via sts-001: u-sts-001->r",
				},
				score: 1, minHops: -1,
			},
		},
		{
			name: "group membership and grant to the group",
			nodes: []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, ""),
				node(groupG, graphmodel.KindAWSGroup, acct)},
			facts:   []graphmodel.Edge{memberOf(userU, groupG)},
			derived: []graphmodel.Edge{grantAdmin(userU, groupG, false)},
			check:   userU,
			want: want{
				adminOf: []string{acct}, condAdminOf: []string{}, identities: []string{}, resources: []ResourceReach{},
				escalations: []string{"acct via iam-attach: u-group-membership->g, g-iam-attach->acct"},
				score:       10, minHops: 2,
			},
		},
		{
			name: "admin of a scope reaches everything inside it",
			nodes: []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, ""),
				node(roleR, graphmodel.KindAWSRole, ""), node(userX, graphmodel.KindAWSUser, acct),
				node(userY, graphmodel.KindAWSUser, acct), node(bucket, graphmodel.KindAWSResource, acct)},
			derived: []graphmodel.Edge{become(userU, roleR, "sts-001", false), adminOf(roleR, acct)},
			check:   userU,
			want: want{
				adminOf: []string{acct}, condAdminOf: []string{}, identities: []string{roleR, userX, userY},
				resources: []ResourceReach{{ID: bucket, Access: graphmodel.AccessAdmin, Via: acct}},
				escalations: []string{
					"acct via sts-001: u-sts-001->r, r-admin-policy->acct",
					"r via sts-001: u-sts-001->r",
					"x via sts-001: u-sts-001->r, r-admin-policy->acct, acct-admin-of-scope->x",
					"y via sts-001: u-sts-001->r, r-admin-policy->acct, acct-admin-of-scope->y",
				},
				score: 3 + 3 + 10, minHops: 2,
			},
		},
		{
			name: "a scope no collector recorded is still a scope",
			nodes: []graphmodel.Node{node(userU, graphmodel.KindAWSUser, ""), node(roleR, graphmodel.KindAWSRole, ""),
				node(userX, graphmodel.KindAWSUser, acct)},
			derived: []graphmodel.Edge{become(userU, roleR, "sts-001", false), adminOf(roleR, acct)},
			check:   userU,
			want: want{
				adminOf: []string{acct}, condAdminOf: []string{}, identities: []string{roleR, userX}, resources: []ResourceReach{},
				escalations: []string{
					"acct via sts-001: u-sts-001->r, r-admin-policy->acct",
					"r via sts-001: u-sts-001->r",
					"x via sts-001: u-sts-001->r, r-admin-policy->acct, acct-admin-of-scope->x",
				},
				score: 12, minHops: 2,
			},
		},
		{
			name: "only admin_of enters a scope",
			nodes: []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, ""),
				node(userX, graphmodel.KindAWSUser, acct)},
			derived: []graphmodel.Edge{become(userU, acct, "odd", false), access(userU, acct, graphmodel.AccessAdmin, false)},
			check:   userU,
			want: want{
				adminOf: []string{}, condAdminOf: []string{}, identities: []string{}, resources: []ResourceReach{},
				escalations: []string{}, score: 0, minHops: -1,
			},
		},
		{
			name: "highest access wins and conditional resources are not scored",
			nodes: []graphmodel.Node{node(userU, graphmodel.KindAWSUser, ""), node(roleR, graphmodel.KindAWSRole, ""),
				node(bucket, graphmodel.KindAWSResource, ""), node(keyC, graphmodel.KindAWSResource, "")},
			derived: []graphmodel.Edge{
				become(userU, roleR, "sts-001", false),
				access(userU, bucket, graphmodel.AccessRead, false),
				access(roleR, bucket, graphmodel.AccessWrite, false),
				access(userU, bucket, graphmodel.AccessAdmin, true),
				access(roleR, keyC, graphmodel.AccessAdmin, true),
			},
			check: userU,
			want: want{
				adminOf: []string{}, condAdminOf: []string{}, identities: []string{roleR},
				resources: []ResourceReach{
					{ID: keyC, Access: graphmodel.AccessAdmin, Via: roleR, Conditional: true},
					{ID: bucket, Access: graphmodel.AccessWrite, Via: roleR},
				},
				escalations: []string{"r via sts-001: u-sts-001->r"},
				score:       1 + 2, minHops: -1,
			},
		},
		{
			name:  "a certain duplicate of a conditional derived edge wins",
			nodes: []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, ""), node(roleR, graphmodel.KindAWSRole, "")},
			derived: []graphmodel.Edge{become(userU, roleR, "sts-001", true), become(userU, roleR, "sts-001", false),
				adminOf(roleR, acct)},
			check: userU,
			want: want{
				adminOf: []string{acct}, condAdminOf: []string{}, identities: []string{roleR}, resources: []ResourceReach{},
				escalations: []string{
					"acct via sts-001: u-sts-001->r, r-admin-policy->acct",
					"r via sts-001: u-sts-001->r",
				},
				score: 11, minHops: 2,
			},
		},
		{
			name: "a certain path is preferred to a shorter conditional one",
			nodes: []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, ""),
				node(roleR, graphmodel.KindAWSRole, ""), node(roleR2, graphmodel.KindAWSRole, "")},
			derived: []graphmodel.Edge{become(userU, roleR, "sts-001", true), become(userU, roleR2, "sts-001", false),
				become(roleR2, roleR, "sts-001", false), adminOf(roleR, acct)},
			check: userU,
			want: want{
				adminOf: []string{acct}, condAdminOf: []string{}, identities: []string{roleR, roleR2}, resources: []ResourceReach{},
				escalations: []string{
					"acct via sts-001: u-sts-001->r2, r2-sts-001->r, r-admin-policy->acct",
					"r2 via sts-001: u-sts-001->r2",
					"r via sts-001: u-sts-001->r2, r2-sts-001->r",
				},
				score: 12, minHops: 3,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, tc.nodes, tc.facts, fakeDeriver{edges: tc.derived}, Options{})
			got := find(t, res, tc.check)
			if !reflect.DeepEqual(got.AdminOf, tc.want.adminOf) {
				t.Errorf("admin_of = %q, want %q", got.AdminOf, tc.want.adminOf)
			}
			if !reflect.DeepEqual(got.ConditionalAdminOf, tc.want.condAdminOf) {
				t.Errorf("conditional_admin_of = %q, want %q", got.ConditionalAdminOf, tc.want.condAdminOf)
			}
			if !reflect.DeepEqual(got.ReachableIdentities, tc.want.identities) {
				t.Errorf("reachable_identities = %q, want %q", got.ReachableIdentities, tc.want.identities)
			}
			if !reflect.DeepEqual(got.ReachableResources, tc.want.resources) {
				t.Errorf("reachable_resources = %+v, want %+v", got.ReachableResources, tc.want.resources)
			}
			esc := make([]string, len(got.Escalations))
			for i, e := range got.Escalations {
				esc[i] = short(e)
			}
			if !reflect.DeepEqual(esc, tc.want.escalations) {
				t.Errorf("escalations:\n got %q\nwant %q", esc, tc.want.escalations)
			}
			if got.BlastRadius.Score != tc.want.score {
				t.Errorf("score = %v, want %v (breakdown %v)", got.BlastRadius.Score, tc.want.score, got.BlastRadius.Breakdown)
			}
			b := got.BlastRadius.Breakdown
			if sum := b[BreakdownIdentities] + b[BreakdownResources] + b[BreakdownAdminScopes]; sum != got.BlastRadius.Score {
				t.Errorf("breakdown %v does not add up to %v", b, got.BlastRadius.Score)
			}
			if n := b[BreakdownConditionalAdminScopes]; int(n) != len(tc.want.condAdminOf) {
				t.Errorf("breakdown conditional_admin_scopes = %v, want %d", n, len(tc.want.condAdminOf))
			}
			if got.BlastRadius.Identities != len(tc.want.identities) || got.BlastRadius.Resources != len(tc.want.resources) {
				t.Errorf("counts = %d identities, %d resources", got.BlastRadius.Identities, got.BlastRadius.Resources)
			}
			switch {
			case tc.want.minHops < 0 && got.MinHopsToAdmin != nil:
				t.Errorf("min_hops_to_admin = %d, want none", *got.MinHopsToAdmin)
			case tc.want.minHops >= 0 && (got.MinHopsToAdmin == nil || *got.MinHopsToAdmin != tc.want.minHops):
				t.Errorf("min_hops_to_admin = %v, want %d", got.MinHopsToAdmin, tc.want.minHops)
			}
			if got.Truncated {
				t.Error("truncated on a small result")
			}
		})
	}
}

func TestAnalyzeEvidence(t *testing.T) {
	res := run(t,
		[]graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, ""), node(groupG, graphmodel.KindAWSGroup, acct),
			node(roleR, graphmodel.KindAWSRole, acct)},
		[]graphmodel.Edge{memberOf(userU, groupG)},
		fakeDeriver{edges: []graphmodel.Edge{
			{From: groupG, To: roleR, Kind: graphmodel.EdgeCanBecome, Technique: "sts-001", Evidence: []graphmodel.Evidence{
				{Source: roleR + "#trust", Statement: 0, Sid: "Trust", Note: "trusts the account"},
				{Source: groupG + "#inline:assume", Statement: 2, Note: "allows sts:AssumeRole"},
			}},
			{From: roleR, To: roleR, Kind: graphmodel.EdgeCanGrantAdmin, Technique: "iam-009"},
		}},
		Options{})
	u := find(t, res, userU)
	want := []Hop{
		{From: userU, To: groupG, Technique: TechniqueGroupMembership, Evidence: "member of " + groupG},
		{From: groupG, To: roleR, Technique: "sts-001",
			Evidence: roleR + "#trust statement 0 (Sid Trust): trusts the account; " + groupG + "#inline:assume statement 2: allows sts:AssumeRole"},
		{From: roleR, To: acct, Technique: "iam-009", Evidence: "(no evidence recorded) (granted by " + roleR + ")"},
	}
	if len(u.Escalations) == 0 || !reflect.DeepEqual(u.Escalations[0].Path, want) {
		t.Fatalf("first escalation = %+v\nwant path %+v", u.Escalations, want)
	}
	if u.Escalations[0].Technique != "iam-009" || u.Escalations[0].Target != acct {
		t.Errorf("escalation technique/target = %s/%s", u.Escalations[0].Technique, u.Escalations[0].Target)
	}
	// The group is traversed but never listed.
	for _, i := range res.Identities {
		if i.ID == groupG {
			t.Error("group listed as an identity")
		}
	}
}

func TestAnalyzeIdentityFields(t *testing.T) {
	yes := true
	ext := graphmodel.Node{ID: "arn:aws:iam::999999999999:root", Kind: graphmodel.KindAWSExternalAccount, Name: "999999999999"}
	fed := graphmodel.Node{ID: "github:repo:acme/app", Kind: graphmodel.KindGitHubRepo, Provider: graphmodel.ProviderGitHub,
		Aliases: []string{"repo:acme/app:*", "repo:acme/app:ref:refs/heads/main"}}
	u := node(userU, graphmodel.KindAWSUser, "")
	u.NonHuman = &yes
	snap := &graphmodel.Snapshot{
		SchemaVersion: graphmodel.SchemaVersion,
		Sources: []graphmodel.Source{
			{Collector: "aws", Provider: graphmodel.ProviderAWS, Scope: acct, Origin: "offline:gaad.json",
				Gaps: []graphmodel.Gap{{What: "managed policy arn:x", Reason: "absent", Where: "gaad.json"}}},
			{Collector: "aws", Provider: graphmodel.ProviderAWS, Scope: "aws:account:222222222222", Origin: "live"},
		},
		Nodes: []graphmodel.Node{account(), u, node(userX, graphmodel.KindAWSUser, ""), node(groupG, graphmodel.KindAWSGroup, ""),
			node(bucket, graphmodel.KindAWSResource, "")},
	}
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	res, err := Analyze(context.Background(), snap, Options{Now: now, Derivers: []Deriver{fakeDeriver{nodes: []graphmodel.Node{ext, fed}}}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.GeneratedAt.Equal(now) || res.SchemaVersion != ResultSchemaVersion {
		t.Errorf("generated_at %v, schema_version %d", res.GeneratedAt, res.SchemaVersion)
	}
	wantSnaps := []SnapshotInfo{
		{Provider: graphmodel.ProviderAWS, Scope: acct, Origin: "offline:gaad.json", Gaps: snap.Sources[0].Gaps},
		{Provider: graphmodel.ProviderAWS, Scope: "aws:account:222222222222", Origin: "live", Gaps: []graphmodel.Gap{}},
	}
	if !reflect.DeepEqual(res.Snapshots, wantSnaps) {
		t.Errorf("snapshots = %+v, want %+v", res.Snapshots, wantSnaps)
	}
	var ids []string
	for _, i := range res.Identities {
		ids = append(ids, i.ID)
	}
	// Every identity class node, sorted by ID on equal (zero) scores; no group, scope or resource.
	wantIDs := []string{userU, userX, ext.ID, fed.ID}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Fatalf("identities = %q, want %q", ids, wantIDs)
	}
	e := find(t, res, ext.ID)
	if e.Provider != graphmodel.ProviderExternal || !e.NonHuman || e.Name != "999999999999" || e.Aliases == nil {
		t.Errorf("external account = %+v", e)
	}
	f := find(t, res, fed.ID)
	if f.Name != fed.ID || !reflect.DeepEqual(f.Aliases, fed.Aliases) || !f.NonHuman {
		t.Errorf("federated subject = %+v", f)
	}
	if got := find(t, res, userU); !got.NonHuman {
		t.Error("non_human override ignored")
	}
	if got := find(t, res, userX); got.NonHuman || got.Kind != graphmodel.KindAWSUser {
		t.Errorf("plain user = %+v", got)
	}
	for _, i := range res.Identities {
		if i.Aliases == nil || i.AdminOf == nil || i.ConditionalAdminOf == nil || i.ReachableIdentities == nil ||
			i.ReachableResources == nil || i.Escalations == nil || i.BlastRadius.Breakdown == nil {
			t.Errorf("%s has a nil list", i.ID)
		}
	}
}

func TestAnalyzeSummaryTruncation(t *testing.T) {
	const n = 150
	nodes := []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, "")}
	var derived []graphmodel.Edge
	for i := 0; i < n; i++ {
		r := arn("role", fmt.Sprintf("r%03d", i))
		b := fmt.Sprintf("arn:aws:s3:::b%03d", i)
		nodes = append(nodes, node(r, graphmodel.KindAWSRole, ""), node(b, graphmodel.KindAWSResource, ""))
		derived = append(derived, become(userU, r, "sts-001", false), access(r, b, graphmodel.AccessRead, false))
	}
	for _, tc := range []struct {
		detail    Detail
		wantLen   int
		truncated bool
	}{
		{"", SummaryLimit, true},
		{DetailSummary, SummaryLimit, true},
		{DetailFull, n, false},
	} {
		t.Run(string(tc.detail), func(t *testing.T) {
			res := run(t, nodes, nil, fakeDeriver{edges: derived}, Options{Detail: tc.detail})
			u := find(t, res, userU)
			if u.BlastRadius.Identities != n || u.BlastRadius.Resources != n || u.BlastRadius.Score != 2*n {
				t.Errorf("blast radius = %+v, want exact counts %d and score %d", u.BlastRadius, n, 2*n)
			}
			if len(u.ReachableIdentities) != tc.wantLen || len(u.ReachableResources) != tc.wantLen || len(u.Escalations) != tc.wantLen {
				t.Errorf("list lengths = %d/%d/%d, want %d", len(u.ReachableIdentities), len(u.ReachableResources), len(u.Escalations), tc.wantLen)
			}
			if u.Truncated != tc.truncated {
				t.Errorf("truncated = %v, want %v", u.Truncated, tc.truncated)
			}
			// The most significant entries are kept: the first IDs in order.
			if u.ReachableIdentities[0] != arn("role", "r000") || u.ReachableIdentities[tc.wantLen-1] != arn("role", fmt.Sprintf("r%03d", tc.wantLen-1)) {
				t.Errorf("kept identities %s … %s", u.ReachableIdentities[0], u.ReachableIdentities[tc.wantLen-1])
			}
			// A role alone is never truncated.
			if r := find(t, res, arn("role", "r000")); r.Truncated {
				t.Error("small identity marked truncated")
			}
		})
	}
}

func TestAnalyzeRanking(t *testing.T) {
	// a, b, c tie (one role each); z reaches two roles; y reaches admin.
	names := []string{"c", "a", "z", "b", "y"}
	nodes := []graphmodel.Node{account()}
	for _, n := range names {
		nodes = append(nodes, node(arn("user", n), graphmodel.KindAWSUser, ""))
	}
	nodes = append(nodes, node(arn("role", "t1"), graphmodel.KindAWSRole, ""), node(arn("role", "t2"), graphmodel.KindAWSRole, ""))
	derived := []graphmodel.Edge{
		become(arn("user", "c"), arn("role", "t1"), "sts-001", false),
		become(arn("user", "a"), arn("role", "t1"), "sts-001", false),
		become(arn("user", "b"), arn("role", "t2"), "sts-001", false),
		become(arn("user", "z"), arn("role", "t1"), "sts-001", false),
		become(arn("user", "z"), arn("role", "t2"), "sts-001", false),
		adminOf(arn("user", "y"), acct),
	}
	want := []string{"user/y", "user/z", "role/t1", "role/t2", "user/a", "user/b", "user/c"}
	var first *Result
	for _, workers := range []int{1, 2, 8} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			res := run(t, nodes, nil, fakeDeriver{edges: derived}, Options{Workers: workers, Now: time.Unix(0, 0).UTC()})
			var got []string
			for i, id := range res.Identities {
				if id.Rank != i+1 {
					t.Errorf("%s rank %d at position %d", id.ID, id.Rank, i)
				}
				got = append(got, strings.TrimPrefix(id.ID, "arn:aws:iam::111111111111:"))
			}
			// t1 and t2 reach nothing: score 0, after the users with 1.
			want := []string{want[0], want[1], want[4], want[5], want[6], want[2], want[3]}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("order = %q, want %q", got, want)
			}
			if first == nil {
				first = res
			} else if !reflect.DeepEqual(first, res) {
				t.Error("result differs between worker counts")
			}
		})
	}
}

func TestAnalyzeErrors(t *testing.T) {
	snap := &graphmodel.Snapshot{SchemaVersion: graphmodel.SchemaVersion, Nodes: []graphmodel.Node{node(userU, graphmodel.KindAWSUser, "")}}
	sentinel := errors.New("no policies")
	tests := []struct {
		name string
		snap *graphmodel.Snapshot
		opts Options
		want string
	}{
		{"nil snapshot", nil, Options{}, "no snapshot"},
		{"bad detail", snap, Options{Detail: "verbose"}, `unknown detail "verbose"`},
		{"deriver error", snap, Options{Derivers: []Deriver{fakeDeriver{err: sentinel}}}, "derive fake: no policies"},
		{"deriver panic", snap, Options{Derivers: []Deriver{fakeDeriver{panic: true}}}, "derive fake: panic: boom"},
		{"derived edge without kind", snap, Options{Derivers: []Deriver{fakeDeriver{edges: []graphmodel.Edge{{From: userU, To: roleR}}}}}, "from, to and kind are required"},
		{"derived node without id", snap, Options{Derivers: []Deriver{fakeDeriver{nodes: []graphmodel.Node{{Kind: graphmodel.KindAWSRole}}}}}, "derived node without id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Analyze(context.Background(), tc.snap, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if tc.name == "deriver error" && !errors.Is(err, sentinel) {
				t.Errorf("deriver error not wrapped: %v", err)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, snap, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

func TestParseDetail(t *testing.T) {
	for in, want := range map[string]Detail{"": DetailSummary, "summary": DetailSummary, "full": DetailFull} {
		if got, err := ParseDetail(in); err != nil || got != want {
			t.Errorf("ParseDetail(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseDetail("all"); err == nil {
		t.Error("ParseDetail(all) accepted")
	}
}

// composingDeriver's catalogue names sts-001 followed by iam-attach as
// "iam-014".
type composingDeriver struct{ fakeDeriver }

func (composingDeriver) Techniques() []graphmodel.Technique {
	return []graphmodel.Technique{{ID: "iam-014", Provider: graphmodel.ProviderAWS, Steps: []string{"sts-001", "iam-attach"}}}
}

func TestEscalationTechniqueNaming(t *testing.T) {
	nodes := []graphmodel.Node{account(), node(userU, graphmodel.KindAWSUser, acct), node(roleR, graphmodel.KindAWSRole, acct),
		node(roleR2, graphmodel.KindAWSRole, acct)}
	tests := []struct {
		name    string
		deriver Deriver
		want    string
	}{
		{"the hop that does something names the escalation, not holding an admin policy",
			fakeDeriver{edges: []graphmodel.Edge{become(userU, roleR, "sts-001", false), adminOf(roleR, acct)}}, "sts-001"},
		{"a direct administrator is named by its admin policy",
			fakeDeriver{edges: []graphmodel.Edge{adminOf(userU, acct)}}, "admin-policy"},
		{"a grant is named by its own technique without a composer",
			fakeDeriver{edges: []graphmodel.Edge{become(userU, roleR, "sts-001", false), grantAdmin(userU, roleR, false)}}, "iam-attach"},
		{"the composer names a grant right after its grantor reached the grantee",
			composingDeriver{fakeDeriver{edges: []graphmodel.Edge{become(userU, roleR, "sts-001", false), grantAdmin(userU, roleR, false)}}}, "iam-014"},
		{"no composite when another identity made the previous hop",
			composingDeriver{fakeDeriver{edges: []graphmodel.Edge{become(userU, roleR2, "sts-001", false), become(roleR2, roleR, "sts-001", false),
				grantAdmin(userU, roleR, false)}}}, "iam-attach"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			snap := &graphmodel.Snapshot{SchemaVersion: 1, Nodes: nodes}
			res, err := Analyze(context.Background(), snap, Options{Derivers: []Deriver{tc.deriver}, Detail: DetailFull})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range res.Identities {
				if id.ID != userU {
					continue
				}
				for _, e := range id.Escalations {
					if e.Target == acct {
						if e.Technique != tc.want {
							t.Fatalf("technique = %q, want %q (path %+v)", e.Technique, tc.want, e.Path)
						}
						return
					}
				}
			}
			t.Fatalf("no escalation of %s to %s", userU, acct)
		})
	}
}
