package aws

import (
	"encoding/json"
	"hash/crc32"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
)

// The fake account's resources beyond IAM, Lambda, EC2, S3, KMS, Secrets
// Manager and SNS: one of each in us-east-1, each carrying fn-role where
// the resource has a role, in the wire shapes of each service's protocol
// (CloudFormation and RDS: the AWS query protocol; CodeBuild, Glue,
// SageMaker, ECS, SSM, ECR and Organizations: JSON 1.1; App Runner,
// DynamoDB and SQS: JSON 1.0; EKS and Bedrock AgentCore: REST-JSON).
// moto lacks App Runner, Bedrock AgentCore and Glue dev endpoints; these
// answers are the only test of those calls.
const (
	fakeStack       = "arn:aws:cloudformation:us-east-1:" + fakeAccount + ":stack/web-stack/5e1f2a30-0000-11ef-8000-0a1b2c3d4e5f"
	fakeStackSet    = "arn:aws:cloudformation:us-east-1:" + fakeAccount + ":stackset/baseline:6c1d2e3f-aaaa-bbbb-cccc-0123456789ab"
	fakeProject     = "arn:aws:codebuild:us-east-1:" + fakeAccount + ":project/build-web"
	fakeDevEndpoint = "arn:aws:glue:us-east-1:" + fakeAccount + ":devEndpoint/dev-ep"
	fakeGlueJob     = "arn:aws:glue:us-east-1:" + fakeAccount + ":job/etl"
	fakeNotebook    = "arn:aws:sagemaker:us-east-1:" + fakeAccount + ":notebook-instance/nb-1"
	fakeAppRunner   = "arn:aws:apprunner:us-east-1:" + fakeAccount + ":service/web-svc/0123456789abcdef"
	fakeECSService  = "arn:aws:ecs:us-east-1:" + fakeAccount + ":service/main/api"
	fakeCluster     = "arn:aws:eks:us-east-1:" + fakeAccount + ":cluster/prod"
	fakeInterpreter = "arn:aws:bedrock-agentcore:us-east-1:" + fakeAccount + ":code-interpreter/ci_1-AbCdEf1234"
	fakeParameter   = "arn:aws:ssm:us-east-1:" + fakeAccount + ":parameter/app/db-password"
	fakeTable       = "arn:aws:dynamodb:us-east-1:" + fakeAccount + ":table/orders"
	fakeDB          = "arn:aws:rds:us-east-1:" + fakeAccount + ":db:orders-db"
	fakeQueue       = "arn:aws:sqs:us-east-1:" + fakeAccount + ":jobs"
	fakeRepo        = "arn:aws:ecr:us-east-1:" + fakeAccount + ":repository/web"
	fakeBaseRepo    = "arn:aws:ecr:us-east-1:" + fakeAccount + ":repository/base"
	fakeTaskDef     = "arn:aws:ecs:us-east-1:" + fakeAccount + ":task-definition/api:3"
	fakeAccessEntry = "arn:aws:eks:us-east-1:" + fakeAccount + ":access-entry/prod/role/" + fakeAccount + "/fn-role/6ec7a1b2-3c4d-5e6f-7a8b-9c0d1e2f3a4b"
	fakePodIdentity = "arn:aws:eks:us-east-1:" + fakeAccount + ":podidentityassociation/prod/a-0123456789abcdef0"
	fakeSAML        = "arn:aws:iam::" + fakeAccount + ":saml-provider/okta"
	fakeAdminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
	fakeViewPolicy  = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	// fakeQueueURL is on an emulator's host, as moto answers it.
	fakeQueueURL = "http://127.0.0.1:4566/" + fakeAccount + "/jobs"
)

var (
	fakeQueueDoc = `{"Version":"2012-10-17","Statement":[{"Sid":"Sns","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + fakeQueue + `"}]}`
	fakeRepoDoc  = `{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`
	fakeRole     = fakeARN("role", "service/fn-role")
	// fakeSessionDoc restricts the pod identity association's role.
	fakeSessionDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
)

const (
	cfnNS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
	rdsNS = "http://rds.amazonaws.com/doc/2014-10-31/"
)

