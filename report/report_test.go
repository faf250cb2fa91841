package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const (
	acct    = "aws:account:111111111111"
	other   = "aws:account:222222222222"
	deploy  = "arn:aws:iam::111111111111:role/ci-deployer"
	alice   = "arn:aws:iam::111111111111:user/alice"
	admins  = "arn:aws:iam::111111111111:group/admins"
	lambda  = "arn:aws:iam::111111111111:role/lambda-exec"
	crossR  = "arn:aws:iam::222222222222:role/cross"
	bucketA = "arn:aws:s3:::artifacts"
	secretS = "arn:aws:secretsmanager:us-east-1:111111111111:secret:db"
)

// sample is a hand-built result with a fixed generated_at: three
// identities, certain and conditional escalations, two snapshots (one with
// gaps, one of them without a place).
func sample() *analysis.Result {
	two := 2
	return &analysis.Result{
		SchemaVersion: analysis.ResultSchemaVersion,
		GeneratedAt:   time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC),
		Snapshots: []analysis.SnapshotInfo{
			{Provider: graphmodel.ProviderAWS, Scope: acct, Origin: "offline:fixtures/demo/gaad.json", Gaps: []graphmodel.Gap{
				{What: "managed policy arn:aws:iam::111111111111:policy/gone", Reason: "referenced by " + deploy + " but absent from gaad.json", Where: "fixtures/demo/gaad.json"},
				{What: "s3:GetBucketPolicy", Reason: "AccessDenied"},
			}},
			{Provider: graphmodel.ProviderAWS, Scope: other, Origin: "live", Gaps: []graphmodel.Gap{}},
		},
		Identities: []analysis.Identity{
			{
				ID: deploy, Aliases: []string{}, Provider: graphmodel.ProviderAWS, Kind: graphmodel.KindAWSRole,
				Name: "ci-deployer", NonHuman: true, Rank: 1,
				BlastRadius: analysis.BlastRadius{Score: 15.5, Resources: 2, Identities: 1, Breakdown: map[string]float64{
					"identities": 1, "resources": 4.5, "admin_scopes": 10, "conditional_admin_scopes": 1}},
				AdminOf:             []string{acct},
				ConditionalAdminOf:  []string{other},
				ReachableIdentities: []string{lambda},
				ReachableResources: []analysis.ResourceReach{
					{ID: secretS, Access: graphmodel.AccessAdmin, Via: acct},
					{ID: bucketA, Access: graphmodel.AccessRead, Via: deploy, Conditional: true},
				},
				Escalations: []analysis.Escalation{
					{Technique: "iam-001", Target: acct, Path: []analysis.Hop{
						{From: deploy, To: lambda, Technique: "lambda-001", Evidence: deploy + "#inline:deploy statement 0: allows iam:PassRole, lambda:CreateFunction"},
						{From: lambda, To: acct, Technique: "iam-001", Evidence: "arn:aws:iam::aws:policy/AdministratorAccess statement 0: allows *:*"},
					}},
					{Technique: "sts-001", Target: other, Conditional: true, Path: []analysis.Hop{
						{From: deploy, To: crossR, Technique: "sts-001", Conditional: true, Evidence: crossR + "#trust statement 0 (Sid CI): condition aws:SourceIp undecidable"},
						{From: crossR, To: other, Technique: "admin-policy", Evidence: "arn:aws:iam::aws:policy/AdministratorAccess statement 0: allows *:*"},
					}},
					{Technique: "lambda-001", Target: lambda, Path: []analysis.Hop{
						{From: deploy, To: lambda, Technique: "lambda-001", Evidence: deploy + "#inline:deploy statement 0: allows iam:PassRole, lambda:CreateFunction"},
					}},
				},
				MinHopsToAdmin: &two,
			},
			{
				ID: alice, Aliases: []string{}, Provider: graphmodel.ProviderAWS, Kind: graphmodel.KindAWSUser,
				Name: "alice", Rank: 2,
				BlastRadius: analysis.BlastRadius{Score: 1, Resources: 1, Identities: 0, Breakdown: map[string]float64{
					"identities": 0, "resources": 1, "admin_scopes": 0, "conditional_admin_scopes": 0}},
				AdminOf: []string{}, ConditionalAdminOf: []string{}, ReachableIdentities: []string{},
				ReachableResources: []analysis.ResourceReach{{ID: bucketA, Access: graphmodel.AccessRead, Via: admins}},
				Escalations:        []analysis.Escalation{},
				Truncated:          true,
			},
			{
				ID: lambda, Aliases: []string{"lambda-exec"}, Provider: graphmodel.ProviderAWS, Kind: graphmodel.KindAWSRole,
				Name: "lambda-exec", NonHuman: true, Rank: 3,
				BlastRadius: analysis.BlastRadius{Score: 0, Breakdown: map[string]float64{
					"identities": 0, "resources": 0, "admin_scopes": 0, "conditional_admin_scopes": 0}},
				AdminOf: []string{}, ConditionalAdminOf: []string{}, ReachableIdentities: []string{},
				ReachableResources: []analysis.ResourceReach{}, Escalations: []analysis.Escalation{},
			},
		},
	}
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestWriteGolden(t *testing.T) {
	tests := []struct {
		golden string
		opts   Options
	}{
		{"table.golden", Options{Format: FormatTable}},
		{"table_full.golden", Options{Format: FormatTable, Detail: analysis.DetailFull}},
		{"table_top.golden", Options{Format: FormatTable, Top: 1}},
		{"json.golden", Options{Format: FormatJSON}},
		{"json_top.golden", Options{Format: FormatJSON, Top: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, sample(), tc.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, buf.Bytes())
		})
	}
}

