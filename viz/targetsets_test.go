package viz

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
)

// Node IDs of the target-set fixture.
const (
	tsAlice = "arn:aws:iam::111122223333:user/alice"
	tsBob   = "arn:aws:iam::111122223333:user/bob"
	tsCarol = "arn:aws:iam::111122223333:user/carol"
	tsAPI   = "arn:aws:iam::111122223333:role/app-api"
	tsWeb   = "arn:aws:iam::111122223333:role/app-web"
	tsJobs  = "arn:aws:iam::111122223333:role/app-jobs"
	tsLogs  = "arn:aws:s3:::acme-logs"
)

// fixedDeriver returns the same edges for any snapshot.
type fixedDeriver []graphmodel.Edge

func (fixedDeriver) Name() string { return "fixed" }

func (d fixedDeriver) Derive(context.Context, *graphmodel.Snapshot) ([]graphmodel.Node, []graphmodel.Edge, error) {
	return nil, slices.Clone([]graphmodel.Edge(d)), nil
}

// sharedTargetsEstate is an estate where three users may assume the same
// three roles, each by its own statement and the roles' trust policies,
// which name the role, and write to the same two buckets by one statement
// each: the analysis groups the roles into a target set, and the buckets.
func sharedTargetsEstate() (*graphmodel.Snapshot, []graphmodel.Edge) {
	snap := &graphmodel.Snapshot{Nodes: []graphmodel.Node{
		{ID: fxAccount, Kind: graphmodel.KindAWSAccount, Provider: graphmodel.ProviderAWS, Name: "acme-prod"},
		{ID: tsLogs, Kind: graphmodel.KindAWSResource, Provider: graphmodel.ProviderAWS, Name: "acme-logs", Scope: fxAccount},
		{ID: fxBucket, Kind: graphmodel.KindAWSResource, Provider: graphmodel.ProviderAWS, Name: "acme-data", Scope: fxAccount},
	}}
	for _, r := range []string{tsAPI, tsWeb, tsJobs} {
		snap.Nodes = append(snap.Nodes, graphmodel.Node{ID: r, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS, Name: r[strings.LastIndex(r, "/")+1:], Scope: fxAccount})
	}
	var derived []graphmodel.Edge
	for _, u := range []string{tsAlice, tsBob, tsCarol} {
		snap.Nodes = append(snap.Nodes, graphmodel.Node{ID: u, Kind: graphmodel.KindAWSUser, Provider: graphmodel.ProviderAWS, Name: u[strings.LastIndex(u, "/")+1:], Scope: fxAccount})
		for _, r := range []string{tsAPI, tsWeb, tsJobs} {
			derived = append(derived, graphmodel.Edge{From: u, To: r, Kind: graphmodel.EdgeCanBecome, Technique: "sts-001", Evidence: []graphmodel.Evidence{
				{Source: r + " trust policy", Statement: 0, Note: "admits " + u},
				{Source: u + "#inline:deploy", Statement: 0, Sid: "AssumeApps", Note: "allows sts:AssumeRole"},
			}})
		}
		for _, b := range []string{tsLogs, fxBucket} {
			derived = append(derived, graphmodel.Edge{From: u, To: b, Kind: graphmodel.EdgeCanAccess, Technique: "s3:PutObject", Access: graphmodel.AccessWrite,
				Evidence: ev(u+"#inline:buckets", 0, "allows s3:PutObject")})
		}
	}
	return snap, derived
}

