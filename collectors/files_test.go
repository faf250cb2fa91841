package collectors

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"github.com/blastradius/blastradius/internal/badinput"
)

func TestReadFiles(t *testing.T) {
	old, recent := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	fsys := fstest.MapFS{
		"a.json": {Data: []byte("a"), ModTime: recent},
		"b.json": {Data: []byte("b"), ModTime: old},
	}
	var read string
	newest, err := ReadFiles(context.Background(), fsys, []string{"a.json", "b.json"}, func(p string, data []byte) error {
		read += p + "=" + string(data) + " "
		return nil
	})
	if err != nil || read != "a.json=a b.json=b " || !newest.Equal(recent) {
		t.Fatalf("ReadFiles = %v, %v after reading %q; want %v after both files", newest, err, read, recent)
	}

	_, err = ReadFiles(context.Background(), fsys, []string{"a.json", "missing.json"}, func(string, []byte) error { return nil })
	if err == nil || err.Error() != "missing.json: no such file" || !badinput.Is(err) {
		t.Errorf("missing file: %v, want bad input naming it", err)
	}

	stop := errors.New("stop")
	if _, err := ReadFiles(context.Background(), fsys, []string{"a.json"}, func(string, []byte) error { return stop }); err != stop {
		t.Errorf("error of each: %v, want it as it is", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadFiles(ctx, fsys, []string{"a.json"}, func(string, []byte) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("done context: %v, want context.Canceled", err)
	}
}
