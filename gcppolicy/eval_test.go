package gcppolicy

import (
	"strings"
	"testing"
	"time"
)

const (
	wifPool  = "projects/123456789/locations/global/workloadIdentityPools/github"
	deployer = "serviceAccount:deployer@prod-app.iam.gserviceaccount.com"
)

func mustAllow(t *testing.T, doc string) *AllowPolicy {
	t.Helper()
	p, err := ParseAllowPolicy([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustDeny(t *testing.T, doc string) *DenyPolicy {
	t.Helper()
	p, err := ParseDenyPolicy([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func principal(t *testing.T, member string, groups ...string) Principal {
	t.Helper()
	p, err := NewPrincipal(member, groups...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// estate is an organization → folder → project → bucket chain.
func estate(t *testing.T, deny ...*DenyPolicy) Target {
	org := mustAllow(t, `{"version":3,"bindings":[
		{"role":"roles/resourcemanager.organizationAdmin","members":["group:org-admins@example.com"]},
		{"role":"roles/browser","members":["domain:example.com"]}]}`)
	folder := mustAllow(t, `{"version":3,"bindings":[
		{"role":"roles/storage.admin","members":["user:carol@example.com"],
		 "condition":{"title":"expired","expression":"request.time < timestamp(\"2024-01-01T00:00:00Z\")"}},
		{"role":"roles/storage.objectViewer","members":["user:dave@example.com"],
		 "condition":{"title":"site assets","expression":"resource.name.startsWith(\"projects/_/buckets/site-\")"}},
		{"role":"roles/storage.objectAdmin","members":["user:erin@example.com"],
		 "condition":{"title":"corp network","expression":"\"accessPolicies/1/accessLevels/corp\" in request.auth.access_levels"}}]}`)
	project := mustAllow(t, `{"version":3,"etag":"BwX=","bindings":[
		{"role":"roles/owner","members":["user:alice@example.com","deleted:user:old@example.com?uid=1"]},
		{"role":"roles/editor","members":["`+deployer+`","projectOwner:prod-app"]},
		{"role":"roles/storage.objectViewer","members":["principalSet://iam.googleapis.com/`+wifPool+`/attribute.repository/acme/site"]},
		{"role":"projects/prod-app/roles/deployer","members":["serviceAccount:prod-app.svc.id.goog[web/frontend]"]}]}`)
	bucket := mustAllow(t, `{"bindings":[{"role":"roles/storage.legacyObjectReader","members":["allUsers"]}]}`)
	return Target{
		Resource: ResourceFromAsset("//storage.googleapis.com/projects/_/buckets/site-assets", "storage.googleapis.com/Bucket"),
		Levels: []Level{
			{Name: "//storage.googleapis.com/projects/_/buckets/site-assets", Allow: bucket},
			{Name: "gcp:project:prod-app", Allow: project, Deny: deny},
			{Name: "gcp:folder:200", Allow: folder},
			{Name: "gcp:organization:100", Allow: org},
		},
	}
}

func TestCheck(t *testing.T) {
	var roles Roles
	roles.AddCustom("projects/prod-app/roles/deployer", []string{"storage.objects.create", "iam.serviceAccounts.actAs"})
	ev := &Evaluator{Roles: &roles, Now: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	tests := []struct {
		name, member string
		groups       []string
		permission   string
		want         Tri
		level        string // the level of the first grant
	}{
		{"owner on the project", "user:alice@example.com", nil, "storage.buckets.delete", Yes, "gcp:project:prod-app"},
		{"group at the organization", "user:bob@example.com", []string{"org-admins@example.com"}, "resourcemanager.organizations.setIamPolicy", Yes, "gcp:organization:100"},
		{"no group, no grant", "user:bob@example.com", nil, "resourcemanager.organizations.setIamPolicy", No, ""},
		{"domain member", "user:bob@example.com", nil, "resourcemanager.projects.get", Yes, "gcp:organization:100"},
		{"service account outside the domain", deployer, nil, "resourcemanager.folders.list", No, ""},
		{"expired grant", "user:carol@example.com", nil, "storage.buckets.delete", No, ""},
		{"prefix condition on the target", "user:dave@example.com", nil, "storage.objects.list", Yes, "gcp:folder:200"},
		{"undecidable condition", "user:erin@example.com", nil, "storage.objects.delete", Maybe, "gcp:folder:200"},
		{"public bucket", "user:stranger@elsewhere.org", nil, "storage.objects.get", Yes, "//storage.googleapis.com/projects/_/buckets/site-assets"},
		{"deleted member", "user:old@example.com", nil, "storage.buckets.delete", No, ""},
		{"custom role", "serviceAccount:prod-app.svc.id.goog[web/frontend]", nil, "iam.serviceAccounts.actAs", Yes, "gcp:project:prod-app"},
		{"GKE principal spelling", "principal://iam.googleapis.com/projects/42/locations/global/workloadIdentityPools/prod-app.svc.id.goog/subject/ns/web/sa/frontend", nil, "storage.objects.create", Yes, "gcp:project:prod-app"},
		{"other namespace", "serviceAccount:prod-app.svc.id.goog[batch/frontend]", nil, "storage.objects.create", No, ""},
		{"repository set, attribute unknown", "principal://iam.googleapis.com/" + wifPool + "/subject/repo:acme/site:ref:refs/heads/main", nil, "storage.objects.list", Maybe, "gcp:project:prod-app"},
		{"the repository set itself", "principalSet://iam.googleapis.com/" + wifPool + "/attribute.repository/acme/site", nil, "storage.objects.list", Yes, "gcp:project:prod-app"},
		{"another repository", "principalSet://iam.googleapis.com/" + wifPool + "/attribute.repository/acme/other", nil, "storage.objects.list", No, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ev.Check(principal(t, tt.member, tt.groups...), tt.permission, estate(t))
			if d.Verdict != tt.want {
				t.Fatalf("verdict %v, want %v (grants %v, notes %v)", d.Verdict, tt.want, d.Grants, d.Notes)
			}
			if tt.level != "" && (len(d.Grants) == 0 || d.Grants[0].Level != tt.level) {
				t.Errorf("grants %v, want the first at %s", d.Grants, tt.level)
			}
			if d.Verdict == Maybe && len(d.Conditions) == 0 {
				t.Error("a Maybe verdict names no condition")
			}
		})
	}
}

func TestCheckNotes(t *testing.T) {
	ev := &Evaluator{Now: time.Now()}
	d := ev.Check(principal(t, "user:old@example.com"), "storage.buckets.delete", estate(t))
	if d.Verdict != No || !strings.Contains(strings.Join(d.Notes, "\n"), "deleted member deleted:user:old@example.com?uid=1 ignored") {
		t.Errorf("verdict %v notes %v", d.Verdict, d.Notes)
	}
	if !strings.Contains(strings.Join(d.Notes, "\n"), "role projects/prod-app/roles/deployer is unknown") {
		t.Errorf("the unknown custom role is not noted: %v", d.Notes)
	}
}

func TestCheckWithGroupsOfAttributes(t *testing.T) {
	ev := &Evaluator{Now: time.Now()}
	p := principal(t, "principal://iam.googleapis.com/"+wifPool+"/subject/repo:acme/site:ref:refs/heads/main")
	p.Attributes = map[string]string{"repository": "acme/site"}
	if d := ev.Check(p, "storage.objects.list", estate(t)); d.Verdict != Yes {
		t.Errorf("known attribute: %v", d.Verdict)
	}
	p.Attributes["repository"] = "acme/other"
	if d := ev.Check(p, "storage.objects.list", estate(t)); d.Verdict != No {
		t.Errorf("other attribute: %v", d.Verdict)
	}
	p = principal(t, "user:mallory@example.com")
	p.Holds = []string{"projectOwner:prod-app"}
	if d := ev.Check(p, "compute.instances.create", estate(t)); d.Verdict != Yes {
		t.Errorf("convenience member: %v", d.Verdict)
	}
}

func TestDeny(t *testing.T) {
	const denyPolicy = `{"name":"policies/cloudresourcemanager.googleapis.com%2Fprojects%2Fprod-app/denypolicies/guardrails",
	 "kind":"DenyPolicy","displayName":"guardrails","rules":[
	 {"description":"no IAM changes but by break-glass","denyRule":{
	   "deniedPrincipals":["principalSet://goog/public:all"],
	   "exceptionPrincipals":["principal://goog/subject/alice@example.com"],
	   "deniedPermissions":["cloudresourcemanager.googleapis.com/projects.setIamPolicy"]}},
	 {"denyRule":{
	   "deniedPrincipals":["principal://iam.googleapis.com/projects/-/serviceAccounts/deployer@prod-app.iam.gserviceaccount.com"],
	   "deniedPermissions":["storage.googleapis.com/*"],
	   "exceptionPermissions":["storage.googleapis.com/hmacKeys.*"]}},
	 {"deny_rule":{
	   "denied_principals":["principalSet://goog/group/contractors@example.com"],
	   "denied_permissions":["storage.googleapis.com/objects.delete"],
	   "denial_condition":{"title":"prod only","expression":"resource.matchTag('123456789012/env', 'prod')"}}}]}`
	deny := mustDeny(t, denyPolicy)
	if deny.AttachmentPoint() != "cloudresourcemanager.googleapis.com/projects/prod-app" {
		t.Errorf("attachment point %q", deny.AttachmentPoint())
	}
	ev := &Evaluator{Now: time.Now()}
	tests := []struct {
		name, member string
		groups       []string
		permission   string
		want         Tri
	}{
		{"denied to everyone", "user:bob@example.com", []string{"org-admins@example.com"}, "resourcemanager.projects.setIamPolicy", No},
		{"the exception", "user:alice@example.com", nil, "resourcemanager.projects.setIamPolicy", Yes},
		{"owner, not denied", "user:alice@example.com", nil, "storage.buckets.delete", Yes},
		{"wildcard deny", deployer, nil, "storage.buckets.delete", No},
		{"exception permission", deployer, nil, "storage.hmacKeys.create", Yes},
		{"conditional deny on tags", "user:erin@example.com", []string{"contractors@example.com"}, "storage.objects.delete", Maybe},
		{"deny for a group it is not in", "user:erin@example.com", nil, "storage.objects.delete", Maybe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ev.Check(principal(t, tt.member, tt.groups...), tt.permission, estate(t, deny))
			if d.Verdict != tt.want {
				t.Fatalf("verdict %v, want %v (grants %v, denials %v)", d.Verdict, tt.want, d.Grants, d.Denials)
			}
			if tt.want == No && len(d.Denials) == 0 {
				t.Error("denied without a denial")
			}
		})
	}
}

func TestDenyPermission(t *testing.T) {
	tests := map[string]string{
		"iam.roles.list":                                  "iam.googleapis.com/roles.list",
		"resourcemanager.projects.setIamPolicy":           "cloudresourcemanager.googleapis.com/projects.setIamPolicy",
		"iam.googleapis.com/workloadIdentityPools.create": "iam.googleapis.com/workloadIdentityPools.create",
	}
	for in, want := range tests {
		if got := DenyPermission(in); got != want {
			t.Errorf("DenyPermission(%s) = %s, want %s", in, got, want)
		}
	}
	for _, tt := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "x", true}, {"a*c", "abc", true}, {"a*c", "abd", false}, {"*.googleapis.com/*.delete", "storage.googleapis.com/objects.delete", true},
		{"a**b", "ab", true}, {"", "", true}, {"", "a", false}, {"a*b*c", "aXbYbZc", true},
	} {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v", tt.pattern, tt.s, got)
		}
	}
}

func TestPermissions(t *testing.T) {
	ev := &Evaluator{Now: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	ds := ev.Permissions(principal(t, "user:erin@example.com"), estate(t))
	var sure, maybe int
	for _, d := range ds {
		switch d.Verdict {
		case Yes:
			sure++
		case Maybe:
			maybe++
		}
	}
	// Erin holds what domain:example.com gets (roles/browser), and
	// roles/storage.objectAdmin under an access-level condition.
	if sure == 0 || maybe == 0 {
		t.Errorf("%d certain, %d conditional permissions", sure, maybe)
	}
	for _, d := range ds {
		if d.Permission == "storage.objects.delete" && d.Verdict != Maybe {
			t.Errorf("storage.objects.delete: %v", d.Verdict)
		}
	}
}

func TestParsePoliciesBad(t *testing.T) {
	for _, doc := range []string{`{"bindings":[{"members":["user:a@b"]}]}`, `{"bindings":[{"role":"roles/x","condition":{"title":"t"}}]}`, `[]`, `{`} {
		if _, err := ParseAllowPolicy([]byte(doc)); err == nil {
			t.Errorf("ParseAllowPolicy(%s) accepted", doc)
		}
	}
	for _, doc := range []string{`{"rules":[{"denyRule":{"deniedPermissions":["a.googleapis.com/b.c"]}}]}`, `{"rules":"x"}`, `nul`} {
		if _, err := ParseDenyPolicy([]byte(doc)); err == nil {
			t.Errorf("ParseDenyPolicy(%s) accepted", doc)
		}
	}
}

func TestDenyRuleCovers(t *testing.T) {
	r := &DenyRule{
		DeniedPrincipals:     []string{"principalSet://goog/public:all"},
		DeniedPermissions:    []string{"iam.googleapis.com/serviceAccountKeys.*", "cloudresourcemanager.googleapis.com/projects.setIamPolicy"},
		ExceptionPermissions: []string{"iam.googleapis.com/serviceAccountKeys.get"},
	}
	for perm, want := range map[string]bool{
		"iam.serviceAccountKeys.create":                true,
		"iam.serviceAccountKeys.get":                   false,
		"resourcemanager.projects.setIamPolicy":        true,
		"resourcemanager.folders.setIamPolicy":         false,
		"iam.serviceAccounts.getAccessToken":           false,
		"iam.googleapis.com/serviceAccountKeys.delete": true,
	} {
		if got := r.Covers(perm); got != want {
			t.Errorf("Covers(%s) = %v, want %v", perm, got, want)
		}
	}
}
