package synth

import "fmt"

// principal is a role or a user chosen for a planted finding.
type principal struct {
	role *role
	user *user
}

func (p principal) arn() string {
	if p.role != nil {
		return p.role.Arn
	}
	return p.user.Arn
}

func (p principal) name() string {
	if p.role != nil {
		return p.role.RoleName
	}
	return p.user.UserName
}

func (p principal) attach(pol *policy) {
	if p.role != nil {
		p.role.attach(pol)
		return
	}
	p.user.attach(pol)
}

func (p principal) addInline(ip inlinePolicy) {
	if p.role != nil {
		p.role.RolePolicyList = append(p.role.RolePolicyList, ip)
		return
	}
	p.user.UserPolicyList = append(p.user.UserPolicyList, ip)
}

// split returns how many of n planted principals are roles: the roles'
// share of the principals, rounded.
func (b *builder) split(n int) (roles, users int) {
	if b.s.Principals() == 0 {
		return 0, 0
	}
	roles = int(float64(n)*float64(b.s.Roles)/float64(b.s.Principals()) + 0.5)
	return roles, n - roles
}

// bounded reports whether the principal has a permissions boundary, which
// would cap what a planted policy grants.
func (p principal) bounded() bool {
	if p.role != nil {
		return p.role.PermissionsBoundary != nil
	}
	return p.user.PermissionsBoundary != nil
}

// choose returns n principals not planted yet and without a permissions
// boundary, from the pools in order (each pool shuffled), then from every
// role and user.
func (b *builder) choose(n int, pools ...[]principal) []principal {
	var all []principal
	for _, r := range b.roles {
		if r.kind != kindServiceLinked {
			all = append(all, principal{role: r})
		}
	}
	for _, u := range b.users {
		all = append(all, principal{user: u})
	}
	pools = append(pools, all)
	var out []principal
	for _, pool := range pools {
		pool = append([]principal(nil), pool...)
		b.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		for _, p := range pool {
			if len(out) == n {
				return out
			}
			if !b.taken[p.arn()] && !p.bounded() {
				b.taken[p.arn()] = true
				out = append(out, p)
			}
		}
	}
	return out
}

func rolesOf(rs ...[]*role) []principal {
	var out []principal
	for _, list := range rs {
		for _, r := range list {
			out = append(out, principal{role: r})
		}
	}
	return out
}

func usersOf(us ...[]*user) []principal {
	var out []principal
	for _, list := range us {
		for _, u := range list {
			out = append(out, principal{user: u})
		}
	}
	return out
}

// plant gives the planted principals their findings: administrators,
// self-escalation and PassRole to Lambda.
func (b *builder) plant() {
	p := b.s.Principals()
	b.plantAdmins(planted(b.s.AdminPercent, p))
	b.plantSelfEscalation(planted(b.s.SelfEscalationPercent, p))
	b.plantPassRoleLambda(planted(b.s.PassRoleLambdaPercent, p))
}

func (b *builder) plantAdmins(n int) {
	nr, nu := b.split(n)
	var tails []*role
	for i, c := range b.chains {
		if i%4 == 0 {
			tails = append(tails, c[len(c)-1])
		}
	}
	lambdas := b.choose(min(nr/3, len(b.byKind[kindLambda])), rolesOf(b.byKind[kindLambda]))
	tailPicks := b.choose(min(nr-len(lambdas), len(tails)), rolesOf(tails))
	rest := b.choose(nr-len(lambdas)-len(tailPicks),
		rolesOf(b.byKind[kindHuman], b.byKind[kindCI], b.byKind[kindEC2], b.byKind[kindECS], b.byKind[kindOtherService]))
	for _, pr := range append(append(lambdas, tailPicks...), rest...) {
		if b.r.IntN(10) < 7 {
			pr.attach(b.awsPolicy(pAdministratorAccess))
		} else {
			pr.addInline(inline("admin-access", newDoc(allow(acts("*"), "*").sid("FullAccess"))))
		}
		b.planted.Admins = append(b.planted.Admins, pr.arn())
	}
	for _, pu := range b.choose(nu, usersOf(b.humans), usersOf(b.services)) {
		if pu.user != nil && b.r.IntN(10) < 6 && b.groupBy[gAdmins] != nil {
			b.join(pu.user, b.groupBy[gAdmins])
		} else {
			pu.attach(b.awsPolicy(pAdministratorAccess))
		}
		b.planted.Admins = append(b.planted.Admins, pu.arn())
	}
}

