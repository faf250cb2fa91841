package aws

import (
	"net/url"
	"strings"
)

// SQSListQueuesOutput is the output of aws sqs list-queues.
type SQSListQueuesOutput struct {
	QueueUrls []string `json:"QueueUrls"`
	NextToken string   `json:"NextToken,omitempty"`
}

// SQSQueueAttributes is the output of aws sqs get-queue-attributes
// --attribute-names All ({"Attributes": {"QueueArn": …, "Policy": "<JSON
// string>", …}}) with the QueueUrl it was asked for beside it.
type SQSQueueAttributes struct {
	QueueURL   string            `json:"QueueUrl"`
	Attributes map[string]string `json:"Attributes"`
}

// queueARN builds the ARN of a queue from its URL
// (https://sqs.<region>.amazonaws.com/<account>/<name>, or the legacy
// https://<region>.queue.amazonaws.com/<account>/<name>).
func (c *converter) queueARN(l loc, queueURL string) (string, error) {
	u, err := url.Parse(queueURL)
	bad := func() (string, error) {
		return "", l.bad("%q is not a queue URL (want https://sqs.<region>.amazonaws.com/<account>/<name>)", queueURL)
	}
	if err != nil || u.Host == "" {
		return bad()
	}
	labels := strings.Split(u.Hostname(), ".")
	region := ""
	switch {
	case len(labels) >= 3 && labels[0] == "sqs":
		region = labels[1]
	case len(labels) >= 3 && labels[1] == "queue":
		region = labels[0]
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if region == "" || len(parts) != 2 || !isAccountID(parts[0]) || parts[1] == "" {
		return bad()
	}
	return c.arn("sqs", region, parts[0], parts[1]), nil
}

// queueName returns the name of a queue ARN.
func queueName(arn string) string { return resourceOf(arn) }

func (c *converter) sqs(r *Resources) error {
	for _, o := range r.SQSQueues {
		for j, u := range o.Value.QueueUrls {
			l := o.loc().in("QueueUrls", j, "", "")
			arn, err := c.queueARN(l, u)
			if err != nil {
				return err
			}
			if _, err := c.resource(l, resourceSpec{arn: arn, name: queueName(arn), service: "sqs", typ: "queue"}); err != nil {
				return err
			}
		}
	}
	for _, o := range r.SQSQueueAttributes {
		q := o.Value
		l := o.loc()
		arn := q.Attributes["QueueArn"]
		at := l.field("Attributes QueueArn")
		if arn == "" {
			if q.QueueURL == "" {
				return l.bad(`neither Attributes.QueueArn nor QueueUrl: give the queue each output belongs to ({"QueueUrl": …, "Attributes": …})`)
			}
			at = l.field("QueueUrl")
			var err error
			if arn, err = c.queueARN(at, q.QueueURL); err != nil {
				return err
			}
		}
		n, err := c.resource(at, resourceSpec{arn: arn, name: queueName(arn), service: "sqs", typ: "queue"})
		if err != nil {
			return err
		}
		if p, ok := q.Attributes["Policy"]; ok && p != "" {
			if err := c.resourcePolicy(l.named("queue", n.Name).field("Attributes Policy"), n, jsonString(p)); err != nil {
				return err
			}
		}
	}
	return nil
}
