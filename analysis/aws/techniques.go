package aws

// Technique identifiers. Where the pathfinding.cloud catalogue has an id
// (fixtures/…/escalation-paths), the technique uses it; the others are named
// by the action that performs them.
const (
	// TechAdminPolicy: the principal's effective permissions already allow
	// every action on every resource.
	TechAdminPolicy = "admin-equivalent-policy"
	// TechAssumeRole (sts-001): the role's trust admits the principal and,
	// where AWS requires it, the principal's policies allow sts:AssumeRole.
	TechAssumeRole = "sts-001"
	// TechWebIdentity: a federated subject (a GitHub Actions workflow, an EKS
	// service account) admitted by a role's trust through
	// sts:AssumeRoleWithWebIdentity.
	TechWebIdentity = "sts:AssumeRoleWithWebIdentity"
	// TechSAML: a SAML identity provider's users admitted by a role's trust.
	TechSAML = "sts:AssumeRoleWithSAML"
	// TechCreatePolicyVersion (iam-001): write a new default version of a
	// customer-managed policy attached to the target.
	TechCreatePolicyVersion = "iam-001"
	// TechCreateAccessKey (iam-002): mint an access key for another user.
	TechCreateAccessKey = "iam-002"
	// TechCreateAccessKeyRotate (iam-003): the user already has two access
	// keys, the most IAM allows: delete one, then mint another.
	TechCreateAccessKeyRotate = "iam-003"
	// TechCreateLoginProfile (iam-004): give another user a console password.
	TechCreateLoginProfile = "iam-004"
	// TechPutRolePolicy (iam-005): write an inline policy into a role.
	TechPutRolePolicy = "iam-005"
	// TechUpdateLoginProfile (iam-006): reset another user's console password.
	TechUpdateLoginProfile = "iam-006"
	// TechPutUserPolicy (iam-007): write an inline policy into a user.
	TechPutUserPolicy = "iam-007"
	// TechAttachUserPolicy (iam-008): attach an administrator policy to a user.
	TechAttachUserPolicy = "iam-008"
	// TechAttachRolePolicy (iam-009): attach an administrator policy to a role.
	TechAttachRolePolicy = "iam-009"
	// TechAttachGroupPolicy (iam-010): attach an administrator policy to a group.
	TechAttachGroupPolicy = "iam-010"
	// TechPutGroupPolicy (iam-011): write an inline policy into a group.
	TechPutGroupPolicy = "iam-011"
	// TechUpdateAssumeRolePolicy (iam-012): rewrite a role's trust to admit oneself.
	TechUpdateAssumeRolePolicy = "iam-012"
	// TechAddUserToGroup (iam-013): add oneself to a group and hold its permissions.
	TechAddUserToGroup = "iam-013"
	// TechSetDefaultPolicyVersion: make an older, more permissive version of a
	// policy attached to the target its default.
	TechSetDefaultPolicyVersion = "iam:SetDefaultPolicyVersion"
)

// composites names the catalogue's two-step paths: a hop that reaches a
// principal, then a grant of administrator to that principal by the same
// attacker.
var composites = map[[2]string]string{
	{TechAssumeRole, TechAttachRolePolicy}:                "iam-014",
	{TechCreateAccessKey, TechAttachUserPolicy}:           "iam-015",
	{TechAssumeRole, TechCreatePolicyVersion}:             "iam-016",
	{TechAssumeRole, TechPutRolePolicy}:                   "iam-017",
	{TechCreateAccessKey, TechPutUserPolicy}:              "iam-018",
	{TechUpdateAssumeRolePolicy, TechAttachRolePolicy}:    "iam-019",
	{TechUpdateAssumeRolePolicy, TechCreatePolicyVersion}: "iam-020",
	{TechUpdateAssumeRolePolicy, TechPutRolePolicy}:       "iam-021",
}
