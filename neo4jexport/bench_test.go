package neo4jexport_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/neo4jexport"
)

// synthetic builds an estate of accounts AWS accounts shaped like a large
// organization: per account 10,000 roles, 2,000 users, 200 groups, 500
// managed policies and 5,000 resources, with policy attachments, group
// memberships, CAN_BECOME, CAN_ACCESS and ADMIN_OF edges: 98,210
// edges per account (plus 17,200 CONTAINS the export adds). Figures are
// set for every identity. It is deterministic; the accounts are numbered
// from first (100000000000 + first, …) and the graph's scope is scope.
func synthetic(scope string, first, accounts int) *neo4jexport.Graph {
	rng := rand.New(rand.NewSource(int64(1 + first)))
	const roles, users, groups, policies, resources = 10000, 2000, 200, 500, 5000
	g := &neo4jexport.Graph{Scope: scope, Identities: map[string]*analysis.Identity{}}
	access := []graphmodel.Access{graphmodel.AccessRead, graphmodel.AccessWrite, graphmodel.AccessAdmin}
	for a := first; a < first+accounts; a++ {
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
// relationships (11 accounts; BLASTRADIUS_BENCH_ACCOUNTS changes it) and
// reports relationships per second over the whole export (constraints,
// nodes, relationships, stale cleanup) and over the relationship phase
// alone, in two cases:
//
//   - empty: into an empty database, where everything is created;
//   - non-empty: into a database that holds another scope (2 accounts)
//     and an earlier run of the same scope that differs from it (see
//     earlier): the export merges what exists, creates what is new and
//     deletes what is stale.
//
// It needs BLASTRADIUS_NEO4J_URI (see neo4j_test.go) and empties that
// database. Run it with -benchtime=1x: one export takes tens of seconds.
func BenchmarkExport(b *testing.B) {
	driver := testDriver(b)
	if os.Getenv("BLASTRADIUS_BENCH_DEBUG") != "" {
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})))
	}
	g := synthetic("synthetic", 0, accountsFromEnv())
	if len(g.Edges) < 1_000_000 && os.Getenv("BLASTRADIUS_BENCH_ACCOUNTS") == "" {
		b.Fatalf("synthetic graph has %d edges, want at least 1,000,000", len(g.Edges))
	}
	// Leave an empty database: the tests would otherwise wipe a million
	// relationships first.
	b.Cleanup(func() { wipe(b, driver) })
	warmUp(b, driver)
	b.Run("empty", func(b *testing.B) {
		benchExport(b, driver, g, func(b *testing.B) { wipe(b, driver) })
	})
	b.Run("non-empty", func(b *testing.B) {
		other, before := synthetic("synthetic-other", 100, 2), earlier(g)
		benchExport(b, driver, g, func(b *testing.B) {
			wipe(b, driver)
			export(b, driver, "other", other)
			export(b, driver, "earlier", before)
		})
	})
}

// warmUp exports a smaller estate of two accounts twice (the second time
// as a re-export, with its cleanup), then empties the database, untimed.
// A Neo4j server that has just started interprets Cypher's write path
// until its JIT compiler has seen enough of it: the first export into it
// runs up to half slower than the ones after. Analysts export into a
// server that has run before; the benchmark measures that.
func warmUp(b *testing.B, driver neo4j.DriverWithContext) {
	b.Helper()
	t0 := time.Now()
	g := synthetic("warm-up", 200, 2)
	wipe(b, driver)
	export(b, driver, "warm-up-1", g)
	export(b, driver, "warm-up-2", g)
	wipe(b, driver)
	b.Logf("warm-up: two exports of %d relationships in %v", len(g.Edges), time.Since(t0).Round(time.Millisecond))
}

