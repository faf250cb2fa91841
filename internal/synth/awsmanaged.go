package synth

import (
	"strings"
	"time"
)

// awsManaged is an AWS-managed policy the generator can attach: its path
// and name, its default version and a shortened but faithful document (the
// real documents of ReadOnlyAccess and SecurityAudit list hundreds of
// actions; these keep their shape: the same wildcards on "*").
type awsManaged struct {
	path, name, version string
	created             time.Time
	doc                 doc
}

// arn returns the policy's ARN.
func (m awsManaged) arn() string { return "arn:aws:iam::aws:policy" + m.path + m.name }

// AWS-managed policy names the generator attaches by name.
const (
	pAdministratorAccess      = "AdministratorAccess"
	pReadOnlyAccess           = "ReadOnlyAccess"
	pSecurityAudit            = "SecurityAudit"
	pPowerUserAccess          = "PowerUserAccess"
	pLambdaBasic              = "AWSLambdaBasicExecutionRole"
	pLambdaVPC                = "AWSLambdaVPCAccessExecutionRole"
	pECSTaskExecution         = "AmazonECSTaskExecutionRolePolicy"
	pSSMCore                  = "AmazonSSMManagedInstanceCore"
	pCloudWatchAgent          = "CloudWatchAgentServerPolicy"
	pGlueService              = "AWSGlueServiceRole"
	pS3ReadOnly               = "AmazonS3ReadOnlyAccess"
	pDynamoDBReadOnly         = "AmazonDynamoDBReadOnlyAccess"
	pChangePassword           = "IAMUserChangePassword"
	pBilling                  = "AWSBillingReadOnlyAccess"
	pCodeBuildDeveloperAccess = "AWSCodeBuildDeveloperAccess"
)

