package crosscloud

import (
	"context"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// Techniques of the IRSA bridge.
const (
	// TechIRSA: a service account whose pods hold a token of audience
	// sts.amazonaws.com assumes a role whose trust admits its subject.
	TechIRSA = "eks-irsa"
	// TechIRSAMint: whoever can create pods or serviceaccounts/token in a
	// namespace mints such a token for an account there whose pods hold
	// none, and assumes the role.
	TechIRSAMint = "eks-irsa-mint"
	// STSAudience is the only audience STS accepts from an EKS cluster's
	// OIDC provider (its client ID).
	STSAudience = "sts.amazonaws.com"
)

// IRSA is the bridge of IAM Roles for Service Accounts.
type IRSA struct{}

// Name returns "irsa".
func (IRSA) Name() string { return "irsa" }

// Techniques returns the bridge's catalogue.
func (IRSA) Techniques() []graphmodel.Technique {
	return []graphmodel.Technique{
		{ID: TechIRSA, Name: "IAM Roles for Service Accounts", Category: "federation", Attack: "T1078.004",
			Description: "a Kubernetes service account whose pods hold a token of audience sts.amazonaws.com (EKS injects one into the pods of an account annotated eks.amazonaws.com/role-arn) assumes a role whose trust admits its subject through the cluster's OIDC provider"},
		{ID: TechIRSAMint, Name: "mint an IRSA token", Category: "federation", Attack: "T1528",
			Description: "whoever can create pods or serviceaccounts/token in a namespace mints a token of audience sts.amazonaws.com for a service account there whose pods hold none, and assumes a role whose trust admits that account"},
	}
}

// Derive evaluates, for every cluster with a known issuer, every role
// whose trust names the issuer's OIDC provider against every service
// account of the cluster, with the subject and audience of its token.
func (IRSA) Derive(ctx context.Context, e *Estate) ([]graphmodel.Node, []graphmodel.Edge, error) {
	var edges edgeSet
	for _, c := range e.Clusters {
		if c.Issuer == "" {
			continue
		}
		minters := map[string][]minter{}
		var accounts []irsaAccount // made at the first role that trusts the issuer
		for _, role := range e.roles {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			trust := e.Trust(role)
			providers := oidcProviders(trust, ":oidc-provider/"+c.Issuer)
			if len(providers) == 0 {
				continue
			}
			if accounts == nil {
				accounts = irsaAccounts(c)
			}
			for _, a := range accounts {
				sa, sub := a.sa, a.sub
				for _, p := range providers {
					facts := awspolicy.NewFacts().Set(c.Issuer+":sub", sub).Set(c.Issuer+":aud", STSAudience)
					d := trust.Evaluate(awspolicy.Request{Principal: awspolicy.Principal{Federated: p},
						Action: "sts:AssumeRoleWithWebIdentity", Resource: role.ID, Context: facts})
					t := verdict(d)
					if t == awspolicy.No {
						continue
					}
					trustEv := trustEvidence(role.ID, d, sub+" with audience "+STSAudience+" through "+p)
					if a.held {
						edges.add(canBecome(sa.ID, role.ID, TechIRSA, t == awspolicy.Maybe, d.Undecided,
							append([]graphmodel.Evidence{{Source: sa.ID, Statement: -1, Note: a.why}}, trustEv...)...))
						continue
					}
					if _, ok := minters[sa.ID]; !ok {
						minters[sa.ID] = c.minters(a.ns, a.name)
					}
					for _, m := range minters[sa.ID] {
						edges.add(canBecome(m.id, role.ID, TechIRSAMint, t == awspolicy.Maybe, d.Undecided,
							append([]graphmodel.Evidence{m.evidence}, trustEv...)...))
					}
				}
			}
		}
	}
	return nil, edges.edges, nil
}

// irsaAccount is a service account of a cluster as IRSA reads it: its
// namespace, name and token subject, and whether its pods hold a token of
// audience sts.amazonaws.com (why: holdsSTSToken).
type irsaAccount struct {
	sa            *graphmodel.Node
	ns, name, sub string
	held          bool
	why           string
}

// irsaAccounts reads the service accounts of c once for every role that
// trusts its issuer.
func irsaAccounts(c *Cluster) []irsaAccount {
	out := make([]irsaAccount, 0, len(c.ServiceAccounts))
	for _, sa := range c.ServiceAccounts {
		ns := sa.Prop(graphmodel.PropK8sNamespace)
		a := irsaAccount{sa: sa, ns: ns, name: strings.TrimPrefix(sa.Name, ns+"/")}
		a.sub = k8srbac.ServiceAccountUsername(a.ns, a.name)
		a.held, a.why = holdsSTSToken(c, sa)
		out = append(out, a)
	}
	return out
}

// oidcProviders returns the OIDC providers whose ARN ends with suffix that
// a statement of the trust names for sts:AssumeRoleWithWebIdentity.
func oidcProviders(trust *awspolicy.Document, suffix string) []string {
	if trust == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for i := range trust.Statements {
		st := &trust.Statements[i]
		if !st.MatchAction("sts:AssumeRoleWithWebIdentity") {
			continue
		}
		for _, f := range st.Principal.Federated {
			if strings.HasSuffix(f, suffix) && !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// holdsSTSToken reports whether the pods of service account sa hold a
// token of audience sts.amazonaws.com, and says why: EKS injects one into
// the pods of an account annotated with a role (unless the annotation
// asks for another audience), and a pod may mount one itself.
func holdsSTSToken(c *Cluster, sa *graphmodel.Node) (bool, string) {
	if arn := sa.Prop(graphmodel.PropK8sEKSRoleARN); arn != "" {
		if aud := sa.Prop(graphmodel.PropK8sEKSAudience); aud == "" || aud == STSAudience {
			return true, "annotated eks.amazonaws.com/role-arn " + arn + ": EKS injects a token of audience " + STSAudience + " into its pods"
		}
	}
	for _, p := range c.Pods(sa.ID) {
		for _, aud := range strings.Fields(p.Prop(graphmodel.PropK8sTokenAudiences)) {
			if aud == STSAudience {
				return true, "pod " + p.Name + " mounts a token of audience " + STSAudience
			}
		}
	}
	return false, ""
}

// minter is a subject that can mint a service account's tokens.
type minter struct {
	id       string
	evidence graphmodel.Evidence
}

// minters returns the subjects that can mint tokens of any audience for
// service account ns/name: create pods (or a pod-creating workload) in
// its namespace, or create its serviceaccounts/token; each once, with the
// first rule that allows it.
func (c *Cluster) minters(ns, name string) []minter {
	reqs := append(k8srbac.PodCreatingRequests(ns), k8srbac.ResourceRequest("create", "", "serviceaccounts", "token", ns, name))
	seen := map[string]bool{}
	var out []minter
	for _, r := range reqs {
		for _, ev := range c.whoCan(r) {
			id := c.subjectNode(ev.Subject)
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			out = append(out, minter{id: id, evidence: rbacEvidence(c, ev, r.String()+": mints a token of "+ns+"/"+name+" with audience "+STSAudience)})
		}
	}
	return out
}

// whoCan returns the cluster policy's WhoCan of r, evaluated once per
// request: the pod-creating requests of a namespace are the same for
// every service account in it.
func (c *Cluster) whoCan(r k8srbac.Request) []k8srbac.Evidence {
	if ev, ok := c.whoCanOf[r]; ok {
		return ev
	}
	if c.whoCanOf == nil {
		c.whoCanOf = map[k8srbac.Request][]k8srbac.Evidence{}
	}
	ev := c.Policy().WhoCan(r)
	c.whoCanOf[r] = ev
	return ev
}

// subjectNode returns the node ID of an RBAC subject of the cluster, ""
// when the snapshot has no such node (nor the Kubernetes analysis makes
// one: the user of an EKS access entry).
func (c *Cluster) subjectNode(s k8srbac.Subject) string {
	var id string
	switch s.Kind {
	case k8srbac.KindGroup:
		id = graphmodel.K8sGroup(c.Name, s.Name)
	case k8srbac.KindServiceAccount:
		id, _ = graphmodel.K8sServiceAccount(c.Name, s.Namespace, s.Name)
	case k8srbac.KindUser:
		id = c.subjectID(s.Name)
		for _, n := range c.accessEntries {
			if c.subjectID(accessEntryUsername(n)) == id {
				return id
			}
		}
	}
	if !c.Has(id) {
		return ""
	}
	return id
}
