package gcp

// Technique identifiers. The escalation methods of RhinoSecurityLabs'
// GCP-IAM-Privilege-Escalation are named after the permission their exploit
// script is named after ("iam.serviceAccounts.getAccessToken"); where one
// permission starts two methods, a suffix names the second step
// ("cloudfunctions.functions.create-call"). Techniques of the analysis's
// own are named "gcp-…".
const (
	TechGetAccessToken     = "iam.serviceAccounts.getAccessToken"
	TechCreateKey          = "iam.serviceAccountKeys.create"
	TechGetOpenIDToken     = "iam.serviceAccounts.getOpenIdToken"
	TechImplicitDelegation = "iam.serviceAccounts.implicitDelegation"
	TechSignBlob           = "iam.serviceAccounts.signBlob"
	TechSignJwt            = "iam.serviceAccounts.signJwt"
	TechSetSAPolicy        = "iam.serviceAccounts.setIamPolicy"
	TechHMACKey            = "storage.hmacKeys.create"

	TechSetOrgPolicy     = "resourcemanager.organizations.setIamPolicy"
	TechSetFolderPolicy  = "resourcemanager.folders.setIamPolicy"
	TechSetProjectPolicy = "resourcemanager.projects.setIamPolicy"
	TechInheritance      = "gcp-policy-inheritance"
	TechUpdateRole       = "iam.roles.update"
	TechOrgConstraints   = "orgpolicy.policy.set"
	TechCreateAPIKey     = "serviceusage.apiKeys.create"
	TechListAPIKeys      = "serviceusage.apiKeys.list"

	TechDeploymentManager = "deploymentmanager.deployments.create"
	TechCloudBuild        = "cloudbuild.builds.create"

	TechFunctionCreateCall   = "cloudfunctions.functions.create-call"
	TechFunctionCreateSetIAM = "cloudfunctions.functions.create-setIamPolicy"
	TechInstanceCreate       = "compute.instances.create"
	TechRunCreateInvoke      = "run.services.create-invoke"
	TechRunCreateSetIAM      = "run.services.create-setIamPolicy"
	TechRunJobCreate         = "run.jobs.create"
	TechScheduler            = "cloudscheduler.jobs.create"
	TechDataproc             = "dataproc.clusters.create"
	TechComposer             = "composer.environments.create"
	TechDataflow             = "dataflow.jobs.create"
	TechGKECluster           = "container.clusters.create"
	TechNotebook             = "notebooks.instances.create"
	TechVertexJob            = "aiplatform.customJobs.create"
	TechWorkflow             = "workflows.workflows.create"

	TechFunctionUpdate   = "cloudfunctions.functions.update"
	TechRunUpdate        = "run.services.update"
	TechInstanceMetadata = "compute.instances.setMetadata"
	TechOSAdminLogin     = "compute.instances.osAdminLogin"

	TechBucketSetIAM  = "storage.buckets.setIamPolicy"
	TechSecretSetIAM  = "secretmanager.secrets.setIamPolicy"
	TechTopicSetIAM   = "pubsub.topics.setIamPolicy"
	TechDatasetSetIAM = "bigquery.datasets.setIamPolicy"

	// TechPermissionSet is the technique of the member_of edge from a
	// principal to a permission set (see sets.go).
	TechPermissionSet = "gcp-permission-set"
	// TechDomainMember is the technique of the member_of edge from a user or
	// group to the domain its address is in, which domain: bindings name.
	TechDomainMember = "gcp-domain-member"
	// TechPoolMember is the technique of the member_of edge from an
	// identity of a workload identity pool to a principal set of the pool
	// that certainly holds it.
	TechPoolMember = "gcp-pool-member"
	// TechAuthenticatedIsPublic is the technique of the member_of edge from
	// allAuthenticatedUsers to allUsers: any Google account is anyone.
	TechAuthenticatedIsPublic = "gcp-authenticated-is-anyone"
)

