package collectors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

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
// into one snapshot (graphmodel.NewSnapshot). It stops at the first
// collector that fails, returning its error wrapped with the collector's
// name (a *badinput.Error inside stays visible to errors.As); a panic
// becomes a *PanicError.
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
		f, err := runOne(ctx, name, c)
		if err != nil {
			var p *PanicError
			if errors.As(err, &p) {
				return nil, err
			}
			return nil, fmt.Errorf("collect %s: %w", name, err)
		}
		slog.DebugContext(ctx, "collected", "collector", name,
			"nodes", len(f.Nodes), "edges", len(f.Edges), "gaps", len(f.Source.Gaps),
			"duration", time.Since(start))
		fragments = append(fragments, f)
	}
	return graphmodel.NewSnapshot(fragments...), nil
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

// runOne calls c.Collect, turning a panic into a *PanicError.
func runOne(ctx context.Context, name string, c Collector) (f graphmodel.Fragment, err error) {
	defer func() {
		if r := recover(); r != nil {
			stack := debug.Stack()
			slog.DebugContext(ctx, "collector panicked", "collector", name, "panic", r, "stack", string(stack))
			f, err = graphmodel.Fragment{}, &PanicError{Collector: name, Value: r, Stack: stack}
		}
	}()
	return c.Collect(ctx)
}
