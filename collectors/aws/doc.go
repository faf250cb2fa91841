// Package aws collects the facts of one AWS account: users, groups, roles,
// instance profiles and their inline and managed policies; the resources
// that run with a role or carry a resource-based policy; the credential
// report; and the Organizations tree with its control policies.
//
// # Offline directory
//
// The offline reader (NewOffline, "collect aws --from-dir DIR") reads a
// directory of AWS CLI outputs, each what `aws <service> <operation>
// --output json` prints (OfflineFiles lists them):
//
//	gaad.json                                            iam get-account-authorization-details (required)
//	lambda-list-functions.json                           lambda list-functions
//	lambda-get-policy.json                               lambda get-policy, per function        + FunctionName
//	ec2-describe-instances.json                          ec2 describe-instances
//	ec2-describe-launch-templates.json                   ec2 describe-launch-templates          + Region
//	ec2-describe-launch-template-versions.json           ec2 describe-launch-template-versions  + Region
//	cloudformation-describe-stacks.json                  cloudformation describe-stacks
//	cloudformation-list-stack-sets.json                  cloudformation list-stack-sets         + Region
//	cloudformation-describe-stack-set.json               cloudformation describe-stack-set, per stack set
//	codebuild-batch-get-projects.json                    codebuild batch-get-projects
//	glue-get-dev-endpoints.json                          glue get-dev-endpoints
//	glue-get-jobs.json                                   glue get-jobs                          + Region
//	sagemaker-describe-notebook-instance.json            sagemaker describe-notebook-instance, per notebook
//	ssm-describe-instance-information.json               ssm describe-instance-information
//	apprunner-describe-service.json                      apprunner describe-service, per service
//	ecs-describe-services.json                           ecs describe-services, per cluster
//	ecs-describe-task-definition.json                    ecs describe-task-definition, per task definition
//	eks-describe-cluster.json                            eks describe-cluster, per cluster
//	eks-describe-access-entry.json                       eks describe-access-entry, per access entry
//	eks-list-associated-access-policies.json             eks list-associated-access-policies, per access entry
//	eks-describe-pod-identity-association.json           eks describe-pod-identity-association, per association
//	bedrock-agentcore-control-get-code-interpreter.json  bedrock-agentcore-control get-code-interpreter, per interpreter
//	iam-list-open-id-connect-providers.json              iam list-open-id-connect-providers
//	iam-list-saml-providers.json                         iam list-saml-providers
//	iam-get-credential-report.json                       iam get-credential-report
//	s3api-list-buckets.json                              s3api list-buckets
//	s3api-get-bucket-policy.json                         s3api get-bucket-policy, per bucket    + Bucket
//	kms-list-keys.json                                   kms list-keys
//	kms-describe-key.json                                kms describe-key, per key
//	kms-get-key-policy.json                              kms get-key-policy, per key            + KeyId
//	secretsmanager-list-secrets.json                     secretsmanager list-secrets
//	secretsmanager-get-resource-policy.json              secretsmanager get-resource-policy, per secret
//	ssm-describe-parameters.json                         ssm describe-parameters                + Region
//	dynamodb-list-tables.json                            dynamodb list-tables                   + Region
//	rds-describe-db-instances.json                       rds describe-db-instances
//	sqs-list-queues.json                                 sqs list-queues
//	sqs-get-queue-attributes.json                        sqs get-queue-attributes, per queue    + QueueUrl
//	sns-list-topics.json                                 sns list-topics
//	sns-get-topic-attributes.json                        sns get-topic-attributes, per topic
//	ecr-describe-repositories.json                       ecr describe-repositories
//	ecr-get-repository-policy.json                       ecr get-repository-policy, per repository
//	organizations-describe-organization.json             organizations describe-organization
//	organizations-list-roots.json                        organizations list-roots
//	organizations-list-organizational-units-for-parent.json  … per parent                       + ParentId
//	organizations-list-accounts-for-parent.json          organizations list-accounts-for-parent, per parent + ParentId
//	organizations-list-policies.json                     organizations list-policies, per type  + Filter
//	organizations-describe-policy.json                   organizations describe-policy, per policy
//	organizations-list-targets-for-policy.json           organizations list-targets-for-policy, per policy + PolicyId
//	gaps.json                                            the calls that failed in the live collection that wrote the directory (--save-dir)
//
// Every file but gaad.json may hold one output object or a JSON array of
// outputs (several regions, pages, or one per item). "+ X" marks the
// request parameter an element carries beside the output where the output
// lacks the item's identity, e.g. {"Bucket": "b", "Policy": "…"}. An
// element may also carry "Region": "eu-west-1"; "+ Region" marks the files
// whose items need it to build their ARN (without it the item is a gap;
// Glue dev endpoints fall back to their availability zone). Any other file
// is logged and ignored.
//
// gaad.json is one JSON object with the keys UserDetailList, GroupDetailList,
// RoleDetailList, Policies, IsTruncated and Marker; pages of a paginated
// export must be merged into one object first. Policy documents may be JSON
// objects (as the CLI prints them) or URL-encoded strings (as the API returns
// them); resource and control policies are JSON strings, as the CLI prints
// them. Unknown fields are ignored. An export with IsTruncated true is read
// and recorded as a gap. The fragment's Source.Scope is gaad.json's account,
// even when the Organizations files come from the management account.
//
// Nothing secret is read or stored: no secret or parameter values, no
// environment variables, user data, template parameters or outputs, no
// container definitions, no SAML metadata, no access key ids, no e-mail
// addresses.
//
// # Nodes
//
// Every node has Provider "aws" and Scope "aws:account:<id>" unless said
// otherwise; the account id is taken from gaad.json's ARNs, which must all
// name one account.
//
//	account           aws:account:<id>, kind aws.account, Name <id> (the account
//	                  name when Organizations lists it), Scope ""; status,
//	                  organization, management ("true"), root_mfa_active,
//	                  root_access_keys_active ("true" when a root key is active)
//	user              ARN, aws.user, UserName; path, user_id, create_date; Tags;
//	                  from the credential report: password_enabled,
//	                  password_last_used, password_last_changed, mfa_active,
//	                  access_key_{1,2}_active, access_key_{1,2}_last_rotated,
//	                  access_key_{1,2}_last_used_date ("N/A" dropped),
//	                  active_access_keys (0-2); NonHuman when the password is
//	                  disabled and a key is active
//	group             ARN, aws.group, GroupName; path, group_id, create_date
//	role              ARN, aws.role, RoleName; Documents["trust"]; path, role_id,
//	                  create_date, last_used, last_used_region, service_linked
//	                  ("true" when the path starts with /aws-service-role/); Tags
//	inline policy     <owner ARN>#inline:<PolicyName>, aws.inline_policy, PolicyName;
//	                  owner; Documents["policy"]
//	managed policy    ARN, aws.managed_policy, PolicyName; path, policy_id,
//	                  default_version, attachment_count, is_attachable,
//	                  aws_managed, create_date, update_date;
//	                  Documents[<VersionId>] for every version;
//	                  Scope "" for AWS-managed policies
//	instance profile  ARN, aws.instance_profile, InstanceProfileName
//	resource          ARN, aws.resource, short name (function, bucket, key id,
//	                  secret, instance id, …); Scope the ARN's account, else
//	                  gaad.json's; service, type, region (when known); Tags;
//	                  Documents["policy"] for resource-based policies
//	org unit          ARN, aws.org_unit, Name; org_id (r-…, ou-…), type (ROOT,
//	                  ORGANIZATIONAL_UNIT); Scope the management account
//	org policy        ARN, aws.org_policy, Name; type, aws_managed;
//	                  Documents["policy"] for SCPs and RCPs; Scope the
//	                  management account, "" for AWS-managed policies
//	SAML provider     ARN, aws.federated_principal (Provider "external"),
//	                  Name "SAML users of <ARN>", Aliases [ARN]: the users
//	                  its identity provider signs in, the principal trust
//	                  policies admit as {"Federated": ARN}; federation
//	                  ("saml"), create_date, valid_until
//
// Resource ARNs are built where the output lacks them: S3
// arn:aws:s3:::<bucket>; EC2 instances from the reservation's OwnerId and
// the availability zone minus its last letter; launch templates
// …:launch-template/<id>; stack sets …:stackset/<StackSetId>; Glue
// …:devEndpoint/<name> and …:job/<name>; SQS from the QueueArn attribute or
// the queue URL; DynamoDB …:table/<name>; SSM …:parameter/<name without
// leading slash>. Per type, besides service and type: EC2 instance
// instance_profile, ssm_managed, ssm_ping_status; launch template
// default_version, default_role; stack set execution_role_name; EKS
// cluster oidc_issuer; OIDC provider url (host and path, as IAM keeps it);
// KMS key key_manager (when a describe-key output is given); SSM
// parameter parameter_type; ECS service task_definition (ARN); ECS task
// definition (Name family:revision) execution_role; EKS access entry
// (Name the principal ARN's resource, e.g. role/ci) cluster,
// principal_arn, kubernetes_username, kubernetes_groups (sorted,
// comma-separated), entry_type, access_policies (sorted, space-separated
// "<policy ARN>@cluster" or "<policy ARN>@namespace:<ns>,<ns>"); EKS pod
// identity association (Name <namespace>/<service account>) cluster,
// namespace, service_account, k8s_service_account (the Kubernetes ID
// k8s:<cluster>:serviceaccount:<ns>:<name>, the EKS cluster name being the
// cluster name), role_arn, target_role_arn, owner_arn, and
// Documents["session_policy"] when the association restricts the role.
//
// Properties are strings; dates are kept as the export gives them. Documents
// are stored decoded, as compact JSON objects.
//
// # Edges
//
//	user -member_of-> group                     (GroupList names resolved to ARNs)
//	user|group|role -attached_policy-> managed policy ARN
//	user|group|role -inline_policy-> inline policy
//	user|role -permissions_boundary-> managed policy ARN
//	instance profile -carries_role-> role
//	resource -carries_role-> role               (Lambda Role, EC2 instance and launch
//	                                             template through their instance profiles,
//	                                             stack RoleARN, stack set
//	                                             AdministrationRoleARN, CodeBuild serviceRole,
//	                                             Glue RoleArn/Role (name or ARN), SageMaker
//	                                             RoleArn, App Runner InstanceRoleArn, ECS
//	                                             service roleArn and its task definition's
//	                                             taskRoleArn, ECS task definition
//	                                             taskRoleArn, EKS roleArn, EKS pod identity
//	                                             association roleArn, or its targetRoleArn
//	                                             when set, code interpreter
//	                                             executionRoleArn)
//	org unit|account -child_of-> parent org unit
//	org unit|account -attached_policy-> org policy
//
// # Errors and gaps
//
// Input that cannot be used is a *badinput.Error naming the file and the
// place: malformed JSON (line and column), a field of the wrong type, a
// policy document that does not parse (the element and field, then the
// place inside the document), an ARN that is not one, principals of two
// accounts, an object defined twice. A reference to something the
// directory does not define is a gap: an unknown group name (no edge is
// written) or managed policy ARN (the edge is written; analysis may know
// AWS-managed policies by ARN); a role ARN a resource runs with that
// gaad.json lacks (the edge is written) or an unknown role name (no edge);
// an instance profile absent from gaad.json; an instance managed by
// Systems Manager but not described; an organization parent, policy or
// policy target that is not listed; an item whose ARN needs a region no
// element gives; access policies of an access entry that is not described.
package aws
