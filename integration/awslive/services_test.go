package awslive

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/blastradius/blastradius/graphmodel"
)

// motoLacks are the calls of a full collection that moto 5.2 does not
// implement: it answers 500 with an HTML page (SSM's instance inventory,
// App Runner, Bedrock AgentCore) or 404 (EKS access entries and pod
// identity associations, asked for each cluster: item names it). They
// become gaps. The collector's httptest fake
// (collectors/aws/live_fake_services_test.go) answers them in the real
// response shapes and is their test.
var motoLacks = []struct{ call, item string }{
	{"ssm:DescribeInstanceInformation", ""}, {"apprunner:ListServices", ""}, {"bedrock-agentcore:ListCodeInterpreters", ""},
	{"eks:ListAccessEntries", "cluster prod"}, {"eks:ListPodIdentityAssociations", "cluster prod"},
}

// withoutMotoLacks returns the gaps but those of the calls moto lacks.
func withoutMotoLacks(gaps []graphmodel.Gap) []graphmodel.Gap {
	var out []graphmodel.Gap
	for _, g := range gaps {
		if !slices.ContainsFunc(motoLacks, func(m struct{ call, item string }) bool { return m.call == g.What }) {
			out = append(out, g)
		}
	}
	return out
}

// parameterValue must never reach a snapshot or a saved file.
const parameterValue = "p4ram-value-never-collected"

