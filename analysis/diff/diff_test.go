package diff

import (
	"reflect"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
)

const (
	acct   = "aws:account:111111111111"
	other  = "aws:account:222222222222"
	app    = "arn:aws:iam::111111111111:role/app"
	ops    = "arn:aws:iam::111111111111:role/ops-admin"
	alice  = "arn:aws:iam::111111111111:user/alice"
	bob    = "arn:aws:iam::111111111111:user/bob"
	bucket = "arn:aws:s3:::artifacts"
	secret = "arn:aws:secretsmanager:us-east-1:111111111111:secret:db"
)

// ident builds an identity; change adjusts it.
func ident(id string, score float64, change func(*analysis.Identity)) analysis.Identity {
	i := analysis.Identity{
		ID: id, Name: id[strings.LastIndex(id, "/")+1:], Provider: graphmodel.ProviderAWS, Kind: graphmodel.KindAWSRole,
		NonHuman: true, BlastRadius: analysis.BlastRadius{Score: score},
	}
	if change != nil {
		change(&i)
	}
	return i
}

func result(ids ...analysis.Identity) *analysis.Result {
	return &analysis.Result{
		SchemaVersion: 1,
		Snapshots:     []analysis.SnapshotInfo{{Provider: graphmodel.ProviderAWS, Scope: acct}},
		Identities:    ids,
	}
}

// adminPath is the certain escalation from app to acct through ops.
func adminPath(cond bool, target string) analysis.Escalation {
	return analysis.Escalation{Technique: "admin-equivalent-policy", Target: target, Conditional: cond, Path: []analysis.Hop{
		{From: app, To: ops, Technique: "sts-001", Evidence: ops + " trust policy statement 0", Conditional: cond},
		{From: ops, To: target, Technique: "admin-equivalent-policy", Evidence: ops + "#inline:inline statement 0"},
	}}
}

// short renders a finding as "kind identity target".
func short(f Finding) string {
	s := string(f.Kind) + " " + f.Identity.ID
	if f.Target != "" {
		s += " " + f.Target
	}
	return s
}

func shorts(fs []Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, short(f))
	}
	return out
}

func TestCompareFindings(t *testing.T) {
	tests := []struct {
		name              string
		baseline, current *analysis.Result
		want              []string
	}{
		{
			name:     "nothing changed",
			baseline: result(ident(app, 1, nil), ident(ops, 11, func(i *analysis.Identity) { i.AdminOf = []string{acct} })),
			current:  result(ident(app, 1, nil), ident(ops, 11, func(i *analysis.Identity) { i.AdminOf = []string{acct} })),
			want:     []string{},
		},
		{
			name:     "new path to admin",
			baseline: result(ident(app, 0, nil)),
			current: result(ident(app, 11, func(i *analysis.Identity) {
				i.AdminOf = []string{acct}
				i.ReachableIdentities = []string{ops}
				i.Escalations = []analysis.Escalation{adminPath(false, acct)}
			})),
			want: []string{
				"new-admin " + app + " " + acct,
				"gained-identities " + app,
				"score-increase " + app,
			},
		},
		{
			name:     "new identity that is admin, and conditional admin elsewhere",
			baseline: result(ident(app, 0, nil)),
			current: result(ident(app, 0, nil), ident(ops, 10, func(i *analysis.Identity) {
				i.AdminOf = []string{acct}
				i.ConditionalAdminOf = []string{other}
			})),
			want: []string{
				"new-admin " + ops + " " + acct,
				"new-identity " + ops,
				"new-conditional-admin " + ops + " " + other,
			},
		},
		{
			name:     "conditional admin gained, then made certain",
			baseline: result(ident(app, 0, func(i *analysis.Identity) { i.ConditionalAdminOf = []string{other} })),
			current: result(ident(app, 10, func(i *analysis.Identity) {
				i.AdminOf = []string{other}
				i.ConditionalAdminOf = []string{acct}
			})),
			want: []string{
				"new-admin " + app + " " + other,
				"score-increase " + app,
				"new-conditional-admin " + app + " " + acct,
			},
		},
		{
			name:     "admin turned conditional is no gain",
			baseline: result(ident(app, 10, func(i *analysis.Identity) { i.AdminOf = []string{acct} })),
			current:  result(ident(app, 0, func(i *analysis.Identity) { i.ConditionalAdminOf = []string{acct} })),
			want:     []string{},
		},
		{
			name: "resources gained and raised; conditional and lowered ones ignored",
			baseline: result(ident(app, 3, func(i *analysis.Identity) {
				i.ReachableResources = []analysis.ResourceReach{
					{ID: bucket, Access: graphmodel.AccessRead},
					{ID: secret, Access: graphmodel.AccessWrite},
				}
			})),
			current: result(ident(app, 3, func(i *analysis.Identity) {
				i.ReachableResources = []analysis.ResourceReach{
					{ID: bucket, Access: graphmodel.AccessAdmin},
					{ID: secret, Access: graphmodel.AccessRead},
					{ID: "arn:aws:s3:::logs", Access: graphmodel.AccessWrite, Conditional: true},
				}
			})),
			want: []string{"gained-resources " + app},
		},
		{
			name:     "score fell, identity removed: no finding",
			baseline: result(ident(app, 5, nil), ident(ops, 11, nil)),
			current:  result(ident(app, 4, nil)),
			want:     []string{},
		},
		{
			name:     "sorted by severity, identity, kind",
			baseline: result(ident(bob, 1, nil), ident(alice, 1, nil)),
			current: result(
				ident(bob, 2, func(i *analysis.Identity) { i.AdminOf = []string{acct} }),
				ident(alice, 3, func(i *analysis.Identity) { i.ReachableIdentities = []string{bob} }),
				ident(app, 0, nil),
			),
			want: []string{
				"new-admin " + bob + " " + acct,
				"gained-identities " + alice,
				"score-increase " + alice,
				"score-increase " + bob,
				"new-identity " + app,
			},
		},
		{
			name:     "nil baseline: everything is new",
			baseline: nil,
			current:  result(ident(app, 0, nil)),
			want:     []string{"new-identity " + app},
		},
		{
			name:     "both nil",
			baseline: nil,
			current:  nil,
			want:     []string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := Compare(tc.baseline, tc.current)
			if got := shorts(rep.Findings); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings:\n got %q\nwant %q", got, tc.want)
			}
			for _, f := range rep.Findings {
				if f.Severity != f.Kind.Severity() {
					t.Errorf("%s has severity %s, want %s", short(f), f.Severity, f.Kind.Severity())
				}
			}
		})
	}
}

