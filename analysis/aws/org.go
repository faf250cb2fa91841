package aws

import (
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Organization policy types, as Organizations names them.
const (
	scpType = "SERVICE_CONTROL_POLICY"
	rcpType = "RESOURCE_CONTROL_POLICY"
)

// rcpServices are the services resource control policies apply to.
var rcpServices = map[string]bool{"s3": true, "sts": true, "sqs": true, "kms": true, "secretsmanager": true}

// orgChain is what Organizations imposes on one member account: for each
// level from the root down to the account, the SCPs and RCPs attached there.
// Every level must allow; a Deny at any level wins.
type orgChain struct {
	scp, rcp [][]*policy
	orgID    string
}

// buildOrgChains resolves, for every account of the snapshot's
// Organizations tree, its chain of attached control policies. The
// management account has none: control policies do not restrict it.
func buildOrgChains(snap *graphmodel.Snapshot, m *model) {
	nodes := map[string]*graphmodel.Node{}
	for i := range snap.Nodes {
		nodes[snap.Nodes[i].ID] = &snap.Nodes[i]
	}
	parent := map[string]string{}
	attached := map[string][]*graphmodel.Node{}
	for i := range snap.Edges {
		e := &snap.Edges[i]
		switch e.Kind {
		case graphmodel.EdgeChildOf:
			parent[e.From] = e.To
		case graphmodel.EdgeAttachedPolicy:
			if p := nodes[e.To]; p != nil && p.Kind == graphmodel.KindAWSOrgPolicy {
				attached[e.From] = append(attached[e.From], p)
			}
		}
	}
	policies := map[string]*policy{}
	docOf := func(n *graphmodel.Node) *policy {
		if p, ok := policies[n.ID]; ok {
			return p
		}
		doc, err := parseDoc(n, "policy")
		var p *policy
		if err == nil && doc != nil {
			p = &policy{source: n.ID, doc: doc}
		}
		policies[n.ID] = p
		return p
	}
	m.orgs = map[string]*orgChain{}
	for i := range snap.Nodes {
		acct := &snap.Nodes[i]
		if acct.Kind != graphmodel.KindAWSAccount || acct.Prop(graphmodel.PropAWSManagement) == "true" {
			continue
		}
		if _, inTree := parent[acct.ID]; !inTree {
			continue
		}
		chain := &orgChain{orgID: acct.Prop(graphmodel.PropAWSOrganization)}
		// Walk up to the root, then keep levels root first.
		var levels []string
		seen := map[string]bool{}
		for id := acct.ID; id != "" && !seen[id]; id = parent[id] {
			seen[id] = true
			levels = append([]string{id}, levels...)
		}
		for _, level := range levels {
			var scps, rcps []*policy
			for _, n := range attached[level] {
				p := docOf(n)
				if p == nil {
					continue
				}
				switch n.Prop(graphmodel.PropType) {
				case scpType:
					scps = append(scps, p)
				case rcpType:
					rcps = append(rcps, p)
				}
			}
			chain.scp = append(chain.scp, scps)
			chain.rcp = append(chain.rcp, rcps)
		}
		m.orgs[strings.TrimPrefix(acct.ID, "aws:account:")] = chain
	}
}

// controlAllows evaluates a chain of control-policy levels: each level must
// allow the request and no level may deny it. Organizations keeps at least
// one SCP on every root, OU and account, so a level with none recorded means
// the collection missed it: such a level restricts nothing rather than
// being assumed to deny. (RCPs have an implicit RCPFullAWSAccess anyway.)
func controlAllows(levels [][]*policy, req awspolicy.Request) verdict {
	v := verdict{t: awspolicy.Yes}
	for _, level := range levels {
		if len(level) == 0 {
			continue
		}
		allow, denied := awspolicy.No, awspolicy.No
		for _, p := range level {
			d := p.doc.Evaluate(req)
			allow = allow.Or(d.Allow)
			denied = denied.Or(d.Deny)
			v.undecided = append(v.undecided, d.Undecided...)
			for _, st := range d.Denying {
				if d.Deny == awspolicy.Yes {
					v.evidence = []graphmodel.Evidence{statementEvidence(p.source, st, "denies "+req.Action)}
				}
			}
		}
		if denied == awspolicy.Yes || allow == awspolicy.No {
			return deny
		}
		v.t = v.t.And(allow).And(denied.Not())
	}
	// Control policies only take away; what they allow is not evidence.
	v.evidence = nil
	if v.t == awspolicy.Yes {
		v.undecided = nil
	}
	return v
}

// rcpAllows decides the resource control policies of the account that owns
// a resource (a role, for sts:AssumeRole) over a request.
func (m *model) rcpAllows(resourceAccount, service string, req awspolicy.Request) verdict {
	chain := m.orgs[resourceAccount]
	if chain == nil || !rcpServices[service] {
		return verdict{t: awspolicy.Yes}
	}
	return controlAllows(chain.rcp, req)
}
