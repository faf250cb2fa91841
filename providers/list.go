package providers

import (
	"fmt"
	"sort"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
)

// All returns every provider this build has, sorted by name. The list is
// built on each call, so callers may change what they get.
func All() []Provider {
	list := []Provider{AWS(), CrossCloud(), GCP(), Kubernetes(), Workspace()}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list
}

// DefineKinds defines the node kinds of every provider of list
// (graphmodel.DefineKinds); the command calls it once at start.
func DefineKinds(list []Provider) error {
	for _, p := range list {
		if err := graphmodel.DefineKinds(p.Kinds...); err != nil {
			return fmt.Errorf("provider %s: %w", p.Name, err)
		}
	}
	return nil
}

// Derivers returns the analyses of the providers of list, in list order.
func Derivers(list []Provider) []analysis.Deriver {
	var ds []analysis.Deriver
	for _, p := range list {
		if p.Deriver != nil {
			ds = append(ds, p.Deriver())
		}
	}
	return ds
}

// Demo returns the collectors of the embedded demo estate: every
// provider's part of it, in list order.
func Demo(list []Provider) []collectors.Collector {
	var cs []collectors.Collector
	for _, p := range list {
		if p.Demo != nil {
			cs = append(cs, p.Demo()...)
		}
	}
	return cs
}

// Upgrade brings a snapshot written by an earlier build to the current
// model, provider by provider.
func Upgrade(list []Provider, snap *graphmodel.Snapshot) {
	for _, p := range list {
		if p.Upgrade != nil {
			p.Upgrade(snap)
		}
	}
}
