package aws

import (
	"context"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis/aws/catalog"
	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/fixtures"
	"github.com/blastradius/blastradius/graphmodel"
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
