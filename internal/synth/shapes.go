package synth

import "encoding/json"

// The types below are the output shapes of the AWS CLI, field for field and
// in the CLI's key order, for what the generator writes. They are written,
// never read: the collector has its own raw types.

// gaad is the output of aws iam get-account-authorization-details.
type gaad struct {
	UserDetailList  []*user   `json:"UserDetailList"`
	GroupDetailList []*group  `json:"GroupDetailList"`
	RoleDetailList  []*role   `json:"RoleDetailList"`
	Policies        []*policy `json:"Policies"`
	IsTruncated     bool      `json:"IsTruncated"`
}

type user struct {
	Path                    string            `json:"Path"`
	UserName                string            `json:"UserName"`
	UserID                  string            `json:"UserId"`
	Arn                     string            `json:"Arn"`
	CreateDate              string            `json:"CreateDate"`
	UserPolicyList          []inlinePolicy    `json:"UserPolicyList"`
	GroupList               []string          `json:"GroupList"`
	AttachedManagedPolicies []attachedPolicy  `json:"AttachedManagedPolicies"`
	PermissionsBoundary     *boundary         `json:"PermissionsBoundary,omitempty"`
	Tags                    []tag             `json:"Tags,omitempty"`
	attached                map[string]bool   // policy ARNs, to attach once
	groups                  map[string]bool   // group names, to join once
	extra                   map[string]string // tag values by key, for conditions
}

type group struct {
	Path                    string           `json:"Path"`
	GroupName               string           `json:"GroupName"`
	GroupID                 string           `json:"GroupId"`
	Arn                     string           `json:"Arn"`
	CreateDate              string           `json:"CreateDate"`
	GroupPolicyList         []inlinePolicy   `json:"GroupPolicyList"`
	AttachedManagedPolicies []attachedPolicy `json:"AttachedManagedPolicies"`
	attached                map[string]bool
}

type role struct {
	Path                     string            `json:"Path"`
	RoleName                 string            `json:"RoleName"`
	RoleID                   string            `json:"RoleId"`
	Arn                      string            `json:"Arn"`
	CreateDate               string            `json:"CreateDate"`
	AssumeRolePolicyDocument json.RawMessage   `json:"AssumeRolePolicyDocument"`
	InstanceProfileList      []instanceProfile `json:"InstanceProfileList"`
	RolePolicyList           []inlinePolicy    `json:"RolePolicyList"`
	AttachedManagedPolicies  []attachedPolicy  `json:"AttachedManagedPolicies"`
	PermissionsBoundary      *boundary         `json:"PermissionsBoundary,omitempty"`
	Tags                     []tag             `json:"Tags,omitempty"`
	RoleLastUsed             roleLastUsed      `json:"RoleLastUsed"`
	attached                 map[string]bool
	kind                     roleKind
	app                      *app
	trust                    doc
}

