package aws

import (
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// SSMDescribeInstanceInformationOutput is the output of aws ssm
// describe-instance-information: the nodes Systems Manager manages.
type SSMDescribeInstanceInformationOutput struct {
	InstanceInformationList []SSMInstanceInformation `json:"InstanceInformationList"`
	NextToken               string                   `json:"NextToken,omitempty"`
}

// SSMInstanceInformation is one managed node.
type SSMInstanceInformation struct {
	InstanceID        string    `json:"InstanceId"`
	PingStatus        string    `json:"PingStatus"`
	LastPingDateTime  Timestamp `json:"LastPingDateTime,omitempty"`
	AgentVersion      string    `json:"AgentVersion,omitempty"`
	IsLatestVersion   *bool     `json:"IsLatestVersion,omitempty"`
	PlatformType      string    `json:"PlatformType,omitempty"`
	PlatformName      string    `json:"PlatformName,omitempty"`
	PlatformVersion   string    `json:"PlatformVersion,omitempty"`
	ResourceType      string    `json:"ResourceType,omitempty"`
	IPAddress         string    `json:"IPAddress,omitempty"`
	ComputerName      string    `json:"ComputerName,omitempty"`
	AssociationStatus string    `json:"AssociationStatus,omitempty"`
	SourceID          string    `json:"SourceId,omitempty"`
	SourceType        string    `json:"SourceType,omitempty"`
}

// SSMDescribeParametersOutput is the output of aws ssm describe-parameters:
// parameter metadata, never values.
type SSMDescribeParametersOutput struct {
	Parameters []SSMParameterMetadata `json:"Parameters"`
	NextToken  string                 `json:"NextToken,omitempty"`
}

// SSMParameterMetadata describes a parameter (never its value).
type SSMParameterMetadata struct {
	Name             string    `json:"Name"`
	ARN              string    `json:"ARN,omitempty"`
	Type             string    `json:"Type"`
	KeyID            string    `json:"KeyId,omitempty"`
	LastModifiedDate Timestamp `json:"LastModifiedDate,omitempty"`
	LastModifiedUser string    `json:"LastModifiedUser,omitempty"`
	Description      string    `json:"Description,omitempty"`
	Version          int64     `json:"Version,omitempty"`
	Tier             string    `json:"Tier,omitempty"`
	DataType         string    `json:"DataType,omitempty"`
}

// ssmEC2Instance is the ResourceType of an EC2 instance in the SSM inventory.
const ssmEC2Instance = "EC2Instance"

func (c *converter) ssmInstances(r *Resources) error {
	for _, o := range r.SSMInstances {
		for j, info := range o.Value.InstanceInformationList {
			l := o.loc().in("InstanceInformationList", j, "instance", info.InstanceID)
			n, ok := c.byName("ec2", "instance", info.InstanceID, "")
			if !ok {
				if info.ResourceType == ssmEC2Instance || strings.HasPrefix(info.InstanceID, "i-") {
					c.gapAt(l, "ec2 instance "+info.InstanceID,
						"managed by Systems Manager but absent from ec2-describe-instances.json")
				}
				continue // hybrid nodes (mi-…) are not EC2 instances
			}
			n.SetProp(graphmodel.PropAWSSSMManaged, "true")
			n.SetProp(graphmodel.PropAWSSSMPingStatus, info.PingStatus)
		}
	}
	return nil
}

func (c *converter) ssmParameters(r *Resources) error {
	for _, o := range r.SSMParameters {
		for j, p := range o.Value.Parameters {
			l := o.loc().in("Parameters", j, "parameter", p.Name)
			if p.Name == "" {
				return l.field("Name").bad("Name is empty")
			}
			arn := p.ARN
			if arn == "" {
				region := c.regionOf(o.Region)
				if region == "" {
					c.noRegion(l, "ssm parameter "+p.Name)
					continue
				}
				arn = c.arn("ssm", region, c.account, "parameter/"+strings.TrimPrefix(p.Name, "/"))
			}
			n, err := c.resource(l.field("ARN"), resourceSpec{arn: arn, name: p.Name, service: "ssm", typ: "parameter"})
			if err != nil {
				return err
			}
			n.SetProp(graphmodel.PropAWSParameterType, p.Type)
			n.SetProp(graphmodel.PropResourceClass, string(parameterClass(n.Prop(graphmodel.PropAWSParameterType))))
		}
	}
	return nil
}
