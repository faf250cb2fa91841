package collectors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// MultiCollector is a Collector whose source yields several fragments (an
// AWS organization: one per account). Run calls CollectAll instead of
// Collect.
type MultiCollector interface {
	Collector
	CollectAll(ctx context.Context) ([]graphmodel.Fragment, error)
}

// PanicError is a collector that panicked. Run turns the panic into this
// error so that one faulty collector cannot crash the program.
type PanicError struct {
	// Collector is the name of the collector that panicked.
	Collector string
	// Value is what it panicked with.
	Value any
	// Stack is the goroutine stack at the panic.
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("collector %s panicked: %v", e.Collector, e.Value)
}

// Run runs the collectors one after another and merges their fragments
// into one snapshot (graphmodel.NewSnapshot).
//
// Bad input (a *badinput.Error: a malformed export file) and a cancelled
// context stop the run: the error names the collector and nothing is
// returned. Any other failure, a panic included (as a *PanicError), stops
// the run when the collector is the only one; in a run of several it
// becomes a gap of its own source ("collect <name>: <error>") and the
// others go on.
func Run(ctx context.Context, cs ...Collector) (*graphmodel.Snapshot, error) {
	fragments := make([]graphmodel.Fragment, 0, len(cs))
	for i, c := range cs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("collect: %w", err)
		}
		if c == nil {
			return nil, fmt.Errorf("collect: collector %d is nil", i)
		}
		name := collectorName(c)
		start := time.Now()
		fs, err := runOne(ctx, name, c)
		if err != nil {
			reason := err
			var p *PanicError
			if !errors.As(err, &p) {
				err = fmt.Errorf("collect %s: %w", name, err)
			}
			if len(cs) == 1 || badinput.Is(err) || ctx.Err() != nil {
				return nil, err
			}
			slog.WarnContext(ctx, "collector failed; recorded as a gap", "collector", name, "error", err)
			fragments = append(fragments, failed(name, c, reason))
			continue
		}
		for _, f := range fs {
			slog.DebugContext(ctx, "collected", "collector", name, "scope", f.Source.Scope,
				"nodes", len(f.Nodes), "edges", len(f.Edges), "gaps", len(f.Source.Gaps),
				"duration", time.Since(start))
		}
		fragments = append(fragments, fs...)
	}
	return graphmodel.NewSnapshot(fragments...), nil
}

// failed is the fragment of a collector that failed in a run of several:
// a source with one gap saying why.
func failed(name string, c Collector, err error) graphmodel.Fragment {
	where := ""
	if o, ok := c.(interface{ Origin() string }); ok {
		where = o.Origin()
	}
	return graphmodel.Fragment{Source: graphmodel.Source{
		Collector: name,
		Provider:  graphmodel.Provider(name),
		Origin:    where,
		Gaps:      []graphmodel.Gap{{What: "collect " + name, Reason: err.Error(), Where: where}},
	}}
}

// collectorName returns c.Name(), or a placeholder when Name itself panics.
func collectorName(c Collector) (name string) {
	defer func() {
		if recover() != nil {
			name = fmt.Sprintf("%T", c)
		}
	}()
	return c.Name()
}

// runOne calls c.CollectAll or c.Collect, turning a panic into a
// *PanicError (through runTask, as Parallel does).
func runOne(ctx context.Context, name string, c Collector) (fs []graphmodel.Fragment, err error) {
	err = runTask(ctx, Task{Name: name, Do: func(ctx context.Context) error {
		if m, ok := c.(MultiCollector); ok {
			var err error
			fs, err = m.CollectAll(ctx)
			return err
		}
		f, err := c.Collect(ctx)
		fs = []graphmodel.Fragment{f}
		return err
	}})
	if err != nil {
		return nil, err
	}
	return fs, nil
}
