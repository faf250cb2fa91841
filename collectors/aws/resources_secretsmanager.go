package aws

import "encoding/json"

// SecretsManagerListSecretsOutput is the output of aws secretsmanager
// list-secrets: secret metadata, never values.
type SecretsManagerListSecretsOutput struct {
	SecretList []SecretsManagerSecretListEntry `json:"SecretList"`
	NextToken  string                          `json:"NextToken,omitempty"`
}

// SecretsManagerSecretListEntry describes a secret (never its value; the
// version ids are not decoded either).
type SecretsManagerSecretListEntry struct {
	ARN               string    `json:"ARN"`
	Name              string    `json:"Name"`
	Description       string    `json:"Description,omitempty"`
	KmsKeyID          string    `json:"KmsKeyId,omitempty"`
	RotationEnabled   bool      `json:"RotationEnabled,omitempty"`
	RotationLambdaARN string    `json:"RotationLambdaARN,omitempty"`
	LastRotatedDate   Timestamp `json:"LastRotatedDate,omitempty"`
	LastChangedDate   Timestamp `json:"LastChangedDate,omitempty"`
	LastAccessedDate  Timestamp `json:"LastAccessedDate,omitempty"`
	DeletedDate       Timestamp `json:"DeletedDate,omitempty"`
	CreatedDate       Timestamp `json:"CreatedDate,omitempty"`
	Tags              []Tag     `json:"Tags,omitempty"`
	OwningService     string    `json:"OwningService,omitempty"`
	PrimaryRegion     string    `json:"PrimaryRegion,omitempty"`
}

// SecretsManagerGetResourcePolicyOutput is the output of aws
// secretsmanager get-resource-policy, one per secret. It names the secret.
type SecretsManagerGetResourcePolicyOutput struct {
	ARN            string          `json:"ARN"`
	Name           string          `json:"Name"`
	ResourcePolicy json.RawMessage `json:"ResourcePolicy,omitempty"`
}

func (c *converter) secretsManager(r *Resources) error {
	for _, o := range r.Secrets {
		for j, s := range o.Value.SecretList {
			l := o.loc().in("SecretList", j, "secret", s.Name)
			if _, err := c.resource(l.field("ARN"), resourceSpec{
				arn: s.ARN, name: s.Name, service: "secretsmanager", typ: "secret", tags: tags(s.Tags),
			}); err != nil {
				return err
			}
		}
	}
	for _, o := range r.SecretPolicies {
		p := o.Value
		l := o.loc().named("secret", p.Name)
		n, err := c.resource(l.field("ARN"), resourceSpec{arn: p.ARN, name: p.Name, service: "secretsmanager", typ: "secret"})
		if err != nil {
			return err
		}
		if err := c.resourcePolicy(l.field("ResourcePolicy"), n, p.ResourcePolicy); err != nil {
			return err
		}
	}
	return nil
}
