package analysis

import (
	"strings"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// testClasses are the classes a collector would set on these test nodes.
var testClasses = map[string]graphmodel.ResourceClass{
	"secretsmanager/secret": graphmodel.ResourceSecret, "s3/bucket": graphmodel.ResourceObjectStore,
	"sqs/queue": graphmodel.ResourceQueue, "ssm/parameter": graphmodel.ResourceParameter,
	"kms/key": graphmodel.ResourceEncryptionKey,
}

func res(id, service, typ string, tags map[string]string) *graphmodel.Node {
	n := &graphmodel.Node{ID: id, Kind: graphmodel.KindAWSResource, Tags: tags,
		Properties: map[string]string{"service": service, "type": typ}}
	n.SetProp(graphmodel.PropResourceClass, string(testClasses[service+"/"+typ]))
	return n
}

func TestDefaultSensitivity(t *testing.T) {
	secure := res("arn:aws:ssm:us-east-1:1:parameter/db", "ssm", "parameter", nil)
	secure.SetProp(graphmodel.PropResourceClass, string(graphmodel.ResourceSecretParameter))
	gcpSecret := &graphmodel.Node{ID: "//secretmanager.googleapis.com/projects/p/secrets/s", Kind: graphmodel.KindGCPResource,
		Properties: map[string]string{graphmodel.PropResourceClass: string(graphmodel.ResourceSecret)}}
	tests := []struct {
		name string
		node *graphmodel.Node
		want float64
	}{
		{"a secret", res("arn:aws:secretsmanager:us-east-1:1:secret:db", "secretsmanager", "secret", nil), 5},
		{"a bucket", res("arn:aws:s3:::b", "s3", "bucket", nil), 3},
		{"a public bucket by tag", res("arn:aws:s3:::www", "s3", "bucket", map[string]string{"Data-Classification": "Public"}), 0.5},
		{"a restricted queue by tag", res("arn:aws:sqs:us-east-1:1:q", "sqs", "queue", map[string]string{"classification": "restricted"}), 5},
		{"an unknown tag value keeps the type", res("arn:aws:s3:::x", "s3", "bucket", map[string]string{"classification": "odd"}), 3},
		{"a SecureString parameter", secure, 4},
		{"a plain parameter", res("arn:aws:ssm:us-east-1:1:parameter/p", "ssm", "parameter", nil), 2},
		{"anything else", res("arn:aws:glue:us-east-1:1:job/j", "glue", "job", nil), 1},
		{"another provider's secret, by its class", gcpSecret, 5},
	}
	for _, tc := range tests {
		if got := DefaultSensitivity(tc.node); got != tc.want {
			t.Errorf("%s: %g, want %g", tc.name, got, tc.want)
		}
	}
}

func TestLoadSensitivity(t *testing.T) {
	file := `
types:
  s3/bucket: 4
  glue: 2
classes:
  queue: 2.5
tags:
  Owner-Team:
    payments: 6
resources:
  "arn:aws:s3:::acme-*": 7
  "arn:aws:s3:::acme-logs": 0.5
  "arn:aws:s3:::acme-logs-*": 1
`
	s, err := LoadSensitivity("sens.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		node *graphmodel.Node
		want float64
	}{
		{res("arn:aws:s3:::acme-logs", "s3", "bucket", nil), 0.5},      // exact wins
		{res("arn:aws:s3:::acme-logs-eu", "s3", "bucket", nil), 1},     // longest pattern
		{res("arn:aws:s3:::acme-data", "s3", "bucket", nil), 7},        // pattern
		{res("arn:aws:s3:::other", "s3", "bucket", nil), 4},            // type from the file
		{res("arn:aws:glue:us-east-1:1:job/j", "glue", "job", nil), 2}, // service from the file
		{res("arn:aws:kms:us-east-1:1:key/k", "kms", "key", nil), 5},   // default kept
		{res("arn:aws:sqs:us-east-1:1:q", "sqs", "queue", map[string]string{"owner-team": "PAYMENTS"}), 6},
		{res("arn:aws:sqs:us-east-1:1:q2", "sqs", "queue", nil), 2.5}, // class from the file
	}
	for _, tc := range tests {
		if got := s.Rate(tc.node); got != tc.want {
			t.Errorf("%s: %g, want %g", tc.node.ID, got, tc.want)
		}
	}
	if _, err := LoadSensitivity("empty.yaml", nil); err != nil {
		t.Errorf("an empty file means the defaults: %v", err)
	}
	if s, err := LoadSensitivity("s.json", []byte(`{"types": {"s3/bucket": 9}}`)); err != nil || s.Types["s3/bucket"] != 9 {
		t.Errorf("JSON is accepted: %v", err)
	}
}

func TestLoadSensitivityErrors(t *testing.T) {
	tests := []struct{ name, input, want string }{
		{"unknown field", "types:\n  s3/bucket: 1\nresource:\n  x: 1\n", "line 3"},
		{"wrong type", "types:\n  s3/bucket: high\n", "line 2"},
		{"negative", "resources:\n  arn:aws:s3:::b: -1\n", "must not be negative"},
		{"not yaml", "types: [unclosed\n", "sens.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadSensitivity("sens.yaml", []byte(tc.input))
			if err == nil || !badinput.Is(err) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "sens.yaml") {
				t.Fatalf("error %v: want bad input naming the file and %q", err, tc.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"a*c", "abbbc", true}, {"a?c", "abc", true}, {"a?c", "ac", false},
		{"*a*a*a*a*b", strings.Repeat("a", 60), false}, {"arn:*:s3:::b", "arn:aws:s3:::b", true},
	} {
		if glob(tc.p, tc.s) != tc.want {
			t.Errorf("glob(%q, %q) != %v", tc.p, tc.s, tc.want)
		}
	}
}

func FuzzLoadSensitivity(f *testing.F) {
	f.Add([]byte("types:\n  s3/bucket: 4\ntags:\n  team:\n    pay: 6\nresources:\n  \"arn:*\": 2\n"))
	f.Add([]byte(`{"resources": {"a": 1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := LoadSensitivity("fuzz.yaml", data)
		if err != nil {
			if !badinput.Is(err) {
				t.Fatalf("error is not bad input: %v", err)
			}
			return
		}
		n := res("arn:aws:s3:::b", "s3", "bucket", map[string]string{"team": "pay"})
		if r := s.Rate(n); r < 0 {
			t.Fatalf("negative rating %g", r)
		}
	})
}
