package aws

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGolden converts complete offline directories and compares each
// encoded snapshot with testdata/<dir>.golden.json (go test -update
// rewrites them): estate holds gaad.json alone, resources holds gaad.json
// and one file of every supported resource, credential report and
// Organizations operation.
func TestGolden(t *testing.T) {
	for _, dir := range []string{"estate", "resources"} {
		t.Run(dir, func(t *testing.T) {
			frag, err := NewOffline(os.DirFS("testdata/"+dir), "testdata/"+dir).Collect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			frag.Source.CollectedAt = time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC) // the file's mtime varies
			var buf bytes.Buffer
			if err := graphmodel.Encode(&buf, graphmodel.NewSnapshot(frag)); err != nil {
				t.Fatal(err)
			}
			golden := "testdata/" + dir + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("snapshot differs from %s; run go test -update and review the diff", golden)
			}
			// The snapshot reads back unchanged.
			back, err := graphmodel.Decode(golden, want)
			if err != nil {
				t.Fatalf("decode golden: %v", err)
			}
			if len(back.Nodes) != len(frag.Nodes) || len(back.Edges) != len(frag.Edges) {
				t.Errorf("decoded %d nodes, %d edges; collected %d, %d", len(back.Nodes), len(back.Edges), len(frag.Nodes), len(frag.Edges))
			}
		})
	}
}

// TestConvertStructs feeds Convert the raw structs directly, as the live
// collector will: documents as JSON objects or URL-encoded strings, a
// profile listed under two roles, nothing else defined.
func TestConvertStructs(t *testing.T) {
	trust := json.RawMessage(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`)
	profile := InstanceProfile{InstanceProfileName: "shared", Arn: "arn:aws:iam::123456789012:instance-profile/shared"}
	d := &AuthorizationDetails{RoleDetailList: []RoleDetail{
		{RoleName: "a", Arn: "arn:aws:iam::123456789012:role/a", AssumeRolePolicyDocument: trust,
			InstanceProfileList: []InstanceProfile{profile}, RoleLastUsed: &RoleLastUsed{}},
		{RoleName: "b", Arn: "arn:aws:iam::123456789012:role/b",
			AssumeRolePolicyDocument: json.RawMessage(`"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Deny%22%2C%22Principal%22%3A%22%2A%22%2C%22Action%22%3A%22sts%3A%2A%22%7D%5D%7D"`),
			InstanceProfileList:      []InstanceProfile{profile}},
	}}
	frag, err := Convert(d, "iam:GetAccountAuthorizationDetails")
	if err != nil {
		t.Fatal(err)
	}
	if frag.Source.Scope != "aws:account:123456789012" || frag.Source.Collector != "aws" || frag.Source.Origin != "" {
		t.Errorf("source = %+v", frag.Source)
	}
	var ids []string
	for _, n := range frag.Nodes {
		ids = append(ids, n.ID)
	}
	wantIDs := []string{"arn:aws:iam::123456789012:instance-profile/shared", "arn:aws:iam::123456789012:role/a",
		"arn:aws:iam::123456789012:role/b", "aws:account:123456789012"}
	if !equalStrings(ids, wantIDs) {
		t.Errorf("node ids = %q, want %q", ids, wantIDs)
	}
	compareEdges(t, frag.Edges, []graphmodel.Edge{
		edge(profile.Arn, graphmodel.EdgeCarriesRole, "arn:aws:iam::123456789012:role/a"),
		edge(profile.Arn, graphmodel.EdgeCarriesRole, "arn:aws:iam::123456789012:role/b"),
	})
	docs := map[string]string{}
	for _, n := range frag.Nodes {
		if n.Kind == graphmodel.KindAWSRole {
			docs[n.Name] = string(n.Documents["trust"])
		}
	}
	if want := string(trust); docs["a"] != want {
		t.Errorf("trust of a = %s, want %s", docs["a"], want)
	}
	if want := `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:*"}]}`; docs["b"] != want {
		t.Errorf("trust of b = %s, want the decoded document %s", docs["b"], want)
	}
}

func TestConvertNil(t *testing.T) {
	_, err := Convert(nil, "x")
	if !badinput.Is(err) {
		t.Errorf("Convert(nil) = %v, want bad input", err)
	}
}

func TestDocumentsAreCompact(t *testing.T) {
	tests := []struct {
		dir  string
		want int
	}{
		// 4 trust policies, 4 inline policies, 6 managed policy versions.
		{"estate", 14},
		// 13 trust policies, 1 inline policy, 2 managed policy versions,
		// 10 resource policies (ECR 1, KMS 2, Lambda 2, S3 2, Secrets
		// Manager 1, SNS 1, SQS 1), 4 control policies (2 SCPs, 2 RCPs; the
		// tag policy keeps no document).
		{"resources", 34},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			frag, err := NewOffline(os.DirFS("testdata/"+tc.dir), "e").Collect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			count := 0
			for _, n := range frag.Nodes {
				for key, doc := range n.Documents {
					count++
					var buf bytes.Buffer
					if err := json.Compact(&buf, doc); err != nil {
						t.Errorf("%s %s: %v", n.ID, key, err)
						continue
					}
					if !bytes.Equal(buf.Bytes(), doc) || doc[0] != '{' {
						t.Errorf("%s %s is not a compact JSON object: %s", n.ID, key, doc)
					}
				}
			}
			if count != tc.want {
				t.Errorf("%d documents in %s, want %d", count, tc.dir, tc.want)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
