package gcp_test

import (
	"context"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	gcpanalysis "github.com/blastradius/blastradius/analysis/gcp"
	"github.com/blastradius/blastradius/graphmodel"
)

// TestGroupMembership: with group memberships collected (member_of edges
// into Google groups, as a directory collection records them), a member
// holds its groups' grants through the group, and a technique whose
// permissions it holds partly itself and partly through a group is its
// own edge.
func TestGroupMembership(t *testing.T) {
	snap := snapshotOf(t, "member-group")
	ops, builders := "gcp:group:ops@example.com", "gcp:group:builders@example.com"
	snap = graphmodel.Merge(snap, &graphmodel.Snapshot{Edges: []graphmodel.Edge{
		{From: attacker, To: ops, Kind: graphmodel.EdgeMemberOf},
		{From: attacker, To: builders, Kind: graphmodel.EdgeMemberOf},
	}})
	g, err := analysis.Prepare(context.Background(), snap, analysis.Options{
		Derivers: []analysis.Deriver{gcpanalysis.NewAt(fixedNow)}, Detail: analysis.DetailFull, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	list := pathsTo(t, g, attacker, prod)
	want := []hop{{attacker, ops, "group-membership"}, {ops, target, gcpanalysis.TechGetAccessToken}, {target, prod, gcpanalysis.TechSetProjectPolicy}}
	if len(list) == 0 || render(hopsOf(list[0])) != render(want) {
		t.Fatalf("paths %v, want %s", list, render(want))
	}
	_, edges := g.Derived()
	combined := false
	for _, e := range analysis.ExpandTargetSets(edges) { // an edge per target
		switch {
		case e.From == attacker && e.To == app && e.Technique == gcpanalysis.TechFunctionCreateCall:
			combined = !e.Conditional
		case e.From == attacker && e.To == target:
			t.Errorf("the member repeats its group's edge: %s", e.Technique)
		case e.From == builders:
			t.Errorf("builders, who may not act as anyone, has an edge %s to %s", e.Technique, e.To)
		}
	}
	if !combined {
		t.Error("no edge for the function created with the group's permissions as the account the member may act as")
	}
}
