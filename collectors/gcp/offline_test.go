package gcp

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var estateFiles = []string{"testdata/estate/resources.jsonl", "testdata/estate/iam-policy.jsonl", "testdata/estate/deny-policies.json"}

func collect(t *testing.T, c *Offline) graphmodel.Fragment {
	t.Helper()
	frag, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return frag
}

func encode(t *testing.T, frag graphmodel.Fragment) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := graphmodel.Encode(&buf, graphmodel.NewSnapshot(frag)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden compares the snapshot of the fixture export with
// testdata/estate.golden.json (go test -update rewrites it).
func TestGolden(t *testing.T) {
	got := encode(t, collect(t, NewOffline(estateFiles)))
	golden := filepath.Join("testdata", "estate.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("snapshot differs from %s; run go test -update and review the diff", golden)
	}
	if _, err := graphmodel.Decode(golden, want); err != nil {
		t.Errorf("the golden snapshot does not decode: %v", err)
	}
}

// sameFacts compares fragments but for their origin.
func sameFacts(t *testing.T, a, b graphmodel.Fragment) {
	t.Helper()
	a.Source.Origin, b.Source.Origin = "", ""
	ja, jb := encode(t, a), encode(t, b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("fragments differ:\n%s", firstDiff(ja, jb))
	}
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return "line " + string(rune('0'+i%10)) + ": " + la[i] + "\n  vs " + lb[i]
		}
	}
	return "lengths differ"
}

func TestEitherOrder(t *testing.T) {
	want := collect(t, NewOffline(estateFiles))
	rev := []string{estateFiles[2], estateFiles[1], estateFiles[0]}
	sameFacts(t, want, collect(t, NewOffline(rev)))
}

// camelCase rewrites an export line the way the API and gcloud asset list
// spell it.
func camelCase(t *testing.T, line []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(line, &m); err != nil {
		t.Fatal(err)
	}
	for from, to := range map[string]string{"asset_type": "assetType", "iam_policy": "iamPolicy", "update_time": "updateTime"} {
		if v, ok := m[from]; ok {
			m[to] = v
			delete(m, from)
		}
	}
	if r, ok := m["resource"].(map[string]any); ok {
		r["discoveryDocumentUri"], r["discoveryName"] = r["discovery_document_uri"], r["discovery_name"]
		delete(r, "discovery_document_uri")
		delete(r, "discovery_name")
	}
	return m
}

// TestListFormAndCombinedLines: one JSON array in camelCase (gcloud asset
// list --format=json), where each asset carries its resource and its
// policy together, gives the same facts as the two exports.
func TestListFormAndCombinedLines(t *testing.T) {
	want := collect(t, NewOffline(estateFiles))
	byName := map[string]map[string]any{}
	var order []string
	for _, f := range estateFiles[:2] {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			m := camelCase(t, line)
			name := m["name"].(string)
			if prev, ok := byName[name]; ok {
				for k, v := range m {
					if _, has := prev[k]; !has {
						prev[k] = v
					}
				}
				continue
			}
			byName[name] = m
			order = append(order, name)
		}
	}
	list := make([]any, 0, len(order))
	for _, n := range order {
		list = append(list, byName[n])
	}
	combined, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	deny, err := os.ReadFile(estateFiles[2])
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"assets.json": {Data: combined}, "deny.json": {Data: deny}}
	sameFacts(t, want, collect(t, NewOfflineFS(fsys, []string{"assets.json", "deny.json"})))
}

