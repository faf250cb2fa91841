// Package memlimit sets the soft memory limit blastradius runs with.
//
// The Go runtime lets the heap grow to twice what is live before it
// collects. Deriving a large estate keeps about 1.3 GB live at its peak,
// so the heap would pass 3 GB; with a soft limit the collector works
// harder near the limit instead (nothing fails past it: the limit is soft).
// GOMEMLIMIT, when set, wins.
package memlimit

import (
	"os"
	"runtime/debug"
)

// Default is the soft limit applied when GOMEMLIMIT is not set: 1.75 GiB,
// which keeps the 25,000-principal benchmark under 2 GiB for a few percent
// more time.
const Default int64 = 1792 << 20

// Apply sets Default as the soft memory limit unless GOMEMLIMIT is set,
// and returns the limit in force before, for Restore.
func Apply() int64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	return debug.SetMemoryLimit(Default)
}

// Restore puts back a limit that Apply returned.
func Restore(previous int64) { debug.SetMemoryLimit(previous) }
