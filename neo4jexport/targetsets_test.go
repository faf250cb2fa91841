package neo4jexport_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	workspaceanalysis "github.com/blastradius/blastradius/analysis/workspace"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/neo4jexport"
)

// The estate of targetSetsGraph, whose steps reach their targets only
// through target sets, as the analysis writes them (graphmodel's
// EdgeIncludes, TargetPlaceholder in the evidence).
const (
	tsScope    = "aws:account:777788889999"
	tsRepo     = "github:repo:acme/app"
	tsU1       = "arn:aws:iam::777788889999:user/u1"
	tsU2       = "arn:aws:iam::777788889999:user/u2"
	tsDeployA  = "arn:aws:iam::777788889999:role/deploy-a"
	tsDeployB  = "arn:aws:iam::777788889999:role/deploy-b"
	tsRoles    = "aws:target-set:00000000000000a1"
	tsBuckets  = "aws:target-set:00000000000000b1"
	tsApp      = "workspace:app:1234.apps.googleusercontent.com"
	tsMails    = "workspace:target-set:00000000000000c1"
	tsCustomer = "workspace:customer:C0abc"
)

var tsBucketIDs = []string{"arn:aws:s3:::ts-b1", "arn:aws:s3:::ts-b2", "arn:aws:s3:::ts-b3"}