func TestWriteTableShape(t *testing.T) {
	var buf bytes.Buffer
	res := sample()
	if err := Write(&buf, res, Options{}); err != nil { // zero Options: table, summary, all
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"gaps: 2",
		"s3:GetBucketPolicy — AccessDenied\n",
		"(fixtures/demo/gaad.json)\n",
		"gaps: none",
		acct + "," + other + "?",
		Legend,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "→") {
		t.Error("summary table prints escalations")
	}
	// Every row starts its columns at the same offsets as the header.
	lines := strings.Split(out, "\n")
	var header string
	var rows []string
	for _, l := range lines {
		if strings.HasPrefix(l, "RANK") {
			header = l
		} else if header != "" && l != "" && l[0] >= '1' && l[0] <= '9' {
			rows = append(rows, l)
		}
	}
	if len(rows) != len(res.Identities) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(res.Identities), out)
	}
	col := strings.Index(header, "SCORE")
	for _, r := range rows {
		if r[col-1] != ' ' || r[col] == ' ' {
			t.Errorf("row not aligned under SCORE: %q", r)
		}
	}
}

func TestWriteEmptyAndNil(t *testing.T) {
	res := &analysis.Result{SchemaVersion: 1, GeneratedAt: time.Unix(0, 0).UTC()}
	var table, js bytes.Buffer
	if err := Write(&table, res, Options{Format: FormatTable}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "snapshots: none") || !strings.Contains(table.String(), "identities: none") {
		t.Errorf("empty table:\n%s", table.String())
	}
	if err := Write(&js, res, Options{Format: FormatJSON}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"snapshots": []`) || !strings.Contains(js.String(), `"identities": []`) {
		t.Errorf("empty json has null lists:\n%s", js.String())
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name string
		res  *analysis.Result
		opts Options
		want string
	}{
		{"nil result", nil, Options{}, "no result"},
		{"unknown format", sample(), Options{Format: "yaml"}, `unknown format "yaml" (want table, json, markdown, sarif, html)`},
		{"negative top", sample(), Options{Top: -1}, "top must be"},
		{"unknown detail", sample(), Options{Detail: "all"}, `unknown detail "all"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Write(&bytes.Buffer{}, tc.res, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{FormatTable, FormatJSON, FormatMarkdown, FormatSARIF, FormatHTML} {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	for _, bad := range []string{"", "TABLE", "dot"} {
		if _, err := ParseFormat(bad); err == nil {
			t.Errorf("ParseFormat(%q) accepted", bad)
		}
	}
}

func TestWriteTopDoesNotChangeResult(t *testing.T) {
	res := sample()
	if err := Write(&bytes.Buffer{}, res, Options{Format: FormatJSON, Top: 1}); err != nil {
		t.Fatal(err)
	}
	if len(res.Identities) != 3 {
		t.Errorf("Write changed the result: %d identities", len(res.Identities))
	}
}
