package gcp_test

import (
	"context"
	"strings"
	"testing"

	gcpanalysis "github.com/blastradius/blastradius/analysis/gcp"
	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// accessPermissions are the permissions that name read and write access
// edges: like AWS actions, they are not in the catalogue.
var accessPermissions = []string{"storage.objects.get", "storage.objects.create", "secretmanager.versions.access",
	"secretmanager.versions.add", "pubsub.topics.attachSubscription", "pubsub.topics.publish", "bigquery.tables.getData",
	"bigquery.tables.updateData"}

// Every technique an edge cites on any fixture is in the catalogue, but
// read and write access, named by the permission that proves it.
func TestEveryDerivedTechniqueIsCatalogued(t *testing.T) {
	known := map[string]bool{}
	for _, tq := range gcpanalysis.Techniques() {
		known[tq.ID] = true
	}
	seen := map[string]bool{}
	for _, s := range scenarios() {
		_, edges, err := gcpanalysis.NewAt(fixedNow).Derive(context.Background(), snapshotOf(t, s.name))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range edges {
			seen[e.Technique] = true
			if e.Kind == graphmodel.EdgeCanAccess && contains(accessPermissions, e.Technique) {
				continue
			}
			if !known[e.Technique] {
				t.Errorf("%s: edge %s -%s-> %s cites %q, which the catalogue lacks", s.name, e.From, e.Kind, e.To, e.Technique)
			}
		}
	}
	for id := range known {
		if !seen[id] {
			t.Errorf("catalogued technique %s is cited by no fixture's edge", id)
		}
	}
}

func TestCatalogueEntries(t *testing.T) {
	for _, tq := range gcpanalysis.Techniques() {
		if tq.Provider != graphmodel.ProviderGCP || tq.Name == "" || tq.Category == "" || tq.Description == "" ||
			(tq.Category != "membership" && !strings.HasPrefix(tq.Attack, "T1")) {
			t.Errorf("incomplete: %+v", tq)
		}
	}
}

// The methods of the GCP table of TECHNIQUES.md, by their Rhino names,
// and the techniques that implement them.
var table = map[string][]string{
	"UpdateIAMRole":                     {gcpanalysis.TechUpdateRole},
	"CreateServiceAccountKey":           {gcpanalysis.TechCreateKey},
	"GetServiceAccountAccessToken":      {gcpanalysis.TechGetAccessToken},
	"GetOpenIdToken":                    {gcpanalysis.TechGetOpenIDToken},
	"ServiceAccountImplicitDelegation":  {gcpanalysis.TechImplicitDelegation},
	"ServiceAccountSignBlob":            {gcpanalysis.TechSignBlob},
	"ServiceAccountSignJwt":             {gcpanalysis.TechSignJwt},
	"SetServiceAccountIAMPolicy":        {gcpanalysis.TechSetSAPolicy},
	"SetOrgIAMPolicy":                   {gcpanalysis.TechSetOrgPolicy},
	"SetFolderIAMPolicy":                {gcpanalysis.TechSetFolderPolicy},
	"SetProjectIAMPolicy":               {gcpanalysis.TechSetProjectPolicy},
	"SetOrgPolicyConstraints":           {gcpanalysis.TechOrgConstraints},
	"CreateServiceAccountHMACKey":       {gcpanalysis.TechHMACKey},
	"CreateDeploymentManagerDeployment": {gcpanalysis.TechDeploymentManager},
	"RCECloudBuildBuildServer":          {gcpanalysis.TechCloudBuild},
	"ExfilCloudFunctionCredsAuthCall":   {gcpanalysis.TechFunctionCreateCall},
	"ExfilCloudFunctionCredsUnauthCall": {gcpanalysis.TechFunctionCreateSetIAM},
	"UpdateCloudFunction":               {gcpanalysis.TechFunctionUpdate},
	"CreateGCEInstanceWithSA":           {gcpanalysis.TechInstanceCreate},
	"Instance metadata / OS Login":      {gcpanalysis.TechInstanceMetadata, gcpanalysis.TechOSAdminLogin},
	"ExfilCloudRunServiceAuthCall":      {gcpanalysis.TechRunCreateInvoke},
	"ExfilCloudRunServiceUnauthCall":    {gcpanalysis.TechRunCreateSetIAM},
	"Cloud Run update / jobs":           {gcpanalysis.TechRunUpdate, gcpanalysis.TechRunJobCreate},
	"CreateCloudSchedulerHTTPRequest":   {gcpanalysis.TechScheduler},
	"CreateAPIKey":                      {gcpanalysis.TechCreateAPIKey},
	"ViewExistingAPIKeys":               {gcpanalysis.TechListAPIKeys},
	"Also": {gcpanalysis.TechDataproc, gcpanalysis.TechComposer, gcpanalysis.TechDataflow, gcpanalysis.TechGKECluster,
		gcpanalysis.TechNotebook, gcpanalysis.TechVertexJob, gcpanalysis.TechWorkflow, gcpanalysis.TechBucketSetIAM,
		gcpanalysis.TechSecretSetIAM, gcpanalysis.TechTopicSetIAM, gcpanalysis.TechDatasetSetIAM},
}

func TestEveryMethodOfTheTable(t *testing.T) {
	byID := map[string]graphmodel.Technique{}
	for _, tq := range gcpanalysis.Techniques() {
		byID[tq.ID] = tq
	}
	for method, ids := range table {
		for _, id := range ids {
			tq, ok := byID[id]
			if !ok {
				t.Errorf("%s: technique %s is not in the catalogue", method, id)
				continue
			}
			if !strings.Contains(method, " ") && method != "Also" && tq.Name != method {
				t.Errorf("%s is named %q, not by its Rhino name %s", id, tq.Name, method)
			}
		}
	}
}

// Every permission a rule reads is one a predefined role includes (a typo
// would never match), but the older spellings kept for custom roles.
func TestRulePermissionsExist(t *testing.T) {
	known := map[string]bool{}
	for _, r := range gcppolicy.PredefinedNames() {
		role, _ := gcppolicy.Predefined(r)
		for _, p := range role.Permissions {
			known[p] = true
		}
	}
	for _, p := range gcpanalysis.RulePermissions() {
		if !known[p] && !strings.HasPrefix(p, "serviceusage.apiKeys.") {
			t.Errorf("no predefined role includes %s", p)
		}
	}
}
