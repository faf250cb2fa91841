package aws

import (
	"strconv"

	"github.com/blastradius/blastradius/graphmodel"
)

// ECSDescribeServicesOutput is the output of aws ecs describe-services,
// one per cluster.
type ECSDescribeServicesOutput struct {
	Services []ECSService `json:"services"`
	Failures []ECSFailure `json:"failures,omitempty"`
}

// ECSService is an ECS service. Its events are deliberately not decoded.
type ECSService struct {
	ServiceArn           string    `json:"serviceArn"`
	ServiceName          string    `json:"serviceName"`
	ClusterArn           string    `json:"clusterArn"`
	Status               string    `json:"status,omitempty"`
	DesiredCount         int       `json:"desiredCount,omitempty"`
	RunningCount         int       `json:"runningCount,omitempty"`
	PendingCount         int       `json:"pendingCount,omitempty"`
	LaunchType           string    `json:"launchType,omitempty"`
	PlatformVersion      string    `json:"platformVersion,omitempty"`
	TaskDefinition       string    `json:"taskDefinition,omitempty"`
	RoleArn              string    `json:"roleArn,omitempty"`
	CreatedAt            Timestamp `json:"createdAt,omitempty"`
	SchedulingStrategy   string    `json:"schedulingStrategy,omitempty"`
	Tags                 []ECSTag  `json:"tags,omitempty"`
	CreatedBy            string    `json:"createdBy,omitempty"`
	EnableECSManagedTags bool      `json:"enableECSManagedTags,omitempty"`
	PropagateTags        string    `json:"propagateTags,omitempty"`
	EnableExecuteCommand bool      `json:"enableExecuteCommand,omitempty"`
}

// ECSFailure is a service describe-services could not describe.
type ECSFailure struct {
	Arn    string `json:"arn"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

// ECSTag is a tag as ECS spells it (lower case).
type ECSTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ECSDescribeTaskDefinitionOutput is the output of aws ecs
// describe-task-definition --include TAGS, one per task definition.
type ECSDescribeTaskDefinitionOutput struct {
	TaskDefinition ECSTaskDefinition `json:"taskDefinition"`
	Tags           []ECSTag          `json:"tags,omitempty"`
}

// ECSTaskDefinition is a revision of a task definition. Its container
// definitions (environment variables, secrets, commands) and volumes are
// deliberately not decoded.
type ECSTaskDefinition struct {
	TaskDefinitionArn       string    `json:"taskDefinitionArn"`
	Family                  string    `json:"family,omitempty"`
	Revision                int       `json:"revision,omitempty"`
	TaskRoleArn             string    `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn        string    `json:"executionRoleArn,omitempty"`
	NetworkMode             string    `json:"networkMode,omitempty"`
	Status                  string    `json:"status,omitempty"`
	RequiresCompatibilities []string  `json:"requiresCompatibilities,omitempty"`
	CPU                     string    `json:"cpu,omitempty"`
	Memory                  string    `json:"memory,omitempty"`
	RegisteredAt            Timestamp `json:"registeredAt,omitempty"`
	RegisteredBy            string    `json:"registeredBy,omitempty"`
}

// ecs converts the task definitions, then the services: a service runs
// its tasks with the task role of its task definition.
func (c *converter) ecs(r *Resources) error {
	taskRoles := map[string]string{} // task definition ARN → task role ARN
	for _, o := range r.ECSTaskDefinitions {
		td := o.Value.TaskDefinition
		l := o.loc().field("taskDefinition")
		name := td.Family
		if td.Revision > 0 {
			name += ":" + strconv.Itoa(td.Revision)
		}
		l = l.named("task definition", name)
		n, err := c.resource(l.field("taskDefinitionArn"), resourceSpec{
			arn: td.TaskDefinitionArn, name: name, service: "ecs", typ: "task-definition",
			tags: tagMap(o.Value.Tags, func(t ECSTag) (string, string) { return t.Key, t.Value }),
		})
		if err != nil {
			return err
		}
		n.SetProp(graphmodel.PropAWSExecutionRole, td.ExecutionRoleArn)
		if err := c.carriesRole(l.field("taskRoleArn"), n.ID, td.TaskRoleArn); err != nil {
			return err
		}
		if role := c.roleRef(td.TaskRoleArn); role != "" {
			taskRoles[n.ID] = role
		}
	}
	for _, o := range r.ECSServices {
		for j, s := range o.Value.Services {
			l := o.loc().in("services", j, "service", s.ServiceName)
			n, err := c.resource(l.field("serviceArn"), resourceSpec{
				arn: s.ServiceArn, name: s.ServiceName, service: "ecs", typ: "service",
				tags: tagMap(s.Tags, func(t ECSTag) (string, string) { return t.Key, t.Value }),
			})
			if err != nil {
				return err
			}
			if err := c.carriesRole(l.field("roleArn"), n.ID, s.RoleArn); err != nil {
				return err
			}
			n.SetProp(graphmodel.PropAWSTaskDefinition, s.TaskDefinition)
			if role, ok := taskRoles[s.TaskDefinition]; ok {
				// The task definition's gap, if any, already reports the role.
				c.edge(n.ID, graphmodel.EdgeCarriesRole, role)
			}
		}
	}
	return nil
}
