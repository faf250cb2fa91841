package neo4jexport_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/synth"
	"github.com/blastradius/blastradius/neo4jexport"
	"github.com/blastradius/blastradius/queries"
)

// envLarge enables BenchmarkQueryPackLarge, as it enables the scale
// benchmarks of bench/.
const envLarge = "BLASTRADIUS_BENCH_LARGE"

// Accounts of the estates exported beside the demo (111122223333): the
// generators' default is the demo's account, which the export would
// replace.
const (
	denseAccount = "222233334444"
	largeAccount = "333344445555"
)

// BenchmarkQueryPackLarge exports the large estate (internal/synth.Large:
// 25,000 principals) into a database that holds the demo and a dense
// estate of 2,500 principals (synth.DenseScaled), then runs every query of
// the pack with parameters naming the large estate's hardest cases and
// each $limit at its documented default. Sub-benchmarks:
//
//   - export-large: the large estate's export beside the two others (rel/s);
//   - reexport-large: the same export again, over its earlier run (rel/s,
//     stale cleanup included);
//   - query=NAME: one query (ms/op, rows), in the default memory settings
//     of scripts/neo4j-local.
//
// It logs the database's size and a table of each query's rows and time,
// which go test prints only with -v (the log of a benchmark that has
// sub-benchmarks is shown in verbose mode alone). It runs only with
// BLASTRADIUS_BENCH_LARGE=1 and BLASTRADIUS_NEO4J_URI (see neo4j_test.go),
// empties that database, and takes a few minutes (generating and
// analyzing the estates comes first):
//
//	BLASTRADIUS_BENCH_LARGE=1 BLASTRADIUS_NEO4J_URI=… go test -v -run '^$' \
//	  -bench QueryPackLarge -benchtime 1x -timeout 60m ./neo4jexport
func BenchmarkQueryPackLarge(b *testing.B) {
	if os.Getenv(envLarge) != "1" {
		b.Skipf("set %s=1 to run (exports 25,000 principals; long)", envLarge)
	}
	driver := testDriver(b)
	ctx := context.Background()
	start := time.Now()
	demo := build(b, demoSnapshot(b))
	dense := build(b, collectDir(b, "dense", func(dir string) error {
		spec := synth.DenseScaled(2500)
		spec.Account = denseAccount
		_, err := synth.WriteAWSDense(dir, spec)
		return err
	}))
	large := build(b, collectDir(b, "large", func(dir string) error {
		spec := synth.Large()
		spec.Account = largeAccount
		return synth.WriteAWS(dir, spec)
	}))
	b.Logf("generated and analyzed the estates in %v", time.Since(start).Round(time.Second))
	b.Cleanup(func() { wipe(b, driver) })

	b.Run("export-large", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			wipe(b, driver)
			export(b, driver, "demo", demo)
			export(b, driver, "dense", dense)
			b.StartTimer()
			st := exportMeasured(b, driver, fmt.Sprintf("large-%d", i), large)
			b.ReportMetric(float64(st.Relationships), "rels")
			b.ReportMetric(float64(st.Nodes), "nodes")
		}
	})
	b.Run("reexport-large", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			exportMeasured(b, driver, fmt.Sprintf("large-again-%d", i), large)
		}
	})
	totals := rows(b, driver, "MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS rels", nil)
	b.Logf("database: %v nodes, %v relationships (the demo, dense %s and large %s)",
		totals[0]["nodes"], totals[0]["rels"], denseAccount, largeAccount)

	params := largeParams(b, driver)
	b.Logf("parameters: %v", params)
	type result struct {
		name string
		rows int
		took time.Duration
	}
	var results []result
	for _, q := range queries.All() {
		p := queryParams(b, q, params)
		if q.Name == "who-can-become" {
			// The identity most steps lead to: the $id of the others
			// (the farthest from administrator) has none.
			p["id"] = one(b, driver, `MATCH (t:Identity {export_scope: $scope})
RETURN t.id AS v ORDER BY COUNT { (t)<-[:CAN_BECOME]-() } DESC, t.id LIMIT 1`, params["scope"])
		}
		b.Run("query="+q.Name, func(b *testing.B) {
			var n int
			var took time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				res, err := neo4j.ExecuteQuery(ctx, driver, q.Cypher, p, neo4j.EagerResultTransformer)
				if err != nil {
					b.Fatalf("%s: %v", q.Name, err)
				}
				took += time.Since(t0)
				n = len(res.Records)
			}
			b.ReportMetric(float64(n), "rows")
			results = append(results, result{q.Name, n, took / time.Duration(b.N)})
		})
	}
	sort.Slice(results, func(i, j int) bool { return results[i].name < results[j].name })
	var t strings.Builder
	tw := tabwriter.NewWriter(&t, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\trows\ttime\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%v\t\n", r.name, r.rows, r.took.Round(time.Millisecond))
	}
	tw.Flush()
	b.Logf("queries on the large estate:\n%s", t.String())
}