// awsManagedCatalog lists the AWS-managed policies in the order gaad.json
// lists the ones the account attaches.
var awsManagedCatalog = []awsManaged{
	{"/", pAdministratorAccess, "v1", time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC),
		newDoc(allow(acts("*"), "*"))},
	{"/", pReadOnlyAccess, "v119", time.Date(2015, 2, 6, 18, 39, 48, 0, time.UTC),
		newDoc(allow(acts("a4b:Get*", "acm:Describe*", "acm:List*", "apigateway:GET", "autoscaling:Describe*",
			"cloudformation:Describe*", "cloudformation:Get*", "cloudformation:List*", "cloudfront:Get*",
			"cloudfront:List*", "cloudtrail:Describe*", "cloudtrail:Get*", "cloudtrail:LookupEvents",
			"cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*", "dynamodb:BatchGetItem",
			"dynamodb:Describe*", "dynamodb:GetItem", "dynamodb:List*", "dynamodb:Query", "dynamodb:Scan",
			"ec2:Describe*", "ec2:Get*", "ecr:BatchGetImage", "ecr:Describe*", "ecr:GetDownloadUrlForLayer",
			"ecs:Describe*", "ecs:List*", "eks:Describe*", "eks:List*", "elasticloadbalancing:Describe*",
			"glue:Get*", "iam:Generate*", "iam:Get*", "iam:List*", "iam:Simulate*", "kms:Describe*",
			"kms:Get*", "kms:List*", "lambda:Get*", "lambda:List*", "logs:Describe*", "logs:FilterLogEvents",
			"logs:Get*", "rds:Describe*", "rds:List*", "route53:Get*", "route53:List*", "s3:Describe*",
			"s3:Get*", "s3:List*", "secretsmanager:Describe*", "secretsmanager:List*", "sns:Get*",
			"sns:List*", "sqs:Get*", "sqs:List*", "sqs:Receive*", "ssm:Describe*", "ssm:Get*", "ssm:List*",
			"states:Describe*", "states:List*", "tag:Get*"), "*").sid("ReadOnlyActions"))},
	{"/", pSecurityAudit, "v42", time.Date(2015, 2, 6, 18, 41, 1, 0, time.UTC),
		newDoc(allow(acts("access-analyzer:Get*", "access-analyzer:List*", "acm:Describe*", "acm:List*",
			"cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors", "cloudtrail:GetTrailStatus",
			"config:Describe*", "config:Get*", "ec2:Describe*", "ecr:DescribeRepositories",
			"ecr:GetRepositoryPolicy", "guardduty:Get*", "guardduty:List*", "iam:GenerateCredentialReport",
			"iam:Get*", "iam:List*", "kms:Describe*", "kms:Get*", "kms:List*", "lambda:GetPolicy",
			"lambda:ListFunctions", "logs:Describe*", "organizations:Describe*", "organizations:List*",
			"s3:GetAccountPublicAccessBlock", "s3:GetBucket*", "s3:GetEncryptionConfiguration",
			"s3:GetLifecycleConfiguration", "s3:ListAllMyBuckets", "secretsmanager:GetResourcePolicy",
			"secretsmanager:ListSecrets", "securityhub:Get*", "sns:GetTopicAttributes", "sns:ListTopics",
			"sqs:GetQueueAttributes", "sqs:ListQueues"), "*"))},
	{"/", pPowerUserAccess, "v5", time.Date(2015, 2, 6, 18, 39, 47, 0, time.UTC),
		newDoc(
			stmt{Effect: "Allow", NotAction: one("iam:*", "organizations:*", "account:*"), Resource: "*"},
			allow(acts("account:GetAccountInformation", "account:ListRegions", "iam:CreateServiceLinkedRole",
				"iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization"), "*"),
		)},
	{"/service-role/", pLambdaBasic, "v1", time.Date(2015, 4, 9, 15, 3, 43, 0, time.UTC),
		newDoc(allow(acts("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"), "*"))},
	{"/service-role/", pLambdaVPC, "v3", time.Date(2016, 2, 11, 23, 15, 26, 0, time.UTC),
		newDoc(allow(acts("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
			"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
			"ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"), "*").
			sid("AWSLambdaVPCAccessExecutionPermissions"))},
	{"/service-role/", pECSTaskExecution, "v1", time.Date(2017, 11, 16, 18, 48, 22, 0, time.UTC),
		newDoc(allow(acts("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
			"ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"), "*"))},
	{"/", pSSMCore, "v2", time.Date(2019, 3, 15, 17, 22, 12, 0, time.UTC),
		newDoc(
			allow(acts("ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument",
				"ssm:DescribeDocument", "ssm:GetManifest", "ssm:GetParameter", "ssm:GetParameters",
				"ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutInventory",
				"ssm:PutComplianceItems", "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus",
				"ssm:UpdateInstanceAssociationStatus", "ssm:UpdateInstanceInformation"), "*"),
			allow(acts("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
				"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"), "*"),
			allow(acts("ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
				"ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"), "*"),
		)},
	{"/", pCloudWatchAgent, "v2", time.Date(2017, 9, 13, 0, 0, 0, 0, time.UTC),
		newDoc(
			allow(acts("cloudwatch:PutMetricData", "ec2:DescribeVolumes", "ec2:DescribeTags",
				"logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups",
				"logs:CreateLogStream", "logs:CreateLogGroup"), "*"),
			allow(acts("ssm:GetParameter"), "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"),
		)},
	{"/service-role/", pGlueService, "v6", time.Date(2017, 8, 14, 13, 37, 39, 0, time.UTC),
		newDoc(
			allow(acts("glue:*", "s3:GetBucketLocation", "s3:ListBucket", "s3:ListAllMyBuckets",
				"s3:GetBucketAcl", "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables",
				"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces",
				"ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcAttribute",
				"iam:ListRolePolicies", "iam:GetRole", "iam:GetRolePolicy", "cloudwatch:PutMetricData"), "*"),
			allow(acts("s3:CreateBucket"), "arn:aws:s3:::aws-glue-*"),
			allow(acts("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
				"arn:aws:s3:::aws-glue-*/*", "arn:aws:s3:::*/*aws-glue-*/*"),
			allow(acts("s3:GetObject"), "arn:aws:s3:::crawler-public*", "arn:aws:s3:::aws-glue-*"),
			allow(acts("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
				"arn:aws:logs:*:*:*:/aws-glue/*"),
		)},
	{"/", pS3ReadOnly, "v3", time.Date(2015, 2, 6, 18, 40, 59, 0, time.UTC),
		newDoc(allow(acts("s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"), "*"))},
	{"/", pDynamoDBReadOnly, "v12", time.Date(2015, 2, 6, 18, 40, 30, 0, time.UTC),
		newDoc(allow(acts("application-autoscaling:DescribeScalableTargets", "cloudwatch:DescribeAlarms",
			"cloudwatch:GetMetricData", "dynamodb:BatchGetItem", "dynamodb:Describe*", "dynamodb:List*",
			"dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PartiQLSelect"), "*"))},
	{"/", pChangePassword, "v2", time.Date(2016, 11, 15, 0, 25, 16, 0, time.UTC),
		newDoc(
			allow(acts("iam:ChangePassword"), "arn:aws:iam::*:user/${aws:username}"),
			allow(acts("iam:GetAccountPasswordPolicy"), "*"),
		)},
	{"/", pBilling, "v9", time.Date(2022, 11, 18, 0, 0, 0, 0, time.UTC),
		newDoc(allow(acts("aws-portal:ViewBilling", "billing:Get*", "budgets:ViewBudget", "ce:Get*",
			"ce:Describe*", "ce:List*", "cur:Describe*", "pricing:DescribeServices"), "*").sid("VisualEditor0"))},
	{"/", pCodeBuildDeveloperAccess, "v11", time.Date(2016, 12, 1, 19, 2, 32, 0, time.UTC),
		newDoc(allow(acts("codebuild:StartBuild", "codebuild:StopBuild", "codebuild:BatchGet*",
			"codebuild:Get*", "codebuild:List*", "codecommit:GetBranch", "codecommit:GetCommit",
			"codecommit:GetRepository", "codecommit:ListBranches", "cloudwatch:GetMetricStatistics",
			"events:DescribeRule", "events:ListTargetsByRule", "events:ListRuleNamesByTarget",
			"logs:GetLogEvents", "s3:GetBucketLocation", "s3:ListAllMyBuckets"), "*"))},
}

// serviceLinked is a service-linked role the account has: the role name,
// its service principal and its AWS-managed policy (path aws-service-role).
type serviceLinked struct{ name, service, policy string }

var serviceLinkedRoles = []serviceLinked{
	{"AWSServiceRoleForECS", "ecs.amazonaws.com", "AmazonECSServiceRolePolicy"},
	{"AWSServiceRoleForElasticLoadBalancing", "elasticloadbalancing.amazonaws.com", "AWSElasticLoadBalancingServiceRolePolicy"},
	{"AWSServiceRoleForAutoScaling", "autoscaling.amazonaws.com", "AutoScalingServiceRolePolicy"},
	{"AWSServiceRoleForRDS", "rds.amazonaws.com", "AmazonRDSServiceRolePolicy"},
	{"AWSServiceRoleForSupport", "support.amazonaws.com", "AWSSupportServiceRolePolicy"},
	{"AWSServiceRoleForTrustedAdvisor", "trustedadvisor.amazonaws.com", "AWSTrustedAdvisorServiceRolePolicy"},
	{"AWSServiceRoleForAmazonGuardDuty", "guardduty.amazonaws.com", "AmazonGuardDutyServiceRolePolicy"},
	{"AWSServiceRoleForConfig", "config.amazonaws.com", "AWSConfigServiceRolePolicy"},
	{"AWSServiceRoleForAmazonEKS", "eks.amazonaws.com", "AmazonEKSServiceRolePolicy"},
	{"AWSServiceRoleForSSO", "sso.amazonaws.com", "AWSSSOServiceRolePolicy"},
}

// serviceLinkedPolicy returns the AWS-managed policy of a service-linked
// role: read and describe rights of its service, as the real ones grant.
func serviceLinkedPolicy(sl serviceLinked) awsManaged {
	svc := strings.TrimSuffix(sl.service, ".amazonaws.com")
	return awsManaged{
		path: "/aws-service-role/", name: sl.policy, version: "v3",
		created: time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC),
		doc: newDoc(
			allow(acts(svc+":Describe*", svc+":List*", "ec2:Describe*", "cloudwatch:PutMetricData"), "*"),
			allow(acts("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
				"arn:aws:logs:*:*:log-group:/aws/"+svc+"/*"),
		),
	}
}
