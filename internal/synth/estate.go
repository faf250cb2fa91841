package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// roleKind is what a role is for.
type roleKind int

const (
	kindLambda roleKind = iota
	kindECS
	kindEC2
	kindGlue
	kindOtherService
	kindCI
	kindCrossAccount
	kindChain
	kindHuman
	kindServiceLinked
)

// app is an application of the company: it owns roles, buckets and
// customer-managed policies, and belongs to a team.
type app struct {
	name, team string
	policies   []*policy
	roles      []*role
	buckets    []string
}

// Well-known customer-managed policies, created first in every estate.
const (
	wkBaselineLogging = "baseline-logging"
	wkRegionGuard     = "deny-outside-approved-regions"
	wkRequireMFA      = "require-mfa-for-sensitive-actions"
	wkDevBoundary     = "developer-boundary"
	wkWorkloadBound   = "workload-boundary"
	wkDeploy          = "deploy-cicd"
	wkAssumeCI        = "ci-assume-deploy-roles"
	wkSelfCredentials = "self-manage-credentials"
	wkConsoleRead     = "readonly-console"
	wkAuditExtra      = "security-audit-extra"
)

var wellKnownPolicies = []string{
	wkBaselineLogging, wkRegionGuard, wkRequireMFA, wkDevBoundary, wkWorkloadBound,
	wkDeploy, wkAssumeCI, wkSelfCredentials, wkConsoleRead, wkAuditExtra,
}

// Well-known groups, created first in every estate with users.
const (
	gAdmins    = "admins"
	gDeployers = "deployers"
	gDevs      = "developers"
	gReadOnly  = "readonly"
	gAudit     = "security-audit"
	gBilling   = "billing"
)

var wellKnownGroups = [MinGroups]string{gAdmins, gDeployers, gDevs, gReadOnly, gAudit, gBilling}

// Planted holds the ARNs of the principals planted with each finding.
type Planted struct {
	// Admins hold AdministratorAccess or "*" on "*" (directly, inline or
	// through the admins group).
	Admins []string
	// SelfEscalation can raise their own permissions in one IAM call.
	SelfEscalation []string
	// PassRoleLambda can pass a role to a new Lambda function and run it.
	PassRoleLambda []string
}

// estate is a generated account before it is written.
type estate struct {
	gaad      gaad
	functions []lambdaListFunctions // by region, regions order
	instances []ec2DescribeInstances
	buckets   s3ListBuckets
	policies  []s3BucketPolicy
	planted   Planted
}

// builder generates one estate; every random draw comes from r, in a fixed
// order, so that a Spec always gives the same estate.
type builder struct {
	s        Spec
	r        *rand.Rand
	acct     string
	external []string

	roleNames, userNames, groupNames, policyNames, bucketNames *namer

	apps     []*app
	roles    []*role
	users    []*user
	groups   []*group
	policies []*policy // customer-managed, in creation order
	byName   map[string]*policy
	groupBy  map[string]*group
	awsUsed  map[string]*policy // AWS-managed policies attached, by name
	envOf    map[*role]string
	byKind   [kindServiceLinked + 1][]*role
	chains   [][]*role
	taken    map[string]bool // principals already planted
	humans   []*user
	services []*user
	deployer []*user
	planted  Planted
}

// rngStream separates the generator's stream from other uses of the seed.
const rngStream = 0x626c617374726164 // "blastrad"

func newBuilder(s Spec) *builder {
	if s.Account == "" {
		s.Account = DefaultAccount
	}
	return &builder{
		s: s, r: rand.New(rand.NewPCG(uint64(s.Seed), rngStream)), acct: s.Account,
		roleNames: newNamer(), userNames: newNamer(), groupNames: newNamer(), policyNames: newNamer(),
		bucketNames: newNamer(),
		byName:      map[string]*policy{}, groupBy: map[string]*group{}, awsUsed: map[string]*policy{},
		envOf: map[*role]string{}, taken: map[string]bool{},
	}
}

// build generates the whole estate.
func build(s Spec) (*estate, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("synth: invalid spec: %w", err)
	}
	b := newBuilder(s)
	b.externalAccounts()
	b.makeApps()
	b.makeBuckets()
	b.wellKnown()
	b.makeGroups()
	b.makeRoles()
	b.makeUsers()
	b.appPolicies(s.ManagedPolicies - s.policyFloor())
	b.attachRoles()
	b.attachGroups()
	b.attachUsers()
	b.trusts()
	b.plant()
	e := &estate{planted: b.planted}
	b.resources(e)
	b.finish(e)
	return e, nil
}

// policyFloor is the number of customer-managed policies the mix needs:
// the well-known ones and one per planted principal of the kinds that own a
// policy (a third of the self-escalations, half of the PassRole grants).
func (s Spec) policyFloor() int {
	p := s.Principals()
	return len(wellKnownPolicies) + planted(s.SelfEscalationPercent, p)/3 + planted(s.PassRoleLambdaPercent, p)/2
}

func (b *builder) arn(service, region, resource string) string {
	return "arn:aws:" + service + ":" + region + ":" + b.acct + ":" + resource
}

