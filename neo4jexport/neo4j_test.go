package neo4jexport_test

// Integration tests against a real Neo4j. They read the Bolt URI from
// BLASTRADIUS_NEO4J_URI (see internal/neo4jtest) and EMPTY THAT DATABASE:
// point them at a throwaway one ("make test-neo4j" starts one with
// scripts/neo4j-local). Without the variable they are skipped, unless CI is
// set: then a missing Neo4j fails.

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/fixtures"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/neo4jtest"
	"github.com/blastradius/blastradius/neo4jexport"
	"github.com/blastradius/blastradius/providers"
)

const (
	demoScope = "aws:account:111122223333"
	demoRepo  = "github:repo:acme/*"
	escScope  = "aws:account:123456789012"
	escUser   = "arn:aws:iam::123456789012:user/attacker"
	escRole   = "arn:aws:iam::123456789012:role/app-role"
)

// TestMain defines the node kinds of every provider, as the command does
// at start: the analyses' permission sets are then known kinds, exported
// with their labels and DerivedSet.
func TestMain(m *testing.M) {
	if err := providers.DefineKinds(providers.All()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// testDriver connects to the test Neo4j (see internal/neo4jtest), or skips.
func testDriver(tb testing.TB) neo4j.DriverWithContext { return neo4jtest.Connect(tb) }

// wipe empties the database.
func wipe(tb testing.TB, driver neo4j.DriverWithContext) { neo4jtest.Wipe(tb, driver) }

// rows runs a read query and returns its records as maps.
func rows(tb testing.TB, driver neo4j.DriverWithContext, q string, params map[string]any) []map[string]any {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, driver, q, params, neo4j.EagerResultTransformer)
	if err != nil {
		tb.Fatalf("query %q: %v", q, err)
	}
	out := make([]map[string]any, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, r.AsMap())
	}
	return out
}

// count runs a query returning one integer column n.
func count(tb testing.TB, driver neo4j.DriverWithContext, q string, params map[string]any) int {
	tb.Helper()
	rs := rows(tb, driver, q, params)
	if len(rs) != 1 {
		tb.Fatalf("query %q: %d rows, want 1", q, len(rs))
	}
	n, ok := rs[0]["n"].(int64)
	if !ok {
		tb.Fatalf("query %q: n is %T", q, rs[0]["n"])
	}
	return int(n)
}

var derivers = []analysis.Deriver{awsanalysis.New()}

func demoSnapshot(tb testing.TB) *graphmodel.Snapshot {
	tb.Helper()
	snap, err := collectors.Run(context.Background(), awscollect.NewOffline(fixtures.DemoAWS(), "demo/aws"))
	if err != nil {
		tb.Fatal(err)
	}
	return snap
}

func escalationSnapshot(tb testing.TB) *graphmodel.Snapshot {
	tb.Helper()
	snap, err := collectors.Run(context.Background(), awscollect.NewOffline(os.DirFS("testdata/escalation"), "testdata/escalation"))
	if err != nil {
		tb.Fatal(err)
	}
	return snap
}

