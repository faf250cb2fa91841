package crosscloud

import (
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// canBecome returns a derived can_become edge; maybe (an undecided
// verdict) makes it conditional on the undecided conditions.
func canBecome(from, to, technique string, maybe bool, undecided []string, ev ...graphmodel.Evidence) graphmodel.Edge {
	e := graphmodel.Edge{From: from, To: to, Kind: graphmodel.EdgeCanBecome, Technique: technique, Evidence: ev}
	if maybe {
		e.Conditional = true
		e.Conditions = dedupe(undecided)
	}
	return e
}

// edgeSet collects edges, one per source, target, kind and technique:
// a repeated one adds its evidence (up to maxEvidence) and, certain,
// makes the kept one certain.
type edgeSet struct {
	edges []graphmodel.Edge
	index map[[4]string]int
}

// maxEvidence bounds the evidence merged into one edge.
const maxEvidence = 8

func (s *edgeSet) add(e graphmodel.Edge) {
	k := [4]string{e.From, e.To, string(e.Kind), e.Technique}
	if s.index == nil {
		s.index = map[[4]string]int{}
	}
	i, ok := s.index[k]
	if !ok {
		s.index[k] = len(s.edges)
		s.edges = append(s.edges, e)
		return
	}
	old := &s.edges[i]
	if old.Conditional && !e.Conditional {
		old.Conditional, old.Conditions = false, nil
	}
	for _, ev := range e.Evidence {
		if len(old.Evidence) < maxEvidence {
			old.Evidence = append(old.Evidence, ev)
		}
	}
}

// trustEvidence renders the trust statements that allow a request.
func trustEvidence(role string, d awspolicy.Decision, what string) []graphmodel.Evidence {
	var out []graphmodel.Evidence
	for _, st := range d.Allowing {
		out = append(out, graphmodel.Evidence{Source: role, Statement: st.Index, Sid: st.Sid, Note: "trust policy admits " + what})
	}
	return out
}

// verdict decides a request against a trust policy: allowed by some
// statement and denied by none.
func verdict(d awspolicy.Decision) awspolicy.Tri { return d.Allow.And(d.Deny.Not()) }

// rbacEvidence renders the RBAC evidence that allows what, naming the
// role that holds the rule and its index.
func rbacEvidence(c *Cluster, ev k8srbac.Evidence, what string) graphmodel.Evidence {
	if ev.Superuser {
		return graphmodel.Evidence{Source: graphmodel.K8sGroup(c.Name, k8srbac.GroupMasters), Statement: -1,
			Note: "group system:masters is allowed everything: " + what}
	}
	source := graphmodel.K8sObject(c.Name, strings.ToLower(ev.Origin.Kind), ev.Origin.Namespace, ev.Origin.Name)
	if strings.HasPrefix(ev.Binding.Name, k8srbac.EKSAccessBindingPrefix) {
		source = "EKS access entry " + strings.TrimPrefix(ev.Binding.Name, k8srbac.EKSAccessBindingPrefix)
	}
	return graphmodel.Evidence{Source: source, Statement: ev.RuleIndex, Note: ev.String() + ": " + what}
}

// dedupe returns list each value once, in order.
func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
