package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	demoCarol     = "arn:aws:iam::111122223333:user/carol.diaz"
	demoOperator  = "arn:aws:iam::111122223333:role/data-pipeline-operator"
	demoTerraform = "arn:aws:iam::111122223333:role/terraform-apply"
)

func TestPathsToAdminOnDemo(t *testing.T) {
	res := runCLI(t, "", "paths", "--demo", "--from", demoCarol, "--to-admin", "--format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	var doc struct {
		Paths []struct {
			Target string
			Path   []struct{ From, To, Technique, Evidence string }
		}
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Paths) != 1 || doc.Paths[0].Target != "aws:account:111122223333" {
		t.Fatalf("paths = %+v", doc.Paths)
	}
	p := doc.Paths[0].Path
	if len(p) != 2 || p[0].To != demoOperator || p[0].Technique != "sts-001" || p[1].Technique != "iam-009" || p[1].Evidence == "" {
		t.Errorf("path = %+v, want carol → data-pipeline-operator (sts-001) → account (iam-009)", p)
	}

	table := runCLI(t, "", "paths", "--demo", "--from", demoCarol, "--to", demoOperator)
	if table.code != 0 || !strings.Contains(table.stdout, "--sts-001--> "+demoOperator) {
		t.Errorf("table (exit %d):\n%s", table.code, table.stdout)
	}
}

func TestWhoCanOnDemo(t *testing.T) {
	res := runCLI(t, "", "who-can", "--demo", "--action", "sts:AssumeRole", "--resource", demoTerraform, "--format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	var doc struct {
		Identities []struct {
			Identity    string
			Conditional bool
			Path        []struct{ From, To, Technique string }
		}
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Identities) == 0 || doc.Identities[0].Identity != "arn:aws:iam::111122223333:role/github-actions-deploy" {
		t.Fatalf("the role its trust names should come first: %+v", doc.Identities)
	}
	for _, id := range doc.Identities {
		if id.Identity == demoTerraform {
			t.Error("the resource itself is not an answer")
		}
		last := id.Path[len(id.Path)-1]
		if last.To != demoTerraform {
			t.Errorf("%s: the last hop must reach the resource, got %+v", id.Identity, last)
		}
	}
}

func TestQueryBadUsageExits2(t *testing.T) {
	for _, args := range [][]string{
		{"paths", "--demo", "--from", "arn:aws:iam::111122223333:user/nobody", "--to-admin"},
		{"paths", "--demo", "--from", demoCarol},
		{"paths", "--demo", "--from", demoCarol, "--to", demoOperator, "--to-admin"},
		{"paths", "--from", demoCarol, "--to-admin"},
		{"who-can", "--demo", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::no-such-bucket"},
		{"who-can", "--demo", "--action", "s3:GetObject"},
		{"who-can", "--demo", "--action", "s3:GetObject", "--resource", demoTerraform, "--format", "sarif"},
	} {
		res := runCLI(t, "", args...)
		if res.code != 2 || !strings.Contains(res.stderr, "blastradius:") && !strings.Contains(res.stderr, "Required flag") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 with a message", args, res.code, res.stderr)
		}
	}
}
