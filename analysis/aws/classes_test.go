package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/awspolicy"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/synth"
)

// TestAccessClassesDecideAsPerPrincipal derives the demo estate, every
// technique fixture and a synthetic account with access classes and
// permission sets, and principal by principal, and requires the same blast
// radius for every identity: the same resources at the same access,
// certain or conditional, escalations to the same targets in as many hops,
// the same score. Only the node a resource is reached through may differ
// (a permission set), and which of several equally short paths is shown.
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
	// The dense shape (many principals with broad, overlapping rights,
	// denies, boundaries and tag conditions), at two seeds.
	for _, seed := range []int64{1, 7} {
		dense := t.TempDir()
		spec := synth.DenseScaled(600)
		spec.Seed = seed
		if _, err := synth.WriteAWSDense(dense, spec); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dense)
	}

	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	compared, sets := 0, 0
	for _, dir := range dirs {
		snap := collectDir(t, dir)
		want := analyzeWith(t, snap, &Analyzer{now: now, perPrincipal: true})
		got := analyzeWith(t, snap, NewAt(now))
		if len(got.Identities) != len(want.Identities) {
			t.Fatalf("%s: %d identities, want %d", dir, len(got.Identities), len(want.Identities))
		}
		for i := range want.Identities {
			g, w := blastRadiusOf(got.Identities[i]), blastRadiusOf(want.Identities[i])
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s: identity %s differs: %s", dir, want.Identities[i].ID, radiusDiff(g, w))
				break
			}
			compared += len(w.ReachableResources)
		}
		nodes, _, err := NewAt(now).Derive(context.Background(), snap)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes {
			if n.Kind == KindPermissionSet {
				sets++
			}
		}
	}
	if compared < 1000 || sets == 0 {
		t.Errorf("%d resource reaches compared, %d permission sets made; the comparison proves little", compared, sets)
	}
}

func analyzeWith(t *testing.T, snap *graphmodel.Snapshot, d *Analyzer) *analysis.Result {
	t.Helper()
	res, err := analysis.Analyze(context.Background(), snap, analysis.Options{
		Derivers: []analysis.Deriver{d}, Detail: analysis.DetailFull, Now: d.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// blastRadiusOf is an identity's result without the nodes its resources
// are reached through, and with each escalation reduced to its target,
// certainty and length.
func blastRadiusOf(id analysis.Identity) analysis.Identity {
	id.ReachableResources = append([]analysis.ResourceReach(nil), id.ReachableResources...)
	for i := range id.ReachableResources {
		id.ReachableResources[i].Via = ""
	}
	id.Escalations = append([]analysis.Escalation(nil), id.Escalations...)
	for i, e := range id.Escalations {
		id.Escalations[i] = analysis.Escalation{Target: e.Target, Conditional: e.Conditional, Path: make([]analysis.Hop, len(e.Path))}
	}
	return id
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

// radiusDiff says briefly how two blast radii differ: the score, and what
// each has that the other lacks.
func radiusDiff(got, want analysis.Identity) string {
	var b strings.Builder
	if got.BlastRadius.Score != want.BlastRadius.Score {
		fmt.Fprintf(&b, "score %v, want %v; ", got.BlastRadius.Score, want.BlastRadius.Score)
	}
	only := func(name string, a, c []string) {
		set := map[string]bool{}
		for _, x := range c {
			set[x] = true
		}
		var extra []string
		for _, x := range a {
			if !set[x] {
				extra = append(extra, x)
			}
		}
		if len(extra) > 0 {
			fmt.Fprintf(&b, "%s %d: %v; ", name, len(extra), extra[:min(5, len(extra))])
		}
	}
	resources := func(id analysis.Identity) []string {
		var list []string
		for _, r := range id.ReachableResources {
			list = append(list, fmt.Sprintf("%s@%s/%v", r.ID, r.Access, r.Conditional))
		}
		return list
	}
	escalations := func(id analysis.Identity) []string {
		var list []string
		for _, e := range id.Escalations {
			list = append(list, fmt.Sprintf("%s/%v/%d", e.Target, e.Conditional, len(e.Path)))
		}
		return list
	}
	only("admin_of only got", got.AdminOf, want.AdminOf)
	only("admin_of only want", want.AdminOf, got.AdminOf)
	only("conditional admin_of only got", got.ConditionalAdminOf, want.ConditionalAdminOf)
	only("conditional admin_of only want", want.ConditionalAdminOf, got.ConditionalAdminOf)
	only("identities only got", got.ReachableIdentities, want.ReachableIdentities)
	only("identities only want", want.ReachableIdentities, got.ReachableIdentities)
	only("resources only got", resources(got), resources(want))
	only("resources only want", resources(want), resources(got))
	only("escalations only got", escalations(got), escalations(want))
	only("escalations only want", escalations(want), escalations(got))
	return b.String()
}
