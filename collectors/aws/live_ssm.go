package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// ssm reads the nodes Systems Manager manages
// (ssm:DescribeInstanceInformation) and the parameters' metadata
// (ssm:DescribeParameters), every page. Parameter values are never read:
// ssm:GetParameter(s) is never called.
func (r *liveRun) ssm(ctx context.Context, region string, res *Resources) error {
	const instances, params = "ssm:DescribeInstanceInformation", "ssm:DescribeParameters"
	c := ssm.NewFromConfig(r.cfg, func(o *ssm.Options) { o.Region = region })
	iv := SSMDescribeInstanceInformationOutput{InstanceInformationList: []SSMInstanceInformation{}}
	ip := ssm.NewDescribeInstanceInformationPaginator(c, &ssm.DescribeInstanceInformationInput{})
	if err := listPages(ctx, r, instances, region, "", ip.HasMorePages, ip.NextPage,
		func(o *ssm.DescribeInstanceInformationOutput) *string { return o.NextToken },
		func(page *ssm.DescribeInstanceInformationOutput) {
			for _, i := range page.InstanceInformationList {
				iv.InstanceInformationList = append(iv.InstanceInformationList, liveInstanceInformation(i))
			}
		}); err != nil {
		return err
	}
	res.SSMInstances = append(res.SSMInstances, Output[SSMDescribeInstanceInformationOutput]{Where: r.where(instances, region), Region: region, Value: iv})

	pv := SSMDescribeParametersOutput{Parameters: []SSMParameterMetadata{}}
	pp := ssm.NewDescribeParametersPaginator(c, &ssm.DescribeParametersInput{})
	if err := listPages(ctx, r, params, region, "", pp.HasMorePages, pp.NextPage,
		func(o *ssm.DescribeParametersOutput) *string { return o.NextToken },
		func(page *ssm.DescribeParametersOutput) {
			for _, p := range page.Parameters {
				pv.Parameters = append(pv.Parameters, SSMParameterMetadata{
					Name: str(p.Name), ARN: str(p.ARN), Type: string(p.Type), KeyID: str(p.KeyId),
					LastModifiedDate: cliTime(p.LastModifiedDate), LastModifiedUser: str(p.LastModifiedUser),
					Description: str(p.Description), Version: p.Version, Tier: string(p.Tier), DataType: str(p.DataType),
				})
			}
		}); err != nil {
		return err
	}
	res.SSMParameters = append(res.SSMParameters, Output[SSMDescribeParametersOutput]{Where: r.where(params, region), Region: region, Value: pv})
	return nil
}

func liveInstanceInformation(i ssmtypes.InstanceInformation) SSMInstanceInformation {
	return SSMInstanceInformation{
		InstanceID: str(i.InstanceId), PingStatus: string(i.PingStatus), LastPingDateTime: cliTime(i.LastPingDateTime),
		AgentVersion: str(i.AgentVersion), IsLatestVersion: i.IsLatestVersion, PlatformType: string(i.PlatformType),
		PlatformName: str(i.PlatformName), PlatformVersion: str(i.PlatformVersion), ResourceType: string(i.ResourceType),
		IPAddress: str(i.IPAddress), ComputerName: str(i.ComputerName), AssociationStatus: str(i.AssociationStatus),
		SourceID: str(i.SourceId), SourceType: string(i.SourceType),
	}
}
