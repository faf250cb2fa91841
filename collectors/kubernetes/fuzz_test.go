package kubernetes

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// FuzzDecodeList feeds arbitrary bytes to the List decoder. It must never
// panic, every error must be bad input naming the file, and what it
// accepts must convert into a snapshot that encodes, decodes again, and
// saves into a List that reads back to the same snapshot.
func FuzzDecodeList(f *testing.F) {
	for _, p := range []string{"testdata/cluster.json", "testdata/truncated.json"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"kind": "List", "items": []}`))
	f.Add([]byte(`{"kind": "PodList", "items": [{"metadata": {"name": "p", "namespace": "d"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, saved, err := DecodeList("fuzz.json", data)
		if err != nil {
			if !badinput.Is(err) {
				t.Fatalf("error %v (%T) is not bad input", err, err)
			}
			if !bytes.HasPrefix([]byte(err.Error()), []byte("fuzz.json: ")) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := WriteList(&buf, inv, saved); err != nil {
			t.Fatalf("write: %v", err)
		}
		frag, err := Convert(inv, "fuzz", "fuzz.json")
		if err != nil {
			t.Fatalf("convert: %v", err)
		}
		snap := encodeSnapshot(t, frag)
		if _, err := graphmodel.Decode("snap.json", snap); err != nil {
			t.Fatalf("the snapshot does not decode: %v", err)
		}
		again, _, err := DecodeList("saved.json", buf.Bytes())
		if err != nil {
			t.Fatalf("a saved List does not read back: %v\n%s", err, buf.Bytes())
		}
		frag2, err := Convert(again, "fuzz", "fuzz.json")
		if err != nil {
			t.Fatalf("convert again: %v", err)
		}
		if snap2 := encodeSnapshot(t, frag2); !bytes.Equal(snap, snap2) {
			t.Fatalf("a saved List reads back to another snapshot:\n%s", firstDiff(snap2, snap))
		}
	})
}

// encodeSnapshot encodes a fragment as a snapshot, without a fixed time.
func encodeSnapshot(t *testing.T, frag graphmodel.Fragment) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := graphmodel.Encode(&buf, graphmodel.NewSnapshot(frag)); err != nil {
		t.Fatalf("encode: %v", err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatal("invalid JSON")
	}
	return buf.Bytes()
}