// Permissions the rules use more than once.
const (
	permActAs             = "iam.serviceAccounts.actAs"
	permGetAccessToken    = "iam.serviceAccounts.getAccessToken"
	permOrgSetIAM         = "resourcemanager.organizations.setIamPolicy"
	permFolderSetIAM      = "resourcemanager.folders.setIamPolicy"
	permProjectSetIAM     = "resourcemanager.projects.setIamPolicy"
	permRolesUpdate       = "iam.roles.update"
	permOrgPolicySet      = "orgpolicy.policy.set"
	typeFunctionV1        = "cloudfunctions.googleapis.com/CloudFunction"
	typeFunctionV2        = "cloudfunctions.googleapis.com/Function"
	typeRunService        = "run.googleapis.com/Service"
	typeInstance          = "compute.googleapis.com/Instance"
	typeBucket            = "storage.googleapis.com/Bucket"
	typeSecret            = "secretmanager.googleapis.com/Secret"
	typeTopic             = "pubsub.googleapis.com/Topic"
	typeDataset           = "bigquery.googleapis.com/Dataset"
	typeOrganization      = "cloudresourcemanager.googleapis.com/Organization"
	typeFolder            = "cloudresourcemanager.googleapis.com/Folder"
	typeProject           = "cloudresourcemanager.googleapis.com/Project"
	typeServiceAccount    = "iam.googleapis.com/ServiceAccount"
	agentCloudServices    = "%s@cloudservices.gserviceaccount.com"
	agentLegacyCloudBuild = "%s@cloudbuild.gserviceaccount.com"
)

// family is how a rule reaches its target service account.
type family int

const (
	// famServiceAccount: a permission on the target service account (its
	// own policy or an ancestor's) mints its credentials or rewrites its
	// policy.
	famServiceAccount family = iota
	// famProjectAccounts: a permission on a project reaches every service
	// account of the project.
	famProjectAccounts
	// famNewVehicle: permissions on a project create something that runs
	// code there (a function, an instance, a job) as any service account
	// the principal may act as (iam.serviceAccounts.actAs): the vehicle's
	// service account is the target.
	famNewVehicle
	// famExistingVehicle: permissions on a resource that already runs as a
	// service account take it over; acting as that account is needed too.
	famExistingVehicle
	// famServiceAgent: permissions on a project start something that runs
	// as a Google-managed service agent of the project.
	famServiceAgent
)

// rule is one technique that reaches a service account.
type rule struct {
	id, name, category, attack, description string
	family                                  family
	// perms must all be held; each entry lists alternatives (a permission
	// and its older or newer spelling).
	perms [][]string
	// actAs: iam.serviceAccounts.actAs on the target is needed too.
	actAs bool
	// holderSA: only a service account can use it (a delegate of a chain).
	holderSA bool
	// vehicles are the asset types an existing-vehicle rule takes over.
	vehicles []string
	// agent is the e-mail pattern of a service-agent rule's target, with
	// the project number for %s.
	agent string
	// vehicle names what is created, for evidence.
	vehicle string
}

// one lists single permissions as rule.perms.
func one(perms ...string) [][]string {
	out := make([][]string, len(perms))
	for i, p := range perms {
		out[i] = []string{p}
	}
	return out
}

