package collectors

import "io/fs"

// Modes a collector may support.
const (
	// ModeLive reads a provider's API.
	ModeLive = "live"
	// ModeOffline reads exports saved in a directory.
	ModeOffline = "offline"
)

// Entry describes one collector of the registry.
type Entry struct {
	// Name is the registry name, as in "blastradius collect <name>".
	Name string
	// Tags classify the collector ("aws", "cloud", "saas", …).
	Tags []string
	// Summary says in one line what the collector reads.
	Summary string
	// Modes lists the supported modes (ModeLive, ModeOffline).
	Modes []string
	// Offline returns a collector reading the directory fsys, named origin
	// in messages; nil when the collector has no offline mode.
	Offline func(fsys fs.FS, origin string) Collector
}

// HasMode reports whether the collector supports mode.
func (e Entry) HasMode(mode string) bool {
	for _, m := range e.Modes {
		if m == mode {
			return true
		}
	}
	return false
}
