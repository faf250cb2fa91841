package aws_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

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
		if n.Kind == awsanalysis.KindPermissionSet {
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
	exactAccess(t, access, want)

	// Through the set, every member reaches both buckets; u1 not logs.
	res := e.analyze(t)
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

// TestPermissionSetNamedByBucketPolicy builds ten users holding one read
// policy on every bucket, and a bucket whose policy lets the first user
// write by name and denies requests without TLS to everyone. The set gives
// its members conditional read access to the bucket; the first user, the
// set's stand-in, writes there on its own edge, and no other member does.
// The sixth user, which holds another S3 policy, reads it too.
func TestPermissionSetNamedByBucketPolicy(t *testing.T) {
	const readAll = "arn:aws:iam::111111111111:policy/read-all"
	users := make([]string, 10)
	for i := range users {
		users[i] = fmt.Sprintf("arn:aws:iam::111111111111:user/u%d", i)
	}
	policy := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["` + bkt + `","` + bkt + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},` +
		`{"Sid":"Writer","Effect":"Allow","Principal":{"AWS":"` + users[0] + `"},"Action":"s3:PutObject","Resource":"` + bkt + `/*"}]}`
	e := newEstate(acctA).resource(bkt, acctA, "s3", "bucket", policy)
	for i, u := range users {
		if i == 5 {
			// Another S3 policy, which gives it nothing more here.
			e.user(u, allow("s3:GetObject", "arn:aws:s3:::other-*/*"))
			continue
		}
		e.user(u)
	}
	e.managed(readAll, allow("s3:GetObject", "*"), users...)
	res := e.analyze(t)
	for i, u := range users {
		want := graphmodel.AccessRead
		if i == 0 {
			want = graphmodel.AccessWrite
		}
		if r := reach(t, res, u, bkt); r == nil || r.Access != want || !r.Conditional {
			t.Errorf("%s reaches %s with %+v, want conditional %s access", u, bkt, r, want)
		}
	}
}

// TestNamingStand builds nine users allowed iam:CreateAccessKey on every
// user with MFA, and without condition on one user named in full and on
// themselves (${aws:username}). They share the iam-002 permission set
// (their memberships conditional on MFA); each keeps its own certain edge
// to the user it names, and none other.
func TestNamingStand(t *testing.T) {
	const (
		target = "arn:aws:iam::111111111111:user/target"
		other  = "arn:aws:iam::111111111111:user/other"
		setID  = "aws:permission-set:111111111111:iam-002"
	)
	doc := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},` +
		`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":["` + target + `","arn:aws:iam::111111111111:user/${aws:username}"]}]}`
	e := newEstate(acctA).user(target).user(other)
	var users []string
	for i := range 9 {
		u := fmt.Sprintf("arn:aws:iam::111111111111:user/u%d", i)
		users = append(users, u)
		e.user(u, doc)
	}
	snap := graphmodel.Merge(&e.snap)
	_, edges, err := awsanalysis.NewAt(fixedNow).Derive(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]bool{} // member → conditional membership
	got := map[string]bool{}     // "from to" of iam-002 edges → conditional
	for _, e := range edges {
		switch {
		case e.Kind == graphmodel.EdgeMemberOf && e.To == setID:
			members[e.From] = e.Conditional
		case e.Kind == graphmodel.EdgeCanBecome && e.Technique == "iam-002":
			got[e.From+" "+e.To] = e.Conditional
		}
	}
	if len(members) != len(users) {
		t.Errorf("members of %s: %v, want the nine users", setID, members)
	}
	want := map[string]bool{setID + " " + target: false, setID + " " + other: false}
	for _, u := range users {
		if cond, ok := members[u]; !ok || !cond {
			t.Errorf("%s: member %v, conditional %v; want a conditional member", u, ok, cond)
		}
		want[setID+" "+u] = false
		want[u+" "+target] = false
	}
	if len(got) != len(want) {
		t.Errorf("%d iam-002 edges, want %d: %v", len(got), len(want), got)
	}
	for k, cond := range want {
		if c, ok := got[k]; !ok || c != cond {
			t.Errorf("iam-002 %s: present %v conditional %v, want conditional %v", k, ok, c, cond)
		}
	}
}

// TestPatternStand builds nine users allowed to update and invoke every
// function of the account in one region only (a condition the analysis
// cannot decide), and without condition the functions named app-*: they
// share the lambda-004 permission set (conditional memberships), and each
// keeps a certain edge of its own to the role of the app function only.
func TestPatternStand(t *testing.T) {
	const (
		appFn   = "arn:aws:lambda:eu-west-1:111111111111:function:app-api"
		otherFn = "arn:aws:lambda:eu-west-1:111111111111:function:billing"
		appRole = "arn:aws:iam::111111111111:role/app"
		billing = "arn:aws:iam::111111111111:role/billing"
		setID   = "aws:permission-set:111111111111:lambda-004"
	)
	doc := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":["lambda:UpdateFunctionCode","lambda:InvokeFunction"],"Resource":"arn:aws:lambda:*:111111111111:function:*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}},` +
		`{"Effect":"Allow","Action":["lambda:UpdateFunctionCode","lambda:InvokeFunction"],"Resource":"arn:aws:lambda:*:111111111111:function:app-*"}]}`
	e := newEstate(acctA).resource(appFn, acctA, "lambda", "function", "").resource(otherFn, acctA, "lambda", "function", "")
	trust := json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	for fn, r := range map[string]string{appFn: appRole, otherFn: billing} {
		e.snap.Nodes = append(e.snap.Nodes, graphmodel.Node{ID: r, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS,
			Name: r[len("arn:aws:iam::111111111111:role/"):], Scope: graphmodel.AWSAccountScope(acctA),
			Documents: map[string]json.RawMessage{"trust": trust}})
		e.snap.Edges = append(e.snap.Edges, graphmodel.Edge{From: fn, To: r, Kind: graphmodel.EdgeCarriesRole})
	}
	var users []string
	for i := range 9 {
		u := fmt.Sprintf("arn:aws:iam::111111111111:user/u%d", i)
		users = append(users, u)
		e.user(u, doc)
	}
	snap := graphmodel.Merge(&e.snap)
	_, edges, err := awsanalysis.NewAt(fixedNow).Derive(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]bool{} // member → conditional membership
	got := map[string]bool{}     // "from to" of lambda-004 edges → conditional
	for _, e := range edges {
		switch {
		case e.Kind == graphmodel.EdgeMemberOf && e.To == setID:
			members[e.From] = e.Conditional
		case e.Kind == graphmodel.EdgeCanBecome && e.Technique == "lambda-004":
			got[e.From+" "+e.To] = e.Conditional
		}
	}
	want := map[string]bool{setID + " " + appRole: false, setID + " " + billing: false}
	for _, u := range users {
		if cond, ok := members[u]; !ok || !cond {
			t.Errorf("%s: member %v, conditional %v; want a conditional member", u, ok, cond)
		}
		want[u+" "+appRole] = false
	}
	if len(got) != len(want) {
		t.Errorf("%d lambda-004 edges, want %d: %v", len(got), len(want), got)
	}
	for k, cond := range want {
		if c, ok := got[k]; !ok || c != cond {
			t.Errorf("lambda-004 %s: present %v conditional %v, want conditional %v", k, ok, c, cond)
		}
	}
}

// TestPastBoundarySets builds nine users allowed to attach policies to
// roles, to write policy versions and to delete role boundaries, on
// everything, and a role whose permission boundary would stop an
// administrator policy, holding a customer policy. The grants past the
// boundary come from two permission sets (iam-009 and iam-001), not from
// each user.
func TestPastBoundarySets(t *testing.T) {
	const (
		bounded  = "arn:aws:iam::111111111111:role/bounded"
		appPol   = "arn:aws:iam::111111111111:policy/app"
		boundary = "arn:aws:iam::111111111111:policy/boundary"
		attach   = "aws:permission-set:111111111111:iam-009:past-boundary:role"
		version  = "aws:permission-set:111111111111:iam-001:past-boundary:role"
	)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:AttachRolePolicy","iam:CreatePolicyVersion","iam:DeleteRolePermissionsBoundary"],"Resource":"*"}]}`
	e := newEstate(acctA)
	e.snap.Nodes = append(e.snap.Nodes, graphmodel.Node{ID: bounded, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS,
		Name: "bounded", Scope: graphmodel.AWSAccountScope(acctA)})
	e.managed(appPol, allow("s3:GetObject", "*"), bounded).managed(boundary, allow("s3:*", "*"))
	e.snap.Edges = append(e.snap.Edges, graphmodel.Edge{From: bounded, To: boundary, Kind: graphmodel.EdgePermissionsBoundary})
	var users []string
	for i := range 9 {
		u := fmt.Sprintf("arn:aws:iam::111111111111:user/u%d", i)
		users = append(users, u)
		e.user(u, doc)
	}
	snap := graphmodel.Merge(&e.snap)
	_, edges, err := awsanalysis.NewAt(fixedNow).Derive(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]int{}
	grants := map[string]bool{}
	for _, e := range edges {
		switch {
		case e.Kind == graphmodel.EdgeMemberOf && (e.To == attach || e.To == version):
			members[e.From]++
		case e.Kind == graphmodel.EdgeCanGrantAdmin && e.To == bounded:
			grants[e.From+" "+e.Technique] = true
		}
	}
	for _, u := range users {
		if members[u] != 2 {
			t.Errorf("%s is a member of %d of the two past-boundary sets", u, members[u])
		}
	}
	want := map[string]bool{attach + " iam-009": true, version + " iam-001": true}
	if len(grants) != len(want) {
		t.Errorf("grants to %s: %v, want exactly %v", bounded, grants, want)
	}
	for k := range want {
		if !grants[k] {
			t.Errorf("no grant %s to %s", k, bounded)
		}
	}
}