// usEast1 answers body in us-east-1 and empty elsewhere.
func usEast1(region, body, empty string) string {
	if region == "us-east-1" {
		return body
	}
	return empty
}

func jsonBody(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

const json11, json10 = "application/x-amz-json-1.1", "application/x-amz-json-1.0"

func init() {
	for call, h := range map[string]fakeHandler{
		"cloudformation:DescribeStacks": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeXML(w, queryResponse("DescribeStacks", cfnNS, `<Stacks>`+usEast1(region, `<member><StackId>`+fakeStack+`</StackId>`+
				`<StackName>web-stack</StackName><CreationTime>2024-01-02T03:04:05.678Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>`+
				`<RoleARN>`+fakeRole+`</RoleARN><Capabilities><member>CAPABILITY_IAM</member></Capabilities>`+
				`<Parameters><member><ParameterKey>DbPassword</ParameterKey><ParameterValue>must-never-be-read</ParameterValue></member></Parameters>`+
				`<Outputs><member><OutputKey>Token</OutputKey><OutputValue>must-never-be-read</OutputValue></member></Outputs>`+
				`<Tags><member><Key>app</Key><Value>web</Value></member></Tags></member>`, "")+`</Stacks>`))
		},
		"cloudformation:ListStackSets": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeXML(w, queryResponse("ListStackSets", cfnNS, `<Summaries>`+usEast1(region, `<member><StackSetName>baseline</StackSetName>`+
				`<StackSetId>baseline:6c1d2e3f-aaaa-bbbb-cccc-0123456789ab</StackSetId><Status>ACTIVE</Status>`+
				`<PermissionModel>SELF_MANAGED</PermissionModel></member>`, "")+`</Summaries>`))
		},
		"cloudformation:DescribeStackSet": func(f *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			if p.Get("StackSetName") != "baseline" {
				f.t.Errorf("DescribeStackSet of %q", p.Get("StackSetName"))
			}
			writeXML(w, queryResponse("DescribeStackSet", cfnNS, `<StackSet><StackSetName>baseline</StackSetName>`+
				`<StackSetId>baseline:6c1d2e3f-aaaa-bbbb-cccc-0123456789ab</StackSetId><Status>ACTIVE</Status>`+
				`<TemplateBody>must-never-be-read</TemplateBody><StackSetARN>`+fakeStackSet+`</StackSetARN>`+
				`<AdministrationRoleARN>`+fakeRole+`</AdministrationRoleARN><ExecutionRoleName>AWSCloudFormationStackSetExecutionRole</ExecutionRoleName>`+
				`<PermissionModel>SELF_MANAGED</PermissionModel></StackSet>`))
		},
		"codebuild:ListProjects": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeJSON(w, json11, `{"projects":[`+usEast1(region, `"build-web"`, "")+`]}`)
		},
		"codebuild:BatchGetProjects": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
			writeJSON(w, json11, `{"projects":[{"name":"build-web","arn":"`+fakeProject+`","serviceRole":"`+fakeRole+`",`+
				`"source":{"type":"GITHUB","location":"https://github.com/example/web","buildspec":"must-never-be-read"},`+
				`"environment":{"type":"LINUX_CONTAINER","image":"aws/codebuild/standard:7.0","computeType":"BUILD_GENERAL1_SMALL",`+
				`"environmentVariables":[{"name":"TOKEN","value":"must-never-be-read","type":"PLAINTEXT"}],"privilegedMode":true},`+
				`"timeoutInMinutes":60,"tags":[{"key":"team","value":"web"}],"created":1.7e9}],"projectsNotFound":[]}`)
		},
		"glue:GetDevEndpoints": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeJSON(w, json11, `{"DevEndpoints":[`+usEast1(region, `{"EndpointName":"dev-ep","RoleArn":"`+fakeRole+`",`+
				`"AvailabilityZone":"us-east-1a","Status":"READY","PublicKey":"must-never-be-read","Arguments":{"--x":"must-never-be-read"}}`, "")+`]}`)
		},
		"glue:GetJobs": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeJSON(w, json11, `{"Jobs":[`+usEast1(region, `{"Name":"etl","Role":"`+fakeRole+`","Command":{"Name":"glueetl",`+
				`"ScriptLocation":"s3://scripts/etl.py"},"DefaultArguments":{"--password":"must-never-be-read"},"MaxRetries":1,"GlueVersion":"4.0"}`, "")+`]}`)
		},
		"sagemaker:ListNotebookInstances": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeJSON(w, json11, `{"NotebookInstances":[`+usEast1(region, `{"NotebookInstanceName":"nb-1","NotebookInstanceArn":"`+fakeNotebook+`"}`, "")+`]}`)
		},
		"sagemaker:DescribeNotebookInstance": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
			writeJSON(w, json11, `{"NotebookInstanceArn":"`+fakeNotebook+`","NotebookInstanceName":"nb-1","NotebookInstanceStatus":"InService",`+
				`"RoleArn":"`+fakeRole+`","RootAccess":"Enabled","DirectInternetAccess":"Enabled","VolumeSizeInGB":5,`+
				`"InstanceMetadataServiceConfiguration":{"MinimumInstanceMetadataServiceVersion":"2"}}`)
		},
		"apprunner:ListServices": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeJSON(w, json10, `{"ServiceSummaryList":[`+usEast1(region, `{"ServiceName":"web-svc","ServiceArn":"`+fakeAppRunner+`","Status":"RUNNING"}`, "")+`]}`)
		},
		"apprunner:DescribeService": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
			writeJSON(w, json10, `{"Service":{"ServiceName":"web-svc","ServiceId":"0123456789abcdef","ServiceArn":"`+fakeAppRunner+`",`+
				`"Status":"RUNNING","CreatedAt":1.7e9,"UpdatedAt":1.7e9,"SourceConfiguration":{"ImageRepository":{"ImageIdentifier":"public.ecr.aws/web:1",`+
				`"ImageRepositoryType":"ECR_PUBLIC","ImageConfiguration":{"RuntimeEnvironmentVariables":{"TOKEN":"must-never-be-read"}}},"AutoDeploymentsEnabled":false},`+
				`"InstanceConfiguration":{"Cpu":"1024","Memory":"2048","InstanceRoleArn":"`+fakeRole+`"}}}`)
		},
		"ecs:ListClusters": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeJSON(w, json11, `{"clusterArns":[`+usEast1(region, `"arn:aws:ecs:us-east-1:`+fakeAccount+`:cluster/main"`, "")+`]}`)
		},
		"ecs:ListServices": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
			writeJSON(w, json11, `{"serviceArns":["`+fakeECSService+`"]}`)
		},
		"ecs:DescribeServices": func(f *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			if p.Get("include") != "[TAGS]" {
				f.t.Errorf("DescribeServices include = %q, want [TAGS]", p.Get("include"))
			}
			writeJSON(w, json11, `{"services":[{"serviceArn":"`+fakeECSService+`","serviceName":"api","clusterArn":"arn:aws:ecs:us-east-1:`+fakeAccount+`:cluster/main",`+
				`"status":"ACTIVE","desiredCount":2,"runningCount":2,"launchType":"FARGATE","taskDefinition":"arn:aws:ecs:us-east-1:`+fakeAccount+`:task-definition/api:3",`+
				`"roleArn":"`+fakeRole+`","tags":[{"key":"app","value":"api"}],"events":[{"message":"must-never-be-read"}]}],"failures":[]}`)
		},
		"eks:ListClusters": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeJSON(w, "application/json", `{"clusters":[`+usEast1(region, `"prod"`, "")+`]}`)
		},
		"eks:DescribeCluster": func(f *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
			mode := f.eksAuthMode
			if mode == "" {
				mode = "API_AND_CONFIG_MAP"
			}
			writeJSON(w, "application/json", `{"cluster":{"name":"prod","arn":"`+fakeCluster+`","createdAt":1.7e9,"version":"1.30",`+
				`"roleArn":"`+fakeRole+`","identity":{"oidc":{"issuer":"https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"}},`+
				`"certificateAuthority":{"data":"must-never-be-read"},"status":"ACTIVE","tags":{"env":"prod"},`+
				`"resourcesVpcConfig":{"endpointPublicAccess":true,"endpointPrivateAccess":false},"accessConfig":{"authenticationMode":"`+mode+`"}}}`)
		},
		"bedrock-agentcore:ListCodeInterpreters": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeJSON(w, "application/json", `{"codeInterpreterSummaries":[`+usEast1(region, `{"codeInterpreterId":"ci_1-AbCdEf1234",`+
				`"codeInterpreterArn":"`+fakeInterpreter+`","name":"ci_1","status":"READY","createdAt":"2025-07-01T00:00:00Z"}`, "")+`]}`)
		},
		"bedrock-agentcore:GetCodeInterpreter": func(f *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			if p.Get("codeInterpreterId") != "ci_1-AbCdEf1234" {
				f.t.Errorf("GetCodeInterpreter of %q", p.Get("codeInterpreterId"))
			}
			writeJSON(w, "application/json", `{"codeInterpreterId":"ci_1-AbCdEf1234","codeInterpreterArn":"`+fakeInterpreter+`","name":"ci_1",`+
				`"executionRoleArn":"`+fakeRole+`","networkConfiguration":{"networkMode":"PUBLIC"},"status":"READY",`+
				`"createdAt":"2025-07-01T00:00:00Z","lastUpdatedAt":"2025-07-01T00:00:00Z"}`)
		},
		"ssm:DescribeInstanceInformation": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeJSON(w, json11, `{"InstanceInformationList":[`+usEast1(region, `{"InstanceId":"i-0abc","PingStatus":"Online",`+
				`"ResourceType":"EC2Instance","PlatformType":"Linux","LastPingDateTime":1.7e9}`, "")+`]}`)
		},
		"ssm:DescribeParameters": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeJSON(w, json11, `{"Parameters":[`+usEast1(region, `{"Name":"/app/db-password","ARN":"`+fakeParameter+`","Type":"SecureString",`+
				`"KeyId":"alias/aws/ssm","Version":3,"Tier":"Standard","DataType":"text"}`, "")+`]}`)
		},
		"dynamodb:ListTables": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			body := `{"TableNames":[` + usEast1(region, `"orders"`, "") + `]}`
			// DynamoDB signs its answers with a CRC32 the SDK checks.
			w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(body))), 10))
			writeJSON(w, json10, body)
		},
		"rds:DescribeDBInstances": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeXML(w, queryResponse("DescribeDBInstances", rdsNS, `<DBInstances>`+usEast1(region, `<DBInstance>`+
				`<DBInstanceIdentifier>orders-db</DBInstanceIdentifier><DBInstanceClass>db.t3.micro</DBInstanceClass><Engine>postgres</Engine>`+
				`<MasterUsername>must-never-be-read</MasterUsername><DBInstanceArn>`+fakeDB+`</DBInstanceArn>`+
				`<Endpoint><Address>orders-db.example.us-east-1.rds.amazonaws.com</Address><Port>5432</Port></Endpoint>`+
				`<IAMDatabaseAuthenticationEnabled>true</IAMDatabaseAuthenticationEnabled>`+
				`<AssociatedRoles><DBInstanceRole><RoleArn>`+fakeRole+`</RoleArn><FeatureName>s3Import</FeatureName><Status>ACTIVE</Status></DBInstanceRole></AssociatedRoles>`+
				`<TagList><Tag><Key>team</Key><Value>orders</Value></Tag></TagList></DBInstance>`, "")+`</DBInstances>`))
		},
		"sqs:ListQueues": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			writeJSON(w, json10, `{"QueueUrls":[`+usEast1(region, `"`+fakeQueueURL+`"`, "")+`]}`)
		},
		"sqs:GetQueueAttributes": func(f *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			if p.Get("QueueUrl") != fakeQueueURL {
				f.t.Errorf("GetQueueAttributes of %q, want the URL ListQueues gave", p.Get("QueueUrl"))
			}
			writeJSON(w, json10, jsonBody(map[string]any{"Attributes": map[string]string{"QueueArn": fakeQueue, "Policy": fakeQueueDoc}}))
		},
		"ecr:DescribeRepositories": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
			repo := func(name string) string {
				return `{"repositoryArn":"arn:aws:ecr:us-east-1:` + fakeAccount + `:repository/` + name + `","registryId":"` + fakeAccount + `",` +
					`"repositoryName":"` + name + `","repositoryUri":"` + fakeAccount + `.dkr.ecr.us-east-1.amazonaws.com/` + name + `",` +
					`"createdAt":1.7e9,"imageTagMutability":"MUTABLE","imageScanningConfiguration":{"scanOnPush":true},` +
					`"encryptionConfiguration":{"encryptionType":"AES256"}}`
			}
			writeJSON(w, json11, `{"repositories":[`+usEast1(region, repo("web")+","+repo("base"), "")+`]}`)
		},
		"ecr:GetRepositoryPolicy": func(_ *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			if p.Get("repositoryName") != "web" {
				writeError(w, "ecr", "RepositoryPolicyNotFoundException", http.StatusBadRequest)
				return
			}
			writeJSON(w, json11, jsonBody(map[string]string{"registryId": fakeAccount, "repositoryName": "web", "policyText": fakeRepoDoc}))
		},
	} {
		fakeHandlers[call] = h
	}
}

