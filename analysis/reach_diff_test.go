package analysis

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// randomEstate builds a random estate with several scopes (accounts, a
// project, an unknown-kind scope named only by admin_of), nodes in no
// scope, nodes in two scopes (a fact contains edge), groups, resources,
// can_become cycles, conditional edges, admin_of, grants and arcs out of a
// scope node. size scales the node count.
// testSetKind is a transparent kind the random estates use for their
// permission sets, defined here as a provider's analysis would define its own.
const testSetKind graphmodel.NodeKind = "test.permission_set"

func init() {
	// Tests only: the random estates need the kind before any analysis.
	if err := graphmodel.DefineKinds(graphmodel.KindSpec{Kind: testSetKind, KindInfo: graphmodel.KindInfo{Provider: "test", Class: graphmodel.ClassGroup, Transparent: true}}); err != nil {
		panic(err)
	}
}

func randomEstate(seed int64, size int) (*graphmodel.Snapshot, fakeDeriver) {
	rng := rand.New(rand.NewSource(seed))
	snap := &graphmodel.Snapshot{SchemaVersion: graphmodel.SchemaVersion}
	scopes := []string{"aws:account:1", "aws:account:2", "aws:account:3", "gcp:project:p"}
	snap.Nodes = append(snap.Nodes,
		graphmodel.Node{ID: scopes[0], Kind: graphmodel.KindAWSAccount},
		graphmodel.Node{ID: scopes[1], Kind: graphmodel.KindAWSAccount},
		graphmodel.Node{ID: scopes[2], Kind: graphmodel.KindAWSAccount},
		graphmodel.Node{ID: scopes[3]}) // unknown kind: a scope because nodes name it
	scopeOf := func() string {
		if rng.Intn(8) == 0 {
			return ""
		}
		return scopes[rng.Intn(len(scopes))]
	}
	var ids, res, groups []string
	for i := 0; i < size; i++ {
		id := fmt.Sprintf("id%04d", rng.Intn(size*10))
		kind := graphmodel.KindAWSRole
		if i%4 == 0 {
			kind = graphmodel.KindAWSUser
		}
		ids = append(ids, id)
		snap.Nodes = append(snap.Nodes, graphmodel.Node{ID: id, Kind: kind, Scope: scopeOf()})
	}
	for i := 0; i < size; i++ {
		id := fmt.Sprintf("res%04d", rng.Intn(size*10))
		res = append(res, id)
		snap.Nodes = append(snap.Nodes, graphmodel.Node{ID: id, Kind: graphmodel.KindAWSResource, Scope: scopeOf(),
			Properties: map[string]string{"service": []string{"s3", "kms", "sqs", "sns"}[rng.Intn(4)], "type": "x"}})
	}
	for i := 0; i < size/10+1; i++ {
		id := fmt.Sprintf("grp%03d", i)
		groups = append(groups, id)
		snap.Nodes = append(snap.Nodes, graphmodel.Node{ID: id, Kind: graphmodel.KindAWSGroup, Scope: scopeOf()})
	}
	// Permission sets: transparent stand-ins for what their members share.
	var sets []string
	for i := 0; i < size/20+1; i++ {
		id := fmt.Sprintf("set%03d", i)
		sets = append(sets, id)
		snap.Nodes = append(snap.Nodes, graphmodel.Node{ID: id, Kind: testSetKind, Scope: scopeOf()})
	}
	all := append(append(append([]string{}, ids...), res...), groups...)
	var d fakeDeriver
	levels := []graphmodel.Access{graphmodel.AccessRead, graphmodel.AccessWrite, graphmodel.AccessAdmin, ""}
	pick := func(list []string) string { return list[rng.Intn(len(list))] }
	cond := func() bool { return rng.Intn(4) == 0 }
	for i := 0; i < size*4; i++ {
		switch r := rng.Intn(100); {
		case r < 35:
			d.edges = append(d.edges, become(pick(ids), pick(ids), "sts-001", cond()))
		case r < 70:
			d.edges = append(d.edges, access(pick(ids), pick(res), levels[rng.Intn(4)], cond()))
		case r < 82:
			snap.Edges = append(snap.Edges, memberOf(pick(ids), pick(groups)))
		case r < 86:
			d.edges = append(d.edges, access(pick(groups), pick(res), levels[rng.Intn(4)], cond()))
		case r < 90:
			e := adminOf(pick(append(ids, groups...)), pick(append(scopes, "aws:account:9")))
			e.Conditional = cond()
			d.edges = append(d.edges, e)
		case r < 95:
			d.edges = append(d.edges, grantAdmin(pick(ids), pick(ids), cond()))
		case r < 96:
			switch rng.Intn(4) {
			case 0, 1:
				e := memberOf(pick(ids), pick(sets))
				e.Conditional = cond()
				d.edges = append(d.edges, e)
			case 2:
				d.edges = append(d.edges, become(pick(sets), pick(ids), "lambda-001", cond()))
			default:
				if rng.Intn(2) == 0 {
					d.edges = append(d.edges, access(pick(sets), pick(res), levels[rng.Intn(4)], cond()))
				} else {
					d.edges = append(d.edges, grantAdmin(pick(sets), pick(ids), cond()))
				}
			}
		case r < 97:
			snap.Edges = append(snap.Edges, graphmodel.Edge{From: pick(scopes), To: pick(all), Kind: graphmodel.EdgeContains})
		case r < 98:
			d.edges = append(d.edges, become(pick(scopes), pick(ids), "scope-arc", cond()))
		default:
			d.edges = append(d.edges, access(pick(scopes), pick(res), levels[rng.Intn(4)], cond()))
		}
	}
	// Shared target lists: several sources (identities, groups, sets, a
	// scope) with one edge each to every target of a list, alike but for
	// the target, which the analysis groups into target sets.
	for i := 0; i < size/15+2; i++ {
		targets := res
		if rng.Intn(2) == 0 {
			targets = append(append([]string{}, ids...), groups...)
		}
		list := make([]string, 2+rng.Intn(6))
		for j := range list {
			list[j] = pick(targets)
		}
		for range 2 + rng.Intn(3) {
			level, c := levels[rng.Intn(4)], cond()
			from := pick(ids)
			switch rng.Intn(6) {
			case 0:
				from = pick(groups)
			case 1:
				from = pick(sets)
			case 2:
				from = pick(scopes)
			}
			grants := rng.Intn(3) == 0
			for _, to := range list {
				switch {
				case &targets[0] == &res[0]:
					d.edges = append(d.edges, access(from, to, level, c))
				case grants:
					// Naming the grantee, as a statement on its ARN does.
					e := grantAdmin(from, to, c)
					e.Technique, e.Evidence = "shared-grant", ev(from+"#inline:p", 2, "allows iam:PutRolePolicy on "+to)
					d.edges = append(d.edges, e)
				default:
					d.edges = append(d.edges, become(from, to, "shared", c))
				}
			}
		}
	}
	return snap, d
}

