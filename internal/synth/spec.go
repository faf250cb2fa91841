package synth

import (
	"errors"
	"fmt"
	"math"
)

// Spec describes a synthetic AWS account. Every field is a knob; Large and
// Small return tuned values. The same Spec always gives byte-identical files.
//
// Counts are exact: the written gaad.json holds exactly Roles roles, Users
// users, Groups groups and ManagedPolicies customer-managed policies (plus
// the AWS-managed policies the account attaches, AWSManagedPolicies), and
// the resource files exactly Functions functions, Instances instances and
// Buckets buckets.
//
// Percentages are of the principals (Roles + Users) for the planted
// findings (AdminPercent, SelfEscalationPercent, PassRoleLambdaPercent) and
// of the roles for the role kinds (CIPercent, CrossAccountPercent,
// ChainPercent, HumanRolePercent); the rest of the roles are service roles.
// Planted counts are math.Round(percent × population / 100), disjoint: a
// principal is planted for one finding at most.
type Spec struct {
	// Seed seeds the generator (math/rand/v2 PCG); another seed gives
	// another account of the same shape and counts.
	Seed int64
	// Account is the 12-digit account id of every ARN; "" means
	// DefaultAccount.
	Account string

	// Roles, Users, Groups and ManagedPolicies (customer-managed) are the
	// IAM counts. Groups must be at least MinGroups when Users > 0 (the
	// well-known groups: admins, deployers, developers, …).
	Roles, Users, Groups, ManagedPolicies int

	// Functions, Instances and Buckets are the resources written to
	// lambda-list-functions.json, ec2-describe-instances.json and
	// s3api-list-buckets.json. Functions run with the lambda service roles,
	// instances with the EC2 roles' instance profiles (a tenth with none).
	Functions, Instances, Buckets int
	// BucketPolicyPercent of the buckets have a bucket policy in
	// s3api-get-bucket-policy.json (TLS-only denies, cross-account reads,
	// grants to the app's roles, a rare public prefix).
	BucketPolicyPercent float64

	// AdminPercent of the principals are administrators: roles with
	// AdministratorAccess attached or an inline "*" on "*", users in the
	// admins group or with AdministratorAccess attached. A third of the
	// admin roles are lambda service roles, so that PassRole to Lambda has
	// something to reach.
	AdminPercent float64
	// SelfEscalationPercent of the principals can raise their own
	// permissions: iam:PutRolePolicy / iam:AttachRolePolicy on their own
	// role, iam:PutUserPolicy on their own user, or iam:CreatePolicyVersion
	// on a customer policy attached to them.
	SelfEscalationPercent float64
	// PassRoleLambdaPercent of the principals hold iam:PassRole (on lambda
	// roles, on a role path, or on "*" with BroadPassRolePercent) together
	// with lambda:CreateFunction and lambda:InvokeFunction (or
	// lambda:CreateEventSourceMapping).
	PassRoleLambdaPercent float64
	// BroadPassRolePercent of those PassRole grants are on "*"; the others
	// name lambda role ARNs or a role path wildcard, most under an
	// iam:PassedToService condition.
	BroadPassRolePercent float64

	// CIPercent of the roles are CI/deploy roles (path /ci/): trusted by
	// the account root, assumable by the deployers group, with
	// CloudFormation/ECS deploy rights and PassRole to cloudformation and
	// ecs-tasks under iam:PassedToService.
	CIPercent float64
	// CrossAccountPercent of the roles trust one of ExternalAccounts with
	// an sts:ExternalId condition (auditors, vendors).
	CrossAccountPercent float64
	// ChainPercent of the roles form trust chains of 2 to MaxChain roles,
	// each trusting the previous one by ARN (the head trusts a user or a
	// CI role), each holding sts:AssumeRole on the next.
	ChainPercent float64
	// MaxChain is the longest chain (2 to 8).
	MaxChain int
	// HumanRolePercent of the roles are team roles trusted by the account
	// root under aws:MultiFactorAuthPresent, assumable by the team's group
	// under an aws:PrincipalTag/team condition.
	HumanRolePercent float64
	// ExternalAccounts is how many outside accounts the cross-account
	// roles and bucket policies trust.
	ExternalAccounts int

	// DenyPercent of the customer-managed policies carry a Deny statement
	// (region guard with NotAction, destructive actions, MFA-less deletes).
	DenyPercent float64
	// ConditionPercent of the ordinary Allow statements carry a condition
	// (aws:SourceIp, aws:PrincipalTag, aws:RequestedRegion, kms:ViaService,
	// aws:MultiFactorAuthPresent).
	ConditionPercent float64

	// Indent is the indentation of the written JSON in spaces: 4 is what
	// `aws … --output json` prints (the CLI's json.dump(indent=4)); 0
	// writes compact JSON.
	Indent int
	// ObjectDocuments writes the IAM policy documents of gaad.json as JSON
	// objects, as the AWS CLI prints them after botocore decodes them,
	// instead of the URL-encoded strings the IAM API returns.
	ObjectDocuments bool
}

// DefaultAccount is the account id used when Spec.Account is empty.
const DefaultAccount = "111122223333"

