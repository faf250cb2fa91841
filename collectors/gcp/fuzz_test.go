package gcp

import (
	"bytes"
	"context"
	"os"
	"testing"
	"testing/fstest"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// FuzzReadRecords feeds arbitrary bytes to the offline reader as one export
// file. It must never panic, every error must be bad input naming the
// file, and whatever it accepts must encode into a snapshot that decodes.
// The seed corpus is testdata/fuzz/FuzzReadRecords plus the fixture files.
func FuzzReadRecords(f *testing.F) {
	for _, p := range estateFiles {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"export.jsonl": {Data: data}}
		frag, err := NewOfflineFS(fsys, []string{"export.jsonl"}).Collect(context.Background())
		if err != nil {
			var bad *badinput.Error
			if !errorsAs(err, &bad) || bad.File != "export.jsonl" {
				t.Fatalf("error %v (%T) is not bad input naming the file", err, err)
			}
			return
		}
		var buf bytes.Buffer
		if err := graphmodel.Encode(&buf, graphmodel.NewSnapshot(frag)); err != nil {
			t.Fatalf("encode: %v", err)
		}
		back, err := graphmodel.Decode("snap.json", buf.Bytes())
		if err != nil {
			t.Fatalf("the snapshot does not decode: %v\n%s", err, buf.Bytes())
		}
		if len(back.Nodes) != len(frag.Nodes) || len(back.Edges) != len(frag.Edges) {
			t.Fatalf("round trip: %d nodes %d edges, want %d %d", len(back.Nodes), len(back.Edges), len(frag.Nodes), len(frag.Edges))
		}
	})
}
