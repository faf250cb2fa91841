package synth

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Well-known customer-managed policies of the dense shape only.
const wkProtectPaths = "deny-iam-on-protected-paths"

var denseWellKnown = []string{wkProtectPaths}

func (db *denseBuilder) wellKnownDense() {
	acct := db.acct
	db.byName[wkProtectPaths] = db.newPolicy(db.policyNames.name(wkProtectPaths), "/guardrails/",
		"No IAM changes to cross-account, team and service-account principals",
		[]doc{newDoc(deny(acts("iam:*"), "arn:aws:iam::"+acct+":role/cross-account/*",
			"arn:aws:iam::"+acct+":role/teams/*", "arn:aws:iam::"+acct+":user/service-accounts/*").sid("ProtectPaths"))})
}

// iamWildcards are the IAM write grants on "*" of the badly run account:
// each holds iam:*, iam:Put*, iam:Create* or iam:Update*.
var iamWildcards = [][]string{
	{"iam:*"},
	{"iam:Put*", "iam:Attach*", "iam:Get*", "iam:List*"},
	{"iam:Create*", "iam:Put*", "iam:Update*", "iam:PassRole"},
	{"iam:Update*", "iam:Tag*", "iam:Get*", "iam:List*"},
	{"iam:Create*", "iam:Delete*", "iam:List*"},
	{"iam:*", "s3:*", "cloudformation:*"},
	{"iam:Put*", "iam:Create*"},
}

// stsWildcards are the sts:* grants on "*".
var stsWildcards = [][]string{
	{"sts:*"},
	{"sts:*", "kms:Decrypt"},
	{"sts:*", "ec2:Describe*", "tag:GetResources"},
}

// iamWildcard returns the i-th IAM write grant on "*" (modulo the list),
// sometimes with a statement id.
func iamWildcard(r *rand.Rand, i int) stmt {
	s := allow(iamWildcards[i%len(iamWildcards)], "*")
	if r.IntN(2) == 0 {
		s.Sid = pick(r, []string{"IAMManagement", "ManageRoles", "PlatformIAM", "Provisioning"})
	}
	return s
}

// stsWildcard returns the i-th sts:* grant on "*" (modulo the list).
func stsWildcard(r *rand.Rand, i int) stmt {
	s := allow(stsWildcards[i%len(stsWildcards)], "*")
	if r.IntN(2) == 0 {
		s.Sid = pick(r, []string{"AssumeAnything", "STS", "CrossAccount"})
	}
	return s
}

// isWildcardGrant reports whether s grants "*", an IAM write wildcard or
// sts:* on "*": the statements the shares of the summary count, which the
// generator never puts a condition on.
func isWildcardGrant(s stmt) bool {
	if s.Effect != "Allow" || s.Resource != "*" {
		return false
	}
	var actions []string
	switch a := s.Action.(type) {
	case string:
		actions = []string{a}
	case []string:
		actions = a
	}
	for _, a := range actions {
		switch a {
		case "*", "iam:*", "iam:Put*", "iam:Create*", "iam:Update*", "sts:*":
			return true
		}
	}
	return false
}

// appPrefix returns the first word of an app's name, for StringLike
// patterns ("orders-api" gives "orders").
func appPrefix(a *app) string {
	name, _, _ := strings.Cut(a.name, "-")
	return name
}

// abacFamilies are permission families written for attribute-based
// access: each statement carries an aws:ResourceTag condition on a tag the
// resources, roles or users of the estate carry.
var abacFamilies = []family{
	{"ec2-by-tag", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"),
			"arn:aws:ec2:*:"+b.acct+":instance/*").with("StringEquals", "aws:ResourceTag/team", a.team)}
	}},
	{"secrets-by-tag", func(b *builder, a *app, env string) []stmt {
		s := allow(acts("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
			"arn:aws:secretsmanager:*:"+b.acct+":secret:*")
		if b.r.IntN(2) == 0 {
			return []stmt{s.with("StringEquals", "aws:ResourceTag/env", env)}
		}
		return []stmt{s.with("StringLike", "aws:ResourceTag/app", appPrefix(a)+"-*")}
	}},
	{"assume-by-tag", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("sts:AssumeRole"), "arn:aws:iam::"+b.acct+":role/*").
			with("StringEquals", "aws:ResourceTag/team", a.team)}
	}},
	{"passrole-by-tag", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("iam:PassRole", "iam:GetRole"), "arn:aws:iam::"+b.acct+":role/*").
			with("StringLike", "aws:ResourceTag/app", appPrefix(a)+"-*")}
	}},
	{"users-by-tag", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("iam:CreateAccessKey", "iam:ListAccessKeys", "iam:UpdateLoginProfile"),
			"arn:aws:iam::"+b.acct+":user/*").with("StringEquals", "aws:ResourceTag/team", a.team)}
	}},
	{"templates-by-tag", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DescribeLaunchTemplateVersions"),
			"arn:aws:ec2:*:"+b.acct+":launch-template/*").with("StringEquals", "aws:ResourceTag/env", env)}
	}},
}

