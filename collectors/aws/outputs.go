package aws

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/blastradius/blastradius/internal/badinput"
)

// Output is one output of an AWS call with where it came from. An offline
// file holds one output or a JSON array of them (several regions, pages, or
// one per item of a per-item call); a live run makes one Output per call.
type Output[T any] struct {
	// Where names the output in errors and gaps: the file path, or the API
	// call of a live run.
	Where string
	// Place is the output's place in Where: "[2]" for the third element of
	// a file holding an array, "" for a file holding one output.
	Place string
	// Region is the region the output was collected in, when the element
	// carries it ("Region": "eu-west-1" beside the output) or the live
	// collector knows it; used where the output has no ARN to take it from.
	Region string
	// Value is the output itself.
	Value T
}

// loc returns the place of the output.
func (o Output[T]) loc() loc { return loc{o.Where, o.Place} }

// Timestamp is a date as the AWS CLI prints it: an ISO 8601 string (CLI v2)
// or seconds since the epoch (CLI v1, for services of the JSON protocol).
// It keeps the text as given and never fails to decode a scalar: the
// collector stores no date it reads this way.
type Timestamp string

// UnmarshalJSON keeps a JSON string's text, or any other value's JSON text.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Timestamp(s)
		return nil
	}
	if string(b) == "null" {
		return nil
	}
	*t = Timestamp(b)
	return nil
}

// DecodeOutputs decodes an offline file holding the output of one AWS CLI
// call (a JSON object) or a JSON array of such outputs; each may carry
// "Region" beside the output's own fields. file names the file in errors;
// command (e.g. "aws lambda list-functions") is the call the file should
// hold, for messages. Malformed JSON and fields of the wrong type are
// badinput errors with the line and column. Unknown fields are ignored.
func DecodeOutputs[T any](file, command string, data []byte) ([]Output[T], error) {
	rest := bytes.TrimLeft(data, " \t\r\n")
	if len(rest) == 0 {
		return nil, badinput.Newf(file, "", "empty file, expected the JSON output of %s", command)
	}
	type region struct {
		Region string `json:"Region"`
	}
	switch rest[0] {
	case '{':
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, badinput.FromJSON(file, data, err)
		}
		var r region
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, badinput.FromJSON(file, data, err)
		}
		return []Output[T]{{Where: file, Region: r.Region, Value: v}}, nil
	case '[':
		var vs []T
		if err := json.Unmarshal(data, &vs); err != nil {
			return nil, badinput.FromJSON(file, data, err)
		}
		var rs []region
		if err := json.Unmarshal(data, &rs); err != nil {
			return nil, badinput.FromJSON(file, data, err)
		}
		out := make([]Output[T], len(vs))
		for i := range vs {
			out[i] = Output[T]{Where: file, Place: "[" + strconv.Itoa(i) + "]", Region: rs[i].Region, Value: vs[i]}
		}
		return out, nil
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, badinput.FromJSON(file, data, err)
	}
	return nil, badinput.Newf(file, badinput.Place(data, int64(len(data)-len(rest))),
		"expected a JSON object or an array of objects (the output of %s)", command)
}

// loc is a place in an input: the file (or API call) and the place in it.
type loc struct{ where, place string }

// in returns the place of item i of list inside l: `[0] Functions[3] (function f)`.
func (l loc) in(list string, i int, what, name string) loc {
	return loc{l.where, joinPlace(l.place, at(list, i, what, name))}
}

// named returns l followed by "(what name)", or l when name is empty.
func (l loc) named(what, name string) loc {
	if name == "" {
		return l
	}
	return l.field("(" + what + " " + name + ")")
}

// field returns the place of a field inside l.
func (l loc) field(name string) loc { return loc{l.where, joinPlace(l.place, name)} }

// String renders l for gaps: "file: place", or "file".
func (l loc) String() string {
	if l.place == "" {
		return l.where
	}
	return l.where + ": " + l.place
}

// relativeTo renders l as seen from other: the place alone when both are
// in the same file.
func (l loc) relativeTo(other loc) string {
	if l.where == other.where && l.place != "" {
		return l.place
	}
	return l.String()
}

// bad returns bad input at l.
func (l loc) bad(format string, args ...any) error {
	return badinput.Newf(l.where, l.place, format, args...)
}

func joinPlace(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