// prepareResult prepares snap and computes its result, failing t on error.
func prepareResult(t *testing.T, snap *graphmodel.Snapshot, opts Options) (*Graph, *Result) {
	t.Helper()
	g, err := Prepare(context.Background(), snap, opts)
	if err != nil {
		t.Fatal(err)
	}
	res, err := g.Result(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return g, res
}

// oracleIdentities is Graph.Result's identity list computed by the oracle.
func oracleIdentities(g *Graph) []Identity {
	a := g.a
	s := &oracleScratch{certain: newOracleReacher(a.g, true), full: newOracleReacher(a.g, false)}
	var out []Identity
	for i := range a.g.nodes {
		if a.g.class[i] == graphmodel.ClassIdentity {
			out = append(out, a.oracleIdentity(int32(i), s))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := &out[i], &out[j]
		if x.BlastRadius.Score != y.BlastRadius.Score {
			return x.BlastRadius.Score > y.BlastRadius.Score
		}
		return x.ID < y.ID
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// oraclePaths is Graph.Paths to every admin scope, computed by the oracle.
func oraclePaths(g *Graph, u int32) []Escalation {
	certain, full := newOracleReacher(g.a.g, true), newOracleReacher(g.a.g, false)
	certain.run(u)
	full.run(u)
	var out []Escalation
	for _, t := range full.members() {
		switch {
		case !g.a.g.isScope[t] || t == u:
		case certain.has(t):
			out = append(out, g.a.escalation(certain.path(t), false, certain))
		default:
			out = append(out, g.a.escalation(full.path(t), true, certain))
		}
	}
	sortEscalations(out)
	return out
}

func TestReachMatchesOracle(t *testing.T) {
	// Half the runs rate resources with sensitivities whose sums float64
	// rounds, which takes the ordered-sum path of the score.
	rounded := func(n *graphmodel.Node) float64 { return 0.1 * float64(len(n.ID)%7) }
	for seed := int64(1); seed <= 60; seed++ {
		size := 20 + int(seed%6)*15
		if seed%10 == 0 {
			size = 400 // lists longer than SummaryLimit
		}
		snap, d := randomEstate(seed, size)
		for _, detail := range []Detail{DetailSummary, DetailFull} {
			opts := Options{Derivers: []Deriver{d}, Now: time.Unix(0, 0).UTC(), Detail: detail}
			if seed%2 == 0 {
				opts.Sensitivity = rounded
			}
			t.Run(fmt.Sprintf("seed=%d/size=%d/%s", seed, size, detail), func(t *testing.T) {
				g, res := prepareResult(t, snap, opts)
				want := oracleIdentities(g)
				if len(res.Identities) != len(want) {
					t.Fatalf("%d identities, oracle %d", len(res.Identities), len(want))
				}
				for i := range want {
					if !reflect.DeepEqual(res.Identities[i], want[i]) {
						got, _ := json.MarshalIndent(res.Identities[i], "", " ")
						exp, _ := json.MarshalIndent(want[i], "", " ")
						t.Fatalf("identity %d differs:\ngot  %s\nwant %s", i, got, exp)
					}
				}
				if detail == DetailFull {
					return
				}
				for _, id := range want {
					got, err := g.Paths(id.ID, "")
					if err != nil {
						t.Fatal(err)
					}
					if exp := oraclePaths(g, g.index[id.ID]); !reflect.DeepEqual(got, exp) && (len(got) > 0 || len(exp) > 0) {
						t.Fatalf("paths of %s differ:\ngot  %+v\nwant %+v", id.ID, got, exp)
					}
				}
			})
		}
	}
}

// TestRandomEstatesUseBlocks guards the differential test: its estates must
// make the reach pass mark blocks, visit members lazily and split segments
// around grants, or it would compare little.
func TestRandomEstatesUseBlocks(t *testing.T) {
	var marked, lazy, segments, grants int
	for seed := int64(1); seed <= 20; seed++ {
		snap, d := randomEstate(seed, 50)
		g, err := Prepare(context.Background(), snap, Options{Derivers: []Deriver{d}})
		if err != nil {
			t.Fatal(err)
		}
		ag := g.a.g
		r := newReacher(ag, false)
		for u := range ag.nodes {
			if ag.class[u] != graphmodel.ClassIdentity {
				continue
			}
			r.run(int32(u))
			marked += len(r.marked())
			for _, m := range r.marked() {
				for _, v := range ag.blocks.blockMembers(m) {
					if !r.individual(v) {
						lazy++
					}
				}
			}
			for _, q := range r.queue {
				if q.lo > 0 {
					segments++
				}
			}
			for _, v := range r.individuals() {
				if r.ref[v] < 0 && r.ref[v] != noParent {
					grants++
				}
			}
		}
	}
	if marked == 0 || lazy == 0 || segments == 0 || grants == 0 {
		t.Fatalf("marked %d, lazy %d, split segments %d, applied grants %d: all must be > 0", marked, lazy, segments, grants)
	}
	t.Logf("marked %d, lazy %d, split segments %d, applied grants %d", marked, lazy, segments, grants)
}

// TestExtendMatchesRun checks the full closure built on a certain one
// (reacher.extend, for counts) against the one built from scratch: the
// same members, the same identity count and the same access to every
// resource the certain closure lacks, for every identity of the random
// estates.
func TestExtendMatchesRun(t *testing.T) {
	extended := 0
	for seed := int64(1); seed <= 40; seed++ {
		snap, d := randomEstate(seed, 20+int(seed%6)*15)
		g, err := Prepare(context.Background(), snap, Options{Derivers: []Deriver{d}})
		if err != nil {
			t.Fatal(err)
		}
		a, ag := g.a, g.a.g
		certain, ext, full := newReacher(ag, true), newReacher(ag, false), newReacher(ag, false)
		for u := range ag.nodes {
			if ag.class[u] != graphmodel.ClassIdentity {
				continue
			}
			certain.run(int32(u))
			full.run(int32(u))
			ext.runOrExtend(int32(u), certain, false)
			if len(certain.skipped) > 0 {
				extended++
			}
			for v := range ag.nodes {
				v := int32(v)
				if ag.isSet[v] {
					continue // whether a set whose members a marked block holds joined makes no difference
				}
				if ext.has(v) != full.has(v) {
					t.Fatalf("seed %d, %s: node %s in the extended closure %v, in the full one %v",
						seed, ag.nodes[u].ID, ag.nodes[v].ID, ext.has(v), full.has(v))
				}
				if !full.has(v) || certain.has(v) || ag.class[v] != graphmodel.ClassResource {
					continue // the analysis asks the full closure only what the certain one lacks
				}
				if re, _ := ext.resourceAccess(v); re != func() uint8 { rf, _ := full.resourceAccess(v); return rf }() {
					t.Fatalf("seed %d, %s: access to %s differs", seed, ag.nodes[u].ID, ag.nodes[v].ID)
				}
			}
			if x, y := a.countIdentities(ext), a.countIdentities(full); x != y {
				t.Fatalf("seed %d, %s: %d identities extended, %d in full", seed, ag.nodes[u].ID, x, y)
			}
		}
	}
	if extended == 0 {
		t.Fatal("no certain closure left a conditional arc aside: the test proves nothing")
	}
	t.Logf("%d closures extended", extended)
}
