package awspolicy

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestTri(t *testing.T) {
	all := []Tri{No, Maybe, Yes}
	for _, a := range all {
		if a.Not().Not() != a {
			t.Errorf("Not(Not(%v)) = %v", a, a.Not().Not())
		}
		for _, b := range all {
			// De Morgan holds in Kleene logic.
			if a.And(b).Not() != a.Not().Or(b.Not()) {
				t.Errorf("De Morgan fails for %v, %v", a, b)
			}
		}
	}
	if Yes.And(Maybe) != Maybe || No.Or(Maybe) != Maybe || Maybe.Not() != Maybe || No.Not() != Yes {
		t.Error("Kleene tables are wrong")
	}
	if TriOf(true) != Yes || TriOf(false) != No {
		t.Error("TriOf is wrong")
	}
	if Yes.String() != "yes" || Maybe.String() != "maybe" || No.String() != "no" {
		t.Error("String is wrong")
	}
}

func TestMatchActionPattern(t *testing.T) {
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"*", "s3:GetObject", true},
		{"s3:*", "s3:GetObject", true},
		{"s3:Get*", "s3:GetObject", true},
		{"S3:get*", "s3:GetObject", true},
		{"s3:getobject", "S3:GETOBJECT", true},
		{"s3:Get*Acl", "s3:GetObjectAcl", true},
		{"s3:Get*Acl", "s3:GetObject", false},
		{"iam:Pass?ole", "iam:PassRole", true},
		{"iam:Pass?ole", "iam:PassXXRole", false},
		{"s3:GetObject", "s3:GetObjectAcl", false},
		{"ec2:*", "s3:GetObject", false},
		{"*:GetObject", "s3:GetObject", true},
		{"s3:*Object*", "s3:PutObjectTagging", true},
		{"", "s3:GetObject", false},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+"~"+tc.action, func(t *testing.T) {
			if got := MatchActionPattern(tc.pattern, tc.action); got != tc.want {
				t.Errorf("MatchActionPattern(%q, %q) = %v, want %v", tc.pattern, tc.action, got, tc.want)
			}
		})
	}
}

func TestMatchARN(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/admin"
	tests := []struct {
		pattern, arn string
		want         bool
	}{
		{"*", role, true},
		{role, role, true},
		{"arn:aws:iam::123456789012:role/*", role, true},
		{"arn:aws:iam::*:role/admin", role, true},
		{"arn:*:iam::*:*", role, true},
		{"arn:aws:iam::123456789012:role/ADMIN", role, false},
		{"ARN:aws:iam::123456789012:role/admin", role, false},
		{"arn:aws:iam::*", role, false},
		{"arn:*", role, false},
		{"arn:aws:iam::12345678901?:role/admin", role, true},
		{"arn:aws:iam::1234567890?:role/admin", role, false},
		{"arn:aws:iam:*:123456789012:role/admin", role, true},
		{"arn:aws:iam:us-*:123456789012:role/admin", role, false},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", true},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false},
		{"arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-logs", true},
		// The resource part is matched whole, colons included.
		{"arn:aws:logs:*:*:log-group:*", "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s", true},
		{"arn:aws:lambda:us-east-1:123456789012:function:f", "arn:aws:lambda:us-east-1:123456789012:function:f:1", false},
		{"arn:aws:iam::123456789012:role/*", "not-an-arn", false},
		{"my-*", "my-bucket", true},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+"~"+tc.arn, func(t *testing.T) {
			if got := MatchARN(tc.pattern, tc.arn); got != tc.want {
				t.Errorf("MatchARN(%q, %q) = %v, want %v", tc.pattern, tc.arn, got, tc.want)
			}
		})
	}
}

func TestGlobMatchRunes(t *testing.T) {
	// ? is one character, not one byte.
	if !globMatch("caf?", "café", false, false) {
		t.Error("? must match a multi-byte rune")
	}
	if globMatch("caf??", "café", false, false) {
		t.Error("?? must not match one multi-byte rune")
	}
	if !globMatch("ÉTÉ*", "été-2020", true, false) {
		t.Error("fold must handle non-ASCII letters")
	}
	if !globMatch(`a\*b`, "a*b", false, true) || globMatch(`a\*b`, "axb", false, true) {
		t.Error(`escaped \* must be a literal star`)
	}
	if !globMatch(`a\\b*`, `a\bc`, false, true) {
		t.Error(`escaped \\ must be a literal backslash`)
	}
	if !globMatch(`a\b`, `a\b`, false, false) {
		t.Error("backslash is literal without escapes")
	}
}

