package awspolicy

import (
	"fmt"
	"strings"
)

// ParseOperator splits a condition operator into its set qualifier
// ("ForAllValues", "ForAnyValue" or ""), its base operator, and reports
// whether it ends in IfExists. An unknown operator is an error.
func ParseOperator(op string) (qualifier, base string, ifExists bool, err error) {
	rest := op
	if i := strings.Index(rest, ":"); i >= 0 {
		qualifier, rest = rest[:i], rest[i+1:]
		if qualifier != "ForAllValues" && qualifier != "ForAnyValue" {
			return "", "", false, fmt.Errorf("unknown condition qualifier %q", qualifier)
		}
	}
	if strings.HasSuffix(rest, "IfExists") && rest != "IfExists" {
		ifExists = true
		rest = strings.TrimSuffix(rest, "IfExists")
	}
	if !knownOperators[rest] {
		return "", "", false, fmt.Errorf("unknown condition operator %q", op)
	}
	if rest == "Null" && (ifExists || qualifier != "") {
		return "", "", false, fmt.Errorf("condition operator %q: Null takes no qualifier or IfExists", op)
	}
	return qualifier, rest, ifExists, nil
}

var knownOperators = map[string]bool{
	"StringEquals": true, "StringNotEquals": true,
	"StringEqualsIgnoreCase": true, "StringNotEqualsIgnoreCase": true,
	"StringLike": true, "StringNotLike": true,
	"NumericEquals": true, "NumericNotEquals": true,
	"NumericLessThan": true, "NumericLessThanEquals": true,
	"NumericGreaterThan": true, "NumericGreaterThanEquals": true,
	"DateEquals": true, "DateNotEquals": true,
	"DateLessThan": true, "DateLessThanEquals": true,
	"DateGreaterThan": true, "DateGreaterThanEquals": true,
	"Bool":         true,
	"BinaryEquals": true,
	"IpAddress":    true, "NotIpAddress": true,
	"ArnEquals": true, "ArnLike": true, "ArnNotEquals": true, "ArnNotLike": true,
	"Null": true,
}

// EvalConditions decides the statement's Condition block: every condition
// must hold. It returns Maybe, with the undecided conditions named, when a
// key the context does not know decides the outcome.
func (s *Statement) EvalConditions(ctx Context) (Tri, []string) {
	result := Yes
	var undecided []string
	for i := range s.Conditions {
		c := &s.Conditions[i]
		t := c.Eval(ctx)
		if t == Maybe {
			undecided = append(undecided, c.Operator+" "+c.Key)
		}
		result = result.And(t)
		if result == No {
			return No, nil
		}
	}
	return result, undecided
}

// Eval decides one condition against the context, as AWS does:
//
//   - The values of one condition are ORed; a negated operator
//     (StringNotEquals, NotIpAddress, ArnNotLike, …) holds when the request
//     value matches none of them.
//   - A key absent from the request (or present with no values) makes a
//     plain operator false and a negated one true; an …IfExists operator and
//     ForAllValues are true, ForAnyValue is false. Null "true" holds when the
//     key is absent, Null "false" when it is present.
//   - ForAllValues holds when every request value satisfies the operator,
//     ForAnyValue when at least one does. Without a qualifier, a positive
//     operator holds when some request value matches and a negated one when
//     none does.
//   - Policy variables in the values of String, Arn and Bool operators are
//     substituted from ctx; a variable whose key is absent (and that has no
//     default) has no value, which nothing equals (so negated operators hold).
//
// A key the context does not know (KeyUnknown), or a variable it cannot
// resolve, gives Maybe unless the outcome is the same whatever the value.
// An operator ParseOperator rejects is Maybe: it is never assumed.
func (c *Condition) Eval(ctx Context) Tri {
	qualifier, base, ifExists, err := ParseOperator(c.Operator)
	if err != nil {
		return Maybe
	}
	values, state := lookup(ctx, c.Key)
	if since, ok := fromTime(values); ok && state == KeyPresent {
		if spec := operatorSpecs[base]; spec.family == famDate || spec.family == famNumeric {
			return c.evalFrom(spec, since)
		}
		values = []string{nowValue(c.Key, since)}
	}
	if state == KeyPresent && len(values) == 0 {
		// An empty set is treated as an absent key (AWS: "a null data set").
		state = KeyAbsent
	}
	if base == "Null" {
		return c.evalNull(state)
	}
	spec := operatorSpecs[base]
	var absent Tri
	switch {
	case ifExists, qualifier == "ForAllValues":
		absent = Yes
	case qualifier == "ForAnyValue":
		absent = No
	default:
		absent = TriOf(spec.negated)
	}
	switch state {
	case KeyAbsent:
		return absent
	case KeyPresent:
		// Without a qualifier, a negated operator must hold for every
		// value (no value matches), a positive one for some value.
		all := qualifier == "ForAllValues" || (qualifier == "" && spec.negated)
		acc := TriOf(all)
		for _, v := range values {
			e := c.elem(spec, v, true, ctx)
			if all {
				acc = acc.And(e)
				if acc == No {
					return No
				}
			} else {
				acc = acc.Or(e)
				if acc == Yes {
					return Yes
				}
			}
		}
		return acc
	}
	// Unknown: the key is either absent or present with values we do not
	// know. When both cases give the same answer, that is the answer.
	if present := c.elem(spec, "", false, ctx); present == absent {
		return absent
	}
	return Maybe
}

// elem decides the operator for one request value v; with known false, v
// stands for a value nobody knows.
func (c *Condition) elem(spec opSpec, v string, known bool, ctx Context) Tri {
	m := No
	for _, p := range c.Values {
		m = m.Or(c.compareOne(spec, p, v, known, ctx))
		if m == Yes {
			break
		}
	}
	if spec.negated {
		return m.Not()
	}
	return m
}

