package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/blastradius/blastradius/analysis"
)

// jsonEncoder writes the result as indented JSON, the contract of
// analysis.schema.json. Lists are never null, even in a hand-built result.
// Identities are encoded one at a time, so that the report of a large
// estate is never held whole in memory.
type jsonEncoder struct{}

func (jsonEncoder) format() Format { return FormatJSON }

// identitiesField is how the encoder writes an empty identities list.
const identitiesField = `"identities": []`

func (jsonEncoder) encode(w io.Writer, res *analysis.Result, _ Options, _ int) error {
	head := *res
	head.Snapshots = orEmpty(res.Snapshots)
	for i := range head.Snapshots {
		head.Snapshots[i].Gaps = orEmpty(head.Snapshots[i].Gaps)
	}
	head.Identities = []analysis.Identity{}
	var buf bytes.Buffer
	if err := indented(&buf, "", &head); err != nil {
		return err
	}
	before, after, ok := bytes.Cut(buf.Bytes(), []byte(identitiesField))
	if !ok {
		return fmt.Errorf("encode result: no %s", identitiesField)
	}
	if len(res.Identities) == 0 {
		_, err := w.Write(buf.Bytes())
		return err
	}
	if _, err := w.Write(append(before, `"identities": [`...)); err != nil {
		return err
	}
	for i := range res.Identities {
		buf.Reset()
		sep := ",\n    "
		if i == 0 {
			sep = "\n    "
		}
		buf.WriteString(sep)
		if err := indented(&buf, "    ", withEmptyLists(res.Identities[i])); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // the encoder's newline
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	_, err := w.Write(append([]byte("\n  ]"), after...))
	return err
}

// indented encodes v into buf as the report does: indented by two spaces
// after prefix, without escaping HTML, with a final newline.
func indented(buf *bytes.Buffer, prefix string, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// withEmptyLists returns a copy of id whose nil lists and maps are empty.
func withEmptyLists(id analysis.Identity) *analysis.Identity {
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
	return &id
}

// orEmpty returns a copy of list, empty rather than nil.
func orEmpty[T any](list []T) []T {
	return append(make([]T, 0, len(list)), list...)
}
