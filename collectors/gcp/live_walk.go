package gcp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	htransport "google.golang.org/api/transport/http"

	functions "google.golang.org/api/cloudfunctions/v2"
	crm "google.golang.org/api/cloudresourcemanager/v3"
	compute "google.golang.org/api/compute/v1"
	container "google.golang.org/api/container/v1"
	iam "google.golang.org/api/iam/v1"
	iam2 "google.golang.org/api/iam/v2"
	run "google.golang.org/api/run/v1"
	secretmanager "google.golang.org/api/secretmanager/v1"
	storage "google.golang.org/api/storage/v1"
)

// clients are the API clients of one collection.
type clients struct {
	crm       *crm.Service
	iam       *iam.Service
	storage   *storage.Service
	secrets   *secretmanager.Service
	functions *functions.Service
	run       *run.APIService
	compute   *compute.Service
	container *container.Service
	// raw calls the IAM v2 deny-policy methods, whose names hold a
	// URL-encoded attachment point that the generated client would encode
	// a second time; rawIAM is the IAM base URL.
	raw    *http.Client
	rawIAM string
}

func newClients(ctx context.Context, l *Live) (*clients, error) {
	var c clients
	var err error
	steps := []struct {
		api string
		mk  func() error
	}{
		{apiResourceManager, func() error { c.crm, err = crm.NewService(ctx, l.clientOptions(apiResourceManager)...); return err }},
		{apiIAM, func() error { c.iam, err = iam.NewService(ctx, l.clientOptions(apiIAM)...); return err }},
		{apiStorage, func() error { c.storage, err = storage.NewService(ctx, l.clientOptions(apiStorage)...); return err }},
		{apiSecretManager, func() error {
			c.secrets, err = secretmanager.NewService(ctx, l.clientOptions(apiSecretManager)...)
			return err
		}},
		{apiFunctions, func() error {
			c.functions, err = functions.NewService(ctx, l.clientOptions(apiFunctions)...)
			return err
		}},
		{apiRun, func() error { c.run, err = run.NewService(ctx, l.clientOptions(apiRun)...); return err }},
		{apiCompute, func() error { c.compute, err = compute.NewService(ctx, l.clientOptions(apiCompute)...); return err }},
		{apiContainer, func() error {
			c.container, err = container.NewService(ctx, l.clientOptions(apiContainer)...)
			return err
		}},
	}
	for _, st := range steps {
		if e := st.mk(); e != nil {
			return nil, fmt.Errorf("gcp: %s client: %w", st.api, e)
		}
	}
	c.rawIAM = "https://iam.googleapis.com/"
	if ep, ok := l.opts.Endpoints[apiIAM]; ok {
		c.rawIAM = ep
	}
	opts := append([]option.ClientOption{option.WithScopes("https://www.googleapis.com/auth/cloud-platform")}, l.opts.ClientOptions...)
	if c.raw, _, err = htransport.NewClient(ctx, opts...); err != nil {
		return nil, fmt.Errorf("gcp: iam client: %w", err)
	}
	return &c, nil
}

const crmHost = "//cloudresourcemanager.googleapis.com/"

var policyV3 = &crm.GetIamPolicyRequest{Options: &crm.GetPolicyOptions{RequestedPolicyVersion: 3}}

// organization collects the organization and walks its tree.
func (s *session) organization(ctx context.Context, id string) {
	name := "organizations/" + id
	var org *crm.Organization
	if !s.try(ctx, "cloudresourcemanager.organizations.get", name, func() (err error) {
		org, err = s.c.crm.Organizations.Get(name).Context(ctx).Do()
		return err
	}) {
		if len(s.gaps) > 0 {
			s.fatal = fmt.Errorf("gcp: read %s: %s", name, s.gaps[len(s.gaps)-1].Reason)
		}
		return
	}
	var pol *crm.Policy
	s.try(ctx, "cloudresourcemanager.organizations.getIamPolicy", name, func() (err error) {
		pol, err = s.c.crm.Organizations.GetIamPolicy(name, policyV3).Context(ctx).Do()
		return err
	})
	anc := []string{name}
	s.add(crmHost+name, typeOrganization, org, nilIfNil(pol), anc, name)
	pages(ctx, s, "iam.roles.list", name,
		func(tok string) (*iam.ListRolesResponse, error) {
			return s.c.iam.Organizations.Roles.List(name).View("FULL").PageToken(tok).Context(ctx).Do()
		},
		func(r *iam.ListRolesResponse) string { return r.NextPageToken },
		func(r *iam.ListRolesResponse) {
			for _, role := range r.Roles {
				s.add("//iam.googleapis.com/"+role.Name, typeRole, role, nil, anc, name)
			}
		})
	s.denyPolicies(ctx, name)
	s.children(ctx, name, anc)
}