// statements returns the statements of n permission families for app a in
// env: the standard shape's families, and one pick in fourteen an
// attribute-based one. No Deny and no other condition: denyAndTag adds
// them to the whole estate at the shares the spec asks for.
func (db *denseBuilder) statements(a *app, env string, n int) []stmt {
	var out []stmt
	seen := make([]bool, len(families)+len(abacFamilies))
	for range n {
		i := db.r.IntN(len(families))
		if db.r.IntN(14) == 0 {
			i = len(families) + db.r.IntN(len(abacFamilies))
		}
		if seen[i] {
			continue
		}
		seen[i] = true
		if i < len(families) {
			out = append(out, families[i].stmts(db.builder, a, env)...)
		} else {
			out = append(out, abacFamilies[i-len(families)].stmts(db.builder, a, env)...)
		}
	}
	return out
}

// hasResourceTag reports whether s carries an aws:ResourceTag condition.
func hasResourceTag(s stmt) bool {
	for _, keys := range s.Condition {
		for k := range keys {
			if strings.HasPrefix(k, "aws:ResourceTag/") {
				return true
			}
		}
	}
	return false
}

// identityDocs returns the statement lists the shares are counted over:
// the default versions of the customer-managed policies, then the inline
// policies of roles, users and groups.
func (db *denseBuilder) identityDocs() []*[]stmt {
	var docs []*[]stmt
	for _, p := range db.policies {
		for i, v := range p.PolicyVersionList {
			if v.IsDefaultVersion {
				docs = append(docs, &p.docs[i].Statement)
			}
		}
	}
	for _, r := range db.roles {
		for i := range r.RolePolicyList {
			docs = append(docs, &r.RolePolicyList[i].doc.Statement)
		}
	}
	for _, u := range db.users {
		for i := range u.UserPolicyList {
			docs = append(docs, &u.UserPolicyList[i].doc.Statement)
		}
	}
	for _, g := range db.groups {
		for i := range g.GroupPolicyList {
			docs = append(docs, &g.GroupPolicyList[i].doc.Statement)
		}
	}
	return docs
}

// countStatements returns the number of statements of docs, of Deny
// statements and of statements under an aws:ResourceTag condition.
func countStatements(docs []*[]stmt) (total, denies, tagged int) {
	for _, d := range docs {
		for _, s := range *d {
			total++
			if s.Effect == "Deny" {
				denies++
			}
			if hasResourceTag(s) {
				tagged++
			}
		}
	}
	return total, denies, tagged
}

// denyAndTag brings the shares of Deny statements and of aws:ResourceTag
// conditions to the spec's: it adds Deny statements of several shapes to
// random policies, then puts aws:ResourceTag conditions on random
// unconditioned Allow statements (never on a wildcard grant).
func (db *denseBuilder) denyAndTag() {
	docs := db.identityDocs()
	if len(docs) == 0 {
		return
	}
	total, denies, _ := countStatements(docs)
	p := db.d.DenyPercent / 100
	for range max(0, int(math.Round((p*float64(total)-float64(denies))/(1-p)))) {
		d := docs[db.r.IntN(len(docs))]
		*d = insertAt(db.r, slices.Clip(*d), db.denyStatement())
	}
	total, _, tagged := countStatements(docs)
	want := int(math.Round(db.d.ResourceTagPercent*float64(total)/100)) - tagged
	if want <= 0 {
		return
	}
	type place struct{ doc, stmt int }
	var eligible []place
	for i, d := range docs {
		for j, s := range *d {
			if s.Effect == "Allow" && s.Condition == nil && !isWildcardGrant(s) {
				eligible = append(eligible, place{i, j})
			}
		}
	}
	db.r.Shuffle(len(eligible), func(i, j int) { eligible[i], eligible[j] = eligible[j], eligible[i] })
	for _, at := range eligible[:min(want, len(eligible))] {
		d := *docs[at.doc]
		d[at.stmt] = db.tagCondition(d[at.stmt])
	}
}

// tagKeys are the tag keys aws:ResourceTag conditions test.
var tagKeys = []string{"team", "env", "app", "classification"}

