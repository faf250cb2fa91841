package graphmodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/blastradius/blastradius/internal/badinput"
)

// Encode writes the snapshot as indented JSON, normalized first so that the
// same facts always produce the same bytes.
func Encode(w io.Writer, s *Snapshot) error {
	s.SchemaVersion = SchemaVersion
	s.Normalize()
	if s.Nodes == nil {
		s.Nodes = []Node{}
	}
	if s.Edges == nil {
		s.Edges = []Edge{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return nil
}

// Decode reads a snapshot from data; name is used in error messages. A
// schema_version other than SchemaVersion is a clear error, and malformed
// JSON is reported with its line and column (badinput.Error).
func Decode(name string, data []byte) (*Snapshot, error) {
	// One pass decodes a good snapshot; the version is checked after it,
	// and before its error when it fails, so that a snapshot of another
	// version is reported as such rather than by a field it does not know.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Snapshot
	decodeErr := dec.Decode(&s)
	// Anything after the snapshot is malformed JSON, which the check of
	// the version below reports with its place.
	trailing := decodeErr == nil && len(bytes.TrimSpace(data[dec.InputOffset():])) > 0
	version := &s.SchemaVersion
	if decodeErr != nil || trailing || s.SchemaVersion == 0 { // failed, or the field may be absent
		var head struct {
			SchemaVersion *int `json:"schema_version"`
		}
		if err := json.Unmarshal(data, &head); err != nil {
			return nil, badinput.FromJSON(name, data, err)
		}
		version = head.SchemaVersion
	}
	if version == nil {
		return nil, badinput.Newf(name, "", "not a blastradius snapshot: no schema_version")
	}
	if *version != SchemaVersion {
		return nil, badinput.Newf(name, "schema_version",
			"snapshot schema_version %d is not supported (this build reads %d)", *version, SchemaVersion)
	}
	if decodeErr != nil {
		return nil, badinput.FromJSON(name, data, decodeErr)
	}
	if err := s.validate(); err != nil {
		return nil, badinput.New(name, "", err)
	}
	s.Normalize()
	return &s, nil
}

// validate checks what JSON types cannot: IDs present and unique, edges
// pointing at something.
func (s *Snapshot) validate() error {
	seen := make(map[string]bool, len(s.Nodes))
	for i, n := range s.Nodes {
		if n.ID == "" {
			return fmt.Errorf("nodes[%d]: empty id", i)
		}
		if seen[n.ID] {
			return fmt.Errorf("nodes[%d]: duplicate id %q", i, n.ID)
		}
		seen[n.ID] = true
	}
	for i, e := range s.Edges {
		if e.From == "" || e.To == "" || e.Kind == "" {
			return fmt.Errorf("edges[%d]: from, to and kind are required", i)
		}
	}
	return nil
}
