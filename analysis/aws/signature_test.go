package aws

import (
	"encoding/json"
	"testing"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// TestSignature checks which buckets share a decision signature: those
// whose targets every statement's Resource element answers alike, with
// the same tags; statements on "*" tell none apart.
func TestSignature(t *testing.T) {
	const account = "111122223333"
	docs := []string{
		`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app1-prod-*/*"},
			{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::app1-prod-logs/*"}]}`,
		`{"Statement":[{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::app2-*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${aws:username}-*"}]}`,
	}
	p := &principal{arn: "arn:aws:iam::" + account + ":user/alice", account: account, facts: awspolicy.NewFacts()}
	for i, d := range docs {
		doc, err := awspolicy.Parse(json.RawMessage(d))
		if err != nil {
			t.Fatal(err)
		}
		p.policies = append(p.policies, &policy{source: string(rune('a' + i)), doc: doc})
	}
	m := &model{principals: []*principal{p}}
	s := newSigner(m)
	if len(s.ids) != 4 { // every statement but the one on "*"
		t.Fatalf("%d statements numbered, want 4", len(s.ids))
	}
	sign := func(name string, tags map[string]string) int32 {
		arn := "arn:aws:s3:::" + name
		r := &resource{node: &graphmodel.Node{ID: arn, Tags: tags}, arn: arn, account: account, service: "s3"}
		return s.sign(r, []target{{arn: arn, key: "s3/bucket"}, {arn: arn + "/*", key: "s3/object"}})
	}
	a, b := sign("app1-prod-data", nil), sign("app1-prod-images", nil)
	if a != b {
		t.Errorf("app1-prod-data and app1-prod-images: signatures %d and %d, want one", a, b)
	}
	for _, tc := range []struct {
		name string
		tags map[string]string
		why  string
	}{
		{"app1-prod-logs", nil, "a second statement names it"},
		{"app1-dev-data", nil, "the pattern of the first statement does not name it"},
		{"app2-prod-data", nil, "the NotResource statement spares it"},
		{"app1-prod-data", map[string]string{"team": "red"}, "its tags differ"},
	} {
		if got := sign(tc.name, tc.tags); got == a {
			t.Errorf("%s %v: signature %d, the same as app1-prod-data's; want another (%s)", tc.name, tc.tags, got, tc.why)
		}
	}
	if x, y := sign("app1-dev-x", nil), sign("app3-dev-y", nil); x != y {
		t.Errorf("buckets no statement tells apart: signatures %d and %d, want one", x, y)
	}
}