func build(tb testing.TB, snap *graphmodel.Snapshot) *neo4jexport.Graph {
	tb.Helper()
	g, err := neo4jexport.Build(context.Background(), snap, analysis.Options{Derivers: derivers})
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

func export(tb testing.TB, driver neo4j.DriverWithContext, run string, g *neo4jexport.Graph) neo4jexport.Stats {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	st, err := neo4jexport.Export(ctx, driver, "", run, g, neo4jexport.Options{})
	if err != nil {
		tb.Fatalf("export %s: %v", run, err)
	}
	return st
}

// expected counts what the export of g must hold, computed from g alone:
// distinct node IDs (with edge ends and scopes), nodes per kind label,
// relationships per type (distinct start, type, end, technique) and the
// CONTAINS relationships from each node's scope.
type expected struct {
	nodes  int
	byKind map[string]int
	byType map[string]int
}

func expect(g *neo4jexport.Graph) expected {
	ex := expected{byKind: map[string]int{}, byType: map[string]int{}}
	kinds := map[string]graphmodel.NodeKind{}
	var order []string
	note := func(id string, k graphmodel.NodeKind) {
		if _, ok := kinds[id]; !ok {
			kinds[id] = k
			order = append(order, id)
		}
	}
	for _, n := range g.Nodes {
		note(n.ID, n.Kind)
	}
	type key struct{ from, typ, to, tech string }
	rels := map[key]bool{}
	for _, e := range g.Edges {
		note(e.From, "")
		note(e.To, "")
		rels[key{e.From, strings.ToUpper(string(e.Kind)), e.To, e.Technique}] = true
	}
	scopes := map[string]bool{}
	for _, n := range g.Nodes {
		if n.Scope != "" {
			scopes[n.Scope] = true
		}
	}
	for _, e := range g.Edges {
		if e.Kind == graphmodel.EdgeAdminOf {
			scopes[e.To] = true
		}
	}
	for s := range scopes {
		note(s, "")
	}
	seen := map[string]bool{}
	for _, n := range g.Nodes {
		if seen[n.ID] {
			continue
		}
		seen[n.ID] = true
		c := n.Kind.Class()
		if n.Scope != "" && n.Scope != n.ID && !scopes[n.ID] &&
			(c == graphmodel.ClassIdentity || c == graphmodel.ClassGroup || c == graphmodel.ClassResource) {
			rels[key{n.Scope, "CONTAINS", n.ID, ""}] = true
		}
	}
	ex.nodes = len(order)
	for _, id := range order {
		if l := neo4jexport.KindLabel(kinds[id]); l != "" {
			ex.byKind[l]++
		} else {
			ex.byKind[neo4jexport.LabelUnknown]++
		}
	}
	for k := range rels {
		ex.byType[k.typ]++
	}
	return ex
}

// checkCounts compares the database with what g must give.
func checkCounts(t *testing.T, driver neo4j.DriverWithContext, g *neo4jexport.Graph, scope string) {
	t.Helper()
	ex := expect(g)
	p := map[string]any{"scope": scope}
	if got := count(t, driver, "MATCH (n:Node {export_scope: $scope}) RETURN count(n) AS n", p); got != ex.nodes {
		t.Errorf("nodes of %s = %d, want %d", scope, got, ex.nodes)
	}
	for label, want := range ex.byKind {
		q := fmt.Sprintf("MATCH (n:`%s` {export_scope: $scope}) RETURN count(n) AS n", label)
		if got := count(t, driver, q, p); got != want {
			t.Errorf("%s nodes = %d, want %d", label, got, want)
		}
	}
	total := 0
	for typ, want := range ex.byType {
		total += want
		q := fmt.Sprintf("MATCH ()-[r:`%s` {export_scope: $scope}]->() RETURN count(r) AS n", typ)
		if got := count(t, driver, q, p); got != want {
			t.Errorf("%s relationships = %d, want %d", typ, got, want)
		}
	}
	if got := count(t, driver, "MATCH ()-[r {export_scope: $scope}]->() RETURN count(r) AS n", p); got != total {
		t.Errorf("relationships of %s = %d, want %d", scope, got, total)
	}
}

func TestExportDemo(t *testing.T) {
	driver := testDriver(t)
	wipe(t, driver)
	snap := demoSnapshot(t)
	g := build(t, snap)
	if g.Scope != demoScope {
		t.Fatalf("scope = %q, want %q", g.Scope, demoScope)
	}
	st := export(t, driver, "run-1", g)
	ex := expect(g)
	if st.Nodes != ex.nodes {
		t.Errorf("stats: %d nodes written, want %d", st.Nodes, ex.nodes)
	}
	checkCounts(t, driver, g, demoScope)
	if n := count(t, driver, "MATCH (n) WHERE n.export_run <> 'run-1' OR n.export_scope <> $scope RETURN count(n) AS n",
		map[string]any{"scope": demoScope}); n != 0 {
		t.Errorf("%d nodes without this run and scope", n)
	}

	t.Run("known path", func(t *testing.T) {
		// The analysis' own shortest path from the GitHub repository to
		// administrator of the account, hop by hop.
		ag, err := analysis.Prepare(context.Background(), snap, analysis.Options{Derivers: derivers})
		if err != nil {
			t.Fatal(err)
		}
		paths, err := ag.Paths(demoRepo, demoScope)
		if err != nil || len(paths) != 1 {
			t.Fatalf("analysis paths: %v, %d", err, len(paths))
		}
		var want []string
		for _, h := range paths[0].Path {
			want = append(want, h.From+" "+h.Technique)
		}
		want = append(want, demoScope)
		rs := rows(t, driver, `MATCH (a:Node {id: $from}), (b:Node {id: $to})
MATCH p = shortestPath((a)-[:CAN_BECOME|ADMIN_OF*..6]->(b))
RETURN [r IN relationships(p) | startNode(r).id + ' ' + r.technique] + [b.id] AS hops,
       [r IN relationships(p) | type(r)] AS types, [r IN relationships(p) | r.evidence] AS evidence`,
			map[string]any{"from": demoRepo, "to": demoScope})
		if len(rs) != 1 {
			t.Fatalf("no path from %s to %s in Neo4j", demoRepo, demoScope)
		}
		if got := strs(rs[0]["hops"]); strings.Join(got, " | ") != strings.Join(want, " | ") {
			t.Errorf("path\n got %v\nwant %v", got, want)
		}
		if got := strings.Join(strs(rs[0]["types"]), ","); got != "CAN_BECOME,CAN_BECOME,ADMIN_OF" {
			t.Errorf("types = %s", got)
		}
		for i, ev := range strs(rs[0]["evidence"]) {
			if ev != paths[0].Path[i].Evidence {
				t.Errorf("hop %d evidence = %q, want %q", i, ev, paths[0].Path[i].Evidence)
			}
		}
	})

	t.Run("figures and labels", func(t *testing.T) {
		res, err := analysis.Analyze(context.Background(), snap, analysis.Options{Derivers: derivers})
		if err != nil {
			t.Fatal(err)
		}
		rs := rows(t, driver, "MATCH (i:Identity) WHERE i.score IS NOT NULL RETURN i.id AS id, i.score AS score, i.rank AS rank, i.admin_of AS admin, labels(i) AS labels", nil)
		if len(rs) != len(res.Identities) {
			t.Errorf("%d identities with a score, want %d", len(rs), len(res.Identities))
		}
		byID := map[string]map[string]any{}
		for _, r := range rs {
			byID[r["id"].(string)] = r
		}
		for _, id := range res.Identities {
			r, ok := byID[id.ID]
			if !ok {
				t.Errorf("identity %s missing", id.ID)
				continue
			}
			if r["score"].(float64) != id.BlastRadius.Score || int(r["rank"].(int64)) != id.Rank {
				t.Errorf("%s: score %v rank %v, want %v %d", id.ID, r["score"], r["rank"], id.BlastRadius.Score, id.Rank)
			}
			labels := strs(r["labels"])
			if (len(id.AdminOf) > 0) != contains(labels, neo4jexport.LabelBlastAdmin) {
				t.Errorf("%s: labels %v, admin_of %v", id.ID, labels, id.AdminOf)
			}
			if id.NonHuman != contains(labels, neo4jexport.LabelNonHuman) {
				t.Errorf("%s: labels %v, non-human %v", id.ID, labels, id.NonHuman)
			}
		}
		repo := byID[demoRepo]
		if got := strings.Join(sorted(strs(repo["labels"])), ","); got != "BlastAdmin,GithubRepo,Identity,Node,NonHuman" {
			t.Errorf("labels of %s = %s", demoRepo, got)
		}
	})

	t.Run("progress", func(t *testing.T) {
		var events []neo4jexport.Progress
		progress := func(ev neo4jexport.Progress) { events = append(events, ev) }
		if _, err := neo4jexport.Export(context.Background(), driver, "", "run-2", g, neo4jexport.Options{Progress: progress}); err != nil {
			t.Fatal(err)
		}
		if len(events) < 2 {
			t.Fatalf("events %+v, want one per batch and the final one", events)
		}
		for i, ev := range events {
			if ev.NodesTotal != st.Nodes || ev.RelationshipsTotal != st.Relationships || ev.Final != (i == len(events)-1) {
				t.Errorf("event %d = %+v, want totals %d nodes, %d relationships", i, ev, st.Nodes, st.Relationships)
			}
			if i > 0 && (ev.Nodes < events[i-1].Nodes || ev.Relationships < events[i-1].Relationships) {
				t.Errorf("event %d = %+v went back from %+v", i, ev, events[i-1])
			}
		}
		if last := events[len(events)-1]; last.Nodes != st.Nodes || last.Relationships != st.Relationships {
			t.Errorf("final event %+v, want everything written", last)
		}
	})
}

// fingerprint renders every node and relationship with its labels and
// properties, except export_run, sorted.
func fingerprint(t *testing.T, driver neo4j.DriverWithContext) []string {
	t.Helper()
	var out []string
	for _, r := range rows(t, driver, "MATCH (n) RETURN labels(n) AS l, properties(n) AS p", nil) {
		out = append(out, fmt.Sprintf("node %v %v", sorted(strs(r["l"])), without(r["p"], "export_run")))
	}
	for _, r := range rows(t, driver, "MATCH (a)-[e]->(b) RETURN a.id AS a, type(e) AS t, b.id AS b, properties(e) AS p", nil) {
		out = append(out, fmt.Sprintf("rel %v %v %v %v", r["a"], r["t"], r["b"], without(r["p"], "export_run")))
	}
	sort.Strings(out)
	return out
}

func TestExportTwiceIsIdempotent(t *testing.T) {
	driver := testDriver(t)
	wipe(t, driver)
	for _, g := range []*neo4jexport.Graph{build(t, demoSnapshot(t)), build(t, escalationSnapshot(t))} {
		export(t, driver, "first", g)
	}
	before := fingerprint(t, driver)
	for _, g := range []*neo4jexport.Graph{build(t, demoSnapshot(t)), build(t, escalationSnapshot(t))} {
		st := export(t, driver, "second", g)
		if st.DeletedNodes != 0 || st.DeletedRelationships != 0 {
			t.Errorf("second export of %s deleted %d nodes and %d relationships", g.Scope, st.DeletedNodes, st.DeletedRelationships)
		}
		checkCounts(t, driver, g, g.Scope)
	}
	after := fingerprint(t, driver)
	if strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("the graph changed: %d entries before, %d after", len(before), len(after))
		for i := range min(len(before), len(after)) {
			if before[i] != after[i] {
				t.Errorf("first difference:\n before %s\n after  %s", before[i], after[i])
				break
			}
		}
	}
	if n := count(t, driver, "MATCH (n) WHERE n.export_run <> 'second' RETURN count(n) AS n", nil); n != 0 {
		t.Errorf("%d nodes still carry the first run", n)
	}
}

