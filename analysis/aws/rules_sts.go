package aws

import (
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Role assumption (sts-001): the rule. For one caller c of the snapshot and
// one role r: assumeVerdict, r's trust (a trust naming c in r's own
// account suffices, else c's own policies must allow sts:AssumeRole on r
// too), resource control and service control policies. Accounts outside
// the snapshot and federated subjects (web identity, SAML) are decided on
// r's trust alone (deriveExternal, deriveFederated), role by role. The
// driver of the callers, with its speed-ups, is run_sts.go.

// githubOIDC is the issuer of GitHub Actions OIDC tokens.
const githubOIDC = "token.actions.githubusercontent.com"

// principalAccount returns the account of a trust principal entry (an
// account ID, an account root ARN or a principal ARN) and whether the entry
// names one principal rather than a whole account.
func principalAccount(entry string) (account string, exact bool) {
	if !strings.HasPrefix(entry, "arn:") {
		return entry, false
	}
	account = graphmodel.AWSAccountOfARN(entry)
	return account, !strings.HasSuffix(entry, ":root")
}

// assumeVerdict decides whether c can assume r. In the same account a trust
// that names c itself suffices (only an explicit Deny stops it); a trust that
// names the account, or any cross-account trust, also needs c's own
// policies to allow sts:AssumeRole on r.
func assumeVerdict(m *model, r, c *principal) verdict {
	req := c.request("sts:AssumeRole", r.arn, nil)
	if c.account == r.account {
		// Only a third party is given an external ID; an in-account caller has none.
		top := awspolicy.NewFacts().SetAbsent("sts:ExternalId")
		req.Context = layered{top: top, base: req.Context}
	}
	d := r.trust.Evaluate(req)
	trust := verdict{t: d.Allow.And(d.Deny.Not()), undecided: d.Undecided}
	if trust.t == awspolicy.No {
		return deny
	}
	explicit := false
	for _, st := range d.Allowing {
		trust.evidence = append(trust.evidence, statementEvidence(r.arn+" trust policy", st, "admits "+c.arn))
		if namesPrincipal(st, c) {
			explicit = true
		}
	}
	trust = trust.and(m.rcpAllows(r.account, "sts", req))
	if explicit && c.account == r.account {
		// The trust alone grants it; only a Deny, or the caller's SCPs, stop it.
		if identityDenies(c, "sts:AssumeRole", r.arn) {
			return deny
		}
		if c.org != nil {
			return trust.and(controlAllows(c.org.scp, c.request("sts:AssumeRole", r.arn, nil)))
		}
		return trust
	}
	return trust.and(identityAllows(c, "sts:AssumeRole", r.arn, nil))
}

// namesPrincipal reports whether a statement admits p by its own ARN (or by
// "*"), as opposed to by its account.
func namesPrincipal(st *awspolicy.Statement, p *principal) bool {
	if st.Principal.Wildcard {
		return true
	}
	for _, a := range st.Principal.AWS {
		if !strings.HasSuffix(a, ":root") && strings.HasPrefix(a, "arn:") && awspolicy.MatchARN(a, p.arn) {
			return true
		}
	}
	return false
}

// identityDenies reports whether an explicit Deny of p's policies or
// boundary certainly covers the action.
func identityDenies(p *principal, action, resource string) bool {
	req := p.request(action, resource, nil)
	pols := p.policies
	if p.boundary != nil {
		pols = append(append([]*policy(nil), pols...), p.boundary)
	}
	for _, pol := range pols {
		if pol.doc.Evaluate(req).Deny == awspolicy.Yes {
			return true
		}
	}
	return false
}

// deriveExternal emits edges from accounts outside the snapshot that r's
// trust admits. Whoever controls such an account can act as r; what the
// analysis cannot see of that account (its policies) is assumed permissive,
// and conditions it cannot decide (sts:ExternalId) make the edge conditional.
func deriveExternal(m *model, r *principal, out *emitter) {
	for i := range r.trust.Statements {
		st := &r.trust.Statements[i]
		if st.Effect != awspolicy.Allow || !st.MatchAction("sts:AssumeRole") || st.Principal.Negated {
			continue
		}
		entries := st.Principal.AWS
		if st.Principal.Wildcard {
			entries = []string{"*"}
		}
		for _, a := range entries {
			account, _ := principalAccount(a) // "*" of "*"
			if m.accounts[account] {
				continue
			}
			ext := externalAccount(m, account)
			facts := awspolicy.NewFacts()
			if account != "*" {
				facts.Set("aws:PrincipalAccount", account)
			}
			arn := a
			if !strings.HasPrefix(a, "arn:") {
				arn = ext
			}
			req := awspolicy.Request{
				Principal: awspolicy.Principal{ARN: arn, Account: account},
				Action:    "sts:AssumeRole", Resource: r.arn, Context: facts,
			}
			out.add(graphmodel.EdgeCanBecome, ext, r.arn, TechAssumeRole, trustVerdict(r, req, a))
		}
	}
}

// externalAccount registers, once, the node of an account outside the
// snapshot and returns its ID (the account's root principal ARN).
func externalAccount(m *model, account string) string {
	id := "arn:aws:iam::" + account + ":root"
	return m.addExternal(id, func() graphmodel.Node {
		name := "external account " + account
		if account == "*" {
			name = "any AWS account"
		}
		return graphmodel.Node{
			ID: id, Kind: graphmodel.KindAWSExternalAccount, Provider: graphmodel.ProviderExternal,
			Name: name, Properties: map[string]string{"account": account},
		}
	})
}

// deriveFederated emits edges from federated subjects that r's trust admits
// through sts:AssumeRoleWithWebIdentity or sts:AssumeRoleWithSAML.
func deriveFederated(m *model, r *principal, out *emitter) {
	for i := range r.trust.Statements {
		st := &r.trust.Statements[i]
		if st.Effect != awspolicy.Allow || len(st.Principal.Federated) == 0 {
			continue
		}
		for _, provider := range st.Principal.Federated {
			switch {
			case st.MatchAction("sts:AssumeRoleWithWebIdentity"):
				deriveWebIdentity(m, r, st, provider, out)
			case st.MatchAction("sts:AssumeRoleWithSAML"):
				id := federatedNode(m, provider, provider, "SAML users of "+provider)
				v := federatedVerdict(r, provider, "sts:AssumeRoleWithSAML", awspolicy.NewFacts())
				out.add(graphmodel.EdgeCanBecome, id, r.arn, TechSAML, v)
			}
		}
	}
}

// deriveWebIdentity handles one OIDC provider of one trust statement. For
// GitHub Actions the subjects are repositories: the `sub` condition values
// name them, and a trust without one admits every repository on GitHub.
func deriveWebIdentity(m *model, r *principal, st *awspolicy.Statement, provider string, out *emitter) {
	issuer := provider
	if i := strings.Index(provider, ":oidc-provider/"); i >= 0 {
		issuer = provider[i+len(":oidc-provider/"):]
	}
	subKey := issuer + ":sub"
	var subs []string
	for _, c := range st.Conditions {
		if strings.EqualFold(c.Key, subKey) {
			subs = append(subs, c.Values...)
		}
	}
	if len(subs) == 0 {
		subs = []string{"*"}
	}
	for _, sub := range subs {
		facts := awspolicy.NewFacts().Set(subKey, sub)
		var id string
		if issuer == githubOIDC {
			// The attacker's workflow chooses the audience it asks for.
			facts.Set(issuer+":aud", "sts.amazonaws.com")
			v := federatedVerdict(r, provider, "sts:AssumeRoleWithWebIdentity", facts)
			if v.t == awspolicy.No {
				continue
			}
			id = federatedGitHub(m, r.arn, sub)
			out.add(graphmodel.EdgeCanBecome, id, r.arn, TechWebIdentity, v)
			continue
		}
		id = federatedNode(m, provider+"#sub:"+sub, sub, "subject "+sub+" of "+provider)
		out.add(graphmodel.EdgeCanBecome, id, r.arn, TechWebIdentity, federatedVerdict(r, provider, "sts:AssumeRoleWithWebIdentity", facts))
	}
}

// federatedGitHub registers the node of the repositories a GitHub Actions
// subject pattern names (graphmodel.GitHubRepoNode, as the GCP side
// builds it) and returns its ID. A trust that admits more than one branch
// or repository marks the node (graphmodel.PropFederatedBroadTrust). Roles
// are analyzed concurrently: of several trusts, the node keeps the least
// subject and description, whichever role comes first.
func federatedGitHub(m *model, role, sub string) string {
	repo := graphmodel.GitHubRepoOfSubject(sub)
	broad := ""
	if graphmodel.GitHubSubjectBroad(sub) {
		what := sub
		if repo == graphmodel.GitHubAnyRepo {
			what = "any GitHub repository (no sub condition)"
		}
		broad = role + " admits " + what
	}
	n := graphmodel.GitHubRepoNode(repo, sub, broad)
	m.externalMu.Lock()
	defer m.externalMu.Unlock()
	old, ok := m.external[n.ID]
	if !ok {
		m.external[n.ID] = n
		return n.ID
	}
	for _, k := range []string{graphmodel.PropFederatedSubject, graphmodel.PropFederatedBroadTrust} {
		if v, set := n.Properties[k]; set {
			if cur, has := old.Properties[k]; !has || v < cur {
				old.Properties[k] = v
			}
		}
	}
	return n.ID
}

func federatedNode(m *model, id, alias, name string) string {
	return m.addExternal(id, func() graphmodel.Node {
		return graphmodel.Node{
			ID: id, Kind: graphmodel.KindAWSFederatedPrincipal, Provider: graphmodel.ProviderExternal,
			Name: name, Aliases: []string{alias},
		}
	})
}

func federatedVerdict(r *principal, provider, action string, facts *awspolicy.Facts) verdict {
	req := awspolicy.Request{
		Principal: awspolicy.Principal{Federated: provider},
		Action:    action, Resource: r.arn, Context: facts,
	}
	return trustVerdict(r, req, provider)
}

// trustVerdict decides req by r's trust policy, with each statement that
// allows it as evidence that the trust admits who.
func trustVerdict(r *principal, req awspolicy.Request, who string) verdict {
	d := r.trust.Evaluate(req)
	v := verdict{t: d.Allow.And(d.Deny.Not()), undecided: d.Undecided}
	for _, st := range d.Allowing {
		v.evidence = append(v.evidence, statementEvidence(r.arn+" trust policy", st, "admits "+who))
	}
	return v
}
