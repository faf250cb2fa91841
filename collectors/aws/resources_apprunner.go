package aws

// AppRunnerDescribeServiceOutput is the output of aws apprunner
// describe-service, one per service.
type AppRunnerDescribeServiceOutput struct {
	Service AppRunnerService `json:"Service"`
}

// AppRunnerService is an App Runner service. The source configuration's
// image and code settings (with their environment variables) are
// deliberately not decoded: they may hold secrets.
type AppRunnerService struct {
	ServiceName           string                          `json:"ServiceName"`
	ServiceID             string                          `json:"ServiceId"`
	ServiceArn            string                          `json:"ServiceArn"`
	ServiceURL            string                          `json:"ServiceUrl,omitempty"`
	CreatedAt             Timestamp                       `json:"CreatedAt,omitempty"`
	UpdatedAt             Timestamp                       `json:"UpdatedAt,omitempty"`
	Status                string                          `json:"Status,omitempty"`
	SourceConfiguration   *AppRunnerSourceConfiguration   `json:"SourceConfiguration,omitempty"`
	InstanceConfiguration *AppRunnerInstanceConfiguration `json:"InstanceConfiguration,omitempty"`
}

// AppRunnerSourceConfiguration is where a service's code or image comes from.
type AppRunnerSourceConfiguration struct {
	AutoDeploymentsEnabled      *bool                                 `json:"AutoDeploymentsEnabled,omitempty"`
	AuthenticationConfiguration *AppRunnerAuthenticationConfiguration `json:"AuthenticationConfiguration,omitempty"`
}

// AppRunnerAuthenticationConfiguration names how App Runner reaches the source.
type AppRunnerAuthenticationConfiguration struct {
	AccessRoleArn string `json:"AccessRoleArn,omitempty"`
	ConnectionArn string `json:"ConnectionArn,omitempty"`
}

// AppRunnerInstanceConfiguration is the runtime of a service's instances.
type AppRunnerInstanceConfiguration struct {
	CPU             string `json:"Cpu,omitempty"`
	Memory          string `json:"Memory,omitempty"`
	InstanceRoleArn string `json:"InstanceRoleArn,omitempty"`
}

func (c *converter) appRunner(r *Resources) error {
	for _, o := range r.AppRunnerServices {
		s := o.Value.Service
		l := o.loc().field("Service").named("service", s.ServiceName)
		n, err := c.resource(l.field("ServiceArn"), resourceSpec{
			arn: s.ServiceArn, name: s.ServiceName, service: "apprunner", typ: "service",
		})
		if err != nil {
			return err
		}
		if ic := s.InstanceConfiguration; ic != nil {
			if err := c.carriesRole(l.field("InstanceConfiguration InstanceRoleArn"), n.ID, ic.InstanceRoleArn); err != nil {
				return err
			}
		}
	}
	return nil
}
