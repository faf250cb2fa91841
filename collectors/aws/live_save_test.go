package aws

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestOfflineFieldsCoverEveryFile(t *testing.T) {
	fields, err := offlineFields()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]string{}
	for _, f := range offlineFiles {
		i, ok := fields[f.name]
		if !ok {
			t.Errorf("%s: no Resources field", f.name)
			continue
		}
		if prev, dup := seen[i]; dup {
			t.Errorf("%s and %s fill the same field %s", prev, f.name, reflect.TypeOf(Resources{}).Field(i).Name)
		}
		seen[i] = f.name
	}
}

// TestSaveOutputsRoundTrip saves what the offline reader read from a
// directory holding every supported file, reads the saved directory again
// and expects the same fragment: SaveOutputs writes every file the reader
// knows, in a shape it reads back.
func TestSaveOutputsRoundTrip(t *testing.T) {
	const src = "testdata/resources"
	ctx := context.Background()
	o := NewOffline(os.DirFS(src), src)
	data, err := os.ReadFile(filepath.Join(src, GAADFile))
	if err != nil {
		t.Fatal(err)
	}
	d, err := DecodeAuthorizationDetails(src+"/"+GAADFile, data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := o.readOutputs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := SaveOutputs(dir, d, res); err != nil {
		t.Fatal(err)
	}

	list := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		return names
	}
	if got, want := list(dir), list(src); !reflect.DeepEqual(got, want) {
		t.Errorf("saved files:\n got %v\nwant %v", got, want)
	}

	want, err := o.Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := NewOffline(os.DirFS(dir), dir).Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	compareFragments(t, want, got)
}

func TestSaveOutputsEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	if err := SaveOutputs(dir, nil, nil); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, GAADFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeAuthorizationDetails(GAADFile, data); err != nil {
		t.Errorf("saved empty export does not decode: %v", err)
	}
}

func TestWithRegion(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{}`, `{"Region":"eu-west-1"}`},
		{`{"Functions":[]}`, `{"Functions":[],"Region":"eu-west-1"}`},
		{` { "a" : 1 } `, `{ "a" : 1 ,"Region":"eu-west-1"}`},
	} {
		got, err := withRegion([]byte(tc.in), "eu-west-1")
		if err != nil || string(got) != tc.want {
			t.Errorf("withRegion(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
		if !json.Valid(got) {
			t.Errorf("withRegion(%s) = %s, not JSON", tc.in, got)
		}
	}
	if _, err := withRegion([]byte(`[]`), "eu-west-1"); err == nil {
		t.Error("withRegion accepted an array")
	}
}

func TestCLITime(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	for _, tc := range []struct {
		in   *time.Time
		want Timestamp
	}{
		{nil, ""},
		{ptr(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)), "2024-05-01T12:00:00+00:00"},
		{ptr(time.Date(2024, 5, 1, 13, 0, 0, 0, paris)), "2024-05-01T12:00:00+00:00"},
		{ptr(time.Date(2024, 5, 1, 12, 0, 0, 439029000, time.UTC)), "2024-05-01T12:00:00.439029+00:00"},
	} {
		if got := cliTime(tc.in); got != tc.want {
			t.Errorf("cliTime(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestLiveDocument(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	for _, tc := range []struct {
		name string
		in   *string
		want string
	}{
		{"absent", nil, ""},
		{"URL-encoded, as IAM returns it", ptr("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"), doc},
		{"plain JSON, as some emulators return it", ptr(doc), doc},
		{"not a document: kept as the string", ptr("%7Bnot json"), `"%7Bnot json"`},
		{"a JSON array: kept as the string", ptr("[1]"), `"[1]"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(liveDocument(tc.in)); got != tc.want {
				t.Errorf("liveDocument = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestPolicyNameOfARN(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::123456789012:policy/dev-tools":         "dev-tools",
		"arn:aws:iam::123456789012:policy/team/a/dev-tools":  "dev-tools",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaRole": "AWSLambdaRole",
		"arn:aws:iam::123456789012:role/not-a-policy":        "",
		"not an arn": "",
		"arn:aws-cn:iam::123456789012:policy/path/ChinaPolicyName": "ChinaPolicyName",
	} {
		if got := policyNameOfARN(in); got != want {
			t.Errorf("policyNameOfARN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorReason(t *testing.T) {
	if got := errorReason(os.ErrDeadlineExceeded); !strings.Contains(got, "timeout") {
		t.Errorf("errorReason of a plain error = %q, want its text", got)
	}
}

// TestSaveOutputsThroughLinks saves into a directory whose files are
// symbolic links elsewhere (a save directory kept in another place): the
// links stay and their targets get the new outputs, keeping their mode.
func TestSaveOutputsThroughLinks(t *testing.T) {
	const src = "testdata/resources"
	o := NewOffline(os.DirFS(src), src)
	data, err := os.ReadFile(filepath.Join(src, GAADFile))
	if err != nil {
		t.Fatal(err)
	}
	d, err := DecodeAuthorizationDetails(src+"/"+GAADFile, data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := o.readOutputs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dir, store := t.TempDir(), t.TempDir()
	link := func(name string) string {
		target := filepath.Join(store, name)
		if err := os.WriteFile(target, []byte("old"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
		return target
	}
	gaad := link(GAADFile)
	if err := SaveOutputs(dir, d, res); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(filepath.Join(dir, GAADFile))
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("%s is no longer a link: %v %v", GAADFile, fi, err)
	}
	got, err := os.ReadFile(gaad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeAuthorizationDetails(gaad, got); err != nil || string(got) == "old" {
		t.Errorf("link target not rewritten with the export: %v", err)
	}
	if fi, _ := os.Stat(gaad); fi.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want its own 0640 kept", fi.Mode().Perm())
	}
}