func stmt(t *testing.T, js string) Statement {
	t.Helper()
	doc, err := Parse(json.RawMessage(`{"Version":"2012-10-17","Statement":[` + js + `]}`))
	if err != nil {
		t.Fatalf("parse %s: %v", js, err)
	}
	return doc.Statements[0]
}

func TestMatchActionAndNotAction(t *testing.T) {
	allow := stmt(t, `{"Effect":"Allow","Action":["s3:Get*","iam:PassRole"],"Resource":"*"}`)
	notAct := stmt(t, `{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}`)
	tests := []struct {
		action             string
		wantAllow, wantNot bool
	}{
		{"s3:GetObject", true, true},
		{"IAM:passrole", true, false},
		{"iam:CreateUser", false, false},
		{"ec2:RunInstances", false, true},
		{"organizations:LeaveOrganization", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.action, func(t *testing.T) {
			if got := allow.MatchAction(tc.action); got != tc.wantAllow {
				t.Errorf("Action: MatchAction(%q) = %v, want %v", tc.action, got, tc.wantAllow)
			}
			if got := notAct.MatchAction(tc.action); got != tc.wantNot {
				t.Errorf("NotAction: MatchAction(%q) = %v, want %v", tc.action, got, tc.wantNot)
			}
		})
	}
}

