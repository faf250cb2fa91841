package aws

import (
	"context"
	"sort"

	"github.com/blastradius/blastradius/graphmodel"
)

// GapsFile is the file of an offline directory that holds the gaps of the
// live collection that saved it (--save-dir), so that a replay reports
// them too.
const GapsFile = "gaps.json"

// CollectionGap is one element of gaps.json: a call that failed during a
// live collection, as graphmodel.Gap records it.
type CollectionGap struct {
	// What is the call ("lambda:ListFunctions").
	What string `json:"What"`
	// Reason is the error code or text ("AccessDeniedException").
	Reason string `json:"Reason"`
	// Where is the account, region and item ("account 111122223333 region eu-west-1").
	Where string `json:"Where,omitempty"`
}

// collectionGaps adds the gaps of gaps.json to the fragment's, as they
// were recorded; an element without What or Reason is bad input.
func (c *converter) collectionGaps(r *Resources) error {
	for _, o := range r.CollectionGaps {
		g := o.Value
		l := o.loc()
		switch {
		case g.What == "":
			return l.field("What").bad("What is empty: name the call that failed")
		case g.Reason == "":
			return l.field("Reason").bad("Reason is empty: give why %s failed", g.What)
		}
		gap := graphmodel.Gap{What: g.What, Reason: g.Reason, Where: g.Where}
		if !c.gapSeen[gap] {
			c.gapSeen[gap] = true
			c.gaps = append(c.gaps, gap)
		}
	}
	return nil
}

// gapSlotKey is the context key of a gap's slot (see withGapSlot).
type gapSlotKey struct{}

// withGapSlot marks the calls made with ctx as those of slot: gaps are
// kept in slot order, so that regions collected at once report their gaps
// in region order, whatever order their calls finish in.
func withGapSlot(ctx context.Context, slot int) context.Context {
	return context.WithValue(ctx, gapSlotKey{}, slot)
}

func gapSlot(ctx context.Context) int {
	slot, _ := ctx.Value(gapSlotKey{}).(int)
	return slot
}

// slottedGap is a gap with the slot of the call that recorded it.
type slottedGap struct {
	slot int
	gap  graphmodel.Gap
}

// collectionGapOutputs returns the run's gaps in slot order as the
// outputs of gaps.json.
func (r *liveRun) collectionGapOutputs() []Output[CollectionGap] {
	r.mu.Lock()
	defer r.mu.Unlock()
	sort.SliceStable(r.gaps, func(i, j int) bool { return r.gaps[i].slot < r.gaps[j].slot })
	out := make([]Output[CollectionGap], len(r.gaps))
	for i, g := range r.gaps {
		out[i] = Output[CollectionGap]{
			Where: g.gap.What + " " + g.gap.Where,
			Value: CollectionGap{What: g.gap.What, Reason: g.gap.Reason, Where: g.gap.Where},
		}
	}
	return out
}
