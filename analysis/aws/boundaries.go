package aws

import (
	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Permission boundaries that stand in a grant's way.
//
// A grant of an administrator policy to a role or user whose permission
// boundary would stop it helps only an attacker who may also delete that
// boundary. The grant sets hold the grants to targets without such a
// boundary; a principal that may delete the boundaries also joins the
// sets past them, one per part of its decision on deleting: alike on
// every target of the kind (resource-blind), or once per atom of the
// kind's targets (atoms.go). Only a principal whose policy variables name
// targets of the delete action keeps its own grants to them.

// boundaryPart is one part of a principal's decision on deleting the
// permission boundaries of one kind of target: alike on every target of
// the kind, or on the targets of one atom.
type boundaryPart struct {
	kind  graphmodel.NodeKind
	label string
	v     verdict
	atoms *targetAtoms // nil: every target of the kind
	atom  int
}

// covers reports whether the part holds the grant to target: a target of
// its kind, in its atom, whose boundary stands.
func (b *boundaryPart) covers(target *principal) bool {
	if target == nil || target.node.Kind != b.kind || !boundaryStands(target) {
		return false
	}
	if b.atoms == nil {
		return true
	}
	i, ok := b.atoms.of[target.arn]
	return ok && i == b.atom
}

// boundaryDecision is a principal's decision on deleting the permission
// boundaries of one kind of target.
type boundaryDecision struct {
	// parts are the parts where the principal may delete them.
	parts []boundaryPart
	// complete is false when the principal must be decided target by
	// target (its policy variables name some of them).
	complete bool
}

// boundaryDecisions memoizes one principal's boundary decisions by kind.
type boundaryDecisions struct {
	m    *model
	p    *principal
	seen map[graphmodel.NodeKind]*boundaryDecision
}

func newBoundaryDecisions(m *model, p *principal) *boundaryDecisions {
	return &boundaryDecisions{m: m, p: p}
}

// of returns p's decision on deleting the boundaries of kind's targets.
func (d *boundaryDecisions) of(kind graphmodel.NodeKind) *boundaryDecision {
	if bd, ok := d.seen[kind]; ok {
		return bd
	}
	if d.seen == nil {
		d.seen = map[graphmodel.NodeKind]*boundaryDecision{}
	}
	bd := decideBoundaries(d.m, d.p, kind)
	d.seen[kind] = bd
	return bd
}

func decideBoundaries(m *model, p *principal, kind graphmodel.NodeKind) *boundaryDecision {
	del := deleteBoundaryAction(kind)
	if del == "" || m.perPrincipal {
		return &boundaryDecision{}
	}
	if allowsSomewhere(p, del, nil).t == awspolicy.No {
		return &boundaryDecision{complete: true}
	}
	all := iamPrefixes(p.account, iamType(kind))
	label := pastBoundaryLabel(kind)
	if m.resourceBlind(p, del, all) {
		bd := &boundaryDecision{complete: true}
		if v := identityAllows(p, del, blindARN(all), nil); v.t != awspolicy.No {
			bd.parts = []boundaryPart{{kind: kind, label: label, v: v}}
		}
		return bd
	}
	named, ok := selfNamed(p, []string{del})
	if !ok || len(named) > 0 {
		return &boundaryDecision{}
	}
	at := m.atomsFor(p.account, []string{del}, all[0], principalTargets(m, p.account, kind))
	bd := &boundaryDecision{complete: true}
	for i, members := range at.members {
		if v := identityAllows(p, del, members[0], nil); v.t != awspolicy.No {
			bd.parts = append(bd.parts, boundaryPart{kind: kind, label: label + ":atom:" + at.key[i], v: v, atoms: at, atom: i})
		}
	}
	return bd
}

// principalTargets lists the ARNs of the users or roles of account that a
// grant may change (service-linked roles excepted), listed once.
func principalTargets(m *model, account string, kind graphmodel.NodeKind) []string {
	k := account + "|" + string(kind)
	if list, ok := m.targetLists.Load(k); ok {
		return list.([]string)
	}
	var list []string
	for _, t := range m.principals {
		if t.account == account && t.node.Kind == kind && t.node.Prop(graphmodel.PropAWSServiceLinked) != "true" {
			list = append(list, t.arn)
		}
	}
	m.targetLists.Store(k, list)
	return list
}
