package aws

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/blastradius/blastradius/graphmodel"
)

// The AWS CLI prints no region in describe-launch-templates, get-jobs and
// the like. A file in DIR/<region>/ takes its directory's region, and
// --region (WithRegion) gives one to the files that carry none; without
// either, the item is a gap.
func TestOutputsWithoutRegion(t *testing.T) {
	const templates = `{"LaunchTemplates": [{"LaunchTemplateId": "lt-1", "LaunchTemplateName": "workers", "DefaultVersionNumber": 1}]}`
	const jobs = `{"Jobs": [{"Name": "nightly"}]}`
	tests := []struct {
		name    string
		files   map[string]string
		region  string
		want    map[string]string // node ID → its region
		wantGap int
	}{
		{name: "no region anywhere: gaps", files: map[string]string{
			"ec2-describe-launch-templates.json": templates, "glue-get-jobs.json": jobs}, wantGap: 2},
		{name: "--region", region: "eu-central-1", files: map[string]string{
			"ec2-describe-launch-templates.json": templates, "glue-get-jobs.json": jobs}, want: map[string]string{
			"arn:aws:ec2:eu-central-1:111111111111:launch-template/lt-1": "eu-central-1",
			"arn:aws:glue:eu-central-1:111111111111:job/nightly":         "eu-central-1"}},
		{name: "region subdirectories, --region for the rest", region: "eu-central-1", files: map[string]string{
			"us-west-2/ec2-describe-launch-templates.json": templates,
			"ap-south-1/glue-get-jobs.json":                jobs,
			"glue-get-jobs.json":                           `{"Jobs": [{"Name": "hourly"}]}`,
		}, want: map[string]string{
			"arn:aws:ec2:us-west-2:111111111111:launch-template/lt-1": "us-west-2",
			"arn:aws:glue:ap-south-1:111111111111:job/nightly":        "ap-south-1",
			"arn:aws:glue:eu-central-1:111111111111:job/hourly":       "eu-central-1"}},
		{name: "an element's own Region wins over the directory's", files: map[string]string{
			"us-west-2/ec2-describe-launch-templates.json": `[{"Region": "sa-east-1", "LaunchTemplates": [{"LaunchTemplateId": "lt-1", "LaunchTemplateName": "workers"}]}]`,
		}, want: map[string]string{"arn:aws:ec2:sa-east-1:111111111111:launch-template/lt-1": "sa-east-1"}},
		{name: "a subdirectory that is no region is ignored", files: map[string]string{
			"notes/ec2-describe-launch-templates.json": templates}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := withFiles(t, nil)
			for name, data := range tc.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			frag, err := NewOffline(fsys, "res").WithRegion(tc.region).Collect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, n := range frag.Nodes {
				if n.Kind == graphmodel.KindAWSResource && (n.Prop(graphmodel.PropType) == "launch-template" || n.Prop(graphmodel.PropType) == "job") {
					got[n.ID] = n.Prop(graphmodel.PropRegion)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("nodes %v, want %v", got, tc.want)
			}
			for id, region := range tc.want {
				if got[id] != region {
					t.Errorf("%s: region %q, want %q (nodes %v)", id, got[id], region, got)
				}
			}
			if gaps := len(frag.Source.Gaps); gaps != tc.wantGap {
				t.Errorf("%d gaps, want %d: %v", gaps, tc.wantGap, frag.Source.Gaps)
			}
		})
	}
}

// A resource policy whose element names the resource but no region (Lambda
// by function name, KMS by key ID, ECR by repository name) of a resource
// the listings lack takes --region, or its directory's region, too.
func TestPoliciesWithoutRegion(t *testing.T) {
	const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"*","Resource":"*"}]}`
	quoted := strconv.Quote(policy)
	files := map[string]string{
		"lambda-get-policy.json":           `[{"FunctionName": "resize", "Policy": ` + quoted + `}]`,
		"kms-get-key-policy.json":          `[{"KeyId": "k-1", "Policy": ` + quoted + `}]`,
		"ecr-get-repository-policy.json":   `[{"repositoryName": "images", "policyText": ` + quoted + `}]`,
		"us-west-2/lambda-get-policy.json": `[{"FunctionName": "thumbs", "Policy": ` + quoted + `}]`,
	}
	for _, tc := range []struct {
		region  string
		want    []string
		wantGap int
	}{
		{region: "", want: []string{"arn:aws:lambda:us-west-2:111111111111:function:thumbs"}, wantGap: 3},
		{region: "eu-central-1", want: []string{
			"arn:aws:ecr:eu-central-1:111111111111:repository/images",
			"arn:aws:kms:eu-central-1:111111111111:key/k-1",
			"arn:aws:lambda:eu-central-1:111111111111:function:resize",
			"arn:aws:lambda:us-west-2:111111111111:function:thumbs",
		}},
	} {
		t.Run("region="+tc.region, func(t *testing.T) {
			fsys := withFiles(t, nil)
			for name, data := range files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			frag, err := NewOffline(fsys, "res").WithRegion(tc.region).Collect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range frag.Nodes {
				if n.Kind == graphmodel.KindAWSResource && n.Documents["policy"] != nil {
					got = append(got, n.ID)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("resources with a policy %v, want %v", got, tc.want)
			}
			if gaps := len(frag.Source.Gaps); gaps != tc.wantGap {
				t.Errorf("%d gaps, want %d: %v", gaps, tc.wantGap, frag.Source.Gaps)
			}
		})
	}
}