// children walks the folders and projects under parent.
func (s *session) children(ctx context.Context, parent string, anc []string) {
	if s.visited[parent] || ctx.Err() != nil {
		return
	}
	s.visited[parent] = true
	var folders []*crm.Folder
	pages(ctx, s, "cloudresourcemanager.folders.list", parent,
		func(tok string) (*crm.ListFoldersResponse, error) {
			return s.c.crm.Folders.List().Parent(parent).PageToken(tok).Context(ctx).Do()
		},
		func(r *crm.ListFoldersResponse) string { return r.NextPageToken },
		func(r *crm.ListFoldersResponse) { folders = append(folders, r.Folders...) })
	for _, f := range folders {
		var pol *crm.Policy
		s.try(ctx, "cloudresourcemanager.folders.getIamPolicy", f.Name, func() (err error) {
			pol, err = s.c.crm.Folders.GetIamPolicy(f.Name, policyV3).Context(ctx).Do()
			return err
		})
		fanc := append([]string{f.Name}, anc...)
		s.add(crmHost+f.Name, typeFolder, f, nilIfNil(pol), fanc, f.Name)
		s.denyPolicies(ctx, f.Name)
		s.children(ctx, f.Name, fanc)
	}
	pages(ctx, s, "cloudresourcemanager.projects.list", parent,
		func(tok string) (*crm.ListProjectsResponse, error) {
			return s.c.crm.Projects.List().Parent(parent).PageToken(tok).Context(ctx).Do()
		},
		func(r *crm.ListProjectsResponse) string { return r.NextPageToken },
		func(r *crm.ListProjectsResponse) {
			for _, p := range r.Projects {
				s.project(ctx, p, anc)
			}
		})
}

// projectByID collects one project given by id (--project).
func (s *session) projectByID(ctx context.Context, id string) {
	var p *crm.Project
	if !s.try(ctx, "cloudresourcemanager.projects.get", "projects/"+id, func() (err error) {
		p, err = s.c.crm.Projects.Get("projects/" + id).Context(ctx).Do()
		return err
	}) {
		return
	}
	var anc []string
	if p.Parent != "" {
		anc = []string{p.Parent}
	}
	s.project(ctx, p, anc)
}

func nilIfNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

// project collects one project and what it holds; anc are the ancestors
// of the project.
func (s *session) project(ctx context.Context, p *crm.Project, anc []string) {
	if s.visited[p.Name] || ctx.Err() != nil {
		return
	}
	s.visited[p.Name] = true
	pid, where := p.ProjectId, "projects/"+p.ProjectId
	panc := append([]string{p.Name}, anc...)
	var pol *crm.Policy
	s.try(ctx, "cloudresourcemanager.projects.getIamPolicy", where, func() (err error) {
		pol, err = s.c.crm.Projects.GetIamPolicy(p.Name, policyV3).Context(ctx).Do()
		return err
	})
	s.add(crmHost+p.Name, typeProject, p, nilIfNil(pol), panc, where)
	s.denyPolicies(ctx, "projects/"+pid)
	s.serviceAccounts(ctx, pid, panc)
	s.iamProject(ctx, pid, panc)
	s.storageBuckets(ctx, pid, panc)
	s.secretsOf(ctx, pid, panc)
	s.functionsOf(ctx, pid, panc)
	s.runServices(ctx, pid, panc)
	s.instances(ctx, pid, panc)
	s.clusters(ctx, pid, panc)
}

