package main

import (
	"fmt"
	"io"

	"github.com/blastradius/blastradius/internal/atomicfile"
)

// outputPerm is the mode of files blastradius writes.
const outputPerm = 0o644

// writeOutput writes data to path through a temporary file and a rename, or
// to stdout when path is "" or "-". A failure is bad usage (exit 2): the
// output path cannot be written.
func writeOutput(path string, data []byte, stdout io.Writer) error {
	if atomicfile.IsStdout(path) {
		if _, err := stdout.Write(data); err != nil {
			return fmt.Errorf("write standard output: %w", err)
		}
		return nil
	}
	return usageError(atomicfile.WriteFile(path, data, outputPerm))
}
