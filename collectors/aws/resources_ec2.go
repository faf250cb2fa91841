package aws

import (
	"strconv"

	"github.com/blastradius/blastradius/graphmodel"
)

// EC2DescribeInstancesOutput is the output of aws ec2 describe-instances.
type EC2DescribeInstancesOutput struct {
	Reservations []EC2Reservation `json:"Reservations"`
	NextToken    string           `json:"NextToken,omitempty"`
}

// EC2Reservation is a launch request and the instances it started.
type EC2Reservation struct {
	ReservationID string               `json:"ReservationId"`
	OwnerID       string               `json:"OwnerId"`
	RequesterID   string               `json:"RequesterId,omitempty"`
	Groups        []EC2GroupIdentifier `json:"Groups,omitempty"`
	Instances     []EC2Instance        `json:"Instances"`
}

// EC2Instance is an instance as describe-instances describes it (user data
// is not part of this output).
type EC2Instance struct {
	InstanceID         string                      `json:"InstanceId"`
	ImageID            string                      `json:"ImageId,omitempty"`
	InstanceType       string                      `json:"InstanceType,omitempty"`
	KeyName            string                      `json:"KeyName,omitempty"`
	LaunchTime         Timestamp                   `json:"LaunchTime,omitempty"`
	Placement          *EC2Placement               `json:"Placement,omitempty"`
	PrivateIPAddress   string                      `json:"PrivateIpAddress,omitempty"`
	PublicIPAddress    string                      `json:"PublicIpAddress,omitempty"`
	State              *EC2InstanceState           `json:"State,omitempty"`
	SubnetID           string                      `json:"SubnetId,omitempty"`
	VpcID              string                      `json:"VpcId,omitempty"`
	Architecture       string                      `json:"Architecture,omitempty"`
	IamInstanceProfile *EC2IamInstanceProfile      `json:"IamInstanceProfile,omitempty"`
	SecurityGroups     []EC2GroupIdentifier        `json:"SecurityGroups,omitempty"`
	Tags               []Tag                       `json:"Tags,omitempty"`
	MetadataOptions    *EC2InstanceMetadataOptions `json:"MetadataOptions,omitempty"`
	PlatformDetails    string                      `json:"PlatformDetails,omitempty"`
}

// EC2Placement says where an instance runs.
type EC2Placement struct {
	AvailabilityZone string `json:"AvailabilityZone"`
	GroupName        string `json:"GroupName,omitempty"`
	Tenancy          string `json:"Tenancy,omitempty"`
}

// EC2InstanceState is the state of an instance (16 running, 80 stopped, …).
type EC2InstanceState struct {
	Code int    `json:"Code"`
	Name string `json:"Name"`
}

// EC2IamInstanceProfile is the instance profile an instance runs with.
type EC2IamInstanceProfile struct {
	Arn string `json:"Arn"`
	ID  string `json:"Id"`
}

// EC2GroupIdentifier names a security group.
type EC2GroupIdentifier struct {
	GroupName string `json:"GroupName"`
	GroupID   string `json:"GroupId"`
}

// EC2InstanceMetadataOptions are the instance metadata service settings.
type EC2InstanceMetadataOptions struct {
	State                   string `json:"State,omitempty"`
	HTTPTokens              string `json:"HttpTokens,omitempty"`
	HTTPPutResponseHopLimit int    `json:"HttpPutResponseHopLimit,omitempty"`
	HTTPEndpoint            string `json:"HttpEndpoint,omitempty"`
}

// EC2DescribeLaunchTemplatesOutput is the output of aws ec2 describe-launch-templates.
type EC2DescribeLaunchTemplatesOutput struct {
	LaunchTemplates []EC2LaunchTemplate `json:"LaunchTemplates"`
	NextToken       string              `json:"NextToken,omitempty"`
}

// EC2LaunchTemplate is a launch template (without its versions).
type EC2LaunchTemplate struct {
	LaunchTemplateID     string    `json:"LaunchTemplateId"`
	LaunchTemplateName   string    `json:"LaunchTemplateName"`
	CreateTime           Timestamp `json:"CreateTime,omitempty"`
	CreatedBy            string    `json:"CreatedBy,omitempty"`
	DefaultVersionNumber int64     `json:"DefaultVersionNumber"`
	LatestVersionNumber  int64     `json:"LatestVersionNumber"`
	Tags                 []Tag     `json:"Tags,omitempty"`
}

// EC2DescribeLaunchTemplateVersionsOutput is the output of aws ec2
// describe-launch-template-versions.
type EC2DescribeLaunchTemplateVersionsOutput struct {
	LaunchTemplateVersions []EC2LaunchTemplateVersion `json:"LaunchTemplateVersions"`
	NextToken              string                     `json:"NextToken,omitempty"`
}

// EC2LaunchTemplateVersion is one version of a launch template.
type EC2LaunchTemplateVersion struct {
	LaunchTemplateID   string                        `json:"LaunchTemplateId"`
	LaunchTemplateName string                        `json:"LaunchTemplateName"`
	VersionNumber      int64                         `json:"VersionNumber"`
	VersionDescription string                        `json:"VersionDescription,omitempty"`
	CreateTime         Timestamp                     `json:"CreateTime,omitempty"`
	CreatedBy          string                        `json:"CreatedBy,omitempty"`
	DefaultVersion     bool                          `json:"DefaultVersion"`
	LaunchTemplateData EC2ResponseLaunchTemplateData `json:"LaunchTemplateData"`
}

