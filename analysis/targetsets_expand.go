package analysis

import (
	"github.com/blastradius/blastradius/graphmodel"
)

// ExpandTargetSets undoes the target sets of derived edges (as
// Graph.Derived returns them): an edge into a target set becomes the same
// edge to each member of the set (EdgeToMember), and the includes edges are
// left out. The result holds one edge per source and target, as the
// derivers proved them (each key once, a certain copy over a conditional
// one), for the consumers that need them so: a drawing, an export, a count.
// The analysis results (escalations, paths, who-can) never show a set and
// need no expansion. Without target sets, derived itself is returned.
func ExpandTargetSets(derived []graphmodel.Edge) []graphmodel.Edge {
	members := TargetSetMembers(derived)
	if len(members) == 0 {
		return derived
	}
	n := len(derived)
	for i := range derived {
		if ms := members[derived[i].To]; len(ms) > 0 {
			n += len(ms) - 1
		}
	}
	out := make([]graphmodel.Edge, 0, n)
	for i := range derived {
		e := &derived[i]
		if e.Kind == graphmodel.EdgeIncludes {
			continue
		}
		ms := members[e.To]
		if len(ms) == 0 {
			out = append(out, *e)
			continue
		}
		for _, m := range ms {
			out = append(out, EdgeToMember(*e, m))
		}
	}
	return out
}

// TargetSetMembers returns the members of the target sets of derived edges
// by set ID, in the order of the sets' includes edges; nil without sets.
func TargetSetMembers(derived []graphmodel.Edge) map[string][]string {
	var members map[string][]string
	for i := range derived {
		if e := &derived[i]; e.Kind == graphmodel.EdgeIncludes && e.From != "" && e.To != "" {
			if members == nil {
				members = map[string][]string{}
			}
			members[e.From] = append(members[e.From], e.To)
		}
	}
	return members
}

// EdgeToMember returns e, an edge into a target set, as the edge to member
// that it stands for: to member, with member's ID for every
// graphmodel.TargetPlaceholder in the source and note of its evidence. The
// evidence is copied only when it holds the placeholder.
func EdgeToMember(e graphmodel.Edge, member string) graphmodel.Edge {
	e.To = member
	if names(e.Evidence, graphmodel.TargetPlaceholder) {
		e.Evidence = replaced(e.Evidence, graphmodel.TargetPlaceholder, member)
	}
	return e
}
