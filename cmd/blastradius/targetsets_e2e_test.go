package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/providers"
)

// The estate of gaadSharedTargets.
const (
	tsRole      = "arn:aws:iam::111111111111:role/"
	tsDeployerB = tsRole + "deployer-b"
	tsAppAPI    = tsRole + "app-api" // the target set's first member
	tsAppWeb    = tsRole + "app-web"
	tsVault     = tsRole + "vault"
)

// gaadSharedTargets is an export where three deployer roles may each assume
// the three app roles (app-api, app-jobs, app-web: "app-*", trusting the
// account): the analysis records the nine can_become edges as one edge per
// deployer into a target set of the app roles. Only app-web may put a
// policy on the vault role.
func gaadSharedTargets() []byte {
	role := func(name, trust, statements string) string {
		inline := "[]"
		if statements != "" {
			inline = fmt.Sprintf(`[{"PolicyName": "inline", "PolicyDocument": {"Version": "2012-10-17", "Statement": [%s]}}]`, statements)
		}
		return fmt.Sprintf(`{
      "Path": "/", "RoleName": %q, "RoleId": "AROA%sEXAMPLE", "Arn": "%s%s",
      "CreateDate": "2024-01-02T03:04:05Z",
      "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": %s, "Action": "sts:AssumeRole"}]},
      "InstanceProfileList": [], "RolePolicyList": %s, "AttachedManagedPolicies": [], "Tags": []
    }`, name, strings.ToUpper(strings.ReplaceAll(name, "-", "")), tsRole, name, trust, inline)
	}
	const (
		ec2         = `{"Service": "ec2.amazonaws.com"}`
		account     = `{"AWS": "arn:aws:iam::111111111111:root"}`
		assumeApps  = `{"Sid": "AssumeApps", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111111111111:role/app-*"}`
		logs        = `{"Sid": "Logs", "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}`
		vaultPolicy = `{"Sid": "VaultPolicy", "Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "arn:aws:iam::111111111111:role/vault"}`
	)
	roles := []string{
		role("deployer-a", ec2, assumeApps),
		role("deployer-b", ec2, assumeApps),
		role("deployer-c", ec2, assumeApps),
		role("app-api", account, logs),
		role("app-jobs", account, logs),
		role("app-web", account, logs+", "+vaultPolicy),
		role("vault", ec2, ""),
	}
	return fmt.Appendf(nil, `{
  "UserDetailList": [], "GroupDetailList": [],
  "RoleDetailList": [
    %s
  ],
  "Policies": [], "IsTruncated": false
}
`, strings.Join(roles, ",\n    "))
}

// hopJSON is one hop of a paths or who-can answer.
type hopJSON struct{ From, To, Technique, Evidence string }

