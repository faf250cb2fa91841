package analysis

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// TestExpandTargetSets checks, over the random estates of
// TestTargetSetsMatchUngrouped, that expanding the target sets of the
// derived edges gives back the derivers' edges: for each key, the edge the
// attack graph keeps (the first certain one, else the first), with its
// conditions and evidence, placeholder replaced; and that an edge into a
// set and its includes edges are all that differ.
func TestExpandTargetSets(t *testing.T) {
	sets := 0
	for seed := int64(1); seed <= 40; seed++ {
		snap, d := randomEstate(seed, 20+int(seed%6)*15)
		derived := func(ungrouped bool) ([]graphmodel.Node, []graphmodel.Edge) {
			g, err := Prepare(context.Background(), snap, Options{Derivers: []Deriver{d}, Now: time.Unix(0, 0).UTC(), ungrouped: ungrouped})
			if err != nil {
				t.Fatal(err)
			}
			return g.Derived()
		}
		nodes, grouped := derived(false)
		_, plain := derived(true)
		isSet := map[string]bool{}
		for _, n := range nodes {
			if n.Kind.IsTargetSet() {
				isSet[n.ID] = true
			}
		}
		sets += len(isSet)
		members := TargetSetMembers(grouped)
		if !slices.Equal(slices.Sorted(maps.Keys(members)), slices.Sorted(maps.Keys(isSet))) {
			t.Fatalf("seed %d: members of %v, want of the sets %v", seed, slices.Sorted(maps.Keys(members)), slices.Sorted(maps.Keys(isSet)))
		}
		expanded := ExpandTargetSets(grouped)
		for _, e := range expanded {
			if isSet[e.From] || isSet[e.To] || e.Kind == graphmodel.EdgeIncludes {
				t.Fatalf("seed %d: expanded edge %s -%s-> %s touches a set", seed, e.From, e.Kind, e.To)
			}
		}
		got, want := kept(expanded), kept(plain)
		if len(got) != len(want) {
			t.Fatalf("seed %d: %d keys expanded, want %d", seed, len(got), len(want))
		}
		for k, w := range want {
			g, ok := got[k]
			if !ok || renderEvidence(&g) != renderEvidence(&w) || g.Conditional != w.Conditional || !slices.Equal(g.Conditions, w.Conditions) || g.Via != w.Via {
				t.Fatalf("seed %d: expanded %+v, want %+v", seed, g, w)
			}
		}
	}
	if sets == 0 {
		t.Fatal("no target set in the random estates: the test proves nothing")
	}
	if e := []graphmodel.Edge{{From: "a", To: "b", Kind: graphmodel.EdgeCanBecome}}; &ExpandTargetSets(e)[0] != &e[0] {
		t.Error("edges without target sets are copied")
	}
}

// kept returns, by key, the edge of edges the attack graph keeps: the
// first certain one, else the first.
func kept(edges []graphmodel.Edge) map[string]graphmodel.Edge {
	out := map[string]graphmodel.Edge{}
	for _, e := range edges {
		k := e.Key()
		if w, ok := out[k]; !ok || (w.Conditional && !e.Conditional) {
			out[k] = e
		}
	}
	return out
}

func TestEdgeToMember(t *testing.T) {
	set := graphmodel.Edge{From: "u", To: "aws:target-set:00", Kind: graphmodel.EdgeCanBecome, Technique: "sts-001", Evidence: []graphmodel.Evidence{
		{Source: graphmodel.TargetPlaceholder + " trust policy", Statement: 0, Note: "admits u"},
		{Source: "u#inline", Statement: 1, Sid: "S", Note: "allows sts:AssumeRole on " + graphmodel.TargetPlaceholder},
	}}
	e := EdgeToMember(set, "role/r")
	if e.To != "role/r" || e.From != "u" || e.Technique != "sts-001" {
		t.Errorf("edge %+v", e)
	}
	if got, want := renderEvidence(&e), "role/r trust policy statement 0: admits u; u#inline statement 1 (Sid S): allows sts:AssumeRole on role/r"; got != want {
		t.Errorf("evidence %q, want %q", got, want)
	}
	if set.Evidence[0].Source != graphmodel.TargetPlaceholder+" trust policy" {
		t.Error("the set edge's evidence changed")
	}
	plain := graphmodel.Edge{To: "aws:target-set:00", Evidence: []graphmodel.Evidence{{Source: "p"}}}
	if e := EdgeToMember(plain, "m"); &e.Evidence[0] != &plain.Evidence[0] {
		t.Error("evidence without the placeholder is copied")
	}
}
