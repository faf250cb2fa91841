package collectors

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/blastradius/blastradius/internal/badinput"
)

// ReadFiles reads the files paths of an offline collection, from fsys (nil:
// the operating system's files), and passes each one's content to each, in
// order. It returns the newest modification time among them. It checks
// ctx before every file; a file missing or unreadable is a
// *badinput.Error naming it; an error of each is returned as it is.
func ReadFiles(ctx context.Context, fsys fs.FS, paths []string, each func(path string, data []byte) error) (newest time.Time, err error) {
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return time.Time{}, err
		}
		data, mod, err := readFile(fsys, p)
		if errors.Is(err, fs.ErrNotExist) {
			return time.Time{}, badinput.Newf(p, "", "no such file")
		}
		if err != nil {
			return time.Time{}, badinput.New(p, "", fmt.Errorf("read: %w", err))
		}
		if mod.After(newest) {
			newest = mod
		}
		if err := each(p, data); err != nil {
			return time.Time{}, err
		}
	}
	return newest, nil
}

// readFile returns the content and modification time of path.
func readFile(fsys fs.FS, path string) ([]byte, time.Time, error) {
	var data []byte
	var info fs.FileInfo
	var err error
	if fsys != nil {
		if data, err = fs.ReadFile(fsys, path); err == nil {
			info, err = fs.Stat(fsys, path)
		}
	} else if data, err = os.ReadFile(path); err == nil {
		info, err = os.Stat(path)
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	return data, info.ModTime(), nil
}
