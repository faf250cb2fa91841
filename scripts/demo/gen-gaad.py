#!/usr/bin/env python3
"""Generate fixtures/demo/aws/gaad.json: the Acme Analytics demo estate.

Not committed; the JSON is. Deterministic: IDs derive from names.
"""
import base64
import hashlib
import json
import sys
import urllib.parse

ACCT = "111122223333"
IAM = f"arn:aws:iam::{ACCT}"
AWSP = "arn:aws:iam::aws:policy"
GH = f"{IAM}:oidc-provider/token.actions.githubusercontent.com"
SAML = f"{IAM}:saml-provider/AWSSSO_5a2c7e19b3d4f860_DO_NOT_DELETE"
V = "2012-10-17"


def ident(prefix, name):
    h = hashlib.sha256(("acme-demo:" + prefix + ":" + name).encode()).digest()
    s = base64.b32encode(h).decode().rstrip("=")
    return prefix + s[:17]


def enc(doc):
    return urllib.parse.quote(json.dumps(doc, separators=(",", ":")))


def doc(*stmts):
    return {"Version": V, "Statement": list(stmts)}


def allow(action, resource="*", sid=None, cond=None):
    s = {}
    if sid:
        s["Sid"] = sid
    s["Effect"] = "Allow"
    s["Action"] = action
    s["Resource"] = resource
    if cond:
        s["Condition"] = cond
    return s


def deny(action, resource="*", sid=None):
    s = {}
    if sid:
        s["Sid"] = sid
    s["Effect"] = "Deny"
    s["Action"] = action
    s["Resource"] = resource
    return s


def trust_service(*services):
    svc = services[0] if len(services) == 1 else list(services)
    return doc({"Effect": "Allow", "Principal": {"Service": svc}, "Action": "sts:AssumeRole"})


def tags(**kv):
    return [{"Key": k.replace("_", "-"), "Value": v} for k, v in kv.items()]


# A few documents stay plain JSON objects (as some tools and older CLI
# versions emit them); the rest are URL-encoded strings as the API returns.
class Plain:
    def __init__(self, d):
        self.d = d


def render(d):
    if isinstance(d, Plain):
        return d.d
    return enc(d)


# ---------------------------------------------------------------- policies
ADMIN_DOC = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})

READONLY_DOC = doc(
    allow(
        [
            "acm:Describe*", "acm:List*", "athena:Get*", "athena:List*",
            "cloudformation:Describe*", "cloudformation:Get*", "cloudformation:List*",
            "cloudtrail:Describe*", "cloudtrail:Get*", "cloudtrail:LookupEvents",
            "cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*",
            "dynamodb:Describe*", "dynamodb:List*", "ec2:Describe*", "ecr:Describe*",
            "ecr:List*", "ecs:Describe*", "ecs:List*", "glue:Get*", "iam:Generate*",
            "iam:Get*", "iam:List*", "kms:Describe*", "kms:List*", "lambda:Get*",
            "lambda:List*", "logs:Describe*", "logs:Get*", "logs:FilterLogEvents",
            "rds:Describe*", "s3:Get*", "s3:List*", "sns:Get*", "sns:List*",
            "sqs:Get*", "sqs:List*", "tag:Get*",
        ],
        sid="ReadOnlyActions",
    )
)

LAMBDA_BASIC_DOC = doc(
    allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])
)

SSM_CORE_DOC = doc(
    allow(
        [
            "ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance",
            "ssm:GetDocument", "ssm:DescribeDocument", "ssm:GetManifest",
            "ssm:GetParameter", "ssm:GetParameters", "ssm:ListAssociations",
            "ssm:ListInstanceAssociations", "ssm:PutInventory",
            "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult",
            "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus",
            "ssm:UpdateInstanceInformation",
        ]
    ),
    allow(
        [
            "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
        ]
    ),
    allow(
        [
            "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage",
            "ec2messages:FailMessage", "ec2messages:GetEndpoint",
            "ec2messages:GetMessages", "ec2messages:SendReply",
        ]
    ),
)

ECS_TASK_EXEC_DOC = doc(
    allow(
        [
            "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
            "logs:CreateLogStream", "logs:PutLogEvents",
        ]
    )
)

RDS_MON_DOC = doc(
    allow(["logs:CreateLogGroup", "logs:PutRetentionPolicy"], "arn:aws:logs:*:*:log-group:RDS*",
          sid="EnableCreationAndManagementOfRDSCloudwatchLogGroups"),
    allow(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"],
          "arn:aws:logs:*:*:log-group:RDS*:log-stream:*",
          sid="EnableCreationAndManagementOfRDSCloudwatchLogStreams"),
)

BACKUP_DOC = doc(
    allow(["dynamodb:DescribeTable", "dynamodb:CreateBackup"], "arn:aws:dynamodb:*:*:table/*"),
    allow(["ec2:CreateSnapshot", "ec2:DeleteSnapshot", "ec2:CreateTags"], "arn:aws:ec2:*::snapshot/*"),
    allow(["ec2:DescribeSnapshots", "ec2:DescribeVolumes", "ec2:DescribeInstances"]),
    allow(["rds:CreateDBSnapshot", "rds:DescribeDBSnapshots", "rds:AddTagsToResource"],
          "arn:aws:rds:*:*:db:*"),
    allow(["backup:DescribeBackupVault", "backup:CopyIntoBackupVault"], "arn:aws:backup:*:*:backup-vault:*"),
    allow("tag:GetResources"),
)

ECS_SLR_DOC = doc(
    allow(
        [
            "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface",
            "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
            "ec2:DeleteNetworkInterfacePermission", "ec2:Describe*",
            "ec2:DetachNetworkInterface", "elasticloadbalancing:DeregisterTargets",
            "elasticloadbalancing:Describe*", "elasticloadbalancing:RegisterTargets",
            "servicediscovery:RegisterInstance", "servicediscovery:DeregisterInstance",
        ],
        sid="ECSTaskManagement",
    ),
    allow(["ec2:CreateTags"], "arn:aws:ec2:*:*:network-interface/*", sid="ECSTagging"),
)

