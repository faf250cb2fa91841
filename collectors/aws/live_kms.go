package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// kms lists the keys of a region (kms:ListKeys, every page), describes
// each (kms:DescribeKey, for key_manager) and reads its key policy
// (kms:GetKeyPolicy, the "default" policy, the only one KMS has). No
// cryptographic operation is ever called.
func (r *liveRun) kms(ctx context.Context, region string, res *Resources) error {
	const list, describe, get = "kms:ListKeys", "kms:DescribeKey", "kms:GetKeyPolicy"
	c := kms.NewFromConfig(r.cfg, func(o *kms.Options) { o.Region = region })
	v := KMSListKeysOutput{Keys: []KMSKeyListEntry{}}
	p := kms.NewListKeysPaginator(c, &kms.ListKeysInput{})
	if err := listPages(ctx, r, list, region, "", p.HasMorePages, p.NextPage,
		func(o *kms.ListKeysOutput) *string { return o.NextMarker },
		func(page *kms.ListKeysOutput) {
			for _, k := range page.Keys {
				v.Keys = append(v.Keys, KMSKeyListEntry{KeyID: str(k.KeyId), KeyArn: str(k.KeyArn)})
			}
		}); err != nil {
		return err
	}
	res.KMSKeys = append(res.KMSKeys, Output[KMSListKeysOutput]{Where: r.where(list, region), Region: region, Value: v})
	for _, k := range v.Keys {
		item := "key " + k.KeyArn
		d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(k.KeyArn)})
		switch {
		case err != nil:
			if err := r.failed(ctx, describe, region, item, err); err != nil {
				return err
			}
		case d.KeyMetadata != nil:
			m := d.KeyMetadata
			res.KMSKeyDescriptions = append(res.KMSKeyDescriptions, Output[KMSDescribeKeyOutput]{
				Where: r.where(describe, region), Region: region,
				Value: KMSDescribeKeyOutput{KeyMetadata: KMSKeyMetadata{
					AWSAccountID: str(m.AWSAccountId), KeyID: str(m.KeyId), Arn: str(m.Arn),
					CreationDate: cliTime(m.CreationDate), Enabled: m.Enabled, Description: str(m.Description),
					KeyUsage: string(m.KeyUsage), KeyState: string(m.KeyState), Origin: string(m.Origin),
					KeyManager: string(m.KeyManager), KeySpec: string(m.KeySpec), MultiRegion: aws.ToBool(m.MultiRegion),
				}},
			})
		}
		out, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(k.KeyArn), PolicyName: aws.String("default")})
		if err != nil {
			if err := r.failed(ctx, get, region, item, err); err != nil {
				return err
			}
			continue
		}
		res.KMSKeyPolicies = append(res.KMSKeyPolicies, Output[KMSKeyPolicy]{
			Where: r.where(get, region), Region: region,
			Value: KMSKeyPolicy{KeyID: k.KeyArn, Policy: livePolicyText(out.Policy), PolicyName: str(out.PolicyName)},
		})
	}
	return nil
}