// denyPolicies reads the deny policies attached to a scope ("projects/p").
func (s *session) denyPolicies(ctx context.Context, scope string) {
	parent := attachment("cloudresourcemanager.googleapis.com/" + scope)
	var names []string
	pages(ctx, s, "iam.denypolicies.list", scope,
		func(tok string) (*iam2.GoogleIamV2ListPoliciesResponse, error) {
			var r iam2.GoogleIamV2ListPoliciesResponse
			q := url.Values{}
			if tok != "" {
				q.Set("pageToken", tok)
			}
			return &r, s.c.get(ctx, "v2/"+parent, q, &r)
		},
		func(r *iam2.GoogleIamV2ListPoliciesResponse) string { return r.NextPageToken },
		func(r *iam2.GoogleIamV2ListPoliciesResponse) {
			for _, p := range r.Policies {
				names = append(names, p.Name)
			}
		})
	for _, n := range names {
		var raw json.RawMessage
		if !s.try(ctx, "iam.denypolicies.get", n, func() error { return s.c.get(ctx, "v2/"+n, nil, &raw) }) {
			continue
		}
		recs, err := ReadRecords("live:"+n, raw)
		if err != nil || len(recs.Deny) != 1 {
			s.gaps = append(s.gaps, gap("deny policy "+n, fmt.Sprintf("unusable: %v", err), scope))
			continue
		}
		s.recs.Deny = append(s.recs.Deny, recs.Deny...)
	}
}

func (s *session) serviceAccounts(ctx context.Context, pid string, anc []string) {
	where := "projects/" + pid
	var accounts []*iam.ServiceAccount
	pages(ctx, s, "iam.serviceAccounts.list", where,
		func(tok string) (*iam.ListServiceAccountsResponse, error) {
			return s.c.iam.Projects.ServiceAccounts.List(where).PageToken(tok).Context(ctx).Do()
		},
		func(r *iam.ListServiceAccountsResponse) string { return r.NextPageToken },
		func(r *iam.ListServiceAccountsResponse) { accounts = append(accounts, r.Accounts...) })
	for _, sa := range accounts {
		saName := "//iam.googleapis.com/projects/" + pid + "/serviceAccounts/" + first(sa.UniqueId, sa.Email)
		var pol *iam.Policy
		s.try(ctx, "iam.serviceAccounts.getIamPolicy", sa.Name, func() (err error) {
			pol, err = s.c.iam.Projects.ServiceAccounts.GetIamPolicy(sa.Name).OptionsRequestedPolicyVersion(3).Context(ctx).Do()
			return err
		})
		s.add(saName, typeServiceAccount, sa, nilIfNil(pol), anc, sa.Name)
		var keys *iam.ListServiceAccountKeysResponse
		if s.try(ctx, "iam.serviceAccountKeys.list", sa.Name, func() (err error) {
			keys, err = s.c.iam.Projects.ServiceAccounts.Keys.List(sa.Name).Context(ctx).Do()
			return err
		}) {
			for _, k := range keys.Keys {
				k.PrivateKeyData, k.PublicKeyData = "", "" // never kept, even in memory
				s.add(saName+"/keys/"+lastSegment(k.Name), typeKey, k, nil, anc, sa.Name)
			}
		}
	}
}

