package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// eks lists the clusters of a region (eks:ListClusters, every page) and
// describes each (eks:DescribeCluster) for its role and OIDC issuer, then
// reads its access entries and pod identity associations (see
// eksAccessEntries, eksPodIdentities). The certificate authority data is
// never kept.
func (r *liveRun) eks(ctx context.Context, region string, res *Resources) error {
	const list, describe = "eks:ListClusters", "eks:DescribeCluster"
	c := eks.NewFromConfig(r.cfg, func(o *eks.Options) { o.Region = region })
	var names []string
	p := eks.NewListClustersPaginator(c, &eks.ListClustersInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *eks.ListClustersOutput) *string { return o.NextToken },
		func(page *eks.ListClustersOutput) {
			names = append(names, page.Clusters...)
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
		// A cluster authenticated by the aws-auth ConfigMap alone has no
		// access entries (the API refuses the call).
		if v.AccessConfig == nil || v.AccessConfig.AuthenticationMode != string(ekstypes.AuthenticationModeConfigMap) {
			if err := r.eksAccessEntries(ctx, c, region, name, res); err != nil {
				return err
			}
		}
		if err := r.eksPodIdentities(ctx, c, region, name, res); err != nil {
			return err
		}
	}
	return nil
}

// eksAccessEntries lists the access entries of a cluster
// (eks:ListAccessEntries, every page) and, for each, describes it
// (eks:DescribeAccessEntry) and lists its access policies
// (eks:ListAssociatedAccessPolicies, every page, one output).
func (r *liveRun) eksAccessEntries(ctx context.Context, c *eks.Client, region, cluster string, res *Resources) error {
	const list, describe, policies = "eks:ListAccessEntries", "eks:DescribeAccessEntry", "eks:ListAssociatedAccessPolicies"
	var principals []string
	p := eks.NewListAccessEntriesPaginator(c, &eks.ListAccessEntriesInput{ClusterName: aws.String(cluster)})
	if err := listPages(ctx, r, list, region, "cluster "+cluster, p.HasMorePages, p.NextPage,
		func(o *eks.ListAccessEntriesOutput) *string { return o.NextToken },
		func(page *eks.ListAccessEntriesOutput) {
			principals = append(principals, page.AccessEntries...)
		}); err != nil {
		return err
	}
	for _, principal := range principals {
		item := "cluster " + cluster + " access entry " + principal
		d, err := c.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal)})
		if err != nil {
			if err := r.failed(ctx, describe, region, item, err); err != nil {
				return err
			}
			continue
		}
		if e := d.AccessEntry; e != nil {
			res.EKSAccessEntries = append(res.EKSAccessEntries, Output[EKSDescribeAccessEntryOutput]{
				Where: r.where(describe, region), Region: region, Value: EKSDescribeAccessEntryOutput{AccessEntry: EKSAccessEntry{
					ClusterName: str(e.ClusterName), PrincipalArn: str(e.PrincipalArn), KubernetesGroups: e.KubernetesGroups,
					AccessEntryArn: str(e.AccessEntryArn), CreatedAt: cliTime(e.CreatedAt), ModifiedAt: cliTime(e.ModifiedAt),
					Tags: e.Tags, Username: str(e.Username), Type: str(e.Type),
				}},
			})
		}
		v := EKSListAssociatedAccessPoliciesOutput{ClusterName: cluster, PrincipalArn: principal, AssociatedAccessPolicies: []EKSAssociatedAccessPolicy{}}
		pp := eks.NewListAssociatedAccessPoliciesPaginator(c, &eks.ListAssociatedAccessPoliciesInput{
			ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal),
		})
		err = sdkPages(ctx, pp.HasMorePages, pp.NextPage,
			func(o *eks.ListAssociatedAccessPoliciesOutput) *string { return o.NextToken },
			func(page *eks.ListAssociatedAccessPoliciesOutput) {
				for _, a := range page.AssociatedAccessPolicies {
					ap := EKSAssociatedAccessPolicy{PolicyArn: str(a.PolicyArn), AssociatedAt: cliTime(a.AssociatedAt), ModifiedAt: cliTime(a.ModifiedAt)}
					if s := a.AccessScope; s != nil {
						ap.AccessScope = &EKSAccessScope{Type: string(s.Type), Namespaces: s.Namespaces}
					}
					v.AssociatedAccessPolicies = append(v.AssociatedAccessPolicies, ap)
				}
			})
		ok := err == nil
		if err := r.failed(ctx, policies, region, item, err); err != nil {
			return err
		}
		if ok || len(v.AssociatedAccessPolicies) > 0 {
			res.EKSAccessPolicies = append(res.EKSAccessPolicies, Output[EKSListAssociatedAccessPoliciesOutput]{
				Where: r.where(policies, region), Region: region, Value: v,
			})
		}
	}
	return nil
}

// eksPodIdentities lists the pod identity associations of a cluster
// (eks:ListPodIdentityAssociations, every page) and describes each
// (eks:DescribePodIdentityAssociation) for its role. The association's
// external ID is not kept.
func (r *liveRun) eksPodIdentities(ctx context.Context, c *eks.Client, region, cluster string, res *Resources) error {
	const list, describe = "eks:ListPodIdentityAssociations", "eks:DescribePodIdentityAssociation"
	var ids []string
	p := eks.NewListPodIdentityAssociationsPaginator(c, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(cluster)})
	if err := listPages(ctx, r, list, region, "cluster "+cluster, p.HasMorePages, p.NextPage,
		func(o *eks.ListPodIdentityAssociationsOutput) *string { return o.NextToken },
		func(page *eks.ListPodIdentityAssociationsOutput) {
			for _, a := range page.Associations {
				ids = append(ids, str(a.AssociationId))
			}
		}); err != nil {
		return err
	}
	for _, id := range ids {
		d, err := c.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{
			ClusterName: aws.String(cluster), AssociationId: aws.String(id),
		})
		if err != nil {
			if err := r.failed(ctx, describe, region, "cluster "+cluster+" pod identity association "+id, err); err != nil {
				return err
			}
			continue
		}
		a := d.Association
		if a == nil {
			continue
		}
		res.EKSPodIdentities = append(res.EKSPodIdentities, Output[EKSDescribePodIdentityAssociationOutput]{
			Where: r.where(describe, region), Region: region, Value: EKSDescribePodIdentityAssociationOutput{Association: EKSPodIdentityAssociation{
				ClusterName: str(a.ClusterName), Namespace: str(a.Namespace), ServiceAccount: str(a.ServiceAccount),
				RoleArn: str(a.RoleArn), AssociationArn: str(a.AssociationArn), AssociationID: str(a.AssociationId),
				Tags: a.Tags, CreatedAt: cliTime(a.CreatedAt), ModifiedAt: cliTime(a.ModifiedAt), OwnerArn: str(a.OwnerArn),
				DisableSessionTags: a.DisableSessionTags, TargetRoleArn: str(a.TargetRoleArn), Policy: str(a.Policy),
			}},
		})
	}
	return nil
}