// EC2ResponseLaunchTemplateData is the instance configuration of a launch
// template version. UserData is deliberately not decoded: it may hold secrets.
type EC2ResponseLaunchTemplateData struct {
	IamInstanceProfile *EC2LaunchTemplateIamInstanceProfile `json:"IamInstanceProfile,omitempty"`
	ImageID            string                               `json:"ImageId,omitempty"`
	InstanceType       string                               `json:"InstanceType,omitempty"`
	KeyName            string                               `json:"KeyName,omitempty"`
	SecurityGroupIDs   []string                             `json:"SecurityGroupIds,omitempty"`
	MetadataOptions    *EC2InstanceMetadataOptions          `json:"MetadataOptions,omitempty"`
}

// EC2LaunchTemplateIamInstanceProfile names the instance profile of a
// launch template version, by ARN or by name.
type EC2LaunchTemplateIamInstanceProfile struct {
	Arn  string `json:"Arn,omitempty"`
	Name string `json:"Name,omitempty"`
}

func (c *converter) ec2(r *Resources) error {
	if err := c.ec2Instances(r); err != nil {
		return err
	}
	return c.launchTemplates(r)
}

func (c *converter) ec2Instances(r *Resources) error {
	for _, o := range r.EC2Instances {
		for i, res := range o.Value.Reservations {
			rl := o.loc().in("Reservations", i, "reservation", res.ReservationID)
			owner := res.OwnerID
			if !isAccountID(owner) {
				owner = c.account
			}
			for j, inst := range res.Instances {
				l := rl.in("Instances", j, "instance", inst.InstanceID)
				if inst.InstanceID == "" {
					return l.field("InstanceId").bad("InstanceId is empty")
				}
				region := o.Region
				if inst.Placement != nil {
					if zr := regionOfZone(inst.Placement.AvailabilityZone); zr != "" {
						region = zr
					}
				}
				region = c.regionOf(region)
				if region == "" {
					c.noRegion(l, "ec2 instance "+inst.InstanceID)
					continue
				}
				n, err := c.resource(l, resourceSpec{
					arn: c.arn("ec2", region, owner, "instance/"+inst.InstanceID), name: inst.InstanceID,
					service: "ec2", typ: "instance", tags: tags(inst.Tags),
				})
				if err != nil {
					return err
				}
				if inst.IamInstanceProfile == nil || inst.IamInstanceProfile.Arn == "" {
					continue
				}
				profile := inst.IamInstanceProfile.Arn
				n.SetProp(graphmodel.PropAWSInstanceProfile, profile)
				for _, role := range c.profileRolesOf(l.field("IamInstanceProfile Arn"), n.ID, profile, "") {
					c.edge(n.ID, graphmodel.EdgeCarriesRole, role)
				}
			}
		}
	}
	return nil
}

// launchTemplateARN returns the ARN of a launch template, "" when the region is unknown.
func (c *converter) launchTemplateARN(region, id string) string {
	if region == "" {
		return ""
	}
	return c.arn("ec2", region, c.account, "launch-template/"+id)
}

func (c *converter) launchTemplates(r *Resources) error {
	byID := map[string]*graphmodel.Node{}
	for _, o := range r.EC2LaunchTemplates {
		for j, t := range o.Value.LaunchTemplates {
			l := o.loc().in("LaunchTemplates", j, "launch template", t.LaunchTemplateName)
			if t.LaunchTemplateID == "" {
				return l.field("LaunchTemplateId").bad("LaunchTemplateId is empty")
			}
			arn := c.launchTemplateARN(c.regionOf(o.Region), t.LaunchTemplateID)
			if arn == "" {
				c.noRegion(l, "ec2 launch template "+t.LaunchTemplateID)
				continue
			}
			n, err := c.resource(l, resourceSpec{
				arn: arn, name: t.LaunchTemplateName, service: "ec2", typ: "launch-template", tags: tags(t.Tags),
			})
			if err != nil {
				return err
			}
			if t.DefaultVersionNumber != 0 {
				n.SetProp(graphmodel.PropAWSDefaultVersion, strconv.FormatInt(t.DefaultVersionNumber, 10))
			}
			byID[t.LaunchTemplateID] = n
		}
	}
	for _, o := range r.EC2LaunchTemplateVersions {
		for j, v := range o.Value.LaunchTemplateVersions {
			l := o.loc().in("LaunchTemplateVersions", j, "launch template", v.LaunchTemplateName)
			if v.LaunchTemplateID == "" {
				return l.field("LaunchTemplateId").bad("LaunchTemplateId is empty")
			}
			n := byID[v.LaunchTemplateID]
			if n == nil {
				arn := c.launchTemplateARN(c.regionOf(o.Region), v.LaunchTemplateID)
				if arn == "" {
					c.noRegion(l, "ec2 launch template "+v.LaunchTemplateID)
					continue
				}
				var err error
				if n, err = c.resource(l, resourceSpec{
					arn: arn, name: v.LaunchTemplateName, service: "ec2", typ: "launch-template",
				}); err != nil {
					return err
				}
				byID[v.LaunchTemplateID] = n
			}
			version := strconv.FormatInt(v.VersionNumber, 10)
			if v.DefaultVersion {
				n.SetProp(graphmodel.PropAWSDefaultVersion, mergeProp(n.Prop(graphmodel.PropAWSDefaultVersion), version))
			}
			p := v.LaunchTemplateData.IamInstanceProfile
			if p == nil {
				continue
			}
			from := n.ID + " version " + version
			roles := c.profileRolesOf(l.field("LaunchTemplateData IamInstanceProfile"), from, p.Arn, p.Name)
			for _, role := range roles {
				c.edge(n.ID, graphmodel.EdgeCarriesRole, role)
			}
			if len(roles) > 0 && (v.DefaultVersion || n.Prop(graphmodel.PropAWSDefaultVersion) == version) {
				n.SetProp(graphmodel.PropAWSDefaultRole, roles[0])
			}
		}
	}
	return nil
}
