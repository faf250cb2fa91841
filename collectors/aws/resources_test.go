package aws

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/blastradius/blastradius/graphmodel"
)

// resourcesGAAD is the gaad.json the resource tests run against: roles for
// every service, instance profiles web-server and batch-worker.
func resourcesGAAD(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/resources/gaad.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withFiles returns a directory holding the resources gaad.json and files.
func withFiles(t testing.TB, files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{GAADFile: {Data: resourcesGAAD(t)}}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// collectAdded collects gaad.json with files and returns what the files
// added to gaad.json alone: the nodes they created or changed, the edges
// they added, and the gaps.
func collectAdded(t *testing.T, files map[string]string) (nodes []graphmodel.Node, edges []graphmodel.Edge, gaps []graphmodel.Gap) {
	t.Helper()
	base, err := NewOffline(withFiles(t, nil), "res").Collect(context.Background())
	if err != nil {
		t.Fatalf("gaad.json alone: %v", err)
	}
	frag, err := NewOffline(withFiles(t, files), "res").Collect(context.Background())
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	before := map[string]graphmodel.Node{}
	for _, n := range base.Nodes {
		before[n.ID] = n
	}
	for _, n := range frag.Nodes {
		if b, ok := before[n.ID]; !ok || !reflect.DeepEqual(b, n) {
			nodes = append(nodes, n)
		}
	}
	seen := map[string]bool{}
	for _, e := range base.Edges {
		seen[e.Key()] = true
	}
	for _, e := range frag.Edges {
		if !seen[e.Key()] {
			edges = append(edges, e)
		}
	}
	if frag.Source.Scope != acct {
		t.Errorf("Source.Scope = %q, want %q", frag.Source.Scope, acct)
	}
	return nodes, edges, frag.Source.Gaps
}

// res builds an expected resource node of account 111111111111.
// wantClasses are the resource classes the converter must give, written
// out here rather than read from its own table.
var wantClasses = map[string]string{
	"secretsmanager/secret": "secret", "kms/key": "encryption-key", "ssm/parameter": "parameter",
	"rds/db": "database", "dynamodb/table": "table", "s3/bucket": "object-store",
	"ecr/repository": "container-registry", "lambda/function": "function",
	"ec2/instance": "compute-instance", "sqs/queue": "queue", "sns/topic": "topic",
}

func res(arn, name, service, typ, region string, kv ...string) graphmodel.Node {
	props := map[string]string{"service": service, "type": typ}
	if c := wantClasses[service+"/"+typ]; c != "" {
		props["resource_class"] = c
	}
	if region != "" {
		props["region"] = region
	}
	for i := 0; i+1 < len(kv); i += 2 {
		props[kv[i]] = kv[i+1]
		if kv[i] == "parameter_type" && kv[i+1] == "SecureString" {
			props["resource_class"] = "secret-parameter"
		}
	}
	return graphmodel.Node{ID: arn, Kind: graphmodel.KindAWSResource, Provider: graphmodel.ProviderAWS, Name: name, Scope: acct, Properties: props}
}

func carries(from, role string) graphmodel.Edge { return edge(from, graphmodel.EdgeCarriesRole, role) }

func gapAt(what, reason, where string) graphmodel.Gap {
	return graphmodel.Gap{What: what, Reason: reason, Where: where}
}

const (
	ecsTD      = "arn:aws:ecs:eu-west-1:111111111111:task-definition/"
	entryARN   = "arn:aws:eks:eu-west-1:111111111111:access-entry/prod/role/111111111111/platform-admin/a2c8f6d4"
	podARN     = "arn:aws:eks:eu-west-1:111111111111:podidentityassociation/prod/"
	eksPolicy  = "arn:aws:eks::aws:cluster-access-policy/"
	docSession = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	euLambda   = "arn:aws:lambda:eu-west-1:111111111111:function:"
	docAllowS3 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*"}]}`
	docPublic  = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	docKey     = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}`
	docTopic   = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"SNS:Publish","Resource":"arn:aws:sns:eu-west-1:111111111111:t","Condition":{"StringEquals":{"AWS:SourceOwner":"111111111111"}}}]}`
)

// quoted returns a document as the CLI prints a policy attribute: a JSON string.
func quoted(doc string) string {
	b, _ := json.Marshal(doc)
	return string(b)
}

type resourceCase struct {
	name  string
	files map[string]string
	nodes []graphmodel.Node
	edges []graphmodel.Edge
	gaps  []graphmodel.Gap
}

func resourceCases() []resourceCase {
	webProfile := arnIAM + "instance-profile/app/web-server"
	inst := "arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0"
	lt := "arn:aws:ec2:eu-west-1:111111111111:launch-template/lt-0abc"
	stackSet := "arn:aws:cloudformation:eu-west-1:111111111111:stackset/baseline:6f0a"
	queue := "arn:aws:sqs:eu-west-1:111111111111:orders"
	keyARN := "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	return []resourceCase{
		{
			name: "lambda function",
			files: map[string]string{"lambda-list-functions.json": `{"Functions": [{"FunctionName": "report", "FunctionArn": "` + euLambda + `report",
				"Runtime": "python3.12", "Role": "arn:aws:iam::111111111111:role/app/report-lambda", "Environment": {"Variables": {"K": "v"}}}]}`},
			nodes: []graphmodel.Node{res(euLambda+"report", "report", "lambda", "function", "eu-west-1")},
			edges: []graphmodel.Edge{carries(euLambda+"report", arnIAM+"role/app/report-lambda")},
		},
		{
			name: "lambda function policy by name and region, function not listed",
			files: map[string]string{"lambda-get-policy.json": `[{"FunctionName": "resizer", "Region": "eu-west-1",
				"Policy": ` + quoted(docAllowS3) + `, "RevisionId": "r1"}]`},
			nodes: []graphmodel.Node{withDocs(res(euLambda+"resizer", "resizer", "lambda", "function", "eu-west-1"), "policy", docAllowS3)},
		},
		{
			name: "ec2 instance with instance profile, managed by SSM",
			files: map[string]string{
				"ec2-describe-instances.json": `{"Reservations": [{"ReservationId": "r-1", "OwnerId": "111111111111", "Instances": [
					{"InstanceId": "i-0123456789abcdef0", "Placement": {"AvailabilityZone": "eu-west-1b"},
					 "IamInstanceProfile": {"Arn": "` + webProfile + `", "Id": "AIPA1"}, "Tags": [{"Key": "Name", "Value": "web-1"}]}]}]}`,
				"ssm-describe-instance-information.json": `{"InstanceInformationList": [{"InstanceId": "i-0123456789abcdef0", "PingStatus": "ConnectionLost", "ResourceType": "EC2Instance"}]}`,
			},
			nodes: []graphmodel.Node{withTags(res(inst, "i-0123456789abcdef0", "ec2", "instance", "eu-west-1",
				"instance_profile", webProfile, "ssm_managed", "true", "ssm_ping_status", "ConnectionLost"), map[string]string{"Name": "web-1"})},
			edges: []graphmodel.Edge{carries(inst, webRole)},
		},
		{
			name: "launch template: one edge per version's role, default role",
			files: map[string]string{
				"ec2-describe-launch-templates.json": `[{"Region": "eu-west-1", "LaunchTemplates": [{"LaunchTemplateId": "lt-0abc",
					"LaunchTemplateName": "workers", "DefaultVersionNumber": 2, "LatestVersionNumber": 2}]}]`,
				"ec2-describe-launch-template-versions.json": `[{"Region": "eu-west-1", "LaunchTemplateVersions": [
					{"LaunchTemplateId": "lt-0abc", "LaunchTemplateName": "workers", "VersionNumber": 1, "DefaultVersion": false,
					 "LaunchTemplateData": {"IamInstanceProfile": {"Arn": "` + webProfile + `"}, "UserData": "c2VjcmV0"}},
					{"LaunchTemplateId": "lt-0abc", "LaunchTemplateName": "workers", "VersionNumber": 2, "DefaultVersion": true,
					 "LaunchTemplateData": {"IamInstanceProfile": {"Name": "batch-worker"}}}]}]`,
			},
			nodes: []graphmodel.Node{res(lt, "workers", "ec2", "launch-template", "eu-west-1",
				"default_version", "2", "default_role", arnIAM+"role/batch-worker")},
			edges: []graphmodel.Edge{carries(lt, webRole), carries(lt, arnIAM+"role/batch-worker")},
		},
		{
			name: "cloudformation stack",
			files: map[string]string{"cloudformation-describe-stacks.json": `{"Stacks": [{"StackId": "arn:aws:cloudformation:eu-west-1:111111111111:stack/app/1a2b",
				"StackName": "app", "RoleARN": "` + arnIAM + `role/cfn-deploy", "Tags": [{"Key": "env", "Value": "prod"}],
				"Parameters": [{"ParameterKey": "P", "ParameterValue": "v"}]}]}`},
			nodes: []graphmodel.Node{withTags(res("arn:aws:cloudformation:eu-west-1:111111111111:stack/app/1a2b", "app", "cloudformation", "stack", "eu-west-1"),
				map[string]string{"env": "prod"})},
			edges: []graphmodel.Edge{carries("arn:aws:cloudformation:eu-west-1:111111111111:stack/app/1a2b", arnIAM+"role/cfn-deploy")},
		},
		{
			name: "stack set described and listed",
			files: map[string]string{
				"cloudformation-describe-stack-set.json": `[{"StackSet": {"StackSetName": "baseline", "StackSetId": "baseline:6f0a",
					"StackSetARN": "` + stackSet + `", "AdministrationRoleARN": "` + arnIAM + `role/AWSCloudFormationStackSetAdministrationRole",
					"ExecutionRoleName": "AWSCloudFormationStackSetExecutionRole"}}]`,
				"cloudformation-list-stack-sets.json": `[{"Region": "eu-west-1", "Summaries": [{"StackSetName": "baseline", "StackSetId": "baseline:6f0a"},
					{"StackSetName": "logs", "StackSetId": "logs:7b1c"}]}]`,
			},
			nodes: []graphmodel.Node{
				res(stackSet, "baseline", "cloudformation", "stackset", "eu-west-1", "execution_role_name", "AWSCloudFormationStackSetExecutionRole"),
				res("arn:aws:cloudformation:eu-west-1:111111111111:stackset/logs:7b1c", "logs", "cloudformation", "stackset", "eu-west-1"),
			},
			edges: []graphmodel.Edge{carries(stackSet, arnIAM+"role/AWSCloudFormationStackSetAdministrationRole")},
		},
		{
			name: "codebuild project",
			files: map[string]string{"codebuild-batch-get-projects.json": `{"projects": [{"name": "build", "arn": "arn:aws:codebuild:eu-west-1:111111111111:project/build",
				"serviceRole": "` + arnIAM + `role/service-role/codebuild-app-build", "tags": [{"key": "team", "value": "platform"}],
				"environment": {"type": "LINUX_CONTAINER", "image": "i", "computeType": "c", "environmentVariables": [{"name": "T", "value": "v"}]}}],
				"projectsNotFound": []}`},
			nodes: []graphmodel.Node{withTags(res("arn:aws:codebuild:eu-west-1:111111111111:project/build", "build", "codebuild", "project", "eu-west-1"),
				map[string]string{"team": "platform"})},
			edges: []graphmodel.Edge{carries("arn:aws:codebuild:eu-west-1:111111111111:project/build", arnIAM+"role/service-role/codebuild-app-build")},
		},
		{
			name: "glue dev endpoint: region from its zone",
			files: map[string]string{"glue-get-dev-endpoints.json": `{"DevEndpoints": [{"EndpointName": "dev", "RoleArn": "` + arnIAM + `role/glue-dev",
				"AvailabilityZone": "us-east-1c"}]}`},
			nodes: []graphmodel.Node{res("arn:aws:glue:us-east-1:111111111111:devEndpoint/dev", "dev", "glue", "devendpoint", "us-east-1")},
			edges: []graphmodel.Edge{carries("arn:aws:glue:us-east-1:111111111111:devEndpoint/dev", arnIAM+"role/glue-dev")},
		},
		{
			name:  "glue job: role by name",
			files: map[string]string{"glue-get-jobs.json": `[{"Region": "eu-west-1", "Jobs": [{"Name": "etl", "Role": "glue-etl", "DefaultArguments": {"--x": "y"}}]}]`},
			nodes: []graphmodel.Node{res("arn:aws:glue:eu-west-1:111111111111:job/etl", "etl", "glue", "job", "eu-west-1")},
			edges: []graphmodel.Edge{carries("arn:aws:glue:eu-west-1:111111111111:job/etl", arnIAM+"role/glue-etl")},
		},
		{
			name: "sagemaker notebook instance",
			files: map[string]string{"sagemaker-describe-notebook-instance.json": `[{"NotebookInstanceArn": "arn:aws:sagemaker:eu-west-1:111111111111:notebook-instance/nb",
				"NotebookInstanceName": "nb", "RoleArn": "` + arnIAM + `role/service-role/AmazonSageMaker-ExecutionRole-20240101T000000"}]`},
			nodes: []graphmodel.Node{res("arn:aws:sagemaker:eu-west-1:111111111111:notebook-instance/nb", "nb", "sagemaker", "notebook-instance", "eu-west-1")},
			edges: []graphmodel.Edge{carries("arn:aws:sagemaker:eu-west-1:111111111111:notebook-instance/nb",
				arnIAM+"role/service-role/AmazonSageMaker-ExecutionRole-20240101T000000")},
		},
		{
			name: "app runner service",
			files: map[string]string{"apprunner-describe-service.json": `{"Service": {"ServiceName": "api", "ServiceId": "8fe1",
				"ServiceArn": "arn:aws:apprunner:eu-west-1:111111111111:service/api/8fe1",
				"InstanceConfiguration": {"Cpu": "1024", "Memory": "2048", "InstanceRoleArn": "` + arnIAM + `role/apprunner-instance"}}}`},
			nodes: []graphmodel.Node{res("arn:aws:apprunner:eu-west-1:111111111111:service/api/8fe1", "api", "apprunner", "service", "eu-west-1")},
			edges: []graphmodel.Edge{carries("arn:aws:apprunner:eu-west-1:111111111111:service/api/8fe1", arnIAM+"role/apprunner-instance")},
		},
		{
			name: "ecs services, with and without role",
			files: map[string]string{"ecs-describe-services.json": `{"services": [
				{"serviceArn": "arn:aws:ecs:eu-west-1:111111111111:service/prod/web", "serviceName": "web", "clusterArn": "arn:aws:ecs:eu-west-1:111111111111:cluster/prod",
				 "roleArn": "` + arnIAM + `role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS", "tags": [{"key": "team", "value": "pay"}]},
				{"serviceArn": "arn:aws:ecs:eu-west-1:111111111111:service/prod/job", "serviceName": "job", "clusterArn": "arn:aws:ecs:eu-west-1:111111111111:cluster/prod"}],
				"failures": []}`},
			nodes: []graphmodel.Node{
				withTags(res("arn:aws:ecs:eu-west-1:111111111111:service/prod/web", "web", "ecs", "service", "eu-west-1"), map[string]string{"team": "pay"}),
				res("arn:aws:ecs:eu-west-1:111111111111:service/prod/job", "job", "ecs", "service", "eu-west-1"),
			},
			edges: []graphmodel.Edge{carries("arn:aws:ecs:eu-west-1:111111111111:service/prod/web", arnIAM+"role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS")},
		},
		{
			name: "ecs task definitions: the service carries the task role, by ARN or name",
			files: map[string]string{
				"ecs-describe-task-definition.json": `[{"taskDefinition": {"taskDefinitionArn": "` + ecsTD + `web:4", "family": "web", "revision": 4,
					"taskRoleArn": "` + arnIAM + `role/checkout-task", "executionRoleArn": "` + arnIAM + `role/ecsTaskExecutionRole",
					"containerDefinitions": [{"name": "web", "environment": [{"name": "K", "value": "v"}]}]}, "tags": [{"key": "app", "value": "web"}]},
					{"taskDefinition": {"taskDefinitionArn": "` + ecsTD + `job:1", "family": "job", "revision": 1, "taskRoleArn": "billing-pods"}}]`,
				"ecs-describe-services.json": `{"services": [
					{"serviceArn": "arn:aws:ecs:eu-west-1:111111111111:service/prod/web", "serviceName": "web", "taskDefinition": "` + ecsTD + `web:4"},
					{"serviceArn": "arn:aws:ecs:eu-west-1:111111111111:service/prod/job", "serviceName": "job", "taskDefinition": "` + ecsTD + `job:1"},
					{"serviceArn": "arn:aws:ecs:eu-west-1:111111111111:service/prod/old", "serviceName": "old", "taskDefinition": "` + ecsTD + `old:9"}]}`,
			},
			nodes: []graphmodel.Node{
				withTags(res(ecsTD+"web:4", "web:4", "ecs", "task-definition", "eu-west-1", "execution_role", arnIAM+"role/ecsTaskExecutionRole"),
					map[string]string{"app": "web"}),
				res(ecsTD+"job:1", "job:1", "ecs", "task-definition", "eu-west-1"),
				res("arn:aws:ecs:eu-west-1:111111111111:service/prod/web", "web", "ecs", "service", "eu-west-1", "task_definition", ecsTD+"web:4"),
				res("arn:aws:ecs:eu-west-1:111111111111:service/prod/job", "job", "ecs", "service", "eu-west-1", "task_definition", ecsTD+"job:1"),
				res("arn:aws:ecs:eu-west-1:111111111111:service/prod/old", "old", "ecs", "service", "eu-west-1", "task_definition", ecsTD+"old:9"),
			},
			edges: []graphmodel.Edge{
				carries(ecsTD+"web:4", arnIAM+"role/checkout-task"),
				carries(ecsTD+"job:1", arnIAM+"role/billing-pods"),
				carries("arn:aws:ecs:eu-west-1:111111111111:service/prod/web", arnIAM+"role/checkout-task"),
				carries("arn:aws:ecs:eu-west-1:111111111111:service/prod/job", arnIAM+"role/billing-pods"),
			},
		},
		{
			name: "eks access entries and their access policies",
			files: map[string]string{
				"eks-describe-access-entry.json": `[{"accessEntry": {"clusterName": "prod", "principalArn": "` + arnIAM + `role/platform-admin",
					"accessEntryArn": "` + entryARN + `", "username": "admin", "kubernetesGroups": ["b", "a"], "type": "STANDARD", "tags": {"t": "1"}}}]`,
				"eks-list-associated-access-policies.json": `[{"clusterName": "prod", "principalArn": "` + arnIAM + `role/platform-admin", "associatedAccessPolicies": [
					{"policyArn": "` + eksPolicy + `AmazonEKSClusterAdminPolicy", "accessScope": {"type": "cluster", "namespaces": []}}]},
					{"clusterName": "prod", "principalArn": "` + arnIAM + `role/platform-admin", "associatedAccessPolicies": [
					{"policyArn": "` + eksPolicy + `AmazonEKSEditPolicy", "accessScope": {"type": "namespace", "namespaces": ["z", "a"]}},
					{"policyArn": "` + eksPolicy + `AmazonEKSClusterAdminPolicy", "accessScope": {"type": "cluster"}}]}]`,
			},
			nodes: []graphmodel.Node{withTags(res(entryARN, "role/platform-admin", "eks", "access-entry", "eu-west-1",
				"cluster", "prod", "principal_arn", arnIAM+"role/platform-admin", "kubernetes_username", "admin", "kubernetes_groups", "a,b",
				"entry_type", "STANDARD", "access_policies", eksPolicy+"AmazonEKSClusterAdminPolicy@cluster "+eksPolicy+"AmazonEKSEditPolicy@namespace:a,z"),
				map[string]string{"t": "1"})},
		},
		{
			name: "eks pod identity associations: role, target role of another account, session policy",
			files: map[string]string{"eks-describe-pod-identity-association.json": `[
				{"association": {"clusterName": "prod", "namespace": "billing", "serviceAccount": "invoicer", "roleArn": "` + arnIAM + `role/billing-pods",
				 "associationArn": "` + podARN + `a-1", "associationId": "a-1", "externalId": "x", "policy": ` + quoted(docSession) + `}},
				{"association": {"clusterName": "prod", "namespace": "ops", "serviceAccount": "sync", "roleArn": "` + arnIAM + `role/billing-pods",
				 "associationArn": "` + podARN + `a-2", "targetRoleArn": "arn:aws:iam::222222222222:role/shared"}}]`},
			nodes: []graphmodel.Node{
				withDocs(res(podARN+"a-1", "billing/invoicer", "eks", "pod-identity-association", "eu-west-1", "cluster", "prod", "namespace", "billing",
					"service_account", "invoicer", "k8s_service_account", "k8s:prod:serviceaccount:billing:invoicer", "role_arn", arnIAM+"role/billing-pods"),
					"session_policy", docSession),
				res(podARN+"a-2", "ops/sync", "eks", "pod-identity-association", "eu-west-1", "cluster", "prod", "namespace", "ops",
					"service_account", "sync", "k8s_service_account", "k8s:prod:serviceaccount:ops:sync", "role_arn", arnIAM+"role/billing-pods",
					"target_role_arn", "arn:aws:iam::222222222222:role/shared"),
			},
			edges: []graphmodel.Edge{carries(podARN+"a-1", arnIAM+"role/billing-pods"), carries(podARN+"a-2", "arn:aws:iam::222222222222:role/shared")},
		},
		{
			name: "eks cluster",
			files: map[string]string{"eks-describe-cluster.json": `{"cluster": {"name": "prod", "arn": "arn:aws:eks:eu-west-1:111111111111:cluster/prod",
				"roleArn": "` + arnIAM + `role/eks-cluster", "identity": {"oidc": {"issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"}},
				"tags": {"env": "prod"}}}`},
			nodes: []graphmodel.Node{withTags(res("arn:aws:eks:eu-west-1:111111111111:cluster/prod", "prod", "eks", "cluster", "eu-west-1",
				"oidc_issuer", "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"), map[string]string{"env": "prod"})},
			edges: []graphmodel.Edge{carries("arn:aws:eks:eu-west-1:111111111111:cluster/prod", arnIAM+"role/eks-cluster")},
		},
		{
			name: "bedrock agentcore code interpreter",
			files: map[string]string{"bedrock-agentcore-control-get-code-interpreter.json": `{"codeInterpreterId": "ci-1",
				"codeInterpreterArn": "arn:aws:bedrock-agentcore:us-east-1:111111111111:code-interpreter-custom/ci-1", "name": "ci",
				"executionRoleArn": "` + arnIAM + `role/agentcore-interpreter", "networkConfiguration": {"networkMode": "PUBLIC"}}`},
			nodes: []graphmodel.Node{res("arn:aws:bedrock-agentcore:us-east-1:111111111111:code-interpreter-custom/ci-1", "ci", "bedrock-agentcore", "code-interpreter", "us-east-1")},
			edges: []graphmodel.Edge{carries("arn:aws:bedrock-agentcore:us-east-1:111111111111:code-interpreter-custom/ci-1", arnIAM+"role/agentcore-interpreter")},
		},
		{
			name:  "oidc provider",
			files: map[string]string{"iam-list-open-id-connect-providers.json": `{"OpenIDConnectProviderList": [{"Arn": "` + arnIAM + `oidc-provider/token.actions.githubusercontent.com"}]}`},
			nodes: []graphmodel.Node{res(arnIAM+"oidc-provider/token.actions.githubusercontent.com", "token.actions.githubusercontent.com", "iam", "oidc-provider", "",
				"url", "token.actions.githubusercontent.com")},
		},
		{
			name:  "saml provider: the federated principal trust policies name",
			files: map[string]string{"iam-list-saml-providers.json": `{"SAMLProviderList": [{"Arn": "` + arnIAM + `saml-provider/corp-idp", "ValidUntil": "2124-02-01T10:00:00Z", "CreateDate": "2024-02-01T10:00:00Z"}]}`},
			nodes: []graphmodel.Node{{ID: arnIAM + "saml-provider/corp-idp", Kind: graphmodel.KindAWSFederatedPrincipal, Provider: graphmodel.ProviderExternal,
				Name: "SAML users of " + arnIAM + "saml-provider/corp-idp", Scope: acct, Aliases: []string{arnIAM + "saml-provider/corp-idp"},
				Properties: map[string]string{"federation": "saml", "create_date": "2024-02-01T10:00:00Z", "valid_until": "2124-02-01T10:00:00Z"}}},
		},
		{
			name: "s3 bucket and policy",
			files: map[string]string{
				"s3api-list-buckets.json":      `{"Buckets": [{"Name": "b", "CreationDate": "2023-01-15T09:00:00+00:00", "BucketRegion": "eu-west-1"}], "Owner": {"ID": "abc"}}`,
				"s3api-get-bucket-policy.json": `[{"Bucket": "b", "Policy": ` + quoted(docPublic) + `}]`,
			},
			nodes: []graphmodel.Node{withDocs(res("arn:aws:s3:::b", "b", "s3", "bucket", "eu-west-1"), "policy", docPublic)},
		},
		{
			name: "kms key and policy by key id",
			files: map[string]string{
				"kms-list-keys.json":      `{"Keys": [{"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "KeyArn": "` + keyARN + `"}], "Truncated": false}`,
				"kms-get-key-policy.json": `{"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "Policy": ` + quoted(docKey) + `, "PolicyName": "default"}`,
			},
			nodes: []graphmodel.Node{withDocs(res(keyARN, "1234abcd-12ab-34cd-56ef-1234567890ab", "kms", "key", "us-east-1"), "policy", docKey)},
		},
		{
			name: "secret and resource policy",
			files: map[string]string{
				"secretsmanager-list-secrets.json": `{"SecretList": [{"ARN": "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbC", "Name": "db",
					"Tags": [{"Key": "app", "Value": "web"}], "SecretVersionsToStages": {"v1": ["AWSCURRENT"]}}]}`,
				"secretsmanager-get-resource-policy.json": `{"ARN": "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbC", "Name": "db",
					"ResourcePolicy": "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\"AWS\" : \"arn:aws:iam::222222222222:root\"},\n    \"Action\" : \"secretsmanager:GetSecretValue\",\n    \"Resource\" : \"*\"\n  } ]\n}"}`,
			},
			nodes: []graphmodel.Node{withDocs(withTags(res("arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbC", "db", "secretsmanager", "secret", "eu-west-1"),
				map[string]string{"app": "web"}), "policy",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`)},
		},
		{
			name: "ssm parameters: ARN given or built",
			files: map[string]string{"ssm-describe-parameters.json": `[{"Region": "eu-west-1", "Parameters": [
				{"Name": "/app/db/password", "Type": "SecureString", "KeyId": "alias/aws/ssm", "Version": 3},
				{"Name": "flags", "ARN": "arn:aws:ssm:eu-west-1:111111111111:parameter/flags", "Type": "String"}]}]`},
			nodes: []graphmodel.Node{
				res("arn:aws:ssm:eu-west-1:111111111111:parameter/app/db/password", "/app/db/password", "ssm", "parameter", "eu-west-1", "parameter_type", "SecureString"),
				res("arn:aws:ssm:eu-west-1:111111111111:parameter/flags", "flags", "ssm", "parameter", "eu-west-1", "parameter_type", "String"),
			},
		},
		{
			name:  "dynamodb tables of two regions",
			files: map[string]string{"dynamodb-list-tables.json": `[{"Region": "eu-west-1", "TableNames": ["orders"]}, {"Region": "us-east-1", "TableNames": ["orders"]}]`},
			nodes: []graphmodel.Node{
				res("arn:aws:dynamodb:eu-west-1:111111111111:table/orders", "orders", "dynamodb", "table", "eu-west-1"),
				res("arn:aws:dynamodb:us-east-1:111111111111:table/orders", "orders", "dynamodb", "table", "us-east-1"),
			},
		},
		{
			name: "rds db instance",
			files: map[string]string{"rds-describe-db-instances.json": `{"DBInstances": [{"DBInstanceIdentifier": "db1", "Engine": "postgres",
				"DBInstanceArn": "arn:aws:rds:eu-west-1:111111111111:db:db1", "MasterUsername": "admin", "TagList": [{"Key": "env", "Value": "prod"}]}]}`},
			nodes: []graphmodel.Node{withTags(res("arn:aws:rds:eu-west-1:111111111111:db:db1", "db1", "rds", "db", "eu-west-1"), map[string]string{"env": "prod"})},
		},
		{
			name: "sqs queues: from URL and attributes",
			files: map[string]string{
				"sqs-list-queues.json": `{"QueueUrls": ["https://sqs.eu-west-1.amazonaws.com/111111111111/orders", "https://eu-west-1.queue.amazonaws.com/111111111111/dlq"]}`,
				"sqs-get-queue-attributes.json": `[{"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/111111111111/orders", "Attributes": {"QueueArn": "` + queue + `",
					"Policy": ` + quoted(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"`+queue+`"}]}`) + `,
					"VisibilityTimeout": "30"}}]`,
			},
			nodes: []graphmodel.Node{
				withDocs(res(queue, "orders", "sqs", "queue", "eu-west-1"), "policy",
					`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"`+queue+`"}]}`),
				res("arn:aws:sqs:eu-west-1:111111111111:dlq", "dlq", "sqs", "queue", "eu-west-1"),
			},
		},
		{
			name: "sns topic and attributes",
			files: map[string]string{
				"sns-list-topics.json":          `{"Topics": [{"TopicArn": "arn:aws:sns:eu-west-1:111111111111:t"}]}`,
				"sns-get-topic-attributes.json": `{"Attributes": {"TopicArn": "arn:aws:sns:eu-west-1:111111111111:t", "Owner": "111111111111", "Policy": ` + quoted(docTopic) + `}}`,
			},
			nodes: []graphmodel.Node{withDocs(res("arn:aws:sns:eu-west-1:111111111111:t", "t", "sns", "topic", "eu-west-1"), "policy", docTopic)},
		},
		{
			name: "ecr repository and policy resolved through the listing",
			files: map[string]string{
				"ecr-describe-repositories.json": `{"repositories": [{"repositoryArn": "arn:aws:ecr:eu-west-1:111111111111:repository/api", "registryId": "111111111111", "repositoryName": "api"}]}`,
				"ecr-get-repository-policy.json": `{"registryId": "111111111111", "repositoryName": "api", "policyText": ` +
					quoted(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"ecr:BatchGetImage"}]}`) + `}`,
			},
			nodes: []graphmodel.Node{withDocs(res("arn:aws:ecr:eu-west-1:111111111111:repository/api", "api", "ecr", "repository", "eu-west-1"), "policy",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"ecr:BatchGetImage"}]}`)},
		},
	}
}

