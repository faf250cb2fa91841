// Package awspolicy is the AWS IAM policy language: it parses identity,
// resource and trust policy documents into typed statements and decides,
// with three-valued logic, whether a statement applies to a request.
//
// It knows the language only. Which policies apply to whom, and in which
// order AWS evaluates them, is the job of analysis/aws.
package awspolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Effect is the effect of a statement.
type Effect string

// The two effects AWS knows.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is a parsed policy document.
type Document struct {
	Version    string
	ID         string
	Statements []Statement
}

// Patterns is the value of Action/NotAction, Resource/NotResource: a list of
// patterns and whether the Not form was used. Present is false when neither
// form appears in the statement.
type Patterns struct {
	Values  []string
	Negated bool
	Present bool
}

// Principals is the value of Principal or NotPrincipal.
type Principals struct {
	// Wildcard is true for "Principal": "*" (or {"AWS": "*"}).
	Wildcard      bool
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
	Negated       bool
	Present       bool
}

// Condition is one key of one operator of a Condition block.
type Condition struct {
	// Operator is the full operator as written, e.g. "ForAnyValue:StringLikeIfExists".
	Operator string
	// Key is the condition key as written, e.g. "aws:PrincipalTag/team".
	Key    string
	Values []string
}

// Statement is one parsed statement.
type Statement struct {
	// Index is the position of the statement in its document, from 0.
	Index      int
	Sid        string
	Effect     Effect
	Principal  Principals
	Action     Patterns
	Resource   Patterns
	Conditions []Condition
}

// ParseError is a document that does not parse; Place says where in the
// document ("statement 2, Effect").
type ParseError struct {
	Place string
	Err   error
}

func (e *ParseError) Error() string {
	if e.Place == "" {
		return "policy document: " + e.Err.Error()
	}
	return "policy document: " + e.Place + ": " + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

func perr(place, format string, args ...any) *ParseError {
	return &ParseError{Place: place, Err: fmt.Errorf(format, args...)}
}

// Decode returns the JSON text of a policy document as the AWS API returns
// it: either a JSON object, or that object URL-encoded in a string (as
// GetAccountAuthorizationDetails and the Get*Policy calls return it).
func Decode(raw json.RawMessage) ([]byte, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return nil, &ParseError{Err: errors.New("empty document")}
	}
	if trimmed[0] != '"' {
		return trimmed, nil
	}
	var s string
	if err := json.Unmarshal(trimmed, &s); err != nil {
		return nil, &ParseError{Err: fmt.Errorf("document string: %w", err)}
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "%") || !strings.HasPrefix(s, "{") {
		dec, err := url.PathUnescape(s)
		if err != nil {
			return nil, &ParseError{Err: fmt.Errorf("URL-encoded document: %w", err)}
		}
		s = dec
	}
	return []byte(s), nil
}

// Parse parses a policy document given as a JSON object or as a (possibly
// URL-encoded) JSON string.
func Parse(raw json.RawMessage) (*Document, error) {
	text, err := Decode(raw)
	if err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(text, &top); err != nil {
		return nil, &ParseError{Err: fmt.Errorf("not a JSON object: %w", err)}
	}
	doc := &Document{}
	for key, val := range top {
		switch key {
		case "Version":
			if err := json.Unmarshal(val, &doc.Version); err != nil {
				return nil, perr("Version", "must be a string")
			}
		case "Id":
			if err := json.Unmarshal(val, &doc.ID); err != nil {
				return nil, perr("Id", "must be a string")
			}
		case "Statement":
		default:
			return nil, perr(key, "unknown top-level element %q", key)
		}
	}
	stmtRaw, ok := top["Statement"]
	if !ok {
		return nil, perr("", "no Statement")
	}
	var list []json.RawMessage
	if t := bytes.TrimSpace(stmtRaw); len(t) > 0 && t[0] == '{' {
		list = []json.RawMessage{t}
	} else if err := json.Unmarshal(stmtRaw, &list); err != nil {
		return nil, perr("Statement", "must be an object or an array of objects")
	}
	for i, sr := range list {
		st, err := parseStatement(i, sr)
		if err != nil {
			return nil, err
		}
		doc.Statements = append(doc.Statements, st)
	}
	return doc, nil
}

