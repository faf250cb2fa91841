package aws_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/graphmodel"
)

func fixtureSnapshot(t *testing.T, fixture string) *graphmodel.Snapshot {
	t.Helper()
	dir := filepath.Join("testdata", "techniques", fixture)
	frag, err := awscollect.NewOffline(os.DirFS(dir), dir).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return graphmodel.NewSnapshot(frag)
}

func queryOptions() analysis.Options {
	return analysis.Options{Derivers: []analysis.Deriver{awsanalysis.NewAt(fixedNow)}, Now: fixedNow}
}

func TestPaths(t *testing.T) {
	g, err := analysis.Prepare(context.Background(), fixtureSnapshot(t, "sts-001-chain"), queryOptions())
	if err != nil {
		t.Fatal(err)
	}
	deploy := "arn:aws:iam::123456789012:role/deploy-role"
	tests := []struct {
		name, to string
		want     [][]hop
	}{
		{"to admin", "", [][]hop{{{attacker, deploy, "sts-001"}, {deploy, account, "iam-009"}}}},
		{"to an identity", deploy, [][]hop{{{attacker, deploy, "sts-001"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := g.Paths(attacker, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("paths = %+v, want %v", got, tc.want)
			}
			for i := range got {
				h := hopsOf(&got[i])
				if len(h) != len(tc.want[i]) {
					t.Fatalf("path %d = %v, want %v", i, h, tc.want[i])
				}
				for j := range h {
					if h[j] != tc.want[i][j] || got[i].Path[j].Evidence == "" {
						t.Fatalf("path %d = %v, want %v with evidence", i, h, tc.want[i])
					}
				}
			}
		})
	}
	// deploy-role makes itself administrator, and so holds every identity of the account.
	back, err := g.Paths(deploy, attacker)
	if err != nil || len(back) != 1 {
		t.Fatalf("Paths(deploy → attacker) = %+v, %v", back, err)
	}
	if h := hopsOf(&back[0]); len(h) != 2 || h[0] != (hop{deploy, account, "iam-009"}) || h[1] != (hop{account, attacker, "admin-of-scope"}) {
		t.Errorf("path = %v", h)
	}
	var unknown *analysis.UnknownNodeError
	if _, err := g.Paths("arn:aws:iam::123456789012:user/nobody", ""); !errors.As(err, &unknown) {
		t.Errorf("an unknown ID must be an UnknownNodeError, got %v", err)
	}
}

func TestWhoCan(t *testing.T) {
	// admin holds AdministratorAccess; attacker can mint admin's keys (iam-002).
	snap := fixtureSnapshot(t, "iam-002-create-access-key")
	got, err := analysis.WhoCan(context.Background(), snap, queryOptions(), "iam:PutUserPolicy", attacker)
	if err != nil {
		t.Fatal(err)
	}
	// The attacker reaches itself only through admin, so it is no answer about itself.
	want := map[string][]hop{
		adminUser: {{adminUser, attacker, "iam:PutUserPolicy"}},
	}
	if len(got) != len(want) {
		t.Fatalf("who-can = %+v, want %d identities", got, len(want))
	}
	// Asked about the admin user instead, the attacker answers through iam-002.
	onAdmin, err := analysis.WhoCan(context.Background(), snap, queryOptions(), "iam:PutUserPolicy", adminUser)
	if err != nil {
		t.Fatal(err)
	}
	if len(onAdmin) != 2 || onAdmin[1].Identity != attacker || len(onAdmin[1].Path) != 2 ||
		onAdmin[1].Path[0].Technique != "iam-002" || onAdmin[0].Identity != adminUser {
		t.Errorf("who can edit admin = %+v, want admin (directly) then attacker through iam-002", onAdmin)
	}
	for _, c := range got {
		w := want[c.Identity]
		if len(c.Path) != len(w) || c.Conditional {
			t.Fatalf("%s: path %+v, want %v (certain)", c.Identity, c.Path, w)
		}
		for i, h := range c.Path {
			if (hop{h.From, h.To, h.Technique}) != w[i] || h.Evidence == "" {
				t.Fatalf("%s: path %+v, want %v with evidence", c.Identity, c.Path, w)
			}
		}
	}
}

func TestWhoCanResource(t *testing.T) {
	e := newEstate(acctA).user(alice, allow("s3:GetObject", bkt+"/*")).
		user("arn:aws:iam::111111111111:user/bob", allow("ec2:DescribeInstances", "*")).
		resource(bkt, acctA, "s3", "bucket", "")
	snap := graphmodel.Merge(&e.snap)
	got, err := analysis.WhoCan(context.Background(), snap, queryOptions(), "s3:GetObject", bkt)
	if err != nil {
		t.Fatal(err)
	}
	// An object action on a bucket means its objects.
	if len(got) != 1 || got[0].Identity != alice || got[0].Path[0].Technique != "s3:GetObject" {
		t.Errorf("who can GetObject in the bucket = %+v, want alice alone", got)
	}
	got, err = analysis.WhoCan(context.Background(), snap, queryOptions(), "s3:ListBucket", bkt)
	if err != nil || len(got) != 0 {
		t.Errorf("ListBucket = %+v, %v; want none", got, err)
	}
	snap = graphmodel.Merge(&newEstate(acctA).user(alice, allow("s3:ListBucket", bkt)).resource(bkt, acctA, "s3", "bucket", "").snap)
	got, err = analysis.WhoCan(context.Background(), snap, queryOptions(), "s3:ListBucket", bkt)
	if err != nil || len(got) != 1 || got[0].Identity != alice {
		t.Fatalf("ListBucket = %+v, %v; want alice", got, err)
	}
}

func TestDeriveStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := awsanalysis.New().Derive(ctx, fixtureSnapshot(t, "sts-001-chain"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Derive on a cancelled context = %v, want context.Canceled", err)
	}
}
