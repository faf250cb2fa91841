package aws

import (
	"bytes"
	"encoding/json"

	"github.com/blastradius/blastradius/internal/badinput"
)

// The raw types below mirror the output of iam:GetAccountAuthorizationDetails
// as the AWS API and the AWS CLI return it, field for field. Dates stay the
// strings the source gave. Policy documents stay raw: the API returns them
// URL-encoded, the CLI as JSON objects; awspolicy.Decode reads both. Fields
// AWS may add later are ignored by the decoder.

// AuthorizationDetails is the whole export: the response of
// GetAccountAuthorizationDetails, or several of its pages merged into one object.
type AuthorizationDetails struct {
	UserDetailList  []UserDetail          `json:"UserDetailList"`
	GroupDetailList []GroupDetail         `json:"GroupDetailList"`
	RoleDetailList  []RoleDetail          `json:"RoleDetailList"`
	Policies        []ManagedPolicyDetail `json:"Policies"`
	// IsTruncated is true when more pages were left unread.
	IsTruncated bool   `json:"IsTruncated"`
	Marker      string `json:"Marker,omitempty"`
}

// UserDetail is an IAM user with everything attached to it.
type UserDetail struct {
	Path                    string                       `json:"Path"`
	UserName                string                       `json:"UserName"`
	UserID                  string                       `json:"UserId"`
	Arn                     string                       `json:"Arn"`
	CreateDate              string                       `json:"CreateDate"`
	UserPolicyList          []PolicyDetail               `json:"UserPolicyList"`
	GroupList               []string                     `json:"GroupList"`
	AttachedManagedPolicies []AttachedPolicy             `json:"AttachedManagedPolicies"`
	PermissionsBoundary     *AttachedPermissionsBoundary `json:"PermissionsBoundary,omitempty"`
	Tags                    []Tag                        `json:"Tags"`
}

// GroupDetail is an IAM group with its policies.
type GroupDetail struct {
	Path                    string           `json:"Path"`
	GroupName               string           `json:"GroupName"`
	GroupID                 string           `json:"GroupId"`
	Arn                     string           `json:"Arn"`
	CreateDate              string           `json:"CreateDate"`
	GroupPolicyList         []PolicyDetail   `json:"GroupPolicyList"`
	AttachedManagedPolicies []AttachedPolicy `json:"AttachedManagedPolicies"`
}

// RoleDetail is an IAM role with its trust policy, policies and instance profiles.
type RoleDetail struct {
	Path                     string                       `json:"Path"`
	RoleName                 string                       `json:"RoleName"`
	RoleID                   string                       `json:"RoleId"`
	Arn                      string                       `json:"Arn"`
	CreateDate               string                       `json:"CreateDate"`
	AssumeRolePolicyDocument json.RawMessage              `json:"AssumeRolePolicyDocument"`
	InstanceProfileList      []InstanceProfile            `json:"InstanceProfileList"`
	RolePolicyList           []PolicyDetail               `json:"RolePolicyList"`
	AttachedManagedPolicies  []AttachedPolicy             `json:"AttachedManagedPolicies"`
	PermissionsBoundary      *AttachedPermissionsBoundary `json:"PermissionsBoundary,omitempty"`
	Tags                     []Tag                        `json:"Tags"`
	RoleLastUsed             *RoleLastUsed                `json:"RoleLastUsed,omitempty"`
}

// ManagedPolicyDetail is a customer- or AWS-managed policy with all its versions.
type ManagedPolicyDetail struct {
	PolicyName                    string          `json:"PolicyName"`
	PolicyID                      string          `json:"PolicyId"`
	Arn                           string          `json:"Arn"`
	Path                          string          `json:"Path"`
	DefaultVersionID              string          `json:"DefaultVersionId"`
	AttachmentCount               *int            `json:"AttachmentCount,omitempty"`
	PermissionsBoundaryUsageCount *int            `json:"PermissionsBoundaryUsageCount,omitempty"`
	IsAttachable                  *bool           `json:"IsAttachable,omitempty"`
	Description                   string          `json:"Description,omitempty"`
	CreateDate                    string          `json:"CreateDate"`
	UpdateDate                    string          `json:"UpdateDate"`
	PolicyVersionList             []PolicyVersion `json:"PolicyVersionList"`
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	Document         json.RawMessage `json:"Document"`
	VersionID        string          `json:"VersionId"`
	IsDefaultVersion bool            `json:"IsDefaultVersion"`
	CreateDate       string          `json:"CreateDate"`
}

// PolicyDetail is an inline policy of a user, group or role.
type PolicyDetail struct {
	PolicyName     string          `json:"PolicyName"`
	PolicyDocument json.RawMessage `json:"PolicyDocument"`
}

// AttachedPolicy is a managed policy attached to a user, group or role.
type AttachedPolicy struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

// AttachedPermissionsBoundary is the permissions boundary of a user or role.
type AttachedPermissionsBoundary struct {
	// PermissionsBoundaryType is "Policy" (the only type AWS has).
	PermissionsBoundaryType string `json:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `json:"PermissionsBoundaryArn"`
}

// Tag is a key/value tag of a user, role or instance profile.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// RoleLastUsed says when and where a role was last used (AWS tracks 400 days).
type RoleLastUsed struct {
	LastUsedDate string `json:"LastUsedDate,omitempty"`
	Region       string `json:"Region,omitempty"`
}

// InstanceProfile is an EC2 instance profile that carries a role.
type InstanceProfile struct {
	Path                string `json:"Path"`
	InstanceProfileName string `json:"InstanceProfileName"`
	InstanceProfileID   string `json:"InstanceProfileId"`
	Arn                 string `json:"Arn"`
	CreateDate          string `json:"CreateDate"`
	Roles               []Role `json:"Roles"`
	Tags                []Tag  `json:"Tags,omitempty"`
}

// Role is a role as listed inside an instance profile (a shorter form of RoleDetail).
type Role struct {
	Path                     string                       `json:"Path"`
	RoleName                 string                       `json:"RoleName"`
	RoleID                   string                       `json:"RoleId"`
	Arn                      string                       `json:"Arn"`
	CreateDate               string                       `json:"CreateDate"`
	AssumeRolePolicyDocument json.RawMessage              `json:"AssumeRolePolicyDocument,omitempty"`
	Description              string                       `json:"Description,omitempty"`
	MaxSessionDuration       *int                         `json:"MaxSessionDuration,omitempty"`
	PermissionsBoundary      *AttachedPermissionsBoundary `json:"PermissionsBoundary,omitempty"`
	Tags                     []Tag                        `json:"Tags,omitempty"`
	RoleLastUsed             *RoleLastUsed                `json:"RoleLastUsed,omitempty"`
}

// DecodeAuthorizationDetails decodes a gaad.json export; file names it in
// errors. Malformed JSON and fields of the wrong type are badinput errors
// with the line and column. Unknown fields are ignored.
func DecodeAuthorizationDetails(file string, data []byte) (*AuthorizationDetails, error) {
	rest := bytes.TrimLeft(data, " \t\r\n")
	if len(rest) == 0 {
		return nil, badinput.Newf(file, "", "empty file, expected the JSON output of aws iam get-account-authorization-details")
	}
	if rest[0] != '{' {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, badinput.FromJSON(file, data, err)
		}
		return nil, badinput.Newf(file, badinput.Place(data, int64(len(data)-len(rest))),
			"expected a JSON object (the output of aws iam get-account-authorization-details)")
	}
	var d AuthorizationDetails
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, badinput.FromJSON(file, data, err)
	}
	return &d, nil
}
