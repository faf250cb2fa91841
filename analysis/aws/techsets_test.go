package aws

import (
	"encoding/json"
	"testing"

	"github.com/blastradius/blastradius/awspolicy"
)

func TestCoversAll(t *testing.T) {
	roles := []string{"arn:aws:iam::111122223333:role/"}
	functions := []string{"arn:aws:lambda:eu-west-1:111122223333:function:", "arn:aws:lambda:us-east-1:111122223333:function:"}
	for _, tc := range []struct {
		pattern  string
		prefixes []string
		want     bool
	}{
		{"*", roles, true},
		{"arn:aws:iam::111122223333:role/*", roles, true},
		{"arn:aws:iam::*:role/*", roles, true},
		{"arn:aws:iam::111122223333:*", roles, true},
		{"arn:aws:iam::111122223333:role/app-*", roles, false},
		{"arn:aws:iam::111122223333:role/admin", roles, false},
		{"arn:aws:iam::444455556666:role/*", roles, false},
		{"arn:aws:iam::111122223333:user/*", roles, false},
		{"arn:aws:iam::111122223333:role/${aws:username}*", roles, false},
		{"arn:aws:lambda:*:111122223333:function:*", functions, true},
		{"arn:aws:lambda:eu-west-1:111122223333:function:*", functions, false},
	} {
		if got := coversAll(tc.pattern, tc.prefixes); got != tc.want {
			t.Errorf("coversAll(%q, %v) = %v, want %v", tc.pattern, tc.prefixes, got, tc.want)
		}
	}
}

func TestFamilyPrefix(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:lambda:eu-west-1:111122223333:function:api":   "arn:aws:lambda:eu-west-1:111122223333:function:",
		"arn:aws:iam::111122223333:role/teams/data":            "arn:aws:iam::111122223333:role/",
		"arn:aws:s3:::reports":                                 "arn:aws:s3:::",
		"arn:aws:sqs:us-east-1:111122223333:jobs":              "arn:aws:sqs:us-east-1:111122223333:",
		"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab": "arn:aws:kms:us-east-1:111122223333:key/",
	} {
		if got := familyPrefix(arn); got != want {
			t.Errorf("familyPrefix(%q) = %q, want %q", arn, got, want)
		}
	}
}

func TestDocumentBlind(t *testing.T) {
	roles := []string{"arn:aws:iam::111122223333:role/"}
	for _, tc := range []struct {
		name, doc string
		want      bool
	}{
		{"every role", `{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/*"}]}`, true},
		{"other actions do not count", `{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::x/*"}]}`, true},
		{"one role", `{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/a"}]}`, false},
		{"a deny on one role", `{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/admin"}]}`, false},
		{"a resource tag", `{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:ResourceTag/team":"a"}}}]}`, false},
		{"a condition on the caller", `{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}`, true},
		{"NotResource", `{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","NotResource":"arn:aws:iam::111122223333:role/admin"}]}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := awspolicy.Parse(json.RawMessage(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			concerns := func(st *awspolicy.Statement) bool { return st.MatchAction("iam:PassRole") }
			if got := documentBlind(doc, concerns, roles); got != tc.want {
				t.Errorf("documentBlind = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestResourceKey(t *testing.T) {
	for key, want := range map[string]bool{
		"aws:ResourceTag/team":                true,
		"aws:ResourceAccount":                 true,
		"iam:ResourceTag/team":                true,
		"s3:ExistingObjectTag/classification": true,
		"s3:ResourceAccount":                  true,
		"s3:DataAccessPointArn":               true,
		"s3:x-amz-server-side-encryption":     false,
		"s3:prefix":                           false,
		"s3:TlsVersion":                       false,
		"aws:SecureTransport":                 false,
		"aws:PrincipalTag/team":               false,
	} {
		if got := resourceKey(key); got != want {
			t.Errorf("resourceKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestResourceSide(t *testing.T) {
	const bucket = "arn:aws:s3:::reports"
	deny := `{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	for _, tc := range []struct {
		name, statements string
		ok               bool
		want             awspolicy.Tri
	}{
		{"no policy", "", true, awspolicy.Yes},
		{"deny insecure transport", deny, true, awspolicy.Maybe},
		{"another account allowed", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}`, true, awspolicy.Yes},
		{"everyone allowed", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}`, false, 0},
		// The principals it names decide on their own; for the others the
		// identity policies decide.
		{"a principal of the account allowed", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}`, true, awspolicy.Yes},
		{"the account allowed", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}`, true, awspolicy.Yes},
		{"a principal of any account allowed", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:role/reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}`, false, 0},
		{"deny on objects only", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::reports/*"}`, false, 0},
		{"deny of some actions", `{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"*"}`, false, 0},
		{"deny looking at the caller", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/admin"}}}`, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &model{tagFacts: map[string]*awspolicy.Facts{}, byARN: map[string]*principal{}, resByARN: map[string]*resource{}}
			p := &principal{arn: "arn:aws:iam::111122223333:user/alice", account: "111122223333", facts: awspolicy.NewFacts(), m: m}
			m.principals = []*principal{p}
			r := &resource{arn: bucket, account: "111122223333", service: "s3"}
			if tc.statements != "" {
				doc, err := awspolicy.Parse(json.RawMessage(`{"Statement":[` + tc.statements + `]}`))
				if err != nil {
					t.Fatal(err)
				}
				r.policy = &policy{source: bucket + "#policy", doc: doc}
			}
			side, ok := m.resourceSide(r, "s3")
			if ok != tc.ok || (ok && side.t != tc.want) {
				t.Errorf("resourceSide = %v, %v; want %v, %v", side.t, ok, tc.want, tc.ok)
			}
		})
	}
}