// TestTechniqueSet builds nine users allowed iam:PassRole on every role of
// the account and Lambda everywhere (lambda-001), a tenth allowed to pass
// one role only, and two roles Lambda may assume, one an administrator.
// The nine share one permission set that holds the two edges; the tenth
// keeps its own edge. Through the set, a member is one hop from the roles
// and two from administering the account, as the tenth is.
func TestTechniqueSet(t *testing.T) {
	const (
		worker = "arn:aws:iam::111111111111:role/worker"
		admin  = "arn:aws:iam::111111111111:role/admin"
		setID  = "aws:permission-set:111111111111:lambda-001"
	)
	lambda := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}]}`
	e := newEstate(acctA)
	var users []string
	for i := range 10 {
		u := fmt.Sprintf("arn:aws:iam::111111111111:user/u%d", i)
		users = append(users, u)
		pass := allow("iam:PassRole", "arn:aws:iam::111111111111:role/*")
		if i == 9 {
			pass = allow("iam:PassRole", admin)
		}
		e.user(u, pass, lambda)
	}
	trust := json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	for _, r := range []string{worker, admin} {
		e.snap.Nodes = append(e.snap.Nodes, graphmodel.Node{ID: r, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS,
			Name: r[len("arn:aws:iam::111111111111:role/"):], Scope: graphmodel.AWSAccountScope(acctA),
			Documents: map[string]json.RawMessage{"trust": trust}})
	}
	e.managed("arn:aws:iam::111111111111:policy/everything", allow("*", "*"), admin)

	snap := graphmodel.Merge(&e.snap)
	nodes, edges, err := awsanalysis.NewAt(fixedNow).Derive(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	var sets []string
	for _, n := range nodes {
		if n.Kind == awsanalysis.KindPermissionSet {
			sets = append(sets, n.ID)
			if n.Properties["members"] != "9" || n.Properties["technique"] != "lambda-001" {
				t.Errorf("set properties %v, want 9 members of lambda-001", n.Properties)
			}
		}
	}
	if len(sets) != 1 || sets[0] != setID {
		t.Fatalf("permission sets %v, want [%s]", sets, setID)
	}
	got := map[string]bool{}
	for _, e := range edges {
		if e.Technique == "lambda-001" || e.Technique == awsanalysis.TechniquePermissionSet {
			got[e.From+" "+string(e.Kind)+" "+e.To] = true
		}
	}
	want := map[string]bool{
		setID + " can_become " + worker:   true,
		setID + " can_become " + admin:    true,
		users[9] + " can_become " + admin: true,
	}
	for _, u := range users[:9] {
		want[u+" member_of "+setID] = true
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing edge %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("unexpected edge %s", k)
		}
	}

	res := e.analyze(t)
	for _, u := range []string{users[0], users[9]} {
		id := identity(t, res, u)
		if id.MinHopsToAdmin == nil || *id.MinHopsToAdmin != 2 {
			t.Errorf("%s: min_hops_to_admin %v, want 2", u, id.MinHopsToAdmin)
		}
		if len(id.Escalations) == 0 {
			t.Fatalf("%s: no escalation", u)
		}
		esc := id.Escalations[0]
		if esc.Target != graphmodel.AWSAccountScope(acctA) || len(esc.Path) != 2 {
			t.Fatalf("%s: first escalation %+v, want two hops to the account", u, esc)
		}
		hop := esc.Path[0]
		if hop.From != u || hop.To != admin || hop.Technique != "lambda-001" {
			t.Errorf("%s: first hop %+v, want %s -lambda-001-> %s", u, hop, u, admin)
		}
		if member := strings.HasPrefix(hop.Evidence, "as a member of "+setID+": "); member != (u != users[9]) {
			t.Errorf("%s: evidence %q (through the set: %v)", u, hop.Evidence, u != users[9])
		}
	}
}

// TestAssumeRoleSet builds nine users allowed sts:AssumeRole on the roles
// matching teams/data-*, a tenth allowed on one role by its ARN, and three
// roles trusting their account: two data roles and an ops role. The nine
// share the pattern's permission set, which holds the edges to the two
// data roles (not to the ops role, which their policies do not name); the
// tenth is decided on its one role only.
func TestAssumeRoleSet(t *testing.T) {
	const (
		dataA = "arn:aws:iam::111111111111:role/teams/data-a"
		dataB = "arn:aws:iam::111111111111:role/teams/data-b"
		ops   = "arn:aws:iam::111111111111:role/teams/ops-x"
	)
	e := newEstate(acctA)
	var users []string
	for i := range 10 {
		u := fmt.Sprintf("arn:aws:iam::111111111111:user/u%d", i)
		users = append(users, u)
		resource := "arn:aws:iam::111111111111:role/teams/data-*"
		if i == 9 {
			resource = dataB
		}
		e.user(u, allow("sts:AssumeRole", resource))
	}
	trust := json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`)
	for _, r := range []string{dataA, dataB, ops} {
		e.snap.Nodes = append(e.snap.Nodes, graphmodel.Node{ID: r, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS,
			Name: r[strings.LastIndex(r, "/")+1:], Scope: graphmodel.AWSAccountScope(acctA),
			Documents: map[string]json.RawMessage{"trust": trust}})
	}
	nodes, edges, err := awsanalysis.NewAt(fixedNow).Derive(context.Background(), graphmodel.Merge(&e.snap))
	if err != nil {
		t.Fatal(err)
	}
	var set string
	for _, n := range nodes {
		if n.Kind == awsanalysis.KindPermissionSet {
			if set != "" {
				t.Fatalf("two permission sets: %s and %s", set, n.ID)
			}
			set = n.ID
		}
	}
	if !strings.HasPrefix(set, "aws:permission-set:111111111111:sts-001:") {
		t.Fatalf("permission set %q, want one of sts-001", set)
	}
	got := map[string]bool{}
	for _, e := range edges {
		if e.Technique == "sts-001" || e.Technique == awsanalysis.TechniquePermissionSet {
			got[e.From+" "+string(e.Kind)+" "+e.To] = true
		}
	}
	want := map[string]bool{
		set + " can_become " + dataA:      true,
		set + " can_become " + dataB:      true,
		users[9] + " can_become " + dataB: true,
	}
	for _, u := range users[:9] {
		want[u+" member_of "+set] = true
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing edge %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("unexpected edge %s", k)
		}
	}
}

