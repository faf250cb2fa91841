package kubernetes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// SavedMember is the top-level member a live collection adds to the List
// it saves, beside apiVersion, items, kind and metadata: what it learned
// from the API server and could not see, so that reading the file again
// reports them too. kubectl writes no such member.
const SavedMember = "blastradius"

// Saved is the SavedMember of a saved List.
type Saved struct {
	// Cluster is the cluster name the live collection used.
	Cluster string      `json:"cluster,omitempty"`
	Facts   ServerFacts `json:"facts"`
	// Gaps are the lists the live collection could not read.
	Gaps []graphmodel.Gap `json:"gaps,omitempty"`
	// Unlisted names the kinds whose list was not read.
	Unlisted []string `json:"unlisted,omitempty"`
}

// listMeta is the metadata of a list.
type listMeta struct {
	Continue string `json:"continue,omitempty"`
}

// span is where one item lies in the input.
type span struct{ start, end int64 }

// DecodeList reads the output of KubectlCommand: one JSON object of kind
// List whose items are objects of the kinds the collector reads (an API
// list of one kind, e.g. kind PodList, is read too). file names the input
// in errors. Input that is not such a List (not JSON, truncated, another
// kind, an item of a kind the collector does not read, an item without
// name, a namespaced item without namespace, a field of the wrong type)
// is a *badinput.Error naming file and the place: line and column, and
// the item ("items[3] (Pod dev/web)").
//
// Secret data and stringData, ConfigMaps other than kube-system/aws-auth,
// and every other field the Inventory types lack are dropped as they are
// read.
func DecodeList(file string, data []byte) (*Inventory, *Saved, error) {
	inv, _, saved, err := decodeList(file, data, nil)
	return inv, saved, err
}

