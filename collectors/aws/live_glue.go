package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// glue reads the development endpoints (glue:GetDevEndpoints) and jobs
// (glue:GetJobs) of a region, every page. Public keys and job arguments
// are never kept.
func (r *liveRun) glue(ctx context.Context, region string, res *Resources) error {
	const endpoints, jobs = "glue:GetDevEndpoints", "glue:GetJobs"
	c := glue.NewFromConfig(r.cfg, func(o *glue.Options) { o.Region = region })
	ev := GlueGetDevEndpointsOutput{DevEndpoints: []GlueDevEndpoint{}}
	ep := glue.NewGetDevEndpointsPaginator(c, &glue.GetDevEndpointsInput{})
	if err := listPages(ctx, r, endpoints, region, "", ep.HasMorePages, ep.NextPage,
		func(o *glue.GetDevEndpointsOutput) *string { return o.NextToken },
		func(page *glue.GetDevEndpointsOutput) {
			for _, e := range page.DevEndpoints {
				ev.DevEndpoints = append(ev.DevEndpoints, liveDevEndpoint(e))
			}
		}); err != nil {
		return err
	}
	res.GlueDevEndpoints = append(res.GlueDevEndpoints, Output[GlueGetDevEndpointsOutput]{Where: r.where(endpoints, region), Region: region, Value: ev})

	jv := GlueGetJobsOutput{Jobs: []GlueJob{}}
	jp := glue.NewGetJobsPaginator(c, &glue.GetJobsInput{})
	if err := listPages(ctx, r, jobs, region, "", jp.HasMorePages, jp.NextPage,
		func(o *glue.GetJobsOutput) *string { return o.NextToken },
		func(page *glue.GetJobsOutput) {
			for _, j := range page.Jobs {
				jv.Jobs = append(jv.Jobs, liveGlueJob(j))
			}
		}); err != nil {
		return err
	}
	res.GlueJobs = append(res.GlueJobs, Output[GlueGetJobsOutput]{Where: r.where(jobs, region), Region: region, Value: jv})
	return nil
}

func int32Value(p *int32) int {
	if p == nil {
		return 0
	}
	return int(*p)
}

func liveDevEndpoint(e gluetypes.DevEndpoint) GlueDevEndpoint {
	return GlueDevEndpoint{
		EndpointName: str(e.EndpointName), RoleArn: str(e.RoleArn), SecurityGroupIDs: e.SecurityGroupIds,
		SubnetID: str(e.SubnetId), YarnEndpointAddress: str(e.YarnEndpointAddress), PrivateAddress: str(e.PrivateAddress),
		PublicAddress: str(e.PublicAddress), Status: str(e.Status), WorkerType: string(e.WorkerType),
		GlueVersion: str(e.GlueVersion), NumberOfWorkers: int32Value(e.NumberOfWorkers), NumberOfNodes: int(e.NumberOfNodes),
		AvailabilityZone: str(e.AvailabilityZone), VpcID: str(e.VpcId), SecurityConfiguration: str(e.SecurityConfiguration),
		CreatedTimestamp: cliTime(e.CreatedTimestamp), LastModifiedTimestamp: cliTime(e.LastModifiedTimestamp),
	}
}

// liveGlueJob maps a job; its arguments are left out.
func liveGlueJob(j gluetypes.Job) GlueJob {
	out := GlueJob{
		Name: str(j.Name), Description: str(j.Description), LogURI: str(j.LogUri), Role: str(j.Role),
		CreatedOn: cliTime(j.CreatedOn), LastModifiedOn: cliTime(j.LastModifiedOn), MaxRetries: int(j.MaxRetries),
		Timeout: int32Value(j.Timeout), WorkerType: string(j.WorkerType), NumberOfWorkers: int32Value(j.NumberOfWorkers),
		SecurityConfiguration: str(j.SecurityConfiguration), GlueVersion: str(j.GlueVersion),
	}
	if j.MaxCapacity != nil {
		out.MaxCapacity = *j.MaxCapacity
	}
	if cmd := j.Command; cmd != nil {
		out.Command = &GlueJobCommand{Name: str(cmd.Name), ScriptLocation: str(cmd.ScriptLocation), PythonVersion: str(cmd.PythonVersion)}
	}
	return out
}
