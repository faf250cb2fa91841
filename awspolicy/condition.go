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

// Eval decides one condition against the context.
func (c *Condition) Eval(ctx Context) Tri {
	// Placeholder until the evaluator of every operator lands: a condition
	// is never assumed, so it is undecided.
	return Maybe
}

// substituteVariables replaces policy variables (${aws:username}, …) in s
// from ctx. It reports false when a variable is unknown.
func substituteVariables(s string, ctx Context) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	return s, false
}
