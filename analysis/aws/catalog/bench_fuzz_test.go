package catalog

import (
	"strings"
	"testing"
)

// benchARNs are the ARNs a policy analysis meets most, plus a miss.
var benchARNs = []string{
	"arn:aws:s3:::my-bucket",
	"arn:aws:s3:::my-bucket/reports/2024/q1.csv",
	"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
	"arn:aws:ssm:us-east-1:123456789012:parameter/app/db/password",
	"arn:aws:dynamodb:us-east-1:123456789012:table/Orders/index/byDate",
	"arn:aws:rds:us-east-1:123456789012:db:prod-db",
	"arn:aws:lambda:us-east-1:123456789012:function:my-fn",
	"arn:aws:sqs:us-east-1:123456789012:jobs",
	"arn:aws:sns:us-east-1:123456789012:alerts",
	"arn:aws:ecr:us-east-1:123456789012:repository/team/app",
	"arn:aws:iam::123456789012:role/service-role/Deployer",
	"arn:aws:iam::aws:policy/AdministratorAccess",
	"arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
	"arn:aws:ec2:us-east-1:123456789012:nosuchtype/x",
}

// BenchmarkResourceTypeOf measures one classification (ns/op is per ARN).
func BenchmarkResourceTypeOf(b *testing.B) {
	if err := Load(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ResourceTypeOf(benchARNs[i%len(benchARNs)])
	}
}

// BenchmarkLoad measures decoding the embedded action table.
func BenchmarkLoad(b *testing.B) {
	raw, err := dataFS.ReadFile(actionsFile)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := decodeActions(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzResourceTypeOf checks that any string is classified without panic and
// that a classification names a known service and one of its types.
func FuzzResourceTypeOf(f *testing.F) {
	for _, arn := range benchARNs {
		f.Add(arn)
	}
	f.Add("arn:aws:braket:::device/qpu/ionq/Aria-1")
	f.Add("arn:aws:codeartifact:us-east-1:1:package-group/dom/pat")
	f.Add("arn:aws:logs:us-east-1:1:log-group:/a/b:log-stream:c")
	f.Add("arn:::::")
	f.Fuzz(func(t *testing.T, arn string) {
		service, rtype, ok := ResourceTypeOf(arn)
		if !ok {
			if service != "" || rtype != "" {
				t.Fatalf("not found but returned %q, %q", service, rtype)
			}
			return
		}
		if !strings.HasPrefix(arn, "arn:") {
			t.Fatalf("%q classified without the arn: prefix", arn)
		}
		if _, defined := ResourceTypes(service)[rtype]; !defined {
			t.Fatalf("%q classified as %s %s, not a type of that service", arn, service, rtype)
		}
	})
}

// FuzzActionLevel checks that any name is looked up without panic,
// case-insensitively, and that a level is one of the five.
func FuzzActionLevel(f *testing.F) {
	for _, a := range []string{"s3:GetObject", "IAM:passrole", "s3:Get*", ":", "kms:"} {
		f.Add(a)
	}
	valid := map[Level]bool{List: true, Read: true, Write: true, PermissionsManagement: true, Tagging: true}
	f.Fuzz(func(t *testing.T, action string) {
		lvl, ok := ActionLevel(action)
		if ok != valid[lvl] {
			t.Fatalf("ActionLevel(%q) = %q, %v", action, lvl, ok)
		}
		if !ok {
			return
		}
		for i := 0; i < len(action); i++ {
			if action[i] >= 0x80 {
				t.Fatalf("ActionLevel(%q) found a name with non-ASCII bytes", action)
			}
		}
		if up, upOK := ActionLevel(strings.ToUpper(action)); up != lvl || !upOK {
			t.Fatalf("ActionLevel(%q) = %q but upper case gives %q, %v", action, lvl, up, upOK)
		}
	})
}