SUPPORT_SLR_DOC = doc(
    allow(
        [
            "cloudtrail:DescribeTrails", "cloudwatch:DescribeAlarms", "ec2:DescribeInstances",
            "iam:GetAccountSummary", "iam:ListRoles", "rds:DescribeDBInstances",
            "s3:GetBucketLocation", "s3:ListAllMyBuckets", "support:*",
        ],
        sid="AWSSupportActions",
    )
)

POLICIES = []  # list of dicts (GAAD Policies entries), order matters for output


def aws_policy(name, path, created, updated, version, document, attachable=True, pid=None):
    arn = f"{AWSP}{path}{name}"
    POLICIES.append(
        {
            "PolicyName": name,
            "PolicyId": ident("ANPA", "aws:" + name),
            "Arn": arn,
            "Path": path,
            "DefaultVersionId": version,
            "AttachmentCount": 0,
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": attachable,
            "CreateDate": created,
            "UpdateDate": updated,
            "PolicyVersionList": [
                {"Document": render(document), "VersionId": version, "IsDefaultVersion": True,
                 "CreateDate": updated}
            ],
        }
    )
    return arn


def cust_policy(name, path, versions, default, created, description=None):
    """versions: list of (VersionId, document, CreateDate)."""
    arn = f"{IAM}:policy{path}{name}"
    upd = max(v[2] for v in versions)
    entry = {
        "PolicyName": name,
        "PolicyId": ident("ANPA", name),
        "Arn": arn,
        "Path": path,
        "DefaultVersionId": default,
        "AttachmentCount": 0,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True,
        "CreateDate": created,
        "UpdateDate": upd,
        "PolicyVersionList": [
            {"Document": render(d), "VersionId": vid, "IsDefaultVersion": vid == default, "CreateDate": cd}
            for vid, d, cd in sorted(versions, key=lambda v: v[0], reverse=True)
        ],
    }
    POLICIES.append(entry)
    return arn


ADMIN = aws_policy("AdministratorAccess", "/", "2015-02-06T18:39:46Z", "2015-02-06T18:39:46Z", "v1", ADMIN_DOC)
READONLY = aws_policy("ReadOnlyAccess", "/", "2015-02-06T18:39:48Z", "2025-10-28T17:12:09Z", "v129", READONLY_DOC)
LAMBDA_BASIC = aws_policy("AWSLambdaBasicExecutionRole", "/service-role/", "2015-04-09T15:03:43Z",
                          "2015-04-09T15:03:43Z", "v1", LAMBDA_BASIC_DOC)
SSM_CORE = aws_policy("AmazonSSMManagedInstanceCore", "/", "2019-03-15T17:22:12Z", "2023-04-19T20:48:38Z",
                      "v2", SSM_CORE_DOC)
ECS_TASK_EXEC = aws_policy("AmazonECSTaskExecutionRolePolicy", "/service-role/", "2017-11-16T18:48:22Z",
                           "2017-11-16T18:48:22Z", "v1", ECS_TASK_EXEC_DOC)
RDS_MON = aws_policy("AmazonRDSEnhancedMonitoringRole", "/service-role/", "2015-11-11T19:58:29Z",
                     "2023-12-05T22:47:14Z", "v3", RDS_MON_DOC)
BACKUP = aws_policy("AWSBackupServiceRolePolicyForBackup", "/service-role/", "2019-01-10T21:01:28Z",
                    "2025-06-03T19:20:41Z", "v24", BACKUP_DOC)
ECS_SLR = aws_policy("AmazonECSServiceRolePolicy", "/aws-service-role/", "2017-10-14T01:18:56Z",
                     "2025-01-13T18:16:02Z", "v13", ECS_SLR_DOC, attachable=False)
SUPPORT_SLR = aws_policy("AWSSupportServiceRolePolicy", "/aws-service-role/", "2018-04-19T18:04:44Z",
                         "2025-09-16T20:31:55Z", "v39", SUPPORT_SLR_DOC, attachable=False)

