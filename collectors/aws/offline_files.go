package aws

import "sort"

// Resources holds the raw outputs of the calls beside the authorization
// details: resources, the credential report and Organizations. Each field
// holds the outputs of one call, in the shapes the AWS CLI prints (see the
// types' comments); ConvertAccount turns them into nodes, edges and gaps.
type Resources struct {
	LambdaFunctions []Output[LambdaListFunctionsOutput]
	LambdaPolicies  []Output[LambdaFunctionPolicy]

	EC2Instances              []Output[EC2DescribeInstancesOutput]
	EC2LaunchTemplates        []Output[EC2DescribeLaunchTemplatesOutput]
	EC2LaunchTemplateVersions []Output[EC2DescribeLaunchTemplateVersionsOutput]
	SSMInstances              []Output[SSMDescribeInstanceInformationOutput]

	CloudFormationStacks    []Output[CloudFormationDescribeStacksOutput]
	CloudFormationStackSets []Output[CloudFormationListStackSetsOutput]
	// CloudFormationStackSetDetails are describe-stack-set outputs, one per stack set.
	CloudFormationStackSetDetails []Output[CloudFormationDescribeStackSetOutput]

	CodeBuildProjects  []Output[CodeBuildBatchGetProjectsOutput]
	GlueDevEndpoints   []Output[GlueGetDevEndpointsOutput]
	GlueJobs           []Output[GlueGetJobsOutput]
	SageMakerNotebooks []Output[SageMakerDescribeNotebookInstanceOutput]
	AppRunnerServices  []Output[AppRunnerDescribeServiceOutput]
	ECSServices        []Output[ECSDescribeServicesOutput]
	ECSTaskDefinitions []Output[ECSDescribeTaskDefinitionOutput]
	EKSClusters        []Output[EKSDescribeClusterOutput]
	EKSAccessEntries   []Output[EKSDescribeAccessEntryOutput]
	// EKSAccessPolicies are list-associated-access-policies outputs, one per access entry.
	EKSAccessPolicies []Output[EKSListAssociatedAccessPoliciesOutput]
	EKSPodIdentities  []Output[EKSDescribePodIdentityAssociationOutput]
	CodeInterpreters  []Output[BedrockAgentCoreGetCodeInterpreterOutput]

	OIDCProviders     []Output[IAMListOpenIDConnectProvidersOutput]
	SAMLProviders     []Output[IAMListSAMLProvidersOutput]
	CredentialReports []Output[IAMGetCredentialReportOutput]

	S3Buckets        []Output[S3ListBucketsOutput]
	S3BucketPolicies []Output[S3BucketPolicy]
	KMSKeys          []Output[KMSListKeysOutput]
	KMSKeyPolicies   []Output[KMSKeyPolicy]
	// KMSKeyDescriptions are describe-key outputs, for key_manager.
	KMSKeyDescriptions []Output[KMSDescribeKeyOutput]
	Secrets            []Output[SecretsManagerListSecretsOutput]
	SecretPolicies     []Output[SecretsManagerGetResourcePolicyOutput]
	SSMParameters      []Output[SSMDescribeParametersOutput]
	DynamoDBTables     []Output[DynamoDBListTablesOutput]
	RDSInstances       []Output[RDSDescribeDBInstancesOutput]
	SQSQueues          []Output[SQSListQueuesOutput]
	SQSQueueAttributes []Output[SQSQueueAttributes]
	SNSTopics          []Output[SNSListTopicsOutput]
	SNSTopicAttributes []Output[SNSTopicAttributes]
	ECRRepositories    []Output[ECRDescribeRepositoriesOutput]
	ECRPolicies        []Output[ECRGetRepositoryPolicyOutput]

	// CollectionGaps are the calls that failed during the live collection
	// that saved the directory (gaps.json).
	CollectionGaps []Output[CollectionGap]

	Organization   []Output[OrganizationsDescribeOrganizationOutput]
	OrgRoots       []Output[OrganizationsListRootsOutput]
	OrgUnits       []Output[OrganizationsUnitsForParent]
	OrgAccounts    []Output[OrganizationsAccountsForParent]
	OrgPolicies    []Output[OrganizationsPoliciesForFilter]
	OrgPolicyTexts []Output[OrganizationsDescribePolicyOutput]
	OrgTargets     []Output[OrganizationsTargetsForPolicy]
}

// offlineFile is one file the offline reader knows besides gaad.json: its
// name, the AWS CLI command whose output it holds, and its reader.
type offlineFile struct {
	name    string
	command string
	read    func(r *Resources, file, command string, data []byte) error
}

// into returns a reader that decodes a file into the outputs field selects.
func into[T any](field func(*Resources) *[]Output[T]) func(*Resources, string, string, []byte) error {
	return func(r *Resources, file, command string, data []byte) error {
		outs, err := DecodeOutputs[T](file, command, data)
		if err != nil {
			return err
		}
		dst := field(r)
		*dst = append(*dst, outs...)
		return nil
	}
}

