package gcp

import (
	"testing"
	"time"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// TestSnapshotEvaluates reads the fixture's snapshot back the way the
// analysis will: policies from node documents, custom roles from role
// documents, the ancestry from child_of edges, and decides permissions
// with gcppolicy.
func TestSnapshotEvaluates(t *testing.T) {
	frag := collect(t, NewOffline(estateFiles))
	nodes := map[string]graphmodel.Node{}
	parent := map[string]string{}
	var roles gcppolicy.Roles
	for _, n := range frag.Nodes {
		nodes[n.ID] = n
		if n.Kind == graphmodel.KindGCPRole {
			def, err := gcppolicy.ParseCustomRole(n.Documents[graphmodel.DocGCPRole])
			if err != nil {
				t.Fatal(err)
			}
			roles.AddCustom(def.Name, def.IncludedPermissions)
		}
	}
	for _, e := range frag.Edges {
		if e.Kind == graphmodel.EdgeChildOf {
			parent[e.From] = e.To
		}
	}
	target := func(id string) gcppolicy.Target {
		n := nodes[id]
		var tg gcppolicy.Target
		if n.Kind == graphmodel.KindGCPResource || n.Kind == graphmodel.KindGCPServiceAccount {
			name := n.ID
			if a := n.Prop(graphmodel.PropGCPAssetName); a != "" && n.Kind != graphmodel.KindGCPResource {
				name = a
			}
			tg.Resource = gcppolicy.ResourceFromAsset(name, n.Prop(graphmodel.PropGCPAssetType))
		}
		for cur := id; cur != ""; {
			c := nodes[cur]
			lv := gcppolicy.Level{Name: cur}
			if doc := c.Documents[graphmodel.DocGCPIAMPolicy]; doc != nil {
				p, err := gcppolicy.ParseAllowPolicy(doc)
				if err != nil {
					t.Fatal(err)
				}
				lv.Allow = p
			}
			for k, doc := range c.Documents {
				if len(k) > len(graphmodel.DocGCPDenyPolicyPrefix) && k[:len(graphmodel.DocGCPDenyPolicyPrefix)] == graphmodel.DocGCPDenyPolicyPrefix {
					d, err := gcppolicy.ParseDenyPolicy(doc)
					if err != nil {
						t.Fatal(err)
					}
					lv.Deny = append(lv.Deny, d)
				}
			}
			tg.Levels = append(tg.Levels, lv)
			if p, ok := parent[cur]; ok {
				cur = p
			} else if c.Scope != "" && c.Scope != cur {
				cur = c.Scope
			} else {
				cur = ""
			}
		}
		return tg
	}
	ev := &gcppolicy.Evaluator{Roles: &roles, Now: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	const (
		prod     = "gcp:project:prod-app"
		deployer = "gcp:serviceAccount:deployer@prod-app.iam.gserviceaccount.com"
		secret   = "//secretmanager.googleapis.com/projects/111111111111/secrets/db-password"
		bucket   = "//storage.googleapis.com/projects/_/buckets/prod-app-assets"
		infra    = "principalSet://iam.googleapis.com/projects/222222222222/locations/global/workloadIdentityPools/github/attribute.repository/acme/infra"
	)
	tests := []struct {
		name, member string
		groups       []string
		permission   string
		on           string
		want         gcppolicy.Tri
	}{
		{"token creator on the project", "serviceAccount:terraform@shared-ci.iam.gserviceaccount.com", nil, "iam.serviceAccounts.getAccessToken", deployer, gcppolicy.Yes},
		{"token creator on the service account", "user:carol@example.com", nil, "iam.serviceAccounts.getAccessToken", deployer, gcppolicy.Yes},
		{"GKE workload identity", "serviceAccount:prod-app.svc.id.goog[payments/api]", nil, "iam.serviceAccounts.getAccessToken", deployer, gcppolicy.Yes},
		{"key creation denied", "serviceAccount:deployer@prod-app.iam.gserviceaccount.com", nil, "iam.serviceAccountKeys.create", deployer, gcppolicy.No},
		{"key creation by the exception group", "user:alice@example.com", []string{"gcp-admins@example.com"}, "iam.serviceAccountKeys.create", deployer, gcppolicy.Yes},
		{"owner sets the project policy", "user:alice@example.com", nil, "resourcemanager.projects.setIamPolicy", prod, gcppolicy.Yes},
		{"folder editor", "user:dan@example.com", []string{"prod-engineers@example.com"}, "compute.instances.create", prod, gcppolicy.Yes},
		{"secret accessor", "serviceAccount:web-runtime@prod-app.iam.gserviceaccount.com", nil, "secretmanager.versions.access", secret, gcppolicy.Yes},
		{"GKE principal on the secret", "principal://iam.googleapis.com/projects/111111111111/locations/global/workloadIdentityPools/prod-app.svc.id.goog/subject/ns/payments/sa/api", nil, "secretmanager.versions.access", secret, gcppolicy.Yes},
		{"expired org custom role", "user:auditor@example.com", nil, "secretmanager.versions.access", secret, gcppolicy.No},
		{"public bucket", "user:anyone@gmail.com", nil, "storage.objects.get", bucket, gcppolicy.Yes},
		{"conditional on the bucket name", "user:eve@example.com", []string{"analysts@example.com"}, "storage.objects.list", bucket, gcppolicy.Yes},
		{"conditional elsewhere", "user:eve@example.com", []string{"analysts@example.com"}, "storage.objects.list", prod, gcppolicy.Maybe},
		{"GitHub repository acts as", infra, nil, "iam.serviceAccounts.actAs", prod, gcppolicy.Yes},
		{"carol until 2031", "user:carol@example.com", nil, "resourcemanager.projects.get", prod, gcppolicy.Yes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := gcppolicy.NewPrincipal(tt.member, tt.groups...)
			if err != nil {
				t.Fatal(err)
			}
			if d := ev.Check(p, tt.permission, target(tt.on)); d.Verdict != tt.want {
				t.Errorf("verdict %v, want %v (grants %v, denials %v, conditions %v)", d.Verdict, tt.want, d.Grants, d.Denials, d.Conditions)
			}
		})
	}
}
