package aws

import (
	"encoding/json"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// KMSListKeysOutput is the output of aws kms list-keys.
type KMSListKeysOutput struct {
	Keys       []KMSKeyListEntry `json:"Keys"`
	Truncated  bool              `json:"Truncated,omitempty"`
	NextMarker string            `json:"NextMarker,omitempty"`
}

// KMSKeyListEntry names a key.
type KMSKeyListEntry struct {
	KeyID  string `json:"KeyId"`
	KeyArn string `json:"KeyArn"`
}

// KMSKeyPolicy is the output of aws kms get-key-policy
// ({"Policy": "<JSON string>", "PolicyName": "default"}) with the KeyId it
// was asked for (a key id or key ARN) beside it.
type KMSKeyPolicy struct {
	KeyID      string          `json:"KeyId"`
	Policy     json.RawMessage `json:"Policy"`
	PolicyName string          `json:"PolicyName,omitempty"`
}

// KMSDescribeKeyOutput is the output of aws kms describe-key, one per key;
// it tells AWS-managed keys.
type KMSDescribeKeyOutput struct {
	KeyMetadata KMSKeyMetadata `json:"KeyMetadata"`
}

// KMSKeyMetadata describes a key.
type KMSKeyMetadata struct {
	AWSAccountID string    `json:"AWSAccountId,omitempty"`
	KeyID        string    `json:"KeyId"`
	Arn          string    `json:"Arn"`
	CreationDate Timestamp `json:"CreationDate,omitempty"`
	Enabled      bool      `json:"Enabled"`
	Description  string    `json:"Description,omitempty"`
	KeyUsage     string    `json:"KeyUsage,omitempty"`
	KeyState     string    `json:"KeyState,omitempty"`
	Origin       string    `json:"Origin,omitempty"`
	// KeyManager is AWS for AWS-managed keys, CUSTOMER for the others.
	KeyManager  string `json:"KeyManager,omitempty"`
	KeySpec     string `json:"KeySpec,omitempty"`
	MultiRegion bool   `json:"MultiRegion,omitempty"`
}

func (c *converter) kms(r *Resources) error {
	for _, o := range r.KMSKeys {
		for j, k := range o.Value.Keys {
			l := o.loc().in("Keys", j, "key", k.KeyID)
			if _, err := c.resource(l.field("KeyArn"), resourceSpec{arn: k.KeyArn, name: k.KeyID, service: "kms", typ: "key"}); err != nil {
				return err
			}
		}
	}
	for _, o := range r.KMSKeyDescriptions {
		m := o.Value.KeyMetadata
		l := o.loc().field("KeyMetadata").named("key", m.KeyID)
		n, err := c.resource(l.field("Arn"), resourceSpec{arn: m.Arn, name: m.KeyID, service: "kms", typ: "key"})
		if err != nil {
			return err
		}
		n.SetProp(graphmodel.PropAWSKeyManager, m.KeyManager)
	}
	for _, o := range r.KMSKeyPolicies {
		p := o.Value
		l := o.loc().named("key", p.KeyID)
		if p.KeyID == "" {
			return l.field("KeyId").bad(`KeyId is empty: give the key each policy belongs to ({"KeyId": …, "Policy": …})`)
		}
		arn := c.policyOwner("kms", "key", p.KeyID, o.Region, "key/"+p.KeyID)
		if arn == "" {
			c.noPolicyOwner(l, "kms key "+p.KeyID, "kms-list-keys.json")
			continue
		}
		n, err := c.resource(l.field("KeyId"), resourceSpec{arn: arn, name: strings.TrimPrefix(resourceOf(arn), "key/"), service: "kms", typ: "key"})
		if err != nil {
			return err
		}
		if err := c.resourcePolicy(l.field("Policy"), n, p.Policy); err != nil {
			return err
		}
	}
	return nil
}
