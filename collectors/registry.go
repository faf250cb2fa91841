package collectors

import (
	"io/fs"
	"sort"

	"github.com/blastradius/blastradius/collectors/aws"
)

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

// Registry returns every collector blastradius has, sorted by name. The
// list is built on each call, so callers may modify it.
func Registry() []Entry {
	entries := []Entry{
		{
			Name:    "aws",
			Tags:    []string{"aws", "cloud"},
			Summary: "AWS IAM, resources, resource policies and Organizations of one account, live or from CLI exports",
			Modes:   []string{ModeLive, ModeOffline},
			Offline: func(fsys fs.FS, origin string) Collector { return aws.NewOffline(fsys, origin) },
		},
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries
}

// Lookup returns the registry entry named name.
func Lookup(name string) (Entry, bool) {
	for _, e := range Registry() {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}