// TestFromEstateExpandsTargetSets draws an estate whose analysis groups
// three roles into a target set, and two buckets into another: the drawing
// has the edge from each user to each role, with the evidence naming that
// role, and to each bucket, with its access, and neither the sets nor
// their includes edges; it is the drawing of the ungrouped edges.
func TestFromEstateExpandsTargetSets(t *testing.T) {
	snap, derived := sharedTargetsEstate()
	g, err := analysis.Prepare(context.Background(), snap, analysis.Options{Derivers: []analysis.Deriver{fixedDeriver(derived)}})
	if err != nil {
		t.Fatal(err)
	}
	nodes, edges := g.Derived()
	sets := 0
	for _, n := range nodes {
		if n.Kind.IsTargetSet() {
			sets++
		}
	}
	if sets != 2 {
		t.Fatalf("the analysis made %d target sets of the fixture, want 2: the test proves nothing", sets)
	}
	got := FromEstate(snap, nodes, edges)
	want := FromEstate(snap, nil, derived)
	if !sameGraph(got, want) {
		t.Errorf("drawing with the target set differs from the ungrouped one:\ngot  %+v\nwant %+v", got, want)
	}
	for _, n := range got.Nodes {
		if n.Kind.IsTargetSet() || strings.Contains(n.ID, "target-set:") {
			t.Errorf("a target set is drawn: %+v", n)
		}
	}

	var dot, mmd bytes.Buffer
	if err := WriteDOT(&dot, got); err != nil {
		t.Fatal(err)
	}
	if err := WriteMermaid(&mmd, got); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{dot.String(), mmd.String()} {
		if strings.Contains(out, "target-set") || strings.Contains(out, graphmodel.TargetPlaceholder) || strings.Contains(out, "includes") {
			t.Errorf("the drawing shows the target set:\n%s", out)
		}
	}
	// Every user → role edge, exactly (nodes are numbered by ID), and the
	// edges to the buckets.
	for _, line := range []string{
		`  n3 -> n6 [label="write", color="#6b7280", fontcolor="#6b7280", tooltip="can_access: s3:PutObject\narn:aws:iam::111122223333:user/alice#inline:buckets statement 0: allows s3:PutObject"];`,
		`  n5 -> n7 [label="write", color="#6b7280", fontcolor="#6b7280", tooltip="can_access: s3:PutObject\narn:aws:iam::111122223333:user/carol#inline:buckets statement 0: allows s3:PutObject"];`,
		`  n3 -> n0 [label="sts-001", color="#1f2937", fontcolor="#1f2937", tooltip="can_become: sts-001\narn:aws:iam::111122223333:role/app-api trust policy statement 0: admits arn:aws:iam::111122223333:user/alice\narn:aws:iam::111122223333:user/alice#inline:deploy statement 0 (Sid AssumeApps): allows sts:AssumeRole"];`,
		`  n3 -> n1 [label="sts-001", color="#1f2937", fontcolor="#1f2937", tooltip="can_become: sts-001\narn:aws:iam::111122223333:role/app-jobs trust policy statement 0: admits arn:aws:iam::111122223333:user/alice\narn:aws:iam::111122223333:user/alice#inline:deploy statement 0 (Sid AssumeApps): allows sts:AssumeRole"];`,
		`  n3 -> n2 [label="sts-001", color="#1f2937", fontcolor="#1f2937", tooltip="can_become: sts-001\narn:aws:iam::111122223333:role/app-web trust policy statement 0: admits arn:aws:iam::111122223333:user/alice\narn:aws:iam::111122223333:user/alice#inline:deploy statement 0 (Sid AssumeApps): allows sts:AssumeRole"];`,
		`  n4 -> n0 [label="sts-001", color="#1f2937", fontcolor="#1f2937", tooltip="can_become: sts-001\narn:aws:iam::111122223333:role/app-api trust policy statement 0: admits arn:aws:iam::111122223333:user/bob\narn:aws:iam::111122223333:user/bob#inline:deploy statement 0 (Sid AssumeApps): allows sts:AssumeRole"];`,
		`  n4 -> n1 [label="sts-001", color="#1f2937", fontcolor="#1f2937", tooltip="can_become: sts-001\narn:aws:iam::111122223333:role/app-jobs trust policy statement 0: admits arn:aws:iam::111122223333:user/bob\narn:aws:iam::111122223333:user/bob#inline:deploy statement 0 (Sid AssumeApps): allows sts:AssumeRole"];`,
		`  n4 -> n2 [label="sts-001", color="#1f2937", fontcolor="#1f2937", tooltip="can_become: sts-001\narn:aws:iam::111122223333:role/app-web trust policy statement 0: admits arn:aws:iam::111122223333:user/bob\narn:aws:iam::111122223333:user/bob#inline:deploy statement 0 (Sid AssumeApps): allows sts:AssumeRole"];`,
		`  n5 -> n0 [label="sts-001", color="#1f2937", fontcolor="#1f2937", tooltip="can_become: sts-001\narn:aws:iam::111122223333:role/app-api trust policy statement 0: admits arn:aws:iam::111122223333:user/carol\narn:aws:iam::111122223333:user/carol#inline:deploy statement 0 (Sid AssumeApps): allows sts:AssumeRole"];`,
		`  n5 -> n1 [label="sts-001", color="#1f2937", fontcolor="#1f2937", tooltip="can_become: sts-001\narn:aws:iam::111122223333:role/app-jobs trust policy statement 0: admits arn:aws:iam::111122223333:user/carol\narn:aws:iam::111122223333:user/carol#inline:deploy statement 0 (Sid AssumeApps): allows sts:AssumeRole"];`,
		`  n5 -> n2 [label="sts-001", color="#1f2937", fontcolor="#1f2937", tooltip="can_become: sts-001\narn:aws:iam::111122223333:role/app-web trust policy statement 0: admits arn:aws:iam::111122223333:user/carol\narn:aws:iam::111122223333:user/carol#inline:deploy statement 0 (Sid AssumeApps): allows sts:AssumeRole"];`,
	} {
		if !hasLine(dot.String(), line) {
			t.Errorf("DOT lacks the line\n%s\nin\n%s", line, dot.String())
		}
	}
	for _, line := range []string{
		`  n3 -->|"sts-001"| n0`, `  n3 -->|"sts-001"| n1`, `  n3 -->|"sts-001"| n2`,
		`  n4 -->|"sts-001"| n0`, `  n4 -->|"sts-001"| n1`, `  n4 -->|"sts-001"| n2`,
		`  n5 -->|"sts-001"| n0`, `  n5 -->|"sts-001"| n1`, `  n5 -->|"sts-001"| n2`,
		`  n3 -->|"write"| n6`, `  n3 -->|"write"| n7`, `  n4 -->|"write"| n6`, `  n4 -->|"write"| n7`, `  n5 -->|"write"| n6`, `  n5 -->|"write"| n7`,
	} {
		if !hasLine(mmd.String(), line) {
			t.Errorf("Mermaid lacks the line\n%s\nin\n%s", line, mmd.String())
		}
	}

	// A neighbourhood counts the edge to a member as one step.
	for _, tc := range []struct {
		focus string
		want  []string
	}{
		{tsAlice, []string{tsAPI, tsAlice, tsJobs, tsWeb, tsLogs, fxBucket}},
		{tsWeb, []string{tsWeb, tsAlice, tsBob, tsCarol}},
		{fxBucket, []string{fxBucket, tsAlice, tsBob, tsCarol}},
	} {
		sub, err := got.Neighbourhood(tc.focus, 1, snap)
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if ids := nodeIDs(sub); !slices.Equal(ids, want) {
			t.Errorf("neighbourhood of %s: %v, want %v", tc.focus, ids, want)
		}
	}
}

// sameGraph reports whether a and b have the same nodes and edges, the
// evidence of an edge compared as a set (its order is that of the edges
// merged).
func sameGraph(a, b *Graph) bool {
	if !slices.Equal(a.Nodes, b.Nodes) || len(a.Edges) != len(b.Edges) {
		return false
	}
	for i := range a.Edges {
		x, y := a.Edges[i], b.Edges[i]
		ex, ey := slices.Sorted(slices.Values(x.Evidence)), slices.Sorted(slices.Values(y.Evidence))
		if x.From != y.From || x.To != y.To || x.Kind != y.Kind || x.Access != y.Access || x.Conditional != y.Conditional ||
			!slices.Equal(x.Techniques, y.Techniques) || !slices.Equal(ex, ey) {
			return false
		}
	}
	return true
}

// hasLine reports whether text has line as one of its lines.
func hasLine(text, line string) bool {
	return slices.Contains(strings.Split(text, "\n"), line)
}
