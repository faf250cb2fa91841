package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// cloudFormation describes the stacks of a region
// (cloudformation:DescribeStacks, every page), lists its stack sets
// (cloudformation:ListStackSets) and describes each
// (cloudformation:DescribeStackSet) for its roles. Templates, parameters
// and outputs are never kept (the raw types have no field for them).
func (r *liveRun) cloudFormation(ctx context.Context, region string, res *Resources) error {
	const stacks, list, describe = "cloudformation:DescribeStacks", "cloudformation:ListStackSets", "cloudformation:DescribeStackSet"
	c := cloudformation.NewFromConfig(r.cfg, func(o *cloudformation.Options) { o.Region = region })
	sv := CloudFormationDescribeStacksOutput{Stacks: []CloudFormationStack{}}
	sp := cloudformation.NewDescribeStacksPaginator(c, &cloudformation.DescribeStacksInput{})
	if err := listPages(ctx, r, stacks, region, "", sp.HasMorePages, sp.NextPage,
		func(o *cloudformation.DescribeStacksOutput) *string { return o.NextToken },
		func(page *cloudformation.DescribeStacksOutput) {
			for _, s := range page.Stacks {
				sv.Stacks = append(sv.Stacks, liveStack(s))
			}
		}); err != nil {
		return err
	}
	res.CloudFormationStacks = append(res.CloudFormationStacks, Output[CloudFormationDescribeStacksOutput]{
		Where: r.where(stacks, region), Region: region, Value: sv,
	})

	lv := CloudFormationListStackSetsOutput{Summaries: []CloudFormationStackSetSummary{}}
	lp := cloudformation.NewListStackSetsPaginator(c, &cloudformation.ListStackSetsInput{})
	if err := listPages(ctx, r, list, region, "", lp.HasMorePages, lp.NextPage,
		func(o *cloudformation.ListStackSetsOutput) *string { return o.NextToken },
		func(page *cloudformation.ListStackSetsOutput) {
			for _, s := range page.Summaries {
				lv.Summaries = append(lv.Summaries, CloudFormationStackSetSummary{
					StackSetName: str(s.StackSetName), StackSetID: str(s.StackSetId), Description: str(s.Description),
					Status: string(s.Status), PermissionModel: string(s.PermissionModel), DriftStatus: string(s.DriftStatus),
				})
			}
		}); err != nil {
		return err
	}
	res.CloudFormationStackSets = append(res.CloudFormationStackSets, Output[CloudFormationListStackSetsOutput]{
		Where: r.where(list, region), Region: region, Value: lv,
	})
	for _, s := range lv.Summaries {
		if s.Status == string(cftypes.StackSetStatusDeleted) {
			continue
		}
		name := s.StackSetName
		out, err := c.DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: &name})
		if err != nil {
			if err := r.failed(ctx, describe, region, "stack set "+name, err); err != nil {
				return err
			}
			continue
		}
		if out.StackSet == nil {
			continue
		}
		res.CloudFormationStackSetDetails = append(res.CloudFormationStackSetDetails, Output[CloudFormationDescribeStackSetOutput]{
			Where: r.where(describe, region), Region: region,
			Value: CloudFormationDescribeStackSetOutput{StackSet: liveStackSet(out.StackSet)},
		})
	}
	return nil
}

func cfTags(list []cftypes.Tag) []Tag {
	return liveTags(list, func(t cftypes.Tag) (*string, *string) { return t.Key, t.Value })
}

// liveStack maps a stack; its parameters and outputs are left out.
func liveStack(s cftypes.Stack) CloudFormationStack {
	out := CloudFormationStack{
		StackID: str(s.StackId), StackName: str(s.StackName), ChangeSetID: str(s.ChangeSetId),
		Description: str(s.Description), CreationTime: cliTime(s.CreationTime), LastUpdatedTime: cliTime(s.LastUpdatedTime),
		StackStatus: string(s.StackStatus), StackStatusReason: str(s.StackStatusReason), DisableRollback: s.DisableRollback,
		NotificationARNs: s.NotificationARNs, RoleARN: str(s.RoleARN), Tags: cfTags(s.Tags),
		EnableTerminationProtection: s.EnableTerminationProtection, ParentID: str(s.ParentId), RootID: str(s.RootId),
	}
	for _, c := range s.Capabilities {
		out.Capabilities = append(out.Capabilities, string(c))
	}
	return out
}

// liveStackSet maps a stack set; its template and parameters are left out.
func liveStackSet(s *cftypes.StackSet) CloudFormationStackSet {
	out := CloudFormationStackSet{
		StackSetName: str(s.StackSetName), StackSetID: str(s.StackSetId), Description: str(s.Description),
		Status: string(s.Status), Tags: cfTags(s.Tags), StackSetARN: str(s.StackSetARN),
		AdministrationRoleARN: str(s.AdministrationRoleARN), ExecutionRoleName: str(s.ExecutionRoleName),
		PermissionModel: string(s.PermissionModel), OrganizationalUnitIDs: s.OrganizationalUnitIds, Regions: s.Regions,
	}
	for _, c := range s.Capabilities {
		out.Capabilities = append(out.Capabilities, string(c))
	}
	return out
}
