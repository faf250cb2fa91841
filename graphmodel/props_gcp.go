package graphmodel

// Property and document keys of the GCP collector (collectors/gcp). Values
// are strings as collected; booleans are "true" or "false", times RFC 3339.
const (
	// PropGCPAssetName is the Cloud Asset name of the node when its ID is
	// another (scopes, service accounts, buckets by their CAI spelling).
	PropGCPAssetName = "asset_name"
	// PropGCPAssetType is the Cloud Asset type ("storage.googleapis.com/Bucket").
	PropGCPAssetType = "asset_type"
	// PropGCPUpdateTime is when Cloud Asset Inventory last saw the asset change.
	PropGCPUpdateTime = "update_time"
	// PropGCPDisplayName is the display name of an organization, folder,
	// project, service account or pool.
	PropGCPDisplayName = "display_name"
	// PropGCPState is the lifecycle state (ACTIVE, DELETE_REQUESTED, DELETED, …).
	PropGCPState = "state"
	// PropGCPLocation is the region or zone of a resource.
	PropGCPLocation = "location"
	// PropGCPProjectID is the project id of a project ("prod-app").
	PropGCPProjectID = "project_id"
	// PropGCPProjectNumber is the project number of a project ("123456789012").
	PropGCPProjectNumber = "project_number"
	// PropGCPCustomerID is an organization's Cloud Identity customer id.
	PropGCPCustomerID = "customer_id"
	// PropGCPUniqueID is a service account's numeric unique id.
	PropGCPUniqueID = "unique_id"
	// PropGCPDisabled is "true" for a disabled service account, key or pool
	// (provider); "false" when the source says it is enabled.
	PropGCPDisabled = "disabled"
	// PropGCPReferencedOnly is "true" on an identity no collected asset
	// describes, only named by a policy or a resource (a service account
	// of another project, a Google-managed service agent, a user).
	PropGCPReferencedOnly = "referenced_only"
	// PropGCPUserManagedKeys is the number of enabled user-managed keys of
	// a service account ("0" when its keys were collected and none is).
	PropGCPUserManagedKeys = "user_managed_keys"
	// PropGCPOldestUserKey is the creation time (validAfterTime) of the
	// oldest enabled user-managed key of a service account.
	PropGCPOldestUserKey = "oldest_user_key_created"
	// PropGCPKeyType is a key's type: USER_MANAGED or SYSTEM_MANAGED.
	PropGCPKeyType = "key_type"
	// PropGCPKeyOrigin is a key's origin: GOOGLE_PROVIDED or USER_PROVIDED.
	PropGCPKeyOrigin = "key_origin"
	// PropGCPKeyAlgorithm is a key's algorithm (KEY_ALG_RSA_2048, …).
	PropGCPKeyAlgorithm = "key_algorithm"
	// PropGCPValidAfter is when a key became valid (its creation time).
	PropGCPValidAfter = "valid_after"
	// PropGCPValidBefore is when a key expires.
	PropGCPValidBefore = "valid_before"
	// PropGCPServiceAccount is the e-mail of the service account a key belongs to.
	PropGCPServiceAccount = "service_account"
	// PropGCPRoleName is a custom role's name as bindings write it
	// ("projects/prod-app/roles/deployer", "organizations/1/roles/auditor").
	PropGCPRoleName = "role_name"
	// PropGCPRoleStage is a custom role's launch stage (GA, BETA, ALPHA, DISABLED, …).
	PropGCPRoleStage = "stage"
	// PropGCPRoleDeleted is "true" for a deleted custom role.
	PropGCPRoleDeleted = "deleted"
	// PropGCPIssuerURI is the issuer of an OIDC workload identity provider.
	PropGCPIssuerURI = "issuer_uri"
	// PropGCPAllowedAudiences lists an OIDC provider's allowed audiences, comma-separated.
	PropGCPAllowedAudiences = "allowed_audiences"
	// PropGCPAttributeCondition is a workload identity provider's attribute condition (CEL).
	PropGCPAttributeCondition = "attribute_condition"
	// PropGCPProviderType is a workload identity provider's protocol: oidc, aws, saml or x509.
	PropGCPProviderType = "provider_type"
	// PropGCPAWSAccount is the AWS account id an aws provider trusts.
	PropGCPAWSAccount = "aws_account_id"
	// PropGCPOAuthScopes lists the OAuth scopes a compute instance's or a
	// node pool's service account is limited to, comma-separated.
	PropGCPOAuthScopes = "oauth_scopes"
	// PropGCPWorkloadPool is a GKE cluster's Workload Identity pool
	// ("<project>.svc.id.goog"); absent when Workload Identity is off.
	PropGCPWorkloadPool = "workload_pool"
	// PropGCPRuntime is the runtime of a function.
	PropGCPRuntime = "runtime"
	// PropGCPIngress is who may reach a Cloud Run service or function
	// (all, internal, internal-and-cloud-load-balancing).
	PropGCPIngress = "ingress"

	// DocGCPIAMPolicy is the allow policy set on the node (JSON, as
	// gcppolicy.ParseAllowPolicy reads it).
	DocGCPIAMPolicy = "iam_policy"
	// DocGCPDenyPolicyPrefix prefixes the documents holding the deny
	// policies attached to a scope: "deny_policy:<policy id>" (JSON, as
	// gcppolicy.ParseDenyPolicy reads it).
	DocGCPDenyPolicyPrefix = "deny_policy:"
	// DocGCPRole is a custom role's definition: {"name", "title", "stage",
	// "includedPermissions"}.
	DocGCPRole = "role"
	// DocGCPAttributeMapping is a workload identity provider's attribute
	// mapping (JSON object: google.subject / attribute.<name> → CEL).
	DocGCPAttributeMapping = "attribute_mapping"
)
