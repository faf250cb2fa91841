package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// collectCrossCloud collects a case of analysis/crosscloud/testdata (a
// cluster's kubectl List and its AWS account's offline directory) with
// the binary, each into a snapshot of its own, and returns their paths.
func collectCrossCloud(t *testing.T, name string) (dir string, snaps []string) {
	t.Helper()
	fixture, err := filepath.Abs(filepath.Join("..", "..", "analysis", "crosscloud", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	for _, args := range [][]string{
		{"collect", "kubernetes", "--from-file", filepath.Join(fixture, "cluster.json"), "--cluster-name", "prod-eu", "-o", "k8s.snap.json"},
		{"collect", "aws", "--from-dir", filepath.Join(fixture, "aws"), "-o", "aws.snap.json"},
	} {
		if res := runCLI(t, dir, args...); res.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, res.code, res.stderr)
		}
		snaps = append(snaps, args[len(args)-1])
	}
	return dir, snaps
}

// pathsJSON runs paths on merged snapshots and returns its answer.
func pathsJSON(t *testing.T, dir string, snaps []string, args ...string) []struct {
	Target      string
	Conditional bool
	Path        []struct{ From, To, Technique, Evidence string }
} {
	t.Helper()
	res := runCLI(t, dir, append(append([]string{"paths"}, snaps...), append(args, "--format", "json")...)...)
	if res.code != 0 {
		t.Fatalf("paths %v: exit %d: %s", args, res.code, res.stderr)
	}
	var doc struct {
		Paths []struct {
			Target      string
			Conditional bool
			Path        []struct{ From, To, Technique, Evidence string }
		}
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	return doc.Paths
}

// checkHops compares a path's hops with want, "technique to" each.
func checkHops(t *testing.T, from string, hops []struct{ From, To, Technique, Evidence string }, want ...string) {
	t.Helper()
	var got []string
	at := from
	for _, h := range hops {
		got = append(got, h.Technique+" "+h.To)
		if h.From != at || h.Evidence == "" {
			t.Errorf("hop %s -%s-> %s starts at %s or lacks evidence (%q)", h.From, h.Technique, h.To, at, h.Evidence)
		}
		at = h.To
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("path from %s:\n%s\nwant\n%s", from, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestKubernetesAWSChains shows, with the binary on merged snapshots of a
// cluster and its AWS account, the three chains across the two: a
// service account to an IAM role to the account's administrator; an IAM
// role to system:masters to the cluster's administrator; pod creation in
// a namespace that admits privileged pods to a node, to another
// namespace's service account, to an IAM role.
func TestKubernetesAWSChains(t *testing.T) {
	const (
		account = "aws:account:111122223333"
		cluster = "k8s:cluster:prod-eu"
		app     = "k8s:prod-eu:serviceaccount:prod:app"
		role    = "arn:aws:iam::111122223333:role/"
	)
	t.Run("service account → IAM role → account administrator", func(t *testing.T) {
		dir, snaps := collectCrossCloud(t, "irsa-exact")
		paths := pathsJSON(t, dir, snaps, "--from", app, "--to-admin")
		if len(paths) != 1 || paths[0].Target != account || paths[0].Conditional {
			t.Fatalf("paths = %+v", paths)
		}
		checkHops(t, app, paths[0].Path, "eks-irsa "+role+"payments-admin", "admin-equivalent-policy "+account)
	})
	t.Run("IAM role → system:masters → cluster administrator", func(t *testing.T) {
		dir, snaps := collectCrossCloud(t, "aws-auth-masters")
		from := role + "ci-deployer"
		paths := pathsJSON(t, dir, snaps, "--from", from, "--to-admin")
		if len(paths) != 1 || paths[0].Target != cluster || paths[0].Conditional {
			t.Fatalf("paths = %+v", paths)
		}
		checkHops(t, from, paths[0].Path, "eks-aws-auth k8s:prod-eu:group:system:masters", "cluster_admin "+cluster)
	})
	t.Run("pod creation in a privileged namespace → node → another namespace's service account → IAM role", func(t *testing.T) {
		dir, snaps := collectCrossCloud(t, "privileged-namespace-chain")
		from := "k8s:prod-eu:serviceaccount:dev:attacker"
		paths := pathsJSON(t, dir, snaps, "--from", from, "--to-admin")
		if len(paths) != 1 || paths[0].Target != account || paths[0].Conditional {
			t.Fatalf("paths = %+v", paths)
		}
		checkHops(t, from, paths[0].Path, "POD_CREATE k8s:prod-eu:node:node-a", "TOKEN_STEAL "+app,
			"eks-irsa "+role+"payments-admin", "admin-equivalent-policy "+account)
		table := runCLI(t, dir, append(append([]string{"paths"}, snaps...), "--from", from, "--to", role+"payments-admin")...)
		if table.code != 0 || !strings.Contains(table.stdout, "--POD_CREATE--> k8s:prod-eu:node:node-a") {
			t.Errorf("table (exit %d):\n%s%s", table.code, table.stdout, table.stderr)
		}
	})
}