// offlineFiles is THE list of files the offline reader reads besides
// gaad.json. The package doc and the README list the same files.
var offlineFiles = []offlineFile{
	{GapsFile, "blastradius collect aws --save-dir",
		into(func(r *Resources) *[]Output[CollectionGap] { return &r.CollectionGaps })},
	{"lambda-list-functions.json", "aws lambda list-functions",
		into(func(r *Resources) *[]Output[LambdaListFunctionsOutput] { return &r.LambdaFunctions })},
	{"lambda-get-policy.json", "aws lambda get-policy",
		into(func(r *Resources) *[]Output[LambdaFunctionPolicy] { return &r.LambdaPolicies })},
	{"ec2-describe-instances.json", "aws ec2 describe-instances",
		into(func(r *Resources) *[]Output[EC2DescribeInstancesOutput] { return &r.EC2Instances })},
	{"ec2-describe-launch-templates.json", "aws ec2 describe-launch-templates",
		into(func(r *Resources) *[]Output[EC2DescribeLaunchTemplatesOutput] { return &r.EC2LaunchTemplates })},
	{"ec2-describe-launch-template-versions.json", "aws ec2 describe-launch-template-versions",
		into(func(r *Resources) *[]Output[EC2DescribeLaunchTemplateVersionsOutput] {
			return &r.EC2LaunchTemplateVersions
		})},
	{"cloudformation-describe-stacks.json", "aws cloudformation describe-stacks",
		into(func(r *Resources) *[]Output[CloudFormationDescribeStacksOutput] { return &r.CloudFormationStacks })},
	{"cloudformation-list-stack-sets.json", "aws cloudformation list-stack-sets",
		into(func(r *Resources) *[]Output[CloudFormationListStackSetsOutput] { return &r.CloudFormationStackSets })},
	{"cloudformation-describe-stack-set.json", "aws cloudformation describe-stack-set",
		into(func(r *Resources) *[]Output[CloudFormationDescribeStackSetOutput] {
			return &r.CloudFormationStackSetDetails
		})},
	{"codebuild-batch-get-projects.json", "aws codebuild batch-get-projects",
		into(func(r *Resources) *[]Output[CodeBuildBatchGetProjectsOutput] { return &r.CodeBuildProjects })},
	{"glue-get-dev-endpoints.json", "aws glue get-dev-endpoints",
		into(func(r *Resources) *[]Output[GlueGetDevEndpointsOutput] { return &r.GlueDevEndpoints })},
	{"glue-get-jobs.json", "aws glue get-jobs",
		into(func(r *Resources) *[]Output[GlueGetJobsOutput] { return &r.GlueJobs })},
	{"sagemaker-describe-notebook-instance.json", "aws sagemaker describe-notebook-instance",
		into(func(r *Resources) *[]Output[SageMakerDescribeNotebookInstanceOutput] { return &r.SageMakerNotebooks })},
	{"ssm-describe-instance-information.json", "aws ssm describe-instance-information",
		into(func(r *Resources) *[]Output[SSMDescribeInstanceInformationOutput] { return &r.SSMInstances })},
	{"apprunner-describe-service.json", "aws apprunner describe-service",
		into(func(r *Resources) *[]Output[AppRunnerDescribeServiceOutput] { return &r.AppRunnerServices })},
	{"ecs-describe-services.json", "aws ecs describe-services",
		into(func(r *Resources) *[]Output[ECSDescribeServicesOutput] { return &r.ECSServices })},
	{"ecs-describe-task-definition.json", "aws ecs describe-task-definition",
		into(func(r *Resources) *[]Output[ECSDescribeTaskDefinitionOutput] { return &r.ECSTaskDefinitions })},
	{"eks-describe-cluster.json", "aws eks describe-cluster",
		into(func(r *Resources) *[]Output[EKSDescribeClusterOutput] { return &r.EKSClusters })},
	{"eks-describe-access-entry.json", "aws eks describe-access-entry",
		into(func(r *Resources) *[]Output[EKSDescribeAccessEntryOutput] { return &r.EKSAccessEntries })},
	{"eks-list-associated-access-policies.json", "aws eks list-associated-access-policies",
		into(func(r *Resources) *[]Output[EKSListAssociatedAccessPoliciesOutput] { return &r.EKSAccessPolicies })},
	{"eks-describe-pod-identity-association.json", "aws eks describe-pod-identity-association",
		into(func(r *Resources) *[]Output[EKSDescribePodIdentityAssociationOutput] { return &r.EKSPodIdentities })},
	{"bedrock-agentcore-control-get-code-interpreter.json", "aws bedrock-agentcore-control get-code-interpreter",
		into(func(r *Resources) *[]Output[BedrockAgentCoreGetCodeInterpreterOutput] { return &r.CodeInterpreters })},
	{"iam-list-open-id-connect-providers.json", "aws iam list-open-id-connect-providers",
		into(func(r *Resources) *[]Output[IAMListOpenIDConnectProvidersOutput] { return &r.OIDCProviders })},
	{"iam-list-saml-providers.json", "aws iam list-saml-providers",
		into(func(r *Resources) *[]Output[IAMListSAMLProvidersOutput] { return &r.SAMLProviders })},
	{"iam-get-credential-report.json", "aws iam get-credential-report",
		into(func(r *Resources) *[]Output[IAMGetCredentialReportOutput] { return &r.CredentialReports })},
	{"s3api-list-buckets.json", "aws s3api list-buckets",
		into(func(r *Resources) *[]Output[S3ListBucketsOutput] { return &r.S3Buckets })},
	{"s3api-get-bucket-policy.json", "aws s3api get-bucket-policy",
		into(func(r *Resources) *[]Output[S3BucketPolicy] { return &r.S3BucketPolicies })},
	{"kms-list-keys.json", "aws kms list-keys",
		into(func(r *Resources) *[]Output[KMSListKeysOutput] { return &r.KMSKeys })},
	{"kms-describe-key.json", "aws kms describe-key",
		into(func(r *Resources) *[]Output[KMSDescribeKeyOutput] { return &r.KMSKeyDescriptions })},
	{"kms-get-key-policy.json", "aws kms get-key-policy",
		into(func(r *Resources) *[]Output[KMSKeyPolicy] { return &r.KMSKeyPolicies })},
	{"secretsmanager-list-secrets.json", "aws secretsmanager list-secrets",
		into(func(r *Resources) *[]Output[SecretsManagerListSecretsOutput] { return &r.Secrets })},
	{"secretsmanager-get-resource-policy.json", "aws secretsmanager get-resource-policy",
		into(func(r *Resources) *[]Output[SecretsManagerGetResourcePolicyOutput] { return &r.SecretPolicies })},
	{"ssm-describe-parameters.json", "aws ssm describe-parameters",
		into(func(r *Resources) *[]Output[SSMDescribeParametersOutput] { return &r.SSMParameters })},
	{"dynamodb-list-tables.json", "aws dynamodb list-tables",
		into(func(r *Resources) *[]Output[DynamoDBListTablesOutput] { return &r.DynamoDBTables })},
	{"rds-describe-db-instances.json", "aws rds describe-db-instances",
		into(func(r *Resources) *[]Output[RDSDescribeDBInstancesOutput] { return &r.RDSInstances })},
	{"sqs-list-queues.json", "aws sqs list-queues",
		into(func(r *Resources) *[]Output[SQSListQueuesOutput] { return &r.SQSQueues })},
	{"sqs-get-queue-attributes.json", "aws sqs get-queue-attributes",
		into(func(r *Resources) *[]Output[SQSQueueAttributes] { return &r.SQSQueueAttributes })},
	{"sns-list-topics.json", "aws sns list-topics",
		into(func(r *Resources) *[]Output[SNSListTopicsOutput] { return &r.SNSTopics })},
	{"sns-get-topic-attributes.json", "aws sns get-topic-attributes",
		into(func(r *Resources) *[]Output[SNSTopicAttributes] { return &r.SNSTopicAttributes })},
	{"ecr-describe-repositories.json", "aws ecr describe-repositories",
		into(func(r *Resources) *[]Output[ECRDescribeRepositoriesOutput] { return &r.ECRRepositories })},
	{"ecr-get-repository-policy.json", "aws ecr get-repository-policy",
		into(func(r *Resources) *[]Output[ECRGetRepositoryPolicyOutput] { return &r.ECRPolicies })},
	{"organizations-describe-organization.json", "aws organizations describe-organization",
		into(func(r *Resources) *[]Output[OrganizationsDescribeOrganizationOutput] { return &r.Organization })},
	{"organizations-list-roots.json", "aws organizations list-roots",
		into(func(r *Resources) *[]Output[OrganizationsListRootsOutput] { return &r.OrgRoots })},
	{"organizations-list-organizational-units-for-parent.json", "aws organizations list-organizational-units-for-parent",
		into(func(r *Resources) *[]Output[OrganizationsUnitsForParent] { return &r.OrgUnits })},
	{"organizations-list-accounts-for-parent.json", "aws organizations list-accounts-for-parent",
		into(func(r *Resources) *[]Output[OrganizationsAccountsForParent] { return &r.OrgAccounts })},
	{"organizations-list-policies.json", "aws organizations list-policies",
		into(func(r *Resources) *[]Output[OrganizationsPoliciesForFilter] { return &r.OrgPolicies })},
	{"organizations-describe-policy.json", "aws organizations describe-policy",
		into(func(r *Resources) *[]Output[OrganizationsDescribePolicyOutput] { return &r.OrgPolicyTexts })},
	{"organizations-list-targets-for-policy.json", "aws organizations list-targets-for-policy",
		into(func(r *Resources) *[]Output[OrganizationsTargetsForPolicy] { return &r.OrgTargets })},
}

// offlineFileNamed returns the table entry for a file name.
func offlineFileNamed(name string) (offlineFile, bool) {
	for _, f := range offlineFiles {
		if f.name == name {
			return f, true
		}
	}
	return offlineFile{}, false
}

// OfflineFiles returns, sorted, the name of every file the offline reader
// reads: gaad.json, the <service>-<operation>.json outputs and gaps.json.
func OfflineFiles() []string {
	names := []string{GAADFile}
	for _, f := range offlineFiles {
		names = append(names, f.name)
	}
	sort.Strings(names)
	return names
}
