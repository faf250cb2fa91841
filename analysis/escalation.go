package analysis

import (
	"sort"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// escalation renders a path as hops with their evidence. A hop is
// conditional when its edge is; an applied grant is also conditional when
// its grantor is outside the certain closure. A step into a permission set
// is no hop: it joins the next step, whose edge the set holds for its
// members, as that hop's first evidence; the member's own part (the
// statements that make it a member) follows as "; a member by ...". A step
// into a target set is no hop either: with the next step, onto a member, it
// is the one hop its edge stands for.
func (a *analyzer) escalation(steps []step, cond bool, certain memberSet) Escalation {
	g := a.g
	esc := Escalation{Conditional: cond, Path: make([]Hop, 0, len(steps))}
	froms := make([]int32, 0, len(steps)) // the node each hop leaves
	// The escalation is named after its last hop that does something:
	// holding an administrator policy, a group membership or a scope's
	// contents only carry on what an earlier hop achieved.
	named, grantedBy := -1, int32(-1)
	via := int32(-1) // the member whose set the next step leaves
	viaCond := false
	viaEvidence := "" // what makes the member part of the set
	entered := -1     // the step into the target set the next step leaves
	for k, s := range steps {
		if s.ref >= 0 && g.arcs[s.ref].kind == arcEnter {
			entered = k // the next step, onto a member, is this one's hop
			continue
		}
		throughSet := entered >= 0 // the hop reaches a target set's member
		if throughSet {
			s = step{from: steps[entered].from, to: s.to, ref: steps[entered].ref}
			entered = -1
		}
		h := Hop{From: g.nodes[s.from].ID, To: g.nodes[s.to].ID}
		i := len(esc.Path)
		if gi, ok := s.isGrant(); ok {
			named, grantedBy = i, g.grants[gi].x
			gr := g.grants[gi]
			e := g.edges[gr.edge]
			h.Technique = techniqueOf(e)
			// A grant into a target set cites the set edge's evidence, the
			// grantee in the place of the placeholder.
			ev := strings.ReplaceAll(g.evidenceOf(gr.edge), graphmodel.TargetPlaceholder, g.nodes[gr.y].ID)
			if s.from == gr.x && gr.x != gr.y {
				h.Evidence = ev + " (granted to " + g.nodes[gr.y].ID + ")"
			} else {
				h.Evidence = ev + " (granted by " + g.nodes[gr.x].ID + ")"
			}
			h.Conditional = gr.cond || !certain.has(gr.x)
		} else {
			ar := g.arcs[s.ref]
			switch ar.kind {
			case arcInherit:
				via, viaCond = s.from, ar.cond
				viaEvidence = g.evidenceOf(ar.edge)
				continue
			case arcContains:
				h.Technique = TechniqueAdminOfScope
				h.Evidence = "administrator of " + h.From
			case arcMember:
				h.Technique = TechniqueGroupMembership
				h.Evidence = "member of " + h.To
			default:
				h.Technique = techniqueOf(g.edges[ar.edge])
				h.Evidence = g.evidenceOf(ar.edge)
				if throughSet {
					h.Evidence = strings.ReplaceAll(h.Evidence, graphmodel.TargetPlaceholder, h.To)
				}
				// Holding administrator rights carries on what an earlier
				// hop achieved; a step into a scope by a catalogued
				// technique of its own (a self grant) names the escalation.
				if ar.kind != arcAdmin || named < 0 || a.selfNamed(h.Technique) {
					named, grantedBy = i, -1
				}
			}
			h.Conditional = ar.cond
		}
		from := s.from
		if via >= 0 {
			h.Evidence = "as a member of " + h.From + ": " + h.Evidence
			if viaEvidence != "" {
				h.Evidence += "; a member by " + viaEvidence
			}
			h.From, from = g.nodes[via].ID, via
			h.Conditional = h.Conditional || viaCond
			via = -1
		}
		esc.Conditional = esc.Conditional || h.Conditional
		esc.Path = append(esc.Path, h)
		froms = append(froms, from)
	}
	if len(esc.Path) == 0 {
		return esc
	}
	esc.Target = esc.Path[len(esc.Path)-1].To
	if named < 0 {
		named = len(esc.Path) - 1
	}
	esc.Technique = esc.Path[named].Technique
	// A grant whose grantor reached the grantee in the hop just before is a
	// two-step technique the provider's catalogue may name (iam-014: attach
	// an administrator policy to a role, then assume it).
	if named > 0 && a.grantor(grantedBy, froms[named-1]) {
		if id, ok := a.composites[[2]string{esc.Path[named-1].Technique, esc.Path[named].Technique}]; ok {
			esc.Technique = id
		}
	}
	return esc
}

// grantor reports whether the grant of x is one that member made: x is
// member, or a permission set member belongs to.
func (a *analyzer) grantor(x, member int32) bool {
	if x == member {
		return true
	}
	if x < 0 || !a.g.nodes[x].Kind.Transparent() {
		return false
	}
	arcs, _ := a.g.arcsOf(member)
	for i := a.g.searchArcs(arcs, x); i < len(arcs) && arcs[i].to == x; i++ {
		if arcs[i].kind == arcInherit {
			return true
		}
	}
	return false
}

func sortedCopy(list []string) []string {
	out := append([]string{}, list...)
	sort.Strings(out)
	return out
}

// selfNamed reports whether an admin_of hop of technique names its
// escalation: a catalogued technique that obtains administrator rights
// rather than holds them.
func (a *analyzer) selfNamed(technique string) bool {
	c, ok := a.categories[technique]
	return ok && c != categoryAdministrator
}
