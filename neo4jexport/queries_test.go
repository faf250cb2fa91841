package neo4jexport_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

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

// TestQueryPack exports the demo and runs every query of queries/, each
// within a time bound; for most it checks an answer the demo's key gives.
func TestQueryPack(t *testing.T) {
	driver := testDriver(t)
	wipe(t, driver)
	export(t, driver, "queries", build(t, demoSnapshot(t)))

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
			return expectRow(rs, "scope", demoScope, "how", "grant")
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
			// acme-api-lambda writes the sessions table as a member of a
			// permission set (dynamodb:PutItem on the account's tables).
			for _, r := range rs {
				if r["resource"] == "arn:aws:dynamodb:us-east-1:111122223333:table/acme-api-sessions" {
					if !contains(strs(r["some_writers"]), "arn:aws:iam::111122223333:role/acme-api-lambda") {
						return fmt.Errorf("the set's member is not counted: %v", r)
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