// TestPathsAndWhoCanThroughTargetSets checks that paths and who-can prove a
// target the analysis reaches only through a target set by name: the hop
// names the member, never the set, and cites the statement and the
// member's own trust policy (the {target} of the set edge's evidence
// replaced by the member, not by the set's first member).
func TestPathsAndWhoCanThroughTargetSets(t *testing.T) {
	work := t.TempDir()
	if res := runCLI(t, work, "collect", "aws", "--from-dir", writeExport(t, gaadSharedTargets()), "-o", "shared.snap.json"); res.code != 0 {
		t.Fatalf("collect: exit %d: %s", res.code, res.stderr)
	}
	requireSetReached(t, filepath.Join(work, "shared.snap.json"), tsDeployerB, tsAppWeb)

	trust := tsAppWeb + " trust policy statement 0"
	statement := tsDeployerB + "#inline:inline statement 0 (Sid AssumeApps): allows sts:AssumeRole"
	provesAppWeb := func(h hopJSON, from string) bool {
		return h.From == from && h.To == tsAppWeb && h.Technique == "sts-001" &&
			strings.Contains(h.Evidence, trust) && strings.Contains(h.Evidence, strings.TrimPrefix(statement, tsDeployerB)) &&
			!strings.Contains(h.Evidence, tsAppAPI) && !strings.Contains(h.Evidence, "{target}") && !strings.Contains(h.Evidence, "target-set:")
	}

	// paths, JSON and table.
	p := runCLI(t, work, "paths", "shared.snap.json", "--from", tsDeployerB, "--to", tsAppWeb, "--format", "json")
	if p.code != 0 {
		t.Fatalf("paths: exit %d: %s", p.code, p.stderr)
	}
	noTargetSet(t, "paths --format json", p.stdout)
	var paths struct {
		Paths []struct {
			Target string
			Path   []hopJSON
		}
	}
	if err := json.Unmarshal([]byte(p.stdout), &paths); err != nil {
		t.Fatal(err)
	}
	if len(paths.Paths) != 1 || paths.Paths[0].Target != tsAppWeb || len(paths.Paths[0].Path) != 1 || !provesAppWeb(paths.Paths[0].Path[0], tsDeployerB) {
		t.Errorf("paths --from %s --to %s = %+v, want one hop to app-web citing %q and %q", tsDeployerB, tsAppWeb, paths.Paths, statement, trust)
	}
	table := runCLI(t, work, "paths", "shared.snap.json", "--from", tsDeployerB, "--to", tsAppWeb)
	if table.code != 0 {
		t.Fatalf("paths (table): exit %d: %s", table.code, table.stderr)
	}
	noTargetSet(t, "paths", table.stdout)
	if !strings.Contains(table.stdout, tsDeployerB+" --sts-001--> "+tsAppWeb) || !strings.Contains(table.stdout, statement) || !strings.Contains(table.stdout, trust) {
		t.Errorf("paths (table) does not prove the hop to app-web:\n%s", table.stdout)
	}

	// who-can on the member itself: every deployer, directly.
	whoCan := func(action, resource string) []struct {
		Identity string
		Path     []hopJSON
	} {
		t.Helper()
		w := runCLI(t, work, "who-can", "shared.snap.json", "--action", action, "--resource", resource, "--format", "json", "--detail", "full")
		if w.code != 0 {
			t.Fatalf("who-can %s %s: exit %d: %s", action, resource, w.code, w.stderr)
		}
		noTargetSet(t, "who-can "+action+" --format json", w.stdout)
		var who struct {
			Identities []struct {
				Identity string
				Path     []hopJSON
			}
		}
		if err := json.Unmarshal([]byte(w.stdout), &who); err != nil {
			t.Fatal(err)
		}
		return who.Identities
	}
	found := false
	for _, id := range whoCan("sts:AssumeRole", tsAppWeb) {
		if id.Identity == tsDeployerB {
			found = len(id.Path) == 1 && id.Path[0].From == tsDeployerB && id.Path[0].To == tsAppWeb && strings.Contains(id.Path[0].Evidence, statement)
		}
	}
	if !found {
		t.Errorf("who-can sts:AssumeRole on %s does not list %s with one hop citing %q", tsAppWeb, tsDeployerB, statement)
	}

	// who-can on what only the member can touch: the deployer, through
	// the hop the target set stands for, then the member's own statement.
	found = false
	for _, id := range whoCan("iam:PutRolePolicy", tsVault) {
		if id.Identity == tsDeployerB {
			found = len(id.Path) == 2 && provesAppWeb(id.Path[0], tsDeployerB) &&
				id.Path[1].From == tsAppWeb && id.Path[1].To == tsVault && strings.Contains(id.Path[1].Evidence, "(Sid VaultPolicy)")
			if !found {
				t.Errorf("who-can iam:PutRolePolicy on %s: %s's path %+v, want the hop to app-web citing %q and %q, then app-web's statement", tsVault, tsDeployerB, id.Path, statement, trust)
			}
		}
	}
	if !found {
		t.Errorf("who-can iam:PutRolePolicy on %s does not list %s", tsVault, tsDeployerB)
	}
	w := runCLI(t, work, "who-can", "shared.snap.json", "--action", "iam:PutRolePolicy", "--resource", tsVault)
	if w.code != 0 {
		t.Fatalf("who-can (table): exit %d: %s", w.code, w.stderr)
	}
	noTargetSet(t, "who-can", w.stdout)
	if !regexp.MustCompile(regexp.QuoteMeta(tsDeployerB) + `\s.*\s2\s+sts-001 → ` + regexp.QuoteMeta(tsAppWeb)).MatchString(w.stdout) {
		t.Errorf("who-can (table) does not list %s via sts-001 → app-web:\n%s", tsDeployerB, w.stdout)
	}
}

