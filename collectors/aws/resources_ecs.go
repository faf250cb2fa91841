package aws

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

func (c *converter) ecs(r *Resources) error {
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
		}
	}
	return nil
}
