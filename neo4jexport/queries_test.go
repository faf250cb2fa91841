package neo4jexport_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/neo4jexport"
	"github.com/blastradius/blastradius/queries"
)

// sampleParams are values for every parameter the query pack uses, naming
// things of the demo estate; $limit takes the default each query's header
// documents (queryParams).
var sampleParams = map[string]any{
	"id":           "arn:aws:iam::111122223333:user/carol.diaz",
	"target":       "arn:aws:s3:::acme-terraform-state",
	"scope":        demoScope,
	"policy":       "arn:aws:iam::aws:policy/AdministratorAccess",
	"certain_only": true,
	"min_days":     int64(90),
	"min_score":    1.0,
}

// queryParams returns the parameters of q: values from sample, $limit
// from the header's default.
func queryParams(tb testing.TB, q queries.Query, sample map[string]any) map[string]any {
	tb.Helper()
	params := map[string]any{}
	for _, p := range q.Params {
		if p == "limit" {
			n, err := strconv.Atoi(q.Defaults()["limit"])
			if err != nil {
				tb.Fatalf("%s: $limit has no default: %v", q.Name, err)
			}
			params[p] = int64(n)
			continue
		}
		v, ok := sample[p]
		if !ok {
			tb.Fatalf("%s: no sample value for $%s", q.Name, p)
		}
		params[p] = v
	}
	return params
}

// runQuery runs the query name of queries/ with the parameters queryParams
// takes from sample.
func runQuery(tb testing.TB, driver neo4j.DriverWithContext, name string, sample map[string]any) []map[string]any {
	tb.Helper()
	q, ok := queries.Get(name)
	if !ok {
		tb.Fatalf("no query %s", name)
	}
	return rows(tb, driver, q.Cypher, queryParams(tb, q, sample))
}

