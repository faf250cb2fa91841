package aws

import (
	"encoding/json"

	"github.com/blastradius/blastradius/graphmodel"
)

// ECRDescribeRepositoriesOutput is the output of aws ecr describe-repositories.
type ECRDescribeRepositoriesOutput struct {
	Repositories []ECRRepository `json:"repositories"`
	NextToken    string          `json:"nextToken,omitempty"`
}

// ECRRepository is a container image repository.
type ECRRepository struct {
	RepositoryArn              string                         `json:"repositoryArn"`
	RegistryID                 string                         `json:"registryId"`
	RepositoryName             string                         `json:"repositoryName"`
	RepositoryURI              string                         `json:"repositoryUri,omitempty"`
	CreatedAt                  Timestamp                      `json:"createdAt,omitempty"`
	ImageTagMutability         string                         `json:"imageTagMutability,omitempty"`
	ImageScanningConfiguration *ECRImageScanningConfiguration `json:"imageScanningConfiguration,omitempty"`
	EncryptionConfiguration    *ECREncryptionConfiguration    `json:"encryptionConfiguration,omitempty"`
}

// ECRImageScanningConfiguration says whether images are scanned on push.
type ECRImageScanningConfiguration struct {
	ScanOnPush bool `json:"scanOnPush"`
}

// ECREncryptionConfiguration is how a repository is encrypted.
type ECREncryptionConfiguration struct {
	EncryptionType string `json:"encryptionType"`
	KmsKey         string `json:"kmsKey,omitempty"`
}

// ECRGetRepositoryPolicyOutput is the output of aws ecr
// get-repository-policy, one per repository. It names the repository but
// not its region: give "Region" beside it when the repository is not listed.
type ECRGetRepositoryPolicyOutput struct {
	RegistryID     string          `json:"registryId"`
	RepositoryName string          `json:"repositoryName"`
	PolicyText     json.RawMessage `json:"policyText"`
}

func (c *converter) ecr(r *Resources) error {
	for _, o := range r.ECRRepositories {
		for j, repo := range o.Value.Repositories {
			l := o.loc().in("repositories", j, "repository", repo.RepositoryName)
			if _, err := c.resource(l.field("repositoryArn"), resourceSpec{
				arn: repo.RepositoryArn, name: repo.RepositoryName, service: "ecr", typ: "repository",
			}); err != nil {
				return err
			}
		}
	}
	for _, o := range r.ECRPolicies {
		p := o.Value
		l := o.loc().named("repository", p.RepositoryName)
		if p.RepositoryName == "" {
			return l.field("repositoryName").bad("repositoryName is empty")
		}
		registry := p.RegistryID
		if !isAccountID(registry) {
			registry = c.account
		}
		arn := ""
		if o.Region != "" {
			arn = c.arn("ecr", o.Region, registry, "repository/"+p.RepositoryName)
		} else {
			var found []string
			for _, n := range c.named[nameKey("ecr", "repository", p.RepositoryName)] {
				if n.Scope == graphmodel.AWSAccountScope(registry) {
					found = append(found, n.ID)
				}
			}
			if len(found) == 1 { // not the same name in two regions
				arn = found[0]
			} else if region := c.regionOf(""); region != "" && len(found) == 0 {
				arn = c.arn("ecr", region, registry, "repository/"+p.RepositoryName)
			}
		}
		if arn == "" {
			c.noPolicyOwner(l, "ecr repository "+p.RepositoryName, "ecr-describe-repositories.json")
			continue
		}
		n, err := c.resource(l.field("repositoryName"), resourceSpec{arn: arn, name: p.RepositoryName, service: "ecr", typ: "repository"})
		if err != nil {
			return err
		}
		if err := c.resourcePolicy(l.field("policyText"), n, p.PolicyText); err != nil {
			return err
		}
	}
	return nil
}
