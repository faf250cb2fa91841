package aws

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// FuzzGAAD feeds arbitrary bytes to the offline reader as gaad.json. It must
// never panic, every error must be bad input, and whatever it accepts must
// encode into a snapshot that decodes again.
func FuzzGAAD(f *testing.F) {
	dirs, _ := filepath.Glob("testdata/*/gaad.json")
	for _, p := range dirs {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::111111111111:role/r","AssumeRolePolicyDocument":"%7B%22Statement%22%3A%5B%5D%7D"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"gaad.json": {Data: data}}
		frag, err := NewOffline(fsys, "fuzz").Collect(context.Background())
		if err != nil {
			if !badinput.Is(err) {
				t.Fatalf("error %v (%T) is not bad input", err, err)
			}
			return
		}
		if frag.Source.Scope == "" || frag.Source.Collector != "aws" {
			t.Fatalf("source %+v", frag.Source)
		}
		var buf bytes.Buffer
		if err := graphmodel.Encode(&buf, graphmodel.NewSnapshot(frag)); err != nil {
			t.Fatalf("encode: %v", err)
		}
		back, err := graphmodel.Decode("snap.json", buf.Bytes())
		if err != nil {
			t.Fatalf("the snapshot does not decode: %v", err)
		}
		if len(back.Nodes) != len(frag.Nodes) || len(back.Edges) != len(frag.Edges) {
			t.Fatalf("round trip: %d nodes %d edges, want %d %d", len(back.Nodes), len(back.Edges), len(frag.Nodes), len(frag.Edges))
		}
	})
}
