package atomicfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestWriteFileSuccess(t *testing.T) {
	tests := []struct {
		name     string
		existing []byte
		mode     os.FileMode // the mode the file must have after the write
	}{
		{name: "new file", mode: 0o640},
		{name: "replaces existing file, keeping its mode", existing: []byte("old content that is longer than the new one"), mode: 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.json")
			if tt.existing != nil {
				if err := os.WriteFile(path, tt.existing, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			want := []byte(`{"ok":true}` + "\n")
			if err := WriteFile(path, want, 0o640); err != nil {
				t.Fatalf("WriteFile: %v", err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("content = %q, want %q", got, want)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tt.mode {
				t.Errorf("mode = %v, want %v", fi.Mode().Perm(), tt.mode)
			}
			if names := entries(t, dir); len(names) != 1 || names[0] != "out.json" {
				t.Errorf("directory holds %v, want only out.json", names)
			}
		})
	}
}

func TestWriteFileRelativePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := WriteFile("plain.txt", []byte("x"), 0o644); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "plain.txt"))
	if err != nil || string(got) != "x" {
		t.Fatalf("content = %q, %v", got, err)
	}
}

func TestWriteFileStdout(t *testing.T) {
	for _, path := range []string{"", "-"} {
		t.Run("path "+path, func(t *testing.T) {
			var buf bytes.Buffer
			old := Stdout
			Stdout = &buf
			t.Cleanup(func() { Stdout = old })
			dir := t.TempDir()
			t.Chdir(dir)
			if err := WriteFile(path, []byte("hello\n"), 0o644); err != nil {
				t.Fatalf("WriteFile: %v", err)
			}
			if buf.String() != "hello\n" {
				t.Errorf("stdout got %q", buf.String())
			}
			if names := entries(t, dir); len(names) != 0 {
				t.Errorf("files created: %v", names)
			}
		})
	}
}

func TestWriteFileFailureLeavesNothing(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the destination path
	}{
		{
			name: "missing directory",
			setup: func(t *testing.T, dir string) string {
				return filepath.Join(dir, "no-such-dir", "out.json")
			},
		},
		{
			name: "destination is a directory",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "out.json")
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
				return p
			},
		},
		{
			name: "sync fails",
			setup: func(t *testing.T, dir string) string {
				old := syncFile
				syncFile = func(*os.File) error { return errors.New("disk full") }
				t.Cleanup(func() { syncFile = old })
				return filepath.Join(dir, "out.json")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			before := entries(t, dir)
			if err := WriteFile(path, []byte("data"), 0o644); err == nil {
				t.Fatal("WriteFile succeeded, want an error")
			}
			after := entries(t, dir)
			if len(after) != len(before) {
				t.Errorf("directory before %v, after %v: a file or temp file was left behind", before, after)
			}
			if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
				t.Errorf("%s exists after a failed write", path)
			}
		})
	}
}

func TestWriteFileFailureKeepsExisting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	old := []byte("previous report\n")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	oldSync := syncFile
	syncFile = func(f *os.File) error { return errors.New("injected failure") }
	t.Cleanup(func() { syncFile = oldSync })

	err := WriteFile(path, []byte("new report that must not appear\n"), 0o644)
	if err == nil {
		t.Fatal("WriteFile succeeded, want an error")
	}
	got, rerr := os.ReadFile(path)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !bytes.Equal(got, old) {
		t.Errorf("existing file changed to %q", got)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v, want only report.json", names)
	}
}

func TestWriteFileErrorNamesDestinationOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing", "out.json")
	err := WriteFile(path, []byte("x"), 0o644)
	if err == nil {
		t.Fatal("WriteFile succeeded, want an error")
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
	if msg := err.Error(); !strings.Contains(msg, path) || strings.Contains(msg, ".tmp-") {
		t.Errorf("error %q should name %s and not the temporary file", msg, path)
	}
}