func TestCompareDetails(t *testing.T) {
	baseline := result(ident(app, 4, func(i *analysis.Identity) {
		i.ReachableResources = []analysis.ResourceReach{{ID: bucket, Access: graphmodel.AccessRead}}
	}), ident(ops, 11, nil))
	current := result(ident(app, 15, func(i *analysis.Identity) {
		i.AdminOf = []string{acct}
		i.ConditionalAdminOf = []string{other}
		i.ReachableIdentities = []string{ops, alice}
		i.ReachableResources = []analysis.ResourceReach{
			{ID: bucket, Access: graphmodel.AccessAdmin, Via: acct},
			{ID: secret, Access: graphmodel.AccessAdmin, Via: acct},
		}
		i.Escalations = []analysis.Escalation{adminPath(false, acct), adminPath(true, other)}
	}))
	rep := Compare(baseline, current)
	byKind := map[Kind]Finding{}
	for _, f := range rep.Findings {
		byKind[f.Kind] = f
	}

	admin := byKind[KindNewAdmin]
	if len(admin.Paths) != 1 || admin.Paths[0].Target != acct || admin.Paths[0].Conditional || len(admin.Paths[0].Path) != 2 {
		t.Errorf("new-admin paths = %+v, want the one certain path to %s", admin.Paths, acct)
	}
	if want := app + " can now obtain administrator of " + acct + " (2 hops: sts-001, admin-equivalent-policy)."; admin.Message() != want {
		t.Errorf("message = %q, want %q", admin.Message(), want)
	}
	cond := byKind[KindNewConditionalAdmin]
	if cond.Target != other || len(cond.Paths) != 1 || !cond.Paths[0].Conditional {
		t.Errorf("new-conditional-admin = %+v", cond)
	}
	if got := byKind[KindGainedIdentities].Identities; !reflect.DeepEqual(got, []string{ops, alice}) {
		t.Errorf("gained identities = %q, want them sorted by ID", got)
	}
	wantRes := []ResourceChange{
		{ID: bucket, Before: graphmodel.AccessRead, After: graphmodel.AccessAdmin, Via: acct},
		{ID: secret, After: graphmodel.AccessAdmin, Via: acct},
	}
	if got := byKind[KindGainedResources].Resources; !reflect.DeepEqual(got, wantRes) {
		t.Errorf("gained resources = %+v\nwant %+v", got, wantRes)
	}
	if msg := byKind[KindGainedResources].Message(); !strings.Contains(msg, bucket+" (read→admin)") || !strings.Contains(msg, secret+" (admin)") {
		t.Errorf("gained-resources message = %q", msg)
	}
	sc := byKind[KindScoreIncrease].Score
	if sc == nil || sc.Before != 4 || sc.After != 15 || sc.Percent == nil || *sc.Percent != 275 {
		t.Errorf("score change = %+v, want 4 → 15 (+275%%)", sc)
	}
	if got := byKind[KindScoreIncrease].Message(); !strings.Contains(got, "from 4.0 to 15.0 (+275%)") {
		t.Errorf("score message = %q", got)
	}
	if len(rep.Removed) != 1 || rep.Removed[0].ID != ops {
		t.Errorf("removed = %+v, want ops-admin", rep.Removed)
	}
	if rep.Baseline.Identities != 2 || rep.Current.Identities != 1 {
		t.Errorf("sides count %d and %d identities", rep.Baseline.Identities, rep.Current.Identities)
	}
}

