package workspace

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const fixture = "testdata/workspace.jsonl"

func collect(t *testing.T, c interface {
	Collect(context.Context) (graphmodel.Fragment, error)
}) graphmodel.Fragment {
	t.Helper()
	frag, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return frag
}

func encode(t *testing.T, frag graphmodel.Fragment) []byte {
	t.Helper()
	snap := graphmodel.NewSnapshot(frag)
	snap.Sources[0].Origin = "offline:" + fixture
	var buf bytes.Buffer
	if err := graphmodel.Encode(&buf, snap); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	frag := collect(t, NewOffline([]string{fixture}, ""))
	frag.Source.CollectedAt = time.Time{} // the file's modification time
	got := encode(t, frag)
	const golden = "testdata/workspace.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("snapshot differs from %s; run go test -update and review the diff", golden)
	}
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

func TestModel(t *testing.T) {
	frag := collect(t, NewOffline([]string{fixture}, ""))
	if frag.Source.Scope != "workspace:customer:C0example" || len(frag.Source.Gaps) != 0 {
		t.Errorf("scope %s, gaps %v", frag.Source.Scope, frag.Source.Gaps)
	}
	ada := node(t, frag, "workspace:user:ada@example.com")
	if ada.Kind != graphmodel.KindWorkspaceUser || ada.Prop(graphmodel.PropWorkspaceIsAdmin) != "true" || ada.Scope != frag.Source.Scope ||
		ada.Prop(graphmodel.PropLastUsed) != "2026-11-29T08:00:00.000Z" || ada.IsNonHuman() {
		t.Errorf("ada = %+v", ada)
	}
	if carol := node(t, frag, "workspace:user:carol@example.com"); carol.Prop(graphmodel.PropLastUsed) != "" || carol.Prop(graphmodel.PropWorkspaceIsDelegatedAdmin) != "true" {
		t.Errorf("carol, who never logged in, = %+v", carol)
	}
	sync := node(t, frag, "workspace:app:111111111111-sync.apps.googleusercontent.com")
	if sync.Kind != graphmodel.KindWorkspaceOAuthApp || !sync.IsNonHuman() || sync.Scope != "" || sync.Prop(graphmodel.PropWorkspaceGrants) != "2" {
		t.Errorf("sync = %+v", sync)
	}
	want := []graphmodel.Credential{
		{Kind: graphmodel.CredentialOAuthGrant, ID: "bob@example.com", Active: true, Scopes: []string{"email", "https://mail.google.com/", "https://www.googleapis.com/auth/drive", "openid"}},
		{Kind: graphmodel.CredentialOAuthGrant, ID: "dan@example.com", Active: false, Scopes: []string{"https://www.googleapis.com/auth/gmail.readonly"}},
	}
	if len(sync.Credentials) != 2 {
		t.Fatalf("credentials %+v", sync.Credentials)
	}
	for i, c := range sync.Credentials {
		if c.Kind != want[i].Kind || c.ID != want[i].ID || c.Active != want[i].Active || strings.Join(c.Scopes, " ") != strings.Join(want[i].Scopes, " ") {
			t.Errorf("credential %d = %+v, want %+v", i, c, want[i])
		}
	}
	if got := sync.Prop(graphmodel.PropWorkspaceScopes); got != "email,https://mail.google.com/,https://www.googleapis.com/auth/drive,https://www.googleapis.com/auth/gmail.readonly,openid" {
		t.Errorf("scopes %q", got)
	}
	// A userKey that is an address finds its user too.
	notes := node(t, frag, "workspace:app:333333333333-cal.apps.googleusercontent.com")
	if len(notes.Credentials) != 1 || notes.Credentials[0].ID != "bob@example.com" {
		t.Errorf("notes credentials %+v", notes.Credentials)
	}
}

// TestHostileNames: an app's display text is its publisher's. Markup and
// quotes are kept as written (the writers escape them); control
// characters, which would rewrite a terminal, are not in the name; the
// property keeps the text verbatim.
func TestHostileNames(t *testing.T) {
	frag := collect(t, NewOffline([]string{fixture}, ""))
	sync := node(t, frag, "workspace:app:111111111111-sync.apps.googleusercontent.com")
	const markup = `<img src=x onerror=alert(1)> "Mail" 'Sync' & <b>Backup</b>`
	if sync.Name != markup || sync.Prop(graphmodel.PropWorkspaceDisplayText) != markup {
		t.Errorf("name %q, display text %q", sync.Name, sync.Prop(graphmodel.PropWorkspaceDisplayText))
	}
	phone := node(t, frag, "workspace:app:555555555555-native.apps.googleusercontent.com")
	if strings.ContainsAny(phone.Name, "\x1b\u202e") || !strings.Contains(phone.Name, "Mail") {
		t.Errorf("name %q keeps control characters", phone.Name)
	}
	if !strings.Contains(phone.Prop(graphmodel.PropWorkspaceDisplayText), "\x1b[31m") {
		t.Errorf("display text %q is not verbatim", phone.Prop(graphmodel.PropWorkspaceDisplayText))
	}
	if got := displayName(strings.Repeat("é", 300), "id"); len([]rune(got)) != 201 {
		t.Errorf("a long name is not cut: %d runes", len([]rune(got)))
	}
	if got := displayName(" \x00\t", "the-client"); got != "\uFFFD\uFFFD" {
		t.Errorf("displayName of control characters = %q", got)
	}
}