// The fake's ECS task definition (with its task role), the cluster's
// access entry (fn-role, with an access policy on the cluster and one on
// two namespaces, listed in two pages), its pod identity association and
// the account's SAML provider.
func init() {
	for call, h := range map[string]fakeHandler{
		"ecs:DescribeTaskDefinition": func(f *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			if p.Get("taskDefinition") != fakeTaskDef || p.Get("include") != "[TAGS]" {
				f.t.Errorf("DescribeTaskDefinition of %q include %q, want %s and [TAGS]", p.Get("taskDefinition"), p.Get("include"), fakeTaskDef)
			}
			writeJSON(w, json11, `{"taskDefinition":{"taskDefinitionArn":"`+fakeTaskDef+`","family":"api","revision":3,`+
				`"taskRoleArn":"`+fakeRole+`","executionRoleArn":"arn:aws:iam::`+fakeAccount+`:role/ecsTaskExecutionRole",`+
				`"networkMode":"awsvpc","status":"ACTIVE","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",`+
				`"registeredAt":1.7e9,"registeredBy":"`+fakeARN("user", "auditor")+`",`+
				`"containerDefinitions":[{"name":"api","image":"public.ecr.aws/api:1","environment":[{"name":"TOKEN","value":"must-never-be-read"}],`+
				`"secrets":[{"name":"DB","valueFrom":"arn:aws:secretsmanager:us-east-1:`+fakeAccount+`:secret:must-never-be-read"}]}]},`+
				`"tags":[{"key":"app","value":"api"}]}`)
		},
		"eks:ListAccessEntries": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
			writeJSON(w, "application/json", `{"accessEntries":["`+fakeRole+`"]}`)
		},
		"eks:DescribeAccessEntry": func(f *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			if p.Get("name") != "prod" || p.Get("principalArn") != fakeRole {
				f.t.Errorf("DescribeAccessEntry of %q in %q", p.Get("principalArn"), p.Get("name"))
			}
			writeJSON(w, "application/json", `{"accessEntry":{"clusterName":"prod","principalArn":"`+fakeRole+`",`+
				`"kubernetesGroups":["deployers","auditors"],"accessEntryArn":"`+fakeAccessEntry+`","createdAt":1.7e9,"modifiedAt":1.7e9,`+
				`"tags":{"team":"platform"},"username":"fn-role","type":"STANDARD"}}`)
		},
		"eks:ListAssociatedAccessPolicies": func(_ *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			if p.Get("nextToken") == "" {
				writeJSON(w, "application/json", `{"clusterName":"prod","principalArn":"`+fakeRole+`","nextToken":"page-2",`+
					`"associatedAccessPolicies":[{"policyArn":"`+fakeAdminPolicy+`","accessScope":{"type":"cluster","namespaces":[]},`+
					`"associatedAt":1.7e9,"modifiedAt":1.7e9}]}`)
				return
			}
			writeJSON(w, "application/json", `{"clusterName":"prod","principalArn":"`+fakeRole+`",`+
				`"associatedAccessPolicies":[{"policyArn":"`+fakeViewPolicy+`","accessScope":{"type":"namespace","namespaces":["web","jobs"]},`+
				`"associatedAt":1.7e9,"modifiedAt":1.7e9}]}`)
		},
		"eks:ListPodIdentityAssociations": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
			writeJSON(w, "application/json", `{"associations":[{"clusterName":"prod","namespace":"web","serviceAccount":"api",`+
				`"associationArn":"`+fakePodIdentity+`","associationId":"a-0123456789abcdef0"}]}`)
		},
		"eks:DescribePodIdentityAssociation": func(f *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			if p.Get("associationId") != "a-0123456789abcdef0" {
				f.t.Errorf("DescribePodIdentityAssociation of %q", p.Get("associationId"))
			}
			writeJSON(w, "application/json", `{"association":{"clusterName":"prod","namespace":"web","serviceAccount":"api",`+
				`"roleArn":"`+fakeRole+`","associationArn":"`+fakePodIdentity+`","associationId":"a-0123456789abcdef0",`+
				`"tags":{"app":"api"},"createdAt":1.7e9,"modifiedAt":1.7e9,"disableSessionTags":false,`+
				`"externalId":"must-never-be-read","policy":`+jsonBody(fakeSessionDoc)+`}}`)
		},
		"iam:ListSAMLProviders": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
			writeXML(w, queryResponse("ListSAMLProviders", iamNS, `<SAMLProviderList><member><Arn>`+fakeSAML+`</Arn>`+
				`<ValidUntil>2099-01-01T00:00:00Z</ValidUntil><CreateDate>2023-01-01T00:00:00Z</CreateDate></member></SAMLProviderList>`))
		},
	} {
		fakeHandlers[call] = h
	}
}

