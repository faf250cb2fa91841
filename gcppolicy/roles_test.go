package gcppolicy

import (
	"slices"
	"testing"
)

func TestPredefinedRoles(t *testing.T) {
	if err := LoadData(); err != nil {
		t.Fatal(err)
	}
	if n := len(PredefinedNames()); n != 2461 {
		t.Errorf("%d predefined roles, want 2461", n)
	}
	tests := []struct {
		role, permission string
		want             bool
	}{
		{"roles/owner", "resourcemanager.projects.setIamPolicy", true},
		{"roles/editor", "resourcemanager.projects.setIamPolicy", false},
		{"roles/viewer", "resourcemanager.projects.get", true},
		{"roles/viewer", "secretmanager.versions.access", false},
		{"roles/iam.serviceAccountTokenCreator", "iam.serviceAccounts.getAccessToken", true},
		{"roles/iam.serviceAccountTokenCreator", "iam.serviceAccounts.implicitDelegation", true},
		{"roles/iam.serviceAccountUser", "iam.serviceAccounts.actAs", true},
		{"roles/iam.workloadIdentityUser", "iam.serviceAccounts.getAccessToken", true},
		{"roles/secretmanager.secretAccessor", "secretmanager.versions.access", true},
		{"roles/no.such", "storage.buckets.get", false},
	}
	var r *Roles
	for _, tt := range tests {
		t.Run(tt.role+" "+tt.permission, func(t *testing.T) {
			if got := r.Has(tt.role, tt.permission); got != tt.want {
				t.Errorf("Has = %v, want %v", got, tt.want)
			}
		})
	}
	owner, ok := Predefined("roles/owner")
	if !ok || owner.Title != "Owner" || owner.Stage != "GA" || !slices.IsSorted(owner.Permissions) || len(owner.Permissions) < 10000 {
		t.Errorf("roles/owner = %q %q, %d permissions", owner.Title, owner.Stage, len(owner.Permissions))
	}
}

func TestCustomRoles(t *testing.T) {
	var r Roles
	r.AddCustom("projects/p/roles/deployer", []string{"run.services.update", "iam.serviceAccounts.actAs"})
	if !r.Has("projects/p/roles/deployer", "iam.serviceAccounts.actAs") {
		t.Error("custom role lacks its permission")
	}
	if r.Has("projects/p/roles/deployer", "run.services.create") {
		t.Error("custom role has a permission it was not given")
	}
	if _, ok := r.Permissions("organizations/1/roles/other"); ok {
		t.Error("an unknown custom role is known")
	}
	if !r.Has("roles/owner", "iam.roles.update") {
		t.Error("Roles with custom roles lost the predefined ones")
	}
}

func TestPermissionTags(t *testing.T) {
	tests := []struct {
		permission string
		want       []Tag
	}{
		{"iam.serviceAccountKeys.create", []Tag{TagCredentialExposure}},
		{"cloudfunctions.functions.create", []Tag{TagCredentialExposure, TagDataAccess}},
		{"iam.serviceAccounts.signJwt", []Tag{TagPrivEsc}},
		{"storage.buckets.get", nil},
	}
	for _, tt := range tests {
		if got := PermissionTags(tt.permission); !slices.Equal(got, tt.want) {
			t.Errorf("PermissionTags(%s) = %v, want %v", tt.permission, got, tt.want)
		}
	}
	if p := TaggedPermissions(TagPrivEsc); !slices.Contains(p, "iam.serviceAccounts.getAccessToken") {
		t.Errorf("PrivEsc permissions lack getAccessToken: %d", len(p))
	}
}

func TestParseCustomRole(t *testing.T) {
	r, err := ParseCustomRole([]byte(`{"name":"projects/p/roles/deployer","title":"Deployer","stage":"GA","includedPermissions":["run.services.update"]}`))
	if err != nil || r.Name != "projects/p/roles/deployer" || len(r.IncludedPermissions) != 1 {
		t.Errorf("%+v %v", r, err)
	}
	for _, bad := range []string{`{}`, `[]`, `{"name":1}`} {
		if _, err := ParseCustomRole([]byte(bad)); err == nil {
			t.Errorf("ParseCustomRole(%s) accepted", bad)
		}
	}
}