// tagCondition returns s under an aws:ResourceTag condition on one of
// tagKeys: StringEquals a value the estate uses, or StringLike a pattern
// that matches some of them.
func (db *denseBuilder) tagCondition(s stmt) stmt {
	r := db.r
	key := pick(r, tagKeys)
	like := r.IntN(100) < 35
	var values []string
	switch key {
	case "team":
		t := pick(r, teams)
		if like {
			values = []string{t[:min(3, len(t))] + "*"}
		} else {
			values = []string{t}
			if r.IntN(5) == 0 {
				values = append(values, pick(r, teams))
			}
		}
	case "env":
		if like {
			values = []string{pick(r, []string{"prod*", "dev*", "stag*", "test*"})}
		} else {
			values = []string{pick(r, envs)}
			if r.IntN(4) == 0 {
				values = append(values, pick(r, envs))
			}
		}
	case "app":
		a := db.apps[r.IntN(len(db.apps))]
		values = []string{a.name}
		if like {
			values = []string{appPrefix(a) + "-*"}
		}
	default:
		if like {
			values = []string{pick(r, []string{"conf*", "restrict*", "*al", "int*"})}
		} else {
			values = []string{pick(r, classifications)}
		}
	}
	if len(values) == 2 && values[0] == values[1] {
		values = values[:1]
	}
	op := "StringEquals"
	if like {
		op = "StringLike"
	}
	return s.with(op, "aws:ResourceTag/"+key, values...)
}

// protectedPaths are the IAM paths Deny statements protect.
var protectedPaths = []string{"role/cross-account/*", "role/teams/*", "role/ci/*", "user/service-accounts/*", "user/contractors/*", "policy/guardrails/*"}

// denyStatement returns a Deny statement of one of the shapes a badly run
// account collects: a region guard with NotAction, Deny iam:* on a path,
// Deny on named resources, Deny of destructive actions or without MFA,
// Deny on tagged resources.
func (db *denseBuilder) denyStatement() stmt {
	r, acct := db.r, db.acct
	switch w := r.IntN(100); {
	case w < 20:
		return denials[0](db.builder)
	case w < 38:
		var res []string
		for range between(r, 1, 2) {
			res = append(res, "arn:aws:iam::"+acct+":"+pick(r, protectedPaths))
		}
		if len(res) == 2 && res[0] == res[1] {
			res = res[:1]
		}
		return deny(acts("iam:*"), res...).sid("ProtectPrivilegedPaths")
	case w < 62:
		return db.denyNamed()
	case w < 82:
		return denials[1+r.IntN(len(denials)-1)](db.builder)
	}
	switch r.IntN(3) {
	case 0:
		return deny(acts("ec2:TerminateInstances", "ec2:StopInstances"), "arn:aws:ec2:*:"+acct+":instance/*").
			with("StringEquals", "aws:ResourceTag/env", "prod").sid("KeepProdRunning")
	case 1:
		return deny(acts("secretsmanager:GetSecretValue", "secretsmanager:DeleteSecret"), "*").
			with("StringLike", "aws:ResourceTag/classification", "restrict*").sid("NoRestrictedSecrets")
	}
	return deny(acts("iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy"), "arn:aws:iam::"+acct+":role/*").
		with("StringEquals", "aws:ResourceTag/classification", "restricted").sid("KeepRestrictedRoles")
}

// denyNamed returns a Deny on resources named by ARN: a bucket, a secret,
// a role, or an app's production functions.
func (db *denseBuilder) denyNamed() stmt {
	r := db.r
	switch r.IntN(4) {
	case 0:
		if a := db.apps[r.IntN(len(db.apps))]; len(a.buckets) > 0 {
			name := a.buckets[r.IntN(len(a.buckets))]
			return deny(acts("s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteObject"),
				"arn:aws:s3:::"+name, "arn:aws:s3:::"+name+"/*").sid("ProtectBucket")
		}
	case 1:
		if len(db.secrets) > 0 {
			s := db.secrets[r.IntN(len(db.secrets))]
			return deny(acts("secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"), s.arn).sid("ProtectSecret")
		}
	case 2:
		if len(db.roles) > 0 {
			role := db.roles[r.IntN(len(db.roles))]
			return deny(acts("sts:AssumeRole", "iam:PassRole"), role.Arn).sid("NotThisRole")
		}
	}
	a := db.apps[r.IntN(len(db.apps))]
	return deny(acts("lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:DeleteFunction"),
		db.arn("lambda", db.region(), "function:"+a.name+"-prod-*")).sid("FreezeProdFunctions")
}
