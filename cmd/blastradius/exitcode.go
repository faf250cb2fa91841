package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/blastradius/blastradius/internal/badinput"
)

// Exit codes of blastradius (ARCHITECTURE.md, "Command-line contract").
const (
	// exitOK: the command did what was asked.
	exitOK = 0
	// exitGate: a gate failed (diff or plan-diff --fail-on).
	exitGate = 1
	// exitUsage: bad usage or bad input: unknown flags or formats, missing
	// arguments, unreadable or malformed files. Also the code of any failure
	// that is not one of the others.
	exitUsage = 2
	// exitCollect: collection failed, or with --strict any gap was recorded.
	exitCollect = 3
)

// exitError is an error that carries the exit code the process ends with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf reports bad usage (exit 2).
func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// usageError marks err as bad usage or bad input (exit 2).
func usageError(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitUsage, err: err}
}

// collectError marks err as a failed collection (exit 3).
func collectError(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitCollect, err: err}
}

// gateError marks err as a failed gate (exit 1).
func gateError(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitGate, err: err}
}

// isInputError reports whether err is the fault of the input rather than
// of the tool or the source: malformed or unreadable files.
func isInputError(err error) bool {
	return badinput.Is(err) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission)
}

// exitCode maps an error returned by the app to the process exit code.
// Typed errors carry their code; bad input is 2; everything else is 2 as well
// (the run produced no result, and 1 is reserved for gates).
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitUsage
}
