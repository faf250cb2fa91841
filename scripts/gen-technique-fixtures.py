#!/usr/bin/env python3
"""Writes analysis/aws/testdata/techniques/<case>/gaad.json: one small account
per escalation technique, and one per near miss, in the exact format of
`aws iam get-account-authorization-details --output json` (policy documents
URL-encoded, as the API returns them).

The expected paths live in analysis/aws/techniques_test.go; this script only
makes the inputs. Run it from the repository root after changing a case:

    python3 scripts/gen-technique-fixtures.py
"""
import json
import os
import shutil
import urllib.parse

ACCOUNT = "123456789012"
OTHER = "210987654321"
OUT = os.path.join("analysis", "aws", "testdata", "techniques")
DATE = "2025-03-01T10:00:00Z"
ADMIN_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def enc(doc):
    return urllib.parse.quote(json.dumps(doc, separators=(",", ":")), safe="")


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra):
    st = {"Effect": "Allow", "Action": action, "Resource": resource}
    st.update(extra)
    return st


def deny(action, resource="*", **extra):
    st = {"Effect": "Deny", "Action": action, "Resource": resource}
    st.update(extra)
    return st


def arn(kind, name, account=ACCOUNT):
    if kind == "policy":
        return f"arn:aws:iam::{account}:policy/{name}"
    return f"arn:aws:iam::{account}:{kind}/{name}"


def ident(prefix, name):
    return (prefix + name.upper().replace("-", "") + "EXAMPLEID0000000")[:21]


