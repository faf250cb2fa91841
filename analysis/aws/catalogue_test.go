package aws

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis/aws/catalog"
	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/fixtures"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/synth"
)

// Every technique the analysis cites on the demo estate is in its
// catalogue, but resource access, which is named by the action that
// proves it.
func TestEveryDerivedTechniqueIsCatalogued(t *testing.T) {
	snap, err := collectors.Run(context.Background(), awscollect.NewOffline(fixtures.DemoAWS(), "demo"))
	if err != nil {
		t.Fatal(err)
	}
	_, edges, err := New().Derive(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]graphmodel.Technique{}
	for _, tq := range Techniques() {
		known[tq.ID] = tq
	}
	seen := map[string]bool{}
	for _, e := range edges {
		if e.Kind == graphmodel.EdgeCanAccess {
			if _, ok := catalog.ActionLevel(e.Technique); !ok {
				t.Errorf("access edge named by %q, not an action", e.Technique)
			}
			continue
		}
		if _, ok := known[e.Technique]; !ok && !seen[e.Technique] {
			t.Errorf("edge %s -%s-> %s cites %q, which the catalogue lacks", e.From, e.Kind, e.To, e.Technique)
		}
		seen[e.Technique] = true
	}
	if len(seen) < 10 {
		t.Errorf("only %d techniques on the demo: %v", len(seen), seen)
	}
}

func TestCatalogueEntries(t *testing.T) {
	list := Techniques()
	if len(list) != 65+len(ownTechniques) {
		t.Fatalf("%d techniques, want the 65 paths and %d of our own", len(list), len(ownTechniques))
	}
	for _, tq := range list {
		if tq.Provider != graphmodel.ProviderAWS || tq.Name == "" || tq.Category == "" || tq.Description == "" ||
			(tq.Category != "membership" && !strings.HasPrefix(tq.Attack, "T1")) {
			t.Errorf("incomplete: %+v", tq)
		}
		if strings.HasPrefix(tq.ID, "iam-01") && tq.ID >= "iam-014" && len(tq.Steps) != 2 {
			t.Errorf("%s is a two-step path without its steps", tq.ID)
		}
	}
}

// TestDeriveStopsEarlyWhenCancelled cancels a derivation of a synthetic
// account after its rule loops asked 40 times whether to go on, and
// requires that they stopped there (a few more asks: one per loop running
// on another goroutine), far short of a whole run, and that Derive says why.
func TestDeriveStopsEarlyWhenCancelled(t *testing.T) {
	estate := t.TempDir()
	if err := synth.WriteAWS(estate, synth.Small()); err != nil {
		t.Fatal(err)
	}
	snap := collectDir(t, estate)

	var full *model
	if _, _, err := (&Analyzer{observe: func(m *model) { full = m }}).Derive(context.Background(), snap); err != nil {
		t.Fatal(err)
	}
	whole := full.checks.Load()

	const after = 40
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cut *model
	a := &Analyzer{observe: func(m *model) {
		cut = m
		m.cancelled = func() bool {
			if m.checks.Load() >= after {
				cancel()
			}
			return ctx.Err() != nil
		}
	}}
	_, _, err := a.Derive(ctx, snap)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Derive = %v, want context.Canceled", err)
	}
	t.Logf("cancelled run: %d asks; whole run: %d", cut.checks.Load(), whole)
	if got := cut.checks.Load(); got > after+16 || whole < 10*after {
		t.Errorf("the cancelled run asked %d times, a whole run %d: the loops did not stop at cancellation", got, whole)
	}
}
