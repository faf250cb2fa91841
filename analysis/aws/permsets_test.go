package aws_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/graphmodel"
)

// managed adds a customer-managed policy attached to the given principals.
func (e *estate) managed(arn, doc string, to ...string) *estate {
	e.snap.Nodes = append(e.snap.Nodes, graphmodel.Node{ID: arn, Kind: graphmodel.KindAWSManagedPolicy, Provider: graphmodel.ProviderAWS,
		Name: arn, Documents: map[string]json.RawMessage{"v1": json.RawMessage(doc)}, Properties: map[string]string{"default_version": "v1"}})
	for _, p := range to {
		e.snap.Edges = append(e.snap.Edges, graphmodel.Edge{From: p, To: arn, Kind: graphmodel.EdgeAttachedPolicy})
	}
	return e
}

// TestPermissionSet builds ten users holding one read policy on every
// bucket: one of them also writes one bucket, another is denied one. The
// eight others reach both buckets through one permission set; the writer
// gets its own write edge; the denied one is decided alone.
func TestPermissionSet(t *testing.T) {
	const (
		readAll = "arn:aws:iam::111111111111:policy/read-all"
		logs    = "arn:aws:s3:::logs"
	)
	e := newEstate(acctA).resource(bkt, acctA, "s3", "bucket", "").resource(logs, acctA, "s3", "bucket", "")
	var users []string
	for i := range 10 {
		u := fmt.Sprintf("arn:aws:iam::111111111111:user/u%d", i)
		users = append(users, u)
		switch i {
		case 0:
			e.user(u, allow("s3:PutObject", bkt+"/*"))
		case 1:
			e.user(u, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":["`+logs+`","`+logs+`/*"]}]}`)
		default:
			e.user(u)
		}
	}
	e.managed(readAll, allow("s3:GetObject", "*"), users...)

	snap := graphmodel.Merge(&e.snap)
	nodes, edges, err := awsanalysis.NewAt(fixedNow).Derive(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	var set string
	for _, n := range nodes {
		if n.Kind == graphmodel.KindAWSPermissionSet {
			if set != "" {
				t.Fatalf("two permission sets: %s and %s", set, n.ID)
			}
			set = n.ID
			if n.Properties["members"] != "9" || n.Properties["policies"] != "read-all" || n.Properties["service"] != "s3" {
				t.Errorf("set properties %v, want 9 members holding read-all on s3", n.Properties)
			}
		}
	}
	if set == "" {
		t.Fatal("no permission set")
	}
	members, access := map[string]bool{}, map[string]string{}
	for _, e := range edges {
		switch e.Kind {
		case graphmodel.EdgeMemberOf:
			if e.To == set {
				members[e.From] = true
			}
		case graphmodel.EdgeCanAccess:
			access[e.From+" "+e.To] = string(e.Access)
		}
	}
	if len(members) != 9 || members[users[1]] {
		t.Errorf("members %v: want every user but u1 (a Deny outside the set)", members)
	}
	want := map[string]string{
		set + " " + bkt: "read", set + " " + logs: "read",
		users[0] + " " + bkt: "write", // more than the set gives
		users[1] + " " + bkt: "read",  // decided alone
	}
	for k, v := range want {
		if access[k] != v {
			t.Errorf("access %s = %q, want %q", k, access[k], v)
		}
	}
	if len(access) != len(want) {
		t.Errorf("%d access edges %v, want exactly %v", len(access), access, want)
	}

	// Through the set, every member reaches both buckets; u1 not logs.
	res, err := analysis.Analyze(context.Background(), snap, analysis.Options{
		Derivers: []analysis.Deriver{awsanalysis.NewAt(fixedNow)}, Detail: analysis.DetailFull, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range users {
		r := reach(t, res, u, logs)
		if (r != nil) != (i != 1) {
			t.Errorf("%s reaches logs: %v", u, r != nil)
		}
		if r := reach(t, res, u, bkt); r == nil || (i == 0) != (r.Access == graphmodel.AccessWrite) {
			t.Errorf("%s reaches %s with %+v", u, bkt, r)
		}
	}
	if r := reach(t, res, users[5], logs); r == nil || r.Via != set {
		t.Errorf("u5 reaches logs through %+v, want the set %s", r, set)
	}
}
