package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apprunner"
)

// appRunner lists the App Runner services of a region
// (apprunner:ListServices, every page) and describes each
// (apprunner:DescribeService) for its roles. The source configuration's
// image and code settings (environment variables) are never kept.
func (r *liveRun) appRunner(ctx context.Context, region string, res *Resources) error {
	const list, describe = "apprunner:ListServices", "apprunner:DescribeService"
	c := apprunner.NewFromConfig(r.cfg, func(o *apprunner.Options) { o.Region = region })
	var arns []string
	p := apprunner.NewListServicesPaginator(c, &apprunner.ListServicesInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *apprunner.ListServicesOutput) *string { return o.NextToken },
		func(page *apprunner.ListServicesOutput) {
			for _, s := range page.ServiceSummaryList {
				arns = append(arns, str(s.ServiceArn))
			}
		}); err != nil {
		return err
	}
	for _, arn := range arns {
		d, err := c.DescribeService(ctx, &apprunner.DescribeServiceInput{ServiceArn: aws.String(arn)})
		if err != nil {
			if err := r.failed(ctx, describe, region, "service "+arn, err); err != nil {
				return err
			}
			continue
		}
		s := d.Service
		if s == nil {
			continue
		}
		v := AppRunnerService{
			ServiceName: str(s.ServiceName), ServiceID: str(s.ServiceId), ServiceArn: str(s.ServiceArn),
			ServiceURL: str(s.ServiceUrl), CreatedAt: cliTime(s.CreatedAt), UpdatedAt: cliTime(s.UpdatedAt), Status: string(s.Status),
		}
		if sc := s.SourceConfiguration; sc != nil {
			v.SourceConfiguration = &AppRunnerSourceConfiguration{AutoDeploymentsEnabled: sc.AutoDeploymentsEnabled}
			if a := sc.AuthenticationConfiguration; a != nil {
				v.SourceConfiguration.AuthenticationConfiguration = &AppRunnerAuthenticationConfiguration{
					AccessRoleArn: str(a.AccessRoleArn), ConnectionArn: str(a.ConnectionArn),
				}
			}
		}
		if ic := s.InstanceConfiguration; ic != nil {
			v.InstanceConfiguration = &AppRunnerInstanceConfiguration{CPU: str(ic.Cpu), Memory: str(ic.Memory), InstanceRoleArn: str(ic.InstanceRoleArn)}
		}
		res.AppRunnerServices = append(res.AppRunnerServices, Output[AppRunnerDescribeServiceOutput]{
			Where: r.where(describe, region), Region: region, Value: AppRunnerDescribeServiceOutput{Service: v},
		})
	}
	return nil
}