func (b *builder) iamARN(kind, path, name string) string {
	return "arn:aws:iam::" + b.acct + ":" + kind + path + name
}

func (b *builder) region() string { return pick(b.r, regions) }

func (b *builder) root() string { return "arn:aws:iam::" + b.acct + ":root" }

// pretty reports whether a document is saved indented (console, editors)
// rather than compact (Terraform's jsonencode, the CLI).
func (b *builder) pretty() bool { return b.r.IntN(100) < 6 }

func (b *builder) externalAccounts() {
	for len(b.external) < b.s.ExternalAccounts {
		id := fmt.Sprintf("%012d", b.r.Int64N(1e12))
		if id != b.acct && id[0] != '0' {
			b.external = append(b.external, id)
		}
	}
}

func (b *builder) makeApps() {
	n := max(3, b.s.Roles/40)
	names := newNamer()
	for i := range n {
		a := &app{
			name: names.name(pick(b.r, appWords) + "-" + pick(b.r, appSuffixes)),
			team: teams[i%len(teams)],
		}
		b.apps = append(b.apps, a)
	}
}

func (b *builder) makeBuckets() {
	purposes := []string{"data", "uploads", "exports", "logs", "artifacts", "backups", "reports", "assets", "raw", "curated"}
	for i := range b.s.Buckets {
		a := b.apps[i%len(b.apps)]
		name := b.bucketNames.name(a.name + "-" + pick(b.r, envs) + "-" + pick(b.r, purposes))
		a.buckets = append(a.buckets, name)
	}
}

// newPolicy creates a customer-managed policy with its versions (oldest
// first): the last is the default unless rollback is set.
func (b *builder) newPolicy(name, path, description string, versions []doc) *policy {
	created := dateAfter(b.r, epoch)
	p := &policy{
		PolicyName: name, PolicyID: uniqueID(b.r, "ANPA"),
		Arn:  b.iamARN("policy", path, name),
		Path: path, IsAttachable: true, Description: description,
		CreateDate: cliDate(created), docs: versions,
	}
	first := 1 + b.r.IntN(3)
	if len(versions) == 1 {
		first = 1
	}
	def := len(versions) - 1
	if len(versions) > 1 && b.r.IntN(20) == 0 {
		def = len(versions) - 2 // rolled back
	}
	at := created
	for i := range versions {
		if i > 0 {
			at = dateAfter(b.r, at)
		}
		id := fmt.Sprintf("v%d", first+i)
		p.PolicyVersionList = append(p.PolicyVersionList, policyVersion{
			VersionID: id, IsDefaultVersion: i == def, CreateDate: cliDate(at),
		})
		if i == def {
			p.DefaultVersionID = id
		}
	}
	p.UpdateDate = cliDate(at)
	b.policies = append(b.policies, p)
	return p
}

// versions returns one to three versions of a document: earlier versions
// grant a little less (a statement added over time).
func (b *builder) versions(latest []stmt) []doc {
	n := 1
	if b.r.IntN(100) < 15 {
		n = 2 + b.r.IntN(2)
	}
	out := make([]doc, 0, n)
	for i := n - 1; i >= 0; i-- {
		k := max(1, len(latest)-i)
		out = append(out, newDoc(latest[:k]...))
	}
	return out
}

