package gcp_test

import (
	"context"
	"errors"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	gcpanalysis "github.com/blastradius/blastradius/analysis/gcp"
)

// TestWhoCan: who may read the bucket's objects, directly or through any
// chain, in the scenario where a condition on the bucket's name grants it.
func TestWhoCan(t *testing.T) {
	snap := snapshotOf(t, "condition-resource-prefix")
	opts := analysis.Options{Derivers: []analysis.Deriver{gcpanalysis.NewAt(fixedNow)}, Now: fixedNow}
	list, err := analysis.WhoCan(context.Background(), snap, opts, "storage.objects.get", bucket)
	if err != nil {
		t.Fatal(err)
	}
	direct := map[string]bool{}
	for _, c := range list {
		if len(c.Path) == 1 {
			direct[c.Identity] = true
		}
	}
	if !direct[attacker] {
		t.Errorf("the attacker, granted by a condition on the bucket's name, is not a direct answer: %+v", list)
	}
	list, err = analysis.WhoCan(context.Background(), snap, opts, "storage.objects.get", logs)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.Identity == attacker && len(c.Path) == 1 {
			t.Errorf("the attacker reads the other bucket directly: %+v", c)
		}
	}
}

func TestDeriveCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := gcpanalysis.NewAt(fixedNow).Derive(ctx, snapshotOf(t, "permission-set")); !errors.Is(err, context.Canceled) {
		t.Errorf("Derive = %v, want context.Canceled", err)
	}
}