// TestQueryPack exports the demo and runs every query of queries/, each
// within a time bound; for most it checks an answer the demo's key gives.
func TestQueryPack(t *testing.T) {
	driver := testDriver(t)
	wipe(t, driver)
	demo := build(t, demoSnapshot(t))
	export(t, driver, "queries", demo)

	// Facts of the demo (fixtures/demo/README.md) each query must show:
	// column → a value one of its rows must hold (or contain).
	wants := map[string]func(q string, rs []map[string]any) error{
		"shortest-path-to-admin": func(q string, rs []map[string]any) error {
			// carol.diaz assumes data-pipeline-operator, which can attach
			// an administrator policy to itself (iam-009): an administrator,
			// two traversable steps away.
			if err := expectRow(rs, "scope", demoScope, "how", "path", "hops", int64(2)); err != nil {
				return err
			}
			// From the GitHub repository the chain is 3 hops.
			rs = run(t, driver, q, map[string]any{"id": demoRepo, "limit": int64(25)})
			if err := expectRow(rs, "scope", demoScope, "how", "path", "hops", int64(3)); err != nil {
				return err
			}
			// henry.ito administers the account only by writing a new
			// version of a policy attached to himself (iam-001).
			rs = run(t, driver, q, map[string]any{"id": "arn:aws:iam::111122223333:user/henry.ito", "limit": int64(25)})
			if err := expectRow(rs, "scope", demoScope, "how", "grant"); err != nil {
				return err
			}
			// Every administrator's nearest path counts the hops the
			// analysis counts: MEMBER_OF into a permission set and
			// INCLUDES out of a target set are none.
			for _, a := range run(t, driver, "MATCH (i:Identity) WHERE size(coalesce(i.admin_of, [])) > 0 RETURN i.id AS id, i.min_hops_to_admin AS hops", nil) {
				rs := run(t, driver, q, map[string]any{"id": a["id"], "limit": int64(25)})
				var nearest any
				for _, r := range rs {
					if r["how"] == "path" && (nearest == nil || r["hops"].(int64) < nearest.(int64)) {
						nearest = r["hops"]
					}
				}
				if nearest != nil && nearest != a["hops"] {
					return fmt.Errorf("%s: nearest path of %v hops, min_hops_to_admin %v", a["id"], nearest, a["hops"])
				}
			}
			return nil
		},
		"github-to-cloud-admin": func(_ string, rs []map[string]any) error {
			// acme/*'s workflows assume github-actions-deploy, then
			// terraform-apply, an administrator.
			return expectRow(rs, "repository", demoRepo, "scope", demoScope, "hops", int64(3))
		},
		"reach-from-identity": func(_ string, rs []map[string]any) error {
			return expectRow(rs, "id", "arn:aws:iam::111122223333:role/data-pipeline-operator")
		},
		"who-can-reach": func(_ string, rs []map[string]any) error {
			return expectRow(rs, "identity", "arn:aws:iam::111122223333:role/terraform-apply")
		},
		"top-non-human": func(_ string, rs []map[string]any) error {
			for i := 1; i < len(rs); i++ {
				if rs[i]["score"].(float64) > rs[i-1]["score"].(float64) {
					return fmt.Errorf("row %d scores more than row %d", i, i-1)
				}
			}
			return expectRow(rs, "identity", demoRepo)
		},
		"cross-cloud-chains": func(_ string, rs []map[string]any) error {
			return expectRow(rs, "crossing", "github -> aws", "from", demoRepo)
		},
		"conditional-steps": func(_ string, rs []map[string]any) error {
			if len(rs) == 0 {
				return fmt.Errorf("no conditional step (break-glass-admin needs MFA)")
			}
			return nil
		},
		"external-entry-points": func(_ string, rs []map[string]any) error {
			return expectRow(rs, "outsider", demoRepo, "lands_on", "arn:aws:iam::111122223333:role/github-actions-deploy")
		},
		"unused-credentials-wide-reach": func(_ string, rs []map[string]any) error {
			return expectRow(rs, "identity", "arn:aws:iam::111122223333:user/service/ci-legacy-deployer")
		},
		"admins-of-scope": func(_ string, rs []map[string]any) error {
			return expectRow(rs, "identity", "arn:aws:iam::111122223333:user/alice.nguyen", "hops", int64(1))
		},
		"grant-then-become": func(_ string, rs []map[string]any) error {
			// henry.ito may write a new version of a policy attached to
			// himself (iam-001): a grant he can use.
			return expectRow(rs, "granter", "arn:aws:iam::111122223333:user/henry.ito", "grantee", "arn:aws:iam::111122223333:user/henry.ito",
				"technique", "iam-001", "can_use_it", true, "hops", int64(0), "conditional", false)
		},
		"who-can-become": func(q string, _ []map[string]any) error {
			rs := run(t, driver, q, map[string]any{"id": "arn:aws:iam::111122223333:role/terraform-apply", "limit": int64(50)})
			return expectRow(rs, "who", "arn:aws:iam::111122223333:role/github-actions-deploy", "technique", "sts-001")
		},
		"policy-holders": func(_ string, rs []map[string]any) error {
			if err := expectRow(rs, "holder", "arn:aws:iam::111122223333:user/alice.nguyen", "how", "through admins"); err != nil {
				return err
			}
			return expectRow(rs, "holder", "arn:aws:iam::111122223333:role/terraform-apply", "how", "attached")
		},
		"technique-summary": func(_ string, rs []map[string]any) error {
			return expectRow(rs, "step", "CAN_BECOME", "technique", "sts-001")
		},
		"identity-summary": func(_ string, rs []map[string]any) error {
			return expectRow(rs, "identity", "arn:aws:iam::111122223333:user/carol.diaz")
		},
		"export-inventory": func(_ string, rs []map[string]any) error {
			if len(rs) != 1 || !contains(strs(rs[0]["labels"]), "AwsRole: 35") {
				return fmt.Errorf("want one row whose labels hold AwsRole: 35")
			}
			return expectRow(rs, "scope", demoScope, "run", "queries")
		},
		"most-exposed-resources": func(_ string, rs []map[string]any) error {
			// acme-api-lambda and acme-api-task write the sessions table as
			// members of a permission set (dynamodb:PutItem on the
			// account's tables), AWSBackupDefaultServiceRole by
			// dynamodb:CreateBackup; each of the three steps goes into a
			// target set that includes the table.
			for _, r := range rs {
				if r["resource"] == "arn:aws:dynamodb:us-east-1:111122223333:table/acme-api-sessions" {
					if got, want := strings.Join(sorted(strs(r["some_writers"])), ","),
						"arn:aws:iam::111122223333:role/acme-api-lambda,arn:aws:iam::111122223333:role/acme-api-task,"+
							"arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole"; got != want || r["writers"] != int64(3) {
						return fmt.Errorf("writers of acme-api-sessions: %v %s, want 3: %s", r["writers"], got, want)
					}
					return nil
				}
			}
			return fmt.Errorf("acme-api-sessions is not listed")
		},
	}

	all := queries.All()
	if len(all) < 12 {
		t.Fatalf("%d queries, want at least 12", len(all))
	}
	for _, q := range all {
		t.Run(q.Name, func(t *testing.T) {
			rs := run(t, driver, q.Cypher, queryParams(t, q, sampleParams))
			if check, ok := wants[q.Name]; ok {
				if err := check(q.Cypher, rs); err != nil {
					t.Errorf("%v\nrows: %v", err, brief(rs))
				}
			}
		})
	}
	t.Run("target sets", func(t *testing.T) { demoTargetSets(t, driver, demo) })
}

