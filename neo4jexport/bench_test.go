package neo4jexport_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand"
	"os"
	"testing"
	"time"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/neo4jexport"
)

// synthetic builds an estate of accounts AWS accounts shaped like a large
// organization: per account 10,000 roles, 2,000 users, 200 groups, 500
// managed policies and 5,000 resources, with policy attachments, group
// memberships, CAN_BECOME, CAN_ACCESS and ADMIN_OF edges: 98,210
// edges per account (plus 17,200 CONTAINS the export adds). Figures are
// set for every identity. It is deterministic.
func synthetic(accounts int) *neo4jexport.Graph {
	rng := rand.New(rand.NewSource(1))
	const roles, users, groups, policies, resources = 10000, 2000, 200, 500, 5000
	g := &neo4jexport.Graph{Scope: "synthetic", Identities: map[string]*analysis.Identity{}}
	access := []graphmodel.Access{graphmodel.AccessRead, graphmodel.AccessWrite, graphmodel.AccessAdmin}
	for a := 0; a < accounts; a++ {
		acct := fmt.Sprintf("%012d", 100000000000+a)
		scope := graphmodel.AWSAccountScope(acct)
		arn := func(kind string, i int) string { return fmt.Sprintf("arn:aws:iam::%s:%s/%s-%d", acct, kind, kind, i) }
		res := func(i int) string { return fmt.Sprintf("arn:aws:s3:::bucket-%s-%d", acct, i) }
		g.Nodes = append(g.Nodes, graphmodel.Node{ID: scope, Kind: graphmodel.KindAWSAccount, Name: acct, Provider: graphmodel.ProviderAWS})
		add := func(id, name string, kind graphmodel.NodeKind) {
			g.Nodes = append(g.Nodes, graphmodel.Node{ID: id, Name: name, Kind: kind, Provider: graphmodel.ProviderAWS, Scope: scope,
				Properties: map[string]string{"path": "/", "create_date": "2024-01-01T00:00:00Z"},
				Tags:       map[string]string{"team": fmt.Sprintf("team-%d", rng.Intn(20))}})
			if kind.Class() == graphmodel.ClassIdentity {
				g.Identities[id] = &analysis.Identity{ID: id, Rank: len(g.Identities) + 1,
					BlastRadius: analysis.BlastRadius{Score: float64(rng.Intn(600)), Resources: rng.Intn(100), Identities: rng.Intn(50),
						Breakdown: map[string]float64{}}}
			}
		}
		for i := 0; i < roles; i++ {
			add(arn("role", i), fmt.Sprintf("role-%d", i), graphmodel.KindAWSRole)
		}
		for i := 0; i < users; i++ {
			add(arn("user", i), fmt.Sprintf("user-%d", i), graphmodel.KindAWSUser)
		}
		for i := 0; i < groups; i++ {
			add(arn("group", i), fmt.Sprintf("group-%d", i), graphmodel.KindAWSGroup)
		}
		for i := 0; i < policies; i++ {
			add(arn("policy", i), fmt.Sprintf("policy-%d", i), graphmodel.KindAWSManagedPolicy)
		}
		for i := 0; i < resources; i++ {
			add(res(i), fmt.Sprintf("bucket-%d", i), graphmodel.KindAWSResource)
		}
		edge := func(from, to string, kind graphmodel.EdgeKind, tech string) *graphmodel.Edge {
			g.Edges = append(g.Edges, graphmodel.Edge{From: from, To: to, Kind: kind, Technique: tech})
			return &g.Edges[len(g.Edges)-1]
		}
		ev := func(src string, st int) []graphmodel.Evidence {
			return []graphmodel.Evidence{{Source: src, Statement: st, Note: "allows sts:AssumeRole"}}
		}
		for i := 0; i < roles; i++ {
			r := arn("role", i)
			for k := 0; k < 2; k++ {
				edge(r, arn("policy", (i*7+k*13)%policies), graphmodel.EdgeAttachedPolicy, "")
			}
			for k := 1; k <= 3; k++ {
				e := edge(r, arn("role", (i+k*97)%roles), graphmodel.EdgeCanBecome, "sts-001")
				e.Evidence = ev(arn("role", (i+k*97)%roles)+" trust policy", 0)
				e.Conditional = k == 3
			}
			for k := 0; k < 4; k++ {
				e := edge(r, res((i*31+k*1009)%resources), graphmodel.EdgeCanAccess, "s3-access")
				e.Access = access[(i+k)%3]
				e.Evidence = ev(arn("policy", (i*7)%policies), k)
			}
			if i%1000 == 0 {
				edge(r, scope, graphmodel.EdgeAdminOf, "admin-equivalent-policy")
			}
		}
		for i := 0; i < users; i++ {
			u := arn("user", i)
			edge(u, arn("group", i%groups), graphmodel.EdgeMemberOf, "")
			edge(u, arn("group", (i*3+1)%groups), graphmodel.EdgeMemberOf, "")
			for k := 1; k <= 2; k++ {
				e := edge(u, arn("role", (i*11+k)%roles), graphmodel.EdgeCanBecome, "sts-001")
				e.Evidence = ev(arn("role", (i*11+k)%roles)+" trust policy", 0)
			}
		}
		for i := 0; i < groups; i++ {
			edge(arn("group", i), arn("policy", i%policies), graphmodel.EdgeAttachedPolicy, "")
		}
	}
	return g
}

