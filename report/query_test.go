package report

import (
	"bytes"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
)

func samplePath() []analysis.Hop {
	return []analysis.Hop{
		{From: "arn:aws:iam::111111111111:user/u", To: "arn:aws:iam::111111111111:role/r", Technique: "sts-001",
			Evidence: "arn:aws:iam::111111111111:role/r trust policy statement 0: admits arn:aws:iam::111111111111:user/u"},
		{From: "arn:aws:iam::111111111111:role/r", To: "aws:account:111111111111", Technique: "iam-009", Conditional: true,
			Evidence: "arn:aws:iam::111111111111:role/r#inline:p statement 1: allows iam:AttachRolePolicy"},
	}
}

func TestPathsGolden(t *testing.T) {
	doc := PathsDocument{From: "arn:aws:iam::111111111111:user/u", ToAdmin: true, Paths: []analysis.Escalation{
		{Technique: "iam-009", Target: "aws:account:111111111111", Conditional: true, Path: samplePath()},
	}}
	for _, f := range []Format{FormatTable, FormatJSON} {
		var buf bytes.Buffer
		if err := WritePaths(&buf, doc, f); err != nil {
			t.Fatal(err)
		}
		golden(t, "paths."+string(f)+".golden", buf.Bytes())
	}
	var buf bytes.Buffer
	if err := WritePaths(&buf, PathsDocument{From: "a", To: "b"}, FormatTable); err != nil || buf.String() != "no path from a to b\n" {
		t.Errorf("empty answer = %q, %v", buf.String(), err)
	}
}

func TestWhoCanGolden(t *testing.T) {
	doc := WhoCanDocument{Action: "iam:AttachRolePolicy", Resource: "aws:account:111111111111", Identities: []analysis.Capable{
		{Identity: "arn:aws:iam::111111111111:role/r", Kind: graphmodel.KindAWSRole, Name: "r", NonHuman: true, Path: samplePath()[1:]},
		{Identity: "arn:aws:iam::111111111111:user/u", Kind: graphmodel.KindAWSUser, Name: "u", Conditional: true, Path: samplePath()},
	}}
	for _, tc := range []struct {
		name   string
		format Format
		detail analysis.Detail
	}{
		{"whocan.table.golden", FormatTable, analysis.DetailSummary},
		{"whocan.full.golden", FormatTable, analysis.DetailFull},
		{"whocan.json.golden", FormatJSON, analysis.DetailSummary},
	} {
		var buf bytes.Buffer
		if err := WriteWhoCan(&buf, doc, tc.format, tc.detail); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name, buf.Bytes())
	}
}