func (b *builder) wellKnown() {
	acct := b.acct
	add := func(name, path, desc string, ss ...stmt) {
		b.byName[name] = b.newPolicy(b.policyNames.name(name), path, desc, b.versions(ss))
	}
	add(wkBaselineLogging, "/", "Logs for every workload",
		allow(acts("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"),
			"arn:aws:logs:*:"+acct+":log-group:*"))
	add(wkRegionGuard, "/guardrails/", "Deny everything outside the approved regions", denials[0](b))
	add(wkRequireMFA, "/guardrails/", "",
		deny(acts("iam:*", "kms:ScheduleKeyDeletion", "s3:DeleteBucket", "ec2:TerminateInstances"), "*").
			with("BoolIfExists", "aws:MultiFactorAuthPresent", "false").sid("DenySensitiveWithoutMFA"))
	add(wkDevBoundary, "/boundaries/", "Permissions boundary for developer-created principals",
		stmt{Effect: "Allow", NotAction: one("iam:*", "organizations:*", "account:*"), Resource: "*"}.sid("AllowAllButIAM"),
		allow(acts("iam:Get*", "iam:List*", "iam:PassRole"), "*").sid("AllowIAMRead"),
		deny(acts("iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"), "*").sid("KeepBoundary"))
	add(wkWorkloadBound, "/boundaries/", "Permissions boundary for workload roles",
		allow(acts("s3:*", "dynamodb:*", "sqs:*", "sns:*", "logs:*", "kms:Decrypt", "kms:GenerateDataKey",
			"secretsmanager:GetSecretValue", "ssm:GetParameter*", "xray:*", "cloudwatch:PutMetricData"), "*"),
		deny(acts("iam:*", "sts:AssumeRole"), "*").sid("NoIAM"))
	add(wkDeploy, "/ci/", "Deploy stacks and ECS services from CI",
		allow(acts("cloudformation:*"), "arn:aws:cloudformation:*:"+acct+":stack/*").sid("Stacks"),
		allow(acts("s3:PutObject", "s3:GetObject", "s3:ListBucket"), "arn:aws:s3:::*-artifacts*", "arn:aws:s3:::*-artifacts*/*"),
		allow(acts("ecs:RegisterTaskDefinition", "ecs:UpdateService", "ecs:DescribeServices", "ecs:DescribeTaskDefinition"), "*"),
		allow(acts("iam:PassRole"), "arn:aws:iam::"+acct+":role/*-ecs-task*").
			with("StringEquals", "iam:PassedToService", "ecs-tasks.amazonaws.com").sid("PassTaskRoles"),
		allow(acts("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
			"ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"), "*"))
	add(wkAssumeCI, "/ci/", "Lets the deployers group assume the CI roles",
		allow(acts("sts:AssumeRole", "sts:TagSession"), "arn:aws:iam::"+acct+":role/ci/*"))
	add(wkSelfCredentials, "/", "",
		allow(acts("iam:ChangePassword", "iam:GetUser", "iam:CreateAccessKey", "iam:DeleteAccessKey",
			"iam:ListAccessKeys", "iam:UpdateAccessKey"), "arn:aws:iam::"+acct+":user/${aws:username}").sid("OwnCredentials"),
		allow(acts("iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ResyncMFADevice", "iam:ListMFADevices"),
			"arn:aws:iam::"+acct+":mfa/${aws:username}", "arn:aws:iam::"+acct+":user/${aws:username}").sid("OwnMFA"))
	add(wkConsoleRead, "/", "Console read access for developers",
		allow(acts("ec2:Describe*", "cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*",
			"logs:Describe*", "logs:Get*", "logs:FilterLogEvents", "ecs:Describe*", "ecs:List*",
			"lambda:List*", "lambda:GetFunctionConfiguration", "cloudformation:Describe*"), "*"))
	add(wkAuditExtra, "/security/", "",
		allow(acts("access-analyzer:*", "guardduty:Get*", "guardduty:List*", "securityhub:Get*",
			"securityhub:List*", "inspector2:List*", "macie2:Get*"), "*"))
}

// awsPolicy returns the AWS-managed policy name, adding it to gaad.json
// the first time.
func (b *builder) awsPolicy(name string) *policy {
	if p := b.awsUsed[name]; p != nil {
		return p
	}
	var m awsManaged
	found := false
	for _, c := range awsManagedCatalog {
		if c.name == name {
			m, found = c, true
		}
	}
	for _, sl := range serviceLinkedRoles {
		if sl.policy == name {
			m, found = serviceLinkedPolicy(sl), true
		}
	}
	if !found {
		panic("synth: unknown AWS-managed policy " + name)
	}
	p := &policy{
		PolicyName: m.name, PolicyID: uniqueID(b.r, "ANPA"), Arn: m.arn(), Path: m.path,
		DefaultVersionID: m.version, IsAttachable: true,
		CreateDate: cliDate(m.created), UpdateDate: cliDate(m.created.Add(24 * time.Hour)),
		PolicyVersionList: []policyVersion{{VersionID: m.version, IsDefaultVersion: true, CreateDate: cliDate(m.created.Add(24 * time.Hour))}},
		docs:              []doc{m.doc}, awsManaged: true,
	}
	b.awsUsed[name] = p
	return p
}

func (r *role) attach(p *policy) {
	if r.attached == nil {
		r.attached = map[string]bool{}
	}
	if r.attached[p.Arn] {
		return
	}
	r.attached[p.Arn] = true
	p.AttachmentCount++
	r.AttachedManagedPolicies = append(r.AttachedManagedPolicies, attachedPolicy{p.PolicyName, p.Arn})
}

func (u *user) attach(p *policy) {
	if u.attached == nil {
		u.attached = map[string]bool{}
	}
	if u.attached[p.Arn] {
		return
	}
	u.attached[p.Arn] = true
	p.AttachmentCount++
	u.AttachedManagedPolicies = append(u.AttachedManagedPolicies, attachedPolicy{p.PolicyName, p.Arn})
}

func (g *group) attach(p *policy) {
	if g.attached == nil {
		g.attached = map[string]bool{}
	}
	if g.attached[p.Arn] {
		return
	}
	g.attached[p.Arn] = true
	p.AttachmentCount++
	g.AttachedManagedPolicies = append(g.AttachedManagedPolicies, attachedPolicy{p.PolicyName, p.Arn})
}

// inline returns an inline policy.
func inline(name string, d doc) inlinePolicy { return inlinePolicy{PolicyName: name, doc: d} }

