package gcp_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"testing/fstest"

	gcpanalysis "github.com/blastradius/blastradius/analysis/gcp"
	gcpcollect "github.com/blastradius/blastradius/collectors/gcp"
	"github.com/blastradius/blastradius/graphmodel"
)

// scaleEstate is an organization of projects, each with accounts and
// buckets, where users hold roles at the organization, on each project
// and on single accounts.
func scaleEstate(projects, accounts, orgUsers, projectUsers int) *graphmodel.Snapshot {
	var res, pol bytes.Buffer
	orgA := "organizations/" + orgNum
	rec := func(w *bytes.Buffer, v map[string]any) { record(w, v) }
	rec(&res, map[string]any{"name": "//cloudresourcemanager.googleapis.com/" + orgA, "asset_type": "cloudresourcemanager.googleapis.com/Organization",
		"ancestors": []string{orgA}, "resource": map[string]any{"data": map[string]any{"name": orgA}}})
	var orgMembers []string
	for u := 0; u < orgUsers; u++ {
		orgMembers = append(orgMembers, fmt.Sprintf("user:org%d@example.com", u))
	}
	rec(&pol, map[string]any{"name": "//cloudresourcemanager.googleapis.com/" + orgA, "asset_type": "cloudresourcemanager.googleapis.com/Organization",
		"ancestors": []string{orgA}, "iam_policy": map[string]any{"bindings": []any{
			map[string]any{"role": "roles/iam.serviceAccountTokenCreator", "members": orgMembers},
			map[string]any{"role": "roles/storage.objectViewer", "members": orgMembers}}}})
	for p := 0; p < projects; p++ {
		id, num := fmt.Sprintf("p%d", p), fmt.Sprintf("4%011d", p)
		anc := []string{"projects/" + num, orgA}
		rec(&res, map[string]any{"name": "//cloudresourcemanager.googleapis.com/projects/" + num, "asset_type": "cloudresourcemanager.googleapis.com/Project",
			"ancestors": anc, "resource": map[string]any{"data": map[string]any{"projectNumber": num, "projectId": id}}})
		var members []string
		for u := 0; u < projectUsers; u++ {
			members = append(members, fmt.Sprintf("user:%s-dev%d@example.com", id, u))
		}
		rec(&pol, map[string]any{"name": "//cloudresourcemanager.googleapis.com/projects/" + num, "asset_type": "cloudresourcemanager.googleapis.com/Project",
			"ancestors": anc, "iam_policy": map[string]any{"bindings": []any{
				map[string]any{"role": "roles/editor", "members": members},
				map[string]any{"role": "roles/owner", "members": []string{"serviceAccount:sa0@" + id + ".iam.gserviceaccount.com"}}}}})
		for s := 0; s < accounts; s++ {
			email := fmt.Sprintf("sa%d@%s.iam.gserviceaccount.com", s, id)
			name := "//iam.googleapis.com/projects/" + id + "/serviceAccounts/" + email
			rec(&res, map[string]any{"name": name, "asset_type": "iam.googleapis.com/ServiceAccount", "ancestors": anc,
				"resource": map[string]any{"data": map[string]any{"email": email}}})
			rec(&pol, map[string]any{"name": name, "asset_type": "iam.googleapis.com/ServiceAccount", "ancestors": anc,
				"iam_policy": map[string]any{"bindings": []any{map[string]any{"role": "roles/iam.serviceAccountUser",
					"members": []string{fmt.Sprintf("user:%s-dev%d@example.com", id, s%max(projectUsers, 1))}}}}})
			rec(&res, map[string]any{"name": fmt.Sprintf("//storage.googleapis.com/%s-b%d", id, s), "asset_type": "storage.googleapis.com/Bucket",
				"ancestors": anc, "resource": map[string]any{"data": map[string]any{}}})
		}
	}
	fsys := fstest.MapFS{"r.jsonl": {Data: res.Bytes()}, "p.jsonl": {Data: pol.Bytes()}}
	frag, err := gcpcollect.NewOfflineFS(fsys, []string{"r.jsonl", "p.jsonl"}).Collect(context.Background())
	if err != nil {
		panic(err)
	}
	return graphmodel.NewSnapshot(frag)
}

// TestLinearInTheEstate: principals holding a technique on whole projects
// cost edges in proportion to principals plus targets, not their product.
func TestLinearInTheEstate(t *testing.T) {
	count := func(projects, accounts, users int) int {
		snap := scaleEstate(projects, accounts, users, 6)
		_, edges, err := gcpanalysis.NewAt(fixedNow).Derive(context.Background(), snap)
		if err != nil {
			t.Fatal(err)
		}
		return len(edges)
	}
	small, wide := count(4, 10, 10), count(4, 40, 40)
	// Four times the accounts and four times the principals holding
	// roles on every project: at most about four times the edges (the
	// product would be sixteen).
	t.Logf("edges: %d, then %d", small, wide)
	if wide > 5*small {
		t.Errorf("edges grew from %d to %d: quadratic", small, wide)
	}
}

// BenchmarkDerive derives an organization of 50 projects of 40 service
// accounts and buckets, 30 users holding roles on all of it and 8 on each
// project.
func BenchmarkDerive(b *testing.B) {
	snap := scaleEstate(50, 40, 30, 8)
	var edges int
	for b.Loop() {
		_, e, err := gcpanalysis.New().Derive(context.Background(), snap)
		if err != nil {
			b.Fatal(err)
		}
		edges = len(e)
	}
	b.ReportMetric(float64(edges), "edges")
}