var (
	serviceTrust = doc(`{"Effect":"Allow","Principal":{"Service":["cloudformation.amazonaws.com","codebuild.amazonaws.com",` +
		`"glue.amazonaws.com","sagemaker.amazonaws.com","ecs.amazonaws.com","ecs-tasks.amazonaws.com","eks.amazonaws.com"]},"Action":"sts:AssumeRole"}`)
	queuePolicy = func(queueARN string) string {
		return doc(`{"Sid":"Topic","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + queueARN + `"}`)
	}
	repoPolicy    = doc(`{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}`)
	stackTemplate = `{"AWSTemplateFormatVersion":"2010-09-09","Parameters":{"Token":{"Type":"String","NoEcho":true}},` +
		`"Resources":{"Handle":{"Type":"AWS::CloudFormation::WaitConditionHandle"}}}`
)

// samlMetadata is the SAML provider's metadata document; the collector
// never reads it (iam:GetSAMLProvider is not called), so its marker must
// reach no snapshot and no saved file.
const samlMetadata = `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ` +
	`entityID="https://idp.example.com/saml-metadata-never-collected"></md:EntityDescriptor>`

// services is what createServices made and the collection must find.
type services struct {
	// carriers are the resources that carry svc-role.
	carriers []string
	// serviceARN is the ECS service, taskDefARN the task definition it
	// runs (task role svc-role), samlARN the SAML provider.
	serviceARN, taskDefARN, samlARN string
	// queueARN, repoARN hold resource policies.
	queueARN, repoARN                                 string
	clusterARN, issuer, parameterARN, tableARN, dbARN string
}

// createServices creates, through the SDK, one of each resource the
// collector reads beyond IAM, Lambda, EC2, S3, KMS, Secrets Manager and
// SNS that moto supports, each with svc-role where it carries a role.
func createServices(ctx context.Context, t *testing.T, cfg aws.Config) services {
	t.Helper()
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	role := arn("role", "svc-role")
	_, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("svc-role"), AssumeRolePolicyDocument: aws.String(serviceTrust)})
	must(t, "create role svc-role", err)
	var s services

	cf := cloudformation.NewFromConfig(cfg)
	stack, err := cf.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName: aws.String("web-stack"), TemplateBody: aws.String(stackTemplate), RoleARN: aws.String(role),
		Parameters: []cftypes.Parameter{{ParameterKey: aws.String("Token"), ParameterValue: aws.String(parameterValue)}},
	})
	must(t, "create stack", err)
	s.carriers = append(s.carriers, aws.ToString(stack.StackId))
	set, err := cf.CreateStackSet(ctx, &cloudformation.CreateStackSetInput{
		StackSetName: aws.String("baseline"), TemplateBody: aws.String(stackTemplate), AdministrationRoleARN: aws.String(role),
		Parameters: []cftypes.Parameter{{ParameterKey: aws.String("Token"), ParameterValue: aws.String(parameterValue)}},
	})
	must(t, "create stack set", err)
	d, err := cf.DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: set.StackSetId})
	must(t, "describe stack set", err)
	s.carriers = append(s.carriers, aws.ToString(d.StackSet.StackSetARN))

	project, err := codebuild.NewFromConfig(cfg).CreateProject(ctx, &codebuild.CreateProjectInput{
		Name: aws.String("build-web"), ServiceRole: aws.String(role),
		Source:    &cbtypes.ProjectSource{Type: cbtypes.SourceTypeGithub, Location: aws.String("https://github.com/example/web"), Buildspec: aws.String("version: 0.2")},
		Artifacts: &cbtypes.ProjectArtifacts{Type: cbtypes.ArtifactsTypeNoArtifacts},
		Environment: &cbtypes.ProjectEnvironment{
			Type: cbtypes.EnvironmentTypeLinuxContainer, Image: aws.String("aws/codebuild/standard:7.0"), ComputeType: cbtypes.ComputeTypeBuildGeneral1Small,
			EnvironmentVariables: []cbtypes.EnvironmentVariable{{Name: aws.String("TOKEN"), Value: aws.String(parameterValue)}},
		},
	})
	must(t, "create project", err)
	s.carriers = append(s.carriers, aws.ToString(project.Project.Arn))

	gc := glue.NewFromConfig(cfg)
	_, err = gc.CreateJob(ctx, &glue.CreateJobInput{
		Name: aws.String("etl"), Role: aws.String(role),
		Command:          &gluetypes.JobCommand{Name: aws.String("glueetl"), ScriptLocation: aws.String("s3://scripts/etl.py")},
		DefaultArguments: map[string]string{"--token": parameterValue},
	})
	must(t, "create glue job", err)
	s.carriers = append(s.carriers, "arn:aws:glue:"+region+":"+account+":job/etl")

	nb, err := sagemaker.NewFromConfig(cfg).CreateNotebookInstance(ctx, &sagemaker.CreateNotebookInstanceInput{
		NotebookInstanceName: aws.String("nb-1"), InstanceType: smtypes.InstanceTypeMlT3Medium, RoleArn: aws.String(role),
	})
	must(t, "create notebook instance", err)
	s.carriers = append(s.carriers, aws.ToString(nb.NotebookInstanceArn))

	ec := ecs.NewFromConfig(cfg)
	_, err = ec.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("main")})
	must(t, "create ecs cluster", err)
	td, err := ec.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("api"), TaskRoleArn: aws.String(role), ExecutionRoleArn: aws.String(arn("role", "ecsTaskExecutionRole")),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name: aws.String("api"), Image: aws.String("public.ecr.aws/api:1"), Memory: aws.Int32(512),
			Environment: []ecstypes.KeyValuePair{{Name: aws.String("TOKEN"), Value: aws.String(parameterValue)}},
		}},
		Tags: []ecstypes.Tag{{Key: aws.String("app"), Value: aws.String("api")}},
	})
	must(t, "register task definition", err)
	s.taskDefARN = aws.ToString(td.TaskDefinition.TaskDefinitionArn)
	s.carriers = append(s.carriers, s.taskDefARN)
	svc, err := ec.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster: aws.String("main"), ServiceName: aws.String("api"), TaskDefinition: td.TaskDefinition.TaskDefinitionArn,
		DesiredCount: aws.Int32(1), Role: aws.String(role), Tags: []ecstypes.Tag{{Key: aws.String("app"), Value: aws.String("api")}},
	})
	must(t, "create ecs service", err)
	s.serviceARN = aws.ToString(svc.Service.ServiceArn)
	s.carriers = append(s.carriers, s.serviceARN)

	saml, err := iam.NewFromConfig(cfg).CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{
		Name: aws.String("corp-idp"), SAMLMetadataDocument: aws.String(samlMetadata),
	})
	must(t, "create saml provider", err)
	s.samlARN = aws.ToString(saml.SAMLProviderArn)

	cl, err := eks.NewFromConfig(cfg).CreateCluster(ctx, &eks.CreateClusterInput{
		Name: aws.String("prod"), RoleArn: aws.String(role),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1", "subnet-2"}},
	})
	must(t, "create eks cluster", err)
	s.clusterARN = aws.ToString(cl.Cluster.Arn)
	if cl.Cluster.Identity != nil && cl.Cluster.Identity.Oidc != nil {
		s.issuer = aws.ToString(cl.Cluster.Identity.Oidc.Issuer)
	}
	s.carriers = append(s.carriers, s.clusterARN)

	_, err = ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String("/app/token"), Value: aws.String(parameterValue), Type: ssmtypes.ParameterTypeSecureString,
	})
	must(t, "put parameter", err)
	s.parameterARN = "arn:aws:ssm:" + region + ":" + account + ":parameter/app/token"

	_, err = dynamodb.NewFromConfig(cfg).CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("orders"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	must(t, "create table", err)
	s.tableARN = "arn:aws:dynamodb:" + region + ":" + account + ":table/orders"

	db, err := rds.NewFromConfig(cfg).CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("orders-db"), DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("postgres"),
		MasterUsername: aws.String("orders"), MasterUserPassword: aws.String(parameterValue), AllocatedStorage: aws.Int32(20),
	})
	must(t, "create db instance", err)
	s.dbARN = aws.ToString(db.DBInstance.DBInstanceArn)

	qc := sqs.NewFromConfig(cfg)
	q, err := qc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs")})
	must(t, "create queue", err)
	s.queueARN = "arn:aws:sqs:" + region + ":" + account + ":jobs"
	_, err = qc.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{"Policy": queuePolicy(s.queueARN)}})
	must(t, "set queue policy", err)
	if strings.Contains(aws.ToString(q.QueueUrl), "amazonaws.com") {
		t.Logf("moto answers AWS queue URLs (%s): the emulator-host case is tested by the collector's fake", aws.ToString(q.QueueUrl))
	}

	rc := ecr.NewFromConfig(cfg)
	repo, err := rc.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("web")})
	must(t, "create repository", err)
	s.repoARN = aws.ToString(repo.Repository.RepositoryArn)
	_, err = rc.SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String("web"), PolicyText: aws.String(repoPolicy)})
	must(t, "set repository policy", err)
	_, err = rc.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("base")})
	must(t, "create repository", err)
	return s
}