// BenchmarkExport exports a synthetic estate of over 1,000,000
// relationships into an empty database and reports relationships per
// second over the whole export (constraints, nodes, relationships, stale
// cleanup) and over the relationship phase alone.
// It needs BLASTRADIUS_NEO4J_URI (see neo4j_test.go) and empties that
// database. Run it with -benchtime=1x: one export takes tens of seconds.
func BenchmarkExport(b *testing.B) {
	driver := testDriver(b)
	if os.Getenv("BLASTRADIUS_BENCH_DEBUG") != "" {
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})))
	}
	g := synthetic(accountsFromEnv())
	if len(g.Edges) < 1_000_000 && os.Getenv("BLASTRADIUS_BENCH_ACCOUNTS") == "" {
		b.Fatalf("synthetic graph has %d edges, want at least 1,000,000", len(g.Edges))
	}
	// Leave an empty database: the tests would otherwise wipe a million
	// relationships first.
	b.Cleanup(func() { wipe(b, driver) })
	b.ResetTimer()
	var rels, nodes int
	var elapsed, relTime time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		wipe(b, driver)
		b.StartTimer()
		st, err := neo4jexport.Export(context.Background(), driver, "", fmt.Sprintf("bench-%d", i), g, neo4jexport.Options{Workers: workersFromEnv()})
		if err != nil {
			b.Fatal(err)
		}
		rels += st.Relationships
		nodes += st.Nodes
		elapsed += st.Elapsed
		relTime += st.RelationshipTime
	}
	b.ReportMetric(float64(rels)/elapsed.Seconds(), "rels/s")
	b.ReportMetric(float64(nodes)/elapsed.Seconds(), "nodes/s")
	b.ReportMetric(float64(rels)/float64(b.N), "rels/op")
	b.ReportMetric(float64(rels)/relTime.Seconds(), "rel-phase-rels/s")
}

// accountsFromEnv is the number of synthetic accounts: 11 (1,080,310
// edges) unless BLASTRADIUS_BENCH_ACCOUNTS says otherwise.
func accountsFromEnv() int {
	var n int
	if _, err := fmt.Sscan(os.Getenv("BLASTRADIUS_BENCH_ACCOUNTS"), &n); err != nil || n <= 0 {
		return 11
	}
	return n
}

// workersFromEnv is Options.Workers: BLASTRADIUS_BENCH_WORKERS, or 0 (the default).
func workersFromEnv() int {
	var n int
	_, _ = fmt.Sscan(os.Getenv("BLASTRADIUS_BENCH_WORKERS"), &n)
	return n
}
