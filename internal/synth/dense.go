package synth

import (
	"errors"
	"fmt"
)

// DenseSpec describes the dense shape: a badly run account where policies
// are mixed at random, so that few principals share a policy set. It is
// the second benchmark shape of the scale issue, beside Large (Spec). Every
// number of the mix is a knob; Dense and DenseScaled return the issue's
// values. The same DenseSpec always gives byte-identical files.
//
// Counts are exact: gaad.json holds exactly Roles roles, Users users,
// Groups groups and ManagedPolicies customer-managed policies (plus the
// AWS-managed policies attached), and the resource files exactly
// Functions, Instances, Buckets, Secrets, LaunchTemplates and GlueJobs
// items. Shares of principals and of roles are math.Round(percent ×
// population / 100) principals or roles, exactly.
type DenseSpec struct {
	// Seed seeds the generator (math/rand/v2 PCG).
	Seed int64
	// Account is the 12-digit account id; "" means DefaultAccount.
	Account string

	// Roles, Users, Groups and ManagedPolicies (customer-managed) are the
	// IAM counts. Groups must be at least DenseMinGroups when Users > 0.
	Roles, Users, Groups, ManagedPolicies int
	// Functions (lambda-list-functions.json), Instances
	// (ec2-describe-instances.json), Buckets (s3api-list-buckets.json),
	// Secrets (secretsmanager-list-secrets.json), LaunchTemplates
	// (ec2-describe-launch-templates.json and their versions) and GlueJobs
	// (glue-get-jobs.json) are the resources. Instances, secrets, launch
	// templates, roles and users carry the tags that aws:ResourceTag
	// conditions test (team, env, app, classification).
	Functions, Instances, Buckets, Secrets, LaunchTemplates, GlueJobs int
	// BucketPolicyPercent of the buckets have a bucket policy.
	BucketPolicyPercent float64
	// ExternalAccounts is how many outside accounts the ExternalId trusts
	// and bucket policies name.
	ExternalAccounts int

	// Admins principals have AdministratorAccess attached (the issue's
	// three administrators); no other principal holds "*" on "*".
	Admins int
	// DistinctPolicySetPercent is the number of distinct combinations of
	// directly attached managed policies, as a percentage of the
	// principals (76: about 19,000 over 25,000). The principals that share
	// a combination share one of a few standard sets per kind of role or
	// user; every other principal's combination is its own.
	DistinctPolicySetPercent float64
	// IAMWritePercent of the principals (the administrators included) hold
	// an IAM write wildcard (iam:*, iam:Put*, iam:Create*, iam:Update*) on
	// "*", through a customer-managed policy, an inline policy or a group,
	// always beside other statements.
	IAMWritePercent float64
	// STSWildcardPercent of the principals (the administrators included)
	// hold sts:* on "*" the same ways.
	STSWildcardPercent float64
	// RoleTrustPercent of the roles trust one to MaxTrustedRoles other
	// roles of the account by ARN.
	RoleTrustPercent float64
	// MaxTrustedRoles is the most roles one trust policy names (1 to 10).
	MaxTrustedRoles int
	// ExternalIDPercent of the roles trust an outside account under an
	// sts:ExternalId condition.
	ExternalIDPercent float64
	// DenyPercent of the statements of customer-managed (default
	// versions) and inline policies are Deny statements: a region guard
	// with NotAction, Deny iam:* on a path, Deny on named resources, Deny
	// without MFA, Deny on tagged resources.
	DenyPercent float64
	// ResourceTagPercent of those statements carry an aws:ResourceTag/<key>
	// condition (StringEquals or StringLike on team, env, app or
	// classification, with values the resources, roles and users carry).
	ResourceTagPercent float64
	// BoundaryPercent of the principals have a permissions boundary
	// (never one of the administrators or wildcard holders above).
	BoundaryPercent float64

	// Indent is the indentation of the written JSON (4 as the AWS CLI
	// prints; 0 compact).
	Indent int
	// ObjectDocuments writes gaad.json policy documents as JSON objects
	// instead of URL-encoded strings.
	ObjectDocuments bool
}

// DenseMinGroups is the number of groups the dense shape needs when it
// has users: developers, readonly, security-audit, billing, one IAM
// operators group and one cross-account operators group.
const DenseMinGroups = 6

// DensePrincipals is the size of Dense: 20,000 roles and 5,000 users.
const DensePrincipals = 25000

// Dense is the dense benchmark estate of the scale issue: 20,000 roles,
// 5,000 users, 5,000 customer-managed policies and 250 groups.
func Dense() DenseSpec { return DenseScaled(DensePrincipals) }

