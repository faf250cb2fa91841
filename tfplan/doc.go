// Package tfplan applies a Terraform or OpenTofu plan to a snapshot: it
// reads the JSON of `terraform show -json PLANFILE` (Read; format version
// 0.x or 1.x, which OpenTofu writes as well) and turns its resource
// changes into the nodes and fact edges the AWS collector would record
// after the apply (Apply), so that the analysis of the result shows the
// blast radius the change would add or remove before it ships.
//
// # Changes
//
// A change whose actions are create asserts what its planned values
// (after) say; delete retracts what its prior values (before) said; update
// does both, so that what only the prior values said goes; a replacement
// (delete and create, in either order) deletes the old object and creates
// the new one. no-op, read and forget change nothing. All retractions come
// before all assertions. Deleting a user, group, role, managed policy or
// organization policy also removes what cannot outlive it in AWS (inline
// policies, attachments, memberships, an instance profile's hold on a
// role); a replacement keeps what other resources attach to the same ID,
// and under another ID is a deletion of the old object.
// Renaming a user, group or role (an update) keeps its attachments.
// Deletions of deposed objects are not applied (a note says so).
//
// Only resources of the AWS provider (registry.terraform.io/hashicorp/aws,
// registry.opentofu.org/hashicorp/aws) are applied; others are listed in
// Result.OtherProviders. AWS resource types not below change nothing the
// snapshot models (Result.Unmodelled).
//
// # Resource types
//
// Node IDs, kinds, properties and edges are those of collectors/aws (see
// its package documentation); ARNs are built in the partition of the
// baseline and the account of the plan.
//
//	aws_iam_role                     role (Documents["trust"], path, role_id, service_linked, tags);
//	                                 permissions_boundary edge; inline_policy blocks and
//	                                 managed_policy_arns when the configuration sets them
//	aws_iam_user, aws_iam_group      user, group; a user's permissions_boundary edge
//	aws_iam_policy                   managed policy; a changed document becomes a new default
//	                                 version v<N+1> (five kept), as IAM keeps versions
//	aws_iam_{role,user,group}_policy inline policy <owner ARN>#inline:<name> (owner,
//	                                 Documents["policy"]) and the inline_policy edge
//	aws_iam_{role,user,group}_policy_attachment, aws_iam_policy_attachment
//	                                 attached_policy edges
//	aws_iam_user_group_membership, aws_iam_group_membership
//	                                 member_of edges
//	aws_iam_instance_profile         instance profile, carries_role edge; the EC2 instances
//	                                 of the baseline that run with it follow its role
//	aws_iam_openid_connect_provider  resource iam/oidc-provider (url)
//	aws_s3_bucket, aws_kms_key, aws_secretsmanager_secret, aws_sqs_queue, aws_sns_topic,
//	aws_ecr_repository               resource nodes; their policy attribute when the
//	                                 configuration sets it; a new key or topic gets AWS's
//	                                 default policy
//	aws_s3_bucket_policy, aws_kms_key_policy, aws_secretsmanager_secret_policy,
//	aws_sqs_queue_policy, aws_sns_topic_policy, aws_ecr_repository_policy
//	                                 Documents["policy"] of the resource (created when the
//	                                 baseline lacks it)
//	aws_lambda_permission            one statement (by Sid) of the function's policy, as
//	                                 AddPermission writes it
//	aws_lambda_function, aws_codebuild_project, aws_glue_job, aws_sagemaker_notebook_instance,
//	aws_cloudformation_stack, aws_ecs_task_definition
//	                                 resource and carries_role edge to its role
//	                                 (task definitions: the task role; execution_role)
//	aws_instance, aws_launch_template
//	                                 resource, instance_profile (instances), default_role and
//	                                 default_version (templates), carries_role edges to the
//	                                 roles of the instance profile
//	aws_eks_access_entry             resource eks/access-entry (cluster, principal_arn,
//	                                 kubernetes_username, kubernetes_groups, entry_type)
//	aws_eks_access_policy_association
//	                                 an element of the entry's access_policies
//	aws_eks_pod_identity_association resource eks/pod-identity-association (cluster,
//	                                 namespace, service_account, k8s_service_account,
//	                                 role_arn, target_role_arn), carries_role edge
//	aws_organizations_policy         org policy (type, Documents["policy"] for SCPs and RCPs)
//	                                 in the management account
//	aws_organizations_policy_attachment
//	                                 attached_policy edge from the account, root or OU
//
// A policy attribute the provider computes (aws_s3_bucket.policy, …)
// counts only when the configuration sets it: otherwise it merely reports
// what the *_policy resources set. The same holds for aws_iam_role's
// inline_policy and managed_policy_arns.
//
// # Values known only after apply
//
// An attribute unknown until apply (after_unknown) is resolved by address:
// the configuration expression of the attribute names what it refers to,
// and an attribute of a resource of the same plan has the value AWS will
// give it (a role's ARN from its name and path, a queue's URL from its
// region, account and name). References through module outputs and child
// module variables are followed; data sources read while planning are
// read from the prior state. A part of an ID that AWS chooses (a key ID,
// an instance ID, a secret's suffix, a name from name_prefix) is the
// resource's address in braces: `arn:aws:kms:eu-west-1:111122223333:key/{aws_kms_key.data}`,
// the same wherever it is referred to, unless the baseline holds the
// resource by name (a secret, a stack or a launch template of that name,
// the access entry of that cluster and principal, the pod identity
// association of that service account, the organization policy of that
// name and type): then it is that node. Updated and deleted resources are
// matched by the ARN of their prior values.
//
// A policy document unknown until apply is rebuilt from the
// data.aws_iam_policy_document it comes from, with the data source's
// unknown elements resolved by address (a resource ARN as the ARN and the
// ARN followed by /*). What stays unknown is never dropped and never
// assumed: an element becomes "*" and its statement gets the condition
// {"Bool": {"blastradius:UnknownUntilApply/<address>.<attribute>": "true"}}
// (UnknownKeyPrefix) and a Sid naming it, a whole document becomes a
// statement allowing everything on that condition (a control policy: a
// deny of everything on it). No request carries that key, so every step
// the statement allows is conditional, and its evidence names the
// address. A managed policy ARN unknown until apply is a managed policy of
// that kind, `arn:aws:iam::<account>:policy/{<address>.policy_arn}`.
// Where the unknown value says who receives a fact (the role of an
// attachment, the bucket of a policy), the fact cannot be placed: it is a
// gap of the plan's source in the snapshot (collector "terraform-plan",
// origin "plan:<file>"), which every report lists.
//
// # Accounts
//
// The plan's account is the account of its resources' own ARNs and of
// data.aws_caller_identity; with neither, the baseline's only account.
// An ARN of an account the baseline does not hold, or a plan for several
// accounts, is bad input. Organizations resources belong to the
// management account the baseline records.
//
// Nothing secret is read: no environment variables, user data, secret
// values or tags' meanings beyond what the collector keeps.
package tfplan
