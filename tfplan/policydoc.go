package tfplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/internal/badinput"
)

// UnknownKeyPrefix starts the condition key of the condition that marks a
// statement whose content is unknown until apply, followed by what is
// unknown (`aws_iam_role_policy.ci.policy`,
// `data.aws_iam_policy_document.ci.statement[0].resources`). No request
// carries such a key, so the analysis can decide nothing about it: every
// step the statement allows is conditional, and the edge's conditions name
// the key, hence the address. The statement's Sid names it as well, for
// the evidence of paths.
const UnknownKeyPrefix = "blastradius:UnknownUntilApply/"

// docKind is what a policy document is for, which decides the statement
// that stands for a document unknown until apply.
type docKind int

const (
	// identityDoc: an inline or managed policy, a permissions boundary.
	identityDoc docKind = iota
	// trustDoc: a role's trust policy.
	trustDoc
	// resourceDoc: a resource-based policy.
	resourceDoc
	// scpDoc and rcpDoc: service and resource control policies.
	scpDoc
	rcpDoc
)

// unknownSid is the Sid of a statement that stands for what is unknown.
func unknownSid(sid, what string) string {
	note := "[unknown until apply: " + what + "]"
	if sid == "" {
		return note
	}
	return sid + " " + note
}

// unknownCondition is the condition a statement with unknown content gets.
func unknownCondition(what string) map[string]map[string]any {
	return map[string]map[string]any{"Bool": {UnknownKeyPrefix + what: "true"}}
}

// unknownDocument is the document that stands for a policy document
// unknown until apply: whatever it allows, conditionally. A control policy
// allows everything and denies everything conditionally: what the
// accounts under it may do depends on it.
func unknownDocument(kind docKind, what string) json.RawMessage {
	st := map[string]any{"Sid": unknownSid("", what), "Effect": "Allow", "Action": "*", "Resource": "*", "Condition": unknownCondition(what)}
	var list []any
	switch kind {
	case identityDoc:
		list = []any{st}
	case trustDoc:
		st["Principal"] = "*"
		st["Action"] = []string{"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"}
		delete(st, "Resource")
		list = []any{st}
	case resourceDoc:
		st["Principal"] = "*"
		list = []any{st}
	case scpDoc, rcpDoc:
		st["Effect"] = "Deny"
		allow := map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}
		if kind == rcpDoc {
			st["Principal"] = "*"
			allow["Principal"] = "*"
		}
		list = []any{allow, st}
	}
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": list})
	return doc
}

// document returns the policy document attribute key of s as the
// collector stores documents (compact JSON), nil when there is none.
// With computed, an attribute the configuration does not set and the
// provider computes is no document (the caller knows AWS's default). A
// document unknown until apply is rebuilt from the
// data.aws_iam_policy_document it comes from when it can be, and is
// otherwise the conditional stand-in of unknownDocument. A document that
// does not parse is bad input at its place in the plan.
func (s side) document(key string, kind docKind, computed bool) (json.RawMessage, error) {
	if text, ok := s.o.str(key); ok {
		if strings.TrimSpace(text) == "" {
			return nil, nil
		}
		return s.compact(key, text)
	}
	if !s.after || (computed && !s.configured(key)) {
		return nil, nil
	}
	if text, ok := s.resolver(key).expression(s.exprs[key]); ok && text != "" {
		return s.compact(key, text)
	}
	return unknownDocument(kind, s.what(key)), nil
}

