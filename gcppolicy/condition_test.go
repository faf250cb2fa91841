package gcppolicy

import (
	"strings"
	"testing"
	"time"
)

// Conditions as Google's IAM documentation writes them.
const (
	condExpired   = `request.time < timestamp("2020-07-01T00:00:00.000Z")`
	condExpiring  = `request.time < timestamp("2031-01-01T00:00:00Z")`
	condNotBefore = `request.time > timestamp("2031-01-01T00:00:00Z")`
	condPrefix    = `resource.name.startsWith("projects/_/buckets/exampleco-site-assets")`
	condType      = `resource.type != "compute.googleapis.com/Instance" || resource.name.startsWith("projects/prod-app/zones/europe-west1-b/instances/dev-")`
	condService   = `resource.service == "secretmanager.googleapis.com"`
	condTag       = `resource.matchTag("123456789012/env", "prod")`
	condTagID     = `resource.matchTagId("tagKeys/281479612953181", "tagValues/281484271805522")`
	condAccessLvl = `"accessPolicies/199923665455/accessLevels/CorpNet" in request.auth.access_levels`
	condGrants    = `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/storage.objectViewer', 'roles/storage.objectCreator'])`
	condWorkHours = `request.time.getHours("Europe/Berlin") >= 9 && request.time.getHours("Europe/Berlin") < 17 && request.time.getDayOfWeek("Europe/Berlin") >= 1 && request.time.getDayOfWeek("Europe/Berlin") <= 5`
	condExtract   = `resource.name.extract("projects/_/buckets/{name}").startsWith("exampleco-")`
	condHost      = `request.host == "www.example.com"`
)

func TestEvalCondition(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC) // a Monday, 11:30 in Berlin
	bucket := ResourceFromAsset("//storage.googleapis.com/projects/_/buckets/exampleco-site-assets", "storage.googleapis.com/Bucket")
	other := ResourceFromAsset("//storage.googleapis.com/projects/_/buckets/payroll", "storage.googleapis.com/Bucket")
	devVM := ResourceFromAsset("//compute.googleapis.com/projects/prod-app/zones/europe-west1-b/instances/dev-1", "compute.googleapis.com/Instance")
	prodVM := ResourceFromAsset("//compute.googleapis.com/projects/prod-app/zones/europe-west1-b/instances/db-1", "compute.googleapis.com/Instance")
	secret := ResourceFromAsset("//secretmanager.googleapis.com/projects/123/secrets/db-password", "secretmanager.googleapis.com/Secret")
	tagged := &Resource{Name: "projects/_/buckets/b", Type: "storage.googleapis.com/Bucket", Service: "storage.googleapis.com",
		Tags: map[string]string{"123456789012/env": "prod"}}
	untaggedKnown := &Resource{Name: "projects/_/buckets/b", Type: "storage.googleapis.com/Bucket", Service: "storage.googleapis.com", Tags: map[string]string{}}
	tests := []struct {
		name, expr string
		res        *Resource
		now        time.Time
		want       Tri
		reason     string
	}{
		{"expiry past", condExpired, bucket, now, No, ""},
		{"expiry to come", condExpiring, bucket, now, Yes, ""},
		{"not yet valid", condNotBefore, bucket, now, No, ""},
		{"expiry without a resource", condExpired, nil, now, No, ""},
		{"name prefix matches", condPrefix, bucket, now, Yes, ""},
		{"name prefix differs", condPrefix, other, now, No, ""},
		{"name prefix, target unknown", condPrefix, nil, now, Maybe, "resource"},
		{"type: not an instance", condType, bucket, now, Yes, ""},
		{"type: dev instance", condType, devVM, now, Yes, ""},
		{"type: other instance", condType, prodVM, now, No, ""},
		{"service matches", condService, secret, now, Yes, ""},
		{"service differs", condService, bucket, now, No, ""},
		{"tag present", condTag, tagged, now, Yes, ""},
		{"tag absent from collected tags", condTag, untaggedKnown, now, No, ""},
		{"tags not collected", condTag, bucket, now, Maybe, "resource.matchTag"},
		{"tag ids", condTagID, tagged, now, Maybe, "resource.matchTagId"},
		{"access level", condAccessLvl, bucket, now, Maybe, "request.auth"},
		{"modified grants", condGrants, nil, now, Maybe, "api"},
		{"working hours", condWorkHours, bucket, now, Yes, ""},
		{"outside working hours", condWorkHours, bucket, now.Add(10 * time.Hour), No, ""},
		{"extract", condExtract, bucket, now, Yes, ""},
		{"extract differs", condExtract, other, now, No, ""},
		{"request host", condHost, bucket, now, Maybe, "request.host"},
		{"expired or unknown", condExpired + " || " + condAccessLvl, bucket, now, Maybe, "request.auth"},
		{"expired and unknown", condExpired + " && " + condAccessLvl, bucket, now, No, ""},
		{"unknown or valid", condAccessLvl + " || " + condExpiring, bucket, now, Yes, ""},
		{"syntax error", `request.time <`, bucket, now, Maybe, "cannot be compiled"},
		{"not a bool", `resource.name`, bucket, now, Maybe, "not a bool"},
		{"missing key", `resource.labels.env == "prod"`, bucket, now, Maybe, "cannot be decided"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := EvalCondition(&Expr{Expression: tt.expr}, Context{Now: tt.now, Resource: tt.res})
			if out.Verdict != tt.want {
				t.Fatalf("verdict %v (%s), want %v", out.Verdict, out.Reason, tt.want)
			}
			if !strings.Contains(out.Reason, tt.reason) || (tt.reason == "" && out.Reason != "") {
				t.Errorf("reason %q, want it to mention %q", out.Reason, tt.reason)
			}
		})
	}
	if out := EvalCondition(nil, Context{Now: now}); out.Verdict != Yes {
		t.Errorf("no condition: %v", out.Verdict)
	}
}

func TestResourceFromAsset(t *testing.T) {
	r := ResourceFromAsset("//secretmanager.googleapis.com/projects/123/secrets/db", "secretmanager.googleapis.com/Secret")
	if r.Service != "secretmanager.googleapis.com" || r.Name != "projects/123/secrets/db" || r.Type != "secretmanager.googleapis.com/Secret" {
		t.Errorf("%+v", r)
	}
}

func TestExtract(t *testing.T) {
	tests := []struct{ s, tmpl, want string }{
		{"projects/_/buckets/acme-logs/objects/a/b", "/buckets/{name}/", "acme-logs"},
		{"projects/_/buckets/acme-logs", "projects/_/buckets/{name}", "acme-logs"},
		{"projects/p/secrets/s", "/buckets/{name}/", ""},
		{"projects/p/secrets/s", "no placeholder", ""},
	}
	for _, tt := range tests {
		if got := extract(tt.s, tt.tmpl); got != tt.want {
			t.Errorf("extract(%q, %q) = %q, want %q", tt.s, tt.tmpl, got, tt.want)
		}
	}
}
