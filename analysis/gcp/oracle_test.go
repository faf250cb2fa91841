package gcp_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	gcpanalysis "github.com/blastradius/blastradius/analysis/gcp"
	gcpcollect "github.com/blastradius/blastradius/collectors/gcp"
	"github.com/blastradius/blastradius/graphmodel"
)

// reach flattens derived edges into what each principal reaches in one
// step, by itself or through what it is a member of (groups, domains, pool
// sets, permission sets, transitively) or through the public (what
// allUsers and allAuthenticatedUsers reach, anyone does): "from kind
// technique to", with the strongest certainty, and for resources the
// strongest access, certain and at all.
func reach(t *testing.T, nodes []graphmodel.Node, edges []graphmodel.Edge) []string {
	t.Helper()
	out := map[string][]graphmodel.Edge{}
	memberOf := map[string][]string{}
	froms := map[string]bool{}
	for _, e := range edges {
		if e.Kind == graphmodel.EdgeMemberOf {
			memberOf[e.From] = append(memberOf[e.From], e.To)
		} else {
			out[e.From] = append(out[e.From], e)
		}
		froms[e.From] = true
	}
	public := []string{gcpanalysis.AllUsersID, gcpanalysis.AllAuthenticatedUsersID}
	best := map[string]bool{}     // key → certain
	access := map[string][2]int{} // key → strongest certain, strongest access
	for from := range froms {
		if strings.HasPrefix(from, "gcp:permission-set:") {
			continue
		}
		seen := map[string]bool{}
		stack := append([]string{from}, public...)
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[n] {
				continue
			}
			seen[n] = true
			stack = append(stack, memberOf[n]...)
			for _, e := range out[n] {
				if e.To == from {
					continue
				}
				if e.Kind == graphmodel.EdgeCanAccess {
					// Access to a resource is its strongest level, certain
					// and at all: which permission proves a weaker one
					// besides does not matter.
					k := fmt.Sprintf("%s can_access %s", from, e.To)
					if r := e.Access.Rank(); r > access[k][1] {
						access[k] = [2]int{access[k][0], r}
					}
					if r := e.Access.Rank(); !e.Conditional && r > access[k][0] {
						access[k] = [2]int{r, access[k][1]}
					}
					continue
				}
				k := fmt.Sprintf("%s %s %s %s", from, e.Kind, e.Technique, e.To)
				best[k] = best[k] || !e.Conditional
			}
		}
	}
	list := make([]string, 0, len(best))
	for k, certain := range best {
		list = append(list, fmt.Sprintf("%s %v", k, certain))
	}
	for k, a := range access {
		list = append(list, fmt.Sprintf("%s certain %d at all %d", k, a[0], a[1]))
	}
	sort.Strings(list)
	return list
}