// requireSetReached fails the test unless the analysis of the snapshot
// reaches member from `from` only through a target set: the fixture must
// keep exercising target sets.
func requireSetReached(t *testing.T, path, from, member string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := graphmodel.Decode(path, data)
	if err != nil {
		t.Fatal(err)
	}
	g, err := analysis.Prepare(context.Background(), snap, analysis.Options{Derivers: providers.Derivers(providers.All())})
	if err != nil {
		t.Fatal(err)
	}
	_, edges := g.Derived()
	sets := map[string]bool{} // the sets that include member
	for _, e := range edges {
		if e.Kind == graphmodel.EdgeIncludes && e.To == member {
			sets[e.From] = true
		}
	}
	entered := false
	for _, e := range edges {
		switch {
		case e.From == from && e.To == member:
			t.Fatalf("the analysis has an edge %s -%s-> %s of its own: the fixture no longer tests target sets", from, e.Kind, member)
		case e.From == from && sets[e.To]:
			entered = true
		}
	}
	if !entered {
		t.Fatalf("the analysis does not reach %s from %s through a target set (sets including it: %v): the fixture no longer tests target sets", member, from, sets)
	}
}

// noTargetSet fails the test when out shows a target set or the
// placeholder of its evidence: analysis results never do.
func noTargetSet(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range []string{"target-set:", graphmodel.TargetPlaceholder, "target_set"} {
		if i := strings.Index(out, s); i >= 0 {
			t.Errorf("%s shows %q: …%s…", what, s, out[max(0, i-200):min(len(out), i+100)])
		}
	}
}

// TestDemoOutputsHideTargetSets runs analyze, paths, who-can and viz on the
// demo, whose analysis groups targets into sets (checked with --debug),
// including queries whose answers pass through a set: no output shows a
// set's ID or the {target} placeholder.
func TestDemoOutputsHideTargetSets(t *testing.T) {
	const (
		alice      = "arn:aws:iam::111122223333:user/alice.nguyen"
		grace      = "arn:aws:iam::111122223333:user/grace.lee"
		readonly   = "arn:aws:iam::111122223333:role/acme-support-readonly"
		breakGlass = "arn:aws:iam::111122223333:role/break-glass-admin"
	)
	debug := runCLI(t, "", "analyze", "--demo", "--format", "json", "--debug")
	m := regexp.MustCompile(`msg="targets grouped" sets=(\d+)`).FindStringSubmatch(debug.stderr)
	if debug.code != 0 || m == nil {
		t.Fatalf("analyze --demo --debug: exit %d, no \"targets grouped\" line:\n%s", debug.code, debug.stderr)
	}
	if n, _ := strconv.Atoi(m[1]); n == 0 {
		t.Fatal("the demo's analysis makes no target set: the test proves nothing")
	}
	runs := [][]string{
		{"analyze", "--demo", "--format", "json", "--detail", "full"},
		{"analyze", "--demo", "--format", "table"},
		{"analyze", "--demo", "--format", "markdown", "--detail", "full"},
		{"analyze", "--demo", "--format", "sarif", "--detail", "full"},
		{"analyze", "--demo", "--format", "html"},
		{"paths", "--demo", "--from", alice, "--to", readonly, "--format", "json"},
		{"paths", "--demo", "--from", grace, "--to-admin", "--format", "json"},
		{"paths", "--demo", "--from", grace, "--to-admin"},
		{"who-can", "--demo", "--action", "sts:AssumeRole", "--resource", breakGlass, "--format", "json", "--detail", "full"},
		{"who-can", "--demo", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::acme-app-logs", "--format", "json", "--detail", "full"},
		{"viz", "--demo", "--format", "dot"},
		{"viz", "--demo", "--format", "mermaid"},
		{"viz", "--demo", "--format", "html", "--focus", readonly, "--depth", "1"},
	}
	stdout := map[string]string{} // by the run's arguments
	for _, args := range runs {
		res := runCLI(t, "", args...)
		if res.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, res.code, res.stderr)
		}
		noTargetSet(t, strings.Join(args, " "), res.stdout)
		stdout[strings.Join(args, " ")] = res.stdout
	}
	// alice assumes acme-support-readonly through a set whose first member
	// is acme-support-escalations: the hop cites readonly's own trust.
	out := stdout[strings.Join([]string{"paths", "--demo", "--from", alice, "--to", readonly, "--format", "json"}, " ")]
	var paths struct{ Paths []struct{ Path []hopJSON } }
	if err := json.Unmarshal([]byte(out), &paths); err != nil {
		t.Fatal(err)
	}
	if len(paths.Paths) != 1 || len(paths.Paths[0].Path) != 1 || paths.Paths[0].Path[0].To != readonly ||
		!strings.HasPrefix(paths.Paths[0].Path[0].Evidence, readonly+" trust policy statement 0: admits "+alice) {
		t.Errorf("paths --from %s --to %s = %+v, want one hop citing %s's trust policy", alice, readonly, paths.Paths, readonly)
	}
}
