package aws

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// FuzzGAAD feeds arbitrary bytes to the offline reader as gaad.json. It must
// never panic, every error must be bad input, and whatever it accepts must
// encode into a snapshot that decodes again.
func FuzzGAAD(f *testing.F) {
	dirs, _ := filepath.Glob("testdata/*/gaad.json")
	for _, p := range dirs {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::111111111111:role/r","AssumeRolePolicyDocument":"%7B%22Statement%22%3A%5B%5D%7D"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"gaad.json": {Data: data}}
		frag, err := NewOffline(fsys, "fuzz").Collect(context.Background())
		if err != nil {
			if !badinput.Is(err) {
				t.Fatalf("error %v (%T) is not bad input", err, err)
			}
			return
		}
		if frag.Source.Scope == "" || frag.Source.Collector != "aws" {
			t.Fatalf("source %+v", frag.Source)
		}
		var buf bytes.Buffer
		if err := graphmodel.Encode(&buf, graphmodel.NewSnapshot(frag)); err != nil {
			t.Fatalf("encode: %v", err)
		}
		back, err := graphmodel.Decode("snap.json", buf.Bytes())
		if err != nil {
			t.Fatalf("the snapshot does not decode: %v", err)
		}
		if len(back.Nodes) != len(frag.Nodes) || len(back.Edges) != len(frag.Edges) {
			t.Fatalf("round trip: %d nodes %d edges, want %d %d", len(back.Nodes), len(back.Edges), len(frag.Nodes), len(frag.Edges))
		}
	})
}

// FuzzOfflineFiles feeds arbitrary bytes to the offline reader as one
// supported output file, beside the rest of testdata/resources (a valid
// gaad.json and one file of every other kind, so that references between
// files are exercised). name picks the file; a name that is not supported
// picks one by its length. The reader must never panic, every error must
// be bad input naming that file, and what it accepts must encode into a
// snapshot that decodes again.
func FuzzOfflineFiles(f *testing.F) {
	dir := fstest.MapFS{}
	entries, err := os.ReadDir("testdata/resources")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/resources", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		dir[e.Name()] = &fstest.MapFile{Data: data}
		if e.Name() != GAADFile {
			f.Add(e.Name(), data)
		}
	}
	f.Add("s3api-get-bucket-policy.json", []byte(`[{"Bucket":"b","Policy":"%7B%22Statement%22%3A%5B%5D%7D"}]`))
	f.Add("organizations-list-targets-for-policy.json", []byte(`{"PolicyId":"p-FullAWSAccess","Targets":[{"TargetId":"","Type":"ACCOUNT"}]}`))
	f.Add("iam-get-credential-report.json", []byte(`{"Content":"dXNlcixhcm4KPHJvb3RfYWNjb3VudD4sYXJuOmF3czppYW06OjE6cm9vdAo="}`))
	var names []string
	for _, o := range offlineFiles {
		names = append(names, o.name)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if _, ok := offlineFileNamed(name); !ok {
			name = names[len(name)%len(names)]
		}
		fsys := fstest.MapFS{}
		for k, v := range dir {
			fsys[k] = v
		}
		fsys[name] = &fstest.MapFile{Data: data}
		frag, err := NewOffline(fsys, "fuzz").Collect(context.Background())
		if err != nil {
			var bad *badinput.Error
			if !errors.As(err, &bad) {
				t.Fatalf("error %v (%T) is not bad input", err, err)
			}
			if bad.File != "fuzz/"+name {
				t.Fatalf("error %v names %q, want the fuzzed file fuzz/%s", err, bad.File, name)
			}
			return
		}
		if frag.Source.Scope != "aws:account:111111111111" {
			t.Fatalf("source %+v", frag.Source)
		}
		for _, n := range frag.Nodes {
			if n.ID == "" || !n.Kind.Known() {
				t.Fatalf("node %+v", n)
			}
		}
		for _, e := range frag.Edges {
			if e.From == "" || e.To == "" || e.Kind.Derived() {
				t.Fatalf("edge %+v", e)
			}
		}
		var buf bytes.Buffer
		if err := graphmodel.Encode(&buf, graphmodel.NewSnapshot(frag)); err != nil {
			t.Fatalf("encode: %v", err)
		}
		back, err := graphmodel.Decode("snap.json", buf.Bytes())
		if err != nil {
			t.Fatalf("the snapshot does not decode: %v", err)
		}
		if len(back.Nodes) != len(frag.Nodes) || len(back.Edges) != len(frag.Edges) {
			t.Fatalf("round trip: %d nodes %d edges, want %d %d", len(back.Nodes), len(back.Edges), len(frag.Nodes), len(frag.Edges))
		}
	})
}