func parseStatement(index int, raw json.RawMessage) (Statement, error) {
	place := "statement " + strconv.Itoa(index)
	st := Statement{Index: index}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return st, perr(place, "must be a JSON object")
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		val := fields[key]
		at := place + ", " + key
		var err error
		switch key {
		case "Sid":
			if json.Unmarshal(val, &st.Sid) != nil {
				return st, perr(at, "must be a string")
			}
		case "Effect":
			var e string
			if json.Unmarshal(val, &e) != nil {
				return st, perr(at, "must be a string")
			}
			switch Effect(e) {
			case Allow, Deny:
				st.Effect = Effect(e)
			default:
				return st, perr(at, "unknown Effect %q (want Allow or Deny)", e)
			}
		case "Action", "NotAction":
			if st.Action.Present {
				return st, perr(at, "Action and NotAction together")
			}
			st.Action, err = parsePatterns(val, key == "NotAction")
		case "Resource", "NotResource":
			if st.Resource.Present {
				return st, perr(at, "Resource and NotResource together")
			}
			st.Resource, err = parsePatterns(val, key == "NotResource")
		case "Principal", "NotPrincipal":
			if st.Principal.Present {
				return st, perr(at, "Principal and NotPrincipal together")
			}
			st.Principal, err = parsePrincipals(val, key == "NotPrincipal")
		case "Condition":
			st.Conditions, err = parseConditions(val)
		default:
			return st, perr(at, "unknown statement element %q", key)
		}
		if err != nil {
			return st, perr(at, "%v", err)
		}
	}
	if st.Effect == "" {
		return st, perr(place, "no Effect")
	}
	if !st.Action.Present {
		return st, perr(place, "no Action or NotAction")
	}
	return st, nil
}

// stringOrList decodes a JSON string or array of strings.
func stringOrList(raw json.RawMessage) ([]string, error) {
	t := bytes.TrimSpace(raw)
	if len(t) > 0 && t[0] == '"' {
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	var list []string
	if err := json.Unmarshal(t, &list); err != nil {
		return nil, errors.New("must be a string or an array of strings")
	}
	return list, nil
}

func parsePatterns(raw json.RawMessage, negated bool) (Patterns, error) {
	list, err := stringOrList(raw)
	if err != nil {
		return Patterns{}, err
	}
	return Patterns{Values: list, Negated: negated, Present: true}, nil
}

func parsePrincipals(raw json.RawMessage, negated bool) (Principals, error) {
	p := Principals{Negated: negated, Present: true}
	t := bytes.TrimSpace(raw)
	if len(t) > 0 && t[0] == '"' {
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return p, err
		}
		if s != "*" {
			return p, fmt.Errorf("a string principal must be \"*\", not %q", s)
		}
		p.Wildcard = true
		return p, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(t, &m); err != nil {
		return p, errors.New(`must be "*" or an object such as {"AWS": …}`)
	}
	for typ, val := range m {
		list, err := stringOrList(val)
		if err != nil {
			return p, fmt.Errorf("%s: %v", typ, err)
		}
		switch typ {
		case "AWS":
			for _, v := range list {
				if v == "*" {
					p.Wildcard = true
				}
			}
			p.AWS = append(p.AWS, list...)
		case "Service":
			p.Service = append(p.Service, list...)
		case "Federated":
			p.Federated = append(p.Federated, list...)
		case "CanonicalUser":
			p.CanonicalUser = append(p.CanonicalUser, list...)
		default:
			return p, fmt.Errorf("unknown principal type %q", typ)
		}
	}
	return p, nil
}

func parseConditions(raw json.RawMessage) ([]Condition, error) {
	var ops map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ops); err != nil {
		return nil, errors.New("must be an object of operators, each an object of keys")
	}
	var out []Condition
	for op, keys := range ops {
		if _, _, _, err := ParseOperator(op); err != nil {
			return nil, err
		}
		for key, val := range keys {
			values, err := scalarOrList(val)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %v", op, key, err)
			}
			out = append(out, Condition{Operator: op, Key: key, Values: values})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Operator != out[j].Operator {
			return out[i].Operator < out[j].Operator
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// scalarOrList decodes a condition value: a string, number or boolean, or an
// array of them, each rendered as a string the way AWS compares them.
func scalarOrList(raw json.RawMessage) ([]string, error) {
	t := bytes.TrimSpace(raw)
	var items []json.RawMessage
	if len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &items); err != nil {
			return nil, errors.New("must be a value or an array of values")
		}
	} else {
		items = []json.RawMessage{t}
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		var v any
		if err := json.Unmarshal(it, &v); err != nil {
			return nil, errors.New("must be a value or an array of values")
		}
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case bool:
			out = append(out, strconv.FormatBool(x))
		case float64:
			out = append(out, strings.TrimSpace(string(it)))
		default:
			return nil, errors.New("values must be strings, numbers or booleans")
		}
	}
	return out, nil
}
