package aws

import (
	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// accessVerdict decides whether p may perform action on target (the
// resource r, or a part of it such as an S3 object pattern) in AWS's order:
// an explicit Deny anywhere wins; the resource's account's RCPs must allow;
// then, in the same account, the identity policies (within SCPs and the
// permission boundary) or a resource policy naming p itself suffice, while
// across accounts both sides must allow. A KMS key policy must always
// allow: the identity policies count only where it delegates to the account.
func (m *model) accessVerdict(p *principal, r *resource, action, target string) verdict {
	return m.accessVerdictWith(p, r, action, target, nil)
}

// accessVerdictWith is accessVerdict taking r's resource policy's verdict
// from memo when it is not nil (see policyMemo).
func (m *model) accessVerdictWith(p *principal, r *resource, action, target string, memo *policyMemo) verdict {
	req := p.request(action, target, nil)
	rcp := m.rcpAllows(r.account, r.service, req)
	if rcp.t == awspolicy.No {
		return deny
	}
	var res, denied verdict
	var explicit bool
	if memo != nil {
		res, denied, explicit = memo.verdict(p, req)
	} else {
		res, denied, explicit = resourcePolicyVerdict(r, p, req)
	}
	if denied.t == awspolicy.No {
		return deny // an explicit Deny in the resource policy
	}
	id := identityAllows(p, action, target, nil)
	var v verdict
	switch {
	case r.service == "kms" && r.policy != nil:
		// The key policy decides; naming the account delegates to IAM.
		if explicit {
			v = res.and(scpOnly(p, req))
		} else {
			v = res.and(id)
		}
	case p.account == r.account:
		v = id
		if explicit && v.t != awspolicy.Yes && !identityDenies(p, action, target) {
			if alt := res.and(scpOnly(p, req)); alt.t > v.t {
				v = alt
			}
		}
	default:
		v = res.and(id)
	}
	if v.t == awspolicy.No {
		return deny
	}
	return v.and(rcp).and(denied)
}

// resourcePolicyVerdict evaluates r's resource policy for p's request. It
// returns what the policy allows, what its Deny statements leave (No for a
// certain Deny, Maybe for a conditional one, Yes otherwise), and whether an
// allowing statement names p itself rather than its account.
func resourcePolicyVerdict(r *resource, p *principal, req awspolicy.Request) (allow, notDenied verdict, explicit bool) {
	if r.policy == nil {
		return deny, verdict{t: awspolicy.Yes}, false
	}
	d := r.policy.doc.Evaluate(req)
	notDenied = verdict{t: d.Deny.Not()}
	if d.Deny == awspolicy.Maybe {
		notDenied.undecided = d.Undecided
		for _, st := range d.Denying {
			notDenied.evidence = append(notDenied.evidence, statementEvidence(r.policy.source, st, "may deny "+req.Action))
		}
	}
	allow = verdict{t: d.Allow, undecided: d.Undecided}
	for _, st := range d.Allowing {
		allow.evidence = append(allow.evidence, statementEvidence(r.policy.source, st, "allows "+req.Action))
		if namesPrincipal(st, p) {
			explicit = true
		}
	}
	if allow.t == awspolicy.No {
		return deny, notDenied, false
	}
	return allow, notDenied, explicit
}

// policyMemo remembers the verdicts of one resource's policy on the
// requests of the principals of its account it does not name, when it
// decides alike for all of them (sharedFor): a verdict then depends only on
// the request's action and target and the facts all of them share, their
// kind and their organization.
type policyMemo struct {
	r    *resource
	seen map[policyMemoKey]policyVerdicts
}

type policyMemoKey struct {
	action, target string
	isRole         bool
	org            *orgChain
}

type policyVerdicts struct {
	allow, notDenied verdict
	explicit         bool
}

// reset makes the memo r's, forgetting what it held.
func (pm *policyMemo) reset(r *resource) {
	pm.r = r
	if pm.seen == nil {
		pm.seen = map[policyMemoKey]policyVerdicts{}
	}
	clear(pm.seen)
}

// verdict is resourcePolicyVerdict, memoized.
func (pm *policyMemo) verdict(p *principal, req awspolicy.Request) (allow, notDenied verdict, explicit bool) {
	k := policyMemoKey{action: req.Action, target: req.Resource, isRole: p.isRole, org: p.org}
	v, ok := pm.seen[k]
	if !ok {
		v.allow, v.notDenied, v.explicit = resourcePolicyVerdict(pm.r, p, req)
		pm.seen[k] = v
	}
	return v.allow, v.notDenied, v.explicit
}

// scpOnly applies p's service control policies alone, for a grant that
// comes from a resource policy rather than from p's identity policies.
func scpOnly(p *principal, req awspolicy.Request) verdict {
	if p.org == nil {
		return verdict{t: awspolicy.Yes}
	}
	return controlAllows(p.org.scp, req)
}

// withResourceEvidence adds a fact about the resource to a verdict's evidence.
func withResourceEvidence(v verdict, r *resource, note string) verdict {
	v.evidence = append(append([]graphmodel.Evidence(nil), v.evidence...),
		graphmodel.Evidence{Source: r.arn, Statement: -1, Note: note})
	return v
}
