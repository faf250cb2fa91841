package analysis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// ParseDetail reads a --detail value: "summary" (or "") or "full".
func ParseDetail(s string) (Detail, error) {
	switch Detail(s) {
	case "", DetailSummary:
		return DetailSummary, nil
	case DetailFull:
		return DetailFull, nil
	}
	return "", fmt.Errorf("unknown detail %q (want summary or full)", s)
}

// Analyze runs the derivers over the snapshot, builds the attack graph and
// computes, for every identity (every node of class identity: users, roles,
// external accounts, federated principals, …; groups are traversed but not
// listed), what an attacker who compromises it controls: the scopes it can
// administer, the identities and resources it can reach, the escalation
// paths with their evidence, and the blast radius score (see score.go), and
// ranks identities by score (descending, ties by ID).
//
// The attack graph holds every snapshot node and derived node. It is
// traversed along derived can_become, admin_of and can_access edges, fact
// member_of edges (a user holds its groups' permissions) and contains edges
// from an administered scope to every identity, group and resource inside it
// (a node's Scope field, or a fact contains edge). can_grant_admin edges
// x → y are applied, not traversed: when an attacker controls both x and y,
// y's scope is administered. Each identity has a certain closure (edges with
// Conditional false only) and a full closure (every edge); what only the
// full closure reaches is reported as conditional.
func Analyze(ctx context.Context, snap *graphmodel.Snapshot, opts Options) (*Result, error) {
	g, err := Prepare(ctx, snap, opts)
	if err != nil {
		return nil, err
	}
	return g.Result(ctx)
}

// Graph is an estate ready for questions: the snapshot, every derived edge,
// and the compact attack graph, built once. It is safe for concurrent reads.
type Graph struct {
	snap  *graphmodel.Snapshot
	opts  Options
	a     *analyzer
	index map[string]int32
	now   time.Time
	// derivedNodes and derivedEdges are the derivers' output (Derived).
	derivedNodes []graphmodel.Node
	derivedEdges []graphmodel.Edge
}

// Prepare runs the derivers over the snapshot and builds the attack graph.
func Prepare(ctx context.Context, snap *graphmodel.Snapshot, opts Options) (*Graph, error) {
	return prepare(ctx, snap, opts, nil)
}

// prepare is Prepare with extra derived edges (a query's own).
func prepare(ctx context.Context, snap *graphmodel.Snapshot, opts Options, extra []graphmodel.Edge) (*Graph, error) {
	if snap == nil {
		return nil, errors.New("analyze: no snapshot")
	}
	detail, err := ParseDetail(string(opts.Detail))
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	opts.Detail = detail
	now := opts.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	sens := opts.Sensitivity
	if sens == nil {
		sens = DefaultSensitivity
	}

	for _, d := range opts.Derivers {
		if kd, ok := d.(KindDefiner); ok {
			if err := graphmodel.DefineKinds(kd.Kinds()...); err != nil {
				return nil, fmt.Errorf("analyze: %s: %w", d.Name(), err)
			}
		}
	}
	var extraNodes []graphmodel.Node
	var derived []graphmodel.Edge
	for _, d := range opts.Derivers {
		start := time.Now()
		nodes, edges, err := runDeriver(ctx, d, snap)
		if err != nil {
			return nil, err
		}
		slog.DebugContext(ctx, "derived", "deriver", d.Name(), "nodes", len(nodes), "edges", len(edges), "took", time.Since(start).Round(time.Millisecond))
		extraNodes = append(extraNodes, nodes...)
		if derived == nil {
			derived = edges // no copy: the edges are most of the memory
		} else {
			derived = append(derived, edges...)
		}
	}
	start := time.Now()
	ag, extraNodes, derived, err := buildGraph(snap, extraNodes, derived, extra, !opts.ungrouped)
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}

	a := &analyzer{g: ag, now: now, detail: detail, sensitivity: make([]float64, len(ag.nodes))}
	a.composites = composites(opts.Derivers)
	a.categories = categories(opts.Derivers)
	index := make(map[string]int32, len(ag.nodes))
	for i, n := range ag.nodes {
		index[n.ID] = int32(i)
		if ag.class[i] == graphmodel.ClassResource {
			a.sensitivity[i] = sens(n)
		}
	}
	ag.blocks = buildBlocks(ag, a.sensitivity)
	slog.DebugContext(ctx, "attack graph built", "nodes", len(ag.nodes), "arcs", len(ag.arcs), "grants", len(ag.grants), "took", time.Since(start).Round(time.Millisecond))
	return &Graph{snap: snap, opts: opts, a: a, index: index, now: now,
		derivedNodes: extraNodes, derivedEdges: derived}, nil
}

