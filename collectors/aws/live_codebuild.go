package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
)

// codeBuildBatch is how many projects one codebuild:BatchGetProjects call
// may name.
const codeBuildBatch = 100

// codeBuild lists the build projects of a region (codebuild:ListProjects,
// every page) and describes them a hundred at a time
// (codebuild:BatchGetProjects), one output per batch. Environment
// variables and buildspecs are never kept.
func (r *liveRun) codeBuild(ctx context.Context, region string, res *Resources) error {
	const list, get = "codebuild:ListProjects", "codebuild:BatchGetProjects"
	c := codebuild.NewFromConfig(r.cfg, func(o *codebuild.Options) { o.Region = region })
	var names []string
	p := codebuild.NewListProjectsPaginator(c, &codebuild.ListProjectsInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *codebuild.ListProjectsOutput) *string { return o.NextToken },
		func(page *codebuild.ListProjectsOutput) {
			names = append(names, page.Projects...)
		}); err != nil {
		return err
	}
	for len(names) > 0 {
		batch := names[:min(len(names), codeBuildBatch)]
		names = names[len(batch):]
		out, err := c.BatchGetProjects(ctx, &codebuild.BatchGetProjectsInput{Names: batch})
		if err != nil {
			if err := r.failed(ctx, get, region, "", err); err != nil {
				return err
			}
			continue
		}
		v := CodeBuildBatchGetProjectsOutput{Projects: []CodeBuildProject{}, ProjectsNotFound: out.ProjectsNotFound}
		for _, pr := range out.Projects {
			v.Projects = append(v.Projects, liveProject(pr))
		}
		res.CodeBuildProjects = append(res.CodeBuildProjects, Output[CodeBuildBatchGetProjectsOutput]{
			Where: r.where(get, region), Region: region, Value: v,
		})
	}
	return nil
}

// liveProject maps a project; environment variables and the buildspec are
// left out.
func liveProject(p cbtypes.Project) CodeBuildProject {
	out := CodeBuildProject{
		Name: str(p.Name), Arn: str(p.Arn), Description: str(p.Description), ServiceRole: str(p.ServiceRole),
		EncryptionKey: str(p.EncryptionKey), Created: cliTime(p.Created), LastModified: cliTime(p.LastModified),
	}
	if p.TimeoutInMinutes != nil {
		out.TimeoutInMinutes = int(*p.TimeoutInMinutes)
	}
	if s := p.Source; s != nil {
		out.Source = &CodeBuildProjectSource{Type: string(s.Type), Location: str(s.Location)}
	}
	if e := p.Environment; e != nil {
		out.Environment = &CodeBuildProjectEnvironment{
			Type: string(e.Type), Image: str(e.Image), ComputeType: string(e.ComputeType),
			PrivilegedMode: e.PrivilegedMode != nil && *e.PrivilegedMode, ImagePullCredentialsType: string(e.ImagePullCredentialsType),
		}
	}
	for _, t := range p.Tags {
		out.Tags = append(out.Tags, CodeBuildTag{Key: str(t.Key), Value: str(t.Value)})
	}
	return out
}
