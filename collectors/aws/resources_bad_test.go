package aws

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/internal/badinput"
)

// collectBad collects gaad.json with files and returns the bad input error.
func collectBad(t *testing.T, files map[string]string) *badinput.Error {
	t.Helper()
	_, err := NewOffline(withFiles(t, files), "res").Collect(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	var bad *badinput.Error
	if !errors.As(err, &bad) {
		t.Fatalf("error %v (%T) is not a *badinput.Error", err, err)
	}
	return bad
}

// TestEveryFileBadJSON feeds every supported file an AWS CLI error message
// instead of JSON, a JSON scalar, and an element with a Region of the
// wrong type: each is bad input naming the file and the place.
func TestEveryFileBadJSON(t *testing.T) {
	for _, f := range offlineFiles {
		t.Run(f.name, func(t *testing.T) {
			tests := []struct{ data, want string }{
				{"\nAn error occurred (AccessDenied) when calling the operation: denied\n",
					"line 2, column 1: invalid JSON: invalid character 'A' looking for beginning of value"},
				{`"text"`, "line 1, column 1: expected a JSON object or an array of objects (the output of " + f.command + ")"},
				{"  ", "empty file, expected the JSON output of " + f.command},
				{`[{}, {"Region": 5}]`, "line 1, column 18 (Region): expected string, found JSON number"},
				{`[{}, 7]`, "line 1, column 7: expected aws."},
			}
			for _, tc := range tests {
				bad := collectBad(t, map[string]string{f.name: tc.data})
				if bad.File != "res/"+f.name {
					t.Errorf("%q: File = %q", tc.data, bad.File)
				}
				if got, want := bad.Error(), "res/"+f.name+": "+tc.want; !strings.HasPrefix(got, want) {
					t.Errorf("%q:\n got %s\nwant %s…", tc.data, got, want)
				}
			}
		})
	}
}

// badDoc is a policy document, as a JSON string, with an unknown Effect in statement 0.
var badDoc = quoted(`{"Version":"2012-10-17","Statement":[{"Effect":"Allo","Action":"*","Resource":"*"}]}`)

const badEffect = `statement 0, Effect: unknown Effect "Allo" (want Allow or Deny)`

func TestResourceBadInput(t *testing.T) {
	tests := []struct {
		name, file, data, want string
		extra                  map[string]string
	}{
		// Fields of the wrong type, one per family.
		{name: "lambda functions not a list", file: "lambda-list-functions.json", data: "{\n  \"Functions\": {}\n}",
			want: "line 2, column 17 (Functions): expected []aws.LambdaFunctionConfiguration, found JSON object"},
		{name: "ec2 owner not a string", file: "ec2-describe-instances.json", data: `{"Reservations": [{"OwnerId": 111111111111, "Instances": []}]}`,
			want: "line 1, column 43 (Reservations.OwnerId): expected string, found JSON number"},
		{name: "launch template default version a string", file: "ec2-describe-launch-templates.json", data: `{"LaunchTemplates": [{"DefaultVersionNumber": "2"}]}`,
			want: "line 1, column 50 (LaunchTemplates.DefaultVersionNumber): expected int64, found JSON string"},
		{name: "codebuild tags not a list", file: "codebuild-batch-get-projects.json", data: `{"projects": [{"name": "p", "tags": {"k": "v"}}]}`,
			want: "line 1, column 38 (projects.tags): expected []aws.CodeBuildTag, found JSON object"},
		{name: "eks tags not a map", file: "eks-describe-cluster.json", data: `{"cluster": {"tags": ["a"]}}`,
			want: "line 1, column 23 (cluster.tags): expected map[string]string, found JSON array"},
		{name: "sqs attributes not strings", file: "sqs-get-queue-attributes.json", data: `{"QueueUrl": "u", "Attributes": {"VisibilityTimeout": 30}}`,
			want: "line 1, column 57 (Attributes): expected string, found JSON number"},
		{name: "organization accounts not a list", file: "organizations-list-accounts-for-parent.json", data: `[{"ParentId": "r-1", "Accounts": "none"}]`,
			want: "line 1, column 40 (Accounts): expected []aws.OrganizationsAccount, found JSON string"},
		{name: "aws managed not a boolean", file: "organizations-list-policies.json", data: `{"Filter": "SERVICE_CONTROL_POLICY", "Policies": [{"Id": "p-1", "AwsManaged": "yes"}]}`,
			want: "line 1, column 84 (Policies.AwsManaged): expected bool, found JSON string"},

		// Policy documents that do not parse: the element, the field, the place in the document.
		{name: "lambda policy", file: "lambda-get-policy.json",
			data: `[{"FunctionName": "` + euLambda + `f", "Policy": ` + badDoc + `}]`,
			want: "[0] (function " + euLambda + "f) Policy: " + badEffect},
		{name: "bucket policy that is not JSON", file: "s3api-get-bucket-policy.json",
			data: `[{"Bucket": "a", "Policy": ` + quoted(docPublic) + `}, {"Bucket": "b", "Policy": "{\"Version\": \"2012-10-17\","}]`,
			want: "[1] (bucket b) Policy: policy document: not a JSON object: unexpected end of JSON input"},
		{name: "key policy", file: "kms-get-key-policy.json",
			data: `{"KeyId": "arn:aws:kms:eu-west-1:111111111111:key/k", "Policy": ` + badDoc + `, "PolicyName": "default"}`,
			want: "(key arn:aws:kms:eu-west-1:111111111111:key/k) Policy: " + badEffect},
		{name: "secret policy", file: "secretsmanager-get-resource-policy.json",
			data: `[{"ARN": "arn:aws:secretsmanager:eu-west-1:111111111111:secret:s-1", "Name": "s", "ResourcePolicy": ` + badDoc + `}]`,
			want: "[0] (secret s) ResourcePolicy: " + badEffect},
		{name: "queue policy", file: "sqs-get-queue-attributes.json",
			data: `[{"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/111111111111/q", "Attributes": {"Policy": "{\"Statement\": []"}}]`,
			want: "[0] (queue q) Attributes Policy: policy document: not a JSON object: unexpected end of JSON input"},
		{name: "topic policy", file: "sns-get-topic-attributes.json",
			data: `{"Attributes": {"TopicArn": "arn:aws:sns:eu-west-1:111111111111:t", "Policy": "{\"Version\":\"2012-10-17\"}"}}`,
			want: "(topic t) Attributes Policy: policy document: no Statement"},
		{name: "repository policy", file: "ecr-get-repository-policy.json",
			data: `[{"registryId": "111111111111", "repositoryName": "r", "Region": "eu-west-1", "policyText": ` + badDoc + `}]`,
			want: "[0] (repository r) policyText: " + badEffect},
		{name: "service control policy", file: "organizations-describe-policy.json",
			data: `[{"Policy": {"PolicySummary": {"Id": "p-1", "Arn": "arn:aws:organizations::999999999999:policy/o-1/service_control_policy/p-1",
				"Name": "scp", "Type": "SERVICE_CONTROL_POLICY"}, "Content": ` + badDoc + `}}]`,
			want: "[0] Policy (policy scp) Content: " + badEffect},

		// Values that cannot be used.
		{name: "function ARN that is not one", file: "lambda-list-functions.json", data: `{"Functions": [{"FunctionName": "f", "FunctionArn": "f"}]}`,
			want: `Functions[0] (function f) FunctionArn: "f" is not an ARN of lambda (want arn:aws:lambda:<region>:<account>:<resource>)`},
		{name: "role ARN that is not one", file: "eks-describe-cluster.json", data: `{"cluster": {"name": "c", "arn": "arn:aws:eks:eu-west-1:111111111111:cluster/c", "roleArn": "arn:aws:iam::111111111111:user/c"}}`,
			want: `cluster (cluster c) roleArn: "arn:aws:iam::111111111111:user/c" is not an IAM role ARN (want arn:aws:iam::<12-digit account>:role/<path><name>)`},
		{name: "ARN of another service", file: "kms-list-keys.json", data: `{"Keys": [{"KeyId": "k", "KeyArn": "arn:aws:s3:::k"}]}`,
			want: `Keys[0] (key k) KeyArn: "arn:aws:s3:::k" is not an ARN of kms (want arn:aws:kms:<region>:<account>:<resource>)`},
		{name: "queue URL that is not one", file: "sqs-list-queues.json", data: `{"QueueUrls": ["orders"]}`,
			want: `QueueUrls[0]: "orders" is not a queue URL (want https://sqs.<region>.amazonaws.com/<account>/<name>)`},
		{name: "instance without id", file: "ec2-describe-instances.json", data: `{"Reservations": [{"Instances": [{"InstanceType": "t3.micro"}]}]}`,
			want: "Reservations[0] Instances[0] InstanceId: InstanceId is empty"},
		{name: "bucket policy without bucket", file: "s3api-get-bucket-policy.json", data: `{"Policy": ` + quoted(docPublic) + `}`,
			want: `Bucket: Bucket is empty: give the bucket each policy belongs to ({"Bucket": …, "Policy": …})`},
		{name: "two different policies for one bucket", file: "s3api-get-bucket-policy.json",
			data: `[{"Bucket": "b", "Policy": ` + quoted(docPublic) + `}, {"Bucket": "b", "Policy": ` + quoted(docAllowS3) + `}]`,
			want: "[1] (bucket b) Policy: a different policy of arn:aws:s3:::b is given at [0] (bucket b) Policy"},
		{name: "topic attributes without topic", file: "sns-get-topic-attributes.json", data: `{"Attributes": {"Owner": "111111111111"}}`,
			want: `neither Attributes.TopicArn nor TopicArn: give the topic each output belongs to ({"TopicArn": …, "Attributes": …})`},
		{name: "one ARN for two kinds", file: "organizations-list-policies.json",
			data:  `{"Filter": "SERVICE_CONTROL_POLICY", "Policies": [{"Id": "p-1", "Arn": "` + denySCP + `", "Name": "d", "Type": "SERVICE_CONTROL_POLICY"}]}`,
			extra: map[string]string{"organizations-list-roots.json": `{"Roots": [{"Id": "r-1", "Arn": "` + denySCP + `", "Name": "R"}]}`},
			want: "Policies[0] (policy d) Arn: " + denySCP + " is already defined as aws.org_unit " + denySCP +
				" at res/organizations-list-roots.json: Roots[0] (root R) Arn"},
		{name: "credential report not base64", file: "iam-get-credential-report.json", data: `{"Content": "dXNlcixhcm4K!!", "ReportFormat": "text/csv"}`,
			want: "Content: not base64: illegal base64 data at input byte 12"},
		{name: "credential report without arn column", file: "iam-get-credential-report.json",
			data: `{"Content": "` + b64("user,password_enabled\nalice,true\n") + `", "ReportFormat": "text/csv"}`,
			want: `Content: credential report: header row "user,password_enabled" has no column "arn"`},
		{name: "credential report row too short", file: "iam-get-credential-report.json",
			data: `{"Content": "` + b64("user,arn,mfa_active\nalice,arn:aws:iam::111111111111:user/alice,true\nbob,arn\n") + `", "ReportFormat": "text/csv"}`,
			want: "Content: credential report: record on line 3: wrong number of fields"},
		{name: "credential report of another format", file: "iam-get-credential-report.json", data: `{"Content": "", "ReportFormat": "text/html"}`,
			want: `ReportFormat: report format "text/html", want text/csv`},
		{name: "account id that is not one", file: "organizations-list-accounts-for-parent.json", data: `[{"ParentId": "r-1", "Accounts": [{"Id": "12345", "Name": "x"}]}]`,
			want: `[0] Accounts[0] (account x) Id: "12345" is not a 12-digit account id`},
		{name: "account listed twice", file: "organizations-list-accounts-for-parent.json",
			data: `[{"ParentId": "r-1", "Accounts": [{"Id": "222222222222", "Name": "a"}]}, {"ParentId": "ou-1", "Accounts": [{"Id": "222222222222", "Name": "a"}]}]`,
			want: "[1] Accounts[0] (account a): account 222222222222 is listed twice (also at [0] Accounts[0] (account a))"},
		{name: "organizational unit listed twice", file: "organizations-list-organizational-units-for-parent.json",
			data: `[{"ParentId": "r-1", "OrganizationalUnits": [{"Id": "ou-1", "Arn": "` + orgOU1 + `", "Name": "A"}]},
				{"ParentId": "r-1", "OrganizationalUnits": [{"Id": "ou-1", "Arn": "` + orgOU1 + `", "Name": "A"}]}]`,
			want: "[1] OrganizationalUnits[0] (organizational unit A): ou-1 is listed twice (also at [0] OrganizationalUnits[0] (organizational unit A) Arn)"},
		{name: "root ARN that is not one", file: "organizations-list-roots.json", data: `{"Roots": [{"Id": "r-1", "Arn": "r-1", "Name": "Root"}]}`,
			want: `Roots[0] (root Root) Arn: "r-1" is not an Organizations ARN (want arn:aws:organizations::<account>:<resource>)`},
		{name: "unknown target type", file: "organizations-list-targets-for-policy.json",
			data:  `{"PolicyId": "p-1", "Targets": [{"TargetId": "x", "Name": "x", "Type": "USER"}]}`,
			extra: map[string]string{"organizations-list-policies.json": `{"Policies": [{"Id": "p-1", "Arn": "` + denySCP + `", "Name": "d", "Type": "SERVICE_CONTROL_POLICY"}]}`},
			want:  `(policy p-1) Targets[0] (target x) Type: unknown target type "USER" (want ROOT, ORGANIZATIONAL_UNIT or ACCOUNT)`},
		{name: "two organizations", file: "organizations-describe-organization.json",
			data: `[{"Organization": {"Id": "o-1", "MasterAccountId": "999999999999"}}, {"Organization": {"Id": "o-2", "MasterAccountId": "999999999999"}}]`,
			want: "[1] Organization: organization o-2 differs from organization o-1 at [0] Organization: a directory holds one organization"},
		{name: "saml provider ARN that is not one", file: "iam-list-saml-providers.json",
			data: `{"SAMLProviderList": [{"Arn": "arn:aws:iam::111111111111:oidc-provider/x"}]}`,
			want: `SAMLProviderList[0] Arn: "arn:aws:iam::111111111111:oidc-provider/x" is not the ARN of a SAML provider (want arn:aws:iam::<account>:saml-provider/<name>)`},
		{name: "access policy ARN that is not one", file: "eks-list-associated-access-policies.json",
			data: `{"clusterName": "c", "principalArn": "p", "associatedAccessPolicies": [{"policyArn": "AmazonEKSViewPolicy"}]}`,
			extra: map[string]string{"eks-describe-access-entry.json": `{"accessEntry": {"clusterName": "c", "principalArn": "p",
				"accessEntryArn": "arn:aws:eks:eu-west-1:111111111111:access-entry/c/role/111111111111/p/u"}}`},
			want: `(access entry p) associatedAccessPolicies[0] policyArn: "AmazonEKSViewPolicy" is not the ARN of an EKS access policy (want arn:aws:eks::aws:cluster-access-policy/<name>)`},
		{name: "access scope of an unknown type", file: "eks-list-associated-access-policies.json",
			data: `{"clusterName": "c", "principalArn": "p", "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", "accessScope": {"type": "node"}}]}`,
			extra: map[string]string{"eks-describe-access-entry.json": `{"accessEntry": {"clusterName": "c", "principalArn": "p",
				"accessEntryArn": "arn:aws:eks:eu-west-1:111111111111:access-entry/c/role/111111111111/p/u"}}`},
			want: `(access entry p) associatedAccessPolicies[0] accessScope: access scope type "node" (want cluster or namespace)`},
		{name: "access entry without principal", file: "eks-describe-access-entry.json",
			data: `{"accessEntry": {"clusterName": "c", "accessEntryArn": "arn:aws:eks:eu-west-1:111111111111:access-entry/c/role/111111111111/p/u"}}`,
			want: `accessEntry: clusterName and principalArn are required`},
		{name: "pod identity session policy", file: "eks-describe-pod-identity-association.json",
			data: `{"association": {"clusterName": "c", "namespace": "n", "serviceAccount": "s", "associationArn": "arn:aws:eks:eu-west-1:111111111111:podidentityassociation/c/a-1",
				"roleArn": "arn:aws:iam::111111111111:role/billing-pods", "policy": ` + badDoc + `}}`,
			want: "association (pod identity association n/s) policy: " + badEffect},
		{name: "pod identity target role that is not one", file: "eks-describe-pod-identity-association.json",
			data: `{"association": {"clusterName": "c", "namespace": "n", "serviceAccount": "s", "associationArn": "arn:aws:eks:eu-west-1:111111111111:podidentityassociation/c/a-1",
				"roleArn": "arn:aws:iam::111111111111:role/billing-pods", "targetRoleArn": "shared"}}`,
			want: `association (pod identity association n/s) targetRoleArn: "shared" is not an IAM role ARN (want arn:aws:iam::<12-digit account>:role/<path><name>)`},
		{name: "task definition ARN of another service", file: "ecs-describe-task-definition.json",
			data: `{"taskDefinition": {"taskDefinitionArn": "arn:aws:eks:eu-west-1:111111111111:task-definition/t:1", "family": "t", "revision": 1}}`,
			want: `taskDefinition (task definition t:1) taskDefinitionArn: "arn:aws:eks:eu-west-1:111111111111:task-definition/t:1" is not an ARN of ecs (want arn:aws:ecs:<region>:<account>:<resource>)`},
		{name: "management account id that is not one", file: "organizations-describe-organization.json",
			data: `{"Organization": {"Id": "o-1", "MasterAccountId": ""}}`,
			want: `Organization MasterAccountId: "" is not a 12-digit account id`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{tc.file: tc.data}
			for k, v := range tc.extra {
				files[k] = v
			}
			bad := collectBad(t, files)
			if got, want := bad.Error(), "res/"+tc.file+": "+tc.want; got != want {
				t.Errorf("error:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
