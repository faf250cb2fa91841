package workspace_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/analysis"
	wsanalysis "github.com/blastradius/blastradius/analysis/workspace"
	wscollect "github.com/blastradius/blastradius/collectors/workspace"
	"github.com/blastradius/blastradius/graphmodel"
)

const customer = "workspace:customer:C0test"

func analyze(t *testing.T) *analysis.Result {
	t.Helper()
	frag, err := wscollect.NewOffline([]string{"testdata/grants.jsonl"}, "").Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	res, err := analysis.Analyze(context.Background(), graphmodel.NewSnapshot(frag), analysis.Options{
		Derivers: []analysis.Deriver{wsanalysis.New()}, Detail: analysis.DetailFull, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func identity(t *testing.T, res *analysis.Result, id string) *analysis.Identity {
	t.Helper()
	for i := range res.Identities {
		if res.Identities[i].ID == id {
			return &res.Identities[i]
		}
	}
	t.Fatalf("no identity %s", id)
	return nil
}

func resources(id *analysis.Identity) map[string]string {
	out := map[string]string{}
	for _, r := range id.ReachableResources {
		s := string(r.Access)
		if r.Conditional {
			s += "?"
		}
		out[r.ID] = s
	}
	return out
}

// TestAdminDirectoryGrants: an app a super administrator granted an admin
// directory scope that writes administers the customer; granted by a
// delegated administrator it may; granted by a user it reads the
// directory, as the user can.
func TestAdminDirectoryGrants(t *testing.T) {
	res := analyze(t)
	tool := identity(t, res, "workspace:app:admin-tool")
	if len(tool.AdminOf) != 1 || tool.AdminOf[0] != customer {
		t.Fatalf("admin tool administers %v", tool.AdminOf)
	}
	e := tool.Escalations[0]
	if e.Target != customer || len(e.Path) != 1 || e.Path[0].Technique != wsanalysis.TechAdminGrant ||
		!strings.Contains(e.Path[0].Evidence, "granted by a super administrator") || !strings.Contains(e.Path[0].Evidence, "admin.directory.user (high risk)") {
		t.Errorf("escalation %+v", e)
	}
	helpdesk := identity(t, res, "workspace:app:helpdesk-tool")
	if len(helpdesk.AdminOf) != 0 || len(helpdesk.ConditionalAdminOf) != 1 {
		t.Errorf("helpdesk tool: admin of %v, conditionally %v", helpdesk.AdminOf, helpdesk.ConditionalAdminOf)
	}
	userTool := identity(t, res, "workspace:app:user-admin-tool")
	if len(userTool.AdminOf)+len(userTool.ConditionalAdminOf) != 0 || resources(userTool)[customer+":directory"] != "read" {
		t.Errorf("user's admin tool: admin of %v, resources %v", userTool.AdminOf, resources(userTool))
	}
	root := identity(t, res, "workspace:user:root@example.com")
	if len(root.AdminOf) != 1 || root.Escalations[0].Path[0].Technique != wsanalysis.TechSuperAdmin {
		t.Errorf("root: %+v", root.AdminOf)
	}
}

// TestScopesReachData: each scope reaches its user's data at the access
// it gives; a suspended user's grant and sign-in or unknown scopes reach
// nothing; the high-risk grants weigh more in the score.
func TestScopesReachData(t *testing.T) {
	res := analyze(t)
	backup := identity(t, res, "workspace:app:backup")
	want := map[string]string{"workspace:user:ann@example.com:drive": "admin", "workspace:user:ann@example.com:mail": "read"}
	if got := resources(backup); len(got) != len(want) || got["workspace:user:ann@example.com:drive"] != "admin" || got["workspace:user:ann@example.com:mail"] != "read" {
		t.Errorf("backup reaches %v, want %v", got, want)
	}
	notes := identity(t, res, "workspace:app:notes")
	if got := resources(notes); len(got) != 1 || got["workspace:user:ann@example.com:drive-app-files"] != "write" {
		t.Errorf("notes reaches %v", got)
	}
	if old := identity(t, res, "workspace:app:old-sync"); len(old.ReachableResources) != 0 || old.BlastRadius.Score != 0 {
		t.Errorf("a suspended user's grant reaches %v", resources(old))
	}
	// drive admin 3 × 5 + mail read 1 × 5; app files write 2 × 1.
	if backup.BlastRadius.Score != 20 || notes.BlastRadius.Score != 2 {
		t.Errorf("scores: backup %v, notes %v; want 20 and 2", backup.BlastRadius.Score, notes.BlastRadius.Score)
	}
	if e := backup.Escalations; len(e) != 0 {
		t.Errorf("backup escalations %+v", e)
	}
}

func TestScopeOf(t *testing.T) {
	for scope, want := range map[string]wsanalysis.Risk{
		"https://www.googleapis.com/auth/drive":                         wsanalysis.RiskHigh,
		"https://mail.google.com/":                                      wsanalysis.RiskHigh,
		"https://www.googleapis.com/auth/gmail.modify":                  wsanalysis.RiskHigh,
		"https://www.googleapis.com/auth/gmail.readonly":                wsanalysis.RiskHigh,
		"https://www.googleapis.com/auth/admin.directory.user":          wsanalysis.RiskHigh,
		"https://www.googleapis.com/auth/admin.directory.orgunit":       wsanalysis.RiskHigh,
		"https://www.googleapis.com/auth/admin.directory.user.readonly": wsanalysis.RiskMedium,
		"https://www.googleapis.com/auth/calendar.readonly":             wsanalysis.RiskMedium,
		"https://www.googleapis.com/auth/drive.file":                    wsanalysis.RiskLow,
		"openid": wsanalysis.RiskLow,
		"https://www.googleapis.com/auth/something.new": wsanalysis.RiskLow,
	} {
		if got := wsanalysis.ScopeOf(scope).Risk; got != want {
			t.Errorf("ScopeOf(%s) risk %s, want %s", scope, got, want)
		}
	}
	if s := wsanalysis.ScopeOf("https://www.googleapis.com/auth/admin.directory.device.mobile"); !s.AdminWrite {
		t.Error("an unlisted admin directory scope that writes is not one")
	}
}

// Every technique an edge cites is in the catalogue.
func TestCatalogue(t *testing.T) {
	frag, err := wscollect.NewOffline([]string{"testdata/grants.jsonl"}, "").Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, edges, err := wsanalysis.New().Derive(context.Background(), graphmodel.NewSnapshot(frag))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, tq := range wsanalysis.Techniques() {
		known[tq.ID] = tq.Name != "" && tq.Description != "" && strings.HasPrefix(tq.Attack, "T1")
	}
	seen := map[string]bool{}
	for _, e := range edges {
		seen[e.Technique] = true
		if !known[e.Technique] {
			t.Errorf("edge %s -%s-> %s cites %q, not (fully) in the catalogue", e.From, e.Kind, e.To, e.Technique)
		}
	}
	if len(seen) != len(known) {
		t.Errorf("techniques cited %v, catalogue %v", seen, known)
	}
}
