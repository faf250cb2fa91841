package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// secretsManager lists the secrets of a region
// (secretsmanager:ListSecrets, every page: names, tags and dates) and
// reads each secret's resource policy (secretsmanager:GetResourcePolicy).
// Secret values are never read: GetSecretValue is never called.
func (r *liveRun) secretsManager(ctx context.Context, region string, res *Resources) error {
	const list, get = "secretsmanager:ListSecrets", "secretsmanager:GetResourcePolicy"
	c := secretsmanager.NewFromConfig(r.cfg, func(o *secretsmanager.Options) { o.Region = region })
	v := SecretsManagerListSecretsOutput{SecretList: []SecretsManagerSecretListEntry{}}
	p := secretsmanager.NewListSecretsPaginator(c, &secretsmanager.ListSecretsInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *secretsmanager.ListSecretsOutput) *string { return o.NextToken },
		func(page *secretsmanager.ListSecretsOutput) {
			for _, s := range page.SecretList {
				v.SecretList = append(v.SecretList, liveSecret(s))
			}
		}); err != nil {
		return err
	}
	res.Secrets = append(res.Secrets, Output[SecretsManagerListSecretsOutput]{Where: r.where(list, region), Region: region, Value: v})
	for _, s := range v.SecretList {
		out, err := c.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: &s.ARN})
		if err != nil {
			if err := r.failed(ctx, get, region, "secret "+s.ARN, err); err != nil {
				return err
			}
			continue
		}
		res.SecretPolicies = append(res.SecretPolicies, Output[SecretsManagerGetResourcePolicyOutput]{
			Where: r.where(get, region), Region: region,
			Value: SecretsManagerGetResourcePolicyOutput{ARN: str(out.ARN), Name: str(out.Name), ResourcePolicy: livePolicyText(out.ResourcePolicy)},
		})
	}
	return nil
}

// liveSecret maps a secret's metadata; the raw type has no field for
// version ids, and the listing holds no value.
func liveSecret(s smtypes.SecretListEntry) SecretsManagerSecretListEntry {
	out := SecretsManagerSecretListEntry{
		ARN: str(s.ARN), Name: str(s.Name), Description: str(s.Description), KmsKeyID: str(s.KmsKeyId),
		RotationLambdaARN: str(s.RotationLambdaARN), LastRotatedDate: cliTime(s.LastRotatedDate),
		LastChangedDate: cliTime(s.LastChangedDate), LastAccessedDate: cliTime(s.LastAccessedDate),
		DeletedDate: cliTime(s.DeletedDate), CreatedDate: cliTime(s.CreatedDate),
		Tags:          liveTags(s.Tags, func(t smtypes.Tag) (*string, *string) { return t.Key, t.Value }),
		OwningService: str(s.OwningService), PrimaryRegion: str(s.PrimaryRegion),
	}
	if s.RotationEnabled != nil {
		out.RotationEnabled = *s.RotationEnabled
	}
	return out
}