// shrink returns snap without the node id and every edge touching it.
func shrink(snap *graphmodel.Snapshot, id string) *graphmodel.Snapshot {
	out := *snap
	out.Nodes = nil
	out.Edges = nil
	for _, n := range snap.Nodes {
		if n.ID != id {
			out.Nodes = append(out.Nodes, n)
		}
	}
	for _, e := range snap.Edges {
		if e.From != id && e.To != id {
			out.Edges = append(out.Edges, e)
		}
	}
	return &out
}

func TestExportRemovesStale(t *testing.T) {
	driver := testDriver(t)
	wipe(t, driver)
	demo := build(t, demoSnapshot(t))
	export(t, driver, "demo-1", demo)
	demoPrint := fingerprint(t, driver)

	full := build(t, escalationSnapshot(t))
	export(t, driver, "esc-1", full)
	has := func(id string) bool {
		return count(t, driver, "MATCH (n:Node {id: $id}) RETURN count(n) AS n", map[string]any{"id": id}) == 1
	}
	if !has(escRole) {
		t.Fatalf("%s not exported", escRole)
	}
	if n := count(t, driver, "MATCH (:Node {id: $u})-[r:CAN_BECOME|CAN_GRANT_ADMIN]->(:Node {id: $r}) RETURN count(r) AS n",
		map[string]any{"u": escUser, "r": escRole}); n != 2 {
		t.Fatalf("attacker → role: %d attack relationships, want 2", n)
	}

	small := build(t, shrink(escalationSnapshot(t), escRole))
	st := export(t, driver, "esc-2", small)
	if has(escRole) {
		t.Errorf("%s is still there after an export without it", escRole)
	}
	if !has(escUser) {
		t.Errorf("%s was removed", escUser)
	}
	if st.DeletedNodes < 1 || st.DeletedRelationships < 3 {
		t.Errorf("stats: deleted %d nodes, %d relationships; want the role and its 3+ relationships", st.DeletedNodes, st.DeletedRelationships)
	}
	checkCounts(t, driver, small, escScope)
	if n := count(t, driver, "MATCH (n {export_scope: $s}) WHERE n.export_run <> 'esc-2' RETURN count(n) AS n", map[string]any{"s": escScope}); n != 0 {
		t.Errorf("%d stale nodes of %s left", n, escScope)
	}

	// Wipe the escalation scope from the fingerprint's view: the demo's
	// nodes and relationships must be untouched.
	var demoNow []string
	for _, line := range fingerprint(t, driver) {
		if strings.Contains(line, "export_scope:"+demoScope) {
			demoNow = append(demoNow, line)
		}
	}
	if strings.Join(demoPrint, "\n") != strings.Join(demoNow, "\n") {
		t.Errorf("exporting another scope changed the demo's graph (%d entries before, %d after)", len(demoPrint), len(demoNow))
	}
}

