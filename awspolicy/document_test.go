package awspolicy

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

const samplePolicy = `{
  "Version": "2012-10-17",
  "Id": "sample",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
    {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::b/*",
     "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": ["red", "blue"]},
                   "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
                   "Bool": {"aws:SecureTransport": false}}},
    {"Effect": "Allow", "Action": "sts:AssumeRole",
     "Principal": {"AWS": ["arn:aws:iam::111111111111:root", "222222222222"], "Service": "ec2.amazonaws.com"}}
  ]
}`

func TestParse(t *testing.T) {
	doc, err := Parse(json.RawMessage(samplePolicy))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2012-10-17" || doc.ID != "sample" || len(doc.Statements) != 3 {
		t.Fatalf("document = %+v", doc)
	}
	s0, s1, s2 := doc.Statements[0], doc.Statements[1], doc.Statements[2]
	if s0.Sid != "Read" || s0.Effect != Allow || s0.Action.Negated || !reflect.DeepEqual(s0.Action.Values, []string{"s3:GetObject", "s3:ListBucket"}) {
		t.Errorf("statement 0 = %+v", s0)
	}
	if s1.Index != 1 || s1.Effect != Deny || !s1.Action.Negated || !s1.Resource.Negated || s1.Resource.Values[0] != "arn:aws:s3:::b/*" {
		t.Errorf("statement 1 = %+v", s1)
	}
	wantConds := []Condition{
		{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"false"}},
		{Operator: "NumericLessThan", Key: "aws:MultiFactorAuthAge", Values: []string{"3600"}},
		{Operator: "StringNotEquals", Key: "aws:PrincipalTag/team", Values: []string{"red", "blue"}},
	}
	if !reflect.DeepEqual(s1.Conditions, wantConds) {
		t.Errorf("conditions = %+v, want %+v", s1.Conditions, wantConds)
	}
	if !s2.Principal.Present || s2.Principal.Wildcard || len(s2.Principal.AWS) != 2 || s2.Principal.Service[0] != "ec2.amazonaws.com" {
		t.Errorf("statement 2 principal = %+v", s2.Principal)
	}
	if s2.Resource.Present {
		t.Error("statement 2 has no Resource element")
	}
}