// MinGroups is the number of well-known groups every estate with users has
// (admins, deployers, developers, readonly, security-audit, billing).
const MinGroups = 6

// Large is the benchmark estate of the scale issue: 20,000 roles, 5,000
// users, 5,000 customer-managed policies and 200 groups, about 25 MB of
// gaad.json, and about 5,000 resources.
func Large() Spec {
	s := mix()
	s.Roles, s.Users, s.Groups, s.ManagedPolicies = 20000, 5000, 200, 5000
	s.Functions, s.Instances, s.Buckets = 2500, 1500, 1200
	s.ExternalAccounts = 12
	return s
}

// Small is a test-sized estate with the same mix as Large: 400 roles, 100
// users, 100 customer-managed policies, 16 groups and 130 resources.
func Small() Spec {
	s := mix()
	s.Roles, s.Users, s.Groups, s.ManagedPolicies = 400, 100, 16, 100
	s.Functions, s.Instances, s.Buckets = 60, 40, 30
	s.ExternalAccounts = 4
	return s
}

// mix returns the tuned percentages shared by Large and Small.
func mix() Spec {
	return Spec{
		Seed:                  1,
		Account:               DefaultAccount,
		BucketPolicyPercent:   35,
		AdminPercent:          1,
		SelfEscalationPercent: 0.5,
		PassRoleLambdaPercent: 2,
		BroadPassRolePercent:  25,
		CIPercent:             3,
		CrossAccountPercent:   3,
		ChainPercent:          4,
		MaxChain:              4,
		HumanRolePercent:      6,
		DenyPercent:           8,
		ConditionPercent:      15,
		Indent:                4,
	}
}

// Principals returns Roles + Users.
func (s Spec) Principals() int { return s.Roles + s.Users }

// planted returns round(percent × n / 100).
func planted(percent float64, n int) int {
	return int(math.Round(percent * float64(n) / 100))
}

// Validate reports a Spec WriteAWS cannot honour.
func (s Spec) Validate() error {
	var errs []error
	if s.Account != "" && !isAccountID(s.Account) {
		errs = append(errs, fmt.Errorf("account %q: want 12 digits", s.Account))
	}
	for _, c := range []struct {
		name string
		n    int
	}{
		{"roles", s.Roles}, {"users", s.Users}, {"groups", s.Groups}, {"managed policies", s.ManagedPolicies},
		{"functions", s.Functions}, {"instances", s.Instances}, {"buckets", s.Buckets},
		{"external accounts", s.ExternalAccounts}, {"indent", s.Indent},
	} {
		if c.n < 0 {
			errs = append(errs, fmt.Errorf("%s %d: must not be negative", c.name, c.n))
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{
		{"bucket policy", s.BucketPolicyPercent}, {"admin", s.AdminPercent},
		{"self-escalation", s.SelfEscalationPercent}, {"passrole-lambda", s.PassRoleLambdaPercent},
		{"broad passrole", s.BroadPassRolePercent}, {"ci", s.CIPercent}, {"cross-account", s.CrossAccountPercent},
		{"chain", s.ChainPercent}, {"human role", s.HumanRolePercent}, {"deny", s.DenyPercent},
		{"condition", s.ConditionPercent},
	} {
		if !(p.v >= 0 && p.v <= 100) {
			errs = append(errs, fmt.Errorf("%s percent %v: want 0 to 100", p.name, p.v))
		}
	}
	if s.Functions > 0 && s.Roles == 0 {
		errs = append(errs, errors.New("functions need at least one role to run with"))
	}
	if s.Users > 0 && s.Groups < MinGroups {
		errs = append(errs, fmt.Errorf("groups %d: want at least %d when there are users", s.Groups, MinGroups))
	}
	if s.ChainPercent > 0 && (s.MaxChain < 2 || s.MaxChain > 8) {
		errs = append(errs, fmt.Errorf("max chain %d: want 2 to 8", s.MaxChain))
	}
	if s.CrossAccountPercent > 0 && s.ExternalAccounts == 0 && planted(s.CrossAccountPercent, s.Roles) > 0 {
		errs = append(errs, errors.New("cross-account roles need at least one external account"))
	}
	if k := planted(s.CIPercent, s.Roles) + planted(s.CrossAccountPercent, s.Roles) +
		planted(s.ChainPercent, s.Roles) + planted(s.HumanRolePercent, s.Roles); k > s.Roles {
		errs = append(errs, fmt.Errorf("role kinds add up to %d roles, more than the %d roles", k, s.Roles))
	}
	if k := planted(s.AdminPercent, s.Principals()) + planted(s.SelfEscalationPercent, s.Principals()) +
		planted(s.PassRoleLambdaPercent, s.Principals()); k > s.Principals()/2 {
		errs = append(errs, fmt.Errorf("planted findings add up to %d principals, more than half of the %d", k, s.Principals()))
	}
	if need := s.policyFloor(); s.ManagedPolicies < need {
		errs = append(errs, fmt.Errorf("managed policies %d: this mix needs at least %d (well-known and per-principal policies)", s.ManagedPolicies, need))
	}
	return errors.Join(errs...)
}

// isAccountID reports whether s is 12 ASCII digits.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
