package workspace

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/option"

	"github.com/blastradius/blastradius/collectors"
)

// fakeDirectory answers the real request paths of the Directory API:
// users.list in two pages, and tokens.list per user: bob's first call is
// throttled (429), carol's refused (403), the others answer.
type fakeDirectory struct {
	mu     sync.Mutex
	calls  []string
	bobTry int
}

func (f *fakeDirectory) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.calls = append(f.calls, r.Method+" "+r.URL.EscapedPath()+"?"+r.URL.RawQuery)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/admin/directory/v1/users":
		if q.Get("customer") != "C0example" || q.Get("maxResults") != "500" {
			http.Error(w, `{"error":{"code":400,"message":"bad query"}}`, http.StatusBadRequest)
			return
		}
		if q.Get("pageToken") == "" {
			fmt.Fprint(w, `{"kind":"admin#directory#users","users":[
				{"kind":"admin#directory#user","id":"1","primaryEmail":"ada@example.com","customerId":"C0example","isAdmin":true},
				{"kind":"admin#directory#user","id":"2","primaryEmail":"bob@example.com","customerId":"C0example"}],"nextPageToken":"p2"}`)
			return
		}
		fmt.Fprint(w, `{"kind":"admin#directory#users","users":[
			{"kind":"admin#directory#user","id":"3","primaryEmail":"carol@example.com","customerId":"C0example"}]}`)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/admin/directory/v1/users/") && strings.HasSuffix(r.URL.Path, "/tokens"):
		user := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/admin/directory/v1/users/"), "/tokens")
		switch user {
		case "ada@example.com":
			fmt.Fprint(w, `{"kind":"admin#directory#tokenList","items":[{"kind":"admin#directory#token","clientId":"222-admin.apps.googleusercontent.com",
				"displayText":"Directory Helper","scopes":["https://www.googleapis.com/auth/admin.directory.user"],"userKey":"1"}]}`)
		case "bob@example.com":
			f.mu.Lock()
			f.bobTry++
			try := f.bobTry
			f.mu.Unlock()
			if try == 1 {
				w.WriteHeader(http.StatusTooManyRequests)
				fmt.Fprint(w, `{"error":{"code":429,"message":"Quota exceeded","errors":[{"reason":"rateLimitExceeded","message":"Quota exceeded"}]}}`)
				return
			}
			fmt.Fprint(w, `{"kind":"admin#directory#tokenList","items":[{"kind":"admin#directory#token","clientId":"111-sync.apps.googleusercontent.com",
				"displayText":"<script>x</script>","scopes":["https://mail.google.com/"],"userKey":"2"}]}`)
		case "carol@example.com":
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"error":{"code":403,"message":"Not Authorized to access this resource/api","errors":[{"reason":"forbidden","message":"Not Authorized to access this resource/api"}]}}`)
		default:
			http.NotFound(w, r)
		}
	default:
		http.NotFound(w, r)
	}
}

func newFake(t *testing.T) (*fakeDirectory, []option.ClientOption) {
	f := &fakeDirectory{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, []option.ClientOption{option.WithEndpoint(srv.URL + "/"), option.WithoutAuthentication()}
}

func TestLive(t *testing.T) {
	f, opts := newFake(t)
	save := filepath.Join(t.TempDir(), "saved.jsonl")
	var events []collectors.Progress
	l, err := NewLive(LiveOptions{Customer: "C0example", ClientOptions: opts, Backoff: func(int) time.Duration { return time.Millisecond },
		Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }, SaveFile: save,
		Progress: func(p collectors.Progress) { events = append(events, p) }})
	if err != nil {
		t.Fatal(err)
	}
	frag := collect(t, l)
	if frag.Source.Scope != "workspace:customer:C0example" || frag.Source.Origin != "live" {
		t.Errorf("source %+v", frag.Source)
	}
	if len(frag.Source.Gaps) != 1 || frag.Source.Gaps[0].What != "tokens.list" || frag.Source.Gaps[0].Where != "carol@example.com" ||
		!strings.HasPrefix(frag.Source.Gaps[0].Reason, "403 forbidden") {
		t.Errorf("gaps %+v, want carol's refused tokens.list", frag.Source.Gaps)
	}
	sync := node(t, frag, "workspace:app:111-sync.apps.googleusercontent.com")
	if sync.Name != "<script>x</script>" || len(sync.Credentials) != 1 || sync.Credentials[0].ID != "bob@example.com" {
		t.Errorf("app after the retried call: %+v", sync)
	}
	node(t, frag, "workspace:app:222-admin.apps.googleusercontent.com")
	node(t, frag, "workspace:user:carol@example.com")

	sort.Strings(f.calls)
	want := []string{
		"GET /admin/directory/v1/users/ada%40example.com/tokens?alt=json&prettyPrint=false",
		"GET /admin/directory/v1/users/bob%40example.com/tokens?alt=json&prettyPrint=false",
		"GET /admin/directory/v1/users/bob%40example.com/tokens?alt=json&prettyPrint=false",
		"GET /admin/directory/v1/users/carol%40example.com/tokens?alt=json&prettyPrint=false",
		"GET /admin/directory/v1/users?alt=json&customer=C0example&maxResults=500&orderBy=email&pageToken=p2&prettyPrint=false",
		"GET /admin/directory/v1/users?alt=json&customer=C0example&maxResults=500&orderBy=email&prettyPrint=false",
	}
	if strings.Join(f.calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(f.calls, "\n"), strings.Join(want, "\n"))
	}
	if len(events) == 0 || !events[len(events)-1].Final {
		t.Errorf("progress events %+v", events)
	}

	// The saved file replays the collection, gap included.
	replay := collect(t, NewOffline([]string{save}, "C0example"))
	if len(replay.Nodes) != len(frag.Nodes) || len(replay.Source.Gaps) != 1 {
		t.Errorf("replay: %d nodes (want %d), gaps %v", len(replay.Nodes), len(frag.Nodes), replay.Source.Gaps)
	}
}

// TestLiveUsersRefused: without users.list nothing can be read: an error,
// no fragment.
func TestLiveUsersRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"error":{"code":403,"message":"Not Authorized to access this resource/api","errors":[{"reason":"forbidden"}]}}`)
	}))
	defer srv.Close()
	l, err := NewLive(LiveOptions{Customer: "C0example", ClientOptions: []option.ClientOption{option.WithEndpoint(srv.URL + "/"), option.WithoutAuthentication()}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Collect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "users.list") || !strings.Contains(err.Error(), "403") {
		t.Errorf("error %v, want users.list refused", err)
	}
}

func TestNewLiveOptions(t *testing.T) {
	for _, tt := range []struct {
		opts LiveOptions
		want string
	}{
		{LiveOptions{CredentialsFile: "k.json"}, "--admin-email"},
		{LiveOptions{AdminEmail: "a@x"}, "not both"},
		{LiveOptions{AdminEmail: "a@x", CredentialsFile: "k.json", ImpersonateServiceAccount: "sa@p.iam.gserviceaccount.com"}, "not both"},
		{LiveOptions{AdminEmail: "a@x", CredentialsFile: "k.json", Customer: "C0/../x"}, "not a customer id"},
	} {
		if _, err := NewLive(tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewLive(%+v) = %v, want %q", tt.opts, err, tt.want)
		}
	}
	l, err := NewLive(LiveOptions{AdminEmail: "a@x", CredentialsFile: filepath.Join(t.TempDir(), "missing.json")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Collect(context.Background()); err == nil || !strings.Contains(err.Error(), "credentials") {
		t.Errorf("missing key file: %v", err)
	}
}
