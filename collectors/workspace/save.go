package workspace

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/blastradius/blastradius/internal/atomicfile"
)

// SaveRecords writes records to path in the offline layout, one JSON
// object a line: the users, the tokens, then the gaps as {"gap": {…}}, so
// that collect workspace --from-file path replays the collection. The
// file is written atomically.
func SaveRecords(path string, recs *Records) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := range recs.Users {
		u := recs.Users[i]
		u.Kind = kindUser
		if err := enc.Encode(u); err != nil {
			return fmt.Errorf("save %s: %w", path, err)
		}
	}
	for i := range recs.Tokens {
		t := recs.Tokens[i]
		t.Kind = kindToken
		if err := enc.Encode(t); err != nil {
			return fmt.Errorf("save %s: %w", path, err)
		}
	}
	for _, g := range recs.Gaps {
		if err := enc.Encode(map[string]any{"gap": g}); err != nil {
			return fmt.Errorf("save %s: %w", path, err)
		}
	}
	if err := atomicfile.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}
