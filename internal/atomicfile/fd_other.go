//go:build !unix

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
)

// duplicate is not supported where descriptors are not numbered files.
func duplicate(fd int, name string) (*os.File, error) {
	return nil, errors.New("writing to a descriptor by name is not supported on this platform")
}

// keepOwner does nothing where files have no Unix owner.
func keepOwner(*os.File, fs.FileInfo) {}