class Account:
    def __init__(self, account=ACCOUNT):
        self.account = account
        self.users, self.groups, self.roles, self.policies = [], [], [], {}
        # files are other offline files: "<service>-<operation>.json" → CLI output.
        self.files = {}

    def user(self, name, inline=None, managed=(), groups=(), boundary=None):
        u = {
            "Path": "/", "UserName": name, "UserId": ident("AIDA", name),
            "Arn": arn("user", name, self.account), "CreateDate": DATE,
            "UserPolicyList": [{"PolicyName": k, "PolicyDocument": enc(v)} for k, v in (inline or {}).items()],
            "GroupList": list(groups),
            "AttachedManagedPolicies": [self._attach(a) for a in managed],
            "Tags": [],
        }
        if boundary:
            u["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
        self.users.append(u)

    def group(self, name, inline=None, managed=()):
        self.groups.append({
            "Path": "/", "GroupName": name, "GroupId": ident("AGPA", name),
            "Arn": arn("group", name, self.account), "CreateDate": DATE,
            "GroupPolicyList": [{"PolicyName": k, "PolicyDocument": enc(v)} for k, v in (inline or {}).items()],
            "AttachedManagedPolicies": [self._attach(a) for a in managed],
        })

    def role(self, name, trust, inline=None, managed=(), boundary=None, profile=False):
        r = {
            "Path": "/", "RoleName": name, "RoleId": ident("AROA", name),
            "Arn": arn("role", name, self.account), "CreateDate": DATE,
            "AssumeRolePolicyDocument": enc(trust),
            "InstanceProfileList": [],
            "RolePolicyList": [{"PolicyName": k, "PolicyDocument": enc(v)} for k, v in (inline or {}).items()],
            "AttachedManagedPolicies": [self._attach(a) for a in managed],
            "Tags": [], "RoleLastUsed": {},
        }
        if profile:
            r["InstanceProfileList"].append({
                "Path": "/", "InstanceProfileName": name, "InstanceProfileId": ident("AIPA", name),
                "Arn": f"arn:aws:iam::{self.account}:instance-profile/{name}", "CreateDate": DATE,
                "Roles": [],
            })
        if boundary:
            r["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
        self.roles.append(r)

    def policy(self, name, versions, default=None):
        a = arn("policy", name, self.account)
        default = default or sorted(versions)[-1]
        self.policies[a] = {
            "PolicyName": name, "PolicyId": ident("ANPA", name), "Arn": a, "Path": "/",
            "DefaultVersionId": default, "AttachmentCount": 0, "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True, "CreateDate": DATE, "UpdateDate": DATE,
            "PolicyVersionList": [
                {"Document": enc(d), "VersionId": v, "IsDefaultVersion": v == default, "CreateDate": DATE}
                for v, d in sorted(versions.items())
            ],
        }
        return a

    def _attach(self, policy_arn):
        name = policy_arn.rsplit("/", 1)[1]
        if policy_arn == ADMIN_ACCESS and policy_arn not in self.policies:
            self.policies[policy_arn] = {
                "PolicyName": "AdministratorAccess", "PolicyId": "ANPAIWMBCKSKIEE64ZLYK",
                "Arn": ADMIN_ACCESS, "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 0,
                "PermissionsBoundaryUsageCount": 0, "IsAttachable": True, "CreateDate": "2015-02-06T18:39:46Z",
                "UpdateDate": "2015-02-06T18:39:46Z",
                "PolicyVersionList": [{"Document": enc(doc(allow("*"))), "VersionId": "v1",
                                       "IsDefaultVersion": True, "CreateDate": "2015-02-06T18:39:46Z"}],
            }
        if policy_arn in self.policies:
            self.policies[policy_arn]["AttachmentCount"] += 1
        return {"PolicyName": name, "PolicyArn": policy_arn}

    def gaad(self):
        return {
            "UserDetailList": self.users, "GroupDetailList": self.groups,
            "RoleDetailList": self.roles, "Policies": list(self.policies.values()),
            "IsTruncated": False,
        }


def trusts(principal, **extra):
    st = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    st.update(extra)
    return doc(st)


ATTACKER = arn("user", "attacker")
ATTACKER_ROLE = arn("role", "attacker-role")
ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}


def with_admin_role(a, name="admin-role", trust=None):
    a.role(name, trust or trusts(ROOT), managed=[ADMIN_ACCESS])


def with_admin_user(a):
    a.user("admin", managed=[ADMIN_ACCESS])


CASES = {}


def case(name):
    def register(fn):
        CASES[name] = fn
        return fn
    return register


# --- positive cases: one per technique ---------------------------------

@case("admin-equivalent-policy")
def _(a):
    a.user("attacker", managed=[ADMIN_ACCESS])


@case("iam-001-create-policy-version")
def _(a):
    p = a.policy("attacker-self-service", {"v1": doc(allow("iam:CreatePolicyVersion", arn("policy", "attacker-self-service")))})
    a.user("attacker", managed=[p])


@case("iam-set-default-policy-version")
def _(a):
    p = a.policy("legacy-ops", {
        "v1": doc(allow("*")),
        "v2": doc(allow("iam:SetDefaultPolicyVersion", arn("policy", "legacy-ops")), allow("s3:ListAllMyBuckets")),
    }, default="v2")
    a.user("attacker", managed=[p])


@case("iam-002-create-access-key")
def _(a):
    with_admin_user(a)
    a.user("attacker", inline={"keys": doc(allow("iam:CreateAccessKey", arn("user", "admin")))})


@case("iam-004-create-login-profile")
def _(a):
    with_admin_user(a)
    a.user("attacker", inline={"console": doc(allow("iam:CreateLoginProfile", arn("user", "*")))})


@case("iam-005-put-role-policy")
def _(a):
    a.role("attacker-role", trusts({"Service": "ec2.amazonaws.com"}),
           inline={"self": doc(allow("iam:PutRolePolicy", ATTACKER_ROLE))})


@case("iam-006-update-login-profile")
def _(a):
    with_admin_user(a)
    a.user("attacker", inline={"console": doc(allow("iam:UpdateLoginProfile", arn("user", "admin")))})


@case("iam-007-put-user-policy")
def _(a):
    a.user("attacker", inline={"self": doc(allow("iam:PutUserPolicy", ATTACKER))})


@case("iam-008-attach-user-policy")
def _(a):
    a.user("attacker", inline={"self": doc(allow("iam:AttachUserPolicy", ATTACKER))})


@case("iam-009-attach-role-policy")
def _(a):
    a.role("attacker-role", trusts({"Service": "ec2.amazonaws.com"}),
           inline={"self": doc(allow("iam:AttachRolePolicy", ATTACKER_ROLE))})


@case("iam-010-attach-group-policy")
def _(a):
    a.group("developers", inline={"attach": doc(allow("iam:AttachGroupPolicy", arn("group", "developers")))})
    a.user("attacker", groups=["developers"])


@case("iam-011-put-group-policy")
def _(a):
    a.group("developers", inline={"edit": doc(allow("iam:PutGroupPolicy", arn("group", "developers")))})
    a.user("attacker", groups=["developers"])


@case("iam-012-update-assume-role-policy")
def _(a):
    with_admin_role(a, trust=trusts({"Service": "ec2.amazonaws.com"}))
    a.user("attacker", inline={"trust": doc(allow("iam:UpdateAssumeRolePolicy", arn("role", "admin-role")))})


@case("iam-013-add-user-to-group")
def _(a):
    a.group("admins", managed=[ADMIN_ACCESS])
    a.user("attacker", inline={"join": doc(allow("iam:AddUserToGroup", arn("group", "admins")))})


@case("iam-013-join-iam-writer-group")
def _(a):
    # The group is not AdministratorAccess, but its policy allows iam:* on
    # "*": a member may put any policy on itself, so joining it is two steps
    # from administrator.
    a.group("iam-operators", inline={"iam": doc(allow("iam:*"))})
    a.user("attacker", inline={"join": doc(allow("iam:AddUserToGroup", arn("group", "iam-operators")))})


@case("iam-013-join-group-to-pass-role")
def _(a):
    # The group holds PassRole and Lambda, not administrator: whoever joins
    # it holds them too, and passes the admin role to a new function.
    a.role("workload-admin", trusts({"Service": "lambda.amazonaws.com"}), managed=[ADMIN_ACCESS])
    a.group("deployers", inline={"deploy": doc(allow("iam:PassRole", WORKLOAD_ADMIN),
                                               allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))})
    a.user("attacker", inline={"join": doc(allow("iam:AddUserToGroup", arn("group", "deployers")))})


@case("near-miss-join-iam-reader-group")
def _(a):
    # A group that reads IAM only: joining it controls nothing.
    a.group("iam-auditors", inline={"iam": doc(allow(["iam:Get*", "iam:List*"]))})
    a.user("attacker", inline={"join": doc(allow("iam:AddUserToGroup", arn("group", "iam-auditors")))})


@case("sts-001-trust-names-user")
def _(a):
    # The trust names the user itself: no sts:AssumeRole permission needed.
    with_admin_role(a, trust=trusts({"AWS": ATTACKER}))
    a.user("attacker")


@case("sts-001-trust-names-account")
def _(a):
    with_admin_role(a)
    a.user("attacker", inline={"assume": doc(allow("sts:AssumeRole", arn("role", "admin-role")))})


@case("sts-001-chain")
def _(a):
    # user -> deploy-role -> deploy-role attaches admin to itself.
    a.role("deploy-role", trusts({"AWS": ATTACKER}),
           inline={"self": doc(allow(["iam:AttachRolePolicy", "iam:ListRoles"], arn("role", "deploy-role")))})
    a.user("attacker")


@case("split-across-policies")
def _(a):
    # iam:PassRole in one policy, Lambda in a group policy: the path needs both.
    a.role("lambda-admin", trusts({"Service": "lambda.amazonaws.com"}), managed=[ADMIN_ACCESS])
    a.group("serverless", inline={"lambda": doc(allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))})
    a.user("attacker", groups=["serverless"], inline={"pass": doc(allow("iam:PassRole", arn("role", "lambda-admin")))})