// rules are the techniques that reach service accounts, in the order their
// edges are emitted, which is the order a path prefers among equal hops:
// implicit delegation first, so that a chain through an intermediate
// service account shows as one, and HMAC keys, which carry only Cloud
// Storage access, last.
var rules = []rule{
	{id: TechImplicitDelegation, name: "ServiceAccountImplicitDelegation", category: "principal-access", attack: "T1550.001",
		family: famServiceAccount, perms: one("iam.serviceAccounts.implicitDelegation"), holderSA: true,
		description: "a service account allowed implicit delegation on another is a link of a delegation chain: whoever can mint the first one's tokens mints the second's in the same call"},
	{id: TechGetAccessToken, name: "GetServiceAccountAccessToken", category: "principal-access", attack: "T1550.001",
		family: famServiceAccount, perms: one(permGetAccessToken),
		description: "mint an OAuth access token of the service account (generateAccessToken)"},
	{id: TechCreateKey, name: "CreateServiceAccountKey", category: "principal-access", attack: "T1098.001",
		family: famServiceAccount, perms: one("iam.serviceAccountKeys.create"),
		description: "create a long-lived key of the service account"},
	{id: TechSignBlob, name: "ServiceAccountSignBlob", category: "principal-access", attack: "T1550.001",
		family: famServiceAccount, perms: one("iam.serviceAccounts.signBlob"),
		description: "sign a JWT assertion as the service account and exchange it for an access token"},
	{id: TechSignJwt, name: "ServiceAccountSignJwt", category: "principal-access", attack: "T1550.001",
		family: famServiceAccount, perms: one("iam.serviceAccounts.signJwt"),
		description: "sign a JWT as the service account and exchange it for an access token"},
	{id: TechGetOpenIDToken, name: "GetOpenIdToken", category: "principal-access", attack: "T1550.001",
		family: famServiceAccount, perms: one("iam.serviceAccounts.getOpenIdToken"),
		description: "mint an OpenID Connect identity token of the service account, accepted by Cloud Run, Cloud Functions, IAP and any service that trusts Google's tokens"},
	{id: TechSetSAPolicy, name: "SetServiceAccountIAMPolicy", category: "principal-access", attack: "T1098.003",
		family: famServiceAccount, perms: one("iam.serviceAccounts.setIamPolicy"),
		description: "rewrite the service account's allow policy to grant oneself the Token Creator role, then mint its tokens"},
	{id: TechDeploymentManager, name: "CreateDeploymentManagerDeployment", category: "service-agent", attack: "T1578",
		family: famServiceAgent, perms: one("deploymentmanager.deployments.create"), agent: agentCloudServices,
		description: "a Deployment Manager deployment creates resources as the project's Google APIs service agent (<number>@cloudservices.gserviceaccount.com), an editor of the project by default"},
	{id: TechCloudBuild, name: "RCECloudBuildBuildServer", category: "service-agent", attack: "T1578",
		family: famServiceAgent, perms: one("cloudbuild.builds.create"), agent: agentLegacyCloudBuild,
		description: "a build runs its steps as the project's Cloud Build service account (<number>@cloudbuild.gserviceaccount.com), or as a service account one may act as, whose token the steps read from the metadata server"},
	{id: TechCloudBuild, family: famNewVehicle, perms: one("cloudbuild.builds.create"), actAs: true, vehicle: "a Cloud Build build"},

	{id: TechFunctionCreateCall, name: "ExfilCloudFunctionCredsAuthCall", category: "new-actas", attack: "T1648",
		family: famNewVehicle, actAs: true, vehicle: "a Cloud Function",
		perms:       one("cloudfunctions.functions.create", "cloudfunctions.functions.sourceCodeSet", "cloudfunctions.functions.call"),
		description: "create a Cloud Function that runs as the service account, then call it to read the account's token"},
	{id: TechFunctionCreateSetIAM, name: "ExfilCloudFunctionCredsUnauthCall", category: "new-actas", attack: "T1648",
		family: famNewVehicle, actAs: true, vehicle: "a Cloud Function",
		perms:       one("cloudfunctions.functions.create", "cloudfunctions.functions.sourceCodeSet", "cloudfunctions.functions.setIamPolicy"),
		description: "create a Cloud Function that runs as the service account, open it to allUsers and call it to read the account's token"},
	{id: TechInstanceCreate, name: "CreateGCEInstanceWithSA", category: "new-actas", attack: "T1578.002",
		family: famNewVehicle, actAs: true, vehicle: "a Compute Engine instance",
		perms: one("compute.instances.create", "compute.disks.create", "compute.instances.setMetadata",
			"compute.instances.setServiceAccount", "compute.subnetworks.use", "compute.subnetworks.useExternalIp"),
		description: "create a Compute Engine instance that runs as the service account, with one's SSH key, and read its token from the metadata server"},
	{id: TechRunCreateInvoke, name: "ExfilCloudRunServiceAuthCall", category: "new-actas", attack: "T1648",
		family: famNewVehicle, actAs: true, vehicle: "a Cloud Run service",
		perms:       one("run.services.create", "run.routes.invoke"),
		description: "deploy a Cloud Run service that runs as the service account, then invoke it to read the account's token"},
	{id: TechRunCreateSetIAM, name: "ExfilCloudRunServiceUnauthCall", category: "new-actas", attack: "T1648",
		family: famNewVehicle, actAs: true, vehicle: "a Cloud Run service",
		perms:       one("run.services.create", "run.services.setIamPolicy"),
		description: "deploy a Cloud Run service that runs as the service account, open it to allUsers and invoke it"},
	{id: TechRunJobCreate, name: "CreateCloudRunJob", category: "new-actas", attack: "T1648",
		family: famNewVehicle, actAs: true, vehicle: "a Cloud Run job",
		perms:       one("run.jobs.create"),
		description: "create a Cloud Run job that runs as the service account"},
	{id: TechScheduler, name: "CreateCloudSchedulerHTTPRequest", category: "new-actas", attack: "T1053",
		family: famNewVehicle, actAs: true, vehicle: "a Cloud Scheduler job",
		perms:       one("cloudscheduler.jobs.create", "cloudscheduler.locations.list"),
		description: "schedule an HTTP job that calls any Google API with the service account's OAuth token"},
	{id: TechDataproc, name: "CreateDataprocCluster", category: "new-actas", attack: "T1578.002",
		family: famNewVehicle, actAs: true, vehicle: "a Dataproc cluster",
		perms:       one("dataproc.clusters.create"),
		description: "create a Dataproc cluster whose nodes run as the service account"},
	{id: TechComposer, name: "CreateComposerEnvironment", category: "new-actas", attack: "T1578",
		family: famNewVehicle, actAs: true, vehicle: "a Cloud Composer environment",
		perms:       one("composer.environments.create"),
		description: "create a Cloud Composer environment whose Airflow workers run as the service account"},
	{id: TechDataflow, name: "CreateDataflowJob", category: "new-actas", attack: "T1578",
		family: famNewVehicle, actAs: true, vehicle: "a Dataflow job",
		perms:       one("dataflow.jobs.create"),
		description: "launch a Dataflow job whose workers run as the service account"},
	{id: TechGKECluster, name: "CreateGKEClusterWithSA", category: "new-actas", attack: "T1610",
		family: famNewVehicle, actAs: true, vehicle: "a GKE cluster",
		perms:       one("container.clusters.create"),
		description: "create a GKE cluster whose nodes run as the service account"},
	{id: TechNotebook, name: "CreateNotebookInstance", category: "new-actas", attack: "T1578.002",
		family: famNewVehicle, actAs: true, vehicle: "a notebook instance",
		perms:       one("notebooks.instances.create"),
		description: "create a Vertex AI Workbench notebook instance that runs as the service account"},
	{id: TechVertexJob, name: "CreateVertexAICustomJob", category: "new-actas", attack: "T1578",
		family: famNewVehicle, actAs: true, vehicle: "a Vertex AI custom job",
		perms:       one("aiplatform.customJobs.create"),
		description: "run a Vertex AI custom job, one's own container, as the service account"},
	{id: TechWorkflow, name: "CreateWorkflow", category: "new-actas", attack: "T1648",
		family: famNewVehicle, actAs: true, vehicle: "a workflow",
		perms:       one("workflows.workflows.create"),
		description: "deploy a Workflows workflow that calls Google APIs as the service account"},

	{id: TechFunctionUpdate, name: "UpdateCloudFunction", category: "existing-actas", attack: "T1648",
		family: famExistingVehicle, actAs: true, vehicles: []string{typeFunctionV1, typeFunctionV2},
		perms:       one("cloudfunctions.functions.update", "cloudfunctions.functions.sourceCodeSet"),
		description: "replace the code of an existing Cloud Function, which runs as its service account"},
	{id: TechRunUpdate, name: "UpdateCloudRunService", category: "existing-actas", attack: "T1648",
		family: famExistingVehicle, actAs: true, vehicles: []string{typeRunService},
		perms:       one("run.services.update"),
		description: "deploy a new revision of an existing Cloud Run service, which runs as its service account"},
	{id: TechInstanceMetadata, name: "SetInstanceMetadataSSHKeys", category: "existing-actas", attack: "T1098.004",
		family: famExistingVehicle, actAs: true, vehicles: []string{typeInstance},
		perms:       one("compute.instances.setMetadata"),
		description: "add one's SSH key to an existing instance's metadata, log in and read its service account's token from the metadata server"},
	{id: TechOSAdminLogin, name: "OSAdminLogin", category: "existing-actas", attack: "T1021.004",
		family: famExistingVehicle, actAs: true, vehicles: []string{typeInstance},
		perms:       one("compute.instances.osAdminLogin"),
		description: "log in to an existing instance as an administrator through OS Login and read its service account's token"},

	{id: TechHMACKey, name: "CreateServiceAccountHMACKey", category: "principal-access", attack: "T1098.001",
		family: famProjectAccounts, perms: one("storage.hmacKeys.create"),
		description: "create an HMAC key of a service account of the project: its Cloud Storage access through the XML API"},
}

