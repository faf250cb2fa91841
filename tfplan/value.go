package tfplan

import (
	"fmt"
	"sort"
	"strconv"
)

// object is the value of a resource (its attributes, as the plan's change
// representation holds them) with the matching part of after_unknown: an
// attribute is unknown when after_unknown holds true at its place. The
// before side of a change is always known.
type object struct {
	v       map[string]any
	unknown map[string]any
}

// newObject wraps a decoded value and its after_unknown.
func newObject(v, unknown any) *object {
	m, _ := v.(map[string]any)
	u, _ := unknown.(map[string]any)
	return &object{v: m, unknown: u}
}

// isUnknown reports whether after_unknown marks u (an attribute's part of
// it) as wholly unknown.
func isUnknown(u any) bool {
	b, ok := u.(bool)
	return ok && b
}

// known reports whether the attribute key is known (it may be null).
func (o *object) known(key string) bool { return !isUnknown(o.unknown[key]) }

// str returns the string attribute key: its value when known and a
// string, a number or a bool rendered as text; ok is false when it is
// unknown. A null or absent attribute is "", true.
func (o *object) str(key string) (s string, ok bool) {
	if !o.known(key) {
		return "", false
	}
	return scalar(o.v[key]), true
}

// scalar renders a JSON scalar as text ("" for null and compound values).
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case fmt.Stringer:
		return x.String()
	}
	return ""
}

// strs returns the known elements of the list or set attribute key (a
// string attribute is a list of one), and how many elements are unknown;
// whole is true when the attribute as a whole is unknown (its length is
// not known either).
func (o *object) strs(key string) (known []string, unknown int, whole bool) {
	if !o.known(key) {
		return nil, 0, true
	}
	if s, ok := o.v[key].(string); ok {
		return []string{s}, 0, false // a single value where a list may be
	}
	list, _ := o.v[key].([]any)
	marks, _ := o.unknown[key].([]any)
	for i, e := range list {
		if i < len(marks) && isUnknown(marks[i]) {
			unknown++
			continue
		}
		if s := scalar(e); s != "" {
			known = append(known, s)
		}
	}
	return known, unknown, false
}

// blocks returns the nested blocks of attribute key (a list or set of
// objects) with their unknown marks; whole is true when the attribute is
// wholly unknown.
func (o *object) blocks(key string) (list []*object, whole bool) {
	if !o.known(key) {
		return nil, true
	}
	raw, _ := o.v[key].([]any)
	marks, _ := o.unknown[key].([]any)
	for i, e := range raw {
		var u any
		if i < len(marks) {
			u = marks[i]
		}
		if isUnknown(u) {
			whole = true
			continue
		}
		list = append(list, newObject(e, u))
	}
	return list, whole
}

// tags returns the map attribute key as tags: nil, false when unknown.
func (o *object) tags(key string) (map[string]string, bool) {
	if !o.known(key) {
		return nil, false
	}
	m, _ := o.v[key].(map[string]any)
	if u, ok := o.unknown[key].(map[string]any); ok && len(u) > 0 {
		return nil, false
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = scalar(v)
	}
	return out, true
}

// sortedSet returns list sorted, each value once, empty values dropped.
func sortedSet(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
