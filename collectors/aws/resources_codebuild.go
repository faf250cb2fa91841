package aws

// CodeBuildBatchGetProjectsOutput is the output of aws codebuild batch-get-projects.
type CodeBuildBatchGetProjectsOutput struct {
	Projects         []CodeBuildProject `json:"projects"`
	ProjectsNotFound []string           `json:"projectsNotFound,omitempty"`
}

// CodeBuildProject is a build project. The environment's variables and the
// source's buildspec are deliberately not decoded: they may hold secrets.
type CodeBuildProject struct {
	Name             string                       `json:"name"`
	Arn              string                       `json:"arn"`
	Description      string                       `json:"description,omitempty"`
	Source           *CodeBuildProjectSource      `json:"source,omitempty"`
	Environment      *CodeBuildProjectEnvironment `json:"environment,omitempty"`
	ServiceRole      string                       `json:"serviceRole"`
	TimeoutInMinutes int                          `json:"timeoutInMinutes,omitempty"`
	EncryptionKey    string                       `json:"encryptionKey,omitempty"`
	Tags             []CodeBuildTag               `json:"tags,omitempty"`
	Created          Timestamp                    `json:"created,omitempty"`
	LastModified     Timestamp                    `json:"lastModified,omitempty"`
}

// CodeBuildProjectSource is where a project takes its source from.
type CodeBuildProjectSource struct {
	Type     string `json:"type"`
	Location string `json:"location,omitempty"`
}

// CodeBuildProjectEnvironment is the build environment of a project.
type CodeBuildProjectEnvironment struct {
	Type                     string `json:"type"`
	Image                    string `json:"image"`
	ComputeType              string `json:"computeType"`
	PrivilegedMode           bool   `json:"privilegedMode,omitempty"`
	ImagePullCredentialsType string `json:"imagePullCredentialsType,omitempty"`
}

// CodeBuildTag is a tag as CodeBuild spells it (lower case).
type CodeBuildTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func (c *converter) codeBuild(r *Resources) error {
	for _, o := range r.CodeBuildProjects {
		for j, p := range o.Value.Projects {
			l := o.loc().in("projects", j, "project", p.Name)
			n, err := c.resource(l.field("arn"), resourceSpec{
				arn: p.Arn, name: p.Name, service: "codebuild", typ: "project",
				tags: tagMap(p.Tags, func(t CodeBuildTag) (string, string) { return t.Key, t.Value }),
			})
			if err != nil {
				return err
			}
			if err := c.carriesRole(l.field("serviceRole"), n.ID, p.ServiceRole); err != nil {
				return err
			}
		}
	}
	return nil
}