func TestMatchResource(t *testing.T) {
	bob := NewFacts().Set("aws:username", "bob")
	nobody := NewFacts().SetAbsent("aws:username")
	unknown := NewFacts()
	tests := []struct {
		name     string
		stmt     string
		resource string
		ctx      Context
		want     Tri
	}{
		{"star", `{"Effect":"Allow","Action":"*","Resource":"*"}`, "arn:aws:s3:::b", nil, Yes},
		{"star covers any resource", `{"Effect":"Allow","Action":"*","Resource":"*"}`, AnyResource, nil, Yes},
		{"pattern does not cover any resource", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::*"}`, AnyResource, nil, No},
		{"pattern", `{"Effect":"Allow","Action":"*","Resource":["arn:aws:s3:::a","arn:aws:s3:::b/*"]}`, "arn:aws:s3:::b/key", nil, Yes},
		{"pattern miss", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/*"}`, "arn:aws:s3:::c/key", nil, No},
		{"no Resource element", `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*"}`, "arn:aws:iam::1:role/r", nil, Yes},
		{"NotResource excludes", `{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::secret/*"}`, "arn:aws:s3:::secret/x", nil, No},
		{"NotResource admits others", `{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::secret/*"}`, "arn:aws:s3:::public/x", nil, Yes},
		{"NotResource and any resource", `{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::secret/*"}`, AnyResource, nil, Yes},
		{"variable resolved", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::home/${aws:username}/*"}`, "arn:aws:s3:::home/bob/x", bob, Yes},
		{"variable resolved, other", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::home/${aws:username}/*"}`, "arn:aws:s3:::home/eve/x", bob, No},
		{"variable absent matches nothing", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::home/${aws:username}/*"}`, "arn:aws:s3:::home/bob/x", nobody, No},
		{"variable absent, default", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::home/${aws:username, 'shared'}/*"}`, "arn:aws:s3:::home/shared/x", nobody, Yes},
		{"variable unknown", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::home/${aws:username}/*"}`, "arn:aws:s3:::home/bob/x", unknown, Maybe},
		{"variable unknown, nil context", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::home/${aws:username}/*"}`, "arn:aws:s3:::home/bob/x", nil, Maybe},
		{"variable unknown, any resource", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::home/${aws:username}/*"}`, AnyResource, unknown, No},
		{"variable unknown, NotResource", `{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::home/${aws:username}/*"}`, "arn:aws:s3:::home/bob/x", unknown, Maybe},
		{"variable unknown but another pattern matches", `{"Effect":"Allow","Action":"*","Resource":["arn:aws:s3:::home/${aws:username}/*","arn:aws:s3:::home/*"]}`, "arn:aws:s3:::home/bob/x", unknown, Yes},
		{"variable value is literal", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::home/${aws:username}"}`, "arn:aws:s3:::home/bxb", NewFacts().Set("aws:username", "b?b"), No},
		{"escaped star is literal", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${*}"}`, "arn:aws:s3:::b/*", nil, Yes},
		{"escaped star is not a wildcard", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${*}"}`, "arn:aws:s3:::b/x", nil, No},
		{"resource ARNs are case-sensitive", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::Bucket/*"}`, "arn:aws:s3:::bucket/x", nil, No},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := stmt(t, tc.stmt)
			if got := st.MatchResource(tc.resource, tc.ctx); got != tc.want {
				t.Errorf("MatchResource(%q) = %v, want %v", tc.resource, got, tc.want)
			}
		})
	}
}

func TestMatchPrincipal(t *testing.T) {
	user := Principal{ARN: "arn:aws:iam::111111111111:user/alice", Account: "111111111111"}
	role := Principal{ARN: "arn:aws:iam::111111111111:role/ops"} // account from the ARN
	other := Principal{ARN: "arn:aws:iam::222222222222:user/eve", Account: "222222222222"}
	lambda := Principal{Service: "lambda.amazonaws.com"}
	oidc := Principal{Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"}
	tests := []struct {
		name      string
		principal string
		p         Principal
		want      bool
	}{
		{"star", `"*"`, other, true},
		{"AWS star", `{"AWS":"*"}`, lambda, true},
		{"account root admits user", `{"AWS":"arn:aws:iam::111111111111:root"}`, user, true},
		{"account root admits role by ARN", `{"AWS":"arn:aws:iam::111111111111:root"}`, role, true},
		{"account root, other partition", `{"AWS":"arn:aws-cn:iam::111111111111:root"}`, role, false},
		{"account root, account only", `{"AWS":"arn:aws:iam::111111111111:root"}`, Principal{Account: "111111111111"}, true},
		{"account root excludes other account", `{"AWS":"arn:aws:iam::111111111111:root"}`, other, false},
		{"account ID admits", `{"AWS":"111111111111"}`, user, true},
		{"account ID excludes", `{"AWS":"111111111111"}`, other, false},
		{"exact user", `{"AWS":["arn:aws:iam::111111111111:user/alice"]}`, user, true},
		{"exact user excludes role", `{"AWS":["arn:aws:iam::111111111111:user/alice"]}`, role, false},
		{"service", `{"Service":"lambda.amazonaws.com"}`, lambda, true},
		{"service excludes user", `{"Service":"lambda.amazonaws.com"}`, user, false},
		{"service other", `{"Service":"ec2.amazonaws.com"}`, lambda, false},
		{"federated", `{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"}`, oidc, true},
		{"federated other", `{"Federated":"cognito-identity.amazonaws.com"}`, oidc, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := stmt(t, `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":`+tc.principal+`}`)
			if got := st.MatchPrincipal(tc.p); got != tc.want {
				t.Errorf("Principal %s vs %+v = %v, want %v", tc.principal, tc.p, got, tc.want)
			}
			nst := stmt(t, `{"Effect":"Deny","Action":"sts:AssumeRole","NotPrincipal":`+tc.principal+`}`)
			if got := nst.MatchPrincipal(tc.p); got != !tc.want {
				t.Errorf("NotPrincipal %s vs %+v = %v, want %v", tc.principal, tc.p, got, !tc.want)
			}
		})
	}
}

func TestApplies(t *testing.T) {
	st := stmt(t, `{"Sid":"S","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*",
		"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`)
	tests := []struct {
		name      string
		req       Request
		want      Tri
		undecided []string
	}{
		{"applies", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/bob/k",
			Context: NewFacts().Set("aws:username", "bob").Set("aws:SecureTransport", "true")}, Yes, nil},
		{"other action", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/bob/k",
			Context: NewFacts().Set("aws:username", "bob").Set("aws:SecureTransport", "true")}, No, nil},
		{"condition fails", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/bob/k",
			Context: NewFacts().Set("aws:username", "bob").Set("aws:SecureTransport", "false")}, No, nil},
		{"condition unknown", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/bob/k",
			Context: NewFacts().Set("aws:username", "bob")}, Maybe, []string{"Bool aws:SecureTransport"}},
		{"variable unknown", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/bob/k",
			Context: NewFacts().Set("aws:SecureTransport", "true")}, Maybe, []string{"policy variable in Resource"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := st.Applies(tc.req)
			if m.Applies != tc.want || !reflect.DeepEqual(m.Undecided, tc.undecided) {
				t.Errorf("Applies = %v %q, want %v %q", m.Applies, m.Undecided, tc.want, tc.undecided)
			}
		})
	}
	trust := stmt(t, `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::111111111111:root"}}`)
	if m := trust.Applies(Request{Action: "sts:AssumeRole", Resource: "arn:aws:iam::1:role/r",
		Principal: Principal{ARN: "arn:aws:iam::222222222222:user/eve"}}); m.Applies != No {
		t.Errorf("trust statement applies to a foreign principal: %v", m.Applies)
	}
	if m := trust.Applies(Request{Action: "sts:AssumeRole", Resource: "arn:aws:iam::1:role/r",
		Principal: Principal{ARN: "arn:aws:iam::111111111111:user/alice"}}); m.Applies != Yes {
		t.Errorf("trust statement does not apply to a principal of the trusted account: %v", m.Applies)
	}
}

func TestDocumentEvaluate(t *testing.T) {
	doc, err := Parse(json.RawMessage(`{
		"Version": "2012-10-17",
		"Statement": [
			{"Sid": "ReadAll", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
			{"Sid": "DenySecret", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret/*"},
			{"Sid": "MFAWrite", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
			 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
			{"Sid": "NoIAM", "Effect": "Deny", "NotAction": ["s3:*", "sts:*"], "Resource": "*"},
			{"Sid": "OffHours", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*",
			 "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}
		]}`))
	if err != nil {
		t.Fatal(err)
	}
	sids := func(ss []*Statement) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Sid)
		}
		return out
	}
	tests := []struct {
		name                 string
		req                  Request
		allow, deny          Tri
		allowing, denying    []string
		undecidedContainsMFA bool
	}{
		{"read", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::public/k", Context: NewFacts()},
			Yes, No, []string{"ReadAll"}, nil, false},
		{"read secret", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::secret/k", Context: NewFacts()},
			Yes, Yes, []string{"ReadAll"}, []string{"DenySecret"}, false},
		{"write, MFA unknown, time known", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::public/k",
			Context: NewFacts().Set("aws:CurrentTime", "2025-06-01T00:00:00Z")},
			Maybe, No, []string{"MFAWrite"}, nil, true},
		{"write with MFA after 2030", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::public/k",
			Context: NewFacts().Set("aws:MultiFactorAuthPresent", "true").Set("aws:CurrentTime", "2031-01-01T00:00:00Z")},
			Yes, Yes, []string{"MFAWrite"}, []string{"OffHours"}, false},
		{"iam denied by NotAction", Request{Action: "iam:CreateUser", Resource: AnyResource, Context: NewFacts()},
			No, Yes, nil, []string{"NoIAM"}, false},
		{"sts neither", Request{Action: "sts:GetCallerIdentity", Resource: AnyResource, Context: NewFacts()},
			No, No, nil, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := doc.Evaluate(tc.req)
			if d.Allow != tc.allow || d.Deny != tc.deny {
				t.Errorf("Allow, Deny = %v, %v; want %v, %v", d.Allow, d.Deny, tc.allow, tc.deny)
			}
			if !reflect.DeepEqual(sids(d.Allowing), tc.allowing) || !reflect.DeepEqual(sids(d.Denying), tc.denying) {
				t.Errorf("Allowing %q, Denying %q; want %q, %q", sids(d.Allowing), sids(d.Denying), tc.allowing, tc.denying)
			}
			hasMFA := false
			for _, u := range d.Undecided {
				if u == "Bool aws:MultiFactorAuthPresent" {
					hasMFA = true
				}
			}
			if hasMFA != tc.undecidedContainsMFA {
				t.Errorf("Undecided = %q", d.Undecided)
			}
		})
	}
	// The statements returned are the document's own, with their index.
	d := doc.Evaluate(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::secret/k", Context: NewFacts()})
	if len(d.Denying) != 1 || d.Denying[0] != &doc.Statements[1] || d.Denying[0].Index != 1 {
		t.Errorf("Denying does not point at statement 1: %+v", d.Denying)
	}
}

func TestFactsAbsentUnder(t *testing.T) {
	f := NewFacts().Set("aws:PrincipalTag/team", "data").SetAbsentUnder("aws:PrincipalTag/")
	tests := []struct {
		key   string
		state KeyState
	}{
		{"aws:principaltag/TEAM", KeyPresent},
		{"aws:PrincipalTag/env", KeyAbsent},
		{"aws:PrincipalTag/", KeyUnknown},
		{"aws:ResourceTag/env", KeyUnknown},
	}
	for _, tc := range tests {
		if _, got := f.Lookup(tc.key); got != tc.state {
			t.Errorf("Lookup(%q) = %v, want %v", tc.key, got, tc.state)
		}
	}
	if _, got := f.Clone().Lookup("aws:PrincipalTag/env"); got != KeyAbsent {
		t.Error("Clone must keep absent prefixes")
	}
	c := Condition{Operator: "StringEquals", Key: "aws:PrincipalTag/env", Values: []string{"prod"}}
	if got := c.Eval(f); got != No {
		t.Errorf("a condition on a tag the principal does not have = %v, want no", got)
	}
}
