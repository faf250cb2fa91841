package collectors

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// fake is a collector returning a fixed fragment, error or panic.
type fake struct {
	name  string
	frag  graphmodel.Fragment
	err   error
	panic any
	ran   *[]string
}

func (f *fake) Name() string { return f.name }

func (f *fake) Collect(ctx context.Context) (graphmodel.Fragment, error) {
	if f.ran != nil {
		*f.ran = append(*f.ran, f.name)
	}
	if f.panic != nil {
		panic(f.panic)
	}
	return f.frag, f.err
}

func frag(collector, scope string, nodes ...string) graphmodel.Fragment {
	f := graphmodel.Fragment{Source: graphmodel.Source{Collector: collector, Scope: scope}}
	for _, id := range nodes {
		f.Nodes = append(f.Nodes, graphmodel.Node{ID: id, Name: id})
	}
	return f
}

func TestRunMerges(t *testing.T) {
	var ran []string
	a := &fake{name: "a", frag: frag("a", "s:a", "n3", "n1"), ran: &ran}
	b := &fake{name: "b", frag: frag("b", "s:b", "n2", "n1"), ran: &ran}
	b.frag.Edges = []graphmodel.Edge{{From: "n2", To: "n1", Kind: graphmodel.EdgeMemberOf}}
	snap, err := Run(context.Background(), a, b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ran, []string{"a", "b"}) {
		t.Errorf("ran %q, want a then b", ran)
	}
	var ids, scopes []string
	for _, n := range snap.Nodes {
		ids = append(ids, n.ID)
	}
	for _, s := range snap.Sources {
		scopes = append(scopes, s.Scope)
	}
	if !reflect.DeepEqual(ids, []string{"n1", "n2", "n3"}) {
		t.Errorf("nodes %q: want merged and sorted n1 n2 n3", ids)
	}
	if !reflect.DeepEqual(scopes, []string{"s:a", "s:b"}) {
		t.Errorf("sources %q, want both in run order", scopes)
	}
	if len(snap.Edges) != 1 || snap.SchemaVersion != graphmodel.SchemaVersion {
		t.Errorf("snapshot %+v", snap)
	}
}

func TestRunErrors(t *testing.T) {
	bad := badinput.Newf("dir/gaad.json", "line 1, column 1", "invalid JSON")
	tests := []struct {
		name       string
		collectors []Collector
		ctx        func() context.Context
		wantMsg    string
		wantRan    []string
		check      func(t *testing.T, err error)
	}{
		{
			name:    "error stops the run and names the collector",
			wantMsg: "collect second: dir/gaad.json: line 1, column 1: invalid JSON",
			wantRan: []string{"first", "second"},
			check: func(t *testing.T, err error) {
				if !badinput.Is(err) {
					t.Errorf("bad input is no longer visible in %v", err)
				}
			},
		},
		{
			name:       "panic of a lone collector becomes an error",
			collectors: []Collector{&fake{name: "boom", panic: "index out of range"}},
			wantMsg:    "collector boom panicked: index out of range",
			check: func(t *testing.T, err error) {
				var p *PanicError
				if !errors.As(err, &p) || p.Collector != "boom" || !strings.Contains(string(p.Stack), "runOne") {
					t.Errorf("error %#v is not a PanicError with a stack", err)
				}
			},
		},
		{
			name:    "canceled context",
			wantMsg: "collect: context canceled",
			ctx: func() context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx
			},
			check: func(t *testing.T, err error) {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("%v is not context.Canceled", err)
				}
			},
		},
		{
			name:       "nil collector",
			collectors: []Collector{nil},
			wantMsg:    "collect: collector 0 is nil",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ran []string
			cs := tc.collectors
			if cs == nil {
				cs = []Collector{&fake{name: "first", frag: frag("first", "s", "x"), ran: &ran}}
				switch {
				case strings.HasPrefix(tc.name, "panic"):
					cs = append(cs, &fake{name: "boom", panic: "index out of range", ran: &ran})
				default:
					cs = append(cs, &fake{name: "second", err: bad, ran: &ran})
				}
				cs = append(cs, &fake{name: "never", ran: &ran})
			}
			ctx := context.Background()
			if tc.ctx != nil {
				ctx = tc.ctx()
			}
			for _, c := range cs {
				if f, ok := c.(*fake); ok && f.ran == nil {
					f.ran = &ran
				}
			}
			if tc.wantRan == nil && tc.collectors != nil {
				tc.wantRan = []string{"boom"}
				if tc.name == "nil collector" {
					tc.wantRan = nil
				}
			}
			snap, err := Run(ctx, cs...)
			if err == nil {
				t.Fatalf("no error, snapshot %+v", snap)
			}
			if snap != nil {
				t.Errorf("snapshot returned with an error")
			}
			if err.Error() != tc.wantMsg {
				t.Errorf("error %q, want %q", err, tc.wantMsg)
			}
			if !reflect.DeepEqual(ran, tc.wantRan) {
				t.Errorf("ran %q, want %q", ran, tc.wantRan)
			}
			if tc.check != nil {
				tc.check(t, err)
			}
		})
	}
}

