package analysis

import (
	"bufio"
	"context"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// multiCloudEstate builds a merged multi-cloud estate of about a million
// edges: 40 AWS accounts (roles, users, groups, resources), 20 GCP projects
// (service accounts, resources), a Workspace customer (users, groups), 4
// Kubernetes clusters of 20 namespaces (service accounts, secrets) and
// GitHub repositories minting OIDC tokens. Derived edges: can_access (most,
// 3% into another scope, a tenth conditional), can_become inside a scope
// (users to roles, some role chaining, impersonation) and across clouds
// (IRSA, Workload Identity, GitHub and GCP OIDC into AWS roles, aws-auth),
// about 3% of identities admin_of their account or project (some Kubernetes
// service accounts cluster-admin), can_grant_admin; snapshot facts:
// member_of. scale divides the number of scopes (1: a million edges). It returns the snapshot, the fake deriver and the edge count.
func multiCloudEstate(scale int) (*graphmodel.Snapshot, fakeDeriver, int) {
	rng := rand.New(rand.NewSource(7))
	snap := &graphmodel.Snapshot{SchemaVersion: graphmodel.SchemaVersion}
	var d fakeDeriver
	evidence := ev("policy#stmt", 0, "allows it")
	levels := []graphmodel.Access{graphmodel.AccessRead, graphmodel.AccessRead, graphmodel.AccessWrite, graphmodel.AccessAdmin}
	add := func(id string, kind graphmodel.NodeKind, scope string) string {
		snap.Nodes = append(snap.Nodes, graphmodel.Node{ID: id, Kind: kind, Provider: kind.Provider(), Scope: scope})
		return id
	}
	edge := func(from, to string, kind graphmodel.EdgeKind, tech string, acc graphmodel.Access) {
		d.edges = append(d.edges, graphmodel.Edge{From: from, To: to, Kind: kind, Technique: tech, Access: acc,
			Conditional: rng.Intn(10) == 0, Evidence: evidence})
	}
	type scope struct {
		id                     string
		idents, res, nonHumans []string
	}
	pick := func(list []string) string { return list[rng.Intn(len(list))] }
	var aws, gcp, k8s []*scope
	var all []*scope

	for a := 0; a < 40/scale; a++ {
		acct := fmt.Sprintf("%012d", 100000000000+a)
		s := &scope{id: add("aws:account:"+acct, graphmodel.KindAWSAccount, "")}
		var users, roles, groups []string
		for i := 0; i < 1200; i++ {
			roles = append(roles, add(fmt.Sprintf("arn:aws:iam::%s:role/service-role-%04d", acct, i), graphmodel.KindAWSRole, s.id))
		}
		for i := 0; i < 250; i++ {
			users = append(users, add(fmt.Sprintf("arn:aws:iam::%s:user/person-%04d", acct, i), graphmodel.KindAWSUser, s.id))
		}
		for i := 0; i < 25; i++ {
			groups = append(groups, add(fmt.Sprintf("arn:aws:iam::%s:group/team-%02d", acct, i), graphmodel.KindAWSGroup, s.id))
		}
		for i := 0; i < 2200; i++ {
			s.res = append(s.res, add(fmt.Sprintf("arn:aws:s3:::bucket-%s-%04d", acct, i), graphmodel.KindAWSResource, s.id))
		}
		s.idents = append(append(s.idents, roles...), users...)
		s.nonHumans = roles
		for _, u := range users {
			for k := 0; k < 4; k++ {
				edge(u, pick(roles), graphmodel.EdgeCanBecome, "sts-001", "")
			}
			for k := 0; k < 2; k++ {
				snap.Edges = append(snap.Edges, memberOf(u, pick(groups)))
			}
		}
		for _, r := range roles {
			if rng.Intn(2) == 0 {
				edge(r, pick(roles), graphmodel.EdgeCanBecome, "sts-001", "")
			}
		}
		for _, g := range groups {
			for k := 0; k < 20; k++ {
				edge(g, pick(s.res), graphmodel.EdgeCanAccess, "s3-access", pick0(levels, rng))
			}
			edge(g, pick(roles), graphmodel.EdgeCanBecome, "sts-001", "")
		}
		aws = append(aws, s)
	}
	customer := add("workspace:customer:C0123", graphmodel.KindWorkspaceCustomer, "")
	var wsUsers, gcpGroups []string
	for i := 0; i < 6000; i++ {
		wsUsers = append(wsUsers, add(fmt.Sprintf("user:person%04d@example.com", i), graphmodel.KindWorkspaceUser, customer))
	}
	for i := 0; i < 300; i++ {
		gcpGroups = append(gcpGroups, add(fmt.Sprintf("group:team%03d@example.com", i), graphmodel.KindGCPGroup, customer))
	}
	for p := 0; p < 20/scale; p++ {
		s := &scope{id: add(fmt.Sprintf("gcp:project:prod-%02d", p), graphmodel.KindGCPProject, "")}
		for i := 0; i < 700; i++ {
			s.idents = append(s.idents, add(fmt.Sprintf("serviceAccount:sa-%04d@prod-%02d.iam.gserviceaccount.com", i, p), graphmodel.KindGCPServiceAccount, s.id))
		}
		for i := 0; i < 1500; i++ {
			s.res = append(s.res, add(fmt.Sprintf("//storage.googleapis.com/projects/prod-%02d/buckets/b-%04d", p, i), graphmodel.KindGCPResource, s.id))
		}
		s.nonHumans = s.idents
		for _, sa := range s.idents {
			if rng.Intn(2) == 0 {
				edge(sa, pick(s.idents), graphmodel.EdgeCanBecome, "gcp-impersonate", "")
			}
		}
		gcp = append(gcp, s)
	}
	for _, u := range wsUsers {
		for k := 0; k < 3; k++ {
			snap.Edges = append(snap.Edges, memberOf(u, pick(gcpGroups)))
		}
		edge(u, pick(pick0(gcp, rng).idents), graphmodel.EdgeCanBecome, "gcp-impersonate", "")
		for k := 0; k < 5; k++ {
			edge(u, pick(pick0(gcp, rng).res), graphmodel.EdgeCanAccess, "gcs-access", pick0(levels, rng))
		}
	}
	for _, g := range gcpGroups {
		for k := 0; k < 10; k++ {
			edge(g, pick(pick0(gcp, rng).res), graphmodel.EdgeCanAccess, "gcs-access", pick0(levels, rng))
		}
		edge(g, pick(pick0(gcp, rng).idents), graphmodel.EdgeCanBecome, "gcp-impersonate", "")
	}
	var clusters []string
	for c := 0; c < 4/scale; c++ {
		cluster := add(fmt.Sprintf("k8s:cluster:prod-%d", c), graphmodel.KindK8sCluster, "")
		clusters = append(clusters, cluster)
		for n := 0; n < 20; n++ {
			// A namespace has no node kind: it is a scope because its
			// members name it.
			s := &scope{id: fmt.Sprintf("k8s:namespace:prod-%d/ns-%02d", c, n)}
			for i := 0; i < 40; i++ {
				s.idents = append(s.idents, add(fmt.Sprintf("system:serviceaccount:prod-%d:ns-%02d:sa-%02d", c, n, i), graphmodel.KindK8sServiceAccount, s.id))
				s.res = append(s.res, add(fmt.Sprintf("k8s:secret:prod-%d/ns-%02d/secret-%02d", c, n, i), graphmodel.KindK8sResource, s.id))
			}
			s.nonHumans = s.idents
			k8s = append(k8s, s)
		}
	}
	var repos []string
	for i := 0; i < 500; i++ {
		repos = append(repos, add(fmt.Sprintf("github:repo:acme/service-%03d", i), graphmodel.KindGitHubRepo, ""))
	}
	all = append(append(append(all, aws...), gcp...), k8s...)

	// Access: mostly inside the identity's own scope.
	for _, s := range all {
		per := 10
		if strings.HasPrefix(s.id, "gcp:") {
			per = 15
		}
		for _, id := range s.idents {
			for k := 0; k < per; k++ {
				target := s
				if rng.Intn(100) < 3 {
					target = pick0(all, rng)
				}
				edge(id, pick(target.res), graphmodel.EdgeCanAccess, "access", pick0(levels, rng))
			}
			switch r := rng.Intn(1000); {
			case r < 30: // about 3% administer their scope
				if strings.HasPrefix(s.id, "k8s:") && r < 10 {
					edge(id, clusters[rng.Intn(len(clusters))], graphmodel.EdgeAdminOf, "cluster-admin", "")
				} else {
					edge(id, s.id, graphmodel.EdgeAdminOf, "admin-policy", "")
				}
			case r < 40:
				edge(id, pick(s.idents), graphmodel.EdgeCanGrantAdmin, "iam-attach", "")
			}
		}
	}
	// Cross-cloud and cross-account can_become.
	for i := 0; i < 5000; i++ {
		edge(pick(pick0(aws, rng).nonHumans), pick(pick0(aws, rng).nonHumans), graphmodel.EdgeCanBecome, "sts-001", "")
	}
	for i := 0; i < 2000; i++ {
		edge(pick(pick0(k8s, rng).idents), pick(pick0(aws, rng).nonHumans), graphmodel.EdgeCanBecome, "irsa", "")
	}
	for i := 0; i < 1500; i++ {
		edge(pick(pick0(k8s, rng).idents), pick(pick0(gcp, rng).idents), graphmodel.EdgeCanBecome, "workload-identity", "")
	}
	for i := 0; i < 1500; i++ {
		edge(pick(repos), pick(pick0(aws, rng).nonHumans), graphmodel.EdgeCanBecome, "github-oidc", "")
	}
	for i := 0; i < 1000; i++ {
		edge(pick(pick0(gcp, rng).idents), pick(pick0(aws, rng).nonHumans), graphmodel.EdgeCanBecome, "gcp-oidc", "")
	}
	for i := 0; i < 1000; i++ {
		edge(pick(pick0(aws, rng).nonHumans), pick(pick0(k8s, rng).idents), graphmodel.EdgeCanBecome, "aws-auth", "")
	}
	return snap, d, len(snap.Edges) + len(d.edges)
}

func pick0[T any](list []T, rng *rand.Rand) T { return list[rng.Intn(len(list))] }

// peakRSS returns the process's peak resident memory in MiB (Linux), or 0.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkAnalyzeMillion analyzes the merged multi-cloud estate of about a
// million edges (multiCloudEstate) at --detail summary: the whole Analyze,
// deriver output to ranked result. It reports seconds per analysis,
// identities per second, the edge count and the process's peak memory
// (which includes the generated estate). Target: under 60 s on 2 cores.
func BenchmarkAnalyzeMillion(b *testing.B) {
	identities, edges := 0, 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// A fresh estate each time, whose edges the deriver hands over as a
		// real one does (no copy kept: the peak is the analysis's).
		b.StopTimer()
		snap, d, n := multiCloudEstate(1)
		d.owned, edges = true, n
		opts := Options{Derivers: []Deriver{d}, Now: time.Unix(0, 0).UTC()}
		b.StartTimer()
		start := time.Now()
		g, err := Prepare(context.Background(), snap, opts)
		if err != nil {
			b.Fatal(err)
		}
		prepared := time.Since(start)
		res, err := g.Result(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		identities = len(res.Identities)
		b.ReportMetric(prepared.Seconds(), "prepare-s")
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs, "s")
	b.ReportMetric(float64(identities)/secs, "identities/s")
	b.ReportMetric(float64(edges), "edges")
	b.ReportMetric(peakRSS(), "peak-MiB")
}

// BenchmarkAnalyzeQuarterMillion is BenchmarkAnalyzeMillion on a quarter of
// the scopes, for quicker profiles.
func BenchmarkAnalyzeQuarterMillion(b *testing.B) {
	snap, d, _ := multiCloudEstate(4)
	opts := Options{Derivers: []Deriver{d}, Now: time.Unix(0, 0).UTC()}
	for i := 0; i < b.N; i++ {
		if _, err := Analyze(context.Background(), snap, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyzeQuarterMillionTop is BenchmarkAnalyzeQuarterMillion with
// Options.Top (analyze --top 20): the lists of the first 20 identities
// only, and for the others the counts, whose full closures extend the
// certain ones (reacher.extend).
func BenchmarkAnalyzeQuarterMillionTop(b *testing.B) {
	snap, d, _ := multiCloudEstate(4)
	opts := Options{Derivers: []Deriver{d}, Now: time.Unix(0, 0).UTC(), Top: 20}
	for i := 0; i < b.N; i++ {
		if _, err := Analyze(context.Background(), snap, opts); err != nil {
			b.Fatal(err)
		}
	}
}