// scopeRule is the administrator permission of one kind of scope.
type scopeRule struct {
	technique, permission, name string
	kind                        string // organization, folder or project
}

var scopeRules = []scopeRule{
	{TechSetOrgPolicy, permOrgSetIAM, "SetOrgIAMPolicy", "organization"},
	{TechSetFolderPolicy, permFolderSetIAM, "SetFolderIAMPolicy", "folder"},
	{TechSetProjectPolicy, permProjectSetIAM, "SetProjectIAMPolicy", "project"},
}

// accessLevel is one level of access to a kind of resource and the
// permission that proves it.
type accessLevel struct {
	access     string // read, write or admin (graphmodel.Access)
	permission string
}

// resourceAccess lists, by asset type, the permissions that prove read,
// write and administrator access, strongest first. The administrator level
// rewrites the resource's allow policy (the Rhino "setIamPolicy" methods).
var resourceAccess = map[string][]accessLevel{
	typeBucket:  {{"admin", TechBucketSetIAM}, {"write", "storage.objects.create"}, {"read", "storage.objects.get"}},
	typeSecret:  {{"admin", TechSecretSetIAM}, {"write", "secretmanager.versions.add"}, {"read", "secretmanager.versions.access"}},
	typeTopic:   {{"admin", TechTopicSetIAM}, {"write", "pubsub.topics.publish"}, {"read", "pubsub.topics.attachSubscription"}},
	typeDataset: {{"admin", TechDatasetSetIAM}, {"write", "bigquery.tables.updateData"}, {"read", "bigquery.tables.getData"}},
}

// apiKeyRules are the API key techniques: the permission and its older
// spelling, and the access they give to a project's keys.
var apiKeyRules = []struct {
	technique, name string
	perms           []string
	access          string
}{
	{TechCreateAPIKey, "CreateAPIKey", []string{"apikeys.keys.create", "serviceusage.apiKeys.create"}, "write"},
	{TechListAPIKeys, "ViewExistingAPIKeys", []string{"apikeys.keys.getKeyString", "serviceusage.apiKeys.list"}, "read"},
}
