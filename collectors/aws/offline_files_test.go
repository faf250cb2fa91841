package aws

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
)

// TestOfflineFiles checks the list against itself, the AWS CLI commands,
// the package doc and the testdata directory that holds one of each.
func TestOfflineFiles(t *testing.T) {
	names := OfflineFiles()
	if !sort.StringsAreSorted(names) {
		t.Errorf("OfflineFiles is not sorted: %q", names)
	}
	if len(names) != 49 || names[0] == "" {
		t.Errorf("OfflineFiles has %d names, want gaad.json, gaps.json and the 47 outputs of the contract", len(names))
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("%s is listed twice", n)
		}
		seen[n] = true
	}
	if !seen[GAADFile] {
		t.Errorf("OfflineFiles lacks %s", GAADFile)
	}
	// Each file is named after the command whose output it holds.
	for _, f := range offlineFiles {
		if f.name == GapsFile { // written by --save-dir, not by the AWS CLI
			continue
		}
		fields := strings.Fields(f.command)
		if len(fields) != 3 || fields[0] != "aws" || fields[1]+"-"+fields[2]+".json" != f.name {
			t.Errorf("%s holds the output of %q: want aws <service> <operation> matching the name", f.name, f.command)
		}
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir("testdata/resources")
	if err != nil {
		t.Fatal(err)
	}
	var inTestdata []string
	for _, e := range entries {
		inTestdata = append(inTestdata, e.Name())
	}
	if !reflect.DeepEqual(inTestdata, names) {
		t.Errorf("testdata/resources holds\n%q\nwant one file of each supported name\n%q", inTestdata, names)
	}
	for _, n := range names {
		if !bytes.Contains(doc, []byte("//\t"+n+" ")) {
			t.Errorf("the package doc does not list %s", n)
		}
	}
}

// TestSupportedFilesAreNotUnknown: every file of the resources directory
// is read, none is logged as unknown.
func TestSupportedFilesAreNotUnknown(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)
	if _, err := NewOffline(os.DirFS("testdata/resources"), "in").Collect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "ignoring unknown file") {
		t.Errorf("a supported file was ignored:\n%s", buf.String())
	}
	if got := strings.Count(buf.String(), `msg="read output file"`); got != len(offlineFiles) {
		t.Errorf("%d files read, want %d:\n%s", got, len(offlineFiles), buf.String())
	}
}

// secretMarker marks, in testdata/resources, values that must never reach
// a snapshot: environment variables, user data, template parameters and
// outputs, build specs, job arguments, public keys, e-mail addresses.
const secretMarker = "DO-NOT-STORE"

func TestNoSecretMaterial(t *testing.T) {
	paths, err := filepath.Glob("testdata/resources/*.json")
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		marked += bytes.Count(data, []byte(secretMarker))
	}
	if marked < 10 {
		t.Fatalf("testdata/resources holds %d marked secrets, want at least 10 for this test to mean something", marked)
	}
	frag, err := NewOffline(os.DirFS("testdata/resources"), "in").Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := graphmodel.Encode(&buf, graphmodel.NewSnapshot(frag)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{secretMarker, "@example.com", "ParameterValue", "environmentVariables", "UserData"} {
		if bytes.Contains(buf.Bytes(), []byte(bad)) {
			t.Errorf("the snapshot holds %q", bad)
		}
	}
}

func TestDecodeOutputs(t *testing.T) {
	tests := []struct {
		name, data string
		want       []Output[DynamoDBListTablesOutput]
	}{
		{"one object", `{"TableNames": ["a"], "Region": "eu-west-1"}`, []Output[DynamoDBListTablesOutput]{
			{Where: "f.json", Region: "eu-west-1", Value: DynamoDBListTablesOutput{TableNames: []string{"a"}}},
		}},
		{"an array of regions", "\n[{\"TableNames\": [\"a\"], \"Region\": \"eu-west-1\"}, {\"TableNames\": []}]", []Output[DynamoDBListTablesOutput]{
			{Where: "f.json", Place: "[0]", Region: "eu-west-1", Value: DynamoDBListTablesOutput{TableNames: []string{"a"}}},
			{Where: "f.json", Place: "[1]", Value: DynamoDBListTablesOutput{TableNames: []string{}}},
		}},
		{"an empty array", `[]`, []Output[DynamoDBListTablesOutput]{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeOutputs[DynamoDBListTablesOutput]("f.json", "aws dynamodb list-tables", []byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestTimestamp(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"LastModified": "2024-08-01T10:00:00.000+0000"}`, "2024-08-01T10:00:00.000+0000"},
		{`{"LastModified": 1580000000.123}`, "1580000000.123"}, // AWS CLI v1, JSON protocol
		{`{"LastModified": null}`, ""},
	}
	for _, tc := range tests {
		out, err := DecodeOutputs[LambdaFunctionConfiguration]("f", "c", []byte(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got := string(out[0].Value.LastModified); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.in, got, tc.want)
		}
	}
}