// collectDir writes an estate with write into a temporary directory and
// collects it offline.
func collectDir(b *testing.B, name string, write func(dir string) error) *graphmodel.Snapshot {
	b.Helper()
	dir := b.TempDir()
	if err := write(dir); err != nil {
		b.Fatalf("generate %s: %v", name, err)
	}
	snap, err := collectors.Run(context.Background(), awscollect.NewOffline(os.DirFS(dir), dir))
	if err != nil {
		b.Fatalf("collect %s: %v", name, err)
	}
	return snap
}

// largeParams returns values for every parameter of the pack that name
// the large estate's hardest cases: the identity with the longest
// shortest path to administrator (the highest blast radius among them),
// the resource the most CAN_ACCESS steps reach, the managed policy with
// the most holders, every step followed ($certain_only false).
func largeParams(b *testing.B, driver neo4j.DriverWithContext) map[string]any {
	b.Helper()
	scope := "aws:account:" + largeAccount
	return map[string]any{
		"id": one(b, driver, `MATCH (i:Identity {export_scope: $scope}) WHERE i.min_hops_to_admin IS NOT NULL
RETURN i.id AS v ORDER BY i.min_hops_to_admin DESC, i.score DESC, i.id LIMIT 1`, scope),
		"target": one(b, driver, `MATCH (r:Resource {export_scope: $scope})
RETURN r.id AS v ORDER BY COUNT { (r)<-[:CAN_ACCESS]-() } DESC, r.id LIMIT 1`, scope),
		"policy": one(b, driver, `MATCH (p:AwsManagedPolicy) WHERE EXISTS { (p)<-[:ATTACHED_POLICY]-({export_scope: $scope}) }
RETURN p.id AS v ORDER BY COUNT { (p)<-[:ATTACHED_POLICY]-() } DESC, p.id LIMIT 1`, scope),
		"scope":        scope,
		"certain_only": false,
		"min_days":     int64(90),
		"min_score":    1.0,
	}
}

// one returns column v of the one row q gives with $scope.
func one(b *testing.B, driver neo4j.DriverWithContext, q string, scope any) any {
	b.Helper()
	rs := rows(b, driver, q, map[string]any{"scope": scope})
	if len(rs) != 1 {
		b.Fatalf("%q: %d rows", q, len(rs))
	}
	return rs[0]["v"]
}

// exportMeasured exports g and reports its relationships per second and,
// where cpuClock can read it, the server's and this process's CPU time
// per relationship.
func exportMeasured(b *testing.B, driver neo4j.DriverWithContext, run string, g *neo4jexport.Graph) neo4jexport.Stats {
	b.Helper()
	s0, c0, ok0 := cpuClock()
	st := export(b, driver, run, g)
	s1, c1, ok1 := cpuClock()
	b.ReportMetric(float64(st.Relationships)/st.Elapsed.Seconds(), "rel/s")
	if ok0 && ok1 {
		b.ReportMetric(float64((s1-s0).Microseconds())/float64(st.Relationships), "neo4j-cpu-us/rel")
		b.ReportMetric(float64((c1-c0).Microseconds())/float64(st.Relationships), "client-cpu-us/rel")
	}
	b.Logf("%s: %d nodes, %d relationships in %v (nodes %v, relationships %v); deleted %d nodes, %d relationships",
		run, st.Nodes, st.Relationships, st.Elapsed.Round(time.Millisecond), st.NodeTime.Round(time.Millisecond),
		st.RelationshipTime.Round(time.Millisecond), st.DeletedNodes, st.DeletedRelationships)
	return st
}
