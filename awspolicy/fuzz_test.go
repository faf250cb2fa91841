package awspolicy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte(samplePolicy))
	f.Add([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`))
	f.Add([]byte(`"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Deny%22%2C%22NotAction%22%3A%22iam%3A%2A%22%7D%5D%7D"`))
	f.Add([]byte(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*",1,true]}}}]}`))
	f.Add([]byte(`{"Statement":[{"Effect":"Allow","Action":"*","Principal":{"AWS":"*","Service":["a"]}}]}`))
	f.Add([]byte(`{"Statement":[null]}`))
	f.Add([]byte(`{"Statement":null}`))
	f.Add([]byte(`""`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(json.RawMessage(data))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for i, st := range doc.Statements {
			if st.Effect != Allow && st.Effect != Deny {
				t.Fatalf("statement %d: Effect %q", i, st.Effect)
			}
			if !st.Action.Present {
				t.Fatalf("statement %d: no Action", i)
			}
			if st.Index != i {
				t.Fatalf("statement %d has Index %d", i, st.Index)
			}
			for _, c := range st.Conditions {
				if _, _, _, err := ParseOperator(c.Operator); err != nil {
					t.Fatalf("statement %d: parsed operator %q is invalid: %v", i, c.Operator, err)
				}
			}
			// Evaluating a parsed statement never panics.
			st.Applies(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: NewFacts()})
		}
	})
}

// negatedOf pairs each positive operator with its negation.
var negatedOf = map[string]string{
	"StringEquals":           "StringNotEquals",
	"StringEqualsIgnoreCase": "StringNotEqualsIgnoreCase",
	"StringLike":             "StringNotLike",
	"NumericEquals":          "NumericNotEquals",
	"DateEquals":             "DateNotEquals",
	"IpAddress":              "NotIpAddress",
	"ArnEquals":              "ArnNotEquals",
	"ArnLike":                "ArnNotLike",
}

func FuzzConditionEval(f *testing.F) {
	f.Add("StringEquals", "aws:PrincipalTag/team", "red", "${aws:username}", uint8(0), "red", "bob")
	f.Add("ForAllValues:StringLike", "aws:TagKeys", "a*", "b?", uint8(3), "ab", "bc")
	f.Add("ForAnyValue:StringNotEqualsIfExists", "aws:TagKeys", "x", "", uint8(1), "", "")
	f.Add("NumericLessThan", "aws:MultiFactorAuthAge", "3600", "1e3", uint8(0), "100", "")
	f.Add("DateGreaterThanIfExists", "aws:CurrentTime", "2020-01-01T00:00:00Z", "1609459200", uint8(2), "2021-01-01", "")
	f.Add("IpAddress", "aws:SourceIp", "203.0.113.0/24", "2001:db8::/32", uint8(0), "203.0.113.9", "")
	f.Add("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/${*}", "*", uint8(0), "arn:aws:iam::1:role/x", "")
	f.Add("Null", "aws:TokenIssueTime", "true", "false", uint8(2), "", "")
	f.Add("BinaryEquals", "k", "QQ==", "", uint8(0), "QQ==", "")
	f.Add("BoolIfExists", "aws:SecureTransport", "true", "${aws:username, 'x'}", uint8(5), "TRUE", "")
	f.Fuzz(func(t *testing.T, op, key, v1, v2 string, mode uint8, c1, c2 string) {
		values := []string{v1}
		if mode&8 != 0 {
			values = append(values, v2)
		}
		ctx := NewFacts()
		state := KeyState(mode % 3) // KeyUnknown, KeyPresent, KeyAbsent
		switch state {
		case KeyPresent:
			vals := []string{c1}
			if mode&16 != 0 {
				vals = append(vals, c2)
			}
			if mode&32 != 0 {
				vals = nil
			}
			ctx.Set(key, vals...)
		case KeyAbsent:
			ctx.SetAbsent(key)
		}
		// Variables: aws:username known, absent or unknown.
		switch (mode >> 6) % 3 {
		case 0:
			if key != "aws:username" {
				ctx.Set("aws:username", c2)
			}
		case 1:
			if key != "aws:username" {
				ctx.SetAbsent("aws:username")
			}
		}
		c := Condition{Operator: op, Key: key, Values: values}
		got := c.Eval(ctx)
		if got > Yes {
			t.Fatalf("Eval = %d, out of range", got)
		}
		qual, base, ifExists, err := ParseOperator(op)
		if err != nil {
			if got != Maybe {
				t.Fatalf("invalid operator %q gave %v", op, got)
			}
			return
		}
		if state == KeyAbsent && base != "Null" && ifExists && got != Yes {
			t.Fatalf("%s on an absent key = %v, want yes", op, got)
		}
		if state == KeyAbsent && base != "Null" && !ifExists && qual == "ForAllValues" && got != Yes {
			t.Fatalf("%s on an absent key = %v, want yes", op, got)
		}
		if state == KeyAbsent && base != "Null" && !ifExists && qual == "ForAnyValue" && got != No {
			t.Fatalf("%s on an absent key = %v, want no", op, got)
		}
		// A plain operator and its negation are complements.
		if neg, ok := negatedOf[base]; ok && qual == "" && !ifExists {
			n := Condition{Operator: neg, Key: key, Values: values}
			if ng := n.Eval(ctx); ng != got.Not() {
				t.Fatalf("%s = %v but %s = %v", op, got, neg, ng)
			}
		}
		// Knowing more never contradicts an answer given when less was known.
		if state == KeyUnknown && got != Maybe {
			for _, known := range []*Facts{ctx.Clone().SetAbsent(key), ctx.Clone().Set(key, c1)} {
				if g := c.Eval(known); g != got {
					t.Fatalf("%s: unknown key gave %v, but a known one gives %v", op, got, g)
				}
			}
		}
		// Substitution never panics and agrees with itself.
		s1, ok1 := substituteVariables(v1, ctx)
		s2, ok2 := substituteVariables(v1, ctx)
		if s1 != s2 || ok1 != ok2 {
			t.Fatal("substituteVariables is not deterministic")
		}
	})
}

