// Package collectors defines what a collector is and holds the plumbing
// collectors share: running them (Run), paging through listings (Pages),
// running tasks a few at a time with panic recovery (Parallel) and the
// progress events they publish (Progress). It imports graphmodel and the
// standard library only, never a provider: the list of collectors lives
// where providers may be imported.
//
// A collector reads one source (a live API or an offline export) and returns
// a graphmodel.Fragment. It never touches shared state: merging fragments
// into a snapshot is the caller's job (graphmodel.NewSnapshot).
package collectors

import (
	"context"

	"github.com/blastradius/blastradius/graphmodel"
)

// Collector gathers the facts of one source.
type Collector interface {
	// Name is the registry name ("aws").
	Name() string
	// Collect reads the source. Faults that leave the rest usable (access
	// denied on one call, a dangling reference) are gaps in the fragment's
	// Source; an error means nothing usable was collected.
	Collect(ctx context.Context) (graphmodel.Fragment, error)
}
