package tfplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/blastradius/blastradius/internal/badinput"
)

// Plan is a Terraform or OpenTofu plan as `terraform show -json PLANFILE`
// prints it, read by Read.
type Plan struct {
	// File names the plan in errors, gaps and notes.
	File string
	data []byte
	tf   *tfjson.Plan
	// addressAt is, for each element of resource_changes, the byte offset
	// of its "address" value (of the element itself when it has none).
	addressAt []int64
	// places are the line and columns of addressAt, worked out once.
	places []place
}

// place is a position in the plan file: 1-based line, column in bytes
// (as errors give it) and in UTF-16 code units (as SARIF does).
type place struct {
	line, byteCol, utf16Col int
}

// FormatVersion is the plan's format_version ("1.2").
func (p *Plan) FormatVersion() string { return p.tf.FormatVersion }

// Read parses the JSON of `terraform show -json PLANFILE` (format version
// 0.x or 1.x; OpenTofu writes the same format). name names the plan in
// errors. Input that is not such a plan is a *badinput.Error naming name
// and the place: malformed or truncated JSON (line and column), a value of
// the wrong type, a state or other JSON instead of a plan, an unsupported
// format version, a resource change without its change.
func Read(name string, data []byte) (*Plan, error) {
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] != '{' {
		return nil, badinput.Newf(name, badinput.Place(data, int64(len(data)-len(t))), "not a Terraform plan: expected a JSON object (the output of `terraform show -json PLANFILE`)")
	}
	var head struct {
		FormatVersion   *string         `json:"format_version"`
		ResourceChanges json.RawMessage `json:"resource_changes"`
		Values          json.RawMessage `json:"values"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, badinput.FromJSON(name, data, err)
	}
	switch {
	case head.FormatVersion == nil && head.Values != nil:
		return nil, badinput.Newf(name, "", "a Terraform state, not a plan: give the output of `terraform show -json PLANFILE` for a plan saved with `terraform plan -out PLANFILE`")
	case head.FormatVersion == nil:
		return nil, badinput.Newf(name, "", "not a Terraform plan: no format_version (give the output of `terraform show -json PLANFILE`)")
	}
	if err := checkFormatVersion(*head.FormatVersion); err != nil {
		return nil, badinput.New(name, "format_version", err)
	}
	if head.ResourceChanges == nil && head.Values != nil {
		return nil, badinput.Newf(name, "", "a Terraform state, not a plan: give the output of `terraform show -json PLANFILE` for a plan saved with `terraform plan -out PLANFILE`")
	}
	tf := &tfjson.Plan{}
	if err := json.Unmarshal(data, tf); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		if errors.As(err, &syn) || errors.As(err, &typ) {
			return nil, badinput.FromJSON(name, data, err)
		}
		return nil, badinput.New(name, "", fmt.Errorf("read plan: %w", err))
	}
	p := &Plan{File: name, data: data, tf: tf, addressAt: addressOffsets(data)}
	for i, rc := range tf.ResourceChanges {
		if err := p.checkChange(i, rc); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkFormatVersion accepts the plan format versions 0.x and 1.x.
func checkFormatVersion(v string) error {
	major, _, ok := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if !ok || err != nil || n < 0 {
		return fmt.Errorf("%q is not a format version (want major.minor, e.g. \"1.2\")", v)
	}
	if n > 1 {
		return fmt.Errorf("plan format version %s is not supported (this build reads 0.x and 1.x)", v)
	}
	return nil
}

// checkChange checks what the JSON types do not: every resource change
// has an address, a type and a change with actions Terraform writes.
func (p *Plan) checkChange(i int, rc *tfjson.ResourceChange) error {
	if rc == nil {
		return p.bad(i, "", "null resource change")
	}
	if rc.Address == "" || rc.Type == "" {
		return p.bad(i, "", "address and type are required")
	}
	if rc.Change == nil {
		return p.bad(i, "change", "no change")
	}
	if _, err := actionOf(rc.Change.Actions); err != nil {
		return p.bad(i, "change actions", "%v", err)
	}
	for _, side := range []struct {
		name string
		v    any
	}{{"before", rc.Change.Before}, {"after", rc.Change.After}} {
		if side.v == nil {
			continue
		}
		if _, ok := side.v.(map[string]any); !ok {
			return p.bad(i, "change "+side.name, "expected an object of attribute values")
		}
	}
	return nil
}

// changePlace renders the place of resource_changes[i]: its line and
// column, then `resource_changes[3] (aws_iam_role.ci)`.
func (p *Plan) changePlace(i int) string {
	place := "resource_changes[" + strconv.Itoa(i) + "]"
	if i < len(p.tf.ResourceChanges) && p.tf.ResourceChanges[i] != nil && p.tf.ResourceChanges[i].Address != "" {
		place += " (" + p.tf.ResourceChanges[i].Address + ")"
	}
	if pl, ok := p.placeOf(i); ok {
		place = "line " + strconv.Itoa(pl.line) + ", column " + strconv.Itoa(pl.byteCol) + ", " + place
	}
	return place
}

// bad returns bad input in resource_changes[i] at field.
func (p *Plan) bad(i int, field, format string, args ...any) error {
	place := p.changePlace(i)
	if field != "" {
		place += " " + field
	}
	return badinput.Newf(p.File, place, format, args...)
}

// Position returns the 1-based line and column of resource_changes[i]'s
// address in the plan file; the column counts UTF-16 code units, as SARIF
// regions do by default. It is 0, 0 when i is out of range.
func (p *Plan) Position(i int) (line, column int) {
	pl, ok := p.placeOf(i)
	if !ok {
		return 0, 0
	}
	return pl.line, pl.utf16Col
}

// placeOf returns the place of resource_changes[i]'s address. The places
// of all changes are worked out in one pass over the file: `terraform show
// -json` prints one line, where a pass per change would be quadratic.
func (p *Plan) placeOf(i int) (place, bool) {
	if i < 0 || i >= len(p.addressAt) {
		return place{}, false
	}
	if p.places == nil {
		p.places = places(p.data, p.addressAt)
	}
	return p.places[i], true
}

// places returns the places of the byte offsets offs (in file order, as
// resource_changes is) in data.
func places(data []byte, offs []int64) []place {
	out := make([]place, len(offs))
	order := make([]int, len(offs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return offs[order[a]] < offs[order[b]] })
	cur := place{line: 1, byteCol: 1, utf16Col: 1}
	pos := 0
	for _, i := range order {
		off := int(min(max(offs[i], 0), int64(len(data))))
		for pos < off {
			r, size := utf8.DecodeRune(data[pos:])
			switch {
			case r == '\n':
				cur = place{line: cur.line + 1, byteCol: 1, utf16Col: 1}
			case r > 0xFFFF:
				cur.byteCol += size
				cur.utf16Col += 2 // a surrogate pair
			default:
				cur.byteCol += size
				cur.utf16Col++
			}
			pos += size
		}
		out[i] = cur
	}
	return out
}

// addressOffsets finds, for each element of the top-level resource_changes
// array, the byte offset of its "address" value (or of the element when it
// has none). It stops quietly at anything unexpected: the caller decodes
// the same data and reports errors.
func addressOffsets(data []byte) []int64 {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil
		}
		if key != "resource_changes" {
			if skipValue(dec) != nil {
				return nil
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return nil
		}
		var offsets []int64
		for dec.More() {
			start := valueStart(data, dec.InputOffset())
			off, err := elementAddress(dec, data, start)
			if err != nil {
				return offsets
			}
			offsets = append(offsets, off)
		}
		return offsets
	}
	return nil
}

// elementAddress reads one element of resource_changes and returns the
// offset of its address value, or start when it has none.
func elementAddress(dec *json.Decoder, data []byte, start int64) (int64, error) {
	tok, err := dec.Token()
	if err != nil {
		return 0, err
	}
	if tok != json.Delim('{') {
		if d, ok := tok.(json.Delim); ok && (d == '[') {
			return start, skipRest(dec)
		}
		return start, nil
	}
	found := start
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return 0, err
		}
		if key == "address" {
			found = valueStart(data, dec.InputOffset())
		}
		if err := skipValue(dec); err != nil {
			return 0, err
		}
	}
	_, err = dec.Token() // '}'
	return found, err
}

// valueStart returns the offset of the next value after off, past white
// space, a colon or a comma.
func valueStart(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
			continue
		}
		break
	}
	return off
}

// skipValue reads and discards the next value.
func skipValue(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

// skipRest discards the rest of an array or object whose opening
// delimiter was read.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
	return nil
}
