package kubernetes

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/blastradius/blastradius/graphmodel"
)

// fakeAPI is an API server that replays the fixture's objects as the
// real one answers: typed lists whose items carry no kind, pages of
// limit items with a continue token, Status objects for errors, a Table
// for Secrets when asked for one, /version and the issuer discovery.
type fakeAPI struct {
	t *testing.T
	// items holds the fixture's items by list path.
	items map[string][]map[string]any
	// status answers a path with an error Status of this code.
	status map[string]int
	// expireOnce answers the first continued request of a path with 410.
	expireOnce map[string]bool
	// noTable answers Secret lists as a SecretList even when a Table is asked.
	noTable bool
	// raw answers a path with this body.
	raw map[string]string

	mu       sync.Mutex
	requests []*http.Request
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	data, err := os.ReadFile("testdata/cluster.json")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	f := &fakeAPI{t: t, items: map[string][]map[string]any{}, status: map[string]int{}, expireOnce: map[string]bool{}, raw: map[string]string{}}
	for _, k := range kinds {
		f.items[k.path()] = []map[string]any{}
	}
	for _, it := range list.Items {
		k := kindByName[it["kind"].(string)]
		f.items[k.path()] = append(f.items[k.path()], it)
	}
	return f
}

func (f *fakeAPI) writeStatus(w http.ResponseWriter, code int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{}, "status": "Failure",
		"message": msg, "reason": reason, "code": code,
	})
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r)
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer test-token" {
		f.writeStatus(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized")
		return
	}
	path := r.URL.Path
	if code, ok := f.status[path]; ok {
		reason := map[int]string{403: "Forbidden", 404: "NotFound", 500: "InternalError"}[code]
		f.writeStatus(w, code, reason, fmt.Sprintf("%s is %s: User \"system:serviceaccount:audit:reader\" cannot list resource", path, strings.ToLower(reason)))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if body, ok := f.raw[path]; ok {
		_, _ = w.Write([]byte(body))
		return
	}
	switch path {
	case "/version":
		_ = json.NewEncoder(w).Encode(map[string]string{"major": "1", "minor": "30", "gitVersion": "v1.30.4-eks-a737599", "platform": "linux/amd64"})
		return
	case "/.well-known/openid-configuration":
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789",
			"jwks_uri": "https://ip-10-0-0-1.eu-west-1.compute.internal:443/openid/v1/jwks", "response_types_supported": []string{"id_token"}})
		return
	case "/api/v1/namespaces/kube-system/configmaps/aws-auth":
		for _, it := range f.items["/api/v1/configmaps"] {
			if m := it["metadata"].(map[string]any); m["name"] == "aws-auth" {
				_ = json.NewEncoder(w).Encode(it)
				return
			}
		}
		f.writeStatus(w, 404, "NotFound", `configmaps "aws-auth" not found`)
		return
	}
	items, ok := f.items[path]
	if !ok {
		f.writeStatus(w, 404, "NotFound", "the server could not find the requested resource")
		return
	}
	k := kindForPath(path)
	q := r.URL.Query()
	start := 0
	if c := q.Get("continue"); c != "" {
		if f.expireOnce[path] {
			f.expireOnce[path] = false
			f.writeStatus(w, http.StatusGone, "Expired", "The provided continue parameter is too old to display a consistent list result.")
			return
		}
		n, err := strconv.Atoi(strings.TrimPrefix(c, "token-"))
		if err != nil {
			f.writeStatus(w, 400, "BadRequest", "bad continue")
			return
		}
		start = n
	}
	limit := len(items)
	if l := q.Get("limit"); l != "" {
		limit, _ = strconv.Atoi(l)
	}
	end := min(start+limit, len(items))
	meta := map[string]any{"resourceVersion": "98765"}
	if end < len(items) {
		meta["continue"] = "token-" + strconv.Itoa(end)
		meta["remainingItemCount"] = len(items) - end
	}
	page := items[start:end]
	if k.kind == "Secret" && strings.Contains(r.Header.Get("Accept"), "as=Table") && !f.noTable {
		rows := []any{}
		for _, it := range page {
			data, _ := it["data"].(map[string]any)
			rows = append(rows, map[string]any{
				"cells":  []any{it["metadata"].(map[string]any)["name"], it["type"], len(data), "3d"},
				"object": map[string]any{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": it["metadata"]},
			})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
			"columnDefinitions": []map[string]any{
				{"name": "Name", "type": "string", "format": "name", "description": "", "priority": 0},
				{"name": "Type", "type": "string", "format": "", "description": "", "priority": 0},
				{"name": "Data", "type": "string", "format": "", "description": "", "priority": 0},
				{"name": "Age", "type": "string", "format": "", "description": "", "priority": 0},
			}, "rows": rows})
		return
	}
	typed := make([]map[string]any, 0, len(page))
	for _, it := range page {
		c := map[string]any{}
		for key, v := range it {
			if key != "kind" && key != "apiVersion" {
				c[key] = v
			}
		}
		typed = append(typed, c)
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": k.kind + "List", "apiVersion": k.apiVersion(), "metadata": meta, "items": typed})
}

