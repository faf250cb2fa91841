package aws

import (
	"strings"

	"github.com/blastradius/blastradius/analysis/aws/catalog"
	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Data access (CAN_ACCESS): the rule. For one principal p and one
// resource r of accessServices, resourceAccess probes r's actions (and its
// objects', for a bucket) level by level, admin then write then read, with
// p's identity policies, r's resource policy, p's boundary and the control
// policies (model.accessVerdictWith), and keeps the first level certainly
// allowed and any stronger conditional one (strongest); emitAccess records
// them. Accounts outside the snapshot that r's resource policy names are
// decided on that policy alone (deriveExternalAccess). Which principals are
// asked about which resources, and how decisions are shared, is the
// driver's: run_resources*.go.

// accessServices are the services whose resources get CAN_ACCESS edges.
var accessServices = map[string]bool{
	"s3": true, "kms": true, "secretsmanager": true, "ssm": true, "dynamodb": true,
	"rds": true, "lambda": true, "sqs": true, "sns": true, "ecr": true,
}

// levelActions are a resource type's actions by the access they give,
// strongest first: admin (permissions management), write, read.
type levelActions [3][]string

var accessOrder = [3]graphmodel.Access{graphmodel.AccessAdmin, graphmodel.AccessWrite, graphmodel.AccessRead}

// actionsByLevel sorts the actions on one resource type into levels; List
// and Tagging alone give no access to the data.
func actionsByLevel(service, resourceType string) levelActions {
	var out levelActions
	for _, a := range catalog.ActionsOnResourceType(service, resourceType) {
		levels, _ := catalog.ActionLevels(a)
		slot := -1
		for _, l := range levels {
			switch {
			case l == catalog.PermissionsManagement:
				slot = 0
			case l == catalog.Write && (slot < 0 || slot > 1):
				slot = 1
			case l == catalog.Read && slot < 0:
				slot = 2
			}
		}
		if slot >= 0 {
			out[slot] = append(out[slot], a)
		}
	}
	return out
}

// target is one thing an access check names: the resource itself, or its
// objects for an S3 bucket.
type target struct {
	arn     string
	key     string // "<service>/<type>" of the actions
	actions levelActions
}

// found is the outcome of probing a resource's actions level by level.
type found struct {
	certain, conditional graphmodel.Access
	certainV, condV      verdict
	certainA, condA      string
}

// resourceAccess decides p's strongest access to the targets of r.
// pm, when not nil, holds r's resource policy's verdicts on p's requests.
func resourceAccess(m *model, ix *actionIndex, p *principal, r *resource, targets []target, pm *policyMemo) found {
	cands := make([]map[string]bool, len(targets))
	for i, t := range targets {
		cands[i] = ix.candidates(p, r, t)
	}
	return strongest(targets, func(i int, action, arn string) verdict {
		if !cands[i][action] {
			return deny
		}
		return m.accessVerdictWith(p, r, action, arn, pm)
	})
}

// strongest probes the actions of each target, strongest level first, and
// keeps the first certain level and any stronger conditional one.
func strongest(targets []target, decide func(i int, action, arn string) verdict) found {
	var f found
	for lvl, access := range accessOrder {
		for i, t := range targets {
			for _, a := range t.actions[lvl] {
				v := decide(i, a, t.arn)
				switch {
				case v.t == awspolicy.Yes:
					f.certain, f.certainV, f.certainA = access, v, a
					return f
				case v.t == awspolicy.Maybe && f.conditional == "":
					f.conditional, f.condV, f.condA = access, v, a
				}
			}
		}
	}
	return f
}

func emitAccess(out *emitter, from string, r *resource, f found) {
	if f.certain != "" {
		out.addAccess(from, r.arn, f.certainA, f.certain, f.certainV)
	}
	if f.conditional != "" && f.conditional.Rank() > f.certain.Rank() {
		out.addAccess(from, r.arn, f.condA, f.conditional, f.condV)
	}
}

// deriveExternalAccess emits CAN_ACCESS edges from accounts outside the
// snapshot (or from anyone, for "*") that a resource policy names. What the
// analysis cannot see of such an account is assumed permissive; conditions
// it cannot decide keep the edge conditional.
func deriveExternalAccess(m *model, r *resource, targets []target, out *emitter) {
	if r.policy == nil {
		return
	}
	named := map[string]string{} // external account → the principal entry naming it
	for i := range r.policy.doc.Statements {
		st := &r.policy.doc.Statements[i]
		if st.Effect != awspolicy.Allow || st.Principal.Negated {
			continue
		}
		if st.Principal.Wildcard {
			named["*"] = "*"
		}
		for _, a := range st.Principal.AWS {
			account, _ := principalAccount(a)
			if a == "*" {
				account = "*"
			}
			if account != "" && !m.accounts[account] {
				if _, ok := named[account]; !ok {
					named[account] = a
				}
			}
		}
	}
	for account, entry := range named {
		ext := externalAccount(m, account)
		caller := awspolicy.Principal{ARN: entry, Account: account}
		if !strings.HasPrefix(entry, "arn:") {
			caller.ARN = ext
		}
		facts := awspolicy.NewFacts()
		if account != "*" {
			facts.Set("aws:PrincipalAccount", account)
		}
		f := strongest(targets, func(_ int, action, arn string) verdict {
			req := awspolicy.Request{Principal: caller, Action: action, Resource: arn, Context: facts}
			d := r.policy.doc.Evaluate(req)
			v := verdict{t: d.Allow.And(d.Deny.Not()), undecided: d.Undecided}
			for _, st := range d.Allowing {
				v.evidence = append(v.evidence, statementEvidence(r.policy.source, st, "allows "+action+" to "+entry))
			}
			return v.and(m.rcpAllows(r.account, r.service, req))
		})
		emitAccess(out, ext, r, f)
	}
}
