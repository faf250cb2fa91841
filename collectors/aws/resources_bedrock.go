package aws

// BedrockAgentCoreGetCodeInterpreterOutput is the output of aws
// bedrock-agentcore-control get-code-interpreter, one per code interpreter.
type BedrockAgentCoreGetCodeInterpreterOutput struct {
	CodeInterpreterID    string                         `json:"codeInterpreterId"`
	CodeInterpreterArn   string                         `json:"codeInterpreterArn"`
	Name                 string                         `json:"name"`
	Description          string                         `json:"description,omitempty"`
	ExecutionRoleArn     string                         `json:"executionRoleArn,omitempty"`
	NetworkConfiguration *BedrockAgentCoreNetworkConfig `json:"networkConfiguration,omitempty"`
	Status               string                         `json:"status,omitempty"`
	FailureReason        string                         `json:"failureReason,omitempty"`
	CreatedAt            Timestamp                      `json:"createdAt,omitempty"`
	LastUpdatedAt        Timestamp                      `json:"lastUpdatedAt,omitempty"`
}

// BedrockAgentCoreNetworkConfig is the network mode of a code interpreter
// (PUBLIC, SANDBOX or VPC).
type BedrockAgentCoreNetworkConfig struct {
	NetworkMode string `json:"networkMode"`
}

func (c *converter) bedrockAgentCore(r *Resources) error {
	for _, o := range r.CodeInterpreters {
		ci := o.Value
		l := o.loc().named("code interpreter", ci.Name)
		n, err := c.resource(l.field("codeInterpreterArn"), resourceSpec{
			arn: ci.CodeInterpreterArn, name: ci.Name, service: "bedrock-agentcore", typ: "code-interpreter",
		})
		if err != nil {
			return err
		}
		if err := c.carriesRole(l.field("executionRoleArn"), n.ID, ci.ExecutionRoleArn); err != nil {
			return err
		}
	}
	return nil
}