func TestStaleNodeUsedByAnotherScopeStays(t *testing.T) {
	driver := testDriver(t)
	wipe(t, driver)
	node := func(id string) graphmodel.Node {
		return graphmodel.Node{ID: id, Name: id, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS}
	}
	edge := func(from, to string) graphmodel.Edge {
		return graphmodel.Edge{From: from, To: to, Kind: graphmodel.EdgeCanBecome, Technique: "sts-001"}
	}
	b := &neo4jexport.Graph{Scope: "test:b", Nodes: []graphmodel.Node{node("z"), node("y")}, Edges: []graphmodel.Edge{edge("z", "y")}}
	a := &neo4jexport.Graph{Scope: "test:a", Nodes: []graphmodel.Node{node("x"), node("y")}, Edges: []graphmodel.Edge{edge("x", "y")}}
	export(t, driver, "b-1", b)
	export(t, driver, "a-1", a) // y now carries scope a
	a2 := &neo4jexport.Graph{Scope: "test:a", Nodes: []graphmodel.Node{node("x")}}
	st := export(t, driver, "a-2", a2)
	if st.DeletedRelationships != 1 || st.DeletedNodes != 0 {
		t.Errorf("deleted %d nodes, %d relationships; want 0 and 1 (x→y)", st.DeletedNodes, st.DeletedRelationships)
	}
	got := rows(t, driver, "MATCH (n:Node) OPTIONAL MATCH (n)-[r]->(m) RETURN n.id AS id, collect(m.id) AS to ORDER BY id", nil)
	if fmt.Sprint(got) != "[map[id:x to:[]] map[id:y to:[]] map[id:z to:[y]]]" {
		t.Errorf("graph = %v", got)
	}
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func sorted(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// without renders a property map without one key, keys sorted.
func without(v any, drop string) string {
	m, _ := v.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != drop {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s:%v ", k, m[k])
	}
	return b.String()
}

func TestReexportReplacesPropertiesAndLabels(t *testing.T) {
	driver := testDriver(t)
	wipe(t, driver)
	first := &neo4jexport.Graph{Scope: "test:c",
		Nodes:      []graphmodel.Node{{ID: "n", Name: "n", Kind: graphmodel.KindAWSRole, Tags: map[string]string{"team": "a"}}},
		Identities: map[string]*analysis.Identity{"n": {ID: "n", BlastRadius: analysis.BlastRadius{Score: 60}}},
	}
	export(t, driver, "c-1", first)
	second := &neo4jexport.Graph{Scope: "test:c",
		Nodes:      []graphmodel.Node{{ID: "n", Name: "n", Kind: graphmodel.KindAWSUser}},
		Identities: map[string]*analysis.Identity{"n": {ID: "n", BlastRadius: analysis.BlastRadius{Score: 5}}},
	}
	export(t, driver, "c-2", second)
	rs := rows(t, driver, "MATCH (n:Node {id: 'n'}) RETURN labels(n) AS l, n.tag_team AS team, n.score AS score, n.kind AS kind", nil)
	if len(rs) != 1 {
		t.Fatalf("%d nodes", len(rs))
	}
	if got := strings.Join(sorted(strs(rs[0]["l"])), ","); got != "AwsUser,Identity,Node" {
		t.Errorf("labels = %s, want AwsUser,Identity,Node (old kind and band removed)", got)
	}
	if rs[0]["team"] != nil || rs[0]["score"] != 5.0 || rs[0]["kind"] != "aws.user" {
		t.Errorf("properties = %v, want no tag_team, score 5, kind aws.user", rs[0])
	}
}

// TestExportOverScopeSharingNodes exports a scope whose nodes and one
// relationship another scope already wrote: relationships between nodes
// that exist are merged (not repeated), those touching a new node created.
func TestExportOverScopeSharingNodes(t *testing.T) {
	driver := testDriver(t)
	wipe(t, driver)
	node := func(id string) graphmodel.Node {
		return graphmodel.Node{ID: id, Name: id, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS}
	}
	edge := func(from, to string) graphmodel.Edge {
		return graphmodel.Edge{From: from, To: to, Kind: graphmodel.EdgeCanBecome, Technique: "sts-001"}
	}
	a := &neo4jexport.Graph{Scope: "test:a", Nodes: []graphmodel.Node{node("x"), node("y")}, Edges: []graphmodel.Edge{edge("x", "y")}}
	b := &neo4jexport.Graph{Scope: "test:b", Nodes: []graphmodel.Node{node("x"), node("y"), node("z")},
		Edges: []graphmodel.Edge{edge("x", "y"), edge("y", "x"), edge("x", "z")}}
	export(t, driver, "a-1", a)
	export(t, driver, "b-1", b)
	export(t, driver, "b-2", b)
	got := rows(t, driver, "MATCH (n:Node)-[r]->(m) RETURN n.id + '>' + m.id + ' ' + r.export_scope AS e ORDER BY e", nil)
	if fmt.Sprint(got) != "[map[e:x>y test:b] map[e:x>z test:b] map[e:y>x test:b]]" {
		t.Errorf("relationships = %v", got)
	}
	if n := count(t, driver, "MATCH (n:Node) RETURN count(n) AS n", nil); n != 3 {
		t.Errorf("%d nodes, want 3", n)
	}
}
