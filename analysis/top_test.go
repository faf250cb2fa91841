package analysis

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestTopListsOnlyTheFirst checks Options.Top: the first Top identities of
// the ranking are exactly what an analysis without Top gives them; the
// others keep their rank, score, admin scopes, hops and hygiene, carry no
// lists, and are marked truncated where a list had something.
func TestTopListsOnlyTheFirst(t *testing.T) {
	for _, seed := range []int64{3, 10, 17} {
		size := 60
		if seed == 10 {
			size = 400
		}
		snap, d := randomEstate(seed, size)
		for _, top := range []int{1, 7, 1000} {
			t.Run(fmt.Sprintf("seed=%d/top=%d", seed, top), func(t *testing.T) {
				opts := Options{Derivers: []Deriver{d}, Now: time.Unix(0, 0).UTC()}
				all, err := Analyze(context.Background(), snap, opts)
				if err != nil {
					t.Fatal(err)
				}
				opts.Top = top
				cut, err := Analyze(context.Background(), snap, opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(cut.Identities) != len(all.Identities) {
					t.Fatalf("%d identities with Top, %d without", len(cut.Identities), len(all.Identities))
				}
				lists := 0
				for i := range all.Identities {
					want, got := all.Identities[i], cut.Identities[i]
					if i < top {
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("identity %d (%s) differs from the analysis without Top:\ngot  %+v\nwant %+v", i, want.ID, got, want)
						}
						continue
					}
					if got.ReachableIdentities != nil || got.ReachableResources != nil || got.Escalations != nil {
						t.Fatalf("identity %d (%s), past Top, has lists", i, got.ID)
					}
					hasLists := len(want.ReachableIdentities)+len(want.ReachableResources)+len(want.Escalations) > 0
					if hasLists {
						lists++
					}
					if got.Truncated != (want.Truncated || hasLists) {
						t.Errorf("identity %d (%s): truncated %v; lists %v, truncated without Top %v", i, got.ID, got.Truncated, hasLists, want.Truncated)
					}
					want.ReachableIdentities, want.ReachableResources, want.Escalations = nil, nil, nil
					want.Truncated = got.Truncated
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("identity %d past Top differs beyond its lists:\ngot  %+v\nwant %+v", i, got, want)
					}
				}
				if top < len(all.Identities) && lists == 0 {
					t.Fatal("no identity past Top had a list: the test proves nothing")
				}
			})
		}
	}
}
