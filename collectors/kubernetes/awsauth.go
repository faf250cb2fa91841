package kubernetes

import (
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

// The ConfigMap of the AWS IAM authenticator that EKS reads: the only
// ConfigMap the collector keeps.
const (
	AWSAuthNamespace = "kube-system"
	AWSAuthName      = "aws-auth"
)

// RoleMapping is one entry of aws-auth's mapRoles: the IAM role whose
// sessions authenticate as Username with Groups.
type RoleMapping struct {
	RoleARN string `json:"rolearn"`
	// SSORole matches the roles of an IAM Identity Center permission set
	// instead of one RoleARN.
	SSORole  *SSORole `json:"ssorole,omitempty"`
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
}

// SSORole names the roles of a permission set in one account.
type SSORole struct {
	PermissionSetName string `json:"permissionSetName"`
	AccountID         string `json:"accountID"`
	Partition         string `json:"partition,omitempty"`
}

// UserMapping is one entry of aws-auth's mapUsers: the IAM user that
// authenticates as Username with Groups.
type UserMapping struct {
	UserARN  string   `json:"userarn"`
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
}

// AWSAuth is the aws-auth ConfigMap, parsed. A list is nil when its key
// is absent or cannot be parsed, empty when the key holds no entries.
type AWSAuth struct {
	MapRoles    []RoleMapping
	MapUsers    []UserMapping
	MapAccounts []string
	// Problems are the keys that could not be parsed, with why; the
	// authenticator does not use them either.
	Problems []string
}

// ParseAWSAuth parses the data of the aws-auth ConfigMap as the AWS IAM
// authenticator does: each key is YAML whose keys are matched without
// regard to case (it converts YAML to JSON and decodes that).
// mapAccounts keeps each account id as written.
func ParseAWSAuth(data AWSAuthData) AWSAuth {
	var a AWSAuth
	if data.MapRoles != nil {
		if err := yamlAsJSON(*data.MapRoles, &a.MapRoles); err != nil {
			a.Problems = append(a.Problems, "mapRoles: "+err.Error())
			a.MapRoles = nil
		} else if a.MapRoles == nil {
			a.MapRoles = []RoleMapping{}
		}
	}
	if data.MapUsers != nil {
		if err := yamlAsJSON(*data.MapUsers, &a.MapUsers); err != nil {
			a.Problems = append(a.Problems, "mapUsers: "+err.Error())
			a.MapUsers = nil
		} else if a.MapUsers == nil {
			a.MapUsers = []UserMapping{}
		}
	}
	if data.MapAccounts != nil {
		accounts, err := yamlScalars(*data.MapAccounts)
		switch {
		case err != nil:
			a.Problems = append(a.Problems, "mapAccounts: "+err.Error())
		case accounts == nil:
			a.MapAccounts = []string{}
		default:
			a.MapAccounts = accounts
		}
	}
	return a
}

// yamlAsJSON decodes YAML into v through JSON.
func yamlAsJSON(s string, v any) error {
	var doc any
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		return fmt.Errorf("cannot parse YAML: %w", err)
	}
	if doc == nil {
		return nil
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("cannot convert YAML to JSON: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("unexpected shape: %w", err)
	}
	return nil
}

// yamlScalars decodes a YAML sequence of scalars, keeping each as written
// (an account id keeps its leading zeros).
func yamlScalars(s string) ([]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		return nil, fmt.Errorf("cannot parse YAML: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	seq := doc.Content[0]
	if seq.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("unexpected shape: want a list of account ids")
	}
	out := make([]string, 0, len(seq.Content))
	for _, n := range seq.Content {
		if n.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("unexpected shape: want a list of account ids")
		}
		out = append(out, n.Value)
	}
	return out, nil
}
