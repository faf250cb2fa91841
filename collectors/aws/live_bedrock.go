package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

// bedrockAgentCore lists the Bedrock AgentCore code interpreters of a
// region (bedrock-agentcore:ListCodeInterpreters, every page) and reads
// each (bedrock-agentcore:GetCodeInterpreter) for its execution role. No
// session is ever started.
func (r *liveRun) bedrockAgentCore(ctx context.Context, region string, res *Resources) error {
	const list, get = "bedrock-agentcore:ListCodeInterpreters", "bedrock-agentcore:GetCodeInterpreter"
	c := bedrockagentcorecontrol.NewFromConfig(r.cfg, func(o *bedrockagentcorecontrol.Options) { o.Region = region })
	var ids []string
	p := bedrockagentcorecontrol.NewListCodeInterpretersPaginator(c, &bedrockagentcorecontrol.ListCodeInterpretersInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *bedrockagentcorecontrol.ListCodeInterpretersOutput) *string { return o.NextToken },
		func(page *bedrockagentcorecontrol.ListCodeInterpretersOutput) {
			for _, s := range page.CodeInterpreterSummaries {
				ids = append(ids, str(s.CodeInterpreterId))
			}
		}); err != nil {
		return err
	}
	for _, id := range ids {
		d, err := c.GetCodeInterpreter(ctx, &bedrockagentcorecontrol.GetCodeInterpreterInput{CodeInterpreterId: aws.String(id)})
		if err != nil {
			if err := r.failed(ctx, get, region, "code interpreter "+id, err); err != nil {
				return err
			}
			continue
		}
		v := BedrockAgentCoreGetCodeInterpreterOutput{
			CodeInterpreterID: str(d.CodeInterpreterId), CodeInterpreterArn: str(d.CodeInterpreterArn), Name: str(d.Name),
			Description: str(d.Description), ExecutionRoleArn: str(d.ExecutionRoleArn), Status: string(d.Status),
			FailureReason: str(d.FailureReason), CreatedAt: cliTime(d.CreatedAt), LastUpdatedAt: cliTime(d.LastUpdatedAt),
		}
		if n := d.NetworkConfiguration; n != nil {
			v.NetworkConfiguration = &BedrockAgentCoreNetworkConfig{NetworkMode: string(n.NetworkMode)}
		}
		res.CodeInterpreters = append(res.CodeInterpreters, Output[BedrockAgentCoreGetCodeInterpreterOutput]{
			Where: r.where(get, region), Region: region, Value: v,
		})
	}
	return nil
}
