package collectors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/blastradius/blastradius/internal/badinput"
)

// JSONRecords reads the records of one file of outside input: JSON Lines
// (one record per line), JSON arrays of records or a stream of JSON values,
// in any mix. It calls each with every record and its place ("line N"),
// stops at the first error each returns, and returns it as it is. Bad JSON,
// a truncated file or a record longer than maxBytes is a *badinput.Error
// naming file and the place.
func JSONRecords(file string, data []byte, maxBytes int, each func(place string, raw json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	// line is the line of offset off, each record's counted on from the
	// one before: counting from the start for every record would be
	// quadratic in the size of the file.
	line, off := 1, int64(0)
	one := func() error {
		start := skipSpace(data, dec.InputOffset())
		line += bytes.Count(data[off:start], []byte{'\n'})
		off = start
		place := fmt.Sprintf("line %d", line)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return jsonErr(file, data, err)
		}
		if len(raw) > maxBytes {
			return badinput.Newf(file, place, "record of %d bytes is too large", len(raw))
		}
		return each(place, raw)
	}
	for {
		start := skipSpace(data, dec.InputOffset())
		if start >= int64(len(data)) {
			return nil
		}
		if data[start] != '[' {
			if err := one(); err != nil {
				return err
			}
			continue
		}
		if _, err := dec.Token(); err != nil {
			return jsonErr(file, data, err)
		}
		for dec.More() {
			if err := one(); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return jsonErr(file, data, err)
		}
	}
}

// jsonErr turns a decoding error into bad input with its line; an early
// end of input is a truncated file.
func jsonErr(file string, data []byte, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return badinput.New(file, badinput.Place(data, int64(len(data))), errors.New("invalid JSON: unexpected end of input (truncated file?)"))
	}
	return badinput.FromJSON(file, data, err)
}

// skipSpace returns the offset of the first byte at or after off that is
// neither white space nor a comma.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',':
			off++
		default:
			return off
		}
	}
	return off
}
