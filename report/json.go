package report

import (
	"encoding/json"
	"io"

	"github.com/blastradius/blastradius/analysis"
)

// jsonEncoder writes the result as indented JSON, the contract of
// analysis.schema.json. Lists are never null, even in a hand-built result.
type jsonEncoder struct{}

func (jsonEncoder) format() Format { return FormatJSON }

func (jsonEncoder) encode(w io.Writer, res *analysis.Result, _ Options, _ int) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(withEmptyLists(res))
}

// withEmptyLists returns a copy of res whose nil lists and maps are empty.
func withEmptyLists(res *analysis.Result) *analysis.Result {
	c := *res
	c.Snapshots = orEmpty(res.Snapshots)
	for i := range c.Snapshots {
		c.Snapshots[i].Gaps = orEmpty(c.Snapshots[i].Gaps)
	}
	c.Identities = make([]analysis.Identity, len(res.Identities))
	for i, id := range res.Identities {
		id.Aliases = orEmpty(id.Aliases)
		id.AdminOf = orEmpty(id.AdminOf)
		id.ConditionalAdminOf = orEmpty(id.ConditionalAdminOf)
		id.ReachableIdentities = orEmpty(id.ReachableIdentities)
		id.ReachableResources = orEmpty(id.ReachableResources)
		id.Escalations = orEmpty(id.Escalations)
		if id.BlastRadius.Breakdown == nil {
			id.BlastRadius.Breakdown = map[string]float64{}
		}
		for j := range id.Escalations {
			id.Escalations[j].Path = orEmpty(id.Escalations[j].Path)
		}
		c.Identities[i] = id
	}
	return &c
}

// orEmpty returns a copy of list, empty rather than nil.
func orEmpty[T any](list []T) []T {
	return append(make([]T, 0, len(list)), list...)
}
