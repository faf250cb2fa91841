package gcp

import (
	"sort"

	"github.com/blastradius/blastradius/graphmodel"
)

// ownTechniques are the techniques besides the service-account rules.
var ownTechniques = []graphmodel.Technique{
	{ID: TechSetOrgPolicy, Name: "SetOrgIAMPolicy", Category: "administrator", Attack: "T1098.003",
		Description: "may set the organization's allow policy (resourcemanager.organizations.setIamPolicy): grant oneself any role on everything in it"},
	{ID: TechSetFolderPolicy, Name: "SetFolderIAMPolicy", Category: "administrator", Attack: "T1098.003",
		Description: "may set the folder's allow policy (resourcemanager.folders.setIamPolicy): grant oneself any role on everything below it"},
	{ID: TechSetProjectPolicy, Name: "SetProjectIAMPolicy", Category: "administrator", Attack: "T1098.003",
		Description: "may set the project's allow policy (resourcemanager.projects.setIamPolicy), as roles/owner and roles/resourcemanager.projectIamAdmin may: grant oneself any role in it"},
	{ID: TechInheritance, Name: "allow policy inheritance", Category: "administrator", Attack: "T1078.004",
		Description: "an administrator of an organization or folder grants itself a role there, which every folder and project below inherits (unless a deny policy says otherwise)"},
	{ID: TechUpdateRole, Name: "UpdateIAMRole", Category: "self-escalation", Attack: "T1098.003",
		Description: "add any permission to a custom role one holds (iam.roles.update), where one holds it"},
	{ID: TechOrgConstraints, Name: "SetOrgPolicyConstraints", Category: "defense-evasion", Attack: "T1484",
		Description: "set organization policies (orgpolicy.policy.set): lift the constraints that stop key creation, cross-project service account use or public access, on the scope and everything below it"},
	{ID: TechCreateAPIKey, Name: "CreateAPIKey", Category: "credential-access", Attack: "T1098.001",
		Description: "create an API key of the project (apikeys.keys.create, formerly serviceusage.apiKeys.create), billed to it and usable with every API it has enabled"},
	{ID: TechListAPIKeys, Name: "ViewExistingAPIKeys", Category: "credential-access", Attack: "T1552",
		Description: "read the key strings of the project's existing API keys (apikeys.keys.getKeyString, formerly serviceusage.apiKeys.list)"},
	{ID: TechBucketSetIAM, Name: "storage.buckets.setIamPolicy", Category: "resource-admin", Attack: "T1098.003",
		Description: "rewrite a bucket's allow policy: any access to its objects"},
	{ID: TechSecretSetIAM, Name: "secretmanager.secrets.setIamPolicy", Category: "resource-admin", Attack: "T1098.003",
		Description: "rewrite a secret's allow policy: read every version of it"},
	{ID: TechTopicSetIAM, Name: "pubsub.topics.setIamPolicy", Category: "resource-admin", Attack: "T1098.003",
		Description: "rewrite a Pub/Sub topic's allow policy: publish to it and read what is published"},
	{ID: TechDatasetSetIAM, Name: "bigquery.datasets.setIamPolicy", Category: "resource-admin", Attack: "T1098.003",
		Description: "rewrite a BigQuery dataset's allow policy: read and change its tables"},
	{ID: TechPermissionSet, Name: "permission set membership", Category: "membership",
		Description: "a principal holds what a permission set of a project reaches, having the same permissions on the whole project"},
	{ID: TechDomainMember, Name: "domain membership", Category: "membership",
		Description: "a user or group of a domain holds what domain: bindings grant"},
	{ID: TechPoolMember, Name: "principal set membership", Category: "membership",
		Description: "an identity of a workload identity pool holds what a principal set of the pool that selects it is granted"},
	{ID: TechAuthenticatedIsPublic, Name: "allAuthenticatedUsers is allUsers", Category: "membership",
		Description: "anyone signed in with a Google account is also anyone on the internet"},
}

// Techniques returns the catalogue of every technique the GCP analysis
// derives (analysis.TechniqueCatalog), sorted by ID.
func (a *Analyzer) Techniques() []graphmodel.Technique { return Techniques() }

// Techniques returns the GCP technique catalogue (see Analyzer.Techniques).
func Techniques() []graphmodel.Technique {
	seen := map[string]bool{}
	var list []graphmodel.Technique
	for _, r := range rules {
		if seen[r.id] || r.name == "" {
			continue
		}
		seen[r.id] = true
		list = append(list, graphmodel.Technique{ID: r.id, Provider: graphmodel.ProviderGCP, Name: r.name,
			Category: r.category, Attack: r.attack, Description: r.description})
	}
	for _, t := range ownTechniques {
		t.Provider = graphmodel.ProviderGCP
		list = append(list, t)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}
