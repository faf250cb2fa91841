package aws

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// enabledRegions returns the regions enabled in the account
// (ec2:DescribeRegions), sorted. Without them the collection cannot know
// where to look: their failure is an error.
func (r *liveRun) enabledRegions(ctx context.Context) ([]string, error) {
	const call = "ec2:DescribeRegions"
	c := ec2.NewFromConfig(r.cfg, func(o *ec2.Options) { o.Region = r.home })
	out, err := c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(false)})
	if err != nil {
		return nil, fmt.Errorf("%s (%s, to list the regions of --regions all): %w", call, r.place(r.home), err)
	}
	var regions []string
	for _, reg := range out.Regions {
		if name := str(reg.RegionName); name != "" {
			regions = append(regions, name)
		}
	}
	sort.Strings(regions)
	return regions, nil
}

// ec2Instances describes the instances of a region (ec2:DescribeInstances,
// every page). User data is not part of this output and never asked for.
func (r *liveRun) ec2Instances(ctx context.Context, region string, res *Resources) error {
	const call = "ec2:DescribeInstances"
	c := ec2.NewFromConfig(r.cfg, func(o *ec2.Options) { o.Region = region })
	v := EC2DescribeInstancesOutput{Reservations: []EC2Reservation{}}
	p := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{})
	if err := listPages(ctx, r, call, region, "", p.HasMorePages, p.NextPage,
		func(o *ec2.DescribeInstancesOutput) *string { return o.NextToken },
		func(page *ec2.DescribeInstancesOutput) {
			for _, rv := range page.Reservations {
				v.Reservations = append(v.Reservations, liveReservation(rv))
			}
		}); err != nil {
		return err
	}
	res.EC2Instances = append(res.EC2Instances, Output[EC2DescribeInstancesOutput]{
		Where: r.where(call, region), Region: region, Value: v,
	})
	return nil
}

func liveReservation(rv ec2types.Reservation) EC2Reservation {
	out := EC2Reservation{
		ReservationID: str(rv.ReservationId), OwnerID: str(rv.OwnerId), RequesterID: str(rv.RequesterId),
		Groups: liveGroups(rv.Groups), Instances: []EC2Instance{},
	}
	for _, in := range rv.Instances {
		out.Instances = append(out.Instances, liveInstance(in))
	}
	return out
}

func liveInstance(in ec2types.Instance) EC2Instance {
	out := EC2Instance{
		InstanceID: str(in.InstanceId), ImageID: str(in.ImageId), InstanceType: string(in.InstanceType),
		KeyName: str(in.KeyName), LaunchTime: cliTime(in.LaunchTime),
		PrivateIPAddress: str(in.PrivateIpAddress), PublicIPAddress: str(in.PublicIpAddress),
		SubnetID: str(in.SubnetId), VpcID: str(in.VpcId), Architecture: string(in.Architecture),
		SecurityGroups: liveGroups(in.SecurityGroups), PlatformDetails: str(in.PlatformDetails),
		Tags: liveTags(in.Tags, func(t ec2types.Tag) (*string, *string) { return t.Key, t.Value }),
	}
	if p := in.Placement; p != nil {
		out.Placement = &EC2Placement{AvailabilityZone: str(p.AvailabilityZone), GroupName: str(p.GroupName), Tenancy: string(p.Tenancy)}
	}
	if s := in.State; s != nil {
		out.State = &EC2InstanceState{Code: int(aws.ToInt32(s.Code)), Name: string(s.Name)}
	}
	if p := in.IamInstanceProfile; p != nil {
		out.IamInstanceProfile = &EC2IamInstanceProfile{Arn: str(p.Arn), ID: str(p.Id)}
	}
	if m := in.MetadataOptions; m != nil {
		out.MetadataOptions = &EC2InstanceMetadataOptions{
			State: string(m.State), HTTPTokens: string(m.HttpTokens),
			HTTPPutResponseHopLimit: int(aws.ToInt32(m.HttpPutResponseHopLimit)), HTTPEndpoint: string(m.HttpEndpoint),
		}
	}
	return out
}

func liveGroups(list []ec2types.GroupIdentifier) []EC2GroupIdentifier {
	var out []EC2GroupIdentifier
	for _, g := range list {
		out = append(out, EC2GroupIdentifier{GroupName: str(g.GroupName), GroupID: str(g.GroupId)})
	}
	return out
}