// compact checks a policy document of the plan and returns it compact.
func (s side) compact(key, text string) (json.RawMessage, error) {
	raw := jsonString(text)
	place := s.a.p.changePlace(s.c.idx) + " change " + sideName(s.after) + "." + s.path + key
	if _, err := awspolicy.Parse(raw); err != nil {
		var pe *awspolicy.ParseError
		if errors.As(err, &pe) && pe.Place != "" {
			return nil, badinput.New(s.a.p.File, place+": "+pe.Place, pe.Err)
		}
		return nil, badinput.New(s.a.p.File, place, err)
	}
	decoded, err := awspolicy.Decode(raw)
	if err != nil {
		return nil, badinput.New(s.a.p.File, place, err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, decoded); err != nil {
		return nil, badinput.New(s.a.p.File, place, fmt.Errorf("policy document: %w", err))
	}
	return buf.Bytes(), nil
}

func sideName(after bool) string {
	if after {
		return "after"
	}
	return "before"
}

// jsonString returns s as a JSON string.
func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// rebuildDocument builds the document of a data.aws_iam_policy_document
// whose json is unknown until apply (Terraform reads it during apply when
// it depends on a resource the plan changes), as the AWS provider renders
// it: the known parts of its planned arguments as they are, an unknown
// element that refers to a planned resource as that resource's value (a
// resource ARN also as the ARN followed by /*, since the plan does not say
// whether the element was written as the ARN or a path under it), and
// what stays unknown as * with the statement made conditional.
func (a *applier) rebuildDocument(c *change, depth int) (json.RawMessage, bool) {
	if depth > maxDepth {
		return nil, false
	}
	s := a.side(c, true)
	s.depth = depth
	if text, ok := s.o.str("json"); ok && text != "" {
		return json.RawMessage(text), true
	}
	blocks, ok := s.blocks("statement")
	if !ok {
		return nil, false
	}
	sources, ok := s.strs("source_policy_documents")
	if !ok {
		return nil, false
	}
	var list []map[string]any
	for _, d := range sources {
		list = mergeStatements(list, docStatements(d))
	}
	var own []map[string]any
	for _, b := range blocks {
		own = append(own, b.statement())
	}
	list = mergeStatements(list, own)
	overrides, ok := s.strs("override_policy_documents")
	if !ok {
		return nil, false
	}
	for _, d := range overrides {
		list = mergeStatements(list, docStatements(d))
	}
	version, _ := s.str("version")
	if version == "" {
		version = "2012-10-17"
	}
	doc := map[string]any{"Version": version, "Statement": list}
	if id, _ := s.str("policy_id"); id != "" {
		doc["Id"] = id
	}
	out, err := json.Marshal(doc)
	return out, err == nil
}

// docStatements returns the statements of a policy document text.
func docStatements(text string) []map[string]any {
	_, raw := statements(json.RawMessage(text))
	var out []map[string]any
	for _, r := range raw {
		var m map[string]any
		if json.Unmarshal(r, &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// mergeStatements adds more to list as the provider merges source,
// own and override documents: a statement with a Sid replaces the one of
// list with the same Sid (in its place), any other is appended.
func mergeStatements(list, more []map[string]any) []map[string]any {
	for _, st := range more {
		sid, _ := st["Sid"].(string)
		replaced := false
		if sid != "" {
			for i := range list {
				if other, _ := list[i]["Sid"].(string); other == sid {
					list[i] = st
					replaced = true
					break
				}
			}
		}
		if !replaced {
			list = append(list, st)
		}
	}
	return list
}

// statement renders one statement block of aws_iam_policy_document.
func (b side) statement() map[string]any {
	st := map[string]any{}
	var unknown []string
	sid, _ := b.str("sid")
	effect, _ := b.str("effect")
	if effect == "" {
		effect = "Allow"
	}
	st["Effect"] = effect
	for _, f := range []struct {
		key, field string
		resource   bool
	}{
		{"actions", "Action", false}, {"not_actions", "NotAction", false},
		{"resources", "Resource", true}, {"not_resources", "NotResource", true},
	} {
		vals, missing := b.policyList(f.key, f.resource)
		if missing != "" {
			unknown = append(unknown, missing)
		}
		if len(vals) > 0 {
			st[f.field] = vals
		}
	}
	for _, f := range []struct{ key, field string }{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
		blocks, ok := b.blocks(f.key)
		if !ok {
			unknown = append(unknown, b.what(f.key))
			st[f.field] = "*"
			continue
		}
		if len(blocks) == 0 {
			continue
		}
		principals := map[string][]string{}
		wildcard := false
		for _, p := range blocks {
			typ, _ := p.str("type")
			ids, missing := p.policyList("identifiers", false)
			if missing != "" {
				unknown = append(unknown, missing)
			}
			if typ == "*" {
				wildcard = true
				continue
			}
			principals[typ] = append(principals[typ], ids...)
		}
		if wildcard {
			st[f.field] = "*"
		} else {
			st[f.field] = principals
		}
	}
	conds := map[string]map[string]any{}
	blocks, ok := b.blocks("condition")
	if !ok {
		unknown = append(unknown, b.what("condition"))
	}
	for _, cb := range blocks {
		test, tok := cb.str("test")
		variable, vok := cb.str("variable")
		values, missing := cb.policyList("values", false)
		if !tok || !vok || missing != "" {
			unknown = append(unknown, cb.what("values"))
			continue
		}
		if conds[test] == nil {
			conds[test] = map[string]any{}
		}
		conds[test][variable] = values
	}
	if len(unknown) > 0 {
		what := strings.Join(unknown, ", ")
		for k, v := range unknownCondition(what) {
			conds[k] = v
		}
		sid = unknownSid(sid, what)
	}
	if len(conds) > 0 {
		st["Condition"] = conds
	}
	if sid != "" {
		st["Sid"] = sid
	}
	return st
}

// policyList returns the elements of a list argument of a policy document
// block, resolving unknown elements by address; missing names the
// argument when an element stays unknown, which is then "*".
func (b side) policyList(key string, resource bool) (vals []string, missing string) {
	known, unknown, whole := b.o.strs(key)
	vals = known
	if !whole && unknown == 0 {
		return sortedSet(vals), ""
	}
	extra, ok := b.resolver(key).expressionAll(b.exprs[key])
	if !ok {
		return sortedSet(append(vals, "*")), b.what(key)
	}
	for _, v := range extra {
		vals = append(vals, v)
		if resource && strings.HasPrefix(v, "arn:") {
			vals = append(vals, v+"/*")
		}
	}
	return sortedSet(vals), ""
}