func TestCompareScoreFromZero(t *testing.T) {
	rep := Compare(result(ident(app, 0, nil)), result(ident(app, 3, nil)))
	if len(rep.Findings) != 1 || rep.Findings[0].Score == nil || rep.Findings[0].Score.Percent != nil {
		t.Fatalf("findings = %+v, want one score increase without a percent", rep.Findings)
	}
	if got := rep.Findings[0].Message(); !strings.Contains(got, "from zero") {
		t.Errorf("message = %q", got)
	}
}

func TestCompareGapsAndNotes(t *testing.T) {
	shared := graphmodel.Gap{What: "s3:GetBucketPolicy", Reason: "AccessDenied"}
	closed := graphmodel.Gap{What: "managed policy arn:aws:iam::111111111111:policy/gone", Reason: "absent", Where: "gaad.json"}
	opened := graphmodel.Gap{What: "group name ops", Reason: "absent"}
	baseline := &analysis.Result{Snapshots: []analysis.SnapshotInfo{
		{Provider: graphmodel.ProviderAWS, Scope: acct, Gaps: []graphmodel.Gap{closed, shared, shared}},
		{Provider: graphmodel.ProviderAWS, Scope: other},
	}}
	current := &analysis.Result{Snapshots: []analysis.SnapshotInfo{
		{Provider: graphmodel.ProviderAWS, Scope: acct, Gaps: []graphmodel.Gap{shared, opened}},
		{Provider: graphmodel.ProviderKubernetes, Scope: "k8s:cluster:prod"},
	}}
	rep := Compare(baseline, current)
	want := []GapEntry{
		{In: GapInCurrent, Provider: graphmodel.ProviderAWS, Scope: acct, Gap: opened},
		{In: GapInBaseline, Provider: graphmodel.ProviderAWS, Scope: acct, Gap: closed},
		{In: GapInBoth, Provider: graphmodel.ProviderAWS, Scope: acct, Gap: shared},
	}
	if !reflect.DeepEqual(rep.Gaps, want) {
		t.Errorf("gaps:\n got %+v\nwant %+v", rep.Gaps, want)
	}
	if len(rep.Notes) != 2 || !strings.Contains(rep.Notes[0], "k8s:cluster:prod is analyzed only in the current") ||
		!strings.Contains(rep.Notes[1], other+" is analyzed only in the baseline") {
		t.Errorf("notes = %q", rep.Notes)
	}
	if len(rep.Baseline.Snapshots[0].Gaps) != 3 || len(rep.Current.Snapshots) != 2 {
		t.Errorf("sides do not keep their snapshots: %+v / %+v", rep.Baseline, rep.Current)
	}
}

func TestComparePartial(t *testing.T) {
	baseline := result(ident(app, 1, func(i *analysis.Identity) { i.Truncated = true }))
	current := result(ident(app, 2, func(i *analysis.Identity) { i.ReachableIdentities = []string{ops} }))
	rep := Compare(baseline, current)
	if len(rep.Findings) != 2 {
		t.Fatalf("findings = %q", shorts(rep.Findings))
	}
	for _, f := range rep.Findings {
		if !f.Partial {
			t.Errorf("%s not marked partial", short(f))
		}
	}
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "--detail full") {
		t.Errorf("notes = %q", rep.Notes)
	}
}

func TestCompareDoesNotChangeInputs(t *testing.T) {
	current := result(ident(app, 11, func(i *analysis.Identity) {
		i.AdminOf = []string{acct, acct}
		i.Escalations = []analysis.Escalation{adminPath(false, acct)}
	}))
	rep := Compare(nil, current)
	rep.Findings[0].Paths[0].Path[0].From = "changed"
	if current.Identities[0].Escalations[0].Path[0].From != app {
		t.Error("a report shares its paths with the result")
	}
	if n := rep.Count(KindNewAdmin); n != 1 {
		t.Errorf("a repeated admin scope gave %d new-admin findings", n)
	}
	if got := rep.CountSeverity(SeverityHigh); got != 1 {
		t.Errorf("CountSeverity(high) = %d", got)
	}
}
