package analysis

import (
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
)

// catalogued is a deriver with a catalogue of its own.
type catalogued struct {
	fakeDeriver
	list []graphmodel.Technique
}

func (c catalogued) Techniques() []graphmodel.Technique { return c.list }

// Two providers' catalogues both name their two-step techniques: neither
// replaces the other (the composer used to be the last deriver's alone).
func TestCompositesOfSeveralDerivers(t *testing.T) {
	a := catalogued{list: []graphmodel.Technique{{ID: "iam-014", Provider: "aws", Steps: []string{"sts-001", "iam-009"}}}}
	k := catalogued{list: []graphmodel.Technique{
		{ID: "k8s-bind-then-impersonate", Provider: "kubernetes", Steps: []string{"impersonate", "bind"}},
		{ID: "impersonate", Provider: "kubernetes"},
	}}
	got := composites([]Deriver{a, k, fakeDeriver{}})
	if got[[2]string{"sts-001", "iam-009"}] != "iam-014" || got[[2]string{"impersonate", "bind"}] != "k8s-bind-then-impersonate" || len(got) != 2 {
		t.Errorf("composites = %v", got)
	}
	list := Techniques([]Deriver{k, a})
	var ids []string
	for _, tq := range list {
		ids = append(ids, string(tq.Provider)+"/"+tq.ID)
	}
	want := []string{"/admin-of-scope", "/group-membership", "aws/iam-014", "kubernetes/impersonate", "kubernetes/k8s-bind-then-impersonate"}
	if len(ids) != len(want) {
		t.Fatalf("Techniques = %q, want %q", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("Techniques = %q, want %q", ids, want)
		}
	}
}