// nameless panics in Name as well as in Collect.
type nameless struct{}

func (nameless) Name() string { panic("no name") }
func (nameless) Collect(context.Context) (graphmodel.Fragment, error) {
	panic("no data")
}

func TestRunPanicInName(t *testing.T) {
	_, err := Run(context.Background(), nameless{})
	var p *PanicError
	if !errors.As(err, &p) || p.Collector != "collectors.nameless" {
		t.Errorf("err = %v, want a PanicError naming the type", err)
	}
}

func TestRunNone(t *testing.T) {
	snap, err := Run(context.Background())
	if err != nil || len(snap.Nodes) != 0 || len(snap.Sources) != 0 {
		t.Errorf("Run() = %+v, %v", snap, err)
	}
}

// TestRunFailureInSeveralIsAGap: in a run of several, a collector that
// fails (not on bad input) or panics becomes a gap, and the others go on.
func TestRunFailureInSeveralIsAGap(t *testing.T) {
	var ran []string
	cs := []Collector{
		&fake{name: "first", frag: frag("first", "s:1", "a"), ran: &ran},
		&fake{name: "down", err: errors.New("AccessDenied"), ran: &ran},
		&fake{name: "boom", panic: "nil map", ran: &ran},
		&fake{name: "last", frag: frag("last", "s:2", "b"), ran: &ran},
	}
	snap, err := Run(context.Background(), cs...)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ran, []string{"first", "down", "boom", "last"}) {
		t.Errorf("ran %q", ran)
	}
	var gaps []string
	for _, g := range snap.Gaps() {
		gaps = append(gaps, g.What+": "+g.Reason)
	}
	want := []string{"collect down: AccessDenied", "collect boom: collector boom panicked: nil map"}
	if !reflect.DeepEqual(gaps, want) {
		t.Errorf("gaps %q, want %q", gaps, want)
	}
	if len(snap.Nodes) != 2 || len(snap.Sources) != 4 {
		t.Errorf("snapshot holds %d nodes and %d sources, want both collected fragments and a source per failure", len(snap.Nodes), len(snap.Sources))
	}
}

// multi yields several fragments, as an organization's collector does.
type multi struct{ frags []graphmodel.Fragment }

func (multi) Name() string { return "org" }
func (m multi) Collect(context.Context) (graphmodel.Fragment, error) {
	return graphmodel.Fragment{}, errors.New("Collect called on a MultiCollector")
}
func (m multi) CollectAll(context.Context) ([]graphmodel.Fragment, error) { return m.frags, nil }

func TestRunMultiCollector(t *testing.T) {
	snap, err := Run(context.Background(), multi{frags: []graphmodel.Fragment{frag("org", "s:a", "x"), frag("org", "s:b", "y")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Sources) != 2 || len(snap.Nodes) != 2 {
		t.Errorf("snapshot %+v, want both fragments", snap)
	}
}
