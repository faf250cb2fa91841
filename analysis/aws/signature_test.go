package aws

import (
	"encoding/json"
	"slices"
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

// TestAccessRelevance checks which policies take part in a decision on a
// bucket: those with a statement concerning S3 that names it, or names
// every resource; not a policy that names every resource only for another
// service, nor one whose S3 statements name other buckets.
func TestAccessRelevance(t *testing.T) {
	const account = "111122223333"
	docs := map[string]string{
		"describe-and-app2": `{"Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},
			{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app2-*/*"}]}`,
		"app1":     `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app1-*/*"}]}`,
		"deny-all": `{"Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`,
		"regions":  `{"Statement":[{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}`,
		"home":     `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home-${aws:username}/*"}]}`,
		"not-app1": `{"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","NotResource":"arn:aws:s3:::app1-*"}]}`,
	}
	p := &principal{arn: "arn:aws:iam::" + account + ":user/alice", account: account, facts: awspolicy.NewFacts()}
	byName := map[string]*policy{}
	for _, name := range []string{"describe-and-app2", "app1", "deny-all", "regions", "home", "not-app1"} {
		doc, err := awspolicy.Parse(json.RawMessage(docs[name]))
		if err != nil {
			t.Fatal(err)
		}
		pol := &policy{source: name, doc: doc}
		byName[name] = pol
		p.policies = append(p.policies, pol)
	}
	m := &model{principals: []*principal{p}, admins: map[string]bool{}}
	ra := newAccessRun(m)
	arn := "arn:aws:s3:::app1-data"
	rel := ra.relevance("s3", []target{{arn: arn, key: "s3/bucket"}, {arn: arn + "/*", key: "s3/object"}})
	want := map[string]bool{"app1": true, "deny-all": true, "regions": true}
	for name, pol := range byName {
		if got := rel.has(pol); got != want[name] {
			t.Errorf("policy %s takes part: %v, want %v", name, got, want[name])
		}
	}
	// A pattern holding a variable names what its text before the variable
	// allows, whoever asks.
	home := "arn:aws:s3:::home-bob"
	if rel := ra.relevance("s3", []target{{arn: home + "/*", key: "s3/object"}}); !rel.has(byName["home"]) {
		t.Errorf("on %s: policy home does not take part, want it to", home)
	}
	other := "arn:aws:s3:::app3-data"
	rel = ra.relevance("s3", []target{{arn: other, key: "s3/bucket"}})
	if !rel.has(byName["not-app1"]) || rel.has(byName["app1"]) {
		t.Errorf("on %s: not-app1 takes part %v (want true), app1 %v (want false)", other, rel.has(byName["not-app1"]), rel.has(byName["app1"]))
	}
}

// TestBlindPart checks which part of a policy the permission sets of a
// bucket family may hold: its S3 statements on every bucket (and those on
// other services), keeping their indices, when its other S3 statements
// name buckets by pattern.
func TestBlindPart(t *testing.T) {
	prefixes := []string{"arn:aws:s3:::", "arn:aws:s3:::logs/"}
	for _, tc := range []struct {
		name, doc string
		want      []int // indices of the statements of the part; nil: no part
	}{
		{"glue-like", `{"Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},
			{"Effect":"Allow","Action":["s3:GetBucketAcl","s3:ListBucket"],"Resource":"*"},
			{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::aws-glue-*/*"}]}`, []int{0, 1}},
		{"nothing on every bucket", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app-*/*"}]}`, nil},
		{"a condition on the bucket's tags", `{"Statement":[{"Effect":"Allow","Action":"s3:GetBucketAcl","Resource":"*"},
			{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"a"}}}]}`, nil},
		{"a Deny on every bucket", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app-*/*"},
			{"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}`, []int{1}},
		{"a Deny on some buckets", `{"Statement":[{"Effect":"Allow","Action":"s3:GetBucketAcl","Resource":"*"},
			{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::secret-*/*"}]}`, nil},
		{"NotResource", `{"Statement":[{"Effect":"Allow","Action":"s3:GetBucketAcl","Resource":"*"},
			{"Effect":"Allow","Action":"s3:PutObject","NotResource":"arn:aws:s3:::secret/*"}]}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := awspolicy.Parse(json.RawMessage(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			part := blindPart(&policy{source: "p", doc: doc}, "s3", prefixes)
			if (part == nil) != (tc.want == nil) {
				t.Fatalf("part %v, want statements %v", part, tc.want)
			}
			if part == nil {
				return
			}
			var got []int
			for _, st := range part.doc.Statements {
				got = append(got, st.Index)
			}
			if part.source != "p" || !slices.Equal(got, tc.want) {
				t.Errorf("part of %s with statements %v, want p with %v", part.source, got, tc.want)
			}
		})
	}
}