// demoTargetSets checks answers of the demo that the queries reach only
// through the analysis's target sets.
func demoTargetSets(t *testing.T, driver neo4j.DriverWithContext, demo *neo4jexport.Graph) {
	const (
		grace       = "arn:aws:iam::111122223333:user/grace.lee"
		escalations = "arn:aws:iam::111122223333:role/acme-support-escalations"
		lambda      = "arn:aws:iam::111122223333:role/acme-api-lambda"
		carol       = "arn:aws:iam::111122223333:user/carol.diaz"
		docs        = "arn:aws:s3:::acme-docs-site"
	)
	// grace.lee may rewrite the trust of both support roles (iam-012): one
	// step into a target set of the two. Only through it does she reach
	// acme-support-escalations, an administrator.
	sets := run(t, driver, `MATCH (:Node {id: $id})-[:CAN_BECOME {technique: 'iam-012'}]->(s:TargetSet)-[:INCLUDES]->(m)
WITH s, m ORDER BY m.id RETURN s.id AS set, s.members AS members, collect(m.id) AS included`, map[string]any{"id": grace})
	if len(sets) != 1 || sets[0]["members"] != int64(2) ||
		strings.Join(strs(sets[0]["included"]), ",") != escalations+",arn:aws:iam::111122223333:role/acme-support-readonly" {
		t.Fatalf("grace.lee's iam-012 target set: %v, want the two support roles", brief(sets))
	}
	set := sets[0]["set"].(string)
	if n := count(t, driver, "MATCH (:Node {id: $from})-[r:CAN_BECOME]->(:Node {id: $to}) RETURN count(r) AS n",
		map[string]any{"from": grace, "to": escalations}); n != 0 {
		t.Errorf("grace.lee has %d direct CAN_BECOME to %s: the case is not reached only through the set", n, escalations)
	}

	rs := runQuery(t, driver, "shortest-path-to-admin", map[string]any{"id": grace})
	want := "grace.lee -[CAN_BECOME iam-012]-> acme-support-escalations (in " + set + ") | " +
		"acme-support-escalations -[ADMIN_OF admin-equivalent-policy]-> acme-prod"
	if len(rs) != 1 || rs[0]["how"] != "path" || rs[0]["hops"] != int64(2) || strings.Join(strs(rs[0]["steps"]), " | ") != want {
		t.Errorf("shortest-path-to-admin %s: %v\nwant how path, hops 2 (min_hops_to_admin), steps %s", grace, brief(rs), want)
	}

	rs = runQuery(t, driver, "who-can-become", map[string]any{"id": escalations})
	var who []string
	for _, r := range rs {
		who = append(who, r["who"].(string)+" "+r["technique"].(string))
		if strings.Contains(fmt.Sprint(r["evidence"]), graphmodel.TargetPlaceholder) {
			t.Errorf("who-can-become: evidence keeps the placeholder: %v", r)
		}
	}
	if got, want := strings.Join(sorted(who), "\n"), strings.Join([]string{
		"arn:aws:iam::111122223333:role/acme-ops-automation-lambda sts-001",
		"arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_8d3e1f0a9c2b4d57 sts-001",
		"arn:aws:iam::111122223333:role/break-glass-admin sts-001",
		"arn:aws:iam::111122223333:role/terraform-apply sts-001",
		"arn:aws:iam::111122223333:user/alice.nguyen sts-001",
		"arn:aws:iam::111122223333:user/bob.schmidt sts-001",
		grace + " iam-012",
		"arn:aws:iam::111122223333:user/service/ci-legacy-deployer sts-001",
		"aws:group-join:arn:aws:iam::111122223333:group/admins sts-001",
	}, "\n"); got != want {
		t.Errorf("who-can-become %s:\n got %s\nwant %s", escalations, got, want)
	}
	if err := expectRow(rs, "who", "arn:aws:iam::111122223333:role/terraform-apply", "evidence",
		escalations+" trust policy statement 0: admits arn:aws:iam::111122223333:role/terraform-apply; "+
			"arn:aws:iam::aws:policy/AdministratorAccess statement 0: allows sts:AssumeRole"); err != nil {
		t.Errorf("who-can-become: %v\nrows: %v", err, brief(rs))
	}

	// acme-api-lambda reaches its three resources, two of them through
	// target sets (the permission set's dynamodb:PutItem, its own
	// dynamodb:GetItem): what the analysis says it reaches.
	rs = runQuery(t, driver, "reach-from-identity", map[string]any{"id": lambda, "certain_only": true})
	var reached, fromAnalysis []string
	for _, r := range rs {
		reached = append(reached, r["id"].(string))
	}
	for _, r := range demo.Identities[lambda].ReachableResources {
		fromAnalysis = append(fromAnalysis, r.ID)
	}
	if got, want := strings.Join(sorted(reached), ","), strings.Join(sorted(fromAnalysis), ","); got != want || len(reached) != 3 {
		t.Errorf("reach-from-identity %s:\n got %s\nwant %s (the analysis's)", lambda, got, want)
	}

	// carol.diaz reads acme-docs-site only through a target set
	// (ReadOnlyAccess's s3:GetAccelerateConfiguration on three buckets).
	rs = runQuery(t, driver, "who-can-reach", map[string]any{"target": docs})
	if err := expectRow(rs, "identity", carol, "direct_access", []string{"read"}); err != nil {
		t.Errorf("who-can-reach %s: %v\nrows: %v", docs, err, brief(rs))
	}
}

// run runs a query with a time bound.
func run(t *testing.T, driver neo4j.DriverWithContext, q string, params map[string]any) []map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, driver, q, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	out := make([]map[string]any, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, r.AsMap())
	}
	return out
}

// expectRow returns nil when some row holds every column = value pair given.
func expectRow(rs []map[string]any, pairs ...any) error {
	for _, r := range rs {
		ok := true
		for i := 0; i+1 < len(pairs); i += 2 {
			if fmt.Sprint(r[pairs[i].(string)]) != fmt.Sprint(pairs[i+1]) {
				ok = false
				break
			}
		}
		if ok {
			return nil
		}
	}
	return fmt.Errorf("no row with %v", pairs)
}

// brief renders rows for a failure message, without paths.
func brief(rs []map[string]any) string {
	var b strings.Builder
	for i, r := range rs {
		if i == 10 {
			fmt.Fprintf(&b, "\n  … %d more", len(rs)-10)
			break
		}
		delete(r, "path")
		fmt.Fprintf(&b, "\n  %v", r)
	}
	return b.String()
}
