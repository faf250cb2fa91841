// Package badinput describes input that cannot be used: which file, where in
// it, and what is wrong. The command layer maps these errors to exit code 2.
package badinput

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Error is bad input found in File at Place.
type Error struct {
	// File is the path or name of the input ("gaad.json", "snap.json").
	File string
	// Place locates the problem: "line 3, column 7", a JSON path, or both.
	Place string
	// Err is the underlying problem.
	Err error
}

func (e *Error) Error() string {
	switch {
	case e.File != "" && e.Place != "":
		return fmt.Sprintf("%s: %s: %v", e.File, e.Place, e.Err)
	case e.File != "":
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	case e.Place != "":
		return fmt.Sprintf("%s: %v", e.Place, e.Err)
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// New returns bad input in file at place.
func New(file, place string, err error) *Error {
	return &Error{File: file, Place: place, Err: err}
}

// Newf returns bad input in file at place with a formatted message.
func Newf(file, place, format string, args ...any) *Error {
	return &Error{File: file, Place: place, Err: fmt.Errorf(format, args...)}
}

// Is reports whether err is, or wraps, bad input.
func Is(err error) bool {
	var b *Error
	return errors.As(err, &b)
}

// LineCol turns a byte offset in data into a 1-based line and column.
func LineCol(data []byte, offset int64) (line, col int) {
	if offset < 0 {
		offset = 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// Place renders a byte offset of data as "line L, column C".
func Place(data []byte, offset int64) string {
	l, c := LineCol(data, offset)
	return fmt.Sprintf("line %d, column %d", l, c)
}

// FromJSON turns an error of encoding/json while decoding data from file into
// bad input with a line and column (and, for type errors, the field path).
// Other errors are wrapped with the file name only. A nil error stays nil.
func FromJSON(file string, data []byte, err error) error {
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// The offset counts the bytes read, the offending one included.
		msg, at := syn.Error(), syn.Offset-1
		if msg == "unexpected end of JSON input" {
			msg, at = msg+" (truncated file?)", syn.Offset
		}
		return New(file, Place(data, at), fmt.Errorf("invalid JSON: %s", msg))
	case errors.As(err, &typ):
		place := Place(data, typ.Offset)
		if typ.Field != "" {
			place += " (" + typ.Field + ")"
		}
		return New(file, place, fmt.Errorf("expected %s, found JSON %s", typ.Type, typ.Value))
	}
	return New(file, "", err)
}