// decodeList reads a List, or with def a page of an API list of that kind
// (whose items need no kind), and returns its continue token.
func decodeList(file string, data []byte, def *kindInfo) (*Inventory, string, *Saved, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, "", nil, badinput.Newf(file, "", "empty input: not a kubectl List (write one with: %s)", KubectlCommand)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, "", nil, badinput.New(file, badinput.Place(data, syn.Offset-1),
				fmt.Errorf("not JSON (write the List with: %s): %v", KubectlCommand, syn))
		}
		return nil, "", nil, jsonErr(file, data, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, "", nil, badinput.Newf(file, badinput.Place(data, skipSpace(data, 0)),
			"not a kubectl List: the input is a JSON %s, not an object with items", describe(tok))
	}
	var (
		kind, apiVersion string
		kindAt           int64 = -1
		meta             listMeta
		saved            *Saved
		savedAt          int64
		items            []span
	)
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return nil, "", nil, jsonErr(file, data, err)
		}
		key, _ := keyTok.(string)
		at := valueStart(data, dec.InputOffset())
		switch key {
		case "kind":
			kindAt = at
			err = dec.Decode(&kind)
		case "apiVersion":
			err = dec.Decode(&apiVersion)
		case "metadata":
			err = dec.Decode(&meta)
		case SavedMember:
			savedAt = at
			err = dec.Decode(&saved)
		case "items":
			items, err = readItems(file, dec, data)
			if badinput.Is(err) {
				return nil, "", nil, err
			}
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, "", nil, jsonErr(file, data, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, "", nil, jsonErr(file, data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, "", nil, badinput.Newf(file, badinput.Place(data, skipSpace(data, dec.InputOffset())),
			"data after the List: a file holds one List")
	}
	switch {
	case kind == "List":
	case strings.HasSuffix(kind, "List") && kindByName[strings.TrimSuffix(kind, "List")] != nil:
		lk := kindByName[strings.TrimSuffix(kind, "List")]
		if def != nil && lk != def {
			return nil, "", nil, badinput.Newf(file, badinput.Place(data, kindAt), "kind %s: want a %sList", kind, def.kind)
		}
		def = lk
	case kind == "" && kindAt < 0:
		return nil, "", nil, badinput.Newf(file, "", "not a kubectl List: the object has no kind (write the List with: %s)", KubectlCommand)
	default:
		return nil, "", nil, badinput.Newf(file, badinput.Place(data, kindAt),
			"not a kubectl List: kind is %q (write the List with: %s)", kind, KubectlCommand)
	}
	inv := &Inventory{}
	for i, sp := range items {
		if err := decodeItem(file, data, sp, i, def, inv); err != nil {
			return nil, "", nil, err
		}
	}
	if saved != nil {
		for i, g := range saved.Gaps {
			if g.What == "" || g.Reason == "" {
				return nil, "", nil, badinput.Newf(file, badinput.Place(data, savedAt),
					"%s.gaps[%d]: what and reason are required", SavedMember, i)
			}
		}
		for _, k := range saved.Unlisted {
			if kindByName[k] == nil {
				return nil, "", nil, badinput.Newf(file, badinput.Place(data, savedAt),
					"%s.unlisted: %q is not a kind the collector reads", SavedMember, k)
			}
		}
	}
	return inv, meta.Continue, saved, nil
}

// readItems reads the items array, returning where each item lies
// without decoding it. An item that is not an object is bad input; other
// errors are encoding/json's.
func readItems(file string, dec *json.Decoder, data []byte) ([]span, error) {
	at := valueStart(data, dec.InputOffset())
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, badinput.Newf(file, badinput.Place(data, at)+" (items)", "items is a JSON %s, not an array", describe(tok))
	}
	var items []span
	for dec.More() {
		start := valueStart(data, dec.InputOffset())
		if start < int64(len(data)) && data[start] != '{' {
			var v any
			if err := dec.Decode(&v); err != nil {
				return nil, err
			}
			return nil, badinput.Newf(file, fmt.Sprintf("%s (items[%d])", badinput.Place(data, start), len(items)),
				"the item is a JSON %s, not an object", describe(v))
		}
		// Decoding into an empty struct skips the item without keeping it.
		var skip struct{}
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
		items = append(items, span{start, dec.InputOffset()})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return items, nil
}

// decodeItem decodes the item at sp into inv.
func decodeItem(file string, data []byte, sp span, i int, def *kindInfo, inv *Inventory) error {
	raw := data[sp.start:sp.end]
	var head struct {
		TypeMeta
		Metadata struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return itemErr(file, data, sp.start, fmt.Sprintf("items[%d]", i), err)
	}
	// The place is found only for an error: counting lines for every item
	// would be quadratic in the size of the input.
	place := func() string { return badinput.Place(data, sp.start) }
	k := def
	if head.Kind != "" {
		hk := kindByName[head.Kind]
		if hk == nil || (head.APIVersion != "" && groupOf(head.APIVersion) != hk.group) {
			return badinput.Newf(file, fmt.Sprintf("%s (items[%d])", place(), i),
				"kind %s (apiVersion %s) is not one the collector reads; it reads %s", head.Kind, head.APIVersion, kindNames())
		}
		if def != nil && hk != def {
			return badinput.Newf(file, fmt.Sprintf("%s (items[%d])", place(), i), "kind %s in a list of %s", head.Kind, def.resource)
		}
		k = hk
	}
	if k == nil {
		return badinput.Newf(file, fmt.Sprintf("%s (items[%d])", place(), i), "the item has no kind")
	}
	label := fmt.Sprintf("items[%d] (%s)", i, k.kind)
	if name := head.Metadata.Name; name != "" {
		if head.Metadata.Namespace != "" {
			name = head.Metadata.Namespace + "/" + name
		}
		label = fmt.Sprintf("items[%d] (%s %s)", i, k.kind, name)
	}
	switch {
	case head.Metadata.Name == "":
		return badinput.Newf(file, place()+" ("+label+")", "metadata.name is empty")
	case k.namespaced && head.Metadata.Namespace == "":
		return badinput.Newf(file, place()+" ("+label+")", "metadata.namespace is empty: a %s is namespaced", k.kind)
	}
	if k.keep != nil && !k.keep(head.Metadata.Namespace, head.Metadata.Name) {
		return nil
	}
	if err := k.add(inv, raw, TypeMeta{APIVersion: k.apiVersion(), Kind: k.kind}); err != nil {
		return itemErr(file, data, sp.start, label, err)
	}
	return nil
}

// itemErr places an error of decoding the item starting at start.
func itemErr(file string, data []byte, start int64, label string, err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field := ""
		if typ.Field != "" {
			field = " " + typ.Field
		}
		return badinput.New(file, badinput.Place(data, start+typ.Offset)+" ("+label+field+")",
			fmt.Errorf("expected %s, found JSON %s", typ.Type, typ.Value))
	}
	return badinput.New(file, badinput.Place(data, start)+" ("+label+")", err)
}

// jsonErr turns an error of reading data into bad input with its place;
// a premature end is reported at the end of the input.
func jsonErr(file string, data []byte, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return badinput.New(file, badinput.Place(data, int64(len(data))),
			errors.New("invalid JSON: unexpected end of input (truncated file?)"))
	}
	return badinput.FromJSON(file, data, err)
}

// valueStart returns the offset of the value that follows off: past
// white space and one ':' or ','.
func valueStart(data []byte, off int64) int64 {
	off = skipSpace(data, off)
	if off < int64(len(data)) && (data[off] == ':' || data[off] == ',') {
		off = skipSpace(data, off+1)
	}
	return off
}

func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\n', '\r':
			off++
		default:
			return off
		}
	}
	return off
}

// describe names the JSON type of a token or decoded value.
func describe(v any) string {
	switch t := v.(type) {
	case json.Delim:
		if t == '[' {
			return "array"
		}
		return "object"
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
