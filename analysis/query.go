package analysis

import (
	"context"
	"fmt"
	"sort"

	"github.com/blastradius/blastradius/graphmodel"
)

// UnknownNodeError is a query naming an ID the estate does not have.
type UnknownNodeError struct{ ID string }

func (e *UnknownNodeError) Error() string {
	return fmt.Sprintf("%q is not in the analyzed estate (give the full ID, e.g. an ARN)", e.ID)
}

// ActionChecker is implemented by a Deriver that can say which principals
// may perform one action on one resource by themselves (their own policies,
// the resource's policy): the first or only hop of a who-can answer. Each
// returned edge runs from a principal to the resource, with the action as
// its technique and the statements that allow it as evidence.
type ActionChecker interface {
	DirectlyCan(ctx context.Context, snap *graphmodel.Snapshot, action, resource string) ([]graphmodel.Edge, error)
}

// Paths returns the shortest paths from one identity: to the node to, or,
// when to is "", to every scope it can administer. A certain path is
// preferred; a target reachable only conditionally gets its shortest
// conditional path. The list is sorted like escalations: certain first,
// then by length, then by target ID. No path gives an empty list.
func (g *Graph) Paths(from, to string) ([]Escalation, error) {
	u, ok := g.index[from]
	if !ok {
		return nil, &UnknownNodeError{from}
	}
	var want []int32
	if to != "" {
		t, ok := g.index[to]
		if !ok {
			return nil, &UnknownNodeError{to}
		}
		want = []int32{t}
	}
	certain, full := newReacher(g.a.g, true), newReacher(g.a.g, false)
	certain.run(u)
	full.run(u)
	if to == "" {
		for _, v := range full.individuals() { // scopes always join individually
			if g.a.g.isScope[v] && v != u {
				want = append(want, v)
			}
		}
	}
	var out []Escalation
	for _, t := range want {
		switch {
		case t == u:
		case certain.has(t):
			out = append(out, g.a.escalation(certain.path(t), false, certain))
		case full.has(t):
			out = append(out, g.a.escalation(full.path(t), true, certain))
		}
	}
	sortEscalations(out)
	return out, nil
}

func sortEscalations(list []Escalation) {
	sort.SliceStable(list, func(i, j int) bool {
		x, y := &list[i], &list[j]
		return answerLess(x.Conditional, y.Conditional, len(x.Path), len(y.Path), x.Target, y.Target)
	})
}

// answerLess orders answers: certain before conditional, then shorter
// paths, then by ID.
func answerLess(condX, condY bool, lenX, lenY int, idX, idY string) bool {
	if condX != condY {
		return !condX
	}
	if lenX != lenY {
		return lenX < lenY
	}
	return idX < idY
}

// Capable is one identity that can perform a who-can query's action, and
// the path that proves it; its last hop is always the one onto the resource.
type Capable struct {
	Identity    string              `json:"identity"`
	Kind        graphmodel.NodeKind `json:"kind"`
	Name        string              `json:"name"`
	NonHuman    bool                `json:"non_human"`
	Conditional bool                `json:"conditional"`
	Path        []Hop               `json:"path"`
}

// WhoCan lists every identity that can perform action on resource, by
// itself or through any chain: it reaches a principal the providers'
// ActionCheckers say can do it directly, or administers the scope that
// holds the resource. Certain answers come first, then by path length,
// then by ID.
func WhoCan(ctx context.Context, snap *graphmodel.Snapshot, opts Options, action, resource string) ([]Capable, error) {
	known := false
	for i := range snap.Nodes {
		if snap.Nodes[i].ID == resource {
			known = true
			break
		}
	}
	if !known {
		return nil, &UnknownNodeError{resource}
	}
	var direct []graphmodel.Edge
	for _, d := range opts.Derivers {
		c, ok := d.(ActionChecker)
		if !ok {
			continue
		}
		edges, err := c.DirectlyCan(ctx, snap, action, resource)
		if err != nil {
			return nil, fmt.Errorf("who-can %s: %w", d.Name(), err)
		}
		for i := range edges {
			edges[i].Kind = graphmodel.EdgeCanAccess
			edges[i].Technique = action
			if edges[i].Access == "" {
				edges[i].Access = graphmodel.AccessRead
			}
		}
		direct = append(direct, edges...)
	}
	g, err := prepare(ctx, snap, opts, direct)
	if err != nil {
		return nil, err
	}
	target, ok := g.index[resource]
	if !ok {
		return nil, &UnknownNodeError{resource}
	}
	ag := g.a.g
	// goals: the node whose arc onto the resource proves the action.
	goal := map[int32]int32{} // node → arc index onto the resource
	for v := range ag.nodes {
		arcs, base := ag.arcsOf(int32(v))
		for i := range arcs {
			a := &arcs[i]
			if a.to != target {
				continue
			}
			isDirect := a.kind == arcAccess && a.edge >= 0 && ag.edges[a.edge].Technique == action
			if isDirect || a.kind == arcContains {
				if _, seen := goal[int32(v)]; !seen || !a.cond {
					goal[int32(v)] = base + int32(i)
				}
			}
		}
	}
	certain, full := newReacher(ag, true), newReacher(ag, false)
	var out []Capable
	for u := range ag.nodes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if ag.class[u] != graphmodel.ClassIdentity {
			continue
		}
		// The resource is an answer about itself only when it can act on
		// itself directly (a user allowed to edit its own policy).
		if c, ok := g.capable(int32(u), goal, certain, full); ok && (int32(u) != target || len(c.Path) == 1) {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		x, y := &out[i], &out[j]
		return answerLess(x.Conditional, y.Conditional, len(x.Path), len(y.Path), x.Identity, y.Identity)
	})
	return out, nil
}

// capable finds u's nearest goal, certain chains first.
func (g *Graph) capable(u int32, goal map[int32]int32, certain, full *reacher) (Capable, bool) {
	ag := g.a.g
	for _, r := range []*reacher{certain, full} {
		r.run(u)
		best, bestArc := int32(-1), int32(-1)
		for v, ai := range goal {
			if !r.has(v) || (r.certainOnly && ag.arcs[ai].cond) {
				continue
			}
			if best < 0 || r.distance(v) < r.distance(best) || (r.distance(v) == r.distance(best) && v < best) {
				best, bestArc = v, ai
			}
		}
		if best < 0 {
			continue
		}
		steps := append(r.path(best), step{from: best, to: ag.arcs[bestArc].to, ref: bestArc})
		esc := g.a.escalation(steps, r == full, certain)
		n := ag.nodes[u]
		return Capable{Identity: n.ID, Kind: n.Kind, Name: n.Name, NonHuman: n.IsNonHuman(),
			Conditional: esc.Conditional, Path: esc.Path}, true
	}
	return Capable{}, false
}