// fakeServiceResources are the resources the fake answers above define.
var fakeServiceResources = []string{
	fakeStack, fakeStackSet, fakeProject, fakeDevEndpoint, fakeGlueJob, fakeNotebook, fakeAppRunner, fakeECSService,
	fakeCluster, fakeInterpreter, fakeParameter, fakeTable, fakeDB, fakeQueue, fakeRepo, fakeBaseRepo,
	fakeTaskDef, fakeAccessEntry, fakePodIdentity,
}

// checkFakeServices checks what a live collection of the fake account
// found in the services above: the roles each resource carries, the
// queue and repository policies, and the properties the outputs give.
func checkFakeServices(t *testing.T, frag graphmodel.Fragment) {
	t.Helper()
	nodes, edges := nodeIndex(frag), edgeSet(frag)
	for _, id := range []string{fakeStack, fakeStackSet, fakeProject, fakeDevEndpoint, fakeGlueJob, fakeNotebook,
		fakeAppRunner, fakeECSService, fakeCluster, fakeInterpreter, fakeTaskDef, fakePodIdentity} {
		if !edges[id+" carries_role "+fakeRole] {
			t.Errorf("no edge %s carries_role %s", id, fakeRole)
		}
	}
	for id, want := range map[string]string{fakeQueue: fakeQueueDoc, fakeRepo: fakeRepoDoc} {
		if got := string(nodes[id].Documents["policy"]); got != want {
			t.Errorf("%s policy = %s, want %s", id, got, want)
		}
	}
	if got := string(nodes[fakePodIdentity].Documents["session_policy"]); got != fakeSessionDoc {
		t.Errorf("pod identity association session policy = %s, want %s", got, fakeSessionDoc)
	}
	if _, ok := nodes[fakeBaseRepo].Documents["policy"]; ok {
		t.Errorf("repository base has no policy (RepositoryPolicyNotFoundException) but got one")
	}
	for _, p := range []struct{ id, key, want string }{
		{fakeCluster, "oidc_issuer", "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"},
		{fakeInst, "ssm_managed", "true"},
		{fakeParameter, "parameter_type", "SecureString"},
		{fakeStackSet, "execution_role_name", "AWSCloudFormationStackSetExecutionRole"},
		{fakeQueue, "region", "us-east-1"},
		{fakeTable, "region", "us-east-1"},
		{fakeECSService, "task_definition", fakeTaskDef},
		{fakeTaskDef, "execution_role", "arn:aws:iam::" + fakeAccount + ":role/ecsTaskExecutionRole"},
		{fakeAccessEntry, "principal_arn", fakeRole},
		{fakeAccessEntry, "cluster", "prod"},
		{fakeAccessEntry, "kubernetes_groups", "auditors,deployers"},
		{fakeAccessEntry, "kubernetes_username", "fn-role"},
		{fakeAccessEntry, "access_policies", fakeAdminPolicy + "@cluster " + fakeViewPolicy + "@namespace:jobs,web"},
		{fakePodIdentity, "k8s_service_account", "k8s:prod:serviceaccount:web:api"},
		{fakePodIdentity, "role_arn", fakeRole},
		{fakeSAML, "valid_until", "2099-01-01T00:00:00+00:00"},
		{fakeSAML, "federation", "saml"},
	} {
		if got := nodes[p.id].Properties[p.key]; got != p.want {
			t.Errorf("%s %s = %q, want %q", p.id, p.key, got, p.want)
		}
	}
	for id, tag := range map[string][2]string{fakeStack: {"app", "web"}, fakeProject: {"team", "web"}, fakeECSService: {"app", "api"},
		fakeCluster: {"env", "prod"}, fakeDB: {"team", "orders"}, fakeTaskDef: {"app", "api"}, fakeAccessEntry: {"team", "platform"},
		fakePodIdentity: {"app", "api"}} {
		if got := nodes[id].Tags[tag[0]]; got != tag[1] {
			t.Errorf("%s tag %s = %q, want %q", id, tag[0], got, tag[1])
		}
	}
}