// launchTemplates describes the launch templates of a region
// (ec2:DescribeLaunchTemplates, every page) and every version of each
// (ec2:DescribeLaunchTemplateVersions), for the instance profile each
// version launches with. User data is in the versions' output but is
// never kept.
func (r *liveRun) launchTemplates(ctx context.Context, region string, res *Resources) error {
	const list, versions = "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"
	c := ec2.NewFromConfig(r.cfg, func(o *ec2.Options) { o.Region = region })
	v := EC2DescribeLaunchTemplatesOutput{LaunchTemplates: []EC2LaunchTemplate{}}
	p := ec2.NewDescribeLaunchTemplatesPaginator(c, &ec2.DescribeLaunchTemplatesInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *ec2.DescribeLaunchTemplatesOutput) *string { return o.NextToken },
		func(page *ec2.DescribeLaunchTemplatesOutput) {
			for _, t := range page.LaunchTemplates {
				v.LaunchTemplates = append(v.LaunchTemplates, EC2LaunchTemplate{
					LaunchTemplateID: str(t.LaunchTemplateId), LaunchTemplateName: str(t.LaunchTemplateName),
					CreateTime: cliTime(t.CreateTime), CreatedBy: str(t.CreatedBy),
					DefaultVersionNumber: aws.ToInt64(t.DefaultVersionNumber), LatestVersionNumber: aws.ToInt64(t.LatestVersionNumber),
					Tags: liveTags(t.Tags, func(t ec2types.Tag) (*string, *string) { return t.Key, t.Value }),
				})
			}
		}); err != nil {
		return err
	}
	res.EC2LaunchTemplates = append(res.EC2LaunchTemplates, Output[EC2DescribeLaunchTemplatesOutput]{
		Where: r.where(list, region), Region: region, Value: v,
	})
	for _, t := range v.LaunchTemplates {
		out := EC2DescribeLaunchTemplateVersionsOutput{LaunchTemplateVersions: []EC2LaunchTemplateVersion{}}
		p := ec2.NewDescribeLaunchTemplateVersionsPaginator(c, &ec2.DescribeLaunchTemplateVersionsInput{
			LaunchTemplateId: aws.String(t.LaunchTemplateID),
		})
		if err := listPages(ctx, r, versions, region, "launch template "+t.LaunchTemplateID, p.HasMorePages, p.NextPage,
			func(o *ec2.DescribeLaunchTemplateVersionsOutput) *string { return o.NextToken },
			func(page *ec2.DescribeLaunchTemplateVersionsOutput) {
				for _, lv := range page.LaunchTemplateVersions {
					out.LaunchTemplateVersions = append(out.LaunchTemplateVersions, liveLaunchTemplateVersion(lv))
				}
			}); err != nil {
			return err
		}
		res.EC2LaunchTemplateVersions = append(res.EC2LaunchTemplateVersions, Output[EC2DescribeLaunchTemplateVersionsOutput]{
			Where: r.where(versions, region), Region: region, Value: out,
		})
	}
	return nil
}

// liveLaunchTemplateVersion maps a launch template version; the raw type
// has no field for user data.
func liveLaunchTemplateVersion(lv ec2types.LaunchTemplateVersion) EC2LaunchTemplateVersion {
	out := EC2LaunchTemplateVersion{
		LaunchTemplateID: str(lv.LaunchTemplateId), LaunchTemplateName: str(lv.LaunchTemplateName),
		VersionNumber: aws.ToInt64(lv.VersionNumber), VersionDescription: str(lv.VersionDescription),
		CreateTime: cliTime(lv.CreateTime), CreatedBy: str(lv.CreatedBy), DefaultVersion: aws.ToBool(lv.DefaultVersion),
	}
	d := lv.LaunchTemplateData
	if d == nil {
		return out
	}
	out.LaunchTemplateData = EC2ResponseLaunchTemplateData{
		ImageID: str(d.ImageId), InstanceType: string(d.InstanceType), KeyName: str(d.KeyName),
		SecurityGroupIDs: d.SecurityGroupIds,
	}
	if p := d.IamInstanceProfile; p != nil {
		out.LaunchTemplateData.IamInstanceProfile = &EC2LaunchTemplateIamInstanceProfile{Arn: str(p.Arn), Name: str(p.Name)}
	}
	if m := d.MetadataOptions; m != nil {
		out.LaunchTemplateData.MetadataOptions = &EC2InstanceMetadataOptions{
			State: string(m.State), HTTPTokens: string(m.HttpTokens),
			HTTPPutResponseHopLimit: int(aws.ToInt32(m.HttpPutResponseHopLimit)), HTTPEndpoint: string(m.HttpEndpoint),
		}
	}
	return out
}
