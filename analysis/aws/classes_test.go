package aws

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/blastradius/blastradius/awspolicy"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/synth"
)

// TestAccessClassesDecideAsPerPrincipal derives the demo estate, every
// technique fixture and a synthetic account with access classes and
// principal by principal, and requires the very same edges.
func TestAccessClassesDecideAsPerPrincipal(t *testing.T) {
	dirs := []string{filepath.Join("..", "..", "fixtures", "demo", "aws")}
	fixtures, err := filepath.Glob(filepath.Join("testdata", "techniques", "*"))
	if err != nil {
		t.Fatal(err)
	}
	dirs = append(dirs, fixtures...)
	estate := t.TempDir()
	if err := synth.WriteAWS(estate, synth.Small()); err != nil {
		t.Fatal(err)
	}
	dirs = append(dirs, estate)

	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	shared := 0
	for _, dir := range dirs {
		snap := collectDir(t, dir)
		_, want, err := (&Analyzer{now: now, perPrincipal: true}).Derive(context.Background(), snap)
		if err != nil {
			t.Fatal(err)
		}
		_, got, err := NewAt(now).Derive(context.Background(), snap)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d edges with access classes, %d principal by principal; first difference: %s",
				dir, len(got), len(want), firstDifference(got, want))
		}
		shared += countAccess(got)
	}
	if shared < 1000 {
		t.Errorf("only %d can_access edges compared; the comparison proves little", shared)
	}
}

// collectDir collects an offline account directory, or each account
// directory inside dir when it holds several accounts.
func collectDir(t *testing.T, dir string) *graphmodel.Snapshot {
	t.Helper()
	accounts := []string{dir}
	if _, err := os.Stat(filepath.Join(dir, "gaad.json")); err != nil {
		if accounts, err = filepath.Glob(filepath.Join(dir, "*")); err != nil {
			t.Fatal(err)
		}
	}
	var frags []graphmodel.Fragment
	for _, d := range accounts {
		frag, err := awscollect.NewOffline(os.DirFS(d), d).Collect(context.Background())
		if err != nil {
			t.Fatalf("collect %s: %v", d, err)
		}
		frags = append(frags, frag)
	}
	return graphmodel.NewSnapshot(frags...)
}

func countAccess(edges []graphmodel.Edge) int {
	n := 0
	for _, e := range edges {
		if e.Kind == graphmodel.EdgeCanAccess {
			n++
		}
	}
	return n
}

func firstDifference(got, want []graphmodel.Edge) string {
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			g, _ := json.Marshal(got[i])
			w, _ := json.Marshal(want[i])
			return "got " + string(g) + ", want " + string(w)
		}
	}
	return "one list is a prefix of the other"
}

func TestPrincipalSpecific(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      bool
	}{
		{"plain", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, false},
		{"resource tag", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"a"}}}]}`, false},
		{"principal tag", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a"}}}]}`, true},
		{"principal arn", `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/admin"}}}]}`, true},
		{"username", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"aws:username":"a*"}}}]}`, true},
		{"variable in resource", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`, true},
		{"variable in value", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}}]}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := awspolicy.Parse(json.RawMessage(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := principalSpecific(doc); got != tc.want {
				t.Errorf("principalSpecific = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSharedFor(t *testing.T) {
	const acct = "123456789012"
	for _, tc := range []struct {
		name, doc string
		named     []string
		ok        bool
	}{
		{"service only", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*"}]}`, nil, true},
		{"account root and others", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","210987654321"]},"Action":"s3:GetObject","Resource":"*"}]}`, nil, true},
		{"everyone, TLS deny", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, nil, true},
		{"names a role", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"s3:GetObject","Resource":"*"}]}`, []string{"arn:aws:iam::123456789012:role/app"}, true},
		{"role of another account", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:role/app"},"Action":"s3:GetObject","Resource":"*"}]}`, nil, true},
		{"not principal", `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"s3:*","Resource":"*"}]}`, nil, false},
		{"principal condition", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"data"}}}]}`, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := awspolicy.Parse(json.RawMessage(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			named, ok := sharedFor(doc, acct)
			if ok != tc.ok || !reflect.DeepEqual(named, tc.named) {
				t.Errorf("sharedFor = %v, %v; want %v, %v", named, ok, tc.named, tc.ok)
			}
		})
	}
}
