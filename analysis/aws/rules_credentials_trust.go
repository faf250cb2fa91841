package aws

import (
	"strconv"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Acting as another principal of the account: minting its credentials
// (iam:CreateAccessKey, iam:CreateLoginProfile, iam:UpdateLoginProfile on a
// user) or rewriting its trust (iam:UpdateAssumeRolePolicy on a role): the
// rules. For one holder p and one target t: credentialVerdict, the action
// on t refined by what the credential report says of t;
// sharedAccessTarget tells where t's state cannot change it. The driver,
// with its speed-ups, is run_credentials_trust.go.

// accessRule is a permission on another principal that lets its holder
// act as that principal: mint its credentials or rewrite its trust.
type accessRule struct {
	technique string
	action    string
	target    graphmodel.NodeKind
}

var accessRules = []accessRule{
	{TechCreateAccessKey, "iam:CreateAccessKey", graphmodel.KindAWSUser},
	{TechCreateLoginProfile, "iam:CreateLoginProfile", graphmodel.KindAWSUser},
	{TechUpdateLoginProfile, "iam:UpdateLoginProfile", graphmodel.KindAWSUser},
	// With its trust rewritten to name the attacker, a role of the same
	// account needs no sts:AssumeRole permission of the attacker's own.
	{TechUpdateAssumeRolePolicy, "iam:UpdateAssumeRolePolicy", graphmodel.KindAWSRole},
}

// sharedAccessTarget reports whether rule works on t whatever holder asks
// (see credentialVerdict): not for a user with two active access keys
// (the holder's iam:DeleteAccessKey decides), and not where the credential
// report rules the login-profile action out.
func sharedAccessTarget(t *principal, rule accessRule) bool {
	password := passwordState(t.node)
	switch rule.technique {
	case TechCreateAccessKey:
		return activeAccessKeys(t.node) != 2
	case TechCreateLoginProfile:
		return password != "true"
	case TechUpdateLoginProfile:
		return password != "false"
	}
	return true
}

// credentialVerdict refines a principal-access rule with what the
// credential report says of the target user: with two active access keys a
// new one needs iam:DeleteAccessKey first (iam-003); a console password can
// be created only where there is none, and reset only where there is one.
// Without a credential report each stays possible.
func credentialVerdict(p, t *principal, rule accessRule) (string, verdict) {
	v := identityAllows(p, rule.action, t.arn, nil)
	if v.t == awspolicy.No {
		return rule.technique, v
	}
	password := passwordState(t.node)
	switch rule.technique {
	case TechCreateAccessKey:
		if activeAccessKeys(t.node) == 2 {
			return TechCreateAccessKeyRotate, v.and(identityAllows(p, "iam:DeleteAccessKey", t.arn, nil))
		}
	case TechCreateLoginProfile:
		if password == "true" {
			return rule.technique, deny
		}
	case TechUpdateLoginProfile:
		if password == "false" {
			return rule.technique, deny
		}
	}
	return rule.technique, v
}

// passwordState returns "true" when the credential report shows a user's
// console password enabled, "false" when it shows none, and "" without a
// credential report.
func passwordState(n *graphmodel.Node) string {
	for _, c := range n.Credentials {
		if c.Kind == graphmodel.CredentialPassword {
			return strconv.FormatBool(c.Active)
		}
	}
	return ""
}

// activeAccessKeys counts a user's active access keys as the credential
// report shows them (0 without one).
func activeAccessKeys(n *graphmodel.Node) int {
	keys := 0
	for _, c := range n.Credentials {
		if c.Kind == graphmodel.CredentialAccessKey && c.Active {
			keys++
		}
	}
	return keys
}
