package gcp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/option"

	"github.com/blastradius/blastradius/graphmodel"
)

// fakeGCP answers the real request paths of the Google APIs the live
// collector calls, one httptest server per API host. The organization 100
// holds folder 200 (prod-app, project 111) and folder 300 (locked-proj,
// project 333, where every call is refused), and shared-ci (project 222,
// empty). Folders come in two pages, service accounts too; the first
// getIamPolicy of prod-app answers 429.
type fakeGCP struct {
	t       *testing.T
	mu      sync.Mutex
	calls   []string // "api METHOD escaped-path?query"
	bodies  map[string]string
	throttl int
	servers map[string]*httptest.Server
}

const (
	depEmail = "deployer@prod-app.iam.gserviceaccount.com"
	webEmail = "web-runtime@prod-app.iam.gserviceaccount.com"
)

func newFakeGCP(t *testing.T) *fakeGCP {
	f := &fakeGCP{t: t, bodies: map[string]string{}, servers: map[string]*httptest.Server{}}
	for _, api := range []string{apiResourceManager, apiIAM, apiStorage, apiSecretManager, apiFunctions, apiRun, apiCompute, apiContainer} {
		srv := httptest.NewServer(f.handler(api))
		t.Cleanup(srv.Close)
		f.servers[api] = srv
	}
	return f
}

func (f *fakeGCP) endpoints() map[string]string {
	eps := map[string]string{}
	for api, srv := range f.servers {
		switch api {
		case apiStorage:
			eps[api] = srv.URL + "/storage/v1/"
		case apiCompute:
			eps[api] = srv.URL + "/compute/v1/"
		default:
			eps[api] = srv.URL + "/"
		}
	}
	return eps
}