func (b *builder) makeGroups() {
	if b.s.Groups == 0 {
		return
	}
	names := append([]string(nil), wellKnownGroups[:]...)
	for i := len(names); i < b.s.Groups; i++ {
		if i-len(wellKnownGroups) < len(teams) {
			names = append(names, "team-"+teams[i-len(wellKnownGroups)])
		} else {
			names = append(names, b.apps[(i-len(wellKnownGroups))%len(b.apps)].name+"-maintainers")
		}
	}
	for _, name := range names[:b.s.Groups] {
		name = b.groupNames.name(name)
		path := "/"
		if strings.HasPrefix(name, "team-") || strings.HasSuffix(name, "-maintainers") {
			path = "/teams/"
		}
		g := &group{
			Path: path, GroupName: name, GroupID: uniqueID(b.r, "AGPA"),
			Arn:        b.iamARN("group", path, name),
			CreateDate: cliDate(dateAfter(b.r, epoch)),
		}
		b.groups = append(b.groups, g)
		b.groupBy[name] = g
	}
}

// teamGroups returns the team and maintainer groups.
func (b *builder) teamGroups() []*group {
	if len(b.groups) <= len(wellKnownGroups) {
		return nil
	}
	return b.groups[len(wellKnownGroups):]
}

// groupTeam returns the team of a team or maintainers group.
func (b *builder) groupTeam(g *group) string {
	if t, ok := strings.CutPrefix(g.GroupName, "team-"); ok {
		return t
	}
	name := strings.TrimSuffix(g.GroupName, "-maintainers")
	for _, a := range b.apps {
		if a.name == name {
			return a.team
		}
	}
	return teams[0]
}