type policy struct {
	PolicyName                    string          `json:"PolicyName"`
	PolicyID                      string          `json:"PolicyId"`
	Arn                           string          `json:"Arn"`
	Path                          string          `json:"Path"`
	DefaultVersionID              string          `json:"DefaultVersionId"`
	AttachmentCount               int             `json:"AttachmentCount"`
	PermissionsBoundaryUsageCount int             `json:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool            `json:"IsAttachable"`
	Description                   string          `json:"Description,omitempty"`
	CreateDate                    string          `json:"CreateDate"`
	UpdateDate                    string          `json:"UpdateDate"`
	PolicyVersionList             []policyVersion `json:"PolicyVersionList"`
	docs                          []doc           // by version, oldest first
	awsManaged                    bool
}

type policyVersion struct {
	Document         json.RawMessage `json:"Document"`
	VersionID        string          `json:"VersionId"`
	IsDefaultVersion bool            `json:"IsDefaultVersion"`
	CreateDate       string          `json:"CreateDate"`
}

type inlinePolicy struct {
	PolicyName     string          `json:"PolicyName"`
	PolicyDocument json.RawMessage `json:"PolicyDocument"`
	doc            doc
}

type attachedPolicy struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

type boundary struct {
	PermissionsBoundaryType string `json:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `json:"PermissionsBoundaryArn"`
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type roleLastUsed struct {
	LastUsedDate string `json:"LastUsedDate,omitempty"`
	Region       string `json:"Region,omitempty"`
}

type instanceProfile struct {
	Path                string        `json:"Path"`
	InstanceProfileName string        `json:"InstanceProfileName"`
	InstanceProfileID   string        `json:"InstanceProfileId"`
	Arn                 string        `json:"Arn"`
	CreateDate          string        `json:"CreateDate"`
	Roles               []profileRole `json:"Roles"`
}

// profileRole is the short form of a role inside an instance profile.
type profileRole struct {
	Path                     string          `json:"Path"`
	RoleName                 string          `json:"RoleName"`
	RoleID                   string          `json:"RoleId"`
	Arn                      string          `json:"Arn"`
	CreateDate               string          `json:"CreateDate"`
	AssumeRolePolicyDocument json.RawMessage `json:"AssumeRolePolicyDocument"`
}

// lambdaListFunctions is the output of aws lambda list-functions.
type lambdaListFunctions struct {
	Functions []lambdaFunction `json:"Functions"`
}

type lambdaFunction struct {
	FunctionName  string            `json:"FunctionName"`
	FunctionArn   string            `json:"FunctionArn"`
	Runtime       string            `json:"Runtime"`
	Role          string            `json:"Role"`
	Handler       string            `json:"Handler"`
	CodeSize      int               `json:"CodeSize"`
	Description   string            `json:"Description"`
	Timeout       int               `json:"Timeout"`
	MemorySize    int               `json:"MemorySize"`
	LastModified  string            `json:"LastModified"`
	CodeSha256    string            `json:"CodeSha256"`
	Version       string            `json:"Version"`
	Environment   *lambdaEnv        `json:"Environment,omitempty"`
	TracingConfig map[string]string `json:"TracingConfig"`
	RevisionID    string            `json:"RevisionId"`
	PackageType   string            `json:"PackageType"`
	Architectures []string          `json:"Architectures"`
	Ephemeral     map[string]int    `json:"EphemeralStorage"`
	LoggingConfig map[string]string `json:"LoggingConfig"`
}

// lambdaEnv holds harmless variables only: the generator never writes
// anything that looks like a secret.
type lambdaEnv struct {
	Variables map[string]string `json:"Variables"`
}

// ec2DescribeInstances is the output of aws ec2 describe-instances.
type ec2DescribeInstances struct {
	Reservations []ec2Reservation `json:"Reservations"`
}

type ec2Reservation struct {
	Groups        []any         `json:"Groups"`
	Instances     []ec2Instance `json:"Instances"`
	OwnerID       string        `json:"OwnerId"`
	ReservationID string        `json:"ReservationId"`
}

type ec2Instance struct {
	AmiLaunchIndex     int               `json:"AmiLaunchIndex"`
	ImageID            string            `json:"ImageId"`
	InstanceID         string            `json:"InstanceId"`
	InstanceType       string            `json:"InstanceType"`
	LaunchTime         string            `json:"LaunchTime"`
	Monitoring         map[string]string `json:"Monitoring"`
	Placement          ec2Placement      `json:"Placement"`
	PrivateDNSName     string            `json:"PrivateDnsName"`
	PrivateIPAddress   string            `json:"PrivateIpAddress"`
	ProductCodes       []any             `json:"ProductCodes"`
	PublicDNSName      string            `json:"PublicDnsName"`
	State              ec2State          `json:"State"`
	SubnetID           string            `json:"SubnetId"`
	VpcID              string            `json:"VpcId"`
	Architecture       string            `json:"Architecture"`
	IamInstanceProfile *ec2Profile       `json:"IamInstanceProfile,omitempty"`
	SecurityGroups     []ec2Group        `json:"SecurityGroups"`
	Tags               []tag             `json:"Tags,omitempty"`
	MetadataOptions    ec2Metadata       `json:"MetadataOptions"`
	PlatformDetails    string            `json:"PlatformDetails"`
}

type ec2Placement struct {
	AvailabilityZone string `json:"AvailabilityZone"`
	GroupName        string `json:"GroupName"`
	Tenancy          string `json:"Tenancy"`
}

type ec2State struct {
	Code int    `json:"Code"`
	Name string `json:"Name"`
}

type ec2Profile struct {
	Arn string `json:"Arn"`
	ID  string `json:"Id"`
}

type ec2Group struct {
	GroupName string `json:"GroupName"`
	GroupID   string `json:"GroupId"`
}

type ec2Metadata struct {
	State                   string `json:"State"`
	HTTPTokens              string `json:"HttpTokens"`
	HTTPPutResponseHopLimit int    `json:"HttpPutResponseHopLimit"`
	HTTPEndpoint            string `json:"HttpEndpoint"`
}

// s3ListBuckets is the output of aws s3api list-buckets.
type s3ListBuckets struct {
	Buckets []s3Bucket `json:"Buckets"`
	Owner   s3Owner    `json:"Owner"`
	Prefix  *string    `json:"Prefix"`
}

type s3Bucket struct {
	Name         string `json:"Name"`
	CreationDate string `json:"CreationDate"`
	BucketRegion string `json:"BucketRegion"`
}

type s3Owner struct {
	DisplayName string `json:"DisplayName"`
	ID          string `json:"ID"`
}

// s3BucketPolicy is the output of aws s3api get-bucket-policy with the
// Bucket asked for beside it.
type s3BucketPolicy struct {
	Bucket string `json:"Bucket"`
	Policy string `json:"Policy"`
}
