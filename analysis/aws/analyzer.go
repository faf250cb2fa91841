package aws

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Analyzer is the AWS deriver; it satisfies analysis.Deriver.
type Analyzer struct {
	now time.Time
	// perPrincipal decides everything principal by principal, without
	// access classes or permission sets (the reference they are tested
	// against).
	perPrincipal bool
	// observe, when set, is given the model before the rules run (tests
	// watch how far a cancelled analysis goes).
	observe func(*model)
}

// New returns an analyzer that evaluates date conditions against the current time.
func New() *Analyzer { return &Analyzer{} }

// NewAt returns an analyzer that evaluates date conditions against now.
func NewAt(now time.Time) *Analyzer { return &Analyzer{now: now} }

// Name returns "aws".
func (a *Analyzer) Name() string { return "aws" }

// Derive returns the attack-graph edges the AWS facts of snap prove, and the
// nodes for principals outside the snapshot that those edges start from.
func (a *Analyzer) Derive(ctx context.Context, snap *graphmodel.Snapshot) ([]graphmodel.Node, []graphmodel.Edge, error) {
	now := a.now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	m, err := buildModel(snap, now.UTC().Format(time.RFC3339))
	if err != nil {
		return nil, nil, err
	}
	m.cancelled = func() bool { return ctx.Err() != nil }
	m.perPrincipal = a.perPrincipal
	if a.observe != nil {
		a.observe(m)
	}
	out := &emitter{}
	// A group someone outside it can join gives its permissions to every
	// joiner: it is decided, by every family, as a member of its own.
	addJoinableGroups(m)
	// Administrators first: the other families skip them. Then resource
	// access, the largest family, runs beside the others, on the other
	// cores; its edges come last, as if it had run last.
	deriveAdmin(m, out)
	m.warmTargetFacts()
	var access [][]graphmodel.Edge
	done := make(chan struct{})
	go func() {
		defer close(done)
		access = deriveResourceAccess(m)
	}()
	// The other families run side by side too, each with its own emitter;
	// their edges are put together in this order.
	families := []func(*model, *emitter){deriveAssumeRole, deriveGrants, deriveCredentialsTrust, deriveGroupJoin, derivePassRole, deriveExisting}
	outs := make([]emitter, len(families))
	var wg sync.WaitGroup
	for i, derive := range families {
		wg.Add(1)
		go func() {
			defer wg.Done()
			derive(m, &outs[i])
		}()
	}
	wg.Wait()
	for i := range outs {
		out.edges = append(out.edges, outs[i].edges...)
		outs[i].edges = nil
	}
	<-done
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	// One array for every edge, filled chunk by chunk, each chunk let go
	// once copied: the edges are most of the memory.
	total := len(out.edges)
	for _, chunk := range access {
		total += len(chunk)
	}
	edges := make([]graphmodel.Edge, 0, total)
	edges = append(edges, out.edges...)
	out.edges = nil
	for i := range access {
		edges = append(edges, access[i]...)
		access[i] = nil
	}
	out.edges = edges
	nodes := make([]graphmodel.Node, 0, len(m.external))
	for _, n := range m.external {
		nodes = append(nodes, n)
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
	return nodes, out.edges, nil
}

// emitter collects derived edges.
type emitter struct {
	edges []graphmodel.Edge
}

// add records an edge justified by v; a Maybe verdict makes it conditional.
func (e *emitter) add(kind graphmodel.EdgeKind, from, to, technique string, v verdict) {
	if v.t == awspolicy.No {
		return
	}
	edge := graphmodel.Edge{
		From: from, To: to, Kind: kind, Technique: technique,
		// Clipped: edges of one access class share their evidence.
		Evidence: slices.Clip(v.evidence),
	}
	if v.t == awspolicy.Maybe {
		edge.Conditional = true
		edge.Conditions = dedupe(v.undecided)
	}
	e.edges = append(e.edges, edge)
}

// addKind records an edge of kind, at access when one is given (a
// CAN_ACCESS edge).
func (e *emitter) addKind(kind graphmodel.EdgeKind, from, to, technique string, access graphmodel.Access, v verdict) {
	n := len(e.edges)
	e.add(kind, from, to, technique, v)
	if access != "" && len(e.edges) > n {
		e.edges[n].Access = access
	}
}

// addAccess records a CAN_ACCESS edge at the given level, named by the
// action that proves it.
func (e *emitter) addAccess(from, to, action string, access graphmodel.Access, v verdict) {
	n := len(e.edges)
	e.add(graphmodel.EdgeCanAccess, from, to, action, v)
	if len(e.edges) > n {
		e.edges[n].Access = access
	}
}