// TestOracle: the uniform decision of a project and permission sets give
// the same edges, member by member, as deciding every target for every
// principal; on every fixture and on an estate where sets form.
func TestOracle(t *testing.T) {
	check := func(t *testing.T, snap *graphmodel.Snapshot) {
		ctx := context.Background()
		fn, fe, err := gcpanalysis.NewWithMinSet(fixedNow, 2).Derive(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		rn, re, err := gcpanalysis.NewPerPrincipal(fixedNow).Derive(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		fast, ref := reach(t, fn, fe), reach(t, rn, re)
		if strings.Join(fast, "\n") != strings.Join(ref, "\n") {
			t.Errorf("fast:\n  %s\nreference:\n  %s", strings.Join(fast, "\n  "), strings.Join(ref, "\n  "))
		}
	}
	for _, s := range scenarios() {
		t.Run(s.name, func(t *testing.T) { check(t, snapshotOf(t, s.name)) })
	}
}

// randomEstate returns the exports of a generated estate: four projects in
// two folders, service accounts, vehicles, buckets and secrets in each,
// and bindings of many roles to many members at every level, some under
// conditions, with a deny policy.
func randomEstate(seed uint64) (resources, policies []byte) {
	rng := rand.New(rand.NewPCG(seed, 7))
	var res, pol bytes.Buffer
	orgA := "organizations/" + orgNum
	type lvl struct {
		name, typ string
		anc       []string
	}
	var levels []lvl
	rec := func(w *bytes.Buffer, l lvl, key string, v any) {
		record(w, map[string]any{"name": l.name, "asset_type": l.typ, "ancestors": l.anc, "update_time": updateTime, key: v})
	}
	data := func(v map[string]any) map[string]any { return map[string]any{"version": "v1", "data": v} }
	org := lvl{"//cloudresourcemanager.googleapis.com/" + orgA, "cloudresourcemanager.googleapis.com/Organization", []string{orgA}}
	rec(&res, org, "resource", data(map[string]any{"name": orgA, "displayName": "example.com"}))
	levels = append(levels, org)
	var folders []lvl
	for f := 0; f < 2; f++ {
		num := fmt.Sprintf("2000000000%02d", f)
		l := lvl{"//cloudresourcemanager.googleapis.com/folders/" + num, "cloudresourcemanager.googleapis.com/Folder", []string{"folders/" + num, orgA}}
		rec(&res, l, "resource", data(map[string]any{"name": "folders/" + num, "parent": orgA}))
		folders, levels = append(folders, l), append(levels, l)
	}
	var accounts []string
	for p := 0; p < 4; p++ {
		id, num := fmt.Sprintf("p%d", p), fmt.Sprintf("3000000000%02d", p)
		if p == 0 {
			id = "prod"
		}
		anc := []string{"projects/" + num, orgA}
		parent := map[string]any{"type": "organization", "id": orgNum}
		if p < 3 {
			anc = append([]string{"projects/" + num}, folders[p/2].anc...)
			parent = map[string]any{"type": "folder", "id": strings.TrimPrefix(folders[p/2].anc[0], "folders/")}
		}
		l := lvl{"//cloudresourcemanager.googleapis.com/projects/" + num, "cloudresourcemanager.googleapis.com/Project", anc}
		rec(&res, l, "resource", data(map[string]any{"projectNumber": num, "projectId": id, "parent": parent}))
		levels = append(levels, l)
		var local []string
		for s := 0; s < 3; s++ {
			email := fmt.Sprintf("sa%d@%s.iam.gserviceaccount.com", s, id)
			sl := lvl{"//iam.googleapis.com/projects/" + id + "/serviceAccounts/" + email, "iam.googleapis.com/ServiceAccount", anc}
			rec(&res, sl, "resource", data(map[string]any{"email": email, "uniqueId": fmt.Sprintf("1%02d%02d", p, s)}))
			levels, local = append(levels, sl), append(local, email)
		}
		accounts = append(accounts, local...)
		fn := lvl{"//cloudfunctions.googleapis.com/projects/" + id + "/locations/x/functions/fn", "cloudfunctions.googleapis.com/Function", anc}
		rec(&res, fn, "resource", data(map[string]any{"serviceConfig": map[string]any{"serviceAccountEmail": local[rng.IntN(3)]}}))
		vm := lvl{"//compute.googleapis.com/projects/" + id + "/zones/z/instances/vm", "compute.googleapis.com/Instance", anc}
		rec(&res, vm, "resource", data(map[string]any{"serviceAccounts": []any{map[string]any{"email": accounts[rng.IntN(len(accounts))]}}}))
		levels = append(levels, fn, vm)
		for b := 0; b < 2; b++ {
			bl := lvl{fmt.Sprintf("//storage.googleapis.com/%s-b%d", id, b), "storage.googleapis.com/Bucket", anc}
			rec(&res, bl, "resource", data(map[string]any{"name": fmt.Sprintf("%s-b%d", id, b)}))
			levels = append(levels, bl)
		}
		sl := lvl{"//secretmanager.googleapis.com/projects/" + num + "/secrets/s", "secretmanager.googleapis.com/Secret", anc}
		rec(&res, sl, "resource", data(map[string]any{}))
		levels = append(levels, sl)
	}
	names := make([]string, 0, len(customRoles))
	for n := range customRoles {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		rec(&res, lvl{"//iam.googleapis.com/" + n, "iam.googleapis.com/Role", []string{"projects/300000000000", orgA}}, "resource",
			data(map[string]any{"name": n, "includedPermissions": customRoles[n]}))
	}
	roles := append([]string{"roles/iam.serviceAccountTokenCreator", "roles/iam.serviceAccountUser", "roles/editor", "roles/owner",
		"roles/viewer", "roles/storage.objectViewer", "roles/storage.admin", "roles/secretmanager.secretAccessor",
		"roles/resourcemanager.folderIamAdmin", "roles/iam.roleAdmin"}, names...)
	var members []string
	for u := 0; u < 8; u++ {
		members = append(members, fmt.Sprintf("user:u%d@example.com", u))
	}
	for _, a := range accounts {
		members = append(members, "serviceAccount:"+a)
	}
	members = append(members, "group:g0@example.com", "group:g1@example.com", "domain:example.com", "allUsers", "allAuthenticatedUsers")
	conditions := []string{"", "", "", "", "", `request.time < timestamp("2025-01-01T00:00:00Z")`,
		`request.time < timestamp("2031-01-01T00:00:00Z")`, `resource.name.startsWith("projects/_/buckets/p1")`, `request.auth.claims.x == "y"`}
	bindings := map[int][]any{}
	for b := 0; b < 80; b++ {
		at := rng.IntN(len(levels))
		entry := map[string]any{"role": roles[rng.IntN(len(roles))], "members": []string{members[rng.IntN(len(members))], members[rng.IntN(len(members))]}}
		if c := conditions[rng.IntN(len(conditions))]; c != "" {
			entry["condition"] = map[string]any{"expression": c}
		}
		bindings[at] = append(bindings[at], entry)
	}
	for i, l := range levels {
		if len(bindings[i]) > 0 {
			rec(&pol, l, "iam_policy", map[string]any{"version": 3, "bindings": bindings[i]})
		}
	}
	record(&pol, map[string]any{"name": "policies/cloudresourcemanager.googleapis.com%2Fprojects%2F300000000001/denypolicies/d",
		"rules": []any{map[string]any{"denyRule": map[string]any{"deniedPrincipals": []string{"principal://goog/subject/u1@example.com"},
			"deniedPermissions": []string{"iam.googleapis.com/serviceAccounts.getAccessToken", "storage.googleapis.com/objects.get"}}}}})
	return res.Bytes(), pol.Bytes()
}

func TestOracleRandomEstates(t *testing.T) {
	sets, highSets := 0, 0
	for seed := uint64(1); seed <= 12; seed++ {
		res, pol := randomEstate(seed)
		fsys := fstest.MapFS{"resources.jsonl": {Data: res}, "policies.jsonl": {Data: pol}}
		frag, err := gcpcollect.NewOfflineFS(fsys, []string{"resources.jsonl", "policies.jsonl"}).Collect(context.Background())
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		snap := graphmodel.NewSnapshot(frag)
		ctx := context.Background()
		fn, fe, err := gcpanalysis.NewWithMinSet(fixedNow, 2).Derive(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		rn, re, err := gcpanalysis.NewPerPrincipal(fixedNow).Derive(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range fn {
			if n.Kind == gcpanalysis.KindPermissionSet {
				sets++
				if strings.Contains(n.ID, ":folders/") || strings.Contains(n.ID, ":organizations/") {
					highSets++
				}
			}
		}
		fast, ref := reach(t, fn, fe), reach(t, rn, re)
		if strings.Join(fast, "\n") != strings.Join(ref, "\n") {
			t.Errorf("seed %d: %d edges fast, %d reference; first difference: %s", seed, len(fast), len(ref), firstDiff(fast, ref))
		}
		if len(ref) < 15 {
			t.Errorf("seed %d: only %d edges: the estate tests little", seed, len(ref))
		}
	}
	if sets == 0 || highSets == 0 {
		t.Errorf("%d permission sets, %d of a folder or organization: the fast path was not exercised", sets, highSets)
	}
}

func firstDiff(a, b []string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf("fast %q, reference %q", a[i], b[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}