DEVELOPER_ACCESS = cust_policy(
    "DeveloperAccess", "/",
    [
        ("v1", doc(
            allow(["s3:PutObject", "s3:DeleteObject"], "arn:aws:s3:::acme-dev-*/*", sid="DevBuckets"),
            allow(["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query",
                   "dynamodb:Scan", "dynamodb:GetItem"],
                  f"arn:aws:dynamodb:us-east-1:{ACCT}:table/dev-*", sid="DevTables"),
        ), "2021-02-01T10:14:03Z"),
        ("v2", doc(
            allow(["s3:PutObject", "s3:DeleteObject"], "arn:aws:s3:::acme-dev-*/*", sid="DevBuckets"),
            allow(["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query",
                   "dynamodb:Scan", "dynamodb:GetItem", "dynamodb:BatchWriteItem"],
                  f"arn:aws:dynamodb:us-east-1:{ACCT}:table/dev-*", sid="DevTables"),
            allow(["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:PurgeQueue"],
                  f"arn:aws:sqs:us-east-1:{ACCT}:dev-*", sid="DevQueues"),
            allow(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                  f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:dev/*", sid="DevSecrets"),
            allow(["athena:StartQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution"],
                  f"arn:aws:athena:us-east-1:{ACCT}:workgroup/developers", sid="AthenaDevelopers"),
            allow(["logs:StartQuery", "logs:GetQueryResults", "xray:GetTraceSummaries", "xray:BatchGetTraces"],
                  sid="Observability"),
            allow(["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                  sid="PullImages"),
        ), "2023-06-19T08:41:55Z"),
    ],
    "v2", "2021-02-01T10:14:03Z",
)

RELEASE_MANAGER = cust_policy(
    "ReleaseManagerPolicy", "/release/",
    [
        ("v1", doc(
            allow(["codepipeline:StartPipelineExecution", "codepipeline:GetPipeline*",
                   "codepipeline:ListPipeline*", "codepipeline:PutApprovalResult"],
                  f"arn:aws:codepipeline:us-east-1:{ACCT}:acme-*", sid="Pipelines"),
        ), "2022-04-07T13:02:11Z"),
        ("v2", doc(
            allow(["codepipeline:StartPipelineExecution", "codepipeline:GetPipeline*",
                   "codepipeline:ListPipeline*", "codepipeline:PutApprovalResult"],
                  f"arn:aws:codepipeline:us-east-1:{ACCT}:acme-*", sid="Pipelines"),
            allow(["codedeploy:CreateDeployment", "codedeploy:GetDeployment*", "codedeploy:StopDeployment"],
                  f"arn:aws:codedeploy:us-east-1:{ACCT}:deploymentgroup:acme-*", sid="Deployments"),
            allow(["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions",
                   "iam:CreatePolicyVersion", "iam:DeletePolicyVersion"],
                  f"{IAM}:policy/release/*", sid="SelfServiceReleasePolicies"),
        ), "2024-01-23T16:47:30Z"),
    ],
    "v2", "2022-04-07T13:02:11Z",
)

CONTRACTOR_BOUNDARY = cust_policy(
    "ContractorBoundary", "/boundaries/",
    [
        ("v1", doc(
            allow(["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                  ["arn:aws:s3:::acme-dev-*", "arn:aws:s3:::acme-dev-*/*"], sid="DevBucketsOnly"),
            allow(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem"],
                  f"arn:aws:dynamodb:us-east-1:{ACCT}:table/dev-*", sid="DevTablesOnly"),
            allow(["logs:Describe*", "logs:Get*", "logs:FilterLogEvents", "logs:StartQuery",
                   "logs:GetQueryResults", "cloudwatch:Get*", "cloudwatch:List*"], sid="Observability"),
        ), "2023-09-04T07:55:20Z"),
    ],
    "v1", "2023-09-04T07:55:20Z",
)

DATADOG = cust_policy(
    "DatadogIntegrationPolicy", "/",
    [
        ("v1", doc(
            allow(["apigateway:GET", "autoscaling:Describe*", "budgets:ViewBudget", "cloudfront:GetDistributionConfig",
                   "cloudfront:ListDistributions", "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus",
                   "cloudtrail:LookupEvents", "cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*",
                   "dynamodb:Describe*", "dynamodb:List*", "ec2:Describe*", "ecs:Describe*", "ecs:List*",
                   "elasticache:Describe*", "elasticache:List*", "elasticloadbalancing:Describe*",
                   "lambda:GetPolicy", "lambda:List*", "logs:DescribeLogGroups", "logs:DescribeLogStreams",
                   "logs:DescribeSubscriptionFilters", "logs:FilterLogEvents", "logs:PutSubscriptionFilter",
                   "logs:TestMetricFilter", "rds:Describe*", "rds:List*", "s3:GetBucketLogging",
                   "s3:GetBucketLocation", "s3:GetBucketNotification", "s3:GetBucketTagging",
                   "s3:ListAllMyBuckets", "s3:PutBucketNotification", "sns:List*", "sns:Publish",
                   "sqs:ListQueues", "tag:GetResources", "tag:GetTagKeys", "tag:GetTagValues"],
                  sid="DatadogAWSIntegration"),
        ), "2020-08-12T15:30:00Z"),
    ],
    "v1", "2020-08-12T15:30:00Z",
)

REPORTING_WORKER = cust_policy(
    "ReportingWorkerAccess", "/",
    [
        # v1 was a break-fix "allow everything" during the 2022 reporting outage.
        ("v1", Plain(doc({"Sid": "TemporaryBreakFix", "Effect": "Allow", "Action": "*", "Resource": "*"})),
         "2022-11-03T22:18:40Z"),
        ("v2", doc(
            allow(["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
                  f"arn:aws:athena:us-east-1:{ACCT}:workgroup/reporting", sid="Athena"),
            allow(["s3:GetObject", "s3:ListBucket"],
                  ["arn:aws:s3:::acme-datalake-curated", "arn:aws:s3:::acme-datalake-curated/*"], sid="ReadCurated"),
            allow(["s3:PutObject"], "arn:aws:s3:::acme-reports/*", sid="WriteReports"),
            allow(["glue:GetTable", "glue:GetTables", "glue:GetDatabase", "glue:GetPartitions"], sid="Catalog"),
        ), "2022-11-07T09:03:12Z"),
    ],
    "v2", "2022-11-03T22:18:40Z",
)

LEGACY_FULL = cust_policy(
    "LegacyFullAccess", "/",
    [
        ("v1", doc(allow("*", "*", sid="FullAccess")), "2019-05-21T11:40:09Z"),
    ],
    "v1", "2019-05-21T11:40:09Z",
)

AUDIT_EVIDENCE = cust_policy(
    "AuditEvidenceCollection", "/",
    [
        ("v1", Plain(doc(
            allow(["access-analyzer:List*", "access-analyzer:Get*", "config:Get*", "config:Describe*",
                   "config:List*", "config:SelectResourceConfig", "securityhub:Get*", "securityhub:List*",
                   "securityhub:Describe*", "guardduty:Get*", "guardduty:List*", "iam:GenerateCredentialReport",
                   "iam:GetCredentialReport", "organizations:Describe*", "organizations:List*"],
                  sid="ComplianceEvidence"),
            allow(["s3:GetObject", "s3:ListBucket"],
                  ["arn:aws:s3:::acme-cloudtrail-logs", "arn:aws:s3:::acme-cloudtrail-logs/*"], sid="TrailLogs"),
        )), "2021-10-11T14:20:05Z"),
    ],
    "v1", "2021-10-11T14:20:05Z",
)

TF_STATE = cust_policy(
    "TerraformStateAccess", "/",
    [
        ("v1", doc(
            allow(["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                  ["arn:aws:s3:::acme-terraform-state", "arn:aws:s3:::acme-terraform-state/*"], sid="State"),
            allow(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
                  f"arn:aws:dynamodb:us-east-1:{ACCT}:table/terraform-locks", sid="Locks"),
        ), "2021-06-30T12:00:41Z"),
    ],
    "v1", "2021-06-30T12:00:41Z",
)


def att(arn):
    return {"PolicyName": arn.rsplit("/", 1)[1], "PolicyArn": arn}


def inline(name, d):
    return {"PolicyName": name, "PolicyDocument": render(d)}


# ------------------------------------------------------------------ groups
GROUPS = []


def group(name, created, inlines=(), attached=(), path="/"):
    GROUPS.append(
        {
            "Path": path,
            "GroupName": name,
            "GroupId": ident("AGPA", name),
            "Arn": f"{IAM}:group{path}{name}",
            "CreateDate": created,
            "GroupPolicyList": list(inlines),
            "AttachedManagedPolicies": [att(a) for a in attached],
        }
    )


group("admins", "2019-03-14T09:12:44Z", attached=[ADMIN])
group("developers", "2019-03-14T09:13:20Z", attached=[READONLY, DEVELOPER_ACCESS])
group("auditors", "2021-10-11T14:22:57Z", attached=[READONLY, AUDIT_EVIDENCE])
group(
    "sre-oncall", "2022-02-08T17:30:12Z", attached=[READONLY],
    inlines=[inline("BreakGlassAssume", doc(
        allow("sts:AssumeRole", f"{IAM}:role/break-glass-admin", sid="AssumeBreakGlassWithMFA"),
    ))],
)
group(
    "support", "2023-03-01T10:05:37Z",
    inlines=[inline("SupportEngineerAccess", Plain(doc(
        allow(["support:*", "health:Describe*"], sid="SupportCases"),
        allow(["logs:GetLogEvents", "logs:FilterLogEvents", "logs:DescribeLogGroups",
               "cloudwatch:GetMetricData", "cloudwatch:ListMetrics"], sid="Troubleshooting"),
        allow("sts:AssumeRole", f"{IAM}:role/acme-support-readonly", sid="AssumeSupportReadOnly"),
    )))],
)

# ------------------------------------------------------------------- users
USERS = []


def user(name, created, path="/", groups=(), inlines=(), attached=(), boundary=None, tg=None):
    u = {
        "Path": path,
        "UserName": name,
        "UserId": ident("AIDA", name),
        "Arn": f"{IAM}:user{path}{name}",
        "CreateDate": created,
        "UserPolicyList": list(inlines),
        "GroupList": list(groups),
        "AttachedManagedPolicies": [att(a) for a in attached],
    }
    if boundary:
        u["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    u["Tags"] = tg or []
    USERS.append(u)
    return u["Arn"]


DOMAIN = "acme-analytics.example"

user("alice.nguyen", "2019-03-14T09:20:31Z", groups=["admins"],
     tg=tags(team="platform", email=f"alice.nguyen@{DOMAIN}"))
user("bob.schmidt", "2019-06-02T12:41:08Z", groups=["admins"],
     tg=tags(team="platform", email=f"bob.schmidt@{DOMAIN}"))
CAROL = user(
    "carol.diaz", "2020-09-21T08:03:55Z", groups=["developers"],
    inlines=[inline("AssumeDataPipelineOperator", doc(
        allow("sts:AssumeRole", f"{IAM}:role/data-pipeline-operator", sid="OperateDataPipelines"),
    ))],
    tg=tags(team="data", email=f"carol.diaz@{DOMAIN}"),
)
user("dave.okafor", "2021-01-11T09:47:19Z", groups=["developers"],
     tg=tags(team="api", email=f"dave.okafor@{DOMAIN}"))
user(
    "nina.patel", "2021-05-03T07:58:44Z", groups=["developers"],
    inlines=[inline("GrantReadOnlyToUsers", doc(
        allow(["iam:AttachUserPolicy", "iam:DetachUserPolicy"], f"{IAM}:user/*", sid="ReadOnlyOnly",
              cond={"ArnEquals": {"iam:PolicyARN": READONLY}}),
        allow(["iam:ListUsers", "iam:ListAttachedUserPolicies"], sid="SeeUsers"),
    ))],
    tg=tags(team="api", role="team-lead", email=f"nina.patel@{DOMAIN}"),
)
user("henry.ito", "2022-04-07T13:05:02Z", groups=["developers"], attached=[RELEASE_MANAGER],
     tg=tags(team="release-engineering", email=f"henry.ito@{DOMAIN}"))
user("erin.walsh", "2021-10-11T14:25:18Z", groups=["auditors"],
     tg=tags(team="compliance", email=f"erin.walsh@{DOMAIN}"))
user(
    "ext-frank.miller", "2023-09-04T08:02:37Z", path="/contractors/", groups=["developers"],
    boundary=CONTRACTOR_BOUNDARY,
    inlines=[inline("ContractorKeySelfService", doc(
        allow(["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys"], f"{IAM}:user/*",
              sid="ManageOwnKeys"),
    ))],
    tg=tags(team="data", contractor="northwind-consulting", expires="2026-03-31"),
)
user(
    "grace.lee", "2023-03-01T10:11:49Z", groups=["support"],
    inlines=[inline("SupportRoleTrustMaintenance", doc(
        allow(["iam:GetRole", "iam:UpdateAssumeRolePolicy"], f"{IAM}:role/acme-support-*",
              sid="MaintainSupportRoleTrust"),
    ))],
    tg=tags(team="customer-support", email=f"grace.lee@{DOMAIN}"),
)
user(
    "lena.fischer", "2022-08-15T06:59:30Z",
    inlines=[inline("UserOnboarding", doc(
        allow(["iam:CreateUser", "iam:TagUser", "iam:GetUser", "iam:ListUsers", "iam:ListGroupsForUser"],
              f"{IAM}:user/*", sid="Users"),
        allow(["iam:AddUserToGroup", "iam:RemoveUserFromGroup", "iam:GetGroup", "iam:ListGroups"],
              f"{IAM}:group/*", sid="GroupMembership"),
    ))],
    tg=tags(team="it", email=f"lena.fischer@{DOMAIN}"),
)
user("priya.raman", "2022-02-08T17:34:02Z", groups=["sre-oncall"],
     tg=tags(team="sre", email=f"priya.raman@{DOMAIN}"))
user(
    "legacy-backup", "2019-11-27T03:12:45Z", path="/service/",
    inlines=[inline("NightlyBackupUpload", doc(
        allow(["s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:AbortMultipartUpload"],
              ["arn:aws:s3:::acme-backups", "arn:aws:s3:::acme-backups/*"], sid="BackupBucket"),
    ))],
    tg=tags(owner="platform", purpose="on-prem nightly pg_dump upload"),
)
user("datadog-integration", "2020-08-12T15:31:26Z", path="/service/", attached=[DATADOG],
     tg=tags(owner="sre", vendor="datadog"))
user(
    "key-rotator", "2021-07-19T10:26:58Z", path="/service/",
    inlines=[inline("RotateServiceUserKeys", doc(
        allow(["iam:CreateAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey"], f"{IAM}:user/service/*",
              sid="RotateKeys"),
        allow(["secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret"],
              f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:service-keys/*", sid="StoreKeys"),
    ))],
    tg=tags(owner="security", purpose="rotates /service/ user access keys"),
)
user("ci-legacy-deployer", "2019-04-02T16:44:10Z", path="/service/", attached=[ADMIN],
     tg=tags(owner="platform", purpose="Jenkins deploys before GitHub OIDC; to be removed"))

# ------------------------------------------------------------------- roles
ROLES = []


def role(name, created, trust, path="/", inlines=(), attached=(), profile=None, boundary=None,
         tg=None, last_used=None, plain_trust=False):
    arn = f"{IAM}:role{path}{name}"
    rid = ident("AROA", name)
    trust_doc = Plain(trust) if plain_trust else trust
    r = {
        "Path": path,
        "RoleName": name,
        "RoleId": rid,
        "Arn": arn,
        "CreateDate": created,
        "AssumeRolePolicyDocument": render(trust_doc),
        "InstanceProfileList": [],
        "RolePolicyList": list(inlines),
        "AttachedManagedPolicies": [att(a) for a in attached],
    }
    if profile:
        r["InstanceProfileList"].append(
            {
                "Path": "/",
                "InstanceProfileName": profile,
                "InstanceProfileId": ident("AIPA", profile),
                "Arn": f"{IAM}:instance-profile/{profile}",
                "CreateDate": created,
                "Roles": [
                    {
                        "Path": path,
                        "RoleName": name,
                        "RoleId": rid,
                        "Arn": arn,
                        "CreateDate": created,
                        "AssumeRolePolicyDocument": render(trust_doc),
                    }
                ],
            }
        )
    if boundary:
        r["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    r["Tags"] = tg or []
    r["RoleLastUsed"] = {"LastUsedDate": last_used[0], "Region": last_used[1]} if last_used else {}
    ROLES.append(r)
    return arn


def gh_trust(sub=None, sub_op="StringLike"):
    cond = {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
    if sub is not None:
        if sub_op == "StringEquals":
            cond["StringEquals"]["token.actions.githubusercontent.com:sub"] = sub
        else:
            cond[sub_op] = {"token.actions.githubusercontent.com:sub": sub}
    return doc({"Effect": "Allow", "Principal": {"Federated": GH}, "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": cond})


def sso_trust():
    return doc({"Effect": "Allow", "Principal": {"Federated": SAML},
                "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}})


def aws_trust(principal, cond=None, actions="sts:AssumeRole"):
    s = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions}
    if cond:
        s["Condition"] = cond
    return doc(s)


RECENT = "2025-11-21T"
LAMBDA_FN = f"arn:aws:lambda:us-east-1:{ACCT}:function"

# CI / CD
role(
    "github-actions-deploy", "2023-02-14T10:02:33Z", gh_trust("repo:acme/*:*"),
    inlines=[inline("DeployApplications", doc(
        allow("ecr:GetAuthorizationToken", sid="EcrLogin"),
        allow(["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
               "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage"],
              f"arn:aws:ecr:us-east-1:{ACCT}:repository/acme-*", sid="PushImages"),
        allow(["ecs:UpdateService", "ecs:DescribeServices"],
              f"arn:aws:ecs:us-east-1:{ACCT}:service/acme-prod/*", sid="RollServices"),
        allow(["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::acme-build-artifacts/*", sid="Artifacts"),
        allow(["sts:AssumeRole", "sts:TagSession"], f"{IAM}:role/terraform-apply", sid="RunTerraform"),
    ))],
    tg=tags(owner="platform", ci="github-actions"),
    last_used=(RECENT + "16:42:10Z", "us-east-1"),
)
role(
    "github-actions-docs-publish", "2024-05-06T14:19:50Z", gh_trust(None),
    inlines=[inline("PublishDocsSite", doc(
        allow(["s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
              ["arn:aws:s3:::acme-docs-site", "arn:aws:s3:::acme-docs-site/*"], sid="DocsBucket"),
        allow("cloudfront:CreateInvalidation", f"arn:aws:cloudfront::{ACCT}:distribution/E2QWRUHAPOMQZL",
              sid="InvalidateDocsCdn"),
    ))],
    tg=tags(owner="developer-experience", ci="github-actions"),
    last_used=("2025-11-19T09:27:44Z", "us-east-1"),
)
role(
    "github-actions-infra", "2023-02-14T10:04:12Z",
    gh_trust("repo:acme/infrastructure:ref:refs/heads/main", sub_op="StringEquals"),
    attached=[READONLY, TF_STATE],
    inlines=[inline("ManageOwnInlinePolicies", doc(
        allow(["iam:GetRolePolicy", "iam:ListRolePolicies", "iam:PutRolePolicy", "iam:DeleteRolePolicy"],
              f"{IAM}:role/github-actions-infra", sid="DriftRemediation"),
    ))],
    tg=tags(owner="platform", ci="github-actions"),
    last_used=(RECENT + "11:05:37Z", "us-east-1"),
)
role(
    "terraform-apply", "2021-06-30T12:03:18Z",
    aws_trust(f"{IAM}:role/github-actions-deploy", actions=["sts:AssumeRole", "sts:TagSession"]),
    attached=[ADMIN],
    tg=tags(owner="platform", managed_by="terraform"),
    last_used=(RECENT + "16:43:02Z", "us-east-1"),
)
role(
    "codebuild-serverless-deploy", "2022-10-18T09:36:27Z", trust_service("codebuild.amazonaws.com"),
    inlines=[inline("ServerlessDeploy", doc(
        allow(["lambda:CreateFunction", "lambda:InvokeFunction", "lambda:GetFunction", "lambda:PublishVersion",
               "lambda:CreateAlias", "lambda:TagResource"], f"{LAMBDA_FN}:*", sid="ManageFunctions"),
        allow("iam:PassRole", f"{IAM}:role/acme-*-lambda", sid="PassExecutionRoles",
              cond={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
        allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
              f"arn:aws:logs:us-east-1:{ACCT}:log-group:/aws/codebuild/*", sid="BuildLogs"),
        allow(["s3:GetObject", "s3:GetObjectVersion"], "arn:aws:s3:::acme-build-artifacts/*", sid="Artifacts"),
    ))],
    tg=tags(owner="api"),
    last_used=("2025-11-20T13:58:01Z", "us-east-1"),
)
role(
    "codebuild-acme-api", "2022-03-09T15:22:40Z", trust_service("codebuild.amazonaws.com"),
    inlines=[inline("BuildAcmeApi", doc(
        allow("ecr:GetAuthorizationToken", sid="EcrLogin"),
        allow(["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
               "ecr:CompleteLayerUpload", "ecr:PutImage"], f"arn:aws:ecr:us-east-1:{ACCT}:repository/acme-api",
              sid="PushImage"),
        allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
              f"arn:aws:logs:us-east-1:{ACCT}:log-group:/aws/codebuild/acme-api*", sid="BuildLogs"),
        allow(["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::acme-build-artifacts/acme-api/*", sid="Artifacts"),
    ))],
    tg=tags(owner="api"),
    last_used=("2025-11-20T17:21:45Z", "us-east-1"),
)

# Lambda execution roles
role(
    "acme-api-lambda", "2021-03-22T11:10:05Z", trust_service("lambda.amazonaws.com"),
    attached=[LAMBDA_BASIC],
    inlines=[inline("ApiTables", doc(
        allow(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
              f"arn:aws:dynamodb:us-east-1:{ACCT}:table/acme-api-*", sid="Tables"),
    ))],
    tg=tags(owner="api"),
    last_used=(RECENT + "17:00:12Z", "us-east-1"),
)
role(
    "acme-ops-automation-lambda", "2020-12-01T19:45:51Z", trust_service("lambda.amazonaws.com"),
    attached=[LAMBDA_BASIC, ADMIN],
    tg=tags(owner="sre", purpose="nightly cleanup of orphaned resources"),
    last_used=(RECENT + "02:00:41Z", "us-east-1"),
)
role(
    "acme-billing-export-lambda", "2022-01-17T08:31:09Z", trust_service("lambda.amazonaws.com"),
    attached=[LAMBDA_BASIC],
    inlines=[inline("ExportCosts", doc(
        allow(["ce:GetCostAndUsage", "ce:GetCostForecast"], sid="CostExplorer"),
        allow("s3:PutObject", "arn:aws:s3:::acme-finance-exports/*", sid="WriteExports"),
    ))],
    tg=tags(owner="finance-eng"),
    last_used=(RECENT + "04:00:03Z", "us-east-1"),
)
role(
    "cloud-custodian", "2023-07-25T13:16:22Z", trust_service("lambda.amazonaws.com"),
    attached=[LAMBDA_BASIC],
    inlines=[
        inline("CustodianRemediation", doc(
            allow(["iam:*", "ec2:Describe*", "ec2:CreateTags", "ec2:DeleteTags", "s3:GetBucket*",
                   "s3:ListAllMyBuckets", "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration"],
                  sid="Remediate"),
        )),
        inline("DenyIAMChanges", Plain(doc(
            deny("iam:*", sid="NoIAMFromCustodian"),
        ))),
    ],
    tg=tags(owner="security"),
    last_used=(RECENT + "06:15:09Z", "us-east-1"),
)

# ECS
role(
    "acme-api-task", "2021-03-22T11:12:47Z", trust_service("ecs-tasks.amazonaws.com"),
    inlines=[inline("ApiRuntime", doc(
        allow(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
               "dynamodb:BatchGetItem"], f"arn:aws:dynamodb:us-east-1:{ACCT}:table/acme-api-*", sid="Tables"),
        allow("secretsmanager:GetSecretValue",
              f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/acme-api/*", sid="Secrets"),
        allow("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCT}:ingest-jobs", sid="EnqueueIngest"),
    ))],
    tg=tags(owner="api", env="prod"),
    last_used=(RECENT + "17:02:55Z", "us-east-1"),
)
role(
    "ingest-worker-task", "2021-08-09T10:48:30Z", trust_service("ecs-tasks.amazonaws.com"),
    inlines=[inline("IngestPipeline", doc(
        allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
              f"arn:aws:sqs:us-east-1:{ACCT}:ingest-jobs", sid="Queue"),
        allow(["s3:GetObject", "s3:PutObject"],
              ["arn:aws:s3:::acme-datalake-raw/*", "arn:aws:s3:::acme-customer-uploads/*"], sid="Objects"),
        allow(["kms:Decrypt", "kms:GenerateDataKey"],
              f"arn:aws:kms:us-east-1:{ACCT}:key/5d1f0b8e-7a3c-4e29-9b64-2c8d9e0f1a7b", sid="DatalakeKey"),
    ))],
    tg=tags(owner="data", env="prod"),
    last_used=(RECENT + "17:03:20Z", "us-east-1"),
)
role(
    "ecsTaskExecutionRole", "2021-03-22T11:08:19Z",
    doc({"Sid": "", "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
         "Action": "sts:AssumeRole"}),
    attached=[ECS_TASK_EXEC],
    last_used=(RECENT + "16:59:48Z", "us-east-1"),
)

# EC2 (instance profiles)
role(
    "web-frontend-ec2", "2020-02-11T14:33:01Z", trust_service("ec2.amazonaws.com"),
    attached=[SSM_CORE], profile="web-frontend-ec2",
    inlines=[inline("StaticAssets", doc(
        allow(["s3:GetObject", "s3:ListBucket"],
              ["arn:aws:s3:::acme-static-assets", "arn:aws:s3:::acme-static-assets/*"], sid="Assets"),
    ))],
    tg=tags(owner="web", env="prod"),
    last_used=(RECENT + "17:04:11Z", "us-east-1"),
)
role(
    "bastion-ec2", "2019-08-05T09:15:40Z", trust_service("ec2.amazonaws.com"),
    attached=[SSM_CORE], profile="bastion-ec2",
    tg=tags(owner="sre"),
    last_used=("2025-10-02T08:11:19Z", "us-east-1"),
)
role(
    "reporting-worker-ec2", "2022-11-03T22:10:15Z", trust_service("ec2.amazonaws.com"),
    attached=[SSM_CORE, REPORTING_WORKER], profile="reporting-worker",
    tg=tags(owner="data", env="prod"),
    last_used=(RECENT + "05:30:26Z", "us-east-1"),
)

# Data and ML
role(
    "glue-etl-job", "2021-08-09T10:52:04Z", trust_service("glue.amazonaws.com"),
    inlines=[inline("EtlDatalake", doc(
        allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
              ["arn:aws:s3:::acme-datalake-raw", "arn:aws:s3:::acme-datalake-raw/*",
               "arn:aws:s3:::acme-datalake-curated", "arn:aws:s3:::acme-datalake-curated/*"], sid="Datalake"),
        allow(["glue:GetTable", "glue:GetTables", "glue:GetDatabase", "glue:CreateTable", "glue:UpdateTable",
               "glue:BatchCreatePartition", "glue:GetPartitions"], sid="Catalog"),
        allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
              f"arn:aws:logs:us-east-1:{ACCT}:log-group:/aws-glue/*", sid="Logs"),
    ))],
    tg=tags(owner="data"),
    last_used=(RECENT + "03:12:55Z", "us-east-1"),
)
role(
    "sagemaker-execution", "2023-04-18T15:40:36Z", trust_service("sagemaker.amazonaws.com"),
    inlines=[inline("ModelTraining", doc(
        allow(["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
              ["arn:aws:s3:::acme-ml-artifacts", "arn:aws:s3:::acme-ml-artifacts/*",
               "arn:aws:s3:::acme-datalake-curated", "arn:aws:s3:::acme-datalake-curated/*"], sid="Data"),
        allow(["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], sid="Images"),
        allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "cloudwatch:PutMetricData"],
              sid="Telemetry"),
    ))],
    tg=tags(owner="ml"),
    last_used=("2025-11-14T12:20:07Z", "us-east-1"),
)
role(
    "data-pipeline-operator", "2024-02-26T09:18:44Z", aws_trust(CAROL),
    inlines=[inline("OperateDataPipelines", doc(
        allow(["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:GetJob", "glue:GetJobs"],
              sid="RunJobs"),
        allow(["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
              f"arn:aws:athena:us-east-1:{ACCT}:workgroup/*", sid="Athena"),
        allow(["s3:GetObject", "s3:ListBucket"],
              ["arn:aws:s3:::acme-datalake-curated", "arn:aws:s3:::acme-datalake-curated/*"], sid="ReadCurated"),
        allow(["iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies"],
              f"{IAM}:role/data-pipeline-*", sid="ManagePipelineRolePolicies"),
    ))],
    tg=tags(owner="data"),
    last_used=("2025-11-18T10:44:31Z", "us-east-1"),
)

# Cross-account, break-glass, support
role(
    "SecurityAuditCrossAccount", "2022-06-13T16:25:00Z",
    aws_trust("arn:aws:iam::999988887777:root",
              cond={"StringEquals": {"sts:ExternalId": "acme-audit-3e8c1f52"}}),
    attached=[READONLY],
    tg=tags(owner="security", vendor="external-auditor"),
    last_used=("2025-11-03T22:01:16Z", "eu-west-1"),
)
role(
    "break-glass-admin", "2022-02-08T17:26:40Z",
    aws_trust(f"{IAM}:root", cond={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
    attached=[ADMIN],
    tg=tags(owner="sre", purpose="emergency access; pages security on use"),
)
role(
    "acme-support-escalations", "2024-03-11T19:52:08Z", aws_trust(f"{IAM}:root"),
    attached=[ADMIN],
    tg=tags(owner="customer-support", purpose="temporary admin for ticket SUP-4412"),
    last_used=("2024-03-12T08:37:55Z", "us-east-1"),
)
role(
    "acme-support-readonly", "2023-03-01T10:02:26Z", aws_trust(f"{IAM}:root"),
    attached=[READONLY],
    inlines=[inline("SupportCases", doc(allow(["support:*"], sid="Support")))],
    tg=tags(owner="customer-support"),
    last_used=("2025-11-20T14:09:30Z", "us-east-1"),
)
role(
    "ami-pipeline", "2023-11-29T11:37:14Z", trust_service("states.amazonaws.com"),
    inlines=[inline("BakeAmis", doc(
        allow("iam:PassRole", "*", sid="PassInstanceRoles",
              cond={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction", "lambda:DeleteFunction"], f"{LAMBDA_FN}:*",
              sid="HelperFunctions"),
        allow(["ec2:CreateImage", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:CreateTags",
               "ec2:DeregisterImage"], sid="Images"),
    ))],
    tg=tags(owner="platform"),
    last_used=("2025-11-17T01:00:22Z", "us-east-1"),
)

# IAM Identity Center (SSO) permission sets
SSO = "/aws-reserved/sso.amazonaws.com/"
role("AWSReservedSSO_AdministratorAccess_8d3e1f0a9c2b4d57", "2022-01-05T10:44:12Z", sso_trust(), path=SSO,
     attached=[ADMIN], last_used=(RECENT + "15:12:09Z", "us-east-1"))
role("AWSReservedSSO_ReadOnlyAccess_2b7f6c1d0e9a8b34", "2022-01-05T10:44:13Z", sso_trust(), path=SSO,
     attached=[READONLY], last_used=(RECENT + "13:47:21Z", "us-east-1"))
role(
    "AWSReservedSSO_DataEngineer_61f0c3a2e8d47b95", "2023-05-09T08:10:50Z", sso_trust(), path=SSO,
    inlines=[inline("AwsSSOInlinePolicy", doc(
        allow(["athena:*"], sid="Athena"),
        allow(["glue:Get*", "glue:BatchGet*", "glue:SearchTables"], sid="Catalog"),
        allow(["s3:GetObject", "s3:ListBucket"],
              ["arn:aws:s3:::acme-datalake-*", "arn:aws:s3:::acme-datalake-*/*"], sid="ReadDatalake"),
        allow(["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::acme-athena-results/*", sid="QueryResults"),
    ))],
    last_used=("2025-11-20T09:02:47Z", "us-east-1"),
)

# Service-linked and AWS service roles
role("AWSServiceRoleForECS", "2021-03-22T11:05:02Z", trust_service("ecs.amazonaws.com"),
     path="/aws-service-role/ecs.amazonaws.com/", attached=[ECS_SLR],
     last_used=(RECENT + "16:59:50Z", "us-east-1"))
role("AWSServiceRoleForSupport", "2019-03-14T09:05:37Z", trust_service("support.amazonaws.com"),
     path="/aws-service-role/support.amazonaws.com/", attached=[SUPPORT_SLR],
     last_used=("2025-11-20T14:11:04Z", "us-east-1"))
role("AWSBackupDefaultServiceRole", "2021-09-14T07:48:33Z", trust_service("backup.amazonaws.com"),
     path="/service-role/", attached=[BACKUP], last_used=(RECENT + "05:00:18Z", "us-east-1"))
role("rds-monitoring-role", "2020-05-19T13:27:51Z",
     doc({"Sid": "", "Effect": "Allow", "Principal": {"Service": "monitoring.rds.amazonaws.com"},
          "Action": "sts:AssumeRole"}),
     attached=[RDS_MON], plain_trust=True, last_used=(RECENT + "17:04:00Z", "us-east-1"))
role(
    "vpc-flow-logs-delivery", "2020-05-19T13:40:18Z", trust_service("vpc-flow-logs.amazonaws.com"),
    inlines=[inline("FlowLogsToCloudWatch", doc(
        allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups",
               "logs:DescribeLogStreams"], f"arn:aws:logs:*:{ACCT}:log-group:/vpc/flow-logs*", sid="Deliver"),
    ))],
    last_used=(RECENT + "17:01:13Z", "us-east-1"),
)
role(
    "firehose-logs-delivery", "2022-07-21T09:54:36Z", trust_service("firehose.amazonaws.com"),
    inlines=[inline("DeliverToS3", doc(
        allow(["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
               "s3:ListBucketMultipartUploads", "s3:PutObject"],
              ["arn:aws:s3:::acme-app-logs", "arn:aws:s3:::acme-app-logs/*"], sid="S3"),
    ))],
    tg=tags(owner="sre"),
    last_used=(RECENT + "17:00:58Z", "us-east-1"),
)

# ---------------------------------------------------------- attachment counts
by_arn = {p["Arn"]: p for p in POLICIES}
for ent in USERS + GROUPS + ROLES:
    for a in ent["AttachedManagedPolicies"]:
        by_arn[a["PolicyArn"]]["AttachmentCount"] += 1
    pb = ent.get("PermissionsBoundary")
    if pb:
        by_arn[pb["PermissionsBoundaryArn"]]["PermissionsBoundaryUsageCount"] += 1

# Customer-managed first (sorted), then AWS-managed, as GAAD tends to list.
POLICIES.sort(key=lambda p: (p["Arn"].startswith(AWSP), p["PolicyName"].lower()))

out = {
    "UserDetailList": USERS,
    "GroupDetailList": GROUPS,
    "RoleDetailList": sorted(ROLES, key=lambda r: r["RoleName"].lower()),
    "Policies": POLICIES,
    "IsTruncated": False,
}
sys.stdout.write(json.dumps(out, indent=2) + "\n")
print(f"users={len(USERS)} groups={len(GROUPS)} roles={len(ROLES)} policies={len(POLICIES)}", file=sys.stderr)