// checkServices checks the live snapshot against what createServices made.
func checkServices(t *testing.T, snap *graphmodel.Snapshot, s services) {
	t.Helper()
	nodes := map[string]graphmodel.Node{}
	for _, n := range snap.Nodes {
		nodes[n.ID] = n
	}
	edges := map[string]bool{}
	for _, e := range snap.Edges {
		edges[e.From+" "+string(e.Kind)+" "+e.To] = true
	}
	role := arn("role", "svc-role")
	for _, id := range s.carriers {
		if _, ok := nodes[id]; !ok {
			t.Errorf("no node %s", id)
		}
		if !edges[id+" carries_role "+role] {
			t.Errorf("no edge %s carries_role %s", id, role)
		}
	}
	for _, id := range []string{s.parameterARN, s.tableARN, s.dbARN, s.queueARN, s.repoARN,
		"arn:aws:ecr:" + region + ":" + account + ":repository/base"} {
		if _, ok := nodes[id]; !ok {
			t.Errorf("no node %s", id)
		}
	}
	sameJSON(t, "queue policy", nodes[s.queueARN].Documents["policy"], queuePolicy(s.queueARN))
	sameJSON(t, "repository policy", nodes[s.repoARN].Documents["policy"], repoPolicy)
	if got := nodes[s.parameterARN].Properties["parameter_type"]; got != "SecureString" {
		t.Errorf("parameter_type = %q", got)
	}
	if got := nodes[s.serviceARN].Properties["task_definition"]; got != s.taskDefARN {
		t.Errorf("ecs service task_definition = %q, want %q", got, s.taskDefARN)
	}
	if got := nodes[s.taskDefARN].Properties["execution_role"]; got != arn("role", "ecsTaskExecutionRole") {
		t.Errorf("task definition execution_role = %q", got)
	}
	if got := nodes[s.taskDefARN].Tags["app"]; got != "api" {
		t.Errorf("task definition tag app = %q", got)
	}
	saml, ok := nodes[s.samlARN]
	if !ok || saml.Kind != graphmodel.KindAWSFederatedPrincipal || saml.Properties["federation"] != "saml" ||
		saml.Properties["create_date"] == "" || saml.Properties["valid_until"] == "" {
		t.Errorf("saml provider %s: %+v", s.samlARN, saml)
	}
	if s.issuer != "" {
		if got := nodes[s.clusterARN].Properties["oidc_issuer"]; got != s.issuer {
			t.Errorf("oidc_issuer = %q, want %q", got, s.issuer)
		}
	}
}

// sameJSON checks that a stored document is the JSON text want.
func sameJSON(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("%s: %v in %s", what, err, got)
		return
	}
	must(t, "test document", json.Unmarshal([]byte(want), &w))
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}