// iamProject reads a project's custom roles and workload identity pools.
func (s *session) iamProject(ctx context.Context, pid string, anc []string) {
	where := "projects/" + pid
	pages(ctx, s, "iam.roles.list", where,
		func(tok string) (*iam.ListRolesResponse, error) {
			return s.c.iam.Projects.Roles.List(where).View("FULL").PageToken(tok).Context(ctx).Do()
		},
		func(r *iam.ListRolesResponse) string { return r.NextPageToken },
		func(r *iam.ListRolesResponse) {
			for _, role := range r.Roles {
				s.add("//iam.googleapis.com/"+role.Name, typeRole, role, nil, anc, where)
			}
		})
	var pools []*iam.WorkloadIdentityPool
	pages(ctx, s, "iam.workloadIdentityPools.list", where,
		func(tok string) (*iam.ListWorkloadIdentityPoolsResponse, error) {
			return s.c.iam.Projects.Locations.WorkloadIdentityPools.List(where + "/locations/global").PageToken(tok).Context(ctx).Do()
		},
		func(r *iam.ListWorkloadIdentityPoolsResponse) string { return r.NextPageToken },
		func(r *iam.ListWorkloadIdentityPoolsResponse) { pools = append(pools, r.WorkloadIdentityPools...) })
	for _, pool := range pools {
		s.add("//iam.googleapis.com/"+pool.Name, typePool, pool, nil, anc, where)
		pages(ctx, s, "iam.workloadIdentityPoolProviders.list", pool.Name,
			func(tok string) (*iam.ListWorkloadIdentityPoolProvidersResponse, error) {
				return s.c.iam.Projects.Locations.WorkloadIdentityPools.Providers.List(pool.Name).PageToken(tok).Context(ctx).Do()
			},
			func(r *iam.ListWorkloadIdentityPoolProvidersResponse) string { return r.NextPageToken },
			func(r *iam.ListWorkloadIdentityPoolProvidersResponse) {
				for _, pr := range r.WorkloadIdentityPoolProviders {
					s.add("//iam.googleapis.com/"+pr.Name, typeProvider, pr, nil, anc, pool.Name)
				}
			})
	}
}

func (s *session) storageBuckets(ctx context.Context, pid string, anc []string) {
	var buckets []*storage.Bucket
	pages(ctx, s, "storage.buckets.list", "projects/"+pid,
		func(tok string) (*storage.Buckets, error) {
			return s.c.storage.Buckets.List(pid).PageToken(tok).Context(ctx).Do()
		},
		func(r *storage.Buckets) string { return r.NextPageToken },
		func(r *storage.Buckets) { buckets = append(buckets, r.Items...) })
	for _, b := range buckets {
		var pol *storage.Policy
		s.try(ctx, "storage.buckets.getIamPolicy", "buckets/"+b.Name, func() (err error) {
			pol, err = s.c.storage.Buckets.GetIamPolicy(b.Name).OptionsRequestedPolicyVersion(3).Context(ctx).Do()
			return err
		})
		s.add("//storage.googleapis.com/"+b.Name, typeBucket, b, nilIfNil(pol), anc, "projects/"+pid)
	}
}

func (s *session) secretsOf(ctx context.Context, pid string, anc []string) {
	where := "projects/" + pid
	var secrets []*secretmanager.Secret
	pages(ctx, s, "secretmanager.secrets.list", where,
		func(tok string) (*secretmanager.ListSecretsResponse, error) {
			return s.c.secrets.Projects.Secrets.List(where).PageToken(tok).Context(ctx).Do()
		},
		func(r *secretmanager.ListSecretsResponse) string { return r.NextPageToken },
		func(r *secretmanager.ListSecretsResponse) { secrets = append(secrets, r.Secrets...) })
	for _, sec := range secrets {
		var pol *secretmanager.Policy
		s.try(ctx, "secretmanager.secrets.getIamPolicy", sec.Name, func() (err error) {
			pol, err = s.c.secrets.Projects.Secrets.GetIamPolicy(sec.Name).OptionsRequestedPolicyVersion(3).Context(ctx).Do()
			return err
		})
		s.add("//secretmanager.googleapis.com/"+sec.Name, typeSecret, sec, nilIfNil(pol), anc, where)
	}
}

func (s *session) functionsOf(ctx context.Context, pid string, anc []string) {
	where := "projects/" + pid
	var fns []*functions.Function
	pages(ctx, s, "cloudfunctions.functions.list", where,
		func(tok string) (*functions.ListFunctionsResponse, error) {
			return s.c.functions.Projects.Locations.Functions.List(where + "/locations/-").PageToken(tok).Context(ctx).Do()
		},
		func(r *functions.ListFunctionsResponse) string { return r.NextPageToken },
		func(r *functions.ListFunctionsResponse) { fns = append(fns, r.Functions...) })
	for _, f := range fns {
		var pol *functions.Policy
		s.try(ctx, "cloudfunctions.functions.getIamPolicy", f.Name, func() (err error) {
			pol, err = s.c.functions.Projects.Locations.Functions.GetIamPolicy(f.Name).OptionsRequestedPolicyVersion(3).Context(ctx).Do()
			return err
		})
		// Environment variables may hold secrets: never kept.
		if f.ServiceConfig != nil {
			f.ServiceConfig.EnvironmentVariables, f.ServiceConfig.SecretEnvironmentVariables, f.ServiceConfig.SecretVolumes = nil, nil, nil
		}
		if f.BuildConfig != nil {
			f.BuildConfig.EnvironmentVariables = nil
		}
		s.add("//cloudfunctions.googleapis.com/"+f.Name, typeFunctionV2, f, nilIfNil(pol), anc, where)
	}
}

