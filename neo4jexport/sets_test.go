package neo4jexport_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/neo4jexport"
)

// setsGraph is a small estate whose steps permission sets hold for their
// members: u1 and u2 are members of an sts-001 set that can become the
// role admin, administrator of the account; u3 is the one member of a set
// that may grant administrator (iam-007) to u3 itself and to the user far,
// which u3 cannot become.
func setsGraph() *neo4jexport.Graph {
	const scope = "aws:account:444455556666"
	arn := func(kind, name string) string { return "arn:aws:iam::444455556666:" + kind + "/" + name }
	u1, u2, u3, far, admin := arn("user", "u1"), arn("user", "u2"), arn("user", "u3"), arn("user", "far"), arn("role", "admin")
	sts, grant := "aws:permission-set:444455556666:sts-001", "aws:permission-set:444455556666:iam-007"
	g := &neo4jexport.Graph{Scope: scope, Identities: map[string]*analysis.Identity{}}
	g.Nodes = append(g.Nodes, graphmodel.Node{ID: scope, Kind: graphmodel.KindAWSAccount, Name: "444455556666"})
	for _, id := range []string{u1, u2, u3, far} {
		g.Nodes = append(g.Nodes, graphmodel.Node{ID: id, Kind: graphmodel.KindAWSUser, Name: id[strings.LastIndex(id, "/")+1:], Scope: scope})
	}
	g.Nodes = append(g.Nodes,
		graphmodel.Node{ID: admin, Kind: graphmodel.KindAWSRole, Name: "admin", Scope: scope},
		graphmodel.Node{ID: sts, Kind: awsanalysis.KindPermissionSet, Name: "sts-001 set"},
		graphmodel.Node{ID: grant, Kind: awsanalysis.KindPermissionSet, Name: "iam-007 set"})
	edge := func(from, to string, kind graphmodel.EdgeKind, tech string) {
		g.Edges = append(g.Edges, graphmodel.Edge{From: from, To: to, Kind: kind, Technique: tech,
			Evidence: []graphmodel.Evidence{{Source: "policy", Statement: 0}}})
	}
	for _, u := range []string{u1, u2} {
		edge(u, sts, graphmodel.EdgeMemberOf, "")
	}
	edge(sts, admin, graphmodel.EdgeCanBecome, "sts-001")
	edge(admin, scope, graphmodel.EdgeAdminOf, "admin-equivalent-policy")
	edge(u3, grant, graphmodel.EdgeMemberOf, "")
	edge(grant, u3, graphmodel.EdgeCanGrantAdmin, "iam-007")
	edge(grant, far, graphmodel.EdgeCanGrantAdmin, "iam-007")
	two := 2
	for i, u := range []string{u1, u2, u3} {
		g.Identities[u] = &analysis.Identity{ID: u, Rank: i + 2, AdminOf: []string{scope}, MinHopsToAdmin: &two,
			BlastRadius: analysis.BlastRadius{Score: float64(100 - i)}}
	}
	g.Identities[admin] = &analysis.Identity{ID: admin, Rank: 1, AdminOf: []string{scope}, BlastRadius: analysis.BlastRadius{Score: 200}}
	return g
}

// TestPermissionSetsInQueries checks that the queries expand permission
// sets: a path through a set names the set and its target and counts the
// membership as no hop, a step a set holds is listed for each member, and
// a grant a set holds is used by the member that is its grantee.
func TestPermissionSetsInQueries(t *testing.T) {
	driver := testDriver(t)
	wipe(t, driver)
	g := setsGraph()
	export(t, driver, "sets", g)
	u1, u3 := "arn:aws:iam::444455556666:user/u1", "arn:aws:iam::444455556666:user/u3"
	admin := "arn:aws:iam::444455556666:role/admin"
	if n := count(t, driver, "MATCH (s:DerivedSet:AwsPermissionSet) RETURN count(s) AS n", nil); n != 2 {
		t.Errorf("%d permission sets labelled DerivedSet, want 2", n)
	}

	rs := runQuery(t, driver, "shortest-path-to-admin", map[string]any{"id": u1})
	if len(rs) != 1 {
		t.Fatalf("shortest-path-to-admin: %d rows, want 1", len(rs))
	}
	if got, want := strings.Join(strs(rs[0]["steps"]), " | "),
		"u1 -[MEMBER_OF]-> sts-001 set | sts-001 set -[CAN_BECOME sts-001]-> admin | admin -[ADMIN_OF admin-equivalent-policy]-> 444455556666"; got != want {
		t.Errorf("steps\n got %s\nwant %s", got, want)
	}
	if rs[0]["hops"] != int64(2) || rs[0]["how"] != "path" {
		t.Errorf("hops %v how %v, want 2 (the membership is no hop) and path", rs[0]["hops"], rs[0]["how"])
	}

	rs = runQuery(t, driver, "who-can-become", map[string]any{"id": admin})
	var who []string
	for _, r := range rs {
		if r["through"] != "aws:permission-set:444455556666:sts-001" || r["technique"] != "sts-001" {
			t.Errorf("row %v: want each member through the set", r)
		}
		who = append(who, r["who"].(string))
	}
	if got := strings.Join(who, ","); got != u1+",arn:aws:iam::444455556666:user/u2" {
		t.Errorf("who-can-become %s: %s, want u1 then u2 (by blast radius)", admin, got)
	}

	rs = runQuery(t, driver, "shortest-path-to-admin", map[string]any{"id": u3})
	if err := expectRow(rs, "scope", g.Scope, "how", "grant"); err != nil || len(rs) != 1 ||
		!strings.Contains(strings.Join(strs(rs[0]["steps"]), ""), "iam-007 set -[CAN_GRANT_ADMIN iam-007]-> u3") {
		t.Errorf("shortest-path-to-admin %s: %v, want the set's grant to u3", u3, brief(rs))
	}

	rs = runQuery(t, driver, "grant-then-become", nil)
	if err := expectRow(rs, "granter", u3, "through", "aws:permission-set:444455556666:iam-007", "grantee", u3,
		"can_use_it", true, "hops", int64(0), "conditional", false); err != nil {
		t.Errorf("%v\nrows: %v", err, brief(rs))
	}
	if err := expectRow(rs, "grantee", "arn:aws:iam::444455556666:user/far", "can_use_it", false); err != nil {
		t.Errorf("%v\nrows: %v", err, brief(rs))
	}
	if len(rs) != 2 || rs[0]["can_use_it"] != true {
		t.Errorf("want the usable grant first, of 2: %v", brief(rs))
	}

	rs = runQuery(t, driver, "reach-from-identity", map[string]any{"id": u1, "certain_only": true})
	var reached []string
	for _, r := range rs {
		reached = append(reached, fmt.Sprint(r["id"]))
	}
	if strings.Contains(strings.Join(reached, ","), "permission-set") || !contains(reached, admin) || reached[0] != g.Scope {
		t.Errorf("reach-from-identity: %v; want the scope first, the role, no permission set", reached)
	}
}