func TestResourceTypes(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(tc.name, func(t *testing.T) {
			nodes, edges, gaps := collectAdded(t, tc.files)
			compareNodes(t, nodes, tc.nodes)
			compareEdges(t, edges, tc.edges)
			want := tc.gaps
			if want == nil {
				want = []graphmodel.Gap{}
			}
			if !reflect.DeepEqual(gaps, want) {
				t.Errorf("gaps:\n got %+v\nwant %+v", gaps, want)
			}
		})
	}
}

// TestResourceGaps covers references the directory cannot resolve: they
// are gaps, and the rest of the output is kept.
func TestResourceGaps(t *testing.T) {
	inst := "arn:aws:ec2:eu-west-1:111111111111:instance/i-0aaa"
	lt := "arn:aws:ec2:eu-west-1:111111111111:launch-template/lt-0abc"
	fn := euLambda + "f"
	tests := []resourceCase{
		{
			name: "instance profile not in gaad.json",
			files: map[string]string{"ec2-describe-instances.json": `{"Reservations": [{"OwnerId": "111111111111", "Instances": [{"InstanceId": "i-0aaa",
				"Placement": {"AvailabilityZone": "eu-west-1a"}, "IamInstanceProfile": {"Arn": "` + arnIAM + `instance-profile/gone", "Id": "AIPA2"}}]}]}`},
			nodes: []graphmodel.Node{res(inst, "i-0aaa", "ec2", "instance", "eu-west-1", "instance_profile", arnIAM+"instance-profile/gone")},
			gaps: []graphmodel.Gap{gapAt("instance profile "+arnIAM+"instance-profile/gone", "referenced by "+inst+" but absent from gaad.json",
				"res/ec2-describe-instances.json: Reservations[0] Instances[0] (instance i-0aaa) IamInstanceProfile Arn")},
		},
		{
			name: "launch template profile name not in gaad.json",
			files: map[string]string{"ec2-describe-launch-template-versions.json": `{"Region": "eu-west-1", "LaunchTemplateVersions": [{"LaunchTemplateId": "lt-0abc",
				"LaunchTemplateName": "w", "VersionNumber": 4, "DefaultVersion": true, "LaunchTemplateData": {"IamInstanceProfile": {"Name": "gone"}}}]}`},
			nodes: []graphmodel.Node{res(lt, "w", "ec2", "launch-template", "eu-west-1", "default_version", "4")},
			gaps: []graphmodel.Gap{gapAt("instance profile gone", "referenced by "+lt+" version 4 but absent from gaad.json",
				"res/ec2-describe-launch-template-versions.json: LaunchTemplateVersions[0] (launch template w) LaunchTemplateData IamInstanceProfile")},
		},
		{
			name:  "role ARN not in gaad.json keeps its edge",
			files: map[string]string{"lambda-list-functions.json": `{"Functions": [{"FunctionName": "f", "FunctionArn": "` + fn + `", "Role": "` + arnIAM + `role/gone"}]}`},
			nodes: []graphmodel.Node{res(fn, "f", "lambda", "function", "eu-west-1")},
			edges: []graphmodel.Edge{carries(fn, arnIAM+"role/gone")},
			gaps: []graphmodel.Gap{gapAt("role "+arnIAM+"role/gone", "referenced by "+fn+" but absent from gaad.json",
				"res/lambda-list-functions.json: Functions[0] (function f) Role")},
		},
		{
			name:  "role name not in gaad.json: no edge",
			files: map[string]string{"glue-get-jobs.json": `{"Region": "eu-west-1", "Jobs": [{"Name": "j", "Role": "gone"}]}`},
			nodes: []graphmodel.Node{res("arn:aws:glue:eu-west-1:111111111111:job/j", "j", "glue", "job", "eu-west-1")},
			gaps: []graphmodel.Gap{gapAt("role gone", "referenced by arn:aws:glue:eu-west-1:111111111111:job/j but absent from gaad.json",
				"res/glue-get-jobs.json: Jobs[0] (job j) Role")},
		},
		{
			name: "no region to build ARNs",
			files: map[string]string{
				"dynamodb-list-tables.json":          `{"TableNames": ["t"]}`,
				"ec2-describe-launch-templates.json": `{"LaunchTemplates": [{"LaunchTemplateId": "lt-1", "LaunchTemplateName": "n"}]}`,
			},
			gaps: []graphmodel.Gap{
				gapAt("ec2 launch template lt-1", `no region: add "Region" beside the output, put the file in a DIR/<region>/ subdirectory, or give --region`,
					"res/ec2-describe-launch-templates.json: LaunchTemplates[0] (launch template n)"),
				gapAt("dynamodb table t", `no region: add "Region" beside the output, put the file in a DIR/<region>/ subdirectory, or give --region`,
					"res/dynamodb-list-tables.json: TableNames[0] (table t)"),
			},
		},
		{
			name: "SSM-managed instance not described; hybrid nodes ignored",
			files: map[string]string{"ssm-describe-instance-information.json": `{"InstanceInformationList": [
				{"InstanceId": "i-0bbb", "PingStatus": "Online", "ResourceType": "EC2Instance"},
				{"InstanceId": "mi-0ccc", "PingStatus": "Online", "ResourceType": "ManagedInstance"}]}`},
			gaps: []graphmodel.Gap{gapAt("ec2 instance i-0bbb", "managed by Systems Manager but absent from ec2-describe-instances.json",
				"res/ssm-describe-instance-information.json: InstanceInformationList[0] (instance i-0bbb)")},
		},
		{
			name: "access policies of an access entry not described; task role not in gaad.json",
			files: map[string]string{
				"eks-list-associated-access-policies.json": `{"Region": "eu-west-1", "clusterName": "prod", "principalArn": "` + arnIAM + `role/gone",
					"associatedAccessPolicies": [{"policyArn": "` + eksPolicy + `AmazonEKSViewPolicy", "accessScope": {"type": "cluster"}}]}`,
				"ecs-describe-task-definition.json": `{"taskDefinition": {"taskDefinitionArn": "` + ecsTD + `t:1", "family": "t", "revision": 1, "taskRoleArn": "gone"}}`,
				"ecs-describe-services.json":        `{"services": [{"serviceArn": "arn:aws:ecs:eu-west-1:111111111111:service/prod/s", "serviceName": "s", "taskDefinition": "` + ecsTD + `t:1"}]}`,
			},
			nodes: []graphmodel.Node{
				res(ecsTD+"t:1", "t:1", "ecs", "task-definition", "eu-west-1"),
				res("arn:aws:ecs:eu-west-1:111111111111:service/prod/s", "s", "ecs", "service", "eu-west-1", "task_definition", ecsTD+"t:1"),
			},
			gaps: []graphmodel.Gap{
				gapAt("role gone", "referenced by "+ecsTD+"t:1 but absent from gaad.json",
					"res/ecs-describe-task-definition.json: taskDefinition (task definition t:1) taskRoleArn"),
				gapAt("eks access entry "+arnIAM+"role/gone of cluster prod", "its access policies are given but it is absent from eks-describe-access-entry.json",
					"res/eks-list-associated-access-policies.json: (access entry "+arnIAM+"role/gone)"),
			},
		},
		{
			name:  "key policy by key id of an unlisted key without region",
			files: map[string]string{"kms-get-key-policy.json": `[{"KeyId": "k-1", "Policy": ` + quoted(docKey) + `}]`},
			gaps: []graphmodel.Gap{gapAt("kms key k-1", "its policy is given but it is absent from kms-list-keys.json and no region is given (a Region beside the element, a DIR/<region>/ subdirectory or --region)",
				"res/kms-get-key-policy.json: [0] (key k-1)")},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nodes, edges, gaps := collectAdded(t, tc.files)
			compareNodes(t, nodes, tc.nodes)
			compareEdges(t, edges, tc.edges)
			if !reflect.DeepEqual(gaps, tc.gaps) {
				t.Errorf("gaps:\n got %+v\nwant %+v", gaps, tc.gaps)
			}
		})
	}
}