// TestComposedThroughSet gives nine users iam:AttachRolePolicy on every
// role (a permission set holds their grants) and lets them assume one role:
// each escalation to the account is the catalogue's two-step path iam-014
// (assume the role, attach an administrator policy to it), as it is
// without the set.
func TestComposedThroughSet(t *testing.T) {
	const app = "arn:aws:iam::111111111111:role/app"
	e := newEstate(acctA)
	var users []string
	for i := range 9 {
		u := fmt.Sprintf("arn:aws:iam::111111111111:user/u%d", i)
		users = append(users, u)
		e.user(u, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"arn:aws:iam::111111111111:role/*"},{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+app+`"}]}`)
	}
	trust := json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`)
	e.snap.Nodes = append(e.snap.Nodes, graphmodel.Node{ID: app, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS,
		Name: "app", Scope: graphmodel.AWSAccountScope(acctA), Documents: map[string]json.RawMessage{"trust": trust}})
	e.snap.Nodes = append(e.snap.Nodes, graphmodel.Node{ID: "arn:aws:iam::aws:policy/AdministratorAccess", Kind: graphmodel.KindAWSManagedPolicy,
		Provider: graphmodel.ProviderAWS, Name: "AdministratorAccess",
		Documents:  map[string]json.RawMessage{"v1": json.RawMessage(allow("*", "*"))},
		Properties: map[string]string{"default_version": "v1"}})
	res := e.analyze(t)
	id := identity(t, res, users[0])
	var got []string
	for _, esc := range id.Escalations {
		if esc.Target == graphmodel.AWSAccountScope(acctA) {
			got = append(got, esc.Technique)
		}
	}
	if len(got) != 1 || got[0] != "iam-014" {
		t.Errorf("escalations to the account named %v, want [iam-014]", got)
	}
}

// TestCompositePermissionSets builds ten users holding a read policy on
// every bucket, eight of them a first write policy on every bucket and
// eight a second one, in three mixes of two to six users: no mix is shared
// by enough users to make a set of its own, but each policy is. The users
// are members of one set per policy they hold, the sets hold every access
// edge, and each user writes both buckets through them. A user denied
// deletions in one bucket loses nothing the sets give and is a member; a
// user denied writing it would lose what they give and decides alone.
func TestCompositePermissionSets(t *testing.T) {
	const (
		readAll   = "arn:aws:iam::111111111111:policy/read-all"
		writeA    = "arn:aws:iam::111111111111:policy/write-a"
		writeB    = "arn:aws:iam::111111111111:policy/write-b"
		logs      = "arn:aws:s3:::logs"
		denyLogsF = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"%s","Resource":["` + logs + `","` + logs + `/*"]}]}`
	)
	e := newEstate(acctA).resource(bkt, acctA, "s3", "bucket", "").resource(logs, acctA, "s3", "bucket", "")
	var users, holdA, holdB []string
	for i := range 11 {
		u := fmt.Sprintf("arn:aws:iam::111111111111:user/u%d", i)
		users = append(users, u)
		switch i {
		case 0:
			e.user(u, fmt.Sprintf(denyLogsF, "s3:DeleteObject"))
		case 10:
			e.user(u, fmt.Sprintf(denyLogsF, "s3:PutObject"))
		default:
			e.user(u)
		}
		if i < 8 || i == 10 {
			holdA = append(holdA, u)
		}
		if i >= 2 && i < 10 {
			holdB = append(holdB, u)
		}
	}
	e.managed(readAll, allow("s3:GetObject", "*"), users...)
	e.managed(writeA, allow("s3:PutObject", "*"), holdA...)
	e.managed(writeB, allow("s3:PutObject", "*"), holdB...)

	snap := graphmodel.Merge(&e.snap)
	nodes, edges, err := awsanalysis.NewAt(fixedNow).Derive(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	setOf := map[string]string{} // policy name -> set ID
	for _, n := range nodes {
		if n.Kind == awsanalysis.KindPermissionSet {
			if _, dup := setOf[n.Properties["policies"]]; dup {
				t.Fatalf("two sets of %s", n.Properties["policies"])
			}
			setOf[n.Properties["policies"]] = n.ID
		}
	}
	if len(setOf) != 3 || setOf["read-all"] == "" || setOf["write-a"] == "" || setOf["write-b"] == "" {
		t.Fatalf("sets %v, want one per policy", setOf)
	}
	members := map[string][]string{}
	access := map[string]string{}
	for _, e := range edges {
		switch e.Kind {
		case graphmodel.EdgeMemberOf:
			members[e.To] = append(members[e.To], e.From)
		case graphmodel.EdgeCanAccess:
			access[e.From+" "+e.To] = string(e.Access)
		}
	}
	wantMembers := map[string]int{"read-all": 10, "write-a": 8, "write-b": 8}
	for pol, n := range wantMembers {
		if got := members[setOf[pol]]; len(got) != n || strings.Contains(strings.Join(got, " "), "/u10") {
			t.Errorf("members of the %s set: %v, want %d without u10", pol, got, n)
		}
	}
	want := map[string]string{
		setOf["read-all"] + " " + bkt: "read", setOf["read-all"] + " " + logs: "read",
		setOf["write-a"] + " " + bkt: "write", setOf["write-a"] + " " + logs: "write",
		setOf["write-b"] + " " + bkt: "write", setOf["write-b"] + " " + logs: "write",
		users[10] + " " + bkt: "write", users[10] + " " + logs: "read", // decided alone
	}
	exactAccess(t, access, want)

	res := e.analyze(t)
	for i, u := range users {
		for _, b := range []string{bkt, logs} {
			want := graphmodel.AccessWrite
			if i == 10 && b == logs {
				want = graphmodel.AccessRead
			}
			if r := reach(t, res, u, b); r == nil || r.Access != want {
				t.Errorf("%s reaches %s with %+v, want %s", u, b, r, want)
			}
		}
	}
}

