package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// sns lists the topics of a region (sns:ListTopics, every page) and reads
// each topic's attributes (sns:GetTopicAttributes), which hold its access
// policy. Messages are never read.
func (r *liveRun) sns(ctx context.Context, region string, res *Resources) error {
	const list, get = "sns:ListTopics", "sns:GetTopicAttributes"
	c := sns.NewFromConfig(r.cfg, func(o *sns.Options) { o.Region = region })
	v := SNSListTopicsOutput{Topics: []SNSTopic{}}
	p := sns.NewListTopicsPaginator(c, &sns.ListTopicsInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *sns.ListTopicsOutput) *string { return o.NextToken },
		func(page *sns.ListTopicsOutput) {
			for _, t := range page.Topics {
				v.Topics = append(v.Topics, SNSTopic{TopicArn: str(t.TopicArn)})
			}
		}); err != nil {
		return err
	}
	res.SNSTopics = append(res.SNSTopics, Output[SNSListTopicsOutput]{Where: r.where(list, region), Region: region, Value: v})
	for _, t := range v.Topics {
		out, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: &t.TopicArn})
		if err != nil {
			if err := r.failed(ctx, get, region, "topic "+t.TopicArn, err); err != nil {
				return err
			}
			continue
		}
		res.SNSTopicAttributes = append(res.SNSTopicAttributes, Output[SNSTopicAttributes]{
			Where: r.where(get, region), Region: region,
			Value: SNSTopicAttributes{TopicArn: t.TopicArn, Attributes: out.Attributes},
		})
	}
	return nil
}