func kindForPath(path string) *kindInfo {
	for _, k := range kinds {
		if k.path() == path {
			return k
		}
	}
	return nil
}

// requestsTo returns the requests made to path.
func (f *fakeAPI) requestsTo(path string) []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*http.Request
	for _, r := range f.requests {
		if r.URL.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func liveCollect(t *testing.T, f *fakeAPI, o LiveOptions) (graphmodel.Fragment, error) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	if o.Config == nil && o.Kubeconfig == "" {
		o.Config = &rest.Config{Host: srv.URL, BearerToken: "test-token"}
	}
	return NewLive(o).Collect(context.Background())
}

// TestLiveMatchesOffline collects the fixture through client-go, in
// pages of 2, and finds the snapshot the offline reader makes of the
// same objects, plus what only the server says about itself.
func TestLiveMatchesOffline(t *testing.T) {
	f := newFakeAPI(t)
	save := filepath.Join(t.TempDir(), "saved.json")
	frag, err := liveCollect(t, f, LiveOptions{ClusterName: "prod-eu", PageSize: 2, SaveFile: save})
	if err != nil {
		t.Fatal(err)
	}
	if frag.Source.Origin != LiveOrigin || frag.Source.CollectedAt.IsZero() || len(frag.Source.Gaps) != 2 {
		t.Errorf("source %+v", frag.Source)
	}
	offline := collectFixture(t)
	cluster := "k8s:cluster:prod-eu"
	live := withoutNode(frag.Nodes, cluster)
	if !reflect.DeepEqual(live, withoutNode(offline.Nodes, cluster)) || !reflect.DeepEqual(frag.Edges, offline.Edges) {
		t.Errorf("the live snapshot differs from the offline one:\n%s", firstDiff(encode(t, frag), encode(t, offline)))
	}
	c := nodeByID(frag)[cluster]
	want := map[string]string{
		graphmodel.PropK8sPlatform: "eks", graphmodel.PropK8sPlatformEvidence: "server version v1.30.4-eks-a737599",
		graphmodel.PropK8sServerVersion: "v1.30.4-eks-a737599", graphmodel.PropK8sCloudProvider: "aws",
		graphmodel.PropK8sOIDCIssuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789",
	}
	for k, v := range want {
		if c.Prop(k) != v {
			t.Errorf("cluster %s = %q, want %q", k, c.Prop(k), v)
		}
	}
	if !strings.HasPrefix(c.Prop(graphmodel.PropK8sServer), "http://127.0.0.1:") {
		t.Errorf("server %q", c.Prop(graphmodel.PropK8sServer))
	}
	// Every list was paged with the limit asked for: the pods took ceil(4/2) calls.
	pods := f.requestsTo("/api/v1/pods")
	if len(pods) != 2 || pods[0].URL.Query().Get("limit") != "2" || pods[1].URL.Query().Get("continue") != "token-2" {
		t.Errorf("pod requests %v", urls(pods))
	}
	// Secrets were asked for as a Table: their data never left the server.
	for _, r := range f.requestsTo("/api/v1/secrets") {
		if !strings.Contains(r.Header.Get("Accept"), "as=Table") || r.URL.Query().Get("includeObject") != "Metadata" {
			t.Errorf("secret request %s Accept %q", r.URL, r.Header.Get("Accept"))
		}
	}
	// The saved List replays to the same snapshot, server facts included.
	replay, err := NewOffline([]string{save}, "").Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(replay.Nodes, frag.Nodes) || !reflect.DeepEqual(replay.Edges, frag.Edges) {
		t.Errorf("the saved List replays to another snapshot:\n%s", firstDiff(encode(t, replay), encode(t, frag)))
	}
	// Gaps replay too; those found in the List name the file it now is.
	if len(replay.Source.Gaps) != len(frag.Source.Gaps) {
		t.Errorf("replayed gaps %v, want %v", replay.Source.Gaps, frag.Source.Gaps)
	}
	for i := range replay.Source.Gaps {
		a, b := replay.Source.Gaps[i], frag.Source.Gaps[i]
		if a.What != b.What || a.Reason != b.Reason {
			t.Errorf("replayed gap %+v, want %+v", a, b)
		}
	}
	saved, err := os.ReadFile(save)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range secretValues {
		if bytes.Contains(saved, []byte(v)) {
			t.Errorf("the saved List holds %q", v)
		}
	}
	if info, err := os.Stat(save); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("saved file mode %v, %v", info.Mode(), err)
	}
}

