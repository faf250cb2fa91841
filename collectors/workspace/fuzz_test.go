package workspace

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"testing/fstest"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// FuzzReadRecords feeds arbitrary bytes to the offline reader as one file.
// It must never panic, every error must be bad input naming the file, and
// whatever it accepts must encode into a snapshot that decodes, with
// names free of control characters. The seed corpus is
// testdata/fuzz/FuzzReadRecords plus the fixture.
func FuzzReadRecords(f *testing.F) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"in.jsonl": {Data: data}}
		frag, err := NewOfflineFS(fsys, []string{"in.jsonl"}, "").Collect(context.Background())
		if err != nil {
			var bad *badinput.Error
			if !errors.As(err, &bad) || bad.File != "in.jsonl" {
				t.Fatalf("error %v (%T) is not bad input naming the file", err, err)
			}
			return
		}
		for _, n := range frag.Nodes {
			for _, r := range n.Name {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("node %s: name %q holds a control character", n.ID, n.Name)
				}
			}
		}
		var buf bytes.Buffer
		if err := graphmodel.Encode(&buf, graphmodel.NewSnapshot(frag)); err != nil {
			t.Fatalf("encode: %v", err)
		}
		back, err := graphmodel.Decode("snap.json", buf.Bytes())
		if err != nil {
			t.Fatalf("the snapshot does not decode: %v\n%s", err, buf.Bytes())
		}
		if len(back.Nodes) != len(frag.Nodes) {
			t.Fatalf("round trip: %d nodes, want %d", len(back.Nodes), len(frag.Nodes))
		}
	})
}
