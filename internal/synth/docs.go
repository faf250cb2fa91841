package synth

import (
	"bytes"
	"encoding/json"
	"strings"
)

// doc is an IAM policy document with its keys in the order people write them.
type doc struct {
	Version   string `json:"Version"`
	Statement []stmt `json:"Statement"`
}

// stmt is one statement. Principal, Action, NotAction, Resource and
// NotResource hold a string or a []string (see one); Condition maps an
// operator to keys to a string or a []string.
type stmt struct {
	Sid         string                    `json:"Sid,omitempty"`
	Effect      string                    `json:"Effect"`
	Principal   any                       `json:"Principal,omitempty"`
	Action      any                       `json:"Action,omitempty"`
	NotAction   any                       `json:"NotAction,omitempty"`
	Resource    any                       `json:"Resource,omitempty"`
	NotResource any                       `json:"NotResource,omitempty"`
	Condition   map[string]map[string]any `json:"Condition,omitempty"`
}

// policyVersion2012 is the policy language version of every document.
const policyVersion2012 = "2012-10-17"

// newDoc returns a document of the statements.
func newDoc(ss ...stmt) doc { return doc{Version: policyVersion2012, Statement: ss} }

// one returns a single value as a string and several as a list, as people
// write them.
func one(vs ...string) any {
	if len(vs) == 1 {
		return vs[0]
	}
	return append([]string(nil), vs...)
}

// allow returns an Allow statement of actions on resources.
func allow(actions []string, resources ...string) stmt {
	return stmt{Effect: "Allow", Action: one(actions...), Resource: one(resources...)}
}

// deny returns a Deny statement of actions on resources.
func deny(actions []string, resources ...string) stmt {
	return stmt{Effect: "Deny", Action: one(actions...), Resource: one(resources...)}
}

// acts is a shorthand for a list of actions.
func acts(a ...string) []string { return a }

// with returns s with a condition added.
func (s stmt) with(op, key string, values ...string) stmt {
	c := make(map[string]map[string]any, len(s.Condition)+1)
	for k, v := range s.Condition {
		c[k] = v
	}
	m := make(map[string]any, len(c[op])+1)
	for k, v := range c[op] {
		m[k] = v
	}
	m[key] = one(values...)
	c[op] = m
	s.Condition = c
	return s
}

// sid returns s with a statement id.
func (s stmt) sid(id string) stmt {
	s.Sid = id
	return s
}

// trustDoc returns a trust policy letting principal (a map such as
// {"Service": …} or {"AWS": …}) assume the role.
func trustDoc(principal map[string]any, extra ...func(stmt) stmt) doc {
	s := stmt{Effect: "Allow", Principal: principal, Action: "sts:AssumeRole"}
	for _, f := range extra {
		s = f(s)
	}
	return newDoc(s)
}

// render returns the JSON text of d: compact, or indented with 4 spaces as
// the console and most editors save it.
func render(d doc, pretty bool) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if pretty {
		enc.SetIndent("", "    ")
	}
	if err := enc.Encode(d); err != nil {
		// A doc holds strings, lists and maps of strings only.
		panic("synth: encode policy document: " + err.Error())
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// urlEncode percent-encodes s as the IAM API returns policy documents:
// every byte but the RFC 3986 unreserved characters.
func urlEncode(s []byte) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 2)
	for _, c := range s {
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// field returns the gaad.json value of a document: its JSON text as an
// object when objects is set, else the URL-encoded text as a JSON string.
func field(d doc, pretty, objects bool) json.RawMessage {
	text := render(d, pretty)
	if objects {
		return json.RawMessage(text)
	}
	s, err := json.Marshal(urlEncode(text))
	if err != nil {
		panic("synth: encode string: " + err.Error())
	}
	return s
}