func (b *builder) appsOf(team string) []*app {
	var out []*app
	for _, a := range b.apps {
		if a.team == team {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return b.apps
	}
	return out
}

// roleCounts returns how many roles of each special kind the spec asks for.
func (b *builder) roleCounts() (ci, cross, chain, human, linked int) {
	s := b.s
	linked = min(len(serviceLinkedRoles), s.Roles/200)
	return planted(s.CIPercent, s.Roles), planted(s.CrossAccountPercent, s.Roles),
		planted(s.ChainPercent, s.Roles), planted(s.HumanRolePercent, s.Roles), linked
}

func (b *builder) makeRoles() {
	ci, cross, chain, human, linked := b.roleCounts()
	linked = min(linked, b.s.Roles-ci-cross-chain-human)
	kinds := make([]roleKind, 0, b.s.Roles)
	for range ci {
		kinds = append(kinds, kindCI)
	}
	for range cross {
		kinds = append(kinds, kindCrossAccount)
	}
	for range human {
		kinds = append(kinds, kindHuman)
	}
	b.createRoles(kinds, b.s.Roles-chain-linked, linked)
	// Chains: consecutive roles of one app, 2 to MaxChain long.
	for left := chain; left > 0; {
		n := min(left, between(b.r, 2, max(2, b.s.MaxChain)))
		a := b.apps[b.r.IntN(len(b.apps))]
		var c []*role
		for range n {
			c = append(c, b.newRole(kindChain, a))
		}
		b.chains = append(b.chains, c)
		left -= n
	}
}

// createRoles tops kinds up to n with roles of services (40% Lambda, 25%
// ECS, 20% EC2, 7% Glue, 8% other services), shuffles them, creates the
// first linked service-linked roles, then one role of each kind for a
// random app.
func (b *builder) createRoles(kinds []roleKind, n, linked int) {
	for len(kinds) < n {
		switch w := b.r.IntN(100); {
		case w < 40:
			kinds = append(kinds, kindLambda)
		case w < 65:
			kinds = append(kinds, kindECS)
		case w < 85:
			kinds = append(kinds, kindEC2)
		case w < 92:
			kinds = append(kinds, kindGlue)
		default:
			kinds = append(kinds, kindOtherService)
		}
	}
	b.r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	for i := range linked {
		b.serviceLinkedRole(serviceLinkedRoles[i])
	}
	for _, k := range kinds {
		b.newRole(k, b.apps[b.r.IntN(len(b.apps))])
	}
}

func (b *builder) serviceLinkedRole(sl serviceLinked) {
	path := "/aws-service-role/" + sl.service + "/"
	r := &role{
		Path: path, RoleName: sl.name, RoleID: uniqueID(b.r, "AROA"),
		Arn: b.iamARN("role", path, sl.name), CreateDate: cliDate(dateAfter(b.r, epoch)),
		kind: kindServiceLinked, trust: trustDoc(map[string]any{"Service": sl.service}),
	}
	r.RoleLastUsed = b.lastUsed()
	r.attach(b.awsPolicy(sl.policy))
	b.roles = append(b.roles, r)
	b.byKind[kindServiceLinked] = append(b.byKind[kindServiceLinked], r)
}

func (b *builder) lastUsed() roleLastUsed {
	if b.r.IntN(4) == 0 {
		return roleLastUsed{}
	}
	at := exportTime.Add(-time.Duration(b.r.Int64N(int64(90*24*time.Hour/time.Second))) * time.Second)
	return roleLastUsed{LastUsedDate: cliDate(at), Region: b.region()}
}

var (
	lambdaParts = []string{"handler", "processor", "consumer", "api", "cron", "resizer", "notifier", "sync", "exporter", "authorizer"}
	vendors     = []string{"datadog", "snyk", "wiz", "lacework", "splunk", "sumo", "orca", "vanta", "drata", "newrelic"}
	roleLevels  = []string{"developer", "readonly", "operator", "poweruser", "oncall", "analyst"}
)

func (b *builder) newRole(k roleKind, a *app) *role {
	env := pick(b.r, envs)
	path := "/"
	var name string
	switch k {
	case kindLambda:
		if b.r.IntN(4) == 0 {
			path = "/service-role/"
			name = fmt.Sprintf("%s-%s-role-%s", a.name, pick(b.r, lambdaParts), strings.ToLower(uniqueID(b.r, "")[:8]))
		} else {
			name = fmt.Sprintf("%s-%s-%s-lambda", a.name, env, pick(b.r, lambdaParts))
		}
	case kindECS:
		name = fmt.Sprintf("%s-%s-ecs-task%s", a.name, env, pick(b.r, []string{"", "-role", "-execution"}))
	case kindEC2:
		name = fmt.Sprintf("%s-%s-ec2-%s", a.name, env, pick(b.r, []string{"role", "instance", "node", "worker"}))
	case kindGlue:
		path = "/service-role/"
		name = fmt.Sprintf("AWSGlueServiceRole-%s-%s", a.name, env)
	case kindOtherService:
		switch b.r.IntN(3) {
		case 0:
			name = fmt.Sprintf("%s-%s-sfn-role", a.name, env)
		case 1:
			path = "/service-role/"
			name = fmt.Sprintf("codebuild-%s-%s-service-role", a.name, env)
		default:
			name = fmt.Sprintf("%s-%s-events-role", a.name, env)
		}
	case kindCI:
		path = "/ci/"
		name = fmt.Sprintf("%s-deploy-%s", a.name, env)
		if b.r.IntN(3) == 0 {
			name = "github-actions-" + a.name
		}
	case kindCrossAccount:
		path = "/cross-account/"
		name = fmt.Sprintf("%s-integration", pick(b.r, vendors))
	case kindChain:
		name = fmt.Sprintf("%s-%s-%s", a.name, env, pick(b.r, []string{"automation", "ops", "data-access", "migration", "break-glass", "support"}))
	case kindHuman:
		path = "/teams/"
		name = fmt.Sprintf("%s-%s", a.team, pick(b.r, roleLevels))
	}
	name = b.roleNames.name(name)
	r := &role{
		Path: path, RoleName: name, RoleID: uniqueID(b.r, "AROA"),
		Arn: b.iamARN("role", path, name), CreateDate: cliDate(dateAfter(b.r, epoch)),
		kind: k, app: a,
	}
	r.RoleLastUsed = b.lastUsed()
	if b.r.IntN(100) < 35 {
		r.Tags = []tag{{"team", a.team}, {"env", env}}
		if b.r.IntN(2) == 0 {
			r.Tags = append(r.Tags, tag{"app", a.name})
		}
	}
	if k == kindEC2 {
		r.InstanceProfileList = []instanceProfile{{
			Path: "/", InstanceProfileName: name, InstanceProfileID: uniqueID(b.r, "AIPA"),
			Arn: b.iamARN("instance-profile", "/", name), CreateDate: r.CreateDate,
		}}
	}
	a.roles = append(a.roles, r)
	b.envOf[r] = env
	b.roles = append(b.roles, r)
	b.byKind[k] = append(b.byKind[k], r)
	return r
}

func (b *builder) makeUsers() {
	paths := []string{"/", "/engineering/", "/data/", "/ops/", "/contractors/"}
	teamGroups := b.teamGroups()
	for i := range b.s.Users {
		var u *user
		if i%7 == 6 { // one user in seven is a service user
			a := b.apps[b.r.IntN(len(b.apps))]
			name := b.userNames.name(fmt.Sprintf("svc-%s-%s", a.name, pick(b.r, []string{"uploader", "exporter", "sync", "reporting", "backup"})))
			if b.r.IntN(3) == 0 {
				name = b.userNames.name(fmt.Sprintf("ci-%s-%s", pick(b.r, []string{"jenkins", "gitlab", "circleci", "buildkite"}), a.name))
			}
			u = b.newUser("/service-accounts/", name)
			u.Tags = []tag{{"team", a.team}, {"purpose", "automation"}}
			u.extra = map[string]string{"app": a.name, "team": a.team}
			b.services = append(b.services, u)
			if strings.HasPrefix(name, "ci-") {
				b.deployer = append(b.deployer, u)
			}
		} else {
			name := b.userNames.name(pick(b.r, firstNames) + "." + pick(b.r, lastNames))
			u = b.newUser(pick(b.r, paths), name)
			team := pick(b.r, teams)
			var tg *group
			if len(teamGroups) > 0 {
				tg = teamGroups[b.r.IntN(len(teamGroups))]
				team = b.groupTeam(tg)
			}
			u.Tags = []tag{{"team", team}}
			if b.r.IntN(2) == 0 {
				u.Tags = append(u.Tags, tag{"cost-center", fmt.Sprintf("cc-%04d", 1000+b.r.IntN(40))})
			}
			u.extra = map[string]string{"team": team}
			if tg != nil {
				b.join(u, tg)
			}
			b.humans = append(b.humans, u)
		}
		b.users = append(b.users, u)
	}
}

func (b *builder) newUser(path, name string) *user {
	return &user{
		Path: path, UserName: name, UserID: uniqueID(b.r, "AIDA"),
		Arn: b.iamARN("user", path, name), CreateDate: cliDate(dateAfter(b.r, epoch)),
		UserPolicyList: []inlinePolicy{}, GroupList: []string{}, AttachedManagedPolicies: []attachedPolicy{},
	}
}

// join adds u to g once.
func (b *builder) join(u *user, g *group) {
	if u.groups == nil {
		u.groups = map[string]bool{}
	}
	if g == nil || u.groups[g.GroupName] {
		return
	}
	u.groups[g.GroupName] = true
	u.GroupList = append(u.GroupList, g.GroupName)
}

// appPolicies creates n ordinary customer-managed policies, spread over the
// apps in turn, each for one environment.
func (b *builder) appPolicies(n int) {
	kinds := []string{"access", "runtime", "data", "read", "write", "service", "app"}
	for i := range n {
		a := b.apps[i%len(b.apps)]
		env := pick(b.r, envs)
		ss := b.appStatements(a, env, pick(b.r, []int{1, 1, 2, 2, 3}), b.s.DenyPercent)
		for len(ss) == 0 {
			ss = b.appStatements(a, env, 1, 0)
		}
		path := pick(b.r, []string{"/", "/", "/app/", "/" + a.team + "/"})
		name := b.policyNames.name(fmt.Sprintf("%s-%s-%s", a.name, env, pick(b.r, kinds)))
		p := b.newPolicy(name, path, "", b.versions(ss))
		a.policies = append(a.policies, p)
	}
}

// appPolicy returns one of a's policies (nil when it has none).
func (b *builder) appPolicy(a *app) *policy {
	if a == nil || len(a.policies) == 0 {
		return nil
	}
	return a.policies[b.r.IntN(len(a.policies))]
}

// attachedCount returns how many managed policies a role has: one to
// four, mostly one or two.
func (b *builder) attachedCount() int {
	switch w := b.r.IntN(100); {
	case w < 45:
		return 1
	case w < 80:
		return 2
	case w < 94:
		return 3
	}
	return 4
}

// inlineFor returns 0 to 2 inline policies of ordinary permissions of a.
func (b *builder) inlineFor(a *app, env string) []inlinePolicy {
	n := 0
	switch w := b.r.IntN(100); {
	case w < 27:
		n = 1
	case w < 35:
		n = 2
	}
	out := make([]inlinePolicy, 0, n)
	for i := range n {
		ss := b.appStatements(a, env, 1, b.s.DenyPercent/2)
		if len(ss) == 0 {
			continue
		}
		out = append(out, inline(fmt.Sprintf("%s-inline-%d", pick(b.r, []string{"access", "runtime", "extra", "temp", "app"}), i+1), newDoc(ss...)))
	}
	return out
}

func (b *builder) attachRoles() {
	for _, r := range b.roles {
		if r.kind == kindServiceLinked {
			continue
		}
		env := b.envOf[r]
		total := b.attachedCount()
		switch r.kind {
		case kindLambda:
			if b.r.IntN(6) == 0 {
				r.attach(b.awsPolicy(pLambdaVPC))
			} else {
				r.attach(b.awsPolicy(pLambdaBasic))
			}
		case kindECS:
			if strings.HasSuffix(r.RoleName, "-execution") {
				r.attach(b.awsPolicy(pECSTaskExecution))
			} else {
				r.attach(b.byName[wkBaselineLogging])
			}
		case kindEC2:
			if b.r.IntN(10) < 7 {
				r.attach(b.awsPolicy(pSSMCore))
			} else {
				r.attach(b.awsPolicy(pCloudWatchAgent))
			}
		case kindGlue:
			r.attach(b.awsPolicy(pGlueService))
		case kindCI:
			r.attach(b.byName[wkDeploy])
			if b.r.IntN(3) == 0 {
				r.attach(b.awsPolicy(pCodeBuildDeveloperAccess))
			}
		case kindCrossAccount:
			switch b.r.IntN(10) {
			case 0, 1, 2, 3, 4:
				r.attach(b.awsPolicy(pSecurityAudit))
			case 5, 6, 7:
				r.attach(b.awsPolicy(pReadOnlyAccess))
			default:
				total = 0
			}
		case kindHuman:
			switch b.r.IntN(10) {
			case 0:
				r.attach(b.awsPolicy(pPowerUserAccess))
			case 1, 2:
				r.attach(b.awsPolicy(pReadOnlyAccess))
			case 3:
				r.attach(b.awsPolicy(pDynamoDBReadOnly))
			}
		case kindOtherService, kindChain:
			if b.r.IntN(2) == 0 {
				r.attach(b.byName[wkBaselineLogging])
			}
		}
		for len(r.AttachedManagedPolicies) < total {
			p := b.appPolicy(r.app)
			if p == nil || r.attached[p.Arn] {
				break
			}
			r.attach(p)
		}
		if r.kind == kindCrossAccount && len(r.AttachedManagedPolicies) == 0 {
			r.RolePolicyList = append(r.RolePolicyList, inline("vendor-read", newDoc(families[0].stmts(b, r.app, env)...)))
		}
		if len(r.AttachedManagedPolicies) == 0 && len(r.RolePolicyList) == 0 {
			r.attach(b.byName[wkBaselineLogging])
		}
		r.RolePolicyList = append(r.RolePolicyList, b.inlineFor(r.app, env)...)
		if (r.kind == kindLambda || r.kind == kindECS || r.kind == kindEC2) && b.r.IntN(12) == 0 {
			bd := b.byName[wkWorkloadBound]
			r.PermissionsBoundary = &boundary{"Policy", bd.Arn}
			bd.PermissionsBoundaryUsageCount++
		}
		if r.kind == kindCI {
			r.RolePolicyList = append(r.RolePolicyList, inline("deploy-"+r.app.name, newDoc(
				allow(acts("cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet", "cloudformation:DescribeStacks"),
					"arn:aws:cloudformation:*:"+b.acct+":stack/"+r.app.name+"-*/*"),
				allow(acts("iam:PassRole"), "arn:aws:iam::"+b.acct+":role/"+r.app.name+"-*").
					with("StringEquals", "iam:PassedToService", "cloudformation.amazonaws.com"),
			)))
		}
	}
	// The last role of each chain holds the data the chain leads to.
	for _, c := range b.chains {
		tail := c[len(c)-1]
		bucket := fmt.Sprintf("arn:aws:s3:::%s-*", tail.app.name)
		tail.RolePolicyList = append(tail.RolePolicyList, inline("data-admin", newDoc(
			allow(acts("s3:*"), bucket, bucket+"/*"),
			allow(acts("dynamodb:*"), b.arn("dynamodb", "*", "table/"+tail.app.name+"-*")),
		)))
		for i, r := range c[:len(c)-1] {
			r.RolePolicyList = append(r.RolePolicyList, inline("assume-next-hop", newDoc(
				allow(acts("sts:AssumeRole"), c[i+1].Arn))))
		}
	}
}

func (b *builder) attachGroups() {
	for _, g := range b.groups {
		switch g.GroupName {
		case gAdmins:
			g.attach(b.awsPolicy(pAdministratorAccess))
		case gDeployers:
			g.attach(b.byName[wkAssumeCI])
			g.GroupPolicyList = append(g.GroupPolicyList, inline("deploy-artifacts", newDoc(
				allow(acts("s3:PutObject", "s3:GetObject"), "arn:aws:s3:::*-artifacts*/*").
					with("IpAddress", "aws:SourceIp", corporateCIDRs[0], corporateCIDRs[1]))))
		case gDevs:
			g.attach(b.byName[wkSelfCredentials])
			g.attach(b.byName[wkConsoleRead])
			g.attach(b.byName[wkRequireMFA])
			g.attach(b.awsPolicy(pChangePassword))
		case gReadOnly:
			g.attach(b.awsPolicy(pReadOnlyAccess))
		case gAudit:
			g.attach(b.awsPolicy(pSecurityAudit))
			g.attach(b.byName[wkAuditExtra])
		case gBilling:
			g.attach(b.awsPolicy(pBilling))
		default:
			team := b.groupTeam(g)
			apps := b.appsOf(team)
			for range between(b.r, 1, 3) {
				if p := b.appPolicy(apps[b.r.IntN(len(apps))]); p != nil {
					g.attach(p)
				}
			}
			if b.r.IntN(5) == 0 {
				g.attach(b.byName[wkRegionGuard])
			}
			g.GroupPolicyList = append(g.GroupPolicyList, inline("assume-team-roles", newDoc(
				allow(acts("sts:AssumeRole"), "arn:aws:iam::"+b.acct+":role/teams/"+team+"-*").
					with("StringEquals", "aws:PrincipalTag/team", team).
					with("Bool", "aws:MultiFactorAuthPresent", "true"))))
		}
	}
}

func (b *builder) attachUsers() {
	for _, u := range b.humans {
		switch w := b.r.IntN(100); {
		case w < 60:
			b.join(u, b.groupBy[gDevs])
		case w < 68:
			b.join(u, b.groupBy[gReadOnly])
		case w < 70:
			b.join(u, b.groupBy[gAudit])
		case w < 72:
			b.join(u, b.groupBy[gBilling])
		}
		if len(u.GroupList) == 0 {
			b.join(u, b.groupBy[gDevs])
		}
		if b.r.IntN(20) == 0 {
			u.attach(b.awsPolicy(pChangePassword))
		}
		if b.r.IntN(12) == 0 {
			a := b.appsOf(u.extra["team"])
			ss := b.appStatements(a[b.r.IntN(len(a))], pick(b.r, envs), 1, 0)
			for i := range ss {
				if ss[i].Effect == "Allow" {
					ss[i] = ss[i].with("IpAddress", "aws:SourceIp", pick(b.r, corporateCIDRs))
				}
			}
			u.UserPolicyList = append(u.UserPolicyList, inline("office-only-access", newDoc(ss...)))
		}
		if u.Path == "/contractors/" {
			bd := b.byName[wkDevBoundary]
			u.PermissionsBoundary = &boundary{"Policy", bd.Arn}
			bd.PermissionsBoundaryUsageCount++
		}
	}
	for _, u := range b.services {
		a := b.appByName(u.extra["app"])
		if strings.HasPrefix(u.UserName, "ci-") {
			b.join(u, b.groupBy[gDeployers])
		}
		ss := b.appStatements(a, "prod", between(b.r, 1, 2), 0)
		for i := range ss {
			if ss[i].Effect == "Allow" && b.r.IntN(10) < 6 {
				ss[i] = ss[i].with("IpAddress", "aws:SourceIp", pick(b.r, corporateCIDRs))
			}
		}
		if len(ss) > 0 {
			u.UserPolicyList = append(u.UserPolicyList, inline(a.name+"-automation", newDoc(ss...)))
		}
		if b.r.IntN(10) < 3 {
			if p := b.appPolicy(a); p != nil {
				u.attach(p)
			}
		}
	}
}

func (b *builder) appByName(name string) *app {
	for _, a := range b.apps {
		if a.name == name {
			return a
		}
	}
	return b.apps[0]
}

// serviceTrust is the service principal of each service role kind.
func serviceTrust(r *role) string {
	switch r.kind {
	case kindLambda:
		return "lambda.amazonaws.com"
	case kindECS:
		return "ecs-tasks.amazonaws.com"
	case kindEC2:
		return "ec2.amazonaws.com"
	case kindGlue:
		return "glue.amazonaws.com"
	}
	switch {
	case strings.HasSuffix(r.RoleName, "-sfn-role"):
		return "states.amazonaws.com"
	case strings.HasPrefix(r.RoleName, "codebuild-"):
		return "codebuild.amazonaws.com"
	}
	return "events.amazonaws.com"
}

func (b *builder) trusts() {
	githubOIDC := "arn:aws:iam::" + b.acct + ":oidc-provider/token.actions.githubusercontent.com"
	for _, r := range b.roles {
		switch r.kind {
		case kindServiceLinked:
		case kindLambda, kindECS, kindEC2, kindGlue, kindOtherService:
			if b.r.IntN(5) == 0 {
				r.trust = trustDoc(map[string]any{"Service": serviceTrust(r)}, func(s stmt) stmt {
					return s.with("StringEquals", "aws:SourceAccount", b.acct)
				})
			} else {
				r.trust = trustDoc(map[string]any{"Service": serviceTrust(r)})
			}
		case kindCI:
			switch w := b.r.IntN(100); {
			case w < 20:
				r.trust = newDoc(stmt{Effect: "Allow", Principal: map[string]any{"Federated": githubOIDC},
					Action: "sts:AssumeRoleWithWebIdentity"}.
					with("StringEquals", "token.actions.githubusercontent.com:aud", "sts.amazonaws.com").
					with("StringLike", "token.actions.githubusercontent.com:sub", "repo:example-corp/"+r.app.name+":*"))
			case w < 45 && len(b.deployer) > 0:
				var arns []string
				for range between(b.r, 1, 2) {
					arns = append(arns, b.deployer[b.r.IntN(len(b.deployer))].Arn)
				}
				if len(arns) == 2 && arns[0] == arns[1] {
					arns = arns[:1]
				}
				r.trust = trustDoc(map[string]any{"AWS": one(arns...)})
			default:
				r.trust = trustDoc(map[string]any{"AWS": b.root()}, func(s stmt) stmt {
					return s.with("StringEquals", "aws:PrincipalTag/role", "deployer")
				})
				if b.r.IntN(2) == 0 {
					r.trust = trustDoc(map[string]any{"AWS": b.root()})
				}
			}
		case kindCrossAccount:
			ext := b.external[b.r.IntN(len(b.external))]
			r.trust = trustDoc(map[string]any{"AWS": "arn:aws:iam::" + ext + ":root"}, func(s stmt) stmt {
				return s.with("StringEquals", "sts:ExternalId", hexString(b.r, 24))
			})
		case kindHuman:
			r.trust = trustDoc(map[string]any{"AWS": b.root()}, func(s stmt) stmt {
				return s.with("Bool", "aws:MultiFactorAuthPresent", "true")
			})
		}
	}
	for _, c := range b.chains {
		head := c[0]
		switch w := b.r.IntN(10); {
		case w < 4 && len(b.humans) > 0:
			head.trust = trustDoc(map[string]any{"AWS": b.humans[b.r.IntN(len(b.humans))].Arn})
		case w < 7 && len(b.byKind[kindCI]) > 0:
			head.trust = trustDoc(map[string]any{"AWS": b.byKind[kindCI][b.r.IntN(len(b.byKind[kindCI]))].Arn})
		default:
			head.trust = trustDoc(map[string]any{"AWS": b.root()}, func(s stmt) stmt {
				return s.with("Bool", "aws:MultiFactorAuthPresent", "true")
			})
		}
		for i, r := range c[1:] {
			r.trust = trustDoc(map[string]any{"AWS": c[i].Arn})
		}
	}
}