func apiError(w http.ResponseWriter, code int, status, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"error":{"code":%d,"message":%q,"status":%q,"errors":[{"reason":%q,"message":%q}]}}`, code, msg, status, strings.ToLower(status), msg)
}

func (f *fakeGCP) handler(api string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		key := r.Method + " " + r.URL.Path
		f.mu.Lock()
		f.calls = append(f.calls, api+" "+r.Method+" "+r.URL.EscapedPath()+"?"+r.URL.RawQuery)
		if len(body) > 0 {
			f.bodies[key] = string(body)
		}
		f.mu.Unlock()
		q := r.URL.Query()
		if strings.Contains(r.URL.Path, "locked-proj") || strings.Contains(r.URL.Path, "/333") || q.Get("project") == "locked-proj" {
			apiError(w, 403, "PERMISSION_DENIED", "The caller does not have permission")
			return
		}
		if key == "POST /v3/projects/111:getIamPolicy" {
			f.mu.Lock()
			f.throttl++
			n := f.throttl
			f.mu.Unlock()
			if n == 1 {
				apiError(w, 429, "RESOURCE_EXHAUSTED", "Quota exceeded")
				return
			}
		}
		out, ok := f.answer(api, key, q)
		if !ok {
			if strings.Contains(r.URL.Path, "shared-ci") || strings.Contains(r.URL.Path, "/222") || q.Get("project") == "shared-ci" ||
				strings.HasSuffix(r.URL.Path, "/denypolicies") || strings.HasPrefix(key, "GET /v3/folders") {
				out, ok = `{}`, true
			}
		}
		if !ok {
			apiError(w, 404, "NOT_FOUND", "no fake for "+api+" "+key)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, out)
	})
}

const policyProd = `{"version":3,"etag":"BwX=","bindings":[{"role":"roles/owner","members":["user:alice@example.com"]},
 {"role":"roles/iam.serviceAccountTokenCreator","members":["serviceAccount:` + depEmail + `"],
  "condition":{"title":"until 2030","expression":"request.time < timestamp(\"2031-01-01T00:00:00Z\")"}}]}`

func (f *fakeGCP) answer(api, key string, q map[string][]string) (string, bool) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	switch api + " " + key {
	case "cloudresourcemanager GET /v3/organizations/100":
		return `{"name":"organizations/100","displayName":"example.com","directoryCustomerId":"C0abc","state":"ACTIVE"}`, true
	case "cloudresourcemanager POST /v3/organizations/100:getIamPolicy":
		return `{"version":1,"bindings":[{"role":"roles/resourcemanager.organizationAdmin","members":["group:gcp-admins@example.com"]}]}`, true
	case "cloudresourcemanager GET /v3/folders":
		switch get("parent") + "/" + get("pageToken") {
		case "organizations/100/":
			return `{"folders":[{"name":"folders/200","parent":"organizations/100","displayName":"prod","state":"ACTIVE"}],"nextPageToken":"page2"}`, true
		case "organizations/100/page2":
			return `{"folders":[{"name":"folders/300","parent":"organizations/100","displayName":"locked","state":"ACTIVE"}]}`, true
		}
		return `{}`, true
	case "cloudresourcemanager POST /v3/folders/200:getIamPolicy", "cloudresourcemanager POST /v3/folders/300:getIamPolicy":
		return `{"bindings":[{"role":"roles/editor","members":["group:prod-engineers@example.com"]}]}`, true
	case "cloudresourcemanager GET /v3/projects":
		switch get("parent") {
		case "organizations/100":
			return `{"projects":[{"name":"projects/222","projectId":"shared-ci","parent":"organizations/100","state":"ACTIVE","displayName":"Shared CI"}]}`, true
		case "folders/200":
			return `{"projects":[{"name":"projects/111","projectId":"prod-app","parent":"folders/200","state":"ACTIVE","displayName":"Prod App","labels":{"env":"prod"}}]}`, true
		case "folders/300":
			return `{"projects":[{"name":"projects/333","projectId":"locked-proj","parent":"folders/300","state":"ACTIVE"}]}`, true
		}
		return `{}`, true
	case "cloudresourcemanager POST /v3/projects/111:getIamPolicy":
		return policyProd, true
	case "cloudresourcemanager GET /v3/projects/prod-app":
		return `{"name":"projects/111","projectId":"prod-app","parent":"folders/200","state":"ACTIVE"}`, true
	case "iam GET /v1/organizations/100/roles":
		return `{"roles":[{"name":"organizations/100/roles/auditor","title":"Auditor","includedPermissions":["secretmanager.versions.access"],"stage":"GA"}]}`, true
	case "iam GET /v1/projects/prod-app/serviceAccounts":
		if get("pageToken") == "" {
			return `{"accounts":[{"name":"projects/prod-app/serviceAccounts/` + depEmail + `","projectId":"prod-app","uniqueId":"901","email":"` + depEmail + `","displayName":"Deployer"}],"nextPageToken":"sa2"}`, true
		}
		return `{"accounts":[{"name":"projects/prod-app/serviceAccounts/` + webEmail + `","projectId":"prod-app","uniqueId":"902","email":"` + webEmail + `","disabled":true}]}`, true
	case "iam POST /v1/projects/prod-app/serviceAccounts/" + depEmail + ":getIamPolicy":
		return `{"version":1,"bindings":[{"role":"roles/iam.workloadIdentityUser","members":["serviceAccount:prod-app.svc.id.goog[payments/api]"]}]}`, true
	case "iam POST /v1/projects/prod-app/serviceAccounts/" + webEmail + ":getIamPolicy":
		return `{}`, true
	case "iam GET /v1/projects/prod-app/serviceAccounts/" + depEmail + "/keys":
		return `{"keys":[{"name":"projects/prod-app/serviceAccounts/` + depEmail + `/keys/k1","validAfterTime":"2024-01-01T00:00:00Z","validBeforeTime":"9999-12-31T23:59:59Z","keyAlgorithm":"KEY_ALG_RSA_2048","keyOrigin":"GOOGLE_PROVIDED","keyType":"USER_MANAGED","publicKeyData":"UFVCTElDLUtFWS1NQVRFUklBTA=="}]}`, true
	case "iam GET /v1/projects/prod-app/serviceAccounts/" + webEmail + "/keys":
		return `{}`, true
	case "iam GET /v1/projects/prod-app/roles":
		return `{"roles":[{"name":"projects/prod-app/roles/deployer","title":"Deployer","includedPermissions":["run.services.update","iam.serviceAccounts.actAs"],"stage":"GA"}]}`, true
	case "iam GET /v1/projects/prod-app/locations/global/workloadIdentityPools":
		return `{"workloadIdentityPools":[{"name":"projects/111/locations/global/workloadIdentityPools/github","state":"ACTIVE"}]}`, true
	case "iam GET /v1/projects/111/locations/global/workloadIdentityPools/github/providers":
		return `{"workloadIdentityPoolProviders":[{"name":"projects/111/locations/global/workloadIdentityPools/github/providers/gh","state":"ACTIVE","attributeMapping":{"google.subject":"assertion.sub","attribute.repository":"assertion.repository"},"attributeCondition":"assertion.repository_owner == 'acme'","oidc":{"issuerUri":"https://token.actions.githubusercontent.com"}}]}`, true
	case "iam GET /v2/policies/cloudresourcemanager.googleapis.com/projects/prod-app/denypolicies":
		return `{"policies":[{"name":"policies/cloudresourcemanager.googleapis.com%2Fprojects%2Fprod-app/denypolicies/no-keys","kind":"DenyPolicy","displayName":"No keys"}]}`, true
	case "iam GET /v2/policies/cloudresourcemanager.googleapis.com/projects/prod-app/denypolicies/no-keys":
		return `{"name":"policies/cloudresourcemanager.googleapis.com%2Fprojects%2Fprod-app/denypolicies/no-keys","kind":"DenyPolicy","displayName":"No keys","rules":[{"denyRule":{"deniedPrincipals":["principalSet://goog/public:all"],"deniedPermissions":["iam.googleapis.com/serviceAccountKeys.create"]}}]}`, true
	case "storage GET /storage/v1/b":
		if get("project") == "prod-app" {
			return `{"kind":"storage#buckets","items":[{"kind":"storage#bucket","id":"prod-app-assets","name":"prod-app-assets","projectNumber":"111","location":"EU"}]}`, true
		}
	case "storage GET /storage/v1/b/prod-app-assets/iam":
		return `{"kind":"storage#policy","resourceId":"projects/_/buckets/prod-app-assets","version":1,"bindings":[{"role":"roles/storage.objectViewer","members":["allUsers"]}]}`, true
	case "secretmanager GET /v1/projects/prod-app/secrets":
		return `{"secrets":[{"name":"projects/111/secrets/db-password","createTime":"2025-01-01T00:00:00Z","replication":{"automatic":{}}}]}`, true
	case "secretmanager GET /v1/projects/111/secrets/db-password:getIamPolicy":
		return `{"version":1,"bindings":[{"role":"roles/secretmanager.secretAccessor","members":["serviceAccount:` + webEmail + `"]}]}`, true
	case "cloudfunctions GET /v2/projects/prod-app/locations/-/functions":
		return `{"functions":[{"name":"projects/prod-app/locations/europe-west1/functions/thumbnailer","state":"ACTIVE","environment":"GEN_2","buildConfig":{"runtime":"go122","environmentVariables":{"GOPRIVATE":"build-secret-value"}},"serviceConfig":{"serviceAccountEmail":"` + webEmail + `","environmentVariables":{"API_TOKEN":"hunter2-env-secret"}}}]}`, true
	case "cloudfunctions GET /v2/projects/prod-app/locations/europe-west1/functions/thumbnailer:getIamPolicy":
		return `{}`, true
	case "run GET /apis/serving.knative.dev/v1/namespaces/prod-app/services":
		return `{"apiVersion":"serving.knative.dev/v1","kind":"ServiceList","items":[{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"api","namespace":"111","labels":{"cloud.googleapis.com/location":"europe-west1"}},"spec":{"template":{"spec":{"serviceAccountName":"` + webEmail + `","containers":[{"image":"gcr.io/prod-app/api","env":[{"name":"DB_PASSWORD","value":"run-env-secret"}]}]}}}}],"metadata":{}}`, true
	case "run GET /v1/projects/prod-app/locations/europe-west1/services/api:getIamPolicy":
		return `{"bindings":[{"role":"roles/run.invoker","members":["allUsers"]}]}`, true
	case "compute GET /compute/v1/projects/prod-app/aggregated/instances":
		return `{"items":{"zones/europe-west1-b":{"instances":[{"name":"bastion","status":"RUNNING","serviceAccounts":[{"email":"111-compute@developer.gserviceaccount.com","scopes":["https://www.googleapis.com/auth/cloud-platform"]}],"metadata":{"items":[{"key":"startup-script","value":"echo metadata-secret"}]}}]},"zones/us-central1-a":{"warning":{"code":"NO_RESULTS_ON_PAGE"}}}}`, true
	case "container GET /v1/projects/prod-app/locations/-/clusters":
		return `{"clusters":[{"name":"prod-gke","location":"europe-west1","status":"RUNNING","nodeConfig":{"serviceAccount":"default"},"workloadIdentityConfig":{"workloadPool":"prod-app.svc.id.goog"},"masterAuth":{"clusterCaCertificate":"master-auth-secret"}}]}`, true
	}
	return "", false
}

func liveCollector(t *testing.T, f *fakeGCP, opts LiveOptions) *Live {
	t.Helper()
	opts.Endpoints = f.endpoints()
	opts.ClientOptions = []option.ClientOption{option.WithoutAuthentication()}
	opts.Backoff = func(int) time.Duration { return time.Millisecond }
	opts.Now = func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }
	l, err := NewLive(opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLiveOrganization(t *testing.T) {
	f := newFakeGCP(t)
	frag, err := liveCollector(t, f, LiveOptions{Organization: "100"}).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if frag.Source.Scope != "gcp:organization:100" || frag.Source.Origin != "live" {
		t.Errorf("source %+v", frag.Source)
	}
	// Every refusal is about the locked project, and each is a gap.
	var lockedGaps []string
	for _, g := range frag.Source.Gaps {
		if g.Where != "projects/locked-proj" || !strings.HasPrefix(g.Reason, "403 ") {
			t.Errorf("unexpected gap %+v", g)
			continue
		}
		lockedGaps = append(lockedGaps, g.What)
	}
	sort.Strings(lockedGaps)
	wantGaps := []string{"cloudfunctions.functions.list", "cloudresourcemanager.projects.getIamPolicy", "compute.instances.aggregatedList",
		"container.clusters.list", "iam.denypolicies.list", "iam.roles.list", "iam.serviceAccounts.list", "iam.workloadIdentityPools.list",
		"run.services.list", "secretmanager.secrets.list", "storage.buckets.list"}
	if strings.Join(lockedGaps, ",") != strings.Join(wantGaps, ",") {
		t.Errorf("gaps %v, want %v", lockedGaps, wantGaps)
	}
	for _, e := range [][3]string{
		{"gcp:folder:200", "child_of", "gcp:organization:100"},
		{"gcp:folder:300", "child_of", "gcp:organization:100"},
		{"gcp:project:prod-app", "child_of", "gcp:folder:200"},
		{"gcp:project:locked-proj", "child_of", "gcp:folder:300"},
		{"gcp:project:shared-ci", "child_of", "gcp:organization:100"},
		{"//run.googleapis.com/projects/prod-app/locations/europe-west1/services/api", "carries_role", "gcp:serviceAccount:" + webEmail},
		{"//cloudfunctions.googleapis.com/projects/prod-app/locations/europe-west1/functions/thumbnailer", "carries_role", "gcp:serviceAccount:" + webEmail},
		{"//compute.googleapis.com/projects/prod-app/zones/europe-west1-b/instances/bastion", "carries_role", "gcp:serviceAccount:111-compute@developer.gserviceaccount.com"},
		{"//container.googleapis.com/projects/prod-app/locations/europe-west1/clusters/prod-gke", "carries_role", "gcp:serviceAccount:111-compute@developer.gserviceaccount.com"},
		{"//iam.googleapis.com/projects/prod-app/serviceAccounts/901/keys/k1", "child_of", "gcp:serviceAccount:" + depEmail},
		{"//iam.googleapis.com/projects/111/locations/global/workloadIdentityPools/github/providers/gh", "child_of", "//iam.googleapis.com/projects/111/locations/global/workloadIdentityPools/github"},
	} {
		if !hasEdge(frag, e[0], graphmodel.EdgeKind(e[1]), e[2]) {
			t.Errorf("no edge %s -%s-> %s", e[0], e[1], e[2])
		}
	}
	prod := node(t, frag, "gcp:project:prod-app")
	if prod.Documents[graphmodel.DocGCPIAMPolicy] == nil || prod.Documents[graphmodel.DocGCPDenyPolicyPrefix+"no-keys"] == nil || prod.Prop(graphmodel.PropGCPProjectNumber) != "111" {
		t.Errorf("prod-app (the 429 was not retried?): %+v", prod)
	}
	if !bytes.Contains(prod.Documents[graphmodel.DocGCPIAMPolicy], []byte("until 2030")) {
		t.Errorf("conditional binding lost: %s", prod.Documents[graphmodel.DocGCPIAMPolicy])
	}
	dep := node(t, frag, "gcp:serviceAccount:"+depEmail)
	if dep.Prop(graphmodel.PropGCPUserManagedKeys) != "1" || dep.Documents[graphmodel.DocGCPIAMPolicy] == nil || dep.Scope != "gcp:project:prod-app" {
		t.Errorf("deployer: %+v", dep)
	}
	if n := node(t, frag, "gcp:serviceAccount:"+webEmail); n.Prop(graphmodel.PropGCPDisabled) != "true" {
		t.Errorf("second page of service accounts: %+v", n)
	}
	node(t, frag, "gcp:folder:300") // from the second page of folders
	node(t, frag, "//storage.googleapis.com/projects/_/buckets/prod-app-assets")
	node(t, frag, "//secretmanager.googleapis.com/projects/111/secrets/db-password")
	node(t, frag, "//iam.googleapis.com/organizations/100/roles/auditor")
	node(t, frag, "//iam.googleapis.com/projects/prod-app/roles/deployer")
	node(t, frag, "gcp:principal:prod-app.svc.id.goog[payments/api]")

	var buf bytes.Buffer
	if err := graphmodel.Encode(&buf, graphmodel.NewSnapshot(frag)); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"hunter2-env-secret", "build-secret-value", "run-env-secret", "metadata-secret", "master-auth-secret", "UFVCTElD"} {
		if bytes.Contains(buf.Bytes(), []byte(secret)) {
			t.Errorf("the snapshot holds %q", secret)
		}
	}

	// The requests: policy version 3 everywhere, deny-policy parents URL-encoded.
	f.mu.Lock()
	defer f.mu.Unlock()
	if b := f.bodies["POST /v3/projects/111:getIamPolicy"]; !strings.Contains(b, `"requestedPolicyVersion":3`) {
		t.Errorf("projects.getIamPolicy body %q", b)
	}
	if f.throttl != 2 {
		t.Errorf("prod-app getIamPolicy called %d times, want 2 (429, then success)", f.throttl)
	}
	var sawDeny, sawSAPolicy, sawBucketPolicy bool
	for _, c := range f.calls {
		sawDeny = sawDeny || strings.Contains(c, "/v2/policies/cloudresourcemanager.googleapis.com%2Fprojects%2Fprod-app/denypolicies")
		sawSAPolicy = sawSAPolicy || (strings.Contains(c, ":getIamPolicy") && strings.Contains(c, depEmail) && strings.Contains(c, "options.requestedPolicyVersion=3"))
		sawBucketPolicy = sawBucketPolicy || (strings.Contains(c, "/b/prod-app-assets/iam") && strings.Contains(c, "optionsRequestedPolicyVersion=3"))
	}
	if !sawDeny || !sawSAPolicy || !sawBucketPolicy {
		t.Errorf("deny %v, service-account policy v3 %v, bucket policy v3 %v in:\n%s", sawDeny, sawSAPolicy, sawBucketPolicy, strings.Join(f.calls, "\n"))
	}
}

func TestLiveProjects(t *testing.T) {
	f := newFakeGCP(t)
	f.throttl = 1 // no 429 this time
	frag, err := liveCollector(t, f, LiveOptions{Projects: []string{"prod-app", "locked-proj"}}).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(frag.Source.Gaps) != 1 || frag.Source.Gaps[0].What != "cloudresourcemanager.projects.get" || frag.Source.Gaps[0].Where != "projects/locked-proj" {
		t.Errorf("gaps %+v", frag.Source.Gaps)
	}
	p := node(t, frag, "gcp:project:prod-app")
	if p.Scope != "gcp:folder:200" || p.Documents[graphmodel.DocGCPIAMPolicy] == nil {
		t.Errorf("project: %+v", p)
	}
}

func TestLiveNothingReadable(t *testing.T) {
	f := newFakeGCP(t)
	_, err := liveCollector(t, f, LiveOptions{Projects: []string{"locked-proj"}}).Collect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("err = %v", err)
	}
	_, err = liveCollector(t, f, LiveOptions{Organization: "999"}).Collect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "organizations/999") {
		t.Errorf("err = %v", err)
	}
}

func TestNewLiveOptions(t *testing.T) {
	for _, o := range []LiveOptions{{}, {Organization: "1", Projects: []string{"p"}}, {Organization: "org-1"}, {Projects: []string{"a/b"}}} {
		if _, err := NewLive(o); err == nil {
			t.Errorf("NewLive(%+v) accepted", o)
		}
	}
	if d := defaultBackoff(20); d > 30*time.Second || d < 15*time.Second {
		t.Errorf("backoff %v", d)
	}
}

func TestLiveRetriesExhausted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiError(w, 503, "UNAVAILABLE", "try later")
	}))
	defer srv.Close()
	eps := map[string]string{}
	for _, api := range []string{apiResourceManager, apiIAM, apiStorage, apiSecretManager, apiFunctions, apiRun, apiCompute, apiContainer} {
		eps[api] = srv.URL + "/"
	}
	calls := 0
	l, err := NewLive(LiveOptions{Projects: []string{"p"}, Endpoints: eps, Retries: 2,
		ClientOptions: []option.ClientOption{option.WithoutAuthentication()},
		Backoff:       func(n int) time.Duration { calls++; return time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Collect(context.Background()); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("err = %v", err)
	}
	if calls != 2 {
		t.Errorf("%d retries, want 2", calls)
	}
}

// TestLiveSaveReplays: what the live collector saves, the offline reader
// turns into the same facts, gaps included.
func TestLiveSaveReplays(t *testing.T) {
	f := newFakeGCP(t)
	dir := t.TempDir()
	live, err := liveCollector(t, f, LiveOptions{Organization: "100", SaveDir: dir}).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(dir, SavedAssetsFile), filepath.Join(dir, SavedDenyFile), filepath.Join(dir, SavedGapsFile)}
	for _, p := range files {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", p, info, err)
		}
	}
	replay := collect(t, NewOffline(files))
	if len(replay.Source.Gaps) != 11 {
		t.Errorf("%d gaps replayed, want 11", len(replay.Source.Gaps))
	}
	live.Source.CollectedAt, replay.Source.CollectedAt = time.Time{}, time.Time{}
	sameFacts(t, live, replay)
}

func TestLiveCancelled(t *testing.T) {
	f := newFakeGCP(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := liveCollector(t, f, LiveOptions{Organization: "100"}).Collect(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}
