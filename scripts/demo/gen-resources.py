#!/usr/bin/env python3
"""Generates the Acme Analytics demo's offline CLI outputs (fixtures/demo/aws).

Run from the repository root. gaad.json is edited in place (idempotently):
two inline policies and two roles are added. Every other file is rewritten.
"""
import base64
import json
import os
import urllib.parse

ACCT = "111122223333"
MGMT = "999900001111"
STAGING = "222233334444"
PARTNER = "444455556666"
AUDITOR = "999988887777"
ORG = "o-acme12345"
REGION = "us-east-1"
OUT = "fixtures/demo/aws"


def iam(res):
    return f"arn:aws:iam::{ACCT}:{res}"


def enc(doc):
    """URL-encodes a policy document the way GetAccountAuthorizationDetails does."""
    return urllib.parse.quote(json.dumps(doc, separators=(",", ":")), safe="/")


def pretty(doc):
    """A policy document as the services return it inside a JSON string."""
    return json.dumps(doc, indent=4)


def compact(doc):
    return json.dumps(doc, separators=(",", ":"))


def write(name, value):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(json.dumps(value, indent=4, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- gaad.json

def edit_gaad():
    path = os.path.join(OUT, "gaad.json")
    g = json.load(open(path))

    dave = next(u for u in g["UserDetailList"] if u["UserName"] == "dave.okafor")
    dave["UserPolicyList"] = [{
        "PolicyName": "OpsCleanupHotfix",
        "PolicyDocument": enc({"Version": "2012-10-17", "Statement": [{
            "Sid": "HotfixNightlyCleanup", "Effect": "Allow",
            "Action": ["lambda:GetFunction", "lambda:UpdateFunctionCode", "lambda:InvokeFunction"],
            "Resource": f"arn:aws:lambda:{REGION}:{ACCT}:function:acme-ops-nightly-cleanup"}]}),
    }]

    sre = next(x for x in g["GroupDetailList"] if x["GroupName"] == "sre-oncall")
    sre["GroupPolicyList"] = [p for p in sre["GroupPolicyList"] if p["PolicyName"] != "RunbookAutomation"]
    sre["GroupPolicyList"].append({
        "PolicyName": "RunbookAutomation",
        "PolicyDocument": enc({"Version": "2012-10-17", "Statement": [
            {"Sid": "RunRunbooksOnInstances", "Effect": "Allow", "Action": "ssm:SendCommand",
             "Resource": [f"arn:aws:ec2:{REGION}:{ACCT}:instance/*",
                          f"arn:aws:ssm:{REGION}::document/AWS-RunShellScript",
                          f"arn:aws:ssm:{REGION}::document/AWS-RunPatchBaseline"]},
            {"Sid": "FollowCommands", "Effect": "Allow",
             "Action": ["ssm:ListCommands", "ssm:ListCommandInvocations", "ssm:GetCommandInvocation",
                        "ssm:DescribeInstanceInformation"],
             "Resource": "*"}]}),
    })

    new_roles = [
        {
            "Path": "/",
            "RoleName": "cloudformation-network-deploy",
            "RoleId": "AROAQ7NW3KD5TXM2VHR8E",
            "Arn": iam("role/cloudformation-network-deploy"),
            "CreateDate": "2021-04-12T10:15:44Z",
            "AssumeRolePolicyDocument": enc({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "cloudformation.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}),
            "InstanceProfileList": [],
            "RolePolicyList": [{
                "PolicyName": "ManageNetworkStack",
                "PolicyDocument": enc({"Version": "2012-10-17", "Statement": [{
                    "Sid": "Networking", "Effect": "Allow",
                    "Action": ["ec2:Describe*", "ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute",
                               "ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:CreateRouteTable",
                               "ec2:DeleteRouteTable", "ec2:CreateRoute", "ec2:DeleteRoute",
                               "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
                               "ec2:CreateInternetGateway", "ec2:AttachInternetGateway",
                               "ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:AllocateAddress",
                               "ec2:ReleaseAddress", "ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint",
                               "ec2:DeleteVpcEndpoints", "ec2:CreateTags"],
                    "Resource": "*"}]}),
            }],
            "AttachedManagedPolicies": [],
            "Tags": [{"Key": "owner", "Value": "platform"}, {"Key": "managed-by", "Value": "cloudformation"}],
            "RoleLastUsed": {"LastUsedDate": "2025-10-30T14:22:51Z", "Region": REGION},
        },
        {
            "Path": "/",
            "RoleName": "security-key-admin",
            "RoleId": "AROAR4JX8PLW2CN6TYK3M",
            "Arn": iam("role/security-key-admin"),
            "CreateDate": "2022-06-13T16:40:09Z",
            "AssumeRolePolicyDocument": enc({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": iam("root")}, "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
            "InstanceProfileList": [],
            "RolePolicyList": [{
                "PolicyName": "KeyInventory",
                "PolicyDocument": enc({"Version": "2012-10-17", "Statement": [{
                    "Sid": "ListKeys", "Effect": "Allow", "Action": ["kms:ListKeys", "kms:ListAliases"],
                    "Resource": "*"}]}),
            }],
            "AttachedManagedPolicies": [],
            "Tags": [{"Key": "owner", "Value": "security"},
                     {"Key": "purpose", "Value": "administers customer-managed KMS keys"}],
            "RoleLastUsed": {"LastUsedDate": "2025-09-15T09:03:27Z", "Region": REGION},
        },
    ]
    names = {r["RoleName"] for r in new_roles}
    roles = [r for r in g["RoleDetailList"] if r["RoleName"] not in names] + new_roles
    roles.sort(key=lambda r: r["RoleName"].lower())
    g["RoleDetailList"] = roles
    with open(path, "w") as f:
        f.write(json.dumps(g, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- compute

PROFILES = {
    "web-frontend-ec2": "AIPA5VB5VHDQCJIERB75N",
    "bastion-ec2": "AIPAOWICKIILAIOMEV2SR",
    "reporting-worker": "AIPA3OF6P3GJ3G6AC6XWI",
}

FUNCTIONS = [
    # name, role, description, runtime, memory, timeout, env
    ("acme-api-handler", "acme-api-lambda", "Public API request handler", "python3.12", 512, 29,
     {"TABLE_PREFIX": "acme-api-", "LOG_LEVEL": "info"}),
    ("acme-billing-export", "acme-billing-export-lambda", "Daily cost export to acme-finance-exports",
     "python3.12", 256, 300, {"EXPORT_BUCKET": "acme-finance-exports"}),
    ("acme-ops-nightly-cleanup", "acme-ops-automation-lambda",
     "Nightly cleanup of orphaned snapshots, volumes and ENIs", "python3.12", 1024, 900,
     {"DRY_RUN": "false", "LOG_LEVEL": "info"}),
    ("custodian-s3-public-block", "cloud-custodian", "Cloud Custodian: enforce S3 public access block",
     "python3.11", 512, 120, {"C7N_POLICY": "s3-public-block"}),
]


def lambda_files():
    fns = []
    for i, (name, role, desc, runtime, mem, timeout, env) in enumerate(FUNCTIONS):
        fns.append({
            "FunctionName": name,
            "FunctionArn": f"arn:aws:lambda:{REGION}:{ACCT}:function:{name}",
            "Runtime": runtime,
            "Role": iam(f"role/{role}"),
            "Handler": "app.handler",
            "CodeSize": 18342 + 1117 * i,
            "Description": desc,
            "Timeout": timeout,
            "MemorySize": mem,
            "LastModified": ["2025-10-28T14:02:11.000+0000", "2025-06-03T08:44:52.000+0000",
                             "2025-11-04T19:31:07.000+0000", "2025-09-22T11:15:38.000+0000"][i],
            "CodeSha256": ["u3mQ0c8G9T1pJx2yVq4bN7rW5eK6aZ0dL1sF8hC2vYo=",
                           "Jk7dW2qN9xR4tB1mE6yH3cV8pL0sZ5aF2gU7iO4nQwA=",
                           "Pz3xH8vL1cN6tR9qW2bM5yK0dF7gJ4sA8eU1iO3nVkE=",
                           "Rb6yT1wQ4nK9cV2xM7pL0dH5sF8gJ3aE6uZ1iO4tNqY="][i],
            "Version": "$LATEST",
            "Environment": {"Variables": env},
            "TracingConfig": {"Mode": "PassThrough"},
            "RevisionId": ["6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c", "0b8e4d2f-7a1c-4c39-8e5b-6f7a8b9c0d1e",
                           "c4d5e6f7-8a9b-4c0d-9e1f-2a3b4c5d6e7f", "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"][i],
            "PackageType": "Zip",
            "Architectures": ["arm64"],
            "EphemeralStorage": {"Size": 512},
            "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
            "LoggingConfig": {"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO",
                              "LogGroup": f"/aws/lambda/{name}"},
        })
    write("lambda-list-functions.json", {"Functions": fns})

    def fn(name):
        return f"arn:aws:lambda:{REGION}:{ACCT}:function:{name}"
    write("lambda-get-policy.json", [
        {
            "FunctionName": fn("acme-api-handler"),
            "Policy": compact({"Version": "2012-10-17", "Id": "default", "Statement": [{
                "Sid": "apigateway-acme-public-api", "Effect": "Allow",
                "Principal": {"Service": "apigateway.amazonaws.com"},
                "Action": "lambda:InvokeFunction", "Resource": fn("acme-api-handler"),
                "Condition": {"ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:{REGION}:{ACCT}:k7x2m9q4d1/*/*/*"}}}]}),
            "RevisionId": "6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c",
        },
        {
            "FunctionName": fn("acme-billing-export"),
            "Policy": compact({"Version": "2012-10-17", "Id": "default", "Statement": [{
                "Sid": "finops-scheduler-invoke", "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{MGMT}:role/finops-scheduler"},
                "Action": "lambda:InvokeFunction", "Resource": fn("acme-billing-export")}]}),
            "RevisionId": "0b8e4d2f-7a1c-4c39-8e5b-6f7a8b9c0d1e",
        },
    ])


INSTANCES = [
    # id, name, az, profile, state, private ip, type, launch
    ("i-0c4e7a91b2d3f5a60", "web-frontend-1", "us-east-1a", "web-frontend-ec2", "running", "10.20.1.14",
     "t3.medium", "2025-10-06T07:12:44+00:00"),
    ("i-0c4e7a91b2d3f5a61", "web-frontend-2", "us-east-1b", "web-frontend-ec2", "running", "10.20.2.27",
     "t3.medium", "2025-10-06T07:12:46+00:00"),
    ("i-07b2e9d4c1a3f8e52", "bastion", "us-east-1a", "bastion-ec2", "running", "10.20.0.8",
     "t3.micro", "2023-01-17T10:03:19+00:00"),
    ("i-0f1d3c5b7a9e2c4d6", "reporting-worker-1", "us-east-1c", "reporting-worker", "running", "10.20.3.41",
     "m6i.large", "2025-08-25T22:40:05+00:00"),
    ("i-02a4c6e8f0b1d3e57", "legacy-sftp", "us-east-1a", None, "stopped", "10.20.0.19",
     "t3.small", "2021-03-02T15:27:50+00:00"),
]

SG = {"web-frontend": "sg-01a2b3c4d5e6f7a8b", "bastion": "sg-02b3c4d5e6f7a8b9c",
      "reporting-worker": "sg-03c4d5e6f7a8b9c0d", "legacy-sftp": "sg-04d5e6f7a8b9c0d1e"}

MANAGED = {  # instance id -> (ping status, last ping, computer name)
    "i-0c4e7a91b2d3f5a60": ("Online", "2025-11-21T17:58:03.412000+00:00"),
    "i-0c4e7a91b2d3f5a61": ("Online", "2025-11-21T17:57:41.009000+00:00"),
    "i-0f1d3c5b7a9e2c4d6": ("Online", "2025-11-21T17:59:12.881000+00:00"),
}


def ec2_files():
    reservations = []
    for i, (iid, name, az, profile, state, ip, typ, launch) in enumerate(INSTANCES):
        inst = {
            "AmiLaunchIndex": 0,
            "ImageId": "ami-0d9e2c4b6a8f1e3d5" if profile != "bastion-ec2" else "ami-05c3a1e9d7b4f2a60",
            "InstanceId": iid,
            "InstanceType": typ,
            "LaunchTime": launch,
            "Monitoring": {"State": "disabled"},
            "Placement": {"AvailabilityZone": az, "GroupName": "", "Tenancy": "default"},
            "PrivateDnsName": f"ip-{ip.replace('.', '-')}.ec2.internal",
            "PrivateIpAddress": ip,
            "ProductCodes": [],
            "PublicDnsName": "",
            "State": {"Code": 16, "Name": "running"} if state == "running" else {"Code": 80, "Name": "stopped"},
            "StateTransitionReason": "" if state == "running" else "User initiated (2024-02-09 11:20:31 GMT)",
            "SubnetId": {"us-east-1a": "subnet-0a1f3c5e7b9d2e4f6", "us-east-1b": "subnet-0b2e4d6f8a1c3e5b7",
                         "us-east-1c": "subnet-0c3d5f7a9b2e4c6d8"}[az],
            "VpcId": "vpc-0e4a6c8b2d1f3a5c7",
            "Architecture": "x86_64",
            "BlockDeviceMappings": [],
            "EbsOptimized": typ.startswith("m6i"),
            "EnaSupport": True,
            "Hypervisor": "xen",
            "NetworkInterfaces": [],
            "RootDeviceName": "/dev/xvda",
            "RootDeviceType": "ebs",
            "SecurityGroups": [{"GroupName": name.rstrip("-12"), "GroupId": SG[name.rstrip("-12")]}],
            "SourceDestCheck": True,
            "VirtualizationType": "hvm",
            "MetadataOptions": {"State": "applied",
                                "HttpTokens": "optional" if name in ("bastion", "legacy-sftp") else "required",
                                "HttpPutResponseHopLimit": 1 if name in ("bastion", "legacy-sftp") else 2,
                                "HttpEndpoint": "enabled"},
            "PlatformDetails": "Linux/UNIX",
            "Tags": [{"Key": "Name", "Value": name}, {"Key": "env", "Value": "prod"}],
        }
        if profile:
            inst["IamInstanceProfile"] = {"Arn": iam(f"instance-profile/{profile}"), "Id": PROFILES[profile]}
        reservations.append({"Groups": [], "Instances": [inst], "OwnerId": ACCT,
                             "ReservationId": f"r-0{i+1}d4f6a8c0e2b4d6f"})
    write("ec2-describe-instances.json", {"Reservations": reservations})

    infos = []
    for iid, name, az, profile, state, ip, typ, launch in INSTANCES:
        if iid not in MANAGED:
            continue
        ping, last = MANAGED[iid]
        infos.append({
            "InstanceId": iid, "PingStatus": ping, "LastPingDateTime": last,
            "AgentVersion": "3.3.1142.0", "IsLatestVersion": False,
            "PlatformType": "Linux", "PlatformName": "Amazon Linux", "PlatformVersion": "2023",
            "ResourceType": "EC2Instance", "IPAddress": ip,
            "ComputerName": f"ip-{ip.replace('.', '-')}.ec2.internal",
            "AssociationStatus": "Success", "SourceId": iid, "SourceType": "AWS::EC2::Instance",
        })
    write("ssm-describe-instance-information.json", {"InstanceInformationList": infos})

    lt = "lt-0e5a7c9b1d3f2a4b6"
    write("ec2-describe-launch-templates.json", [{"Region": REGION, "LaunchTemplates": [{
        "LaunchTemplateId": lt, "LaunchTemplateName": "acme-web-frontend",
        "CreateTime": "2024-04-15T09:21:37+00:00", "CreatedBy": iam("role/terraform-apply"),
        "DefaultVersionNumber": 2, "LatestVersionNumber": 2,
        "Tags": [{"Key": "owner", "Value": "web"}]}]}])
    user_data = base64.b64encode(b"#!/bin/bash\ndnf -y update\nsystemctl enable --now acme-web\n").decode()
    versions = []
    for number, profile_ref, created in ((2, {"Arn": iam("instance-profile/web-frontend-ec2")}, "2025-10-01T12:08:55+00:00"),
                                         (1, {"Name": "web-frontend-ec2"}, "2024-04-15T09:21:37+00:00")):
        versions.append({
            "LaunchTemplateId": lt, "LaunchTemplateName": "acme-web-frontend", "VersionNumber": number,
            "VersionDescription": "AL2023, IMDSv2 required" if number == 2 else "initial",
            "CreateTime": created, "CreatedBy": iam("role/terraform-apply"), "DefaultVersion": number == 2,
            "LaunchTemplateData": {
                "ImageId": "ami-0d9e2c4b6a8f1e3d5" if number == 2 else "ami-0a7c5e3b1d9f8e6c4",
                "InstanceType": "t3.medium",
                "UserData": user_data,
                "IamInstanceProfile": profile_ref,
                "MetadataOptions": {"HttpTokens": "required"} if number == 2 else {"HttpTokens": "optional"},
            },
        })
    write("ec2-describe-launch-template-versions.json", [{"Region": REGION, "LaunchTemplateVersions": versions}])


def cfn_codebuild_glue_sagemaker():
    write("cloudformation-describe-stacks.json", {"Stacks": [
        {
            "StackId": f"arn:aws:cloudformation:{REGION}:{ACCT}:stack/acme-network/3f9c1e20-9b4a-11eb-a8b3-0e4f6a8c2d11",
            "StackName": "acme-network",
            "Description": "VPC, subnets, NAT gateways and VPC endpoints of acme-prod",
            "Parameters": [{"ParameterKey": "VpcCidr", "ParameterValue": "10.20.0.0/16"},
                           {"ParameterKey": "NatGateways", "ParameterValue": "2"}],
            "CreationTime": "2021-04-12T10:31:02.118000+00:00",
            "LastUpdatedTime": "2025-10-30T14:23:40.507000+00:00",
            "RollbackConfiguration": {},
            "StackStatus": "UPDATE_COMPLETE",
            "DisableRollback": False,
            "NotificationARNs": [],
            "Capabilities": [],
            "Outputs": [{"OutputKey": "VpcId", "OutputValue": "vpc-0e4a6c8b2d1f3a5c7"},
                        {"OutputKey": "S3EndpointId", "OutputValue": "vpce-0a1b2c3d4e5f67890"}],
            "RoleARN": iam("role/cloudformation-network-deploy"),
            "Tags": [{"Key": "owner", "Value": "platform"}],
            "EnableTerminationProtection": True,
            "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
        },
        {
            "StackId": f"arn:aws:cloudformation:{REGION}:{ACCT}:stack/acme-monitoring/7a2d4c60-3e1f-11ee-9c5a-12a4b6c8d0e2",
            "StackName": "acme-monitoring",
            "Description": "CloudWatch alarms and dashboards",
            "CreationTime": "2023-08-18T08:02:51.440000+00:00",
            "StackStatus": "CREATE_COMPLETE",
            "DisableRollback": False,
            "NotificationARNs": [f"arn:aws:sns:{REGION}:{ACCT}:acme-alerts"],
            "Tags": [{"Key": "owner", "Value": "sre"}],
            "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
        },
    ]})

    def project(name, role, repo, desc, created, modified, env):
        return {
            "name": name,
            "arn": f"arn:aws:codebuild:{REGION}:{ACCT}:project/{name}",
            "description": desc,
            "source": {"type": "GITHUB", "location": f"https://github.com/acme/{repo}.git",
                       "gitCloneDepth": 1, "buildspec": "buildspec.yml", "reportBuildStatus": True,
                       "insecureSsl": False},
            "artifacts": {"type": "NO_ARTIFACTS"},
            "cache": {"type": "NO_CACHE"},
            "environment": {"type": "ARM_CONTAINER", "image": "aws/codebuild/amazonlinux2-aarch64-standard:3.0",
                            "computeType": "BUILD_GENERAL1_SMALL", "environmentVariables": env,
                            "privilegedMode": name == "acme-api", "imagePullCredentialsType": "CODEBUILD"},
            "serviceRole": iam(f"role/{role}"),
            "timeoutInMinutes": 60,
            "queuedTimeoutInMinutes": 480,
            "encryptionKey": f"arn:aws:kms:{REGION}:{ACCT}:alias/aws/s3",
            "tags": [{"key": "owner", "value": "api"}],
            "created": created,
            "lastModified": modified,
            "badge": {"badgeEnabled": False},
            "logsConfig": {"cloudWatchLogs": {"status": "ENABLED"}, "s3Logs": {"status": "DISABLED"}},
            "projectVisibility": "PRIVATE",
        }
    write("codebuild-batch-get-projects.json", {"projects": [
        project("acme-api", "codebuild-acme-api", "acme-api", "Builds and pushes the acme-api image",
                "2022-03-09T15:31:02.000000+00:00", "2025-07-14T10:12:45.000000+00:00",
                [{"name": "IMAGE_REPO", "value": f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/acme-api",
                  "type": "PLAINTEXT"}]),
        project("acme-serverless-deploy", "codebuild-serverless-deploy", "acme-serverless",
                "Deploys the serverless functions", "2022-10-18T09:44:10.000000+00:00",
                "2025-05-02T16:38:19.000000+00:00",
                [{"name": "STAGE", "value": "prod", "type": "PLAINTEXT"}]),
    ], "projectsNotFound": []})

    write("glue-get-jobs.json", [{"Region": REGION, "Jobs": [
        {
            "Name": "datalake-nightly-etl",
            "Description": "raw to curated, partitioned by day",
            "Role": "glue-etl-job",
            "CreatedOn": "2021-08-09T11:02:17.310000+00:00",
            "LastModifiedOn": "2025-09-02T07:45:58.120000+00:00",
            "ExecutionProperty": {"MaxConcurrentRuns": 1},
            "Command": {"Name": "glueetl", "ScriptLocation": "s3://acme-datalake-raw/scripts/nightly_etl.py",
                        "PythonVersion": "3"},
            "DefaultArguments": {"--job-language": "python", "--TempDir": "s3://acme-datalake-raw/tmp/",
                                 "--enable-metrics": "true"},
            "MaxRetries": 1,
            "AllocatedCapacity": 10,
            "Timeout": 480,
            "MaxCapacity": 10.0,
            "WorkerType": "G.1X",
            "NumberOfWorkers": 10,
            "GlueVersion": "4.0",
            "ExecutionClass": "STANDARD",
        },
        {
            "Name": "curated-compaction",
            "Description": "weekly small-file compaction of the curated zone",
            "Role": iam("role/glue-etl-job"),
            "CreatedOn": "2023-02-20T13:15:40.000000+00:00",
            "LastModifiedOn": "2023-02-20T13:15:40.000000+00:00",
            "ExecutionProperty": {"MaxConcurrentRuns": 1},
            "Command": {"Name": "pythonshell", "ScriptLocation": "s3://acme-datalake-raw/scripts/compaction.py",
                        "PythonVersion": "3.9"},
            "DefaultArguments": {"--job-language": "python"},
            "MaxRetries": 0,
            "Timeout": 120,
            "MaxCapacity": 0.0625,
            "GlueVersion": "3.0",
        },
    ]}])
    write("glue-get-dev-endpoints.json", {"DevEndpoints": [{
        "EndpointName": "analytics-dev",
        "RoleArn": iam("role/glue-etl-job"),
        "SecurityGroupIds": ["sg-06c8e0a2b4d6f8a1c"],
        "SubnetId": "subnet-0a1f3c5e7b9d2e4f6",
        "PrivateAddress": "10.20.1.77",
        "Status": "READY",
        "WorkerType": "G.1X",
        "GlueVersion": "1.0",
        "NumberOfWorkers": 2,
        "AvailabilityZone": "us-east-1a",
        "VpcId": "vpc-0e4a6c8b2d1f3a5c7",
        "CreatedTimestamp": "2021-11-03T09:12:44.000000+00:00",
        "LastModifiedTimestamp": "2021-11-03T09:20:02.000000+00:00",
        "Arguments": {"--enable-glue-datacatalog": "", "GLUE_PYTHON_VERSION": "3"},
    }]})
    write("sagemaker-describe-notebook-instance.json", [{
        "NotebookInstanceArn": f"arn:aws:sagemaker:{REGION}:{ACCT}:notebook-instance/ml-research",
        "NotebookInstanceName": "ml-research",
        "NotebookInstanceStatus": "InService",
        "Url": "ml-research.notebook.us-east-1.sagemaker.aws",
        "InstanceType": "ml.t3.large",
        "SubnetId": "subnet-0c3d5f7a9b2e4c6d8",
        "SecurityGroups": ["sg-09e1a3c5b7d9f2e4a"],
        "RoleArn": iam("role/sagemaker-execution"),
        "NetworkInterfaceId": "eni-0f2a4c6e8b1d3f5a7",
        "LastModifiedTime": "2025-11-14T12:18:33.904000+00:00",
        "CreationTime": "2023-04-18T15:52:10.211000+00:00",
        "DirectInternetAccess": "Disabled",
        "VolumeSizeInGB": 50,
        "RootAccess": "Disabled",
        "PlatformIdentifier": "notebook-al2-v3",
        "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"},
    }])


# ---------------------------------------------------------------- data

BUCKETS = [
    ("acme-app-logs", "2022-07-21T09:58:12+00:00"),
    ("acme-athena-results", "2021-08-09T10:40:33+00:00"),
    ("acme-backups", "2019-11-27T03:05:41+00:00"),
    ("acme-build-artifacts", "2022-03-09T15:18:02+00:00"),
    ("acme-cloudtrail-logs", "2019-03-14T09:02:26+00:00"),
    ("acme-customer-uploads", "2021-03-22T10:58:49+00:00"),
    ("acme-datalake-curated", "2021-08-09T10:36:15+00:00"),
    ("acme-datalake-raw", "2021-08-09T10:35:52+00:00"),
    ("acme-dev-sandbox", "2021-01-11T10:02:37+00:00"),
    ("acme-docs-site", "2024-05-06T14:11:08+00:00"),
    ("acme-edge-logs", "2023-06-05T12:44:19+00:00"),
    ("acme-finance-exports", "2022-01-17T08:25:40+00:00"),
    ("acme-ml-artifacts", "2023-04-18T15:33:57+00:00"),
    ("acme-reports", "2022-11-03T22:02:48+00:00"),
    ("acme-static-assets", "2020-02-11T14:21:30+00:00"),
    ("acme-terraform-state", "2021-06-30T11:58:04+00:00"),
]


def s3(name, objects=False):
    return f"arn:aws:s3:::{name}" + ("/*" if objects else "")


def data_files():
    write("s3api-list-buckets.json", {
        "Buckets": [{"Name": n, "CreationDate": d, "BucketRegion": REGION} for n, d in BUCKETS],
        "Owner": {"DisplayName": "aws-acme-prod",
                  "ID": "4f2a9c7e1b3d5f8a0c6e2b4d9f1a3c5e7b9d0f2a4c6e8b1d3f5a7c9e0b2d4f6a"},
        "Prefix": None,
    })
    data_platform = [iam(f"role/{r}") for r in ("reporting-worker-ec2", "glue-etl-job", "data-pipeline-operator",
                                                "sagemaker-execution", "terraform-apply", "break-glass-admin")]
    data_platform.append(iam("role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataEngineer_*"))
    data_platform.append(iam("role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_*"))
    policies = [
        ("acme-cloudtrail-logs", {"Version": "2012-10-17", "Statement": [
            {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": s3("acme-cloudtrail-logs"),
             "Condition": {"StringEquals": {"aws:SourceArn": f"arn:aws:cloudtrail:{REGION}:{ACCT}:trail/acme-management-events"}}},
            {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::acme-cloudtrail-logs/AWSLogs/{ACCT}/*",
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                            "aws:SourceArn": f"arn:aws:cloudtrail:{REGION}:{ACCT}:trail/acme-management-events"}}},
        ]}),
        ("acme-datalake-curated", {"Version": "2012-10-17", "Statement": [
            {"Sid": "DataPlatformRolesOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [s3("acme-datalake-curated"), s3("acme-datalake-curated", True)],
             "Condition": {"ArnNotLike": {"aws:PrincipalArn": data_platform}}},
        ]}),
        ("acme-docs-site", {"Version": "2012-10-17", "Statement": [
            {"Sid": "PublicReadForWebsite", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": s3("acme-docs-site", True)},
        ]}),
        ("acme-edge-logs", {"Version": "2012-10-17", "Statement": [
            {"Sid": "EdgePartnerLogDelivery", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
             "Action": "s3:PutObject", "Resource": s3("acme-edge-logs", True)},
        ]}),
        ("acme-reports", {"Version": "2012-10-17", "Statement": [
            {"Sid": "OnlyThroughTheS3Endpoint", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [s3("acme-reports"), s3("acme-reports", True)],
             "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"},
                           "ArnNotLike": {"aws:PrincipalArn": iam("role/terraform-apply")}}},
        ]}),
    ]
    write("s3api-get-bucket-policy.json", [{"Bucket": b, "Policy": compact(p)} for b, p in policies])

    datalake_key = f"arn:aws:kms:{REGION}:{ACCT}:key/5d1f0b8e-7a3c-4e29-9b64-2c8d9e0f1a7b"
    trail_key = f"arn:aws:kms:{REGION}:{ACCT}:key/9b2e4c6a-1d3f-4a5b-8c7d-0e1f2a3b4c5d"
    write("kms-list-keys.json", {"Keys": [
        {"KeyId": "5d1f0b8e-7a3c-4e29-9b64-2c8d9e0f1a7b", "KeyArn": datalake_key},
        {"KeyId": "9b2e4c6a-1d3f-4a5b-8c7d-0e1f2a3b4c5d", "KeyArn": trail_key},
    ], "Truncated": False})
    admin_actions = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                     "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
                     "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]
    write("kms-get-key-policy.json", [
        {"KeyId": datalake_key, "Policy": pretty({"Version": "2012-10-17", "Id": "key-consolepolicy-3", "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": iam("root")},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
             "Principal": {"AWS": iam("role/security-key-admin")}, "Action": admin_actions, "Resource": "*"},
        ]}), "PolicyName": "default"},
        {"KeyId": trail_key, "Policy": pretty({"Version": "2012-10-17", "Id": "acme-cloudtrail-key", "Statement": [
            {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
             "Principal": {"AWS": iam("role/security-key-admin")}, "Action": admin_actions, "Resource": "*"},
            {"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*",
             "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceArn": f"arn:aws:cloudtrail:{REGION}:{ACCT}:trail/acme-management-events"},
                           "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCT}:trail/*"}}},
            {"Sid": "Allow CloudTrail to describe key", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:DescribeKey", "Resource": "*"},
        ]}), "PolicyName": "default"},
    ])

    def secret(name, suffix):
        return f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:{name}-{suffix}"
    secrets = [
        ("prod/acme-api/database", "Xk9P2q", "acme-api connection settings for acme-prod-postgres", "api",
         "2021-03-22T11:20:14+00:00", "2025-10-22T00:00:00+00:00", "2025-11-21T00:00:00+00:00", True),
        ("prod/acme-api/stripe", "R4tY7u", "Stripe restricted API key for billing", "api",
         "2022-01-17T08:40:02+00:00", "2024-09-03T13:44:10+00:00", "2025-11-21T00:00:00+00:00", False),
        ("prod/reporting/warehouse-readonly", "M2nB8v", "Read-only warehouse login for the reporting worker", "data",
         "2022-11-03T22:15:31+00:00", "2025-08-25T22:31:07+00:00", "2025-11-21T00:00:00+00:00", False),
        ("dev/acme-api/database", "Q7wE3r", "acme-api dev database settings", "api",
         "2021-03-22T11:21:40+00:00", "2025-02-10T09:12:55+00:00", "2025-11-20T00:00:00+00:00", False),
        ("service-keys/ci-legacy-deployer", "Z5xC1v", "Access key of user/service/ci-legacy-deployer for Jenkins",
         "security", "2021-07-19T10:40:03+00:00", "2021-07-19T10:40:03+00:00", "2025-11-14T00:00:00+00:00", False),
    ]
    entries = []
    for i, (name, suffix, desc, owner, created, changed, accessed, rotation) in enumerate(secrets):
        e = {"ARN": secret(name, suffix), "Name": name, "Description": desc}
        if rotation:
            e.update({"RotationEnabled": True,
                      "RotationLambdaARN": f"arn:aws:lambda:{REGION}:{ACCT}:function:SecretsManagerRDSPostgreSQLRotationSingleUser",
                      "RotationRules": {"AutomaticallyAfterDays": 30}, "LastRotatedDate": changed})
        e.update({"LastChangedDate": changed, "LastAccessedDate": accessed,
                  "Tags": [{"Key": "owner", "Value": owner}],
                  "SecretVersionsToStages": {f"{i+1:08x}-4c2e-4a6b-9d8f-{i+1:012x}": ["AWSCURRENT"]},
                  "CreatedDate": created})
        entries.append(e)
    write("secretsmanager-list-secrets.json", {"SecretList": entries})
    write("secretsmanager-get-resource-policy.json", [{
        "ARN": secret("prod/reporting/warehouse-readonly", "M2nB8v"),
        "Name": "prod/reporting/warehouse-readonly",
        "ResourcePolicy": pretty({"Version": "2012-10-17", "Statement": [{
            "Sid": "ReportingWorkerReads", "Effect": "Allow",
            "Principal": {"AWS": iam("role/reporting-worker-ec2")},
            "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}),
    }])

    params = [
        ("/acme/prod/api/log-level", "String", None, "2024-02-12T10:04:31.118000+00:00", "user/alice.nguyen", 4),
        ("/acme/prod/api/stripe-webhook-signing-key", "SecureString", "alias/aws/ssm",
         "2024-09-03T13:50:02.460000+00:00", "user/bob.schmidt", 2),
        ("/acme/prod/reporting/warehouse-dsn", "SecureString", "alias/aws/ssm",
         "2025-08-25T22:33:41.902000+00:00", "role/terraform-apply", 3),
        ("/acme/prod/web/session-signing-key", "SecureString", "alias/aws/ssm",
         "2023-11-06T16:20:18.337000+00:00", "role/terraform-apply", 1),
    ]
    plist = []
    for name, typ, key, modified, by, version in params:
        p = {"Name": name, "ARN": f"arn:aws:ssm:{REGION}:{ACCT}:parameter{name}", "Type": typ}
        if key:
            p["KeyId"] = key
        p.update({"LastModifiedDate": modified, "LastModifiedUser": iam(by), "Version": version,
                  "Tier": "Standard", "Policies": [], "DataType": "text"})
        plist.append(p)
    write("ssm-describe-parameters.json", [{"Region": REGION, "Parameters": plist}])

    write("dynamodb-list-tables.json", [{"Region": REGION, "TableNames": [
        "acme-api-accounts", "acme-api-sessions", "dev-orders", "terraform-locks"]}])

    write("rds-describe-db-instances.json", {"DBInstances": [{
        "DBInstanceIdentifier": "acme-prod-postgres",
        "DBInstanceClass": "db.r6g.large",
        "Engine": "postgres",
        "DBInstanceStatus": "available",
        "MasterUsername": "acme_admin",
        "DBName": "acme",
        "Endpoint": {"Address": "acme-prod-postgres.c8x2k4m6q9z1.us-east-1.rds.amazonaws.com", "Port": 5432,
                     "HostedZoneId": "Z2R2ITUGPM61AM"},
        "AllocatedStorage": 500,
        "InstanceCreateTime": "2021-03-22T11:16:40.527000+00:00",
        "AvailabilityZone": "us-east-1b",
        "MultiAZ": True,
        "EngineVersion": "16.4",
        "PubliclyAccessible": False,
        "StorageEncrypted": True,
        "KmsKeyId": f"arn:aws:kms:{REGION}:{ACCT}:key/2c4e6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c",
        "DbiResourceId": "db-K4XQ2M7P9ZRT3W6VNB5YHC8D1E",
        "DBInstanceArn": f"arn:aws:rds:{REGION}:{ACCT}:db:acme-prod-postgres",
        "IAMDatabaseAuthenticationEnabled": True,
        "DeletionProtection": True,
        "AssociatedRoles": [],
        "TagList": [{"Key": "owner", "Value": "api"}, {"Key": "env", "Value": "prod"}],
    }]})

    q = f"https://sqs.{REGION}.amazonaws.com/{ACCT}"
    write("sqs-list-queues.json", {"QueueUrls": [f"{q}/dev-orders", f"{q}/ingest-jobs", f"{q}/ingest-jobs-dlq"]})
    ingest = f"arn:aws:sqs:{REGION}:{ACCT}:ingest-jobs"
    write("sqs-get-queue-attributes.json", [
        {"QueueUrl": f"{q}/dev-orders", "Attributes": {"QueueArn": f"arn:aws:sqs:{REGION}:{ACCT}:dev-orders"}},
        {"QueueUrl": f"{q}/ingest-jobs", "Attributes": {
            "QueueArn": ingest,
            "Policy": compact({"Version": "2012-10-17", "Id": "ingest-jobs-policy", "Statement": [{
                "Sid": "UploadNotifications", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sqs:SendMessage", "Resource": ingest,
                "Condition": {"ArnLike": {"aws:SourceArn": s3("acme-customer-uploads")},
                              "StringEquals": {"aws:SourceAccount": ACCT}}}]})}},
        {"QueueUrl": f"{q}/ingest-jobs-dlq", "Attributes": {"QueueArn": f"arn:aws:sqs:{REGION}:{ACCT}:ingest-jobs-dlq"}},
    ])

    topic = f"arn:aws:sns:{REGION}:{ACCT}:acme-alerts"
    write("sns-list-topics.json", {"Topics": [{"TopicArn": topic}]})
    write("sns-get-topic-attributes.json", [{"TopicArn": topic, "Attributes": {
        "Policy": compact({"Version": "2012-10-17", "Id": "acme-alerts-policy", "Statement": [{
            "Sid": "CloudWatchAlarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "sns:Publish", "Resource": topic,
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCT}}}]}),
        "Owner": ACCT,
        "SubscriptionsPending": "0",
        "TopicArn": topic,
        "EffectiveDeliveryPolicy": compact({"http": {"defaultHealthyRetryPolicy": {"numRetries": 3}}}),
        "SubscriptionsConfirmed": "2",
        "DisplayName": "Acme alerts",
        "SubscriptionsDeleted": "0",
    }}])

    write("ecr-describe-repositories.json", {"repositories": [
        {"repositoryArn": f"arn:aws:ecr:{REGION}:{ACCT}:repository/{name}", "registryId": ACCT,
         "repositoryName": name, "repositoryUri": f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/{name}",
         "createdAt": created, "imageTagMutability": "IMMUTABLE",
         "imageScanningConfiguration": {"scanOnPush": True},
         "encryptionConfiguration": {"encryptionType": "AES256"}}
        for name, created in (("acme-api", "2021-03-22T11:02:51+00:00"), ("acme-ingest-worker", "2021-08-09T10:31:07+00:00"))
    ]})

    write("iam-list-open-id-connect-providers.json", {"OpenIDConnectProviderList": [
        {"Arn": iam("oidc-provider/token.actions.githubusercontent.com")}]})


# ---------------------------------------------------------------- credential report

HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
          "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
          "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
          "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
          "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
          "cert_2_active,cert_2_last_rotated")


def credential_report():
    g = json.load(open(os.path.join(OUT, "gaad.json")))
    users = {u["UserName"]: u for u in g["UserDetailList"]}

    def t(s):
        return s.replace("Z", "+00:00")

    # name: (password (last used, last changed) or None, key1 (rotated, used, region, service) or None)
    humans = {
        "alice.nguyen": (("2025-11-21T08:14:03", "2025-06-02T09:30:11"), ("2025-08-19T10:02:45", "2025-11-20T16:41:00", "us-east-1", "s3")),
        "bob.schmidt": (("2025-11-19T13:22:47", "2025-04-28T12:03:50"), ("2025-03-03T08:15:09", "2025-11-18T11:07:00", "us-east-1", "iam")),
        "carol.diaz": (("2025-11-21T07:48:19", "2025-08-11T07:51:24"), None),
        "dave.okafor": (("2025-11-20T15:02:33", "2025-03-17T09:40:02"), ("2024-05-13T14:20:38", "2025-11-20T15:10:00", "us-east-1", "lambda")),
        "nina.patel": (("2025-11-21T09:31:05", "2025-07-07T08:12:40"), None),
        "henry.ito": (("2025-11-18T16:55:12", "2025-05-19T13:27:31"), None),
        "erin.walsh": (("2025-11-17T10:04:29", "2025-09-01T08:00:54"), None),
        "ext-frank.miller": (("2025-11-17T08:30:44", "2025-09-04T08:10:02"), ("2023-09-04T08:15:27", "2025-11-17T09:02:00", "us-east-1", "s3")),
        "grace.lee": (("2025-11-21T10:12:56", "2025-03-01T10:20:13"), None),
        "lena.fischer": (("2025-11-20T07:05:38", "2025-02-24T07:00:29"), None),
        "priya.raman": (("2025-11-21T06:44:10", "2025-10-13T17:40:48"), None),
    }
    service = {
        "legacy-backup": ("2019-11-27T03:20:11", "2025-11-21T02:00:00", "us-east-1", "s3"),
        "datadog-integration": ("2020-08-12T15:40:02", None, None, None),
        "key-rotator": ("2021-07-19T10:31:12", "2025-11-21T01:00:00", "us-east-1", "iam"),
        "ci-legacy-deployer": ("2019-04-02T16:50:33", "2025-11-14T22:41:00", "us-east-1", "cloudformation"),
    }
    rows = [HEADER,
            f"<root_account>,arn:aws:iam::{ACCT}:root,2019-03-14T08:55:02+00:00,not_supported,"
            "2024-02-07T10:12:40+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,"
            "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"]
    for name, u in users.items():
        created = t(u["CreateDate"])
        if name in humans:
            (used, changed), key = humans[name]
            pw = ["true", used + "+00:00", changed + "+00:00", "N/A", "true"]
        else:
            key = service[name]
            pw = ["false", "N/A", "N/A", "N/A", "false"]
        if key:
            rotated, used, region, svc = key
            k1 = ["true", rotated + "+00:00", (used + "+00:00") if used else "N/A", region or "N/A", svc or "N/A"]
        else:
            k1 = ["false", "N/A", "N/A", "N/A", "N/A"]
        k2 = ["false", "N/A", "N/A", "N/A", "N/A"]
        rows.append(",".join([name, u["Arn"], created] + pw + k1 + k2 + ["false", "N/A", "false", "N/A"]))
    csv = "\n".join(rows)
    write("iam-get-credential-report.json", {
        "Content": base64.b64encode(csv.encode()).decode(),
        "ReportFormat": "text/csv",
        "GeneratedTime": "2025-11-21T18:05:12+00:00",
    })


# ---------------------------------------------------------------- organizations

ROOT_ID = "r-k3m9"
OUS = {"Workloads": "ou-k3m9-wkld7x2q", "Prod": "ou-k3m9-prod4c8n", "Staging": "ou-k3m9-stag5d1p"}
ACCOUNTS = [  # id, name, parent, email, joined, method
    (MGMT, "acme-management", ROOT_ID, "aws-management@acme-analytics.example", "2019-03-14T08:40:12.000000+00:00", "CREATED"),
    (ACCT, "acme-prod", OUS["Prod"], "aws-prod@acme-analytics.example", "2019-03-14T08:55:02.000000+00:00", "CREATED"),
    (STAGING, "acme-staging", OUS["Staging"], "aws-staging@acme-analytics.example", "2020-02-03T11:18:45.000000+00:00", "CREATED"),
]


def org_arn(kind, ident):
    if kind == "account":
        return f"arn:aws:organizations::{MGMT}:account/{ORG}/{ident}"
    return f"arn:aws:organizations::{MGMT}:{kind}/{ORG}/{ident}"


def org_files():
    write("organizations-describe-organization.json", {"Organization": {
        "Id": ORG,
        "Arn": f"arn:aws:organizations::{MGMT}:organization/{ORG}",
        "FeatureSet": "ALL",
        "MasterAccountArn": org_arn("account", MGMT),
        "MasterAccountId": MGMT,
        "MasterAccountEmail": "aws-management@acme-analytics.example",
        "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
    }})
    write("organizations-list-roots.json", {"Roots": [{
        "Id": ROOT_ID, "Arn": org_arn("root", ROOT_ID), "Name": "Root",
        "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},
                        {"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"}]}]})

    def ou(name):
        return {"Id": OUS[name], "Arn": org_arn("ou", OUS[name]), "Name": name}
    write("organizations-list-organizational-units-for-parent.json", [
        {"ParentId": ROOT_ID, "OrganizationalUnits": [ou("Workloads")]},
        {"ParentId": OUS["Workloads"], "OrganizationalUnits": [ou("Prod"), ou("Staging")]},
        {"ParentId": OUS["Prod"], "OrganizationalUnits": []},
        {"ParentId": OUS["Staging"], "OrganizationalUnits": []},
    ])
    by_parent = {}
    for aid, name, parent, email, joined, method in ACCOUNTS:
        by_parent.setdefault(parent, []).append({
            "Id": aid, "Arn": org_arn("account", aid), "Email": email, "Name": name,
            "Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": method, "JoinedTimestamp": joined})
    write("organizations-list-accounts-for-parent.json", [
        {"ParentId": p, "Accounts": by_parent.get(p, [])}
        for p in (ROOT_ID, OUS["Workloads"], OUS["Prod"], OUS["Staging"])])

    full_scp = {"Id": "p-FullAWSAccess", "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
                "Name": "FullAWSAccess", "Description": "Allows access to every operation",
                "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": True}
    guard = {"Id": "p-4x8k2m7q", "Arn": f"arn:aws:organizations::{MGMT}:policy/{ORG}/service_control_policy/p-4x8k2m7q",
             "Name": "acme-prod-guardrails",
             "Description": "Prod accounts may not leave the organization or stop CloudTrail",
             "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": False}
    full_rcp = {"Id": "p-RCPFullAWSAccess", "Arn": "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess",
                "Name": "RCPFullAWSAccess", "Description": "Allows access to every operation",
                "Type": "RESOURCE_CONTROL_POLICY", "AwsManaged": True}
    perimeter = {"Id": "p-5r9t1w3e", "Arn": f"arn:aws:organizations::{MGMT}:policy/{ORG}/resource_control_policy/p-5r9t1w3e",
                 "Name": "acme-data-perimeter",
                 "Description": "S3 and role assumption only by principals of the organization and named partners",
                 "Type": "RESOURCE_CONTROL_POLICY", "AwsManaged": False}
    write("organizations-list-policies.json", [
        {"Filter": "SERVICE_CONTROL_POLICY", "Policies": [full_scp, guard]},
        {"Filter": "RESOURCE_CONTROL_POLICY", "Policies": [full_rcp, perimeter]},
    ])
    contents = {
        "p-FullAWSAccess": compact({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        "p-4x8k2m7q": pretty({"Version": "2012-10-17", "Statement": [
            {"Sid": "DenyLeavingTheOrganization", "Effect": "Deny", "Action": "organizations:LeaveOrganization",
             "Resource": "*"},
            {"Sid": "ProtectCloudTrail", "Effect": "Deny", "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"],
             "Resource": "*"},
        ]}),
        "p-RCPFullAWSAccess": compact({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}),
        "p-5r9t1w3e": pretty({"Version": "2012-10-17", "Statement": [
            {"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
             "Action": ["s3:*", "sts:AssumeRole"], "Resource": "*",
             "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG,
                                                       "aws:PrincipalAccount": [PARTNER, AUDITOR]},
                           "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}},
        ]}),
    }
    write("organizations-describe-policy.json", [
        {"Policy": {"PolicySummary": s, "Content": contents[s["Id"]]}} for s in (full_scp, guard, full_rcp, perimeter)])

    def target(kind, ident, name):
        typ = {"root": "ROOT", "ou": "ORGANIZATIONAL_UNIT", "account": "ACCOUNT"}[kind]
        return {"TargetId": ident, "Arn": org_arn(kind, ident), "Name": name, "Type": typ}
    everywhere = ([target("root", ROOT_ID, "Root")] + [target("ou", OUS[n], n) for n in ("Workloads", "Prod", "Staging")]
                  + [target("account", a[0], a[1]) for a in ACCOUNTS])
    write("organizations-list-targets-for-policy.json", [
        {"PolicyId": "p-FullAWSAccess", "Targets": everywhere},
        {"PolicyId": "p-4x8k2m7q", "Targets": [target("ou", OUS["Prod"], "Prod")]},
        {"PolicyId": "p-RCPFullAWSAccess", "Targets": everywhere},
        {"PolicyId": "p-5r9t1w3e", "Targets": [target("root", ROOT_ID, "Root")]},
    ])


if __name__ == "__main__":
    edit_gaad()
    lambda_files()
    ec2_files()
    cfn_codebuild_glue_sagemaker()
    data_files()
    credential_report()
    org_files()