// DenseScaled is the dense shape at principals principals: four fifths
// roles and one fifth users, with groups, policies and resources in
// proportion (one customer-managed policy per five principals, one group
// per hundred, one Lambda function per ten, …). The smaller
// accounts of that shape are DenseScaled(1250), DenseScaled(2500) and
// DenseScaled(5000).
func DenseScaled(principals int) DenseSpec {
	p := max(principals, 0)
	users := p / 5
	return DenseSpec{
		Seed: 1, Account: DefaultAccount,
		Roles: p - users, Users: users,
		Groups: max(DenseMinGroups+2, p/100), ManagedPolicies: max(40, p/5),
		Functions: p / 10, Instances: p * 6 / 100, Buckets: p * 48 / 1000,
		Secrets: p / 25, LaunchTemplates: p * 12 / 1000, GlueJobs: p * 8 / 1000,
		BucketPolicyPercent: 35,
		ExternalAccounts:    min(12, max(2, p/2000)),

		Admins:                   3,
		DistinctPolicySetPercent: 76,
		IAMWritePercent:          14,
		STSWildcardPercent:       6,
		RoleTrustPercent:         40,
		MaxTrustedRoles:          3,
		ExternalIDPercent:        10,
		DenyPercent:              7,
		ResourceTagPercent:       10,
		BoundaryPercent:          8,
		Indent:                   4,
	}
}

// Principals returns Roles + Users.
func (s DenseSpec) Principals() int { return s.Roles + s.Users }

// denseRoleCounts returns how many roles of each special kind the spec
// asks for: trusting other roles, trusting an outside account, team roles
// (3%), CI roles (2%) and service-linked roles (one per 200 roles, at most
// ten). The rest are service roles.
func (s DenseSpec) denseRoleCounts() (trusting, external, human, ci, linked int) {
	return planted(s.RoleTrustPercent, s.Roles), planted(s.ExternalIDPercent, s.Roles),
		planted(3, s.Roles), planted(2, s.Roles), min(len(serviceLinkedRoles), s.Roles/200)
}

// densePolicyFloor is the number of customer-managed policies the shape
// needs: the well-known ones, the IAM-write and sts ones, and one more.
func (s DenseSpec) densePolicyFloor() int {
	iam, sts := s.dangerousPolicies()
	return len(wellKnownPolicies) + len(denseWellKnown) + iam + sts + 1
}

// dangerousPolicies returns how many customer-managed policies hold an IAM
// write wildcard (one in 40) and sts:* (one in 80), at least one each when
// the shape asks for such principals.
func (s DenseSpec) dangerousPolicies() (iam, sts int) {
	if s.IAMWritePercent > 0 {
		iam = max(1, s.ManagedPolicies/40)
	}
	if s.STSWildcardPercent > 0 {
		sts = max(1, s.ManagedPolicies/80)
	}
	return iam, sts
}

