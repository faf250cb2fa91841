package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ecsBatch is how many services one ecs:DescribeServices call may name.
const ecsBatch = 10

// ecs lists the clusters of a region (ecs:ListClusters), the services of
// each (ecs:ListServices) and describes them ten at a time with their
// tags (ecs:DescribeServices), one output per cluster; then it describes
// the task definition each service runs, with its tags
// (ecs:DescribeTaskDefinition), for its task role. Service events and
// container definitions (environment, secrets) are never kept.
func (r *liveRun) ecs(ctx context.Context, region string, res *Resources) error {
	const clusters, services, describe = "ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices"
	c := ecs.NewFromConfig(r.cfg, func(o *ecs.Options) { o.Region = region })
	var taskDefs []string // the task definitions the services run, once each
	seen := map[string]bool{}
	var arns []string
	p := ecs.NewListClustersPaginator(c, &ecs.ListClustersInput{})
	if err := listPages(ctx, r, clusters, region, "", p.HasMorePages, p.NextPage,
		func(o *ecs.ListClustersOutput) *string { return o.NextToken },
		func(page *ecs.ListClustersOutput) {
			arns = append(arns, page.ClusterArns...)
		}); err != nil {
		return err
	}
	for _, cluster := range arns {
		item := "cluster " + cluster
		var names []string
		sp := ecs.NewListServicesPaginator(c, &ecs.ListServicesInput{Cluster: aws.String(cluster)})
		if err := listPages(ctx, r, services, region, item, sp.HasMorePages, sp.NextPage,
			func(o *ecs.ListServicesOutput) *string { return o.NextToken },
			func(page *ecs.ListServicesOutput) {
				names = append(names, page.ServiceArns...)
			}); err != nil {
			return err
		}
		v := ECSDescribeServicesOutput{Services: []ECSService{}}
		for len(names) > 0 {
			batch := names[:min(len(names), ecsBatch)]
			names = names[len(batch):]
			out, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{
				Cluster: aws.String(cluster), Services: batch, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags},
			})
			if err != nil {
				if err := r.failed(ctx, describe, region, item, err); err != nil {
					return err
				}
				continue
			}
			for _, s := range out.Services {
				v.Services = append(v.Services, liveECSService(s))
				if td := str(s.TaskDefinition); td != "" && !seen[td] {
					seen[td] = true
					taskDefs = append(taskDefs, td)
				}
			}
			for _, f := range out.Failures {
				v.Failures = append(v.Failures, ECSFailure{Arn: str(f.Arn), Reason: str(f.Reason), Detail: str(f.Detail)})
			}
		}
		res.ECSServices = append(res.ECSServices, Output[ECSDescribeServicesOutput]{Where: r.where(describe, region), Region: region, Value: v})
	}
	return r.ecsTaskDefinitions(ctx, c, region, taskDefs, res)
}

// ecsTaskDefinitions describes task definitions with their tags
// (ecs:DescribeTaskDefinition), one output each.
func (r *liveRun) ecsTaskDefinitions(ctx context.Context, c *ecs.Client, region string, arns []string, res *Resources) error {
	const call = "ecs:DescribeTaskDefinition"
	for _, arn := range arns {
		out, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
			TaskDefinition: aws.String(arn), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags},
		})
		if err != nil {
			if err := r.failed(ctx, call, region, "task definition "+arn, err); err != nil {
				return err
			}
			continue
		}
		td := out.TaskDefinition
		if td == nil {
			continue
		}
		v := ECSDescribeTaskDefinitionOutput{TaskDefinition: ECSTaskDefinition{
			TaskDefinitionArn: str(td.TaskDefinitionArn), Family: str(td.Family), Revision: int(td.Revision),
			TaskRoleArn: str(td.TaskRoleArn), ExecutionRoleArn: str(td.ExecutionRoleArn), NetworkMode: string(td.NetworkMode),
			Status: string(td.Status), CPU: str(td.Cpu), Memory: str(td.Memory), RegisteredAt: cliTime(td.RegisteredAt),
			RegisteredBy: str(td.RegisteredBy),
		}}
		for _, rc := range td.RequiresCompatibilities {
			v.TaskDefinition.RequiresCompatibilities = append(v.TaskDefinition.RequiresCompatibilities, string(rc))
		}
		for _, t := range out.Tags {
			v.Tags = append(v.Tags, ECSTag{Key: str(t.Key), Value: str(t.Value)})
		}
		res.ECSTaskDefinitions = append(res.ECSTaskDefinitions, Output[ECSDescribeTaskDefinitionOutput]{
			Where: r.where(call, region), Region: region, Value: v,
		})
	}
	return nil
}

// liveECSService maps a service; its events and deployments are left out.
func liveECSService(s ecstypes.Service) ECSService {
	out := ECSService{
		ServiceArn: str(s.ServiceArn), ServiceName: str(s.ServiceName), ClusterArn: str(s.ClusterArn), Status: str(s.Status),
		DesiredCount: int(s.DesiredCount), RunningCount: int(s.RunningCount), PendingCount: int(s.PendingCount),
		LaunchType: string(s.LaunchType), PlatformVersion: str(s.PlatformVersion), TaskDefinition: str(s.TaskDefinition),
		RoleArn: str(s.RoleArn), CreatedAt: cliTime(s.CreatedAt), SchedulingStrategy: string(s.SchedulingStrategy),
		CreatedBy: str(s.CreatedBy), EnableECSManagedTags: s.EnableECSManagedTags, PropagateTags: string(s.PropagateTags),
		EnableExecuteCommand: s.EnableExecuteCommand,
	}
	for _, t := range s.Tags {
		out.Tags = append(out.Tags, ECSTag{Key: str(t.Key), Value: str(t.Value)})
	}
	return out
}
