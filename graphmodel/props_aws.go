package graphmodel

// Property keys of AWS nodes, set by collectors/aws and read by analysis/aws
// (see collectors/aws's package documentation for which node carries which).
const (
	// PropAWSPath is the IAM path of a user, group, role or managed policy.
	PropAWSPath = "path"
	// PropAWSUserID, PropAWSGroupID, PropAWSRoleID and PropAWSPolicyID are
	// IAM's unique ids (AIDA…, AGPA…, AROA…, ANPA…).
	PropAWSUserID   = "user_id"
	PropAWSGroupID  = "group_id"
	PropAWSRoleID   = "role_id"
	PropAWSPolicyID = "policy_id"
	// PropAWSLastUsedRegion is the region of a role's last use.
	PropAWSLastUsedRegion = "last_used_region"
	// PropAWSServiceLinked is "true" for a service-linked role (its path
	// starts with /aws-service-role/).
	PropAWSServiceLinked = "service_linked"
	// PropAWSMFAActive is the credential report's mfa_active of a user.
	PropAWSMFAActive = "mfa_active"
	// PropAWSRootMFAActive and PropAWSRootAccessKeysActive describe the
	// account's root user, on the account node.
	PropAWSRootMFAActive        = "root_mfa_active"
	PropAWSRootAccessKeysActive = "root_access_keys_active"
	// PropAWSDefaultVersion is a managed policy's default version id, or a
	// launch template's default version number.
	PropAWSDefaultVersion = "default_version"
	// PropAWSAttachmentCount and PropAWSIsAttachable are a managed policy's
	// counters as IAM reports them.
	PropAWSAttachmentCount = "attachment_count"
	PropAWSIsAttachable    = "is_attachable"
	// PropAWSManaged is "true" for a policy AWS owns (AWS-managed IAM
	// policies, FullAWSAccess).
	PropAWSManaged = "aws_managed"
	// PropAWSUpdated is when a managed policy last changed.
	PropAWSUpdated = "update_date"
	// PropAWSOrgID is an Organizations id (r-…, ou-…) of an org unit;
	// PropAWSOrganization the organization id (o-…) an account belongs to;
	// PropAWSManagement is "true" on the management account.
	PropAWSOrgID        = "org_id"
	PropAWSOrganization = "organization"
	PropAWSManagement   = "management"
	// PropAWSStatus is an account's status in its organization.
	PropAWSStatus = "status"
	// PropAWSFederation is "saml" on a SAML provider's principal.
	PropAWSFederation = "federation"
	// PropAWSValidUntil is when a SAML provider's metadata expires.
	PropAWSValidUntil = "valid_until"
	// PropAWSURL is an OIDC provider's URL (host and path, as IAM keeps it).
	PropAWSURL = "url"
	// PropAWSInstanceProfile is the instance profile ARN an EC2 instance
	// runs with.
	PropAWSInstanceProfile = "instance_profile"
	// PropAWSSSMManaged is "true" on an instance Systems Manager manages;
	// PropAWSSSMPingStatus is its agent's ping status.
	PropAWSSSMManaged    = "ssm_managed"
	PropAWSSSMPingStatus = "ssm_ping_status"
	// PropAWSDefaultRole is the role a launch template's default version
	// launches with.
	PropAWSDefaultRole = "default_role"
	// PropAWSExecutionRoleName is a stack set's execution role name.
	PropAWSExecutionRoleName = "execution_role_name"
	// PropAWSOIDCIssuer is an EKS cluster's OIDC issuer URL.
	PropAWSOIDCIssuer = "oidc_issuer"
	// PropAWSKeyManager is a KMS key's manager (AWS or CUSTOMER).
	PropAWSKeyManager = "key_manager"
	// PropAWSParameterType is an SSM parameter's type (String,
	// StringList, SecureString).
	PropAWSParameterType = "parameter_type"
	// PropAWSTaskDefinition is the task definition ARN an ECS service runs;
	// PropAWSExecutionRole is a task definition's execution role.
	PropAWSTaskDefinition = "task_definition"
	PropAWSExecutionRole  = "execution_role"
	// EKS access entries and pod identity associations: the cluster, the
	// IAM principal, the Kubernetes user and groups it enters as, the entry
	// type and its access policies ("<policy ARN>@cluster" or
	// "<policy ARN>@namespace:<ns>,<ns>", space-separated); the namespace,
	// service account (and its Kubernetes ID) and roles of an association.
	PropAWSCluster            = "cluster"
	PropAWSPrincipalARN       = "principal_arn"
	PropAWSKubernetesUsername = "kubernetes_username"
	PropAWSKubernetesGroups   = "kubernetes_groups"
	PropAWSEntryType          = "entry_type"
	PropAWSAccessPolicies     = "access_policies"
	PropAWSNamespace          = "namespace"
	PropAWSServiceAccount     = "service_account"
	PropAWSK8sServiceAccount  = "k8s_service_account"
	PropAWSRoleARN            = "role_arn"
	PropAWSTargetRoleARN      = "target_role_arn"
	PropAWSOwnerARN           = "owner_arn"
)