func node(t *testing.T, frag graphmodel.Fragment, id string) graphmodel.Node {
	t.Helper()
	for _, n := range frag.Nodes {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no node %s", id)
	return graphmodel.Node{}
}

func hasEdge(frag graphmodel.Fragment, from string, kind graphmodel.EdgeKind, to string) bool {
	for _, e := range frag.Edges {
		if e.From == from && e.Kind == kind && e.To == to {
			return true
		}
	}
	return false
}

// TestEstateFacts checks the facts the analysis relies on, one by one.
func TestEstateFacts(t *testing.T) {
	frag := collect(t, NewOffline(estateFiles))
	const (
		org      = "gcp:organization:123456789012"
		folder   = "gcp:folder:345678901234"
		prod     = "gcp:project:prod-app"
		ci       = "gcp:project:shared-ci"
		deployer = "gcp:serviceAccount:deployer@prod-app.iam.gserviceaccount.com"
		web      = "gcp:serviceAccount:web-runtime@prod-app.iam.gserviceaccount.com"
		tf       = "gcp:serviceAccount:terraform@shared-ci.iam.gserviceaccount.com"
		pool     = "//iam.googleapis.com/projects/222222222222/locations/global/workloadIdentityPools/github"
	)
	if frag.Source.Scope != org || frag.Source.Collector != "gcp" || frag.Source.CollectedAt.IsZero() {
		t.Errorf("source %+v", frag.Source)
	}
	for _, e := range [][3]string{
		{folder, "child_of", org}, {prod, "child_of", folder}, {ci, "child_of", org},
		{pool + "/providers/github-actions", "child_of", pool},
		{"//run.googleapis.com/projects/prod-app/locations/europe-west1/services/api", "carries_role", web},
		{"//cloudfunctions.googleapis.com/projects/prod-app/locations/europe-west1/functions/thumbnailer", "carries_role", web},
		{"//cloudfunctions.googleapis.com/projects/prod-app/locations/europe-west1/functions/nightly-report", "carries_role", "gcp:serviceAccount:prod-app@appspot.gserviceaccount.com"},
		{"//compute.googleapis.com/projects/prod-app/zones/europe-west1-b/instances/bastion", "carries_role", "gcp:serviceAccount:111111111111-compute@developer.gserviceaccount.com"},
		{"//container.googleapis.com/projects/prod-app/locations/europe-west1/clusters/prod-gke", "carries_role", "gcp:serviceAccount:gke-nodes@prod-app.iam.gserviceaccount.com"},
		{"//container.googleapis.com/projects/prod-app/locations/europe-west1/clusters/prod-gke", "carries_role", "gcp:serviceAccount:111111111111-compute@developer.gserviceaccount.com"},
	} {
		if !hasEdge(frag, e[0], graphmodel.EdgeKind(e[1]), e[2]) {
			t.Errorf("no edge %s -%s-> %s", e[0], e[1], e[2])
		}
	}
	dep := node(t, frag, deployer)
	if dep.Scope != prod || dep.Prop(graphmodel.PropGCPUserManagedKeys) != "1" || dep.Prop(graphmodel.PropGCPOldestUserKey) != "2024-03-01T10:00:00Z" ||
		dep.Prop(graphmodel.PropGCPDisabled) != "false" || dep.Documents[graphmodel.DocGCPIAMPolicy] == nil {
		t.Errorf("deployer: %+v", dep)
	}
	if n := node(t, frag, tf); n.Prop(graphmodel.PropGCPUserManagedKeys) != "1" || n.Prop(graphmodel.PropGCPOldestUserKey) != "2022-05-10T07:30:00Z" {
		t.Errorf("terraform keys: %v", n.Properties)
	}
	if n := node(t, frag, "gcp:serviceAccount:legacy-backup@prod-app.iam.gserviceaccount.com"); n.Prop(graphmodel.PropGCPDisabled) != "true" {
		t.Errorf("disabled service account: %v", n.Properties)
	}
	if n := node(t, frag, "gcp:serviceAccount:prod-app@appspot.gserviceaccount.com"); n.Prop(graphmodel.PropGCPReferencedOnly) != "true" || n.Scope != prod {
		t.Errorf("default service account: %+v", n)
	}
	bucket := node(t, frag, "//storage.googleapis.com/projects/_/buckets/prod-app-assets")
	if bucket.Kind != graphmodel.KindGCPResource || bucket.Scope != prod || bucket.Tags["data"] != "public" ||
		!reflect.DeepEqual(bucket.Aliases, []string{"//storage.googleapis.com/prod-app-assets"}) {
		t.Errorf("bucket: %+v", bucket)
	}
	// The snapshot's documents are read back with gcppolicy.
	p, err := gcppolicy.ParseAllowPolicy(node(t, frag, prod).Documents[graphmodel.DocGCPIAMPolicy])
	if err != nil || len(p.Bindings) != 6 || p.Version != 3 {
		t.Fatalf("project policy: %v %+v", err, p)
	}
	d, err := gcppolicy.ParseDenyPolicy(node(t, frag, prod).Documents[graphmodel.DocGCPDenyPolicyPrefix+"no-key-creation"])
	if err != nil || len(d.Rules) != 2 {
		t.Fatalf("deny policy: %v %+v", err, d)
	}
	role := node(t, frag, "//iam.googleapis.com/organizations/123456789012/roles/secretAuditor")
	if role.Scope != org || role.Prop(graphmodel.PropGCPRoleName) != "organizations/123456789012/roles/secretAuditor" {
		t.Errorf("org role: %+v", role)
	}
	var def struct {
		IncludedPermissions []string `json:"includedPermissions"`
	}
	if err := json.Unmarshal(role.Documents[graphmodel.DocGCPRole], &def); err != nil || len(def.IncludedPermissions) != 4 {
		t.Errorf("role document: %v %s", err, role.Documents[graphmodel.DocGCPRole])
	}
	prov := node(t, frag, pool+"/providers/github-actions")
	if prov.Prop(graphmodel.PropGCPIssuerURI) != "https://token.actions.githubusercontent.com" || prov.Prop(graphmodel.PropGCPAttributeCondition) != "assertion.repository_owner == 'acme'" ||
		prov.Documents[graphmodel.DocGCPAttributeMapping] == nil || prov.Scope != ci {
		t.Errorf("provider: %+v", prov)
	}
	gke := node(t, frag, "gcp:principal:prod-app.svc.id.goog[payments/api]")
	if gke.Kind != graphmodel.KindGCPPrincipal || gke.Scope != prod {
		t.Errorf("GKE principal: %+v", gke)
	}
	if n := node(t, frag, "gcp:principalSet://iam.googleapis.com/projects/222222222222/locations/global/workloadIdentityPools/github/attribute.repository/acme/infra"); n.Kind != graphmodel.KindGCPPrincipalSet {
		t.Errorf("principal set: %+v", n)
	}
	cluster := node(t, frag, "//container.googleapis.com/projects/prod-app/locations/europe-west1/clusters/prod-gke")
	if cluster.Prop(graphmodel.PropGCPWorkloadPool) != "prod-app.svc.id.goog" {
		t.Errorf("cluster: %v", cluster.Properties)
	}
	for _, n := range frag.Nodes {
		if strings.Contains(n.ID, "bob@example.com") {
			t.Errorf("deleted member became node %s", n.ID)
		}
		if !n.Kind.Known() {
			t.Errorf("node %s has unknown kind %s", n.ID, n.Kind)
		}
		for k := range n.Documents {
			if k != graphmodel.DocGCPIAMPolicy && k != graphmodel.DocGCPRole && k != graphmodel.DocGCPAttributeMapping && !strings.HasPrefix(k, graphmodel.DocGCPDenyPolicyPrefix) {
				t.Errorf("node %s: undocumented document %s", n.ID, k)
			}
		}
	}
	if enc := encode(t, frag); bytes.Contains(enc, []byte("LOG_LEVEL")) || bytes.Contains(enc, []byte("pkg.dev")) {
		t.Error("the snapshot copies environment variables or container images")
	}
}

// TestPropertyKeysDocumented: every property key the collector sets is a
// constant of graphmodel/props_gcp.go, or a neutral one of props.go.
func TestPropertyKeysDocumented(t *testing.T) {
	src, err := os.ReadFile("../../graphmodel/props_gcp.go")
	if err != nil {
		t.Fatal(err)
	}
	neutral, err := os.ReadFile("../../graphmodel/props.go")
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, neutral...)
	frag := collect(t, NewOffline(estateFiles))
	for _, n := range frag.Nodes {
		for k := range n.Properties {
			if !bytes.Contains(src, []byte(`= "`+k+`"`)) {
				t.Errorf("node %s: property %q is not in props_gcp.go", n.ID, k)
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, data, place, msg string
	}{
		{"not JSON", "{\"name\":\"//a\",\"asset_type\":\"x/Y\"}\n{oops\n", "line 2", "invalid JSON"},
		{"not an object", "{\"name\":\"//a\",\"asset_type\":\"x/Y\"}\n\"text\"\n", "line 2", "expected a JSON object"},
		{"no name", "\n\n{\"asset_type\":\"x/Y\",\"resource\":{\"data\":{}}}\n", "line 3", "no name"},
		{"bad iam policy", "{\"name\":\"//a\",\"asset_type\":\"x/Y\",\"iam_policy\":{\"bindings\":[{\"members\":[\"allUsers\"]}]}}", "line 1", "no role"},
		{"data not an object", "{\"name\":\"//a\",\"asset_type\":\"x/Y\",\"resource\":{\"data\":[1]}}", "line 1", "not an object"},
		{"resource without type", "{\"name\":\"//a\",\"resource\":{\"data\":{}}}", "line 1", "no asset type"},
		{"project without id", "{\"name\":\"//cloudresourcemanager.googleapis.com/projects/1\",\"asset_type\":\"cloudresourcemanager.googleapis.com/Project\",\"resource\":{\"data\":{}}}", "line 1", "no projectId"},
		{"wrong field type", "{\"name\":\"//iam.googleapis.com/projects/p/serviceAccounts/1\",\"asset_type\":\"iam.googleapis.com/ServiceAccount\",\"resource\":{\"data\":{\"email\":\"a@p.iam.gserviceaccount.com\",\"disabled\":\"yes\"}}}", "line 1", "resource.data"},
		{"truncated array", "[\n {\"name\":\"//a\",\"assetType\":\"x/Y\"},\n", "line 3", "truncated"},
		{"deny policy without principals", "{\"name\":\"policies/cloudresourcemanager.googleapis.com%2Fprojects%2Fp/denypolicies/d\",\"kind\":\"DenyPolicy\",\"rules\":[{\"denyRule\":{\"deniedPermissions\":[\"a.googleapis.com/b.c\"]}}]}", "line 1", "denies no principal"},
		{"empty gap", "{\"gap\":{\"reason\":\"x\"}}", "line 1", "gap record"},
		{"two types", "{\"name\":\"//a\",\"asset_type\":\"x/Y\"}\n{\"name\":\"//a\",\"asset_type\":\"x/Z\"}", "line 2", "has type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"export.jsonl": {Data: []byte(tt.data)}}
			_, err := NewOfflineFS(fsys, []string{"export.jsonl"}).Collect(context.Background())
			var bad *badinput.Error
			if !errorsAs(err, &bad) {
				t.Fatalf("err = %v, want bad input", err)
			}
			if bad.File != "export.jsonl" || !strings.HasPrefix(bad.Place, tt.place) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q (file %q place %q), want %s at %s", err, bad.File, bad.Place, tt.msg, tt.place)
			}
		})
	}
	if _, err := NewOffline([]string{"testdata/no-such.jsonl"}).Collect(context.Background()); !badinput.Is(err) || !strings.Contains(err.Error(), "no-such.jsonl") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := NewOffline(nil).Collect(context.Background()); !badinput.Is(err) {
		t.Errorf("no file: %v", err)
	}
}

func TestGaps(t *testing.T) {
	data := `{"name":"//storage.googleapis.com/orphan","asset_type":"storage.googleapis.com/Bucket","resource":{"data":{}},"ancestors":["projects/999","organizations/1"]}
{"name":"//storage.googleapis.com/orphan","asset_type":"storage.googleapis.com/Bucket","iam_policy":{"bindings":[{"role":"roles/storage.admin","members":["robot:r2d2@example.com","user:ok@example.com"]}]}}
`
	frag := collect(t, NewOfflineFS(fstest.MapFS{"a.jsonl": {Data: []byte(data)}}, []string{"a.jsonl"}))
	var whats []string
	for _, g := range frag.Source.Gaps {
		whats = append(whats, g.What+" @ "+g.Where)
	}
	want := []string{"cloudresourcemanager.googleapis.com/Project 999 @ a.jsonl: line 1", "member robot:r2d2@example.com @ a.jsonl: line 1"}
	if !reflect.DeepEqual(whats, want) {
		t.Errorf("gaps %q, want %q", whats, want)
	}
	if n := node(t, frag, "gcp:user:ok@example.com"); n.Prop(graphmodel.PropGCPReferencedOnly) != "true" {
		t.Errorf("user: %+v", n)
	}
}
