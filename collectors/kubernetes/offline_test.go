package kubernetes

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// fixedTime stands for every collection time in golden files.
var fixedTime = time.Date(2025, 3, 4, 12, 0, 0, 0, time.UTC)

// encode renders a fragment as the snapshot it makes, with a fixed time.
func encode(t *testing.T, frag graphmodel.Fragment) []byte {
	t.Helper()
	frag.Source.CollectedAt = fixedTime
	var buf bytes.Buffer
	if err := graphmodel.Encode(&buf, graphmodel.NewSnapshot(frag)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update and review the diff):\n%s", path, firstDiff(got, want))
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b []byte) string {
	al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y []byte
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if !bytes.Equal(x, y) {
			return "line " + itoa(i+1) + ":\n got: " + string(x) + "\nwant: " + string(y)
		}
	}
	return ""
}

func itoa(i int) string { return string([]byte(func() string { return fmtInt(i) }())) }

func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func collectFixture(t *testing.T) graphmodel.Fragment {
	t.Helper()
	frag, err := NewOffline([]string{"testdata/cluster.json"}, "prod-eu").Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return frag
}

func TestOfflineGolden(t *testing.T) {
	golden(t, "cluster.golden.json", encode(t, collectFixture(t)))
}
