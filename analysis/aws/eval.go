package aws

import (
	"sort"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// verdict is a three-valued decision with the statements that justify it.
type verdict struct {
	t         awspolicy.Tri
	evidence  []graphmodel.Evidence
	undecided []string
}

func (v verdict) and(w verdict) verdict {
	return verdict{
		t:         v.t.And(w.t),
		evidence:  append(append([]graphmodel.Evidence(nil), v.evidence...), w.evidence...),
		undecided: append(append([]string(nil), v.undecided...), w.undecided...),
	}
}

var deny = verdict{t: awspolicy.No}

// request builds a request from p with extra condition keys.
func (p *principal) request(action, resource string, extra map[string]string) awspolicy.Request {
	var ctx awspolicy.Context = p.facts
	if p.m != nil {
		if tf := p.m.targetFacts(resource); tf != nil {
			ctx = layered{top: tf, base: ctx}
		}
	}
	if len(extra) > 0 {
		top := awspolicy.NewFacts()
		for k, v := range extra {
			top.Set(k, v)
		}
		ctx = layered{top: top, base: ctx}
	}
	return awspolicy.Request{
		Principal: awspolicy.Principal{ARN: p.arn, Account: p.account},
		Action:    action,
		Resource:  resource,
		Context:   ctx,
	}
}

// targetFacts returns what is known of a request's resource, worked out
// once per resource: its tags as aws:ResourceTag/* (and iam:ResourceTag/*
// for IAM principals). An IAM principal's tags are collected whole, so a tag
// it lacks is absent; other resources are known only by the tags their
// collection carried. Nil when nothing is known.
func (m *model) targetFacts(resource string) *awspolicy.Facts {
	if f, ok := m.tagFacts[resource]; ok {
		return f
	}
	var f *awspolicy.Facts
	if t := m.byARN[resource]; t != nil {
		f = awspolicy.NewFacts()
		for k, v := range t.node.Tags {
			f.Set("aws:ResourceTag/"+k, v)
			f.Set("iam:ResourceTag/"+k, v)
		}
		f.SetAbsentUnder("aws:ResourceTag/").SetAbsentUnder("iam:ResourceTag/")
	} else if r := m.resByARN[resource]; r != nil && len(r.node.Tags) > 0 {
		f = awspolicy.NewFacts()
		for k, v := range r.node.Tags {
			f.Set("aws:ResourceTag/"+k, v)
		}
	}
	if m.byARN[resource] != nil || m.resByARN[resource] != nil {
		m.tagFacts[resource] = f
	}
	return f
}

// layered is a request's context: what the request itself sets (top) over
// what is known of the caller (base).
type layered struct {
	top  *awspolicy.Facts
	base awspolicy.Context
}

// Lookup implements awspolicy.Context.
func (l layered) Lookup(key string) ([]string, awspolicy.KeyState) {
	if v, st := l.top.Lookup(key); st != awspolicy.KeyUnknown {
		return v, st
	}
	return l.base.Lookup(key)
}

func statementEvidence(source string, st *awspolicy.Statement, note string) graphmodel.Evidence {
	return graphmodel.Evidence{Source: source, Statement: st.Index, Sid: st.Sid, Note: note}
}

// identityAllows decides whether p's identity policies allow action on
// resource, within its account's service control policies and its
// permission boundary; any explicit Deny wins.
func identityAllows(p *principal, action, resource string, extra map[string]string) verdict {
	req := p.request(action, resource, extra)
	allow, denied := awspolicy.No, awspolicy.No
	var v verdict
	for _, pol := range p.policies {
		d := pol.doc.Evaluate(req)
		allow = allow.Or(d.Allow)
		denied = denied.Or(d.Deny)
		for _, st := range d.Allowing {
			v.evidence = append(v.evidence, statementEvidence(pol.source, st, "allows "+action))
		}
		v.undecided = append(v.undecided, d.Undecided...)
		if d.Deny == awspolicy.Yes {
			return deny
		}
	}
	v.t = allow.And(denied.Not())
	if p.org != nil && v.t != awspolicy.No {
		scp := controlAllows(p.org.scp, req)
		v.t = v.t.And(scp.t)
		v.undecided = append(v.undecided, scp.undecided...)
	}
	if p.boundary != nil && v.t != awspolicy.No {
		d := p.boundary.doc.Evaluate(req)
		v.t = v.t.And(d.Allow).And(d.Deny.Not())
		v.undecided = append(v.undecided, d.Undecided...)
		for _, st := range d.Allowing {
			v.evidence = append(v.evidence, statementEvidence(p.boundary.source, st, "permission boundary allows "+action))
		}
	}
	if v.t == awspolicy.No {
		return deny
	}
	v.evidence = firstPerSource(v.evidence)
	if v.t == awspolicy.Yes {
		v.undecided = nil
	}
	return v
}

// firstPerSource keeps the first evidence of each source, so a hop cites
// the deciding statement of each policy once.
func firstPerSource(list []graphmodel.Evidence) []graphmodel.Evidence {
	seen := map[string]bool{}
	out := list[:0:0]
	for _, e := range list {
		if seen[e.Source] {
			continue
		}
		seen[e.Source] = true
		out = append(out, e)
	}
	return out
}

// allowsSomewhere decides whether p may perform action on at least one
// resource: the question for actions that create something new (a function,
// a stack), whose name the attacker chooses. Each resource pattern of an
// allowing statement is tried as the resource; a Deny blocks it only when it
// covers that pattern.
func allowsSomewhere(p *principal, action string, extra map[string]string) verdict {
	if extra != nil {
		return allowsSomewhereUncached(p, action, extra)
	}
	p.somewhereMu.Lock()
	v, ok := p.somewhere[action]
	p.somewhereMu.Unlock()
	if ok {
		return v
	}
	v = allowsSomewhereUncached(p, action, nil)
	p.somewhereMu.Lock()
	if p.somewhere == nil {
		p.somewhere = map[string]verdict{}
	}
	p.somewhere[action] = v
	p.somewhereMu.Unlock()
	return v
}

// allowStatements returns the Allow statements of p's identity policies
// that may match action, in policy order.
func allowStatements(p *principal, action string) []*awspolicy.Statement {
	var list []*awspolicy.Statement
	for _, pol := range p.policies {
		for i := range pol.doc.Statements {
			if st := &pol.doc.Statements[i]; st.Effect == awspolicy.Allow && st.MatchAction(action) {
				list = append(list, st)
			}
		}
	}
	return list
}

func allowsSomewhereUncached(p *principal, action string, extra map[string]string) verdict {
	candidates := map[string]bool{}
	for _, st := range allowStatements(p, action) {
		if !st.Resource.Present || st.Resource.Negated {
			candidates[awspolicy.AnyResource] = true
			continue
		}
		for _, r := range st.Resource.Values {
			// A pattern written with policy variables names, for this
			// caller, what the variables resolve to.
			if resolved, ok := awspolicy.SubstituteVariables(r, p.facts); ok {
				r = resolved
			}
			candidates[r] = true
		}
	}
	list := make([]string, 0, len(candidates))
	for r := range candidates {
		list = append(list, r)
	}
	sort.Strings(list)
	best := deny
	for _, r := range list {
		v := identityAllows(p, action, r, extra)
		if v.t > best.t {
			best = v
		}
		if best.t == awspolicy.Yes {
			break
		}
	}
	return best
}

// documentProbes are actions across the control and data planes that a
// document allowing everything must allow on every resource.
var documentProbes = []string{
	"iam:CreateUser", "iam:AttachRolePolicy", "iam:PutUserPolicy", "iam:PassRole",
	"sts:AssumeRole", "organizations:LeaveOrganization", "cloudtrail:StopLogging",
	"ec2:RunInstances", "s3:GetObject", "s3:PutBucketPolicy", "kms:Decrypt",
	"secretsmanager:GetSecretValue", "lambda:UpdateFunctionCode", "dynamodb:Scan",
	"rds:DeleteDBInstance", "ssm:SendCommand",
}

// isAdminDocument reports whether one document alone allows everything:
// every probe on every resource. It says what a policy grants whoever it is
// attached to (an administrator policy to attach, a boundary that bounds
// nothing), not who is administrator: that is isAdmin's question.
func isAdminDocument(doc *awspolicy.Document) bool {
	p := &principal{index: -1, policies: []*policy{{doc: doc}}, facts: awspolicy.NewFacts()}
	for _, action := range documentProbes {
		if identityAllows(p, action, awspolicy.AnyResource, nil).t != awspolicy.Yes {
			return false
		}
	}
	return true
}

// dedupe returns the sorted unique strings of list.
func dedupe(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	sort.Strings(list)
	out := list[:1]
	for _, s := range list[1:] {
		if s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}