// TestKMSKeyManager feeds ConvertAccount a describe-key output, as a live
// run does: the key gets key_manager.
func TestKMSKeyManager(t *testing.T) {
	d, err := DecodeAuthorizationDetails("gaad.json", resourcesGAAD(t))
	if err != nil {
		t.Fatal(err)
	}
	const key = "arn:aws:kms:eu-west-1:111111111111:key/0987dcba-09fe-87dc-65ba-ab0987654321"
	r := &Resources{
		KMSKeys: []Output[KMSListKeysOutput]{{Where: "kms:ListKeys", Value: KMSListKeysOutput{
			Keys: []KMSKeyListEntry{{KeyID: "0987dcba-09fe-87dc-65ba-ab0987654321", KeyArn: key}}}}},
		KMSKeyDescriptions: []Output[KMSDescribeKeyOutput]{{Where: "kms:DescribeKey", Value: KMSDescribeKeyOutput{
			KeyMetadata: KMSKeyMetadata{KeyID: "0987dcba-09fe-87dc-65ba-ab0987654321", Arn: key, KeyManager: "AWS"}}}},
	}
	frag, err := ConvertAccount(d, "gaad", r)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range frag.Nodes {
		if n.ID == key {
			want := res(key, "0987dcba-09fe-87dc-65ba-ab0987654321", "kms", "key", "eu-west-1", "key_manager", "AWS")
			if !reflect.DeepEqual(n, want) {
				t.Errorf("key node:\n got %+v\nwant %+v", n, want)
			}
			return
		}
	}
	t.Errorf("no node %s", key)
}