// targetSetsGraph is a small estate where every step to a role, a bucket or
// a user's mail goes through a target set:
//
//   - the GitHub repository acme/app assumes deploy-a and deploy-b (the set
//     tsRoles); deploy-b administers the account;
//   - u1 may assume them too, only with MFA (conditional); u2 may, certainly,
//     and may attach an administrator policy to either (iam-001, a grant
//     into tsRoles);
//   - u1 and u2 read the three buckets (tsBuckets), u2 writes them;
//   - an OAuth app reads the mail of two Workspace users (tsMails).
func targetSetsGraph() *neo4jexport.Graph {
	g := &neo4jexport.Graph{Scope: tsScope + "," + tsCustomer, Identities: map[string]*analysis.Identity{}}
	node := func(id string, kind graphmodel.NodeKind, name, scope string) {
		g.Nodes = append(g.Nodes, graphmodel.Node{ID: id, Kind: kind, Name: name, Scope: scope})
	}
	node(tsScope, graphmodel.KindAWSAccount, "777788889999", "")
	node(tsRepo, graphmodel.KindGitHubRepo, "acme/app", "")
	node(tsU1, graphmodel.KindAWSUser, "u1", tsScope)
	node(tsU2, graphmodel.KindAWSUser, "u2", tsScope)
	node(tsDeployA, graphmodel.KindAWSRole, "deploy-a", tsScope)
	node(tsDeployB, graphmodel.KindAWSRole, "deploy-b", tsScope)
	for _, b := range tsBucketIDs {
		node(b, graphmodel.KindAWSResource, strings.TrimPrefix(b, "arn:aws:s3:::"), tsScope)
	}
	node(tsCustomer, graphmodel.KindWorkspaceCustomer, "C0abc", "")
	node(tsApp, graphmodel.KindWorkspaceOAuthApp, "Mail Helper", tsCustomer)
	var mails []string
	for _, u := range []string{"ann@example.com", "bo@example.com"} {
		id := "workspace:user:" + u + ":gmail"
		mails = append(mails, id)
		g.Nodes = append(g.Nodes, graphmodel.Node{ID: id, Kind: workspaceanalysis.KindData, Provider: graphmodel.ProviderWorkspace,
			Name: "mail of " + u, Scope: tsCustomer, Properties: map[string]string{"type": "gmail", "owner": u},
			Tags: map[string]string{"data-classification": "confidential"}})
	}
	set := func(id string, kind graphmodel.NodeKind, p graphmodel.Provider, members []string) {
		g.Nodes = append(g.Nodes, graphmodel.Node{ID: id, Kind: kind, Provider: p,
			Name: fmt.Sprintf("%d targets, from %s", len(members), members[0])})
		for _, m := range members {
			g.Edges = append(g.Edges, graphmodel.Edge{From: id, To: m, Kind: graphmodel.EdgeIncludes})
		}
	}
	set(tsRoles, graphmodel.KindAWSTargetSet, graphmodel.ProviderAWS, []string{tsDeployA, tsDeployB})
	set(tsBuckets, graphmodel.KindAWSTargetSet, graphmodel.ProviderAWS, tsBucketIDs)
	set(tsMails, graphmodel.KindWorkspaceTargetSet, graphmodel.ProviderWorkspace, mails)

	trust := func(from string) []graphmodel.Evidence {
		return []graphmodel.Evidence{{Source: graphmodel.TargetPlaceholder + " trust policy", Statement: 0, Note: "admits " + from}}
	}
	g.Edges = append(g.Edges,
		graphmodel.Edge{From: tsRepo, To: tsRoles, Kind: graphmodel.EdgeCanBecome, Technique: "sts:AssumeRoleWithWebIdentity", Evidence: trust(tsRepo)},
		graphmodel.Edge{From: tsU1, To: tsRoles, Kind: graphmodel.EdgeCanBecome, Technique: "sts-001", Evidence: trust(tsU1),
			Conditional: true, Conditions: []string{"Bool aws:MultiFactorAuthPresent"}},
		graphmodel.Edge{From: tsU2, To: tsRoles, Kind: graphmodel.EdgeCanBecome, Technique: "sts-001", Evidence: trust(tsU2)},
		graphmodel.Edge{From: tsU2, To: tsRoles, Kind: graphmodel.EdgeCanGrantAdmin, Technique: "iam-001",
			Evidence: []graphmodel.Evidence{{Source: tsU2 + "#inline:Attach", Statement: 0, Note: "allows iam:AttachRolePolicy on " + graphmodel.TargetPlaceholder}}},
		graphmodel.Edge{From: tsDeployB, To: tsScope, Kind: graphmodel.EdgeAdminOf, Technique: "admin-equivalent-policy"},
		graphmodel.Edge{From: tsApp, To: tsMails, Kind: graphmodel.EdgeCanAccess, Technique: "gmail.readonly", Access: graphmodel.AccessRead,
			Evidence: []graphmodel.Evidence{{Source: "grant", Statement: -1, Note: "scope gmail.readonly of " + graphmodel.TargetPlaceholder}}},
	)
	access := func(from, action string, level graphmodel.Access) {
		g.Edges = append(g.Edges, graphmodel.Edge{From: from, To: tsBuckets, Kind: graphmodel.EdgeCanAccess, Technique: action, Access: level,
			Evidence: []graphmodel.Evidence{{Source: from + "#inline:Buckets", Statement: 0, Note: "allows " + action + " " + graphmodel.TargetPlaceholder + ": no resource policy"}}})
	}
	access(tsU1, "s3:GetObject", graphmodel.AccessRead)
	access(tsU2, "s3:GetObject", graphmodel.AccessRead)
	access(tsU2, "s3:PutObject", graphmodel.AccessWrite)

	two := 2
	g.Identities[tsRepo] = &analysis.Identity{ID: tsRepo, Rank: 1, AdminOf: []string{tsScope}, MinHopsToAdmin: &two,
		BlastRadius: analysis.BlastRadius{Score: 300}}
	g.Identities[tsU2] = &analysis.Identity{ID: tsU2, Rank: 2, AdminOf: []string{tsScope}, MinHopsToAdmin: &two,
		BlastRadius: analysis.BlastRadius{Score: 290}}
	g.Identities[tsDeployB] = &analysis.Identity{ID: tsDeployB, Rank: 3, AdminOf: []string{tsScope}, BlastRadius: analysis.BlastRadius{Score: 280}}
	g.Identities[tsU1] = &analysis.Identity{ID: tsU1, Rank: 4, ConditionalAdminOf: []string{tsScope}, BlastRadius: analysis.BlastRadius{Score: 20}}
	g.Identities[tsDeployA] = &analysis.Identity{ID: tsDeployA, Rank: 5, BlastRadius: analysis.BlastRadius{Score: 10}}
	g.Identities[tsApp] = &analysis.Identity{ID: tsApp, Rank: 6, BlastRadius: analysis.BlastRadius{Score: 8}}
	return g
}