func TestParseEncodings(t *testing.T) {
	want, err := Parse(json.RawMessage(samplePolicy))
	if err != nil {
		t.Fatal(err)
	}
	quote := func(s string) json.RawMessage {
		b, _ := json.Marshal(s)
		return b
	}
	compact := func(s string) string {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	tests := []struct {
		name string
		raw  json.RawMessage
	}{
		{"JSON object", json.RawMessage(samplePolicy)},
		{"JSON object with surrounding space", json.RawMessage("\n  " + samplePolicy + "\n")},
		{"URL-encoded string (path escaping)", quote(url.PathEscape(compact(samplePolicy)))},
		{"plain JSON text in a string", quote(samplePolicy)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse = %+v, want %+v", got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	wrap := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	ok := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	encoded := func(s string) json.RawMessage {
		b, _ := json.Marshal(url.QueryEscape(s))
		return b
	}
	tests := []struct {
		name      string
		raw       json.RawMessage
		wantPlace string
		wantMsg   string
	}{
		{"empty", json.RawMessage(``), "", "empty document"},
		{"not JSON", json.RawMessage(`{"Version":`), "", "not a JSON object"},
		{"array", json.RawMessage(`[1,2]`), "", "not a JSON object"},
		{"bad URL encoding", json.RawMessage(`"%7B%zz"`), "", "URL-encoded document"},
		{"no Statement", json.RawMessage(`{"Version":"2012-10-17"}`), "", "no Statement"},
		{"unknown top-level element", json.RawMessage(`{"Version":"2012-10-17","Statment":[]}`), "Statment", "unknown top-level element"},
		{"Version not a string", json.RawMessage(`{"Version":1,"Statement":[]}`), "Version", "must be a string"},
		{"Statement not a list", json.RawMessage(`{"Statement":"x"}`), "Statement", "must be an object or an array"},
		{"unknown Effect", json.RawMessage(wrap(ok, `{"Effect":"Permit","Action":"*","Resource":"*"}`)), "statement 1, Effect", `unknown Effect "Permit"`},
		{"lower-case Effect", json.RawMessage(wrap(`{"Effect":"allow","Action":"*","Resource":"*"}`)), "statement 0, Effect", "unknown Effect"},
		{"Effect not a string", json.RawMessage(wrap(`{"Effect":true,"Action":"*"}`)), "statement 0, Effect", "must be a string"},
		{"no Effect", json.RawMessage(wrap(ok, ok, `{"Action":"*","Resource":"*"}`)), "statement 2", "no Effect"},
		{"Action and NotAction", json.RawMessage(wrap(`{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}`)), "statement 0, NotAction", "Action and NotAction together"},
		{"Resource and NotResource", json.RawMessage(wrap(ok, `{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"x"}`)), "statement 1, Resource", "Resource and NotResource together"},
		{"Principal and NotPrincipal", json.RawMessage(wrap(`{"Effect":"Allow","Action":"*","Principal":"*","NotPrincipal":"*"}`)), "statement 0, Principal", "Principal and NotPrincipal together"},
		{"no Action", json.RawMessage(wrap(`{"Effect":"Allow","Resource":"*"}`)), "statement 0", "no Action or NotAction"},
		{"non-object statement", json.RawMessage(wrap(ok, `"Allow everything"`)), "statement 1", "must be a JSON object"},
		{"number statement", json.RawMessage(wrap(`42`)), "statement 0", "must be a JSON object"},
		{"Action not strings", json.RawMessage(wrap(`{"Effect":"Allow","Action":[1,2]}`)), "statement 0, Action", "must be a string or an array of strings"},
		{"unknown element", json.RawMessage(wrap(`{"Effect":"Allow","Action":"*","Resources":"*"}`)), "statement 0, Resources", "unknown statement element"},
		{"string principal", json.RawMessage(wrap(`{"Effect":"Allow","Action":"*","Principal":"arn:aws:iam::1:root"}`)), "statement 0, Principal", `must be "*"`},
		{"unknown principal type", json.RawMessage(wrap(`{"Effect":"Allow","Action":"*","Principal":{"Azure":"x"}}`)), "statement 0, Principal", "unknown principal type"},
		{"unknown condition operator", json.RawMessage(wrap(`{"Effect":"Allow","Action":"*","Condition":{"StringEqual":{"k":"v"}}}`)), "statement 0, Condition", "unknown condition operator"},
		{"unknown qualifier", json.RawMessage(wrap(`{"Effect":"Allow","Action":"*","Condition":{"ForSome:StringEquals":{"k":"v"}}}`)), "statement 0, Condition", "unknown condition qualifier"},
		{"Null with IfExists", json.RawMessage(wrap(`{"Effect":"Allow","Action":"*","Condition":{"NullIfExists":{"k":"true"}}}`)), "statement 0, Condition", "Null takes no qualifier"},
		{"condition value object", json.RawMessage(wrap(`{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"k":{"a":1}}}}`)), "statement 0, Condition", "values must be"},
		{"condition not an object", json.RawMessage(wrap(`{"Effect":"Allow","Action":"*","Condition":["x"]}`)), "statement 0, Condition", "must be an object of operators"},
		{"URL-encoded, unknown Effect", encoded(wrap(ok, `{"Effect":"Maybe","Action":"*"}`)), "statement 1, Effect", "unknown Effect"},
		{"URL-encoded, Action and NotAction", encoded(wrap(`{"Effect":"Deny","Action":"*","NotAction":"*"}`)), "statement 0, NotAction", "Action and NotAction together"},
		{"URL-encoded, non-object statement", encoded(wrap(ok, ok, `[]`)), "statement 2", "must be a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse(tc.raw)
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", doc)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			if pe.Place != tc.wantPlace {
				t.Errorf("Place = %q, want %q (error %v)", pe.Place, tc.wantPlace, err)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tc.wantMsg)
			}
			if tc.wantPlace != "" && !strings.Contains(err.Error(), tc.wantPlace) {
				t.Errorf("error %q does not name its place %q", err, tc.wantPlace)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{"object", `{"a":1}`, `{"a":1}`},
		{"encoded", `"%7B%22a%22%3A1%7D"`, `{"a":1}`},
		{"json text in string", `"{\"a\":1}"`, `{"a":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(json.RawMessage(tc.raw))
			if err != nil || string(got) != tc.want {
				t.Errorf("Decode(%s) = %s, %v; want %s", tc.raw, got, err, tc.want)
			}
		})
	}
}

// AWS encodes documents per RFC 3986, where "+" is data, not a space.
func TestParseKeepsLiteralPlus(t *testing.T) {
	text := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendEmail","Resource":"*",` +
		`"Condition":{"StringEquals":{"ses:FromAddress":"ops+alerts@example.com"}}}]}`
	encoded := strings.ReplaceAll(url.PathEscape(text), "%2B", "+")
	doc, err := Parse(json.RawMessage(strconv.Quote(encoded)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got := doc.Statements[0].Conditions[0].Values[0]; got != "ops+alerts@example.com" {
		t.Errorf("value = %q, want the plus kept", got)
	}
}
