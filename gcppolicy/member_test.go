package gcppolicy

import (
	"errors"
	"testing"
)

func TestParseMember(t *testing.T) {
	const pool = "projects/123456789/locations/global/workloadIdentityPools/github"
	tests := []struct {
		in      string
		kind    MemberKind
		id, key string
		deleted bool
	}{
		{"user:Alice@Example.com", MemberUser, "gcp:user:alice@example.com", "gcp:user:alice@example.com", false},
		{"principal://goog/subject/alice@example.com", MemberUser, "gcp:user:alice@example.com", "gcp:user:alice@example.com", false},
		{"serviceAccount:deployer@prod-app.iam.gserviceaccount.com", MemberServiceAccount,
			"gcp:serviceAccount:deployer@prod-app.iam.gserviceaccount.com", "gcp:serviceAccount:deployer@prod-app.iam.gserviceaccount.com", false},
		{"principal://iam.googleapis.com/projects/-/serviceAccounts/deployer@prod-app.iam.gserviceaccount.com", MemberServiceAccount,
			"gcp:serviceAccount:deployer@prod-app.iam.gserviceaccount.com", "gcp:serviceAccount:deployer@prod-app.iam.gserviceaccount.com", false},
		{"group:platform@example.com", MemberGroup, "gcp:group:platform@example.com", "gcp:group:platform@example.com", false},
		{"principalSet://goog/group/platform@example.com", MemberGroup, "gcp:group:platform@example.com", "gcp:group:platform@example.com", false},
		{"domain:example.com", MemberDomain, "", "domain:example.com", false},
		{"allUsers", MemberAllUsers, "", "allUsers", false},
		{"principalSet://goog/public:all", MemberAllUsers, "", "allUsers", false},
		{"allAuthenticatedUsers", MemberAllAuthenticatedUsers, "", "allAuthenticatedUsers", false},
		{"principalSet://goog/cloudIdentityCustomerId/C01abc", MemberCustomer, "", "cloudIdentityCustomerId:C01abc", false},
		{"projectOwner:prod-app", MemberProjectOwner, "", "projectOwner:prod-app", false},
		{"projectEditor:prod-app", MemberProjectEditor, "", "projectEditor:prod-app", false},
		{"projectViewer:prod-app", MemberProjectViewer, "", "projectViewer:prod-app", false},
		{"deleted:user:bob@example.com?uid=123456789012345678901", MemberUser, "gcp:user:bob@example.com", "gcp:user:bob@example.com", true},
		{"deleted:serviceAccount:old@prod-app.iam.gserviceaccount.com?uid=1", MemberServiceAccount,
			"gcp:serviceAccount:old@prod-app.iam.gserviceaccount.com", "gcp:serviceAccount:old@prod-app.iam.gserviceaccount.com", true},
		{"principal://iam.googleapis.com/" + pool + "/subject/repo:acme/app:ref:refs/heads/main", MemberPrincipal,
			"gcp:principal://iam.googleapis.com/" + pool + "/subject/repo:acme/app:ref:refs/heads/main", "", false},
		{"principalSet://iam.googleapis.com/" + pool + "/attribute.repository/acme/app", MemberPrincipalSet,
			"gcp:principalSet://iam.googleapis.com/" + pool + "/attribute.repository/acme/app", "", false},
		{"principalSet://iam.googleapis.com/" + pool + "/*", MemberPrincipalSet, "gcp:principalSet://iam.googleapis.com/" + pool + "/*", "", false},
		{"principalSet://iam.googleapis.com/locations/global/workforcePools/staff/group/admins", MemberPrincipalSet,
			"gcp:principalSet://iam.googleapis.com/locations/global/workforcePools/staff/group/admins", "", false},
		{"serviceAccount:prod-app.svc.id.goog[payments/api]", MemberKubernetesServiceAccount, "gcp:principal:prod-app.svc.id.goog[payments/api]", "", false},
		{"principal://iam.googleapis.com/projects/42/locations/global/workloadIdentityPools/prod-app.svc.id.goog/subject/ns/payments/sa/api",
			MemberKubernetesServiceAccount, "gcp:principal:prod-app.svc.id.goog[payments/api]", "", false},
		{"principalSet://cloudresourcemanager.googleapis.com/projects/prod-app/type/ServiceAccount", MemberPrincipalSet,
			"gcp:principalSet://cloudresourcemanager.googleapis.com/projects/prod-app/type/ServiceAccount", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, err := ParseMember(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if m.Kind != tt.kind || m.ID() != tt.id || m.Deleted != tt.deleted {
				t.Errorf("kind %s id %q deleted %v, want %s %q %v", m.Kind, m.ID(), m.Deleted, tt.kind, tt.id, tt.deleted)
			}
			key := tt.key
			if key == "" {
				key = tt.id
			}
			if m.Key() != key {
				t.Errorf("key %q, want %q", m.Key(), key)
			}
		})
	}
}

func TestParseMemberGitHub(t *testing.T) {
	m, err := ParseMember("principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/attribute.repository/acme/app")
	if err != nil {
		t.Fatal(err)
	}
	if m.Attribute != "repository" || m.Value != "acme/app" || m.PoolID != "github" ||
		m.Pool != "projects/123/locations/global/workloadIdentityPools/github" {
		t.Errorf("%+v", m)
	}
	k, err := ParseMember("serviceAccount:prod-app.svc.id.goog[payments/api]")
	if err != nil {
		t.Fatal(err)
	}
	if k.Project != "prod-app" || k.Namespace != "payments" || k.KSA != "api" || k.Native() != "serviceAccount:prod-app.svc.id.goog[payments/api]" {
		t.Errorf("%+v", k)
	}
}

func TestParseMemberBad(t *testing.T) {
	for _, in := range []string{
		"", "alice@example.com", "user:", "user:alice", "robot:x@y", "serviceAccount:p.svc.id.goog[ns]",
		"principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p",
		"principal://example.com/subject/x", "principalSet:nothing",
		"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/attribute.repository",
	} {
		if _, err := ParseMember(in); !errors.Is(err, ErrMember) {
			t.Errorf("ParseMember(%q) err = %v, want ErrMember", in, err)
		}
	}
}

func TestMemberOfID(t *testing.T) {
	const pool = "projects/123456789/locations/global/workloadIdentityPools/github"
	tests := []struct {
		id   string
		kind MemberKind // "" when id is no member's ID
	}{
		{"gcp:user:alice@example.com", MemberUser},
		{"gcp:group:platform@example.com", MemberGroup},
		{"gcp:serviceAccount:deployer@prod-app.iam.gserviceaccount.com", MemberServiceAccount},
		{"gcp:principal:prod-app.svc.id.goog[payments/api]", MemberKubernetesServiceAccount},
		{"gcp:principal://iam.googleapis.com/" + pool + "/subject/repo:acme/app:ref:refs/heads/main", MemberPrincipal},
		{"gcp:principalSet://iam.googleapis.com/" + pool + "/*", MemberPrincipalSet},
		{"gcp:user:Alice@Example.com", ""}, // not the ID's spelling
		{"gcp:domain:example.com", ""},
		{"gcp:project:prod-app", ""},
		{"gcp:deleted:user:bob@example.com?uid=1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			m, ok := MemberOfID(tt.id)
			if ok != (tt.kind != "") || m.Kind != tt.kind {
				t.Fatalf("MemberOfID = %s, %v; want kind %q", m.Kind, ok, tt.kind)
			}
			if ok && m.ID() != tt.id {
				t.Errorf("ID() = %q, want %q", m.ID(), tt.id)
			}
		})
	}
}
