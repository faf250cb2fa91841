package main

import (
	"io/fs"
	"sort"

	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
)

// collectorRegistry returns every collector blastradius has, sorted by
// name. The list is built on each call, so callers may modify it.
//
// It lives in the command layer, which may import providers, because
// collectors/aws imports the shared plumbing of collectors: collectors
// cannot import it back. The provider list of issue 12 replaces it.
func collectorRegistry() []collectors.Entry {
	entries := []collectors.Entry{
		{
			Name:    "aws",
			Tags:    []string{"aws", "cloud"},
			Summary: "AWS IAM, resources, resource policies and Organizations of one account, live or from CLI exports",
			Modes:   []string{collectors.ModeLive, collectors.ModeOffline},
			Offline: func(fsys fs.FS, origin string) collectors.Collector { return awscollect.NewOffline(fsys, origin) },
		},
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries
}

// lookupCollector returns the registry entry named name.
func lookupCollector(name string) (collectors.Entry, bool) {
	for _, e := range collectorRegistry() {
		if e.Name == name {
			return e, true
		}
	}
	return collectors.Entry{}, false
}