// exactAccess requires the access edges (by "from to") to be want's.
func exactAccess(t *testing.T, access, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if access[k] != v {
			t.Errorf("access %s = %q, want %q", k, access[k], v)
		}
	}
	if len(access) != len(want) {
		t.Errorf("%d access edges %v, want exactly %v", len(access), access, want)
	}
}

// TestPermissionSetDenyOnTwoServices builds ten users holding read
// policies on every bucket and every key; one is denied, by one statement
// naming both, the logs bucket and the key. It joins neither set: the
// sets would give it what its Deny takes away, on the bucket for S3 and
// on the key for KMS.
func TestPermissionSetDenyOnTwoServices(t *testing.T) {
	const (
		readAll    = "arn:aws:iam::111111111111:policy/read-all"
		decryptAll = "arn:aws:iam::111111111111:policy/decrypt-all"
		logs       = "arn:aws:s3:::logs"
	)
	e := newEstate(acctA).resource(logs, acctA, "s3", "bucket", "").resource(key, acctA, "kms", "key", "")
	var users []string
	for i := range 10 {
		u := fmt.Sprintf("arn:aws:iam::111111111111:user/u%d", i)
		users = append(users, u)
		if i == 1 {
			e.user(u, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["s3:*","kms:*"],"Resource":["`+logs+`","`+logs+`/*","`+key+`"]}]}`)
		} else {
			e.user(u)
		}
	}
	e.managed(readAll, allow("s3:GetObject", "*"), users...)
	e.managed(decryptAll, allow("kms:Decrypt", "*"), users...)

	res := e.analyze(t)
	for i, u := range users {
		for _, target := range []string{logs, key} {
			if r := reach(t, res, u, target); (r != nil) != (i != 1) {
				t.Errorf("%s reaches %s: %+v", u, target, r)
			}
		}
	}
}
