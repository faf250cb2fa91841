package aws

import (
	"context"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// sqs lists the queues of a region (sqs:ListQueues, every page) and reads
// each queue's ARN and access policy (sqs:GetQueueAttributes, those two
// attributes only). Messages are never received.
//
// The queue URLs are kept in AWS's form
// (https://sqs.<region>.amazonaws.com/<account>/<name>): an emulator or a
// proxy answers URLs on its own host, which name no region.
func (r *liveRun) sqs(ctx context.Context, region string, res *Resources) error {
	const list, get = "sqs:ListQueues", "sqs:GetQueueAttributes"
	c := sqs.NewFromConfig(r.cfg, func(o *sqs.Options) { o.Region = region })
	var urls []string
	p := sqs.NewListQueuesPaginator(c, &sqs.ListQueuesInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *sqs.ListQueuesOutput) *string { return o.NextToken },
		func(page *sqs.ListQueuesOutput) {
			urls = append(urls, page.QueueUrls...)
		}); err != nil {
		return err
	}
	v := SQSListQueuesOutput{QueueUrls: []string{}}
	for _, u := range urls {
		v.QueueUrls = append(v.QueueUrls, awsQueueURL(u, region))
	}
	res.SQSQueues = append(res.SQSQueues, Output[SQSListQueuesOutput]{Where: r.where(list, region), Region: region, Value: v})
	for _, u := range urls {
		out, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
			QueueUrl:       aws.String(u),
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn, sqstypes.QueueAttributeNamePolicy},
		})
		if err != nil {
			if err := r.failed(ctx, get, region, "queue "+awsQueueURL(u, region), err); err != nil {
				return err
			}
			continue
		}
		res.SQSQueueAttributes = append(res.SQSQueueAttributes, Output[SQSQueueAttributes]{
			Where: r.where(get, region), Region: region,
			Value: SQSQueueAttributes{QueueURL: awsQueueURL(u, region), Attributes: out.Attributes},
		})
	}
	return nil
}

// awsQueueURL returns a queue URL in AWS's form. A URL on another host
// (http://127.0.0.1:5000/123456789012/jobs from an emulator) becomes
// https://sqs.<region>.amazonaws.com/<account>/<name>; an AWS URL, or one
// whose path is not /<account>/<name>, is kept as it is.
func awsQueueURL(raw, region string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	host := u.Hostname()
	if strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn") {
		return raw
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 2 || !isAccountID(parts[0]) || parts[1] == "" {
		return raw
	}
	return "https://sqs." + region + ".amazonaws.com/" + parts[0] + "/" + parts[1]
}
