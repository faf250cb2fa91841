//go:build unix

package atomicfile

import (
	"io/fs"
	"os"
	"syscall"
)

// duplicate returns a new *os.File on a duplicate of the open descriptor fd.
func duplicate(fd int, name string) (*os.File, error) {
	dup, err := syscall.Dup(fd)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(dup), name), nil
}

// keepOwner gives f the owner and group of old, where the process may (as
// root); otherwise the new file keeps the process's own.
func keepOwner(f *os.File, old fs.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok || (int(st.Uid) == os.Geteuid() && int(st.Gid) == os.Getegid()) {
		return
	}
	_ = f.Chown(int(st.Uid), int(st.Gid))
}