// The fake organization: the fake account manages it, with a member
// account in an OU, an AWS-managed SCP on the root and an RCP on the OU.
const (
	fakeMember  = "444455556666"
	fakeOrgID   = "o-fake123456"
	fakeRootID  = "r-ab12"
	fakeOUID    = "ou-ab12-prod1234"
	fakeRCPID   = "p-rcp0deny1"
	fakeOrgARN  = "arn:aws:organizations::" + fakeAccount + ":"
	fakeRCPText = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"` + fakeOrgID + `"}}}]}`
)

var fakeSCPText = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

func fakeOrgAccount(id, parent string) string {
	return `{"Id":"` + id + `","Arn":"` + fakeOrgARN + `account/` + fakeOrgID + `/` + id + `","Name":"acct-` + id + `",` +
		`"Email":"must-never-be-read@example.com","Status":"ACTIVE","State":"ACTIVE","JoinedMethod":"CREATED","JoinedTimestamp":1.6e9}`
}

func fakeOrgPolicy(id, name, typ string, managed bool) string {
	arn := fakeOrgARN + "policy/" + fakeOrgID + "/" + strings.ToLower(typ) + "/" + id
	if managed {
		arn = "arn:aws:organizations::aws:policy/" + strings.ToLower(typ) + "/" + id
	}
	return `{"Id":"` + id + `","Arn":"` + arn + `","Name":"` + name + `","Type":"` + typ + `","AwsManaged":` + strconv.FormatBool(managed) + `}`
}

func init() {
	for call, h := range map[string]fakeHandler{
		"organizations:DescribeOrganization": func(f *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
			if !f.org {
				writeError(w, "organizations", "AWSOrganizationsNotInUseException", http.StatusBadRequest)
				return
			}
			writeJSON(w, json11, `{"Organization":{"Id":"`+fakeOrgID+`","Arn":"`+fakeOrgARN+`organization/`+fakeOrgID+`","FeatureSet":"ALL",`+
				`"MasterAccountArn":"`+fakeOrgARN+`account/`+fakeOrgID+`/`+fakeAccount+`","MasterAccountId":"`+fakeAccount+`",`+
				`"MasterAccountEmail":"must-never-be-read@example.com"}}`)
		},
		"organizations:ListRoots": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
			writeJSON(w, json11, `{"Roots":[{"Id":"`+fakeRootID+`","Arn":"`+fakeOrgARN+`root/`+fakeOrgID+`/`+fakeRootID+`","Name":"Root",`+
				`"PolicyTypes":[{"Type":"SERVICE_CONTROL_POLICY","Status":"ENABLED"},{"Type":"RESOURCE_CONTROL_POLICY","Status":"ENABLED"}]}]}`)
		},
		"organizations:ListOrganizationalUnitsForParent": func(_ *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			units := ""
			if p.Get("ParentId") == fakeRootID {
				units = `{"Id":"` + fakeOUID + `","Arn":"` + fakeOrgARN + `ou/` + fakeOrgID + `/` + fakeOUID + `","Name":"prod"}`
			}
			writeJSON(w, json11, `{"OrganizationalUnits":[`+units+`]}`)
		},
		"organizations:ListAccountsForParent": func(_ *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			acct := fakeOrgAccount(fakeAccount, fakeRootID)
			if p.Get("ParentId") == fakeOUID {
				acct = fakeOrgAccount(fakeMember, fakeOUID)
			}
			writeJSON(w, json11, `{"Accounts":[`+acct+`]}`)
		},
		"organizations:ListAccounts": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
			writeJSON(w, json11, `{"Accounts":[`+fakeOrgAccount(fakeAccount, fakeRootID)+`,`+fakeOrgAccount(fakeMember, fakeOUID)+`]}`)
		},
		"organizations:ListPolicies": func(_ *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			policy := fakeOrgPolicy("p-FullAWSAccess", "FullAWSAccess", "SERVICE_CONTROL_POLICY", true)
			if p.Get("Filter") == "RESOURCE_CONTROL_POLICY" {
				policy = fakeOrgPolicy(fakeRCPID, "deny-outside-org", "RESOURCE_CONTROL_POLICY", false)
			}
			writeJSON(w, json11, `{"Policies":[`+policy+`]}`)
		},
		"organizations:DescribePolicy": func(_ *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			summary, text := fakeOrgPolicy("p-FullAWSAccess", "FullAWSAccess", "SERVICE_CONTROL_POLICY", true), fakeSCPText
			if p.Get("PolicyId") == fakeRCPID {
				summary, text = fakeOrgPolicy(fakeRCPID, "deny-outside-org", "RESOURCE_CONTROL_POLICY", false), fakeRCPText
			}
			writeJSON(w, json11, `{"Policy":{"PolicySummary":`+summary+`,"Content":`+jsonBody(text)+`}}`)
		},
		"organizations:ListTargetsForPolicy": func(_ *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			target := `{"TargetId":"` + fakeRootID + `","Arn":"` + fakeOrgARN + `root/` + fakeOrgID + `/` + fakeRootID + `","Name":"Root","Type":"ROOT"}`
			if p.Get("PolicyId") == fakeRCPID {
				target = `{"TargetId":"` + fakeOUID + `","Arn":"` + fakeOrgARN + `ou/` + fakeOrgID + `/` + fakeOUID + `","Name":"prod","Type":"ORGANIZATIONAL_UNIT"}`
			}
			writeJSON(w, json11, `{"Targets":[`+target+`]}`)
		},
		"sts:AssumeRole": func(f *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
			if want := "arn:aws:iam::" + fakeMember + ":role/" + DefaultAssumeRole; p.Get("RoleArn") != want {
				f.t.Errorf("AssumeRole of %q, want %q", p.Get("RoleArn"), want)
			}
			writeXML(w, queryResponse("AssumeRole", "https://sts.amazonaws.com/doc/2011-06-15/",
				`<Credentials><AccessKeyId>ASIAMEMBER</AccessKeyId><SecretAccessKey>member-secret</SecretAccessKey>`+
					`<SessionToken>member-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>`+
					`<AssumedRoleUser><AssumedRoleId>AROAMEMBER:blastradius</AssumedRoleId><Arn>arn:aws:sts::`+fakeMember+`:assumed-role/`+DefaultAssumeRole+`/blastradius</Arn></AssumedRoleUser>`))
		},
	} {
		fakeHandlers[call] = h
	}
}