func withoutNode(nodes []graphmodel.Node, id string) []graphmodel.Node {
	var out []graphmodel.Node
	for _, n := range nodes {
		if n.ID != id {
			out = append(out, n)
		}
	}
	return out
}

func urls(rs []*http.Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.URL.String())
	}
	return out
}

func TestLiveForbiddenListIsAGap(t *testing.T) {
	f := newFakeAPI(t)
	f.status["/api/v1/secrets"] = 403
	f.status["/apis/batch/v1/cronjobs"] = 404
	f.status["/apis/rbac.authorization.k8s.io/v1/clusterroles"] = 403
	f.expireOnce["/api/v1/pods"] = true
	f.raw["/apis/apps/v1/statefulsets"] = `{"kind": "StatefulSetList", "apiVersion": "apps/v1", "metadata": {}, "items": [{"metadata": {"namespace": "dev"}}]}`
	frag, err := liveCollect(t, f, LiveOptions{ClusterName: "prod-eu", PageSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	var gaps []string
	for _, g := range frag.Source.Gaps {
		gaps = append(gaps, g.What+" | "+g.Reason)
		if g.Where != "cluster prod-eu" {
			t.Errorf("gap where %q", g.Where)
		}
	}
	want := []string{
		"list clusterroles | Forbidden: /apis/rbac.authorization.k8s.io/v1/clusterroles is forbidden: User \"system:serviceaccount:audit:reader\" cannot list resource",
		"list secrets | Forbidden: /api/v1/secrets is forbidden: User \"system:serviceaccount:audit:reader\" cannot list resource",
		"list statefulsets | unreadable answer (page 1): /apis/apps/v1/statefulsets page 1: line 1, column 80 (items[0] (StatefulSet)): metadata.name is empty",
		"list cronjobs | NotFound: /apis/batch/v1/cronjobs is notfound: User \"system:serviceaccount:audit:reader\" cannot list resource",
		"RoleBinding prod/stale | references Role prod/deleted-role, which does not exist: it grants nothing",
	}
	if !reflect.DeepEqual(gaps, want) {
		t.Errorf("gaps:\n%s\nwant:\n%s", strings.Join(gaps, "\n"), strings.Join(want, "\n"))
	}
	nodes := nodeByID(frag)
	// The rest went on: pods (after the expired token restarted the list),
	// bindings, service accounts.
	for _, id := range []string{
		"k8s:prod-eu:pod:prod:payments-7d9f8b6c5-x2x9z", "k8s:prod-eu:pod:dev:debug",
		"k8s:prod-eu:clusterrolebinding:cluster-admin", "k8s:prod-eu:serviceaccount:dev:ci",
	} {
		if nodes[id] == nil {
			t.Errorf("%s missing", id)
		}
	}
	want = []string{"/api/v1/pods?limit=3", "/api/v1/pods?continue=token-3&limit=3", "/api/v1/pods?limit=3", "/api/v1/pods?continue=token-3&limit=3"}
	if got := urls(f.requestsTo("/api/v1/pods")); !reflect.DeepEqual(got, want) {
		t.Errorf("pod requests %v: want a page, the expired one, then the list again from the start", got)
	}
	for _, n := range frag.Nodes {
		if n.Kind == graphmodel.KindK8sClusterRole || n.Prop(graphmodel.PropK8sType) == "secret" || n.Prop(graphmodel.PropK8sType) == "cronjob" {
			t.Errorf("%s collected from a refused list", n.ID)
		}
	}
	// A binding to a ClusterRole of the refused list keeps its edge.
	if !hasEdge(frag, "k8s:prod-eu:rolebinding:dev:ci-edit", graphmodel.EdgeBindsRole, "k8s:prod-eu:clusterrole:edit") {
		t.Error("binds_role edge lost")
	}
}

// TestLiveRepeatedContinueIsAGap: a server that sends the same continue
// token twice ends that list with a gap instead of paging forever.
func TestLiveRepeatedContinueIsAGap(t *testing.T) {
	f := newFakeAPI(t)
	f.raw["/api/v1/pods"] = `{"kind": "PodList", "apiVersion": "v1", "metadata": {"continue": "again"}, "items": []}`
	frag, err := liveCollect(t, f, LiveOptions{ClusterName: "prod-eu"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range frag.Source.Gaps {
		if g.What == "list pods" {
			got = append(got, g.Reason)
		}
	}
	want := []string{"page 2: the server repeated a page token (page 1 gave the same next token)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pods gaps %q, want %q", got, want)
	}
	if n := len(f.requestsTo("/api/v1/pods")); n != 2 {
		t.Errorf("%d pod requests, want 2", n)
	}
	if nodeByID(frag)["k8s:prod-eu:serviceaccount:dev:ci"] == nil {
		t.Error("the other lists were not read")
	}
}

func TestLiveSecretsWithoutTable(t *testing.T) {
	f := newFakeAPI(t)
	f.noTable = true
	frag, err := liveCollect(t, f, LiveOptions{ClusterName: "prod-eu"})
	if err != nil {
		t.Fatal(err)
	}
	out := encode(t, frag)
	for _, v := range secretValues {
		if bytes.Contains(out, []byte(v)) {
			t.Errorf("the snapshot holds %q", v)
		}
	}
	if n := nodeByID(frag)["k8s:prod-eu:secret:dev:legacy-token"]; n == nil || n.Prop(graphmodel.PropK8sSecretType) != SecretTypeServiceAccountToken {
		t.Errorf("secret read from a SecretList: %+v", n)
	}
}

func TestLiveErrors(t *testing.T) {
	f := newFakeAPI(t)
	srv := httptest.NewServer(f)
	defer srv.Close()
	_, err := NewLive(LiveOptions{Config: &rest.Config{Host: srv.URL, BearerToken: "wrong"}, ClusterName: "c"}).Collect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "provide credentials") {
		t.Errorf("rejected credentials: %v", err)
	}
	if _, err := NewLive(LiveOptions{Config: &rest.Config{Host: srv.URL, BearerToken: "test-token"}}).Collect(context.Background()); err == nil {
		t.Error("a rest.Config without a cluster name")
	}
	srv.Close()
	if _, err := NewLive(LiveOptions{Config: &rest.Config{Host: srv.URL, BearerToken: "test-token"}, ClusterName: "c"}).Collect(context.Background()); err == nil {
		t.Error("a server that does not answer")
	}
}

const kubeconfigTemplate = `apiVersion: v1
kind: Config
clusters:
- name: arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu
  cluster:
    server: %[1]s
    certificate-authority-data: %[2]s
- name: staging.eu-west-1.eksctl.io
  cluster:
    server: %[1]s
    certificate-authority-data: %[2]s
- name: kind-local
  cluster:
    server: %[1]s
    certificate-authority-data: %[2]s
users:
- name: tester
  user:
    token: test-token
contexts:
- name: prod
  context:
    cluster: arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu
    user: tester
- name: staging
  context:
    cluster: staging.eu-west-1.eksctl.io
    user: tester
- name: local
  context:
    cluster: kind-local
    user: tester
current-context: local
`

func TestLiveKubeconfig(t *testing.T) {
	f := newFakeAPI(t)
	// client-go sends a kubeconfig's credentials over TLS only.
	srv := httptest.NewTLSServer(f)
	defer srv.Close()
	ca := base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(kubeconfigTemplate, srv.URL, ca)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		opts  LiveOptions
		env   string
		scope string
		arn   string
	}{
		{"current context", LiveOptions{Kubeconfig: path}, "", "k8s:cluster:kind-local", ""},
		{"EKS ARN context", LiveOptions{Kubeconfig: path, Context: "prod"}, "", "k8s:cluster:prod-eu", "arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu"},
		{"eksctl context from KUBECONFIG", LiveOptions{Context: "staging"}, path, "k8s:cluster:staging", ""},
		{"cluster name given", LiveOptions{Kubeconfig: path, Context: "prod", ClusterName: "mine"}, "", "k8s:cluster:mine", "arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", tc.env)
			if tc.env == "" {
				t.Setenv("HOME", t.TempDir()) // no ~/.kube/config to fall back on
			}
			frag, err := NewLive(tc.opts).Collect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if frag.Source.Scope != tc.scope {
				t.Errorf("scope %s, want %s", frag.Source.Scope, tc.scope)
			}
			if got := nodeByID(frag)[tc.scope].Prop(graphmodel.PropK8sEKSClusterARN); got != tc.arn {
				t.Errorf("EKS ARN %q, want %q", got, tc.arn)
			}
		})
	}
	t.Run("unknown context", func(t *testing.T) {
		if _, err := NewLive(LiveOptions{Kubeconfig: path, Context: "nope"}).Collect(context.Background()); err == nil ||
			!strings.Contains(err.Error(), "nope") {
			t.Errorf("error %v", err)
		}
	})
}

func TestClusterNameOf(t *testing.T) {
	for in, want := range map[string][2]string{
		"arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu":     {"prod-eu", "arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu"},
		"arn:aws-cn:eks:cn-north-1:111122223333:cluster/c1":      {"c1", "arn:aws-cn:eks:cn-north-1:111122223333:cluster/c1"},
		"staging.eu-west-1.eksctl.io":                            {"staging", ""},
		"gke_my-project_europe-west1_main":                       {"gke_my-project_europe-west1_main", ""},
		"arn:aws:eks:eu-west-1:111122223333:nodegroup/prod-eu/x": {"arn:aws:eks:eu-west-1:111122223333:nodegroup/prod-eu/x", ""},
	} {
		name, arn := ClusterNameOf(in)
		if name != want[0] || arn != want[1] {
			t.Errorf("ClusterNameOf(%q) = %q, %q; want %q, %q", in, name, arn, want[0], want[1])
		}
	}
}
