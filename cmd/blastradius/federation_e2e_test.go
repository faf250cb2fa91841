package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// collectFederation collects the parts of a case of
// analysis/crosscloud/testdata made by scripts/gen-federation-fixtures.py
// with the binary, each into a snapshot of its own: the GKE cluster
// (cluster.json, collected as prod-gke), the GCP export (gcp/), the AWS
// account (aws/). It returns the directory and the snapshots' names.
func collectFederation(t *testing.T, name string, parts ...string) (dir string, snaps []string) {
	t.Helper()
	fixture, err := filepath.Abs(filepath.Join("..", "..", "analysis", "crosscloud", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	for _, part := range parts {
		var args []string
		switch part {
		case "k8s":
			args = []string{"collect", "kubernetes", "--from-file", filepath.Join(fixture, "cluster.json"), "--cluster-name", "prod-gke", "-o", "k8s.snap.json"}
		case "gcp":
			args = []string{"collect", "gcp", "--from-file", filepath.Join(fixture, "gcp", "resources.jsonl"),
				"--from-file", filepath.Join(fixture, "gcp", "iam-policy.jsonl"), "-o", "gcp.snap.json"}
		case "aws":
			args = []string{"collect", "aws", "--from-dir", filepath.Join(fixture, "aws"), "-o", "aws.snap.json"}
		default:
			t.Fatalf("no part %q", part)
		}
		if res := runCLI(t, dir, args...); res.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, res.code, res.stderr)
		}
		snaps = append(snaps, args[len(args)-1])
	}
	return dir, snaps
}

// TestFederationChains shows, with the binary on merged snapshots, the
// chains of GKE Workload Identity and GitHub Actions federation: a
// Kubernetes service account → (its workload pool principal) → a GCP
// service account → project owner; a GitHub repository → an AWS role →
// account administrator; a GitHub repository → (its pool principal set)
// → a GCP service account → project owner.
func TestFederationChains(t *testing.T) {
	const (
		project  = "gcp:project:prod-app"
		deployer = "gcp:serviceAccount:deployer@prod-app.iam.gserviceaccount.com"
		account  = "aws:account:111122223333"
		repo     = "github:repo:acme/deploy"
		ghSet    = "gcp:principalSet://iam.googleapis.com/projects/400000000022/locations/global/workloadIdentityPools/github/attribute.repository/acme/deploy"
	)
	t.Run("Kubernetes service account → GCP service account → project owner", func(t *testing.T) {
		dir, snaps := collectFederation(t, "gke-workload-identity", "k8s", "gcp")
		from := "k8s:prod-gke:serviceaccount:prod:app"
		paths := pathsJSON(t, dir, snaps, "--from", from, "--to-admin")
		if len(paths) != 1 || paths[0].Target != project || paths[0].Conditional {
			t.Fatalf("paths = %+v", paths)
		}
		checkHops(t, from, paths[0].Path, "gke-workload-identity gcp:principal:prod-app.svc.id.goog[prod/app]",
			"iam.serviceAccounts.getAccessToken "+deployer, "resourcemanager.projects.setIamPolicy "+project)
		if ev := paths[0].Path[1].Evidence; !strings.Contains(ev, "roles/iam.workloadIdentityUser") {
			t.Errorf("the hop to the GCP service account cites %q, not the workloadIdentityUser binding", ev)
		}
		table := runCLI(t, dir, append(append([]string{"paths"}, snaps...), "--from", from, "--to", deployer)...)
		if table.code != 0 || !strings.Contains(table.stdout, "--gke-workload-identity--> gcp:principal:prod-app.svc.id.goog[prod/app]") {
			t.Errorf("table (exit %d):\n%s%s", table.code, table.stdout, table.stderr)
		}
	})
	t.Run("near miss: annotated without a binding", func(t *testing.T) {
		dir, snaps := collectFederation(t, "gke-near-miss-annotation-only", "k8s", "gcp")
		if paths := pathsJSON(t, dir, snaps, "--from", "k8s:prod-gke:serviceaccount:prod:app", "--to-admin"); len(paths) != 0 {
			t.Errorf("paths = %+v, want none", paths)
		}
	})
	t.Run("GitHub repository → AWS role → account administrator", func(t *testing.T) {
		dir, snaps := collectFederation(t, "github-aws-branch", "aws")
		paths := pathsJSON(t, dir, snaps, "--from", repo, "--to-admin")
		if len(paths) != 1 || paths[0].Target != account || paths[0].Conditional {
			t.Fatalf("paths = %+v", paths)
		}
		checkHops(t, repo, paths[0].Path, "sts:AssumeRoleWithWebIdentity arn:aws:iam::111122223333:role/deploy", "admin-equivalent-policy "+account)
	})
	t.Run("GitHub repository → GCP service account → project owner", func(t *testing.T) {
		dir, snaps := collectFederation(t, "github-gcp-repository", "gcp")
		paths := pathsJSON(t, dir, snaps, "--from", repo, "--to-admin")
		if len(paths) != 1 || paths[0].Target != project || paths[0].Conditional {
			t.Fatalf("paths = %+v", paths)
		}
		checkHops(t, repo, paths[0].Path, "github-actions-wif "+ghSet,
			"iam.serviceAccounts.getAccessToken "+deployer, "resourcemanager.projects.setIamPolicy "+project)
	})
	t.Run("one repository node for both clouds, with the finding of the broad trust", func(t *testing.T) {
		dir, snaps := collectFederation(t, "github-both-clouds", "aws", "gcp")
		res := runCLI(t, dir, append(append([]string{"analyze"}, snaps...), "--format", "json", "--detail", "full")...)
		if res.code != 0 {
			t.Fatalf("analyze: exit %d: %s", res.code, res.stderr)
		}
		var doc struct {
			Identities []struct {
				ID, Kind, Provider string
				AdminOf            []string `json:"admin_of"`
				Hygiene            *struct{ Findings []string }
			}
		}
		if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, id := range doc.Identities {
			if id.Kind != "github.repo" {
				continue
			}
			n++
			if id.ID != repo || id.Provider != "github" || strings.Join(id.AdminOf, " ") != account+" "+project {
				t.Errorf("repository identity %+v, want %s administering %s and %s", id, repo, account, project)
			}
			if id.Hygiene == nil || len(id.Hygiene.Findings) == 0 || !strings.HasPrefix(id.Hygiene.Findings[0], "NHI6: federated trust admits any branch of acme/deploy") {
				t.Errorf("hygiene %+v, want the NHI6 finding of the GCP trust", id.Hygiene)
			}
		}
		if n != 1 {
			t.Errorf("%d repository identities, want 1", n)
		}
	})
}