// TestTargetSetsInQueries checks that the export writes target sets with
// their INCLUDES and member count, and that every query that follows a
// step to its target finds the targets reached only through a set: it
// names the members (never the set), reads {target} in the evidence as
// the member, and counts the INCLUDES step as no hop.
func TestTargetSetsInQueries(t *testing.T) {
	driver := testDriver(t)
	wipe(t, driver)
	g := targetSetsGraph()
	export(t, driver, "target-sets", g)

	got := rows(t, driver, "MATCH (s:TargetSet:DerivedSet) RETURN s.id AS id, s.members AS members ORDER BY id", nil)
	if fmt.Sprint(got) != fmt.Sprintf("[map[id:%s members:2] map[id:%s members:3] map[id:%s members:2]]", tsRoles, tsBuckets, tsMails) {
		t.Errorf("target sets = %v", got)
	}
	if n := count(t, driver, "MATCH (:TargetSet)-[r:INCLUDES {derived: true}]->() RETURN count(r) AS n", nil); n != 7 {
		t.Errorf("%d derived INCLUDES relationships, want 7", n)
	}
	query := func(name string, params map[string]any) []map[string]any {
		t.Helper()
		rs := runQuery(t, driver, name, params)
		for _, r := range rs {
			for k, v := range r {
				if s := fmt.Sprint(v); strings.Contains(s, "target-set:") && k != "steps" && k != "path" {
					t.Errorf("%s: column %s names a target set: %v", name, k, r)
				}
				if s := fmt.Sprint(v); strings.Contains(s, graphmodel.TargetPlaceholder) && k != "path" {
					t.Errorf("%s: column %s keeps the placeholder: %v", name, k, r)
				}
			}
		}
		return rs
	}
	check := func(name string, err error, rs []map[string]any) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v\nrows: %v", name, err, brief(rs))
		}
	}
	stepsOf := func(r map[string]any) string { return strings.Join(strs(r["steps"]), " | ") }
	wantSteps := "acme/app -[CAN_BECOME sts:AssumeRoleWithWebIdentity]-> deploy-b (in " + tsRoles + ") | " +
		"deploy-b -[ADMIN_OF admin-equivalent-policy]-> 777788889999"

	rs := query("shortest-path-to-admin", map[string]any{"id": tsRepo})
	if len(rs) != 1 || rs[0]["how"] != "path" || rs[0]["hops"] != int64(2) || stepsOf(rs[0]) != wantSteps {
		t.Errorf("shortest-path-to-admin: %v\nwant how path, hops 2 (INCLUDES is no hop), steps %s", brief(rs), wantSteps)
	}
	rs = query("github-to-cloud-admin", nil)
	if len(rs) != 1 || rs[0]["repository"] != tsRepo || rs[0]["hops"] != int64(2) || stepsOf(rs[0]) != wantSteps {
		t.Errorf("github-to-cloud-admin: %v\nwant %s in 2 hops: %s", brief(rs), tsRepo, wantSteps)
	}

	rs = query("who-can-become", map[string]any{"id": tsDeployA})
	var who []string
	for _, r := range rs {
		who = append(who, fmt.Sprintf("%s %s %v", r["who"], r["technique"], r["conditional"]))
	}
	if got, want := strings.Join(who, ", "), tsRepo+" sts:AssumeRoleWithWebIdentity false, "+tsU2+" sts-001 false, "+tsU1+" sts-001 true"; got != want {
		t.Errorf("who-can-become %s:\n got %s\nwant %s", tsDeployA, got, want)
	}
	check("who-can-become", expectRow(rs, "who", tsU1, "evidence", tsDeployA+" trust policy statement 0: admits "+tsU1), rs)

	rs = query("cross-cloud-chains", nil)
	if len(rs) != 2 || rs[0]["to"] != tsDeployB || rs[1]["to"] != tsDeployA || rs[0]["crossing"] != "github -> aws" {
		t.Errorf("cross-cloud-chains: %v\nwant the repository to deploy-b (an administrator), then to deploy-a", brief(rs))
	}
	rs = query("external-entry-points", nil)
	if len(rs) != 2 || rs[0]["lands_on"] != tsDeployB || rs[1]["lands_on"] != tsDeployA {
		t.Errorf("external-entry-points: %v\nwant the repository landing on deploy-b, then deploy-a", brief(rs))
	}

	rs = query("conditional-steps", nil)
	if len(rs) != 2 {
		t.Errorf("conditional-steps: %v\nwant u1's step to each role", brief(rs))
	}
	check("conditional-steps", expectRow(rs, "from", tsU1, "to", tsDeployB, "would_give", []string{tsScope},
		"evidence", tsDeployB+" trust policy statement 0: admits "+tsU1), rs)
	check("conditional-steps", expectRow(rs, "from", tsU1, "to", tsDeployA, "would_give", []string{}), rs)

	rs = query("conditional-admins", nil)
	check("conditional-admins", expectRow(rs, "identity", tsU1, "scope", tsScope,
		"undecided", []string{"sts-001: " + tsDeployB + " trust policy statement 0: admits " + tsU1}), rs)

	// The grant into tsRoles is one to each role: usable through the
	// nearest (deploy-a before deploy-b at one hop each, by ID).
	rs = query("grant-then-become", nil)
	if len(rs) != 2 {
		t.Errorf("grant-then-become: %v, want the grant to each of the two roles", brief(rs))
	}
	check("grant-then-become", expectRow(rs, "granter", tsU2, "grantee", tsDeployA, "can_use_it", true, "hops", int64(1), "conditional", false,
		"evidence", tsU2+"#inline:Attach statement 0: allows iam:AttachRolePolicy on "+tsDeployA), rs)
	check("grant-then-become", expectRow(rs, "granter", tsU2, "grantee", tsDeployB, "can_use_it", false), rs)

	rs = query("most-exposed-resources", nil)
	var exposed []string
	for _, r := range rs {
		exposed = append(exposed, fmt.Sprintf("%s %v %v", r["resource"], r["writers"], r["some_writers"]))
	}
	if got, want := strings.Join(exposed, ", "), fmt.Sprintf("%s 1 [%s], %s 1 [%s], %s 1 [%s]",
		tsBucketIDs[0], tsU2, tsBucketIDs[1], tsU2, tsBucketIDs[2], tsU2); got != want {
		t.Errorf("most-exposed-resources:\n got %s\nwant %s", got, want)
	}

	rs = query("who-can-reach", map[string]any{"target": tsBucketIDs[1]})
	var reach []string
	for _, r := range rs {
		reach = append(reach, fmt.Sprintf("%s %v", r["identity"], sorted(strs(r["direct_access"]))))
	}
	if got, want := strings.Join(reach, ", "), fmt.Sprintf("%s [], %s [read write], %s [], %s [read]", tsRepo, tsU2, tsDeployB, tsU1); got != want {
		t.Errorf("who-can-reach %s:\n got %s\nwant %s", tsBucketIDs[1], got, want)
	}

	rs = query("reach-from-identity", map[string]any{"id": tsU1, "certain_only": true})
	var reached []string
	for _, r := range rs {
		reached = append(reached, fmt.Sprint(r["id"]))
	}
	if got, want := strings.Join(reached, ","), strings.Join(tsBucketIDs, ","); got != want {
		t.Errorf("reach-from-identity %s, certain steps: %s, want the buckets %s", tsU1, got, want)
	}
	rs = query("reach-from-identity", map[string]any{"id": tsU1, "certain_only": false})
	reached = reached[:0]
	for _, r := range rs {
		reached = append(reached, fmt.Sprint(r["id"]))
	}
	if !contains(reached, tsDeployA) || !contains(reached, tsDeployB) || reached[0] != tsScope {
		t.Errorf("reach-from-identity %s, all steps: %v, want the scope first and both roles", tsU1, reached)
	}

	rs = query("identity-summary", map[string]any{"id": tsU2})
	if len(rs) != 1 || rs[0]["steps"] != int64(10) {
		t.Fatalf("identity-summary %s: %v, want 10 steps (3 reads, 3 writes, 2 roles, a grant to each)", tsU2, brief(rs))
	}
	if got := strs(rs[0]["direct_steps"]); len(got) != 10 || got[0] != "CAN_ACCESS s3:GetObject -> "+tsBucketIDs[0] ||
		got[6] != "CAN_BECOME sts-001 -> "+tsDeployA || got[7] != "CAN_BECOME sts-001 -> "+tsDeployB ||
		got[8] != "CAN_GRANT_ADMIN iam-001 -> "+tsDeployA || got[9] != "CAN_GRANT_ADMIN iam-001 -> "+tsDeployB {
		t.Errorf("identity-summary direct_steps = %v", got)
	}

	rs = query("technique-summary", nil)
	check("technique-summary", expectRow(rs, "step", "CAN_ACCESS", "technique", "s3:GetObject", "edges", int64(6), "into_sets", int64(6), "conditional", int64(0)), rs)
	check("technique-summary", expectRow(rs, "step", "CAN_BECOME", "technique", "sts-001", "edges", int64(4), "into_sets", int64(4), "conditional", int64(2)), rs)
	if err := expectRow(rs, "step", "INCLUDES"); err == nil {
		t.Errorf("technique-summary counts INCLUDES as a step: %v", brief(rs))
	}

	rs = query("oauth-apps-by-data", nil)
	if len(rs) != 1 || rs[0]["app"] != tsApp || rs[0]["reached"] != int64(2) ||
		fmt.Sprint(rs[0]["reads"]) != "[map[access:[read] classification:confidential data:gmail users:2]]" {
		t.Errorf("oauth-apps-by-data: %v\nwant the app reading the mail of 2 users", brief(rs))
	}
}
