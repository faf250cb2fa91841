package analysis

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// syntheticEstate builds a random estate: identities (a fifth users, the
// rest roles) in one account, resources, groups and about edges derived
// edges: can_become (a tenth conditional), can_access, member_of, a few
// admin_of and can_grant_admin. The seed makes it reproducible.
func syntheticEstate(identities, resources, edges int) (*graphmodel.Snapshot, fakeDeriver) {
	rng := rand.New(rand.NewSource(1))
	snap := &graphmodel.Snapshot{SchemaVersion: graphmodel.SchemaVersion}
	snap.Nodes = append(snap.Nodes, account())
	ids := make([]string, identities)
	for i := range ids {
		kind := graphmodel.KindAWSRole
		if i%5 == 0 {
			kind = graphmodel.KindAWSUser
		}
		ids[i] = arn(string(kind)[4:], fmt.Sprintf("id%05d", i))
		snap.Nodes = append(snap.Nodes, node(ids[i], kind, acct))
	}
	res := make([]string, resources)
	for i := range res {
		res[i] = fmt.Sprintf("arn:aws:s3:::bucket-%05d", i)
		snap.Nodes = append(snap.Nodes, node(res[i], graphmodel.KindAWSResource, acct))
	}
	groups := make([]string, identities/50+1)
	for i := range groups {
		groups[i] = arn("group", fmt.Sprintf("g%04d", i))
		snap.Nodes = append(snap.Nodes, node(groups[i], graphmodel.KindAWSGroup, acct))
	}
	var d fakeDeriver
	levels := []graphmodel.Access{graphmodel.AccessRead, graphmodel.AccessWrite, graphmodel.AccessAdmin}
	for i := 0; i < edges; i++ {
		from := ids[rng.Intn(len(ids))]
		switch r := rng.Intn(100); {
		case r < 35:
			d.edges = append(d.edges, become(from, ids[rng.Intn(len(ids))], "sts-001", rng.Intn(10) == 0))
		case r < 90:
			d.edges = append(d.edges, access(from, res[rng.Intn(len(res))], levels[rng.Intn(3)], rng.Intn(10) == 0))
		case r < 99:
			snap.Edges = append(snap.Edges, memberOf(from, groups[rng.Intn(len(groups))]))
		default:
			if rng.Intn(2) == 0 {
				d.edges = append(d.edges, adminOf(from, acct))
			} else {
				d.edges = append(d.edges, grantAdmin(from, ids[rng.Intn(len(ids))], rng.Intn(2) == 0))
			}
		}
	}
	return snap, d
}

// BenchmarkAnalyze analyzes a synthetic estate of 5,000 identities and
// 50,000 edges and reports identities analyzed per second.
func BenchmarkAnalyze(b *testing.B) {
	for _, size := range []struct{ identities, resources, edges int }{
		{1000, 400, 10000},
		{5000, 2000, 50000},
	} {
		b.Run(fmt.Sprintf("identities=%d/edges=%d", size.identities, size.edges), func(b *testing.B) {
			snap, d := syntheticEstate(size.identities, size.resources, size.edges)
			opts := Options{Derivers: []Deriver{d}, Now: time.Unix(0, 0).UTC()}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := Analyze(context.Background(), snap, opts)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Identities) != size.identities {
					b.Fatalf("%d identities", len(res.Identities))
				}
			}
			b.ReportMetric(float64(b.N*size.identities)/b.Elapsed().Seconds(), "identities/s")
		})
	}
}