@case("not-action")
def _(a):
    # NotAction "s3:*" allows every IAM action, PutUserPolicy on itself included.
    a.user("attacker", inline={"almost-everything": doc({"Effect": "Allow", "NotAction": ["s3:*", "ec2:*"], "Resource": ATTACKER})})


@case("mixed-case-action")
def _(a):
    a.user("attacker", inline={"self": doc(allow("IAM:putuserPOLICY", ATTACKER))})


@case("iam-put-star")
def _(a):
    a.user("attacker", inline={"self": doc(allow("iam:Put*", ATTACKER))})


@case("conditional-mfa-trust")
def _(a):
    with_admin_role(a, name="break-glass", trust=trusts(
        {"AWS": ATTACKER}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    a.user("attacker")


# --- two-step paths: reach a principal, then make it administrator -----

TARGET_ROLE = arn("role", "app-role")
TARGET_USER = arn("user", "svc-deployer")


@case("iam-014-attach-role-policy-and-assume")
def _(a):
    a.role("app-role", trusts({"AWS": ATTACKER}))
    a.user("attacker", inline={"p": doc(allow("iam:AttachRolePolicy", TARGET_ROLE))})


@case("iam-015-attach-user-policy-and-create-key")
def _(a):
    a.user("svc-deployer")
    a.user("attacker", inline={"p": doc(allow(["iam:AttachUserPolicy", "iam:CreateAccessKey"], TARGET_USER))})


@case("iam-016-create-policy-version-and-assume")
def _(a):
    p = a.policy("app-policy", {"v1": doc(allow("s3:GetObject"))})
    a.role("app-role", trusts({"AWS": ATTACKER}), managed=[p])
    a.user("attacker", inline={"p": doc(allow("iam:CreatePolicyVersion", p))})


@case("iam-017-put-role-policy-and-assume")
def _(a):
    a.role("app-role", trusts(ROOT))
    a.user("attacker", inline={"p": doc(allow(["iam:PutRolePolicy", "sts:AssumeRole"], TARGET_ROLE))})


@case("iam-018-put-user-policy-and-create-key")
def _(a):
    a.user("svc-deployer")
    a.user("attacker", inline={"p": doc(allow(["iam:PutUserPolicy", "iam:CreateAccessKey"], TARGET_USER))})


@case("iam-019-attach-role-policy-and-update-trust")
def _(a):
    a.role("app-role", trusts({"Service": "ec2.amazonaws.com"}))
    a.user("attacker", inline={"p": doc(allow(["iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"], TARGET_ROLE))})


@case("iam-020-create-policy-version-and-update-trust")
def _(a):
    p = a.policy("app-policy", {"v1": doc(allow("s3:GetObject"))})
    a.role("app-role", trusts({"Service": "ec2.amazonaws.com"}), managed=[p])
    a.user("attacker", inline={"p": doc(allow("iam:CreatePolicyVersion", p), allow("iam:UpdateAssumeRolePolicy", TARGET_ROLE))})


@case("iam-021-put-role-policy-and-update-trust")
def _(a):
    a.role("app-role", trusts({"Service": "ec2.amazonaws.com"}))
    a.user("attacker", inline={"p": doc(allow(["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"], TARGET_ROLE))})


# --- new-passrole: pass an administrator role to a service that runs code --

NEW_PASSROLE = {
    "apprunner-001": ("tasks.apprunner.amazonaws.com", ["apprunner:CreateService"]),
    "bedrock-001": ("bedrock-agentcore.amazonaws.com", ["bedrock-agentcore:CreateCodeInterpreter",
                    "bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"]),
    "cloudformation-001": ("cloudformation.amazonaws.com", ["cloudformation:CreateStack"]),
    "cloudformation-003": ("cloudformation.amazonaws.com", ["cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"]),
    "cloudformation-004": ("cloudformation.amazonaws.com", ["cloudformation:UpdateStackSet"]),
    "codebuild-001": ("codebuild.amazonaws.com", ["codebuild:CreateProject", "codebuild:StartBuild"]),
    "codebuild-004": ("codebuild.amazonaws.com", ["codebuild:CreateProject", "codebuild:StartBuildBatch"]),
    "datapipeline-001": ("datapipeline.amazonaws.com", ["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition",
                         "datapipeline:ActivatePipeline"]),
    "ec2-001": ("ec2.amazonaws.com", ["ec2:RunInstances"]),
    "ec2-003": ("ec2.amazonaws.com", ["ec2:RequestSpotInstances"]),
    "ecs-001": ("ecs-tasks.amazonaws.com", ["ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:CreateService"]),
    "ecs-002": ("ecs-tasks.amazonaws.com", ["ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:RunTask"]),
    "ecs-003": ("ecs-tasks.amazonaws.com", ["ecs:RegisterTaskDefinition", "ecs:CreateService"]),
    "ecs-004": ("ecs-tasks.amazonaws.com", ["ecs:RegisterTaskDefinition", "ecs:RunTask"]),
    "ecs-005": ("ecs-tasks.amazonaws.com", ["ecs:RegisterTaskDefinition", "ecs:StartTask"]),
    "glue-001": ("glue.amazonaws.com", ["glue:CreateDevEndpoint"]),
    "glue-003": ("glue.amazonaws.com", ["glue:CreateJob", "glue:StartJobRun"]),
    "glue-004": ("glue.amazonaws.com", ["glue:CreateJob", "glue:CreateTrigger"]),
    "glue-005": ("glue.amazonaws.com", ["glue:UpdateJob", "glue:StartJobRun"]),
    "glue-006": ("glue.amazonaws.com", ["glue:UpdateJob", "glue:CreateTrigger"]),
    "lambda-001": ("lambda.amazonaws.com", ["lambda:CreateFunction", "lambda:InvokeFunction"]),
    "lambda-002": ("lambda.amazonaws.com", ["lambda:CreateFunction", "lambda:CreateEventSourceMapping"]),
    "lambda-006": ("lambda.amazonaws.com", ["lambda:CreateFunction", "lambda:AddPermission"]),
    "sagemaker-001": ("sagemaker.amazonaws.com", ["sagemaker:CreateNotebookInstance"]),
    "sagemaker-002": ("sagemaker.amazonaws.com", ["sagemaker:CreateTrainingJob"]),
    "sagemaker-003": ("sagemaker.amazonaws.com", ["sagemaker:CreateProcessingJob"]),
}
SERVICE_ADMIN = arn("role", "service-admin")


def new_passrole_case(technique, service, actions):
    def build(a):
        # The service role carries AdministratorAccess; EC2 needs it in an
        # instance profile. The attacker's actions are split over two
        # policies, as they often are.
        a.role("service-admin", trusts({"Service": service}), managed=[ADMIN_ACCESS], profile=service == "ec2.amazonaws.com")
        a.user("attacker", inline={
            "pass": doc(allow("iam:PassRole", SERVICE_ADMIN)),
            "compute": doc(allow(actions)),
        })
    return build


for _technique, (_service, _actions) in NEW_PASSROLE.items():
    CASES[_technique + "-passrole"] = new_passrole_case(_technique, _service, _actions)


@case("near-miss-passrole-trust-other-service")
def _(a):
    # Lambda may be created, but the role trusts only ECS tasks.
    a.role("service-admin", trusts({"Service": "ecs-tasks.amazonaws.com"}), managed=[ADMIN_ACCESS])
    a.user("attacker", inline={"p": doc(allow("iam:PassRole", SERVICE_ADMIN),
                                        allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))})


@case("near-miss-passrole-missing-action")
def _(a):
    # CreateFunction without any way to run the function.
    a.role("service-admin", trusts({"Service": "lambda.amazonaws.com"}), managed=[ADMIN_ACCESS])
    a.user("attacker", inline={"p": doc(allow("iam:PassRole", SERVICE_ADMIN), allow("lambda:CreateFunction"))})


@case("near-miss-ec2-without-instance-profile")
def _(a):
    a.role("service-admin", trusts({"Service": "ec2.amazonaws.com"}), managed=[ADMIN_ACCESS])
    a.user("attacker", inline={"p": doc(allow("iam:PassRole", SERVICE_ADMIN), allow("ec2:RunInstances"))})


# --- existing-passrole: take over a resource that already runs as a role --

REGION = "us-east-1"
WORKLOAD_ADMIN = arn("role", "workload-admin")
PROFILE = f"arn:aws:iam::{ACCOUNT}:instance-profile/workload-admin"
INSTANCE_ID = "i-0123456789abcdef0"
INSTANCE = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{INSTANCE_ID}"


def lambda_function(a, name="app-worker"):
    a.files["lambda-list-functions"] = {"Functions": [{
        "FunctionName": name, "FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
        "Runtime": "python3.12", "Role": WORKLOAD_ADMIN, "Handler": "app.handler", "PackageType": "Zip"}]}
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def instance(a, ssm=False):
    a.files["ec2-describe-instances"] = {"Reservations": [{"ReservationId": "r-0123456789abcdef0", "OwnerId": ACCOUNT, "Instances": [{
        "InstanceId": INSTANCE_ID, "InstanceType": "t3.micro", "State": {"Code": 16, "Name": "running"},
        "Placement": {"AvailabilityZone": REGION + "a"},
        "IamInstanceProfile": {"Arn": PROFILE, "Id": "AIPAWORKLOADADMIN0001"}}]}]}
    if ssm:
        a.files["ssm-describe-instance-information"] = [{"Region": REGION, "InstanceInformationList": [{
            "InstanceId": INSTANCE_ID, "PingStatus": "Online", "PlatformType": "Linux", "ResourceType": "EC2Instance"}]}]
    return INSTANCE


def launch_template(a):
    lt = "lt-0123456789abcdef0"
    a.files["ec2-describe-launch-templates"] = [{"Region": REGION, "LaunchTemplates": [{
        "LaunchTemplateId": lt, "LaunchTemplateName": "workers", "DefaultVersionNumber": 1, "LatestVersionNumber": 1}]}]
    a.files["ec2-describe-launch-template-versions"] = [{"Region": REGION, "LaunchTemplateVersions": [{
        "LaunchTemplateId": lt, "LaunchTemplateName": "workers", "VersionNumber": 1, "DefaultVersion": True,
        "LaunchTemplateData": {"ImageId": "ami-0abcdef1234567890", "IamInstanceProfile": {"Arn": PROFILE}}}]}]
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:launch-template/{lt}"


def stack(a):
    sid = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/app/5b1c0a30-6a1b-11ef-8d3a-0a1b2c3d4e5f"
    a.files["cloudformation-describe-stacks"] = {"Stacks": [{
        "StackId": sid, "StackName": "app", "RoleARN": WORKLOAD_ADMIN, "StackStatus": "CREATE_COMPLETE",
        "CreationTime": "2024-09-01T10:00:00.123000+00:00"}]}
    return sid


def project(a):
    parn = f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/build"
    a.files["codebuild-batch-get-projects"] = {"projects": [{"name": "build", "arn": parn, "serviceRole": WORKLOAD_ADMIN}],
                                               "projectsNotFound": []}
    return parn


def dev_endpoint(a):
    a.files["glue-get-dev-endpoints"] = [{"Region": REGION, "DevEndpoints": [{
        "EndpointName": "dev", "RoleArn": WORKLOAD_ADMIN, "Status": "READY", "AvailabilityZone": REGION + "b"}]}]
    return f"arn:aws:glue:{REGION}:{ACCOUNT}:devEndpoint/dev"


def notebook(a):
    nb = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/research"
    a.files["sagemaker-describe-notebook-instance"] = [{
        "NotebookInstanceArn": nb, "NotebookInstanceName": "research", "NotebookInstanceStatus": "InService",
        "RoleArn": WORKLOAD_ADMIN}]
    return nb


def apprunner(a):
    sarn = f"arn:aws:apprunner:{REGION}:{ACCOUNT}:service/api/8fe1e10304f84fd2b0df550fe98a71fa"
    a.files["apprunner-describe-service"] = [{"Service": {
        "ServiceName": "api", "ServiceId": "8fe1e10304f84fd2b0df550fe98a71fa", "ServiceArn": sarn, "Status": "RUNNING",
        "InstanceConfiguration": {"Cpu": "1024", "Memory": "2048", "InstanceRoleArn": WORKLOAD_ADMIN}}}]
    return sarn


def code_interpreter(a):
    carn = f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:code-interpreter-custom/analytics-a1B2c3D4e5"
    a.files["bedrock-agentcore-control-get-code-interpreter"] = [{
        "codeInterpreterId": "analytics-a1B2c3D4e5", "codeInterpreterArn": carn, "name": "analytics",
        "executionRoleArn": WORKLOAD_ADMIN, "status": "READY"}]
    return carn


# technique → (service principal, resource maker, actions on the resource, actions anywhere)
EXISTING = {
    "apprunner-002": ("tasks.apprunner.amazonaws.com", apprunner, ["apprunner:UpdateService"], []),
    "bedrock-002": ("bedrock-agentcore.amazonaws.com", code_interpreter,
                    ["bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"], []),
    "cloudformation-002": ("cloudformation.amazonaws.com", stack, ["cloudformation:UpdateStack"], []),
    "cloudformation-005": ("cloudformation.amazonaws.com", stack,
                           ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"], []),
    "codebuild-002": ("codebuild.amazonaws.com", project, ["codebuild:StartBuild"], []),
    "codebuild-003": ("codebuild.amazonaws.com", project, ["codebuild:StartBuildBatch"], []),
    "ec2-002": ("ec2.amazonaws.com", instance, ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"], []),
    "ec2-004": ("ec2.amazonaws.com", launch_template, ["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"], []),
    "ec2instanceconnect-003": ("ec2.amazonaws.com", instance, ["ec2-instance-connect:SendSSHPublicKey"], ["ec2:DescribeInstances"]),
    "glue-002": ("glue.amazonaws.com", dev_endpoint, ["glue:UpdateDevEndpoint"], []),
    "lambda-003": ("lambda.amazonaws.com", lambda_function, ["lambda:UpdateFunctionCode"], []),
    "lambda-004": ("lambda.amazonaws.com", lambda_function, ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"], []),
    "lambda-005": ("lambda.amazonaws.com", lambda_function, ["lambda:UpdateFunctionCode", "lambda:AddPermission"], []),
    "sagemaker-004": ("sagemaker.amazonaws.com", notebook, ["sagemaker:CreatePresignedNotebookInstanceUrl"], []),
    "sagemaker-005": ("sagemaker.amazonaws.com", notebook, ["sagemaker:StopNotebookInstance", "sagemaker:UpdateNotebookInstance",
                      "sagemaker:StartNotebookInstance"], ["sagemaker:CreateNotebookInstanceLifecycleConfig"]),
    "ssm-001": ("ec2.amazonaws.com", lambda a: instance(a, ssm=True), ["ssm:StartSession"], []),
    "ssm-002": ("ec2.amazonaws.com", lambda a: instance(a, ssm=True), ["ssm:SendCommand"], []),
}


def existing_case(service, make, on_resource, anywhere):
    def build(a):
        a.role("workload-admin", trusts({"Service": service}), managed=[ADMIN_ACCESS], profile=service == "ec2.amazonaws.com")
        target = make(a)
        statements = [allow(on_resource, target)]
        if anywhere:
            statements.append(allow(anywhere))
        a.user("attacker", inline={"takeover": doc(*statements)})
    return build


for _technique, (_service, _make, _on, _any) in EXISTING.items():
    CASES[_technique + "-existing"] = existing_case(_service, _make, _on, _any)


@case("ec2-004-no-region")
def _(a):
    # ec2-004 as the AWS CLI prints the launch templates: no region in the
    # outputs. The template is a gap unless collect aws is given --region.
    existing_case(*EXISTING["ec2-004"])(a)
    for name in ("ec2-describe-launch-templates", "ec2-describe-launch-template-versions"):
        element = a.files[name][0]
        del element["Region"]
        a.files[name] = element


@case("near-miss-existing-other-function")
def _(a):
    lambda_function(a)
    a.role("workload-admin", trusts({"Service": "lambda.amazonaws.com"}), managed=[ADMIN_ACCESS])
    a.user("attacker", inline={"takeover": doc(allow(["lambda:UpdateFunctionCode", "lambda:InvokeFunction"],
                                                     f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:sandbox-*"))})


@case("near-miss-ssm-unmanaged-instance")
def _(a):
    a.role("workload-admin", trusts({"Service": "ec2.amazonaws.com"}), managed=[ADMIN_ACCESS], profile=True)
    instance(a, ssm=False)
    a.user("attacker", inline={"takeover": doc(allow("ssm:StartSession", INSTANCE))})


# --- decided conditions ------------------------------------------------

@case("policy-variable-self")
def _(a):
    # ${aws:username} resolves to the caller: the statement covers its own user.
    a.user("attacker", inline={"self-service": doc(allow("iam:PutUserPolicy", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"))})


@case("resource-tag-matches")
def _(a):
    a.role("attacker-role", trusts({"Service": "ec2.amazonaws.com"}),
           inline={"team": doc(allow("iam:PutRolePolicy", "*", Condition={"StringEquals": {"aws:ResourceTag/team": "platform"}}))})
    a.roles[-1]["Tags"] = [{"Key": "team", "Value": "platform"}]


@case("near-miss-resource-tag-differs")
def _(a):
    a.role("attacker-role", trusts({"Service": "ec2.amazonaws.com"}),
           inline={"team": doc(allow("iam:PutRolePolicy", "*", Condition={"StringEquals": {"aws:ResourceTag/team": "platform"}}))})
    a.roles[-1]["Tags"] = [{"Key": "team", "Value": "data"}]
    a.user("attacker")


@case("near-miss-external-id-in-account")
def _(a):
    # The role is meant for a vendor: an in-account caller has no external ID.
    with_admin_role(a, trust=trusts(ROOT, Condition={"StringEquals": {"sts:ExternalId": "vendor-7f3a"}}))
    a.user("attacker", inline={"assume": doc(allow("sts:AssumeRole", arn("role", "admin-role")))})


@case("near-miss-expired-grant")
def _(a):
    a.user("attacker", inline={"temporary": doc(allow(
        "iam:PutUserPolicy", ATTACKER, Condition={"DateLessThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}))})


@case("date-window-opened")
def _(a):
    # A grant that opened in the past (and closes in the future) holds now.
    a.user("attacker", inline={"window": doc(allow("iam:PutUserPolicy", ATTACKER, Condition={
        "DateGreaterThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"},
        "DateLessThan": {"aws:CurrentTime": "2099-01-01T00:00:00Z"}}))})


@case("date-window-future")
def _(a):
    # A window that opens in the future: the step depends on when the
    # attack happens, so it is conditional.
    a.user("attacker", inline={"later": doc(allow("iam:PutUserPolicy", ATTACKER, Condition={
        "DateGreaterThan": {"aws:CurrentTime": "2099-01-01T00:00:00Z"}}))})


@case("date-token-issue-role")
def _(a):
    # aws:TokenIssueTime after a past date: any session the attacker starts
    # now has it, so the role's self-edit holds.
    a.user("attacker", inline={"assume": doc(allow("sts:AssumeRole", ATTACKER_ROLE))})
    a.role("attacker-role", trusts({"AWS": ATTACKER}), inline={"self": doc(allow("iam:PutRolePolicy", ATTACKER_ROLE, Condition={
        "DateGreaterThan": {"aws:TokenIssueTime": "2025-01-01T00:00:00Z"}}))})


@case("near-miss-token-issue-user")
def _(a):
    # The same condition on a user: requests signed with its long-term
    # access keys carry no aws:TokenIssueTime, so it never matches.
    a.user("attacker", inline={"self": doc(allow("iam:PutUserPolicy", ATTACKER, Condition={
        "DateGreaterThan": {"aws:TokenIssueTime": "2025-01-01T00:00:00Z"}}))})


@case("near-miss-scp-denies")
def _(a):
    a.user("attacker", inline={"self": doc(allow("iam:PutUserPolicy", ATTACKER))})
    organization(a, deny_scp=doc({"Effect": "Deny", "Action": ["iam:PutUserPolicy", "iam:AttachUserPolicy"], "Resource": "*"}))


@case("scp-allows")
def _(a):
    # The same organization without the deny: the path is back.
    a.user("attacker", inline={"self": doc(allow("iam:PutUserPolicy", ATTACKER))})
    organization(a, deny_scp=None)


def organization(a, deny_scp, management=False):
    """Root → prod OU → ACCOUNT, FullAWSAccess everywhere, an optional deny SCP on the OU.
    With management, ACCOUNT is the management account, at the root; the OU holds another."""
    mgmt, org = "999900001111", "o-exampleorg1"
    member = ACCOUNT
    if management:
        mgmt, member = ACCOUNT, "999900001111"
    root_arn = f"arn:aws:organizations::{mgmt}:root/{org}/r-ab12"
    ou_arn = f"arn:aws:organizations::{mgmt}:ou/{org}/ou-ab12-prod0001"
    full = "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
    a.files["organizations-describe-organization"] = {"Organization": {
        "Id": org, "Arn": f"arn:aws:organizations::{mgmt}:organization/{org}", "FeatureSet": "ALL",
        "MasterAccountArn": f"arn:aws:organizations::{mgmt}:account/{org}/{mgmt}", "MasterAccountId": mgmt}}
    a.files["organizations-list-roots"] = {"Roots": [{"Id": "r-ab12", "Arn": root_arn, "Name": "Root",
        "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}]}
    a.files["organizations-list-organizational-units-for-parent"] = [
        {"ParentId": "r-ab12", "OrganizationalUnits": [{"Id": "ou-ab12-prod0001", "Arn": ou_arn, "Name": "prod"}]}]
    a.files["organizations-list-accounts-for-parent"] = [
        {"ParentId": "r-ab12", "Accounts": [{"Id": mgmt, "Arn": f"arn:aws:organizations::{mgmt}:account/{org}/{mgmt}",
                                             "Name": "management", "Status": "ACTIVE"}]},
        {"ParentId": "ou-ab12-prod0001", "Accounts": [{"Id": member, "Arn": f"arn:aws:organizations::{mgmt}:account/{org}/{member}",
                                                       "Name": "prod", "Status": "ACTIVE"}]}]
    summaries = [{"Id": "p-FullAWSAccess", "Arn": full, "Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": True}]
    described = [{"Policy": {"PolicySummary": summaries[0], "Content": json.dumps(doc(allow("*")), separators=(",", ":"))}}]
    targets = [{"PolicyId": "p-FullAWSAccess", "Targets": [
        {"TargetId": "r-ab12", "Arn": root_arn, "Name": "Root", "Type": "ROOT"},
        {"TargetId": "ou-ab12-prod0001", "Arn": ou_arn, "Name": "prod", "Type": "ORGANIZATIONAL_UNIT"},
        {"TargetId": member, "Arn": f"arn:aws:organizations::{mgmt}:account/{org}/{member}", "Name": "prod", "Type": "ACCOUNT"}]}]
    if deny_scp:
        deny_arn = f"arn:aws:organizations::{mgmt}:policy/{org}/service_control_policy/p-denyiam01"
        s = {"Id": "p-denyiam01", "Arn": deny_arn, "Name": "deny-iam-self-service", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": False}
        summaries.append(s)
        described.append({"Policy": {"PolicySummary": s, "Content": json.dumps(deny_scp, separators=(",", ":"))}})
        targets.append({"PolicyId": "p-denyiam01", "Targets": [
            {"TargetId": "ou-ab12-prod0001", "Arn": ou_arn, "Name": "prod", "Type": "ORGANIZATIONAL_UNIT"}]})
    a.files["organizations-list-policies"] = [{"Filter": "SERVICE_CONTROL_POLICY", "Policies": summaries}]
    a.files["organizations-describe-policy"] = described
    a.files["organizations-list-targets-for-policy"] = targets


# --- administrator after every guardrail (issue: admin means control of identities) ---

BREAK_GLASS = arn("role", "break-glass")
GUARDRAIL_SCP = doc({"Sid": "DenyIAMButBreakGlass", "Effect": "Deny", "Action": "iam:*", "Resource": "*",
                     "Condition": {"ArnNotLike": {"aws:PrincipalArn": BREAK_GLASS}}})
DATA_BUCKET = "arn:aws:s3:::acme-guardrail-data"
DATA_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


def data_resources(a):
    """A bucket and a customer-managed key whose policy delegates to the account."""
    a.files["s3api-list-buckets"] = {"Buckets": [{"Name": "acme-guardrail-data", "CreationDate": DATE}],
                                     "Owner": {"ID": "abc"}}
    a.files["kms-list-keys"] = [{"Region": REGION, "Keys": [{"KeyId": DATA_KEY.rsplit("/", 1)[1], "KeyArn": DATA_KEY}]}]
    a.files["kms-get-key-policy"] = [{"KeyId": DATA_KEY, "Policy": json.dumps(doc(
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"}), separators=(",", ":")), "PolicyName": "default"}]


@case("guardrail-iam-deny-break-glass")
def _(a):
    # A member account whose SCP denies IAM to everyone but break-glass:
    # AdministratorAccess makes break-glass alone administrator; ops-admin
    # reaches every bucket and key but controls no identity, nor does whoever
    # runs commands on the instance that runs as it, nor an iam:* user.
    # Break-glass trusts the security lead alone (with MFA), as such roles do.
    a.role("break-glass", trusts({"AWS": arn("user", "security-lead")},
                                 Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}), managed=[ADMIN_ACCESS])
    a.user("security-lead", inline={"assume": doc(allow("sts:AssumeRole", BREAK_GLASS))})
    a.role("ops-admin", trusts(ROOT), managed=[ADMIN_ACCESS])
    a.role("workload-admin", trusts({"Service": "ec2.amazonaws.com"}), managed=[ADMIN_ACCESS], profile=True)
    a.user("operator", inline={"run": doc(allow("ssm:SendCommand", [INSTANCE, f"arn:aws:ssm:{REGION}::document/AWS-RunShellScript"]))})
    a.user("iam-writer", inline={"iam": doc(allow("iam:*"))})
    instance(a, ssm=True)
    data_resources(a)
    organization(a, deny_scp=GUARDRAIL_SCP)


@case("guardrail-boundary-s3-only")
def _(a):
    # AdministratorAccess under a boundary that allows s3:* only: every
    # bucket, no identity.
    boundary = a.policy("s3-only-boundary", {"v1": doc(allow("s3:*"))})
    a.role("capped-admin", trusts(ROOT), managed=[ADMIN_ACCESS], boundary=boundary)
    data_resources(a)


@case("guardrail-mfa-admin")
def _(a):
    # "*" on "*" only with MFA at sign-in: a conditional administrator.
    a.user("mfa-admin", inline={"admin-with-mfa": doc(allow("*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))})
    data_resources(a)


@case("guardrail-management-account")
def _(a):
    # The same guardrail, but this account is the organization's management
    # account: SCPs do not apply to it, so both roles are administrators.
    a.role("break-glass", trusts(ROOT), managed=[ADMIN_ACCESS])
    a.role("ops-admin", trusts(ROOT), managed=[ADMIN_ACCESS])
    data_resources(a)
    organization(a, deny_scp=GUARDRAIL_SCP, management=True)


# --- credential report facts ----------------------------------------------

REPORT_HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                 "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                 "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                 "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
                 "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
                 "cert_1_last_rotated,cert_2_active,cert_2_last_rotated")


def credential_report(a, rows):
    """rows: (user name, password_enabled, key1 active, key2 active)."""
    import base64
    lines = [REPORT_HEADER,
             f"<root_account>,arn:aws:iam::{a.account}:root,{DATE},not_supported,2025-01-01T00:00:00+00:00,"
             "not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"]
    for name, password, k1, k2 in rows:
        def key(active):
            if active:
                return f"true,{DATE},2025-06-01T00:00:00+00:00,us-east-1,iam"
            return "false,N/A,N/A,N/A,N/A"
        pw = "true,2025-06-01T00:00:00+00:00,2025-01-01T00:00:00+00:00,N/A" if password else "false,N/A,N/A,N/A"
        lines.append(f"{name},{arn('user', name, a.account)},{DATE},{pw},false,{key(k1)},{key(k2)},false,N/A,false,N/A")
    content = base64.b64encode(("\n".join(lines) + "\n").encode()).decode()
    a.files["iam-get-credential-report"] = {"Content": content, "ReportFormat": "text/csv", "GeneratedTime": "2026-11-01T09:00:00+00:00"}


@case("iam-003-rotate-access-key")
def _(a):
    # The admin user already has two active keys: one must be deleted first.
    with_admin_user(a)
    a.user("attacker", inline={"keys": doc(allow(["iam:CreateAccessKey", "iam:DeleteAccessKey"], arn("user", "admin")))})
    credential_report(a, [("admin", False, True, True), ("attacker", True, False, False)])


@case("near-miss-two-keys-no-delete")
def _(a):
    with_admin_user(a)
    a.user("attacker", inline={"keys": doc(allow("iam:CreateAccessKey", arn("user", "admin")))})
    credential_report(a, [("admin", False, True, True), ("attacker", True, False, False)])


@case("near-miss-login-profile-exists")
def _(a):
    # The admin already has a console password: CreateLoginProfile fails.
    with_admin_user(a)
    a.user("attacker", inline={"console": doc(allow("iam:CreateLoginProfile", arn("user", "admin")))})
    credential_report(a, [("admin", True, False, False), ("attacker", True, False, False)])


# --- near misses: the attacker must get nothing -----------------------

@case("near-miss-granted-and-denied")
def _(a):
    a.user("attacker", inline={
        "grant": doc(allow("iam:PutUserPolicy", ATTACKER)),
        "guardrail": doc(deny("iam:*")),
    })


@case("near-miss-unrelated-resource")
def _(a):
    a.user("someone-else")
    a.user("attacker", inline={"other": doc(allow("iam:PutUserPolicy", arn("user", "someone-else")))})


@case("near-miss-policy-arn-read-only")
def _(a):
    a.user("attacker", inline={"attach-readonly": doc(allow(
        "iam:AttachUserPolicy", ATTACKER, Condition={"ArnEquals": {"iam:PolicyARN": READ_ONLY}}))})


@case("near-miss-passed-to-service")
def _(a):
    a.role("lambda-admin", trusts({"Service": "lambda.amazonaws.com"}), managed=[ADMIN_ACCESS])
    a.user("attacker", inline={"pass": doc(
        allow("iam:PassRole", "*", Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))})


@case("near-miss-unattached-policy")
def _(a):
    p = a.policy("orphan", {"v1": doc(allow("iam:CreatePolicyVersion", arn("policy", "orphan")))})
    a.policy("unused-admin", {"v1": doc(allow("*"))})
    a.user("attacker", inline={"versions": doc(allow("iam:CreatePolicyVersion", p))})


@case("near-miss-trust-excludes")
def _(a):
    with_admin_role(a, trust=trusts({"AWS": arn("user", "operator")}))
    a.user("operator")
    a.user("attacker", inline={"assume": doc(allow("sts:AssumeRole"))})


@case("near-miss-account-trust-no-permission")
def _(a):
    with_admin_role(a)
    a.user("attacker", inline={"read": doc(allow("s3:GetObject"))})


@case("near-miss-boundary-caps-admin")
def _(a):
    b = a.policy("s3-only-boundary", {"v1": doc(allow("s3:*"))})
    a.user("attacker", managed=[ADMIN_ACCESS], boundary=b)


@case("near-miss-boundary-caps-self-edit")
def _(a):
    b = a.policy("s3-only-boundary", {"v1": doc(allow("s3:*"))})
    a.user("attacker", inline={"self": doc(allow("iam:PutUserPolicy", ATTACKER))}, boundary=b)


@case("near-miss-non-admin-group")
def _(a):
    a.group("readers", managed=[READ_ONLY])
    a.user("attacker", inline={"join": doc(allow("iam:AddUserToGroup", arn("group", "readers")))})


@case("near-miss-no-admin-old-version")
def _(a):
    p = a.policy("ops", {
        "v1": doc(allow("s3:ListAllMyBuckets")),
        "v2": doc(allow("iam:SetDefaultPolicyVersion", arn("policy", "ops"))),
    }, default="v2")
    a.user("attacker", managed=[p])


def cross_account():
    """Two accounts: the attacker in ACCOUNT, an admin role in OTHER that trusts it."""
    a = Account(ACCOUNT)
    a.user("attacker", inline={"assume": doc(allow("sts:AssumeRole", f"arn:aws:iam::{OTHER}:role/partner-admin"))})
    b = Account(OTHER)
    b.role("partner-admin", trusts({"AWS": ATTACKER}), managed=[ADMIN_ACCESS])
    b.role("vendor-access", trusts({"AWS": "arn:aws:iam::999988887777:root"},
                                   Condition={"StringEquals": {"sts:ExternalId": "vendor-7f3a"}}),
           inline={"read": doc(allow("s3:GetObject"))})
    return {"cross-account/attacker": a, "cross-account/target": b}


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    accounts = {}
    for name, fn in CASES.items():
        a = Account()
        fn(a)
        accounts[name] = a
    accounts.update(cross_account())
    for name, a in sorted(accounts.items()):
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "gaad.json"), "w") as f:
            json.dump(a.gaad(), f, indent=2)
            f.write("\n")
        for fname, content in sorted(a.files.items()):
            with open(os.path.join(d, fname + ".json"), "w") as f:
                json.dump(content, f, indent=2)
                f.write("\n")
    print(f"wrote {len(accounts)} fixtures under {OUT}")


if __name__ == "__main__":
    main()
