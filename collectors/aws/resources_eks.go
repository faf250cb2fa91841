package aws

import "github.com/blastradius/blastradius/graphmodel"

// EKSDescribeClusterOutput is the output of aws eks describe-cluster, one
// per cluster.
type EKSDescribeClusterOutput struct {
	Cluster EKSCluster `json:"cluster"`
}

// EKSCluster is an EKS cluster. Its certificate authority data is not decoded.
type EKSCluster struct {
	Name               string                `json:"name"`
	Arn                string                `json:"arn"`
	CreatedAt          Timestamp             `json:"createdAt,omitempty"`
	Version            string                `json:"version,omitempty"`
	Endpoint           string                `json:"endpoint,omitempty"`
	RoleArn            string                `json:"roleArn"`
	ResourcesVpcConfig *EKSVpcConfigResponse `json:"resourcesVpcConfig,omitempty"`
	Identity           *EKSIdentity          `json:"identity,omitempty"`
	Status             string                `json:"status,omitempty"`
	PlatformVersion    string                `json:"platformVersion,omitempty"`
	Tags               map[string]string     `json:"tags,omitempty"`
	AccessConfig       *EKSAccessConfig      `json:"accessConfig,omitempty"`
}

// EKSVpcConfigResponse is the network configuration of a cluster.
type EKSVpcConfigResponse struct {
	SubnetIDs              []string `json:"subnetIds,omitempty"`
	SecurityGroupIDs       []string `json:"securityGroupIds,omitempty"`
	ClusterSecurityGroupID string   `json:"clusterSecurityGroupId,omitempty"`
	VpcID                  string   `json:"vpcId,omitempty"`
	EndpointPublicAccess   bool     `json:"endpointPublicAccess"`
	EndpointPrivateAccess  bool     `json:"endpointPrivateAccess"`
	PublicAccessCidrs      []string `json:"publicAccessCidrs,omitempty"`
}

// EKSIdentity is the identity provider information of a cluster.
type EKSIdentity struct {
	OIDC *EKSOIDC `json:"oidc,omitempty"`
}

// EKSOIDC is the cluster's OpenID Connect issuer.
type EKSOIDC struct {
	Issuer string `json:"issuer"`
}

// EKSAccessConfig says how principals authenticate to the cluster.
type EKSAccessConfig struct {
	AuthenticationMode                      string `json:"authenticationMode,omitempty"`
	BootstrapClusterCreatorAdminPermissions *bool  `json:"bootstrapClusterCreatorAdminPermissions,omitempty"`
}

func (c *converter) eks(r *Resources) error {
	for _, o := range r.EKSClusters {
		cl := o.Value.Cluster
		l := o.loc().field("cluster").named("cluster", cl.Name)
		var tags map[string]string
		if len(cl.Tags) > 0 {
			tags = cl.Tags
		}
		n, err := c.resource(l.field("arn"), resourceSpec{
			arn: cl.Arn, name: cl.Name, service: "eks", typ: "cluster", tags: tags,
		})
		if err != nil {
			return err
		}
		if cl.Identity != nil && cl.Identity.OIDC != nil {
			n.SetProp(graphmodel.PropAWSOIDCIssuer, cl.Identity.OIDC.Issuer)
		}
		if err := c.carriesRole(l.field("roleArn"), n.ID, cl.RoleArn); err != nil {
			return err
		}
	}
	return nil
}
