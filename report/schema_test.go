package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
)

// schema compiles testdata/analysis.schema.json (a copy of the design's
// contract), asserting formats such as date-time.
func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "analysis.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("analysis.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("analysis.schema.json")
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return sch
}

func validate(sch *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// deriver hands Analyze fixed derived edges.
type deriver []graphmodel.Edge

func (deriver) Name() string { return "fixed" }

func (d deriver) Derive(context.Context, *graphmodel.Snapshot) ([]graphmodel.Node, []graphmodel.Edge, error) {
	return []graphmodel.Node{{ID: "github:repo:acme/app", Kind: graphmodel.KindGitHubRepo}}, slices.Clone(d), nil
}

// analyzed is a result produced by Analyze itself, with every kind of entry.
func analyzed(t *testing.T) *analysis.Result {
	t.Helper()
	snap := graphmodel.NewSnapshot(graphmodel.Fragment{
		Source: graphmodel.Source{Collector: "aws", Provider: graphmodel.ProviderAWS, Scope: acct, Origin: "offline:gaad.json",
			Gaps: []graphmodel.Gap{{What: "group name ops", Reason: "absent"}}},
		Nodes: []graphmodel.Node{
			{ID: acct, Kind: graphmodel.KindAWSAccount, Provider: graphmodel.ProviderAWS, Name: "111111111111"},
			{ID: deploy, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS, Name: "ci-deployer", Scope: acct},
			{ID: alice, Kind: graphmodel.KindAWSUser, Provider: graphmodel.ProviderAWS, Name: "alice", Scope: acct},
			{ID: admins, Kind: graphmodel.KindAWSGroup, Provider: graphmodel.ProviderAWS, Name: "admins", Scope: acct},
			{ID: lambda, Kind: graphmodel.KindAWSRole, Provider: graphmodel.ProviderAWS, Name: "lambda-exec", Scope: acct},
			{ID: bucketA, Kind: graphmodel.KindAWSResource, Provider: graphmodel.ProviderAWS, Name: "artifacts", Scope: acct},
		},
		Edges: []graphmodel.Edge{{From: alice, To: admins, Kind: graphmodel.EdgeMemberOf}},
	})
	ev := []graphmodel.Evidence{{Source: "policy", Statement: 0, Note: "allows"}}
	res, err := analysis.Analyze(context.Background(), snap, analysis.Options{Derivers: []analysis.Deriver{deriver{
		{From: "github:repo:acme/app", To: deploy, Kind: graphmodel.EdgeCanBecome, Technique: "sts-oidc", Conditional: true, Evidence: ev},
		{From: deploy, To: lambda, Kind: graphmodel.EdgeCanBecome, Technique: "lambda-001", Evidence: ev},
		{From: lambda, To: acct, Kind: graphmodel.EdgeAdminOf, Technique: "admin-policy", Evidence: ev},
		{From: admins, To: bucketA, Kind: graphmodel.EdgeCanAccess, Access: graphmodel.AccessWrite, Technique: "s3-write", Evidence: ev},
		{From: alice, To: admins, Kind: graphmodel.EdgeCanGrantAdmin, Technique: "iam-attach", Evidence: ev},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestJSONMatchesSchema(t *testing.T) {
	sch := schema(t)
	results := map[string]*analysis.Result{"sample": sample(), "analyzed": analyzed(t)}
	for name, res := range results {
		for _, opts := range []Options{{Format: FormatJSON}, {Format: FormatJSON, Top: 1}} {
			var buf bytes.Buffer
			if err := Write(&buf, res, opts); err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, buf.Bytes()); err != nil {
				t.Errorf("%s (top %d) does not match the schema: %v\n%s", name, opts.Top, err, buf.String())
			}
		}
	}
	if got := len(results["analyzed"].Identities); got != 4 {
		t.Errorf("analyzed result has %d identities, want 4", got)
	}
}

// TestSchemaRejectsBrokenDocuments proves the validator runs: each document
// breaks one rule of the contract and must fail.
func TestSchemaRejectsBrokenDocuments(t *testing.T) {
	sch := schema(t)
	var buf bytes.Buffer
	if err := Write(&buf, sample(), Options{Format: FormatJSON}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
	}{
		{"missing rank", func(doc map[string]any) { delete(identity(doc, 0), "rank") }},
		{"unknown access", func(doc map[string]any) {
			identity(doc, 0)["reachable_resources"].([]any)[0].(map[string]any)["access"] = "superuser"
		}},
		{"null aliases", func(doc map[string]any) { identity(doc, 1)["aliases"] = nil }},
		{"empty path", func(doc map[string]any) {
			identity(doc, 0)["escalations"].([]any)[0].(map[string]any)["path"] = []any{}
		}},
		{"bad generated_at", func(doc map[string]any) { doc["generated_at"] = "yesterday" }},
		{"schema_version 2", func(doc map[string]any) { doc["schema_version"] = 2 }},
		{"negative score", func(doc map[string]any) {
			identity(doc, 0)["blast_radius"].(map[string]any)["score"] = -1
		}},
		{"rank zero", func(doc map[string]any) { identity(doc, 2)["rank"] = 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			tc.mutate(doc)
			data, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, data); err == nil {
				t.Errorf("broken document passed validation")
			}
		})
	}
}

func identity(doc map[string]any, i int) map[string]any {
	return doc["identities"].([]any)[i].(map[string]any)
}
