package providers

import (
	"context"
	"errors"
	"testing"

	k8scollect "github.com/blastradius/blastradius/collectors/kubernetes"
)

// fakeOptions are flag values given by name.
type fakeOptions map[string]any

func (o fakeOptions) String(name string) string    { s, _ := o[name].(string); return s }
func (o fakeOptions) Strings(name string) []string { s, _ := o[name].([]string); return s }
func (o fakeOptions) Bool(name string) bool        { b, _ := o[name].(bool); return b }
func (o fakeOptions) Int(name string) int          { i, _ := o[name].(int); return i }
func (o fakeOptions) IsSet(name string) bool       { _, ok := o[name]; return ok }

func TestKubernetesPageSize(t *testing.T) {
	p := Kubernetes()
	found := false
	for _, f := range p.Flags {
		if f.Name == "page-size" {
			found = true
			if f.Kind != IntFlag || f.Default != k8scollect.DefaultPageSize {
				t.Errorf("page-size flag %+v", f)
			}
		}
	}
	if !found {
		t.Error("no --page-size flag")
	}
	for _, tc := range []struct {
		size  int
		usage bool
	}{{1, false}, {500, false}, {0, true}, {-3, true}} {
		cs, err := p.Live(context.Background(), fakeOptions{"page-size": tc.size}, Env{})
		if got := errors.Is(err, ErrUsage); got != tc.usage || (err != nil && !tc.usage) {
			t.Errorf("--page-size %d: %v, want a usage error: %v", tc.size, err, tc.usage)
		}
		if !tc.usage && len(cs) != 1 {
			t.Errorf("--page-size %d: %d collectors", tc.size, len(cs))
		}
	}
}
