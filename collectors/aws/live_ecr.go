package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
)

// ecr describes the repositories of a region (ecr:DescribeRepositories,
// every page) and reads each repository's policy
// (ecr:GetRepositoryPolicy). A repository without a policy is no gap. No
// image is ever listed or pulled.
func (r *liveRun) ecr(ctx context.Context, region string, res *Resources) error {
	const list, get = "ecr:DescribeRepositories", "ecr:GetRepositoryPolicy"
	c := ecr.NewFromConfig(r.cfg, func(o *ecr.Options) { o.Region = region })
	v := ECRDescribeRepositoriesOutput{Repositories: []ECRRepository{}}
	p := ecr.NewDescribeRepositoriesPaginator(c, &ecr.DescribeRepositoriesInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *ecr.DescribeRepositoriesOutput) *string { return o.NextToken },
		func(page *ecr.DescribeRepositoriesOutput) {
			for _, repo := range page.Repositories {
				out := ECRRepository{
					RepositoryArn: str(repo.RepositoryArn), RegistryID: str(repo.RegistryId), RepositoryName: str(repo.RepositoryName),
					RepositoryURI: str(repo.RepositoryUri), CreatedAt: cliTime(repo.CreatedAt), ImageTagMutability: string(repo.ImageTagMutability),
				}
				if s := repo.ImageScanningConfiguration; s != nil {
					out.ImageScanningConfiguration = &ECRImageScanningConfiguration{ScanOnPush: s.ScanOnPush}
				}
				if e := repo.EncryptionConfiguration; e != nil {
					out.EncryptionConfiguration = &ECREncryptionConfiguration{EncryptionType: string(e.EncryptionType), KmsKey: str(e.KmsKey)}
				}
				v.Repositories = append(v.Repositories, out)
			}
		}); err != nil {
		return err
	}
	res.ECRRepositories = append(res.ECRRepositories, Output[ECRDescribeRepositoriesOutput]{Where: r.where(list, region), Region: region, Value: v})
	for _, repo := range v.Repositories {
		out, err := c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{
			RepositoryName: aws.String(repo.RepositoryName), RegistryId: aws.String(repo.RegistryID),
		})
		if isCode(err, "RepositoryPolicyNotFoundException") {
			continue
		}
		if err != nil {
			if err := r.failed(ctx, get, region, "repository "+repo.RepositoryArn, err); err != nil {
				return err
			}
			continue
		}
		res.ECRPolicies = append(res.ECRPolicies, Output[ECRGetRepositoryPolicyOutput]{
			Where: r.where(get, region), Region: region,
			Value: ECRGetRepositoryPolicyOutput{RegistryID: str(out.RegistryId), RepositoryName: str(out.RepositoryName), PolicyText: livePolicyText(out.PolicyText)},
		})
	}
	return nil
}