// compareOne decides whether request value v matches policy value p under
// the positive form of the operator.
func (c *Condition) compareOne(spec opSpec, p, v string, known bool, ctx Context) Tri {
	text, escaped := p, false
	if spec.vars {
		var st Tri
		text, escaped, st = expand(p, ctx, spec.glob)
		if st != Yes {
			// No: a variable without a value, which nothing matches.
			return st
		}
	}
	if !known {
		// Only a pattern that matches every string decides an unknown value.
		if (spec.family == famStringLike && onlyStars(text)) || (spec.family == famArn && text == "*") {
			return Yes
		}
		return Maybe
	}
	return TriOf(spec.compare(text, escaped, v))
}

func (c *Condition) evalNull(state KeyState) Tri {
	holds := func(absent bool) Tri {
		for _, p := range c.Values {
			if b, ok := parseBool(p); ok && b == absent {
				return Yes
			}
		}
		return No
	}
	switch state {
	case KeyAbsent:
		return holds(true)
	case KeyPresent:
		return holds(false)
	}
	if a := holds(true); a == holds(false) {
		return a
	}
	return Maybe
}

// lookup is ctx.Lookup that tolerates a nil context (everything unknown).
func lookup(ctx Context, key string) ([]string, KeyState) {
	if ctx == nil {
		return nil, KeyUnknown
	}
	return ctx.Lookup(key)
}

func onlyStars(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '*' {
			return false
		}
	}
	return true
}

// SubstituteVariables replaces the policy variables in s (${aws:username},
// ${aws:PrincipalTag/team, 'default'}, ${*}, ${?}, ${$}) with their values
// from ctx. It reports false, and returns s unchanged, when a variable
// cannot be resolved: its key is unknown, has several values, or is absent
// and the variable has no default.
func SubstituteVariables(s string, ctx Context) (string, bool) {
	return substituteVariables(s, ctx)
}

// substituteVariables replaces policy variables (${aws:username}, …) in s
// from ctx: a key with one value is replaced by it; ${*}, ${?} and ${$} are a
// literal *, ? and $; ${key, 'default'} falls back to default when key is
// absent. It reports false when a variable cannot be resolved: its key is
// unknown, absent without a default, or has several values.
func substituteVariables(s string, ctx Context) (string, bool) {
	out, _, st := expand(s, ctx, false)
	if st != Yes {
		return s, false
	}
	return out, true
}

// expand resolves the policy variables in s. The Tri is Yes when every
// variable resolved, No when one has no value (its key is certainly absent
// and it has no default: the string then matches nothing), and Maybe when
// one is unknown, multi-valued or malformed.
//
// With glob, the result is a wildcard pattern for globMatch in escaped mode
// (escaped is then true): text that came from a variable or from ${*}, ${?},
// ${$} is literal, so its * and ? are escaped with a backslash, as is every
// backslash of s itself.
func expand(s string, ctx Context, glob bool) (out string, escaped bool, state Tri) {
	if !strings.Contains(s, "${") {
		return s, false, Yes
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	writeText := func(t string) {
		if !glob {
			b.WriteString(t)
			return
		}
		for i := 0; i < len(t); i++ {
			if t[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(t[i])
		}
	}
	writeLiteral := func(t string) {
		if !glob {
			b.WriteString(t)
			return
		}
		for i := 0; i < len(t); i++ {
			switch t[i] {
			case '*', '?', '\\':
				b.WriteByte('\\')
			}
			b.WriteByte(t[i])
		}
	}
	state = Yes
	rest := s
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			writeText(rest)
			break
		}
		writeText(rest[:i])
		body, after, closed := cutVariable(rest[i+2:])
		if !closed {
			// No closing brace: not a variable, plain text.
			writeText(rest[i:])
			break
		}
		rest = after
		switch body {
		case "*", "?", "$":
			writeLiteral(body)
			continue
		}
		key, def, hasDefault, ok := splitDefault(body)
		if !ok {
			state = Maybe
			continue
		}
		vals, st := lookup(ctx, key)
		if _, ok := fromTime(vals); ok {
			// A moment of the attacker's choosing is not one value.
			state = Maybe
			continue
		}
		switch {
		case st == KeyPresent && len(vals) == 1:
			writeLiteral(vals[0])
		case st == KeyPresent && len(vals) > 1:
			// AWS does not resolve multivalued keys as variables.
			state = Maybe
		case st == KeyAbsent || st == KeyPresent:
			if !hasDefault {
				return "", false, No
			}
			writeLiteral(def)
		default:
			state = Maybe
		}
	}
	return b.String(), glob, state
}

// cutVariable splits r, the text after "${", at the brace that closes the
// variable; a brace inside a quoted default does not close it.
func cutVariable(r string) (body, after string, ok bool) {
	quoted := false
	for j := 0; j < len(r); j++ {
		switch r[j] {
		case '\'':
			quoted = !quoted
		case '}':
			if !quoted {
				return r[:j], r[j+1:], true
			}
		}
	}
	return "", "", false
}

// splitDefault splits a variable body "key, 'default'" into its parts; ok is
// false for a malformed body (empty key, unquoted default).
func splitDefault(body string) (key, def string, hasDefault, ok bool) {
	k, d, found := strings.Cut(body, ",")
	key = strings.TrimSpace(k)
	if key == "" {
		return "", "", false, false
	}
	if !found {
		return key, "", false, true
	}
	d = strings.TrimSpace(d)
	if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
		return "", "", false, false
	}
	return key, d[1 : len(d)-1], true, true
}
