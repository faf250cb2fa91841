package aws

// GlueGetDevEndpointsOutput is the output of aws glue get-dev-endpoints.
type GlueGetDevEndpointsOutput struct {
	DevEndpoints []GlueDevEndpoint `json:"DevEndpoints"`
	NextToken    string            `json:"NextToken,omitempty"`
}

// GlueDevEndpoint is a development endpoint. Its public keys and arguments
// are deliberately not decoded.
type GlueDevEndpoint struct {
	EndpointName          string    `json:"EndpointName"`
	RoleArn               string    `json:"RoleArn"`
	SecurityGroupIDs      []string  `json:"SecurityGroupIds,omitempty"`
	SubnetID              string    `json:"SubnetId,omitempty"`
	YarnEndpointAddress   string    `json:"YarnEndpointAddress,omitempty"`
	PrivateAddress        string    `json:"PrivateAddress,omitempty"`
	PublicAddress         string    `json:"PublicAddress,omitempty"`
	Status                string    `json:"Status,omitempty"`
	WorkerType            string    `json:"WorkerType,omitempty"`
	GlueVersion           string    `json:"GlueVersion,omitempty"`
	NumberOfWorkers       int       `json:"NumberOfWorkers,omitempty"`
	NumberOfNodes         int       `json:"NumberOfNodes,omitempty"`
	AvailabilityZone      string    `json:"AvailabilityZone,omitempty"`
	VpcID                 string    `json:"VpcId,omitempty"`
	SecurityConfiguration string    `json:"SecurityConfiguration,omitempty"`
	CreatedTimestamp      Timestamp `json:"CreatedTimestamp,omitempty"`
	LastModifiedTimestamp Timestamp `json:"LastModifiedTimestamp,omitempty"`
}

// GlueGetJobsOutput is the output of aws glue get-jobs.
type GlueGetJobsOutput struct {
	Jobs      []GlueJob `json:"Jobs"`
	NextToken string    `json:"NextToken,omitempty"`
}

// GlueJob is a job. DefaultArguments and NonOverridableArguments are
// deliberately not decoded: they may hold secrets.
type GlueJob struct {
	Name                  string          `json:"Name"`
	Description           string          `json:"Description,omitempty"`
	LogURI                string          `json:"LogUri,omitempty"`
	Role                  string          `json:"Role"`
	CreatedOn             Timestamp       `json:"CreatedOn,omitempty"`
	LastModifiedOn        Timestamp       `json:"LastModifiedOn,omitempty"`
	Command               *GlueJobCommand `json:"Command,omitempty"`
	MaxRetries            int             `json:"MaxRetries,omitempty"`
	Timeout               int             `json:"Timeout,omitempty"`
	MaxCapacity           float64         `json:"MaxCapacity,omitempty"`
	WorkerType            string          `json:"WorkerType,omitempty"`
	NumberOfWorkers       int             `json:"NumberOfWorkers,omitempty"`
	SecurityConfiguration string          `json:"SecurityConfiguration,omitempty"`
	GlueVersion           string          `json:"GlueVersion,omitempty"`
}

// GlueJobCommand is what a job runs.
type GlueJobCommand struct {
	Name           string `json:"Name"`
	ScriptLocation string `json:"ScriptLocation,omitempty"`
	PythonVersion  string `json:"PythonVersion,omitempty"`
}

func (c *converter) glue(r *Resources) error {
	for _, o := range r.GlueDevEndpoints {
		for j, e := range o.Value.DevEndpoints {
			l := o.loc().in("DevEndpoints", j, "dev endpoint", e.EndpointName)
			if e.EndpointName == "" {
				return l.field("EndpointName").bad("EndpointName is empty")
			}
			region := o.Region
			if region == "" {
				region = regionOfZone(e.AvailabilityZone)
			}
			region = c.regionOf(region)
			if region == "" {
				c.noRegion(l, "glue dev endpoint "+e.EndpointName)
				continue
			}
			n, err := c.resource(l, resourceSpec{
				arn: c.arn("glue", region, c.account, "devEndpoint/"+e.EndpointName), name: e.EndpointName,
				service: "glue", typ: "devendpoint",
			})
			if err != nil {
				return err
			}
			if err := c.carriesRole(l.field("RoleArn"), n.ID, e.RoleArn); err != nil {
				return err
			}
		}
	}
	for _, o := range r.GlueJobs {
		for j, job := range o.Value.Jobs {
			l := o.loc().in("Jobs", j, "job", job.Name)
			if job.Name == "" {
				return l.field("Name").bad("Name is empty")
			}
			region := c.regionOf(o.Region)
			if region == "" {
				c.noRegion(l, "glue job "+job.Name)
				continue
			}
			n, err := c.resource(l, resourceSpec{
				arn: c.arn("glue", region, c.account, "job/"+job.Name), name: job.Name,
				service: "glue", typ: "job",
			})
			if err != nil {
				return err
			}
			if err := c.carriesRole(l.field("Role"), n.ID, job.Role); err != nil {
				return err
			}
		}
	}
	return nil
}