// Derived returns what the derivers added to the snapshot: the nodes they
// needed and the attack-graph edges they proved, with the targets that
// several sources reach alike grouped into target sets (their nodes and
// includes edges). The attack graph refers to those edges: callers must not
// change them.
func (g *Graph) Derived() ([]graphmodel.Node, []graphmodel.Edge) {
	return g.derivedNodes, g.derivedEdges
}

// Result computes the blast radius of every identity and ranks them.
func (g *Graph) Result(ctx context.Context) (*Result, error) {
	a := g.a
	var sources []int32
	for i := range a.g.nodes {
		if a.g.class[i] == graphmodel.ClassIdentity {
			sources = append(sources, int32(i))
		}
	}
	start := time.Now()
	// With a Top below the count, the lists are built in a second pass,
	// for the identities the ranking puts first.
	top := g.opts.Top
	if top <= 0 || top >= len(sources) {
		top = 0
	}
	identities, err := a.all(ctx, sources, g.opts.Workers, top == 0)
	if err != nil {
		return nil, err
	}
	slog.DebugContext(ctx, "blast radius computed", "identities", len(identities), "took", time.Since(start).Round(time.Millisecond))
	order := make([]int, len(identities))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool {
		x, y := &identities[order[i]], &identities[order[j]]
		if x.BlastRadius.Score != y.BlastRadius.Score {
			return x.BlastRadius.Score > y.BlastRadius.Score
		}
		return x.ID < y.ID
	})
	ranked := make([]Identity, len(identities))
	for i, k := range order {
		ranked[i] = identities[k]
		ranked[i].Rank = i + 1
	}
	identities = ranked
	if top > 0 {
		first := make([]int32, top)
		for i := range first {
			first[i] = sources[order[i]]
		}
		listed, err := a.all(ctx, first, g.opts.Workers, true)
		if err != nil {
			return nil, err
		}
		for i := range listed {
			listed[i].Rank = i + 1
			identities[i] = listed[i]
		}
		slog.DebugContext(ctx, "lists of the first identities built", "identities", top)
	}

	res := &Result{
		SchemaVersion: ResultSchemaVersion,
		GeneratedAt:   g.now,
		Snapshots:     make([]SnapshotInfo, 0, len(g.snap.Sources)),
		Identities:    identities,
	}
	for _, src := range g.snap.Sources {
		res.Snapshots = append(res.Snapshots, SnapshotInfo{
			Provider: src.Provider,
			Scope:    src.Scope,
			Origin:   src.Origin,
			Gaps:     append([]graphmodel.Gap{}, src.Gaps...),
		})
	}
	return res, nil
}

// runDeriver runs one deriver, turning a panic into an error so that one
// faulty provider analysis cannot take the process down.
func runDeriver(ctx context.Context, d Deriver, snap *graphmodel.Snapshot) (nodes []graphmodel.Node, edges []graphmodel.Edge, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("derive %s: panic: %v", d.Name(), p)
		}
	}()
	nodes, edges, err = d.Derive(ctx, snap)
	if err != nil {
		return nil, nil, fmt.Errorf("derive %s: %w", d.Name(), err)
	}
	return nodes, edges, nil
}
