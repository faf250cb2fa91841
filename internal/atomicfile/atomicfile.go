// Package atomicfile writes output files so that a failed run never leaves a
// half-written file, and never replaces what is not a regular file.
//
// What WriteFile does depends on what the path names:
//
//   - nothing yet, or a regular file: the data goes to a temporary file in the
//     same directory, which is synced and then renamed over the destination.
//     A regular file keeps its permission bits (and, where the process may,
//     its owner); a new file gets the mode the caller gives.
//   - a symbolic link: the link is followed to its final target (which need
//     not exist yet), and that target is written as above; the link stays.
//   - a device, FIFO, socket or terminal, or one of the process's own
//     descriptors (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N): it
//     is opened (or the descriptor used) and written in place, never renamed
//     over: "-o /dev/null" leaves /dev/null a device.
//
// Every caller prepares the whole content before calling WriteFile, so a run
// that fails writes nothing anywhere.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
)

// Stdout is where WriteFile writes when the path is "" or "-". Tests may
// replace it.
var Stdout io.Writer = os.Stdout

// IsStdout reports whether path means standard output ("" or "-").
func IsStdout(path string) bool { return path == "" || path == "-" }

// maxLinks bounds the symbolic links followed from one path, as the kernel
// does (ELOOP).
const maxLinks = 40

// WriteFile writes data to path: either the whole of data ends up there, or
// path is left as it was. See the package documentation for what happens to
// links, devices and FIFOs. perm is the mode of a file WriteFile creates.
//
// A path of "" or "-" writes data to Stdout instead.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	if IsStdout(path) {
		if _, err := Stdout.Write(data); err != nil {
			return fmt.Errorf("write standard output: %w", err)
		}
		return nil
	}
	if fd, ok := ownDescriptor(path); ok {
		return writeDescriptor(path, fd, data)
	}
	target, fi, err := resolve(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	switch {
	case fi == nil:
		return replace(path, target, data, perm, nil)
	case fi.Mode().IsRegular():
		return replace(path, target, data, fi.Mode().Perm(), fi)
	case fi.IsDir():
		return fmt.Errorf("write %s: is a directory", path)
	default:
		return writeInPlace(path, target, data)
	}
}

// resolve follows the symbolic links of path to the file they end at and
// returns its path and its Lstat, nil when nothing exists there yet. A link
// into a /proc/<pid>/fd directory ends the walk: such links name open files
// ("pipe:[123]"), not paths, and are written through.
func resolve(path string) (string, fs.FileInfo, error) {
	cur := path
	for range maxLinks {
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return cur, nil, nil
		}
		if err != nil {
			return "", nil, cause(err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return cur, fi, nil
		}
		if isProcFD(cur) {
			fi, err := os.Stat(cur)
			if err != nil {
				return "", nil, cause(err)
			}
			return cur, fi, nil
		}
		dest, err := os.Readlink(cur)
		if err != nil {
			return "", nil, cause(err)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(cur), dest)
		}
		cur = dest
	}
	return "", nil, fmt.Errorf("more than %d symbolic links: %w", maxLinks, syscall.ELOOP)
}

// procFD matches a file descriptor directory of /proc.
var procFD = regexp.MustCompile(`^/proc/[^/]+/(task/[^/]+/)?fd$`)

// isProcFD reports whether path is an entry of a /proc/<pid>/fd directory
// (also reached as /dev/fd/N).
func isProcFD(path string) bool {
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	return err == nil && procFD.MatchString(dir)
}

// ownFD matches the names of this process's own descriptors.
var ownFD = regexp.MustCompile(`^/(dev/fd|proc/self/fd|proc/thread-self/fd|proc/` + strconv.Itoa(os.Getpid()) + `/fd)/([0-9]+)$`)

// ownDescriptor returns the descriptor number path names when it is one of
// this process's own: /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N.
// Writing to the descriptor keeps what the shell set up (append mode, the
// offset, a socket that open(2) could not reopen).
func ownDescriptor(path string) (int, bool) {
	switch filepath.Clean(path) {
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	m := ownFD.FindStringSubmatch(filepath.Clean(path))
	if m == nil {
		return 0, false
	}
	fd, err := strconv.Atoi(m[2])
	if err != nil || fd > 1<<20 {
		return 0, false
	}
	return fd, true
}

// writeDescriptor writes data to the open descriptor fd, named path in
// errors. Descriptors 1 and 2 go through os.Stdout and os.Stderr; any other
// is duplicated, written and the duplicate closed, so the descriptor itself
// stays open for the rest of the process.
func writeDescriptor(path string, fd int, data []byte) error {
	var f *os.File
	switch fd {
	case 1:
		f = os.Stdout
	case 2:
		f = os.Stderr
	default:
		dup, err := duplicate(fd, path)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		defer dup.Close()
		f = dup
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, cause(err))
	}
	return nil
}

// writeInPlace opens target, which exists and is not a regular file (a
// device, FIFO or socket), and writes data into it. path is the name the
// user gave, for messages.
func writeInPlace(path, target string, data []byte) error {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, cause(err))
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, cause(err))
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, cause(err))
	}
	return nil
}

// replace writes data to a temporary file beside target and renames it onto
// target, with mode perm; old is target's Lstat when it exists (its owner is
// kept where the process may set it). path is the name the user gave.
func replace(path, target string, data []byte, perm os.FileMode, old fs.FileInfo) (err error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: cannot create a temporary file in %s: %w", path, filepath.Clean(dir), cause(err))
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, cause(err))
	}
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, cause(err))
	}
	if old != nil {
		keepOwner(tmp, old)
	}
	if err = syncFile(tmp); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, cause(err))
	}
	if err = os.Rename(tmpName, target); err != nil {
		if errors.Is(err, syscall.EBUSY) || errors.Is(err, syscall.EXDEV) {
			return fmt.Errorf("write %s: cannot replace %s (a mount point?): %w", path, target, cause(err))
		}
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
