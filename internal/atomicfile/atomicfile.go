// Package atomicfile writes output files so that a failed run never leaves a
// half-written file: data goes to a temporary file in the same directory,
// which is synced and then renamed over the destination.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Stdout is where WriteFile writes when the path is "" or "-". Tests may
// replace it.
var Stdout io.Writer = os.Stdout

// IsStdout reports whether path means standard output ("" or "-").
func IsStdout(path string) bool { return path == "" || path == "-" }

// WriteFile writes data to path atomically with permissions perm: either the
// whole of data ends up at path, or path is left as it was. The temporary
// file is created in path's directory (so the rename stays on one file
// system), synced before the rename, and removed on any error.
//
// A path of "" or "-" writes data to Stdout instead.
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	if IsStdout(path) {
		if _, err := Stdout.Write(data); err != nil {
			return fmt.Errorf("write standard output: %w", err)
		}
		return nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, cause(err))
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = syncFile(tmp); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("write %s: %w", path, cause(err))
	}
	syncDir(dir)
	return nil
}

// cause strips the temporary file's name from a path or link error, so
// messages name only the destination; errors.Is still sees the cause.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// syncFile flushes f to stable storage; a variable so tests can make it fail.
var syncFile = func(f *os.File) error { return f.Sync() }

// syncDir makes the rename durable where the platform allows it; failures
// are ignored because the data itself is already safe.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
