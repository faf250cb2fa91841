package aws

// SNSListTopicsOutput is the output of aws sns list-topics.
type SNSListTopicsOutput struct {
	Topics    []SNSTopic `json:"Topics"`
	NextToken string     `json:"NextToken,omitempty"`
}

// SNSTopic names a topic.
type SNSTopic struct {
	TopicArn string `json:"TopicArn"`
}

// SNSTopicAttributes is the output of aws sns get-topic-attributes
// ({"Attributes": {"TopicArn": …, "Policy": "<JSON string>", …}}), with the
// TopicArn it was asked for beside it when the attributes lack it.
type SNSTopicAttributes struct {
	TopicArn   string            `json:"TopicArn,omitempty"`
	Attributes map[string]string `json:"Attributes"`
}

func (c *converter) sns(r *Resources) error {
	for _, o := range r.SNSTopics {
		for j, t := range o.Value.Topics {
			l := o.loc().in("Topics", j, "", "").field("TopicArn")
			if _, err := c.resource(l, resourceSpec{arn: t.TopicArn, name: resourceOf(t.TopicArn), service: "sns", typ: "topic"}); err != nil {
				return err
			}
		}
	}
	for _, o := range r.SNSTopicAttributes {
		a := o.Value
		l := o.loc()
		arn, at := a.Attributes["TopicArn"], l.field("Attributes TopicArn")
		if arn == "" {
			arn, at = a.TopicArn, l.field("TopicArn")
		}
		if arn == "" {
			return l.bad(`neither Attributes.TopicArn nor TopicArn: give the topic each output belongs to ({"TopicArn": …, "Attributes": …})`)
		}
		n, err := c.resource(at, resourceSpec{arn: arn, name: resourceOf(arn), service: "sns", typ: "topic"})
		if err != nil {
			return err
		}
		if p, ok := a.Attributes["Policy"]; ok && p != "" {
			if err := c.resourcePolicy(l.named("topic", n.Name).field("Attributes Policy"), n, jsonString(p)); err != nil {
				return err
			}
		}
	}
	return nil
}
