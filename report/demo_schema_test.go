package report

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/fixtures"
)

// The real analysis of the embedded demo estate, in both detail levels,
// follows the JSON contract.
func TestDemoJSONMatchesSchema(t *testing.T) {
	ctx := context.Background()
	snap, err := collectors.Run(ctx, awscollect.NewOffline(fixtures.DemoAWS(), "demo/aws"))
	if err != nil {
		t.Fatal(err)
	}
	sch := schema(t)
	for _, detail := range []analysis.Detail{analysis.DetailSummary, analysis.DetailFull} {
		res, err := analysis.Analyze(ctx, snap, analysis.Options{Derivers: []analysis.Deriver{awsanalysis.New()}, Detail: detail})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Write(&buf, res, Options{Format: FormatJSON, Detail: detail}); err != nil {
			t.Fatal(err)
		}
		if err := validate(sch, buf.Bytes()); err != nil {
			t.Fatalf("%s: demo output does not follow the schema: %v", detail, err)
		}
		var doc struct {
			Identities []struct {
				Rank        int      `json:"rank"`
				AdminOf     []string `json:"admin_of"`
				Escalations []struct {
					Path []struct{ Evidence string } `json:"path"`
				} `json:"escalations"`
			} `json:"identities"`
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		admins := 0
		for i, id := range doc.Identities {
			if id.Rank != i+1 {
				t.Fatalf("identity %d has rank %d", i, id.Rank)
			}
			if len(id.AdminOf) > 0 {
				admins++
			}
			for _, e := range id.Escalations {
				for _, h := range e.Path {
					if h.Evidence == "" {
						t.Fatalf("a hop without evidence in identity %d", i)
					}
				}
			}
		}
		if admins == 0 || admins == len(doc.Identities) {
			t.Errorf("%d of %d identities are admin: the demo should show both kinds", admins, len(doc.Identities))
		}
	}
}