// benchExport times exports of g, each after prepare (untimed), and
// reports the rates.
func benchExport(b *testing.B, driver neo4j.DriverWithContext, g *neo4jexport.Graph, prepare func(*testing.B)) {
	var rels, nodes, deleted int
	var elapsed, relTime, serverCPU, clientCPU time.Duration
	measured := true
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		prepare(b)
		b.StartTimer()
		s0, c0, ok0 := cpuClock()
		st, err := neo4jexport.Export(context.Background(), driver, "", fmt.Sprintf("bench-%d", i), g, neo4jexport.Options{Workers: workersFromEnv()})
		if err != nil {
			b.Fatal(err)
		}
		s1, c1, ok1 := cpuClock()
		measured = measured && ok0 && ok1
		serverCPU += s1 - s0
		clientCPU += c1 - c0
		b.Logf("%d nodes, %d relationships written, %d nodes and %d relationships deleted in %v (nodes %v, relationships %v)",
			st.Nodes, st.Relationships, st.DeletedNodes, st.DeletedRelationships, st.Elapsed.Round(time.Millisecond),
			st.NodeTime.Round(time.Millisecond), st.RelationshipTime.Round(time.Millisecond))
		rels += st.Relationships
		nodes += st.Nodes
		deleted += st.DeletedRelationships
		elapsed += st.Elapsed
		relTime += st.RelationshipTime
	}
	b.ReportMetric(float64(rels)/elapsed.Seconds(), "rel/s")
	b.ReportMetric(float64(nodes)/elapsed.Seconds(), "nodes/s")
	b.ReportMetric(float64(rels)/float64(b.N), "rels/op")
	b.ReportMetric(float64(deleted)/float64(b.N), "deleted-rels/op")
	b.ReportMetric(float64(rels)/relTime.Seconds(), "rel-phase-rel/s")
	if measured {
		b.ReportMetric(float64(serverCPU.Microseconds())/float64(rels), "neo4j-cpu-us/rel")
		b.ReportMetric(float64(clientCPU.Microseconds())/float64(rels), "client-cpu-us/rel")
	}
}

// earlier returns an earlier version of g, as a previous export of the
// same scope would have written it: every 20th edge missing (the new run
// adds it), every 20th other one with other evidence (the new run
// replaces it), and per 100 edges one more that g no longer has, every
// other one of them from a role g no longer has (the cleanup deletes
// them).
func earlier(g *neo4jexport.Graph) *neo4jexport.Graph {
	e := &neo4jexport.Graph{Scope: g.Scope, Identities: g.Identities,
		Nodes: append([]graphmodel.Node(nil), g.Nodes...)}
	for i, edge := range g.Edges {
		switch i % 20 {
		case 0:
			continue
		case 10:
			edge.Evidence = []graphmodel.Evidence{{Source: "an earlier policy", Statement: 0, Note: "since changed"}}
		}
		e.Edges = append(e.Edges, edge)
		if i%100 != 50 {
			continue
		}
		gone := graphmodel.Edge{From: edge.From, To: edge.To, Kind: graphmodel.EdgeCanBecome, Technique: "retired"}
		if i%200 == 50 {
			gone.From = fmt.Sprintf("arn:aws:iam::000000000000:role/retired-%d", i)
			e.Nodes = append(e.Nodes, graphmodel.Node{ID: gone.From, Name: gone.From, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS})
		}
		e.Edges = append(e.Edges, gone)
	}
	return e
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

// cpuClock reads the CPU time the Neo4j server and this process have used
// so far, where it can: on Linux, for a server on this machine whose pid
// BLASTRADIUS_NEO4J_PID gives or scripts/neo4j-local recorded (build/
// neo4j.pid). The benchmarks report it per relationship beside the rates,
// which a machine shared with other work slows down.
func cpuClock() (server, client time.Duration, ok bool) {
	pid := os.Getenv("BLASTRADIUS_NEO4J_PID")
	if pid == "" {
		data, err := os.ReadFile(filepath.Join("..", "build", "neo4j.pid"))
		if err != nil {
			return 0, 0, false
		}
		pid = strings.TrimSpace(string(data))
	}
	if cmd, err := os.ReadFile("/proc/" + pid + "/cmdline"); err != nil || !strings.Contains(string(cmd), "neo4j") && !strings.Contains(string(cmd), "Neo4j") {
		return 0, 0, false
	}
	server, ok1 := procCPU("/proc/" + pid + "/stat")
	client, ok2 := procCPU("/proc/self/stat")
	return server, client, ok1 && ok2
}

// procCPU returns the user and system time of a /proc/PID/stat file
// (in clock ticks of 1/100 s, as Linux reports them to user space).
func procCPU(path string) (time.Duration, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	var ticks time.Duration
	for _, v := range f[11:13] { // utime, stime
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, false
		}
		ticks += time.Duration(n)
	}
	return ticks * 10 * time.Millisecond, true
}