// Validate reports a DenseSpec WriteAWSDense cannot honour.
func (s DenseSpec) Validate() error {
	var errs []error
	if s.Account != "" && !isAccountID(s.Account) {
		errs = append(errs, fmt.Errorf("account %q: want 12 digits", s.Account))
	}
	for _, c := range []struct {
		name string
		n    int
	}{
		{"roles", s.Roles}, {"users", s.Users}, {"groups", s.Groups}, {"managed policies", s.ManagedPolicies},
		{"functions", s.Functions}, {"instances", s.Instances}, {"buckets", s.Buckets}, {"secrets", s.Secrets},
		{"launch templates", s.LaunchTemplates}, {"glue jobs", s.GlueJobs},
		{"external accounts", s.ExternalAccounts}, {"admins", s.Admins}, {"indent", s.Indent},
	} {
		if c.n < 0 {
			errs = append(errs, fmt.Errorf("%s %d: must not be negative", c.name, c.n))
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{
		{"bucket policy", s.BucketPolicyPercent}, {"distinct policy set", s.DistinctPolicySetPercent},
		{"iam write", s.IAMWritePercent}, {"sts wildcard", s.STSWildcardPercent},
		{"role trust", s.RoleTrustPercent}, {"external id", s.ExternalIDPercent},
		{"deny", s.DenyPercent}, {"resource tag", s.ResourceTagPercent}, {"boundary", s.BoundaryPercent},
	} {
		if !(p.v >= 0 && p.v <= 100) {
			errs = append(errs, fmt.Errorf("%s percent %v: want 0 to 100", p.name, p.v))
		}
	}
	if s.DenyPercent >= 50 {
		errs = append(errs, fmt.Errorf("deny percent %v: want less than 50", s.DenyPercent))
	}
	if s.Principals() == 0 {
		errs = append(errs, errors.New("no principals: want at least one role or user"))
	}
	if s.Admins > s.Principals() {
		errs = append(errs, fmt.Errorf("admins %d: more than the %d principals", s.Admins, s.Principals()))
	}
	if (s.Functions > 0 || s.GlueJobs > 0) && s.Roles == 0 {
		errs = append(errs, errors.New("functions and glue jobs need at least one role to run with"))
	}
	if s.Users > 0 && s.Groups < DenseMinGroups {
		errs = append(errs, fmt.Errorf("groups %d: want at least %d when there are users", s.Groups, DenseMinGroups))
	}
	if s.RoleTrustPercent > 0 && (s.MaxTrustedRoles < 1 || s.MaxTrustedRoles > 10) {
		errs = append(errs, fmt.Errorf("max trusted roles %d: want 1 to 10", s.MaxTrustedRoles))
	}
	trusting, external, human, ci, linked := s.denseRoleCounts()
	if trusting > 0 && s.Roles < 2 {
		errs = append(errs, errors.New("roles trusting roles need at least two roles"))
	}
	if external > 0 && s.ExternalAccounts == 0 {
		errs = append(errs, errors.New("ExternalId trusts need at least one external account"))
	}
	if k := trusting + external + human + ci + linked; k > s.Roles {
		errs = append(errs, fmt.Errorf("role kinds add up to %d roles, more than the %d roles", k, s.Roles))
	}
	p := s.Principals()
	for _, w := range []struct {
		what    string
		percent float64
	}{{"IAM write", s.IAMWritePercent}, {"sts", s.STSWildcardPercent}} {
		if k := max(s.Admins, planted(w.percent, p)); k > p-linked {
			errs = append(errs, fmt.Errorf("%s wildcard holders %d (administrators included): more than the %d principals that can hold them", w.what, k, p-linked))
		}
	}
	if need := s.densePolicyFloor(); s.ManagedPolicies < need {
		errs = append(errs, fmt.Errorf("managed policies %d: this shape needs at least %d", s.ManagedPolicies, need))
	}
	return errors.Join(errs...)
}

// DenseSummary is what WriteAWSDense generated, for tests, benchmarks and
// gen-estate: who holds what, and the shares the knobs ask for.
type DenseSummary struct {
	// Admins have AdministratorAccess attached.
	Admins []string
	// IAMWrite and STSWildcard hold an IAM write wildcard, or sts:*, on
	// "*" (the administrators included).
	IAMWrite, STSWildcard []string
	// PolicySets is the number of distinct combinations of directly
	// attached managed policies; UniquePolicySets the number of principals
	// whose combination no other principal has.
	PolicySets, UniquePolicySets int
	// Statements counts the statements of the customer-managed policies'
	// default versions and of the inline policies; DenyStatements and
	// ResourceTagStatements those that are Deny or carry an
	// aws:ResourceTag condition.
	Statements, DenyStatements, ResourceTagStatements int
	// RoleTrusting roles trust other roles by ARN; ExternalID roles trust
	// an outside account under sts:ExternalId.
	RoleTrusting, ExternalID int
	// Boundaries is the number of principals with a permissions boundary.
	Boundaries int
}

// Files WriteAWSDense writes besides those of WriteAWS.
const (
	SecretsFile                = "secretsmanager-list-secrets.json"
	LaunchTemplatesFile        = "ec2-describe-launch-templates.json"
	LaunchTemplateVersionsFile = "ec2-describe-launch-template-versions.json"
	GlueJobsFile               = "glue-get-jobs.json"
)

// DenseFiles lists the files WriteAWSDense may write, in order.
var DenseFiles = []string{
	GAADFile, LambdaFunctionsFile, EC2InstancesFile, S3BucketsFile, S3BucketPolicyFile,
	SecretsFile, LaunchTemplatesFile, LaunchTemplateVersionsFile, GlueJobsFile,
}

// WriteAWSDense generates the dense account spec describes and writes it
// into dir (created if needed) as an offline directory: gaad.json as
// `aws iam get-account-authorization-details --output json` prints it,
// the resource files of WriteAWS, and secretsmanager-list-secrets.json,
// ec2-describe-launch-templates.json,
// ec2-describe-launch-template-versions.json and glue-get-jobs.json. The
// outputs whose items carry no region (launch templates, Glue jobs) are
// written as "blastradius collect aws --save-dir" writes them: a JSON
// array of per-region outputs, each with "Region" beside its fields.
// Existing files of those names are replaced; nothing else is touched.
func WriteAWSDense(dir string, spec DenseSpec) (DenseSummary, error) {
	e, sum, err := buildDense(spec)
	if err != nil {
		return DenseSummary{}, err
	}
	files := append(e.files(spec.Buckets),
		outFile{SecretsFile, e.secrets, len(e.secrets) == 0},
		outFile{LaunchTemplatesFile, e.templates, len(e.templates) == 0},
		outFile{LaunchTemplateVersionsFile, e.templateVersions, len(e.templateVersions) == 0},
		outFile{GlueJobsFile, e.glueJobs, len(e.glueJobs) == 0},
	)
	if err := writeFiles(dir, spec.Indent, files); err != nil {
		return DenseSummary{}, err
	}
	return sum, nil
}
