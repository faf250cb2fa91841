package tfplan_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/internal/badinput"
	"github.com/blastradius/blastradius/tfplan"
)

func TestReadBadInput(t *testing.T) {
	good, err := os.ReadFile("testdata/plans/trust-other-account.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, input, want string
	}{
		{"malformed", "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [,]\n}\n",
			"plan.json: line 3, column 24: invalid JSON: invalid character ',' looking for beginning of value"},
		{"truncated", string(good[:len(good)/2]), "unexpected end of JSON input (truncated file?)"},
		{"empty", "", "plan.json: line 1, column 1: invalid JSON: unexpected end of JSON input (truncated file?)"},
		{"not an object", "\n [1, 2]", "plan.json: line 2, column 2: not a Terraform plan: expected a JSON object"},
		{"wrong type", "{\"format_version\": \"1.2\",\n \"resource_changes\": 5}", "plan.json: line 2, column 23 (resource_changes): expected []*tfjson.ResourceChange, found JSON number"},
		{"no format version", `{"planned_values": {}}`, "plan.json: not a Terraform plan: no format_version"},
		{"a state", `{"format_version": "1.0", "values": {"root_module": {}}}`, "plan.json: a Terraform state, not a plan"},
		{"format version 2", `{"format_version": "2.0", "resource_changes": []}`, "plan.json: format_version: plan format version 2.0 is not supported (this build reads 0.x and 1.x)"},
		{"format version garbage", `{"format_version": "one", "resource_changes": []}`, `plan.json: format_version: "one" is not a format version`},
		{"unknown actions", `{"format_version": "1.2", "resource_changes": [{"address": "aws_iam_role.r", "type": "aws_iam_role", "change": {"actions": ["explode"]}}]}`,
			`plan.json: line 1, column 60, resource_changes[0] (aws_iam_role.r) change actions: unknown actions ["explode"]`},
		{"no change", `{"format_version": "1.2", "resource_changes": [{"address": "aws_iam_role.r", "type": "aws_iam_role"}]}`,
			"plan.json: line 1, column 60, resource_changes[0] (aws_iam_role.r) change: no change"},
		{"no address", `{"format_version": "1.2", "resource_changes": [{"type": "aws_iam_role", "change": {"actions": ["create"]}}]}`,
			"plan.json: line 1, column 48, resource_changes[0]: address and type are required"},
		{"before not an object", `{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", "change": {"actions": ["delete"], "before": "x"}}]}`,
			"resource_changes[0] (a.b) change before: expected an object of attribute values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tfplan.Read("plan.json", []byte(tc.input))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if !badinput.Is(err) || !strings.HasPrefix(err.Error(), "plan.json: ") {
				t.Errorf("%v is not bad input naming the file", err)
			}
		})
	}
}

func TestReadFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/plans/*.json")
	if len(files) < 7 {
		t.Fatalf("%d fixtures", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := tfplan.Read(filepath.Base(f), data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if p.FormatVersion() != "1.2" {
			t.Errorf("%s: format version %s", f, p.FormatVersion())
		}
	}
}

// TestPosition checks that Position finds each change's address, in an
// indented plan and in a one-line one, columns counted in UTF-16 units.
func TestPosition(t *testing.T) {
	indented := "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {\"x\": \"aws_iam_role.a\"},\n  \"resource_changes\": [\n    {\n      \"type\": \"aws_iam_role\",\n      \"address\": \"aws_iam_role.a\",\n      \"change\": {\"actions\": [\"no-op\"]}\n    },\n    {\"address\": \"aws_iam_role.b\", \"type\": \"aws_iam_role\", \"change\": {\"actions\": [\"no-op\"]}}\n  ]\n}\n"
	oneLine := `{"format_version":"1.2","variables":{"v":{"value":"𝄞é"}},"resource_changes":[{"address":"aws_iam_role.a","type":"aws_iam_role","change":{"actions":["no-op"]}}]}`
	tests := []struct {
		name, data string
		want       [][2]int
	}{
		{"indented", indented, [][2]int{{7, 18}, {10, 17}}},
		// 𝄞 is two UTF-16 units (four bytes), é one (two bytes).
		{"one line", oneLine, [][2]int{{1, bytes.Index([]byte(oneLine), []byte(`"aws_iam_role.a"`)) + 1 - 3}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tfplan.Read("plan.json", []byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range tc.want {
				if l, c := p.Position(i); l != w[0] || c != w[1] {
					t.Errorf("change %d at %d:%d, want %d:%d", i, l, c, w[0], w[1])
				}
			}
			if l, c := p.Position(len(tc.want)); l != 0 || c != 0 {
				t.Errorf("out of range: %d:%d", l, c)
			}
		})
	}
}

func TestApplyBadDocument(t *testing.T) {
	data := planJSON(t, nil, rc{addr: "aws_iam_role_policy.p", typ: "aws_iam_role_policy", actions: create,
		after: map[string]any{"name": "p", "role": "app", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*"}]}`}})
	p, err := tfplan.Read("plan.json", data)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tfplan.Apply(baseline(), p)
	want := `resource_changes[0] (aws_iam_role_policy.p) change after.policy: statement 0, Effect: unknown Effect "Maybe" (want Allow or Deny)`
	if err == nil || !badinput.Is(err) || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "plan.json: line 1, column ") {
		t.Fatalf("error %v, want bad input with %q", err, want)
	}
}
