// Package synth generates synthetic AWS estates for benchmarks and scale
// tests: large accounts with the policy mixes, trust chains, PassRole
// grants and conditions of real ones, written as an offline directory the
// AWS collector reads ("blastradius collect aws --from-dir DIR").
//
// WriteAWS(dir, spec) writes gaad.json exactly as `aws iam
// get-account-authorization-details --output json` prints it (keys in the
// CLI's order, 4-space indentation, policy documents URL-encoded as the IAM
// API returns them, or JSON objects with Spec.ObjectDocuments), plus
// lambda-list-functions.json, ec2-describe-instances.json,
// s3api-list-buckets.json and s3api-get-bucket-policy.json. Generation is
// deterministic: one seeded math/rand/v2 PCG stream, no map iteration, no
// clock, so the same Spec gives byte-identical files.
//
// # What an estate holds
//
// Applications (one per 40 roles) own roles, buckets and customer-managed
// policies and belong to teams. Customer-managed policies are ten
// well-known ones (logging baseline, region guard with NotAction, MFA
// guard, two permissions boundaries, CI deploy rights, the CI assume
// policy, self-managed credentials with ${aws:username}, console read,
// security audit) and per-application policies of one to three permission
// families (S3 read with s3:Get* wildcards, S3 write on a prefix,
// dynamodb:* or item actions, SQS, SNS, secrets, parameters, KMS under
// kms:ViaService, logs, ec2:Describe*, metrics under cloudwatch:namespace,
// X-Ray, Step Functions, Lambda invoke, ECR pull, Athena/Glue), resources
// scoped by name wildcards. Spec.ConditionPercent of their Allow
// statements carry a condition (aws:SourceIp, aws:PrincipalTag/team,
// aws:RequestedRegion, aws:MultiFactorAuthPresent, aws:SecureTransport,
// aws:ResourceTag/app) and Spec.DenyPercent of the policies a Deny
// statement. About one policy in seven has two or three versions (one in
// twenty rolled back to the previous one). AWS-managed policies
// (AdministratorAccess, ReadOnlyAccess, SecurityAudit, PowerUserAccess,
// the Lambda, ECS, SSM, CloudWatch agent and Glue service policies, …) are
// listed when attached, with shortened documents of the real shape.
//
// Roles: up to ten service-linked roles (one per 200 roles); CI roles
// (/ci/, Spec.CIPercent) trusted by the account root, by CI users or by
// GitHub's OIDC provider, with CloudFormation and ECS deploy rights and
// PassRole under iam:PassedToService; cross-account roles
// (/cross-account/, Spec.CrossAccountPercent) trusting an external
// account's root under sts:ExternalId with SecurityAudit or ReadOnlyAccess;
// team roles (/teams/, Spec.HumanRolePercent) trusted by the account root
// under MFA; trust chains (Spec.ChainPercent, 2 to Spec.MaxChain roles,
// each trusting the previous one by ARN and holding sts:AssumeRole on the
// next, the last holding s3:* and dynamodb:* on its app's data); and
// service roles for the rest: Lambda 40%, ECS tasks 25%, EC2 20% (each
// with an instance profile), Glue 7%, Step Functions, CodeBuild and
// EventBridge 8%. A service role has one to four managed policies (its
// service policy and its app's) and zero to two inline ones; one in twelve
// has a permissions boundary; a fifth of the trust policies carry
// aws:SourceAccount.
//
// Users: one in seven is a service user (/service-accounts/, inline
// policies under aws:SourceIp; the ci-* ones are in the deployers group,
// which may assume every /ci/ role); the others are people in a team group
// (which may assume the team's roles under aws:PrincipalTag/team and MFA)
// and mostly in developers (self-managed credentials, console read, MFA
// guard), some in readonly, security-audit or billing. Contractors have a
// permissions boundary.
//
// Planted findings, disjoint, on Spec.AdminPercent,
// Spec.SelfEscalationPercent and Spec.PassRoleLambdaPercent of the
// principals (split between roles and users by their share): see Spec and
// Planted. WriteAWSPlanted returns who they are.
//
// Resources: Spec.Functions Lambda functions (per-region list-functions
// outputs, each running with a Lambda service role), Spec.Instances EC2
// instances (per-region describe-instances outputs, reservations of one
// to three, nine in ten with an EC2 role's instance profile) and
// Spec.Buckets S3 buckets, Spec.BucketPolicyPercent of them with a bucket
// policy (TLS-only deny, the app's role, an external account, rarely a
// public prefix).
//
// Large() is the scale benchmark of the project (25,000 principals, about
// 25 MB of gaad.json); Small() is the same mix for tests.
//
// # The dense shape
//
// WriteAWSDense(dir, DenseSpec) writes the second benchmark shape: a
// badly run account where policies are mixed at random, so that few
// principals share a policy set (Dense() is 20,000 roles and 5,000 users,
// DenseScaled(n) the same mix at n principals). Its knobs default to the
// scale issue's account: 76% as many distinct combinations of directly
// attached managed policies as principals (19,000 over 25,000; the
// principals that share one share a few standard sets per kind of role or
// user), 14% of the principals holding an IAM write wildcard (iam:*,
// iam:Put*, iam:Create*, iam:Update*) on "*" and 6% sts:* on "*" (through
// customer-managed policies, inline policies and operators groups, always
// beside other statements), 40% of the roles trusting one to three other
// roles by ARN, 10% trusting an outside account under sts:ExternalId,
// three administrators (AdministratorAccess attached), 7% Deny statements
// (region guard with NotAction, Deny iam:* on paths, Deny on named
// buckets, secrets, roles and functions, Deny without MFA, Deny on tagged
// resources) and 10% of the statements under aws:ResourceTag/<key>
// conditions (StringEquals and StringLike on team, env, app and
// classification, tags the instances, secrets, launch templates, roles
// and users carry), 8% of the principals with a permissions boundary.
// Shares of principals and roles are exact; shares of statements are
// exact to a statement. Beside the files of WriteAWS it writes
// secretsmanager-list-secrets.json, ec2-describe-launch-templates.json,
// ec2-describe-launch-template-versions.json (instance profiles of EC2
// roles) and glue-get-jobs.json (Glue service roles); the outputs whose
// items carry no region are arrays of per-region outputs with "Region"
// beside their fields, as "collect aws --save-dir" saves them.
// DenseSummary says who holds what.
package synth