func (s *session) runServices(ctx context.Context, pid string, anc []string) {
	where := "projects/" + pid
	var services []*run.Service
	pages(ctx, s, "run.services.list", where,
		func(tok string) (*run.ListServicesResponse, error) {
			call := s.c.run.Namespaces.Services.List("namespaces/" + pid).Context(ctx)
			if tok != "" {
				call = call.Continue(tok)
			}
			return call.Do()
		},
		func(r *run.ListServicesResponse) string {
			if r.Metadata == nil {
				return ""
			}
			return r.Metadata.Continue
		},
		func(r *run.ListServicesResponse) { services = append(services, r.Items...) })
	for _, svc := range services {
		if svc.Metadata == nil {
			continue
		}
		region := svc.Metadata.Labels["cloud.googleapis.com/location"]
		name := fmt.Sprintf("projects/%s/locations/%s/services/%s", pid, region, svc.Metadata.Name)
		var pol *run.Policy
		s.try(ctx, "run.services.getIamPolicy", name, func() (err error) {
			pol, err = s.c.run.Projects.Locations.Services.GetIamPolicy(name).OptionsRequestedPolicyVersion(3).Context(ctx).Do()
			return err
		})
		if svc.Spec != nil && svc.Spec.Template != nil && svc.Spec.Template.Spec != nil {
			for _, ctr := range svc.Spec.Template.Spec.Containers {
				ctr.Env = nil // may hold secrets
			}
		}
		s.add("//run.googleapis.com/"+name, typeRunService, svc, nilIfNil(pol), anc, where)
	}
}

func (s *session) instances(ctx context.Context, pid string, anc []string) {
	where := "projects/" + pid
	pages(ctx, s, "compute.instances.aggregatedList", where,
		func(tok string) (*compute.InstanceAggregatedList, error) {
			return s.c.compute.Instances.AggregatedList(pid).PageToken(tok).Context(ctx).Do()
		},
		func(r *compute.InstanceAggregatedList) string { return r.NextPageToken },
		func(r *compute.InstanceAggregatedList) {
			for scope, list := range r.Items {
				zone := strings.TrimPrefix(scope, "zones/")
				for _, in := range list.Instances {
					in.Metadata = nil // startup scripts and SSH keys are never kept
					name := fmt.Sprintf("//compute.googleapis.com/projects/%s/zones/%s/instances/%s", pid, zone, in.Name)
					s.add(name, typeInstance, in, nil, anc, where)
				}
			}
		})
}

func (s *session) clusters(ctx context.Context, pid string, anc []string) {
	where := "projects/" + pid
	var resp *container.ListClustersResponse
	if !s.try(ctx, "container.clusters.list", where, func() (err error) {
		resp, err = s.c.container.Projects.Locations.Clusters.List(where + "/locations/-").Context(ctx).Do()
		return err
	}) {
		return
	}
	for _, cl := range resp.Clusters {
		cl.MasterAuth = nil // cluster credentials are never kept
		name := fmt.Sprintf("//container.googleapis.com/projects/%s/locations/%s/clusters/%s", pid, cl.Location, cl.Name)
		s.add(name, typeCluster, cl, nil, anc, where)
	}
}

// get calls GET <IAM base>/<path>?<query> and decodes the answer into out.
// path is sent as written: its %2F stay %2F.
func (c *clients) get(ctx context.Context, path string, query url.Values, out any) error {
	u, err := url.Parse(c.rawIAM + path)
	if err != nil {
		return err
	}
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	res, err := c.raw.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if err := googleapi.CheckResponse(res); err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return err
	}
	return json.Unmarshal(body, out)
}