func (b *builder) plantSelfEscalation(n int) {
	nr, nu := b.split(n)
	chosen := append(
		b.choose(nr, rolesOf(b.byKind[kindECS], b.byKind[kindLambda], b.byKind[kindEC2], b.byKind[kindHuman])),
		b.choose(nu, usersOf(b.services, b.humans))...)
	for i, pr := range chosen {
		self := pr.arn()
		switch {
		case i%3 == 2:
			// A policy that can rewrite itself: attached to the principal,
			// it grants iam:CreatePolicyVersion on its own ARN.
			name := b.policyNames.name(pr.name() + "-self-service")
			arn := b.iamARN("policy", "/", name)
			a := b.appFor(pr)
			ss := append(b.appStatements(a, "prod", 1, 0),
				allow(acts("iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:GetPolicy",
					"iam:GetPolicyVersion", "iam:ListPolicyVersions"), arn).sid("ManageOwnPolicy"))
			pol := b.newPolicy(name, "/", "Self-service permissions", []doc{newDoc(ss...)})
			pr.attach(pol)
		case pr.role != nil && i%3 == 0:
			pr.addInline(inline("self-manage", newDoc(
				allow(acts("iam:PutRolePolicy", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:DeleteRolePolicy"), self))))
		case pr.role != nil:
			pr.addInline(inline("self-attach", newDoc(
				allow(acts("iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies"), self))))
		case i%3 == 0:
			pr.addInline(inline("self-manage", newDoc(
				allow(acts("iam:PutUserPolicy", "iam:GetUserPolicy", "iam:ListUserPolicies"), self))))
		default:
			pr.addInline(inline("self-attach", newDoc(
				allow(acts("iam:AttachUserPolicy", "iam:ListAttachedUserPolicies"), self))))
		}
		b.planted.SelfEscalation = append(b.planted.SelfEscalation, self)
	}
}

// appFor returns the app of a planted principal (a role's app, else any).
func (b *builder) appFor(p principal) *app {
	if p.role != nil && p.role.app != nil {
		return p.role.app
	}
	if p.user != nil && p.user.extra["app"] != "" {
		return b.appByName(p.user.extra["app"])
	}
	return b.apps[b.r.IntN(len(b.apps))]
}

func (b *builder) plantPassRoleLambda(n int) {
	nr, nu := b.split(n)
	chosen := append(
		b.choose(nr, rolesOf(b.byKind[kindCI], b.byKind[kindECS], b.byKind[kindLambda], b.byKind[kindEC2])),
		b.choose(nu, usersOf(b.services, b.humans))...)
	lambdas := b.byKind[kindLambda]
	for i, pr := range chosen {
		var pass stmt
		switch {
		case len(lambdas) == 0 || chance(b.r, b.s.BroadPassRolePercent):
			pass = allow(acts("iam:PassRole"), "*")
			if b.r.IntN(10) < 3 {
				pass = pass.with("StringEquals", "iam:PassedToService", "lambda.amazonaws.com")
			}
		case b.r.IntN(2) == 0:
			var arns []string
			for range between(b.r, 1, 3) {
				arns = append(arns, lambdas[b.r.IntN(len(lambdas))].Arn)
			}
			pass = allow(acts("iam:PassRole"), arns...)
			if b.r.IntN(10) < 7 {
				pass = pass.with("StringEquals", "iam:PassedToService", "lambda.amazonaws.com")
			}
		default:
			l := lambdas[b.r.IntN(len(lambdas))]
			pass = allow(acts("iam:PassRole"), fmt.Sprintf("arn:aws:iam::%s:role%s%s-*", b.acct, l.Path, l.app.name))
			if b.r.IntN(10) < 7 {
				pass = pass.with("StringEquals", "iam:PassedToService", "lambda.amazonaws.com")
			}
		}
		functions := "arn:aws:lambda:*:" + b.acct + ":function:*"
		if b.r.IntN(3) == 0 {
			functions = "*"
		}
		run := allow(acts("lambda:CreateFunction", "lambda:InvokeFunction", "lambda:GetFunction", "lambda:UpdateFunctionCode"), functions)
		if b.r.IntN(10) < 3 {
			run = allow(acts("lambda:CreateFunction", "lambda:CreateEventSourceMapping", "lambda:GetFunction"), functions)
		}
		d := newDoc(run.sid("DeployFunctions"), pass.sid("PassExecutionRole"))
		if i%2 == 1 {
			a := b.appFor(pr)
			name := b.policyNames.name("lambda-deployer-" + a.name)
			pr.attach(b.newPolicy(name, "/app/", "Deploy "+a.name+" functions", []doc{d}))
		} else {
			pr.addInline(inline("lambda-deploy", d))
		}
		b.planted.PassRoleLambda = append(b.planted.PassRoleLambda, pr.arn())
	}
}