// TestFormats: JSON Lines, a JSON array, whole responses and a customer
// given by flag all read the same grants.
func TestFormats(t *testing.T) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	array := "[\n" + strings.Join(lines, ",\n") + "\n]\n"
	responses := `{"kind":"admin#directory#users","users":[` + strings.Join(lines[:4], ",") + `],"nextPageToken":""}` + "\n" +
		`{"kind":"admin#directory#tokenList","items":[` + strings.Join(lines[4:], ",") + `]}` + "\n"
	base := collect(t, NewOffline([]string{fixture}, ""))
	for name, text := range map[string]string{"array.json": array, "responses.json": responses} {
		fsys := fstest.MapFS{name: {Data: []byte(text)}}
		frag := collect(t, NewOfflineFS(fsys, []string{name}, ""))
		if len(frag.Nodes) != len(base.Nodes) {
			t.Errorf("%s: %d nodes, want %d", name, len(frag.Nodes), len(base.Nodes))
		}
	}
	tokensOnly := fstest.MapFS{"t.jsonl": {Data: []byte(strings.Join(lines[4:], "\n"))}}
	frag := collect(t, NewOfflineFS(tokensOnly, []string{"t.jsonl"}, "C0flag"))
	if frag.Source.Scope != "workspace:customer:C0flag" {
		t.Errorf("scope %s", frag.Source.Scope)
	}
	gaps := 0
	for _, g := range frag.Source.Gaps {
		if strings.HasPrefix(g.What, "user 1000") {
			gaps++
		}
	}
	if gaps != 4 { // the four user ids tokens name, without users.list
		t.Errorf("gaps %v", frag.Source.Gaps)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, data, place, msg string
	}{
		{"not JSON", "{\"clientId\":\"a\",\"userKey\":\"u\"}\n{oops\n", "line 2", "invalid JSON"},
		{"truncated", "[{\"clientId\":\"a\",\"userKey\":\"u\"}", "line 1", "truncated"},
		{"not an object", "\n\n\"text\"\n", "line 3", "expected a JSON object"},
		{"neither", "{\"kind\":\"admin#directory#group\",\"email\":\"g@x\"}\n", "line 1", "neither a directory user"},
		{"no user key", "{\"kind\":\"admin#directory#token\",\"clientId\":\"a\"}\n", "line 1", "no userKey"},
		{"no client", "{\"kind\":\"admin#directory#token\",\"userKey\":\"u\"}\n", "line 1", "no clientId"},
		{"spaced client", "{\"clientId\":\"a b\",\"userKey\":\"u\"}\n", "line 1", "not a client id"},
		{"scopes not strings", "\n{\"clientId\":\"a\",\"userKey\":\"u\",\"scopes\":[1]}\n", "line 2", "scopes"},
		{"no address", "{\"kind\":\"admin#directory#user\",\"id\":\"1\",\"primaryEmail\":\"nobody\"}\n", "line 1", "not an address"},
		{"items not a list", "{\"kind\":\"admin#directory#tokenList\",\"items\":{}}\n", "line 1", "not a list"},
		{"bad item", "{\"items\":[{\"clientId\":\"a\"}]}\n", "line 1", "no userKey"},
		{"bad gap", "{\"gap\":{\"reason\":\"x\"}}\n", "line 1", "gap record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"in.jsonl": {Data: []byte(tt.data)}}
			_, err := NewOfflineFS(fsys, []string{"in.jsonl"}, "").Collect(context.Background())
			var bad *badinput.Error
			if !errors.As(err, &bad) {
				t.Fatalf("error %v (%T), want bad input", err, err)
			}
			if bad.File != "in.jsonl" || !strings.HasPrefix(bad.Place, tt.place) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q (file %q place %q), want %s at %s", err, bad.File, bad.Place, tt.msg, tt.place)
			}
		})
	}
	_, err := NewOffline([]string{filepath.Join(t.TempDir(), "missing.jsonl")}, "").Collect(context.Background())
	if !badinput.Is(err) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := NewOffline(nil, "").Collect(context.Background()); !badinput.Is(err) {
		t.Errorf("no file: %v", err)
	}
}

func TestSaveReplays(t *testing.T) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadRecords(fixture, data)
	if err != nil {
		t.Fatal(err)
	}
	recs.Gaps = append(recs.Gaps, graphmodel.Gap{What: "tokens.list", Reason: "403 forbidden", Where: "eve@example.com"})
	path := filepath.Join(t.TempDir(), "saved.jsonl")
	if err := SaveRecords(path, recs); err != nil {
		t.Fatal(err)
	}
	frag := collect(t, NewOffline([]string{path}, ""))
	base := collect(t, NewOffline([]string{fixture}, ""))
	if len(frag.Nodes) != len(base.Nodes) || len(frag.Source.Gaps) != 1 || frag.Source.Gaps[0].Where != "eve@example.com" {
		t.Errorf("replay: %d nodes (want %d), gaps %v", len(frag.Nodes), len(base.Nodes), frag.Source.Gaps)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("saved file mode %v, %v", info.Mode(), err)
	}
}
