package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// eks lists the clusters of a region (eks:ListClusters, every page) and
// describes each (eks:DescribeCluster) for its role and OIDC issuer. The
// certificate authority data is never kept.
func (r *liveRun) eks(ctx context.Context, region string, res *Resources) error {
	const list, describe = "eks:ListClusters", "eks:DescribeCluster"
	c := eks.NewFromConfig(r.cfg, func(o *eks.Options) { o.Region = region })
	var names []string
	p := eks.NewListClustersPaginator(c, &eks.ListClustersInput{})
	if err := r.eachPage(ctx, list, region, "", p.HasMorePages, func(ctx context.Context) error {
		page, err := p.NextPage(ctx)
		if err == nil {
			names = append(names, page.Clusters...)
		}
		return err
	}); err != nil {
		return err
	}
	for _, name := range names {
		d, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
		if err != nil {
			if err := r.failed(ctx, describe, region, "cluster "+name, err); err != nil {
				return err
			}
			continue
		}
		cl := d.Cluster
		if cl == nil {
			continue
		}
		v := EKSCluster{
			Name: str(cl.Name), Arn: str(cl.Arn), CreatedAt: cliTime(cl.CreatedAt), Version: str(cl.Version),
			Endpoint: str(cl.Endpoint), RoleArn: str(cl.RoleArn), Status: string(cl.Status),
			PlatformVersion: str(cl.PlatformVersion), Tags: cl.Tags,
		}
		if vc := cl.ResourcesVpcConfig; vc != nil {
			v.ResourcesVpcConfig = &EKSVpcConfigResponse{
				SubnetIDs: vc.SubnetIds, SecurityGroupIDs: vc.SecurityGroupIds, ClusterSecurityGroupID: str(vc.ClusterSecurityGroupId),
				VpcID: str(vc.VpcId), EndpointPublicAccess: vc.EndpointPublicAccess, EndpointPrivateAccess: vc.EndpointPrivateAccess,
				PublicAccessCidrs: vc.PublicAccessCidrs,
			}
		}
		if id := cl.Identity; id != nil && id.Oidc != nil {
			v.Identity = &EKSIdentity{OIDC: &EKSOIDC{Issuer: str(id.Oidc.Issuer)}}
		}
		if ac := cl.AccessConfig; ac != nil {
			v.AccessConfig = &EKSAccessConfig{
				AuthenticationMode: string(ac.AuthenticationMode), BootstrapClusterCreatorAdminPermissions: ac.BootstrapClusterCreatorAdminPermissions,
			}
		}
		res.EKSClusters = append(res.EKSClusters, Output[EKSDescribeClusterOutput]{
			Where: r.where(describe, region), Region: region, Value: EKSDescribeClusterOutput{Cluster: v},
		})
	}
	return nil
}
