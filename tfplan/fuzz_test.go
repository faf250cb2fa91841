package tfplan_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
	"github.com/blastradius/blastradius/tfplan"
)

// FuzzRead feeds arbitrary bytes to the plan reader and applies what it
// accepts to the test estate. Neither may panic, every error must be bad
// input, and the snapshot applied must encode and decode again.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/plans/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := tfplan.Read("plan.json", data)
		if err != nil {
			if !badinput.Is(err) {
				t.Fatalf("read: %v (%T) is not bad input", err, err)
			}
			return
		}
		for i := range 3 {
			p.Position(i)
		}
		res, err := tfplan.Apply(baseline(), p)
		if err != nil {
			if !badinput.Is(err) {
				t.Fatalf("apply: %v (%T) is not bad input", err, err)
			}
			return
		}
		var buf bytes.Buffer
		if err := graphmodel.Encode(&buf, res.Snapshot); err != nil {
			t.Fatalf("encode: %v", err)
		}
		if _, err := graphmodel.Decode("applied.json", buf.Bytes()); err != nil {
			t.Fatalf("the applied snapshot does not decode: %v", err)
		}
	})
}