// globReference is a slow, obviously right glob matcher over runes: * any
// run, ? one rune, \ escapes the next rune when escaped is set.
func globReference(pattern, s string, fold, escaped bool) bool {
	type tok struct {
		r    rune
		kind byte // 'l' literal, '*' star, '?' one
	}
	var toks []tok
	pr := []rune(pattern)
	for i := 0; i < len(pr); i++ {
		switch {
		case escaped && pr[i] == '\\' && i+1 < len(pr):
			i++
			toks = append(toks, tok{pr[i], 'l'})
		case pr[i] == '*':
			toks = append(toks, tok{kind: '*'})
		case pr[i] == '?':
			toks = append(toks, tok{kind: '?'})
		default:
			toks = append(toks, tok{pr[i], 'l'})
		}
	}
	sr := []rune(s)
	memo := map[[2]int]bool{}
	var match func(t, i int) bool
	match = func(t, i int) bool {
		key := [2]int{t, i}
		if v, ok := memo[key]; ok {
			return v
		}
		var res bool
		switch {
		case t == len(toks):
			res = i == len(sr)
		case toks[t].kind == '*':
			res = match(t+1, i) || (i < len(sr) && match(t, i+1))
		case i == len(sr):
			res = false
		case toks[t].kind == '?':
			res = match(t+1, i+1)
		default:
			a, b := toks[t].r, sr[i]
			res = (a == b || (fold && foldEqual(a, b))) && match(t+1, i+1)
		}
		memo[key] = res
		return res
	}
	return match(0, 0)
}

func FuzzGlobMatch(f *testing.F) {
	f.Add("s3:Get*", "s3:GetObject", true, false)
	f.Add("a*b?c", "axxbyc", false, false)
	f.Add(`a\*b*`, "a*bcd", false, true)
	f.Add("caf?*", "café!", false, false)
	f.Add("**?*", "", true, true)
	f.Fuzz(func(t *testing.T, pattern, s string, fold, escaped bool) {
		if len(pattern) > 64 || len(s) > 64 {
			return
		}
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			// Invalid bytes decode to U+FFFD one byte at a time in
			// globMatch, as a run of them in the reference: skip.
			globMatch(pattern, s, fold, escaped)
			return
		}
		got := globMatch(pattern, s, fold, escaped)
		want := globReference(pattern, s, fold, escaped)
		if got != want {
			t.Fatalf("globMatch(%q, %q, fold=%v, escaped=%v) = %v, reference says %v", pattern, s, fold, escaped, got, want)
		}
	})
}

// matchARNReference is MatchARN by its definition: field by field over the
// first five colons, then the resource part whole, with globReference.
func matchARNReference(pattern, arn string, escaped bool) bool {
	if pattern == "*" {
		return true
	}
	pn, an := strings.Count(pattern, ":"), strings.Count(arn, ":")
	switch {
	case pn < 5 && an < 5:
		return globReference(pattern, arn, false, escaped)
	case pn < 5 || an < 5:
		return false
	}
	pf, af := strings.SplitN(pattern, ":", 6), strings.SplitN(arn, ":", 6)
	for i := range pf {
		if !globReference(pf[i], af[i], false, escaped) {
			return false
		}
	}
	return true
}

func FuzzMatchARN(f *testing.F) {
	f.Add("arn:aws:iam::*:role/a*", "arn:aws:iam::123:role/admin", false)
	f.Add("arn:aws:s3:::bucket", "arn:aws:s3:::bucket", false)
	f.Add("arn:aws:s3:::bucket", "arn:aws:s3:::bucket2", false)
	f.Add(`arn:aws:s3:::b\*`, "arn:aws:s3:::b*", true)
	f.Add("arn:aws:lambda:*:1:function:f", "arn:aws:lambda:eu:1:function:f:1", false)
	f.Add("my-*", "my-bucket", false)
	f.Fuzz(func(t *testing.T, pattern, arn string, escaped bool) {
		if len(pattern) > 64 || len(arn) > 64 || !utf8.ValidString(pattern) || !utf8.ValidString(arn) {
			return
		}
		if got, want := matchARN(pattern, arn, escaped), matchARNReference(pattern, arn, escaped); got != want {
			t.Fatalf("matchARN(%q, %q, escaped=%v) = %v, reference says %v", pattern, arn, escaped, got, want)
		}
	})
}
