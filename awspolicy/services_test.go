package awspolicy

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestStatementServices(t *testing.T) {
	tests := []struct {
		name, statement string
		names           []string
		every           bool
		// concerns and not are services ConcernsService must and must not
		// find the statement concerning.
		concerns, not []string
	}{
		{"one action", `"Action":"s3:GetObject"`, []string{"s3"}, false, []string{"s3"}, []string{"kms", "s3x"}},
		{"case folded", `"Action":"S3:Get*"`, []string{"s3"}, false, []string{"s3"}, []string{"sqs"}},
		{"in order, once each", `"Action":["sqs:SendMessage","kms:Decrypt","SQS:ReceiveMessage"]`, []string{"sqs", "kms"}, false,
			[]string{"sqs", "kms"}, []string{"s3"}},
		{"every action", `"Action":"*"`, nil, true, []string{"s3", "iam"}, nil},
		{"no prefix", `"Action":"iam"`, nil, true, []string{"s3"}, nil},
		{"wildcard prefix", `"Action":["s*:Get*","kms:Decrypt"]`, []string{"kms"}, true, []string{"s3", "sqs", "kms"}, []string{"iam", "lambda"}},
		{"single-character wildcard", `"Action":"s?s:SendMessage"`, nil, true, []string{"sqs", "sns"}, []string{"s3", "ssm"}},
		{"wildcard at the prefix's end", `"Action":"s3*:Get*"`, nil, true, []string{"s3", "s3express"}, []string{"sqs"}},
		{"not action", `"NotAction":"iam:*"`, nil, true, []string{"iam", "s3"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse(json.RawMessage(`{"Statement":[{"Effect":"Allow",` + tc.statement + `,"Resource":"*"}]}`))
			if err != nil {
				t.Fatal(err)
			}
			st := &doc.Statements[0]
			names, every := st.Services()
			if !reflect.DeepEqual(names, tc.names) || every != tc.every {
				t.Errorf("Services() = %q, %v; want %q, %v", names, every, tc.names, tc.every)
			}
			for _, s := range tc.concerns {
				if !st.ConcernsService(s) {
					t.Errorf("ConcernsService(%q) = false, want true", s)
				}
			}
			for _, s := range tc.not {
				if st.ConcernsService(s) {
					t.Errorf("ConcernsService(%q) = true, want false", s)
				}
			}
		})
	}
}

func TestActionService(t *testing.T) {
	for _, tc := range []struct {
		action, service string
		ok              bool
	}{
		{"s3:GetObject", "s3", true},
		{"IAM:PassRole", "iam", true},
		{"s*:Get*", "s*", true},
		{"*", "*", false},
		{"iam", "iam", false},
	} {
		if service, ok := ActionService(tc.action); service != tc.service || ok != tc.ok {
			t.Errorf("ActionService(%q) = %q, %v; want %q, %v", tc.action, service, ok, tc.service, tc.ok)
		}
	}
}
