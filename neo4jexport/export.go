package neo4jexport

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/blastradius/blastradius/graphmodel"
)

// DefaultBatchSize is how many rows one write transaction carries.
const DefaultBatchSize = 10000

// DefaultWorkers is how many write transactions run at once.
const DefaultWorkers = 2

// Options steer Export.
type Options struct {
	// BatchSize is the number of rows per write transaction (and per
	// cleanup transaction); zero or less means DefaultBatchSize.
	BatchSize int
	// Workers is the number of write transactions run at once; zero or
	// less means DefaultWorkers. Concurrent transactions that touch the
	// same nodes wait for each other or deadlock and are retried.
	Workers int
	// Progress, when set, receives the export's progress events: one
	// after each batch written, one Final when every node and
	// relationship is written. They come one at a time, in order; an
	// export that fails publishes no Final event.
	Progress func(Progress)
}

// Progress is how far an export has come: what has been written of what
// there is to write. The export publishes events; the command layer
// renders them.
type Progress struct {
	Nodes, NodesTotal                 int
	Relationships, RelationshipsTotal int
	// Final marks the last event: the writes are done (the removal of
	// stale nodes and relationships may follow).
	Final bool
}

// Stats says what an export did.
type Stats struct {
	// Nodes and Relationships count what was written (merged).
	Nodes, Relationships int
	// DeletedNodes and DeletedRelationships count the stale ones removed.
	DeletedNodes, DeletedRelationships int
	// Elapsed is the time the export took; NodeTime and RelationshipTime
	// are the parts spent writing nodes and relationships.
	Elapsed, NodeTime, RelationshipTime time.Duration
}

// NewRunID returns a fresh export run ID: the time in UTC and random hex
// ("20250301T101500.123456789Z-3f9a0c1d").
func NewRunID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(b[:])
}

// Export writes g to the Neo4j database (the server's default when
// database is "") through driver: constraints, nodes, relationships, then
// the removal of what an earlier export of the same scope wrote and this
// one did not. Every node and relationship written carries export_run =
// runID and export_scope = g.Scope. On error the graph may be partly
// written; exporting again repairs it.
func Export(ctx context.Context, driver neo4j.DriverWithContext, database, runID string, g *Graph, opts Options) (st Stats, err error) {
	start := time.Now()
	if g == nil {
		return st, errors.New("neo4j export: no graph")
	}
	if runID == "" {
		return st, errors.New("neo4j export: empty run id")
	}
	if g.Scope == "" {
		return st, errors.New("neo4j export: the graph has no scope (a snapshot without sources?)")
	}
	batch := opts.BatchSize
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	p, err := makePlan(g)
	if err != nil {
		return st, fmt.Errorf("neo4j export: %w", err)
	}
	w := &writer{
		driver: driver, database: database, run: runID, scope: g.Scope, batch: batch, workers: workers,
		progress: opts.Progress, plan: p, graph: g,
	}
	if err := w.constraints(ctx); err != nil {
		return st, err
	}
	// Every node before any relationship: relationships MATCH their ends.
	t0 := time.Now()
	// A scope nothing in the database carries yet has nothing stale to
	// remove after this run: the cleanup's scans are skipped.
	earlier, err := w.scopeExported(ctx)
	if err != nil {
		return st, err
	}
	existing, err := w.existing(ctx)
	if err != nil {
		return st, err
	}
	slog.DebugContext(ctx, "neo4j export: existing nodes looked up", "nodes", len(w.plan.nodes), "existing", len(existing),
		"earlier_run", earlier, "took", time.Since(t0).Round(time.Millisecond))
	if err := w.runJobs(ctx, w.nodeJobs(existing), &st); err != nil {
		return st, err
	}
	st.NodeTime = time.Since(t0)
	t0 = time.Now()
	if err := w.runJobs(ctx, w.relationshipJobs(), &st); err != nil {
		return st, err
	}
	st.RelationshipTime = time.Since(t0)
	w.show(st, true)
	if earlier {
		t0 = time.Now()
		if err := w.cleanup(ctx, &st); err != nil {
			return st, err
		}
		slog.DebugContext(ctx, "neo4j export: stale nodes and relationships deleted", "nodes", st.DeletedNodes,
			"relationships", st.DeletedRelationships, "took", time.Since(t0).Round(time.Millisecond))
	}
	st.Elapsed = time.Since(start)
	slog.InfoContext(ctx, "neo4j export done", "scope", g.Scope, "run", runID,
		"nodes", st.Nodes, "relationships", st.Relationships,
		"deleted_nodes", st.DeletedNodes, "deleted_relationships", st.DeletedRelationships,
		"node_time", st.NodeTime.Round(time.Millisecond), "relationship_time", st.RelationshipTime.Round(time.Millisecond),
		"elapsed", st.Elapsed.Round(time.Millisecond))
	return st, nil
}

// writer carries one export's state.
type writer struct {
	driver     neo4j.DriverWithContext
	database   string
	run, scope string
	batch      int
	workers    int
	progress   func(Progress)
	plan       *plan
	graph      *Graph

	mu       sync.Mutex
	fresh    map[string]bool   // IDs of the nodes this run created
	elements map[string]string // element IDs of the nodes written, by ID
}

func (w *writer) session(ctx context.Context) neo4j.SessionWithContext {
	return w.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: w.database, AccessMode: neo4j.AccessModeWrite})
}

// constraints creates the uniqueness constraint on Node.id, which every
// MERGE uses, and one on id for each kind label the export writes, which
// analysts' lookups (MATCH (r:AwsRole {id: …})) use; then waits until their
// indexes are online. Shared labels (Identity, …) get none: queries look
// nodes up by Node.id and scan shared labels.
func (w *writer) constraints(ctx context.Context) error {
	s := w.session(ctx)
	defer s.Close(ctx)
	labels := []string{LabelNode}
	seen := map[string]bool{LabelNode: true}
	for _, grp := range w.plan.nodeGroups {
		l := KindLabel(grp.nodes[0].Kind) // a group shares its kind label
		if l != "" && !seen[l] {
			seen[l] = true
			labels = append(labels, l)
		}
	}
	for _, l := range labels {
		q := fmt.Sprintf("CREATE CONSTRAINT %s IF NOT EXISTS FOR (n:%s) REQUIRE n.id IS UNIQUE",
			quote("blastradius_"+strings.ToLower(l)+"_id"), quote(l))
		if _, err := run(ctx, s, q, nil); err != nil {
			if l == LabelNode {
				return fmt.Errorf("neo4j export: constraint on %s.id: %w", l, err)
			}
			// An analyst's own index on the same property blocks the
			// constraint; lookups work without it.
			slog.WarnContext(ctx, "neo4j export: constraint not created", "label", l, "error", err)
		}
	}
	if _, err := run(ctx, s, "CALL db.awaitIndexes(300)", nil); err != nil {
		return fmt.Errorf("neo4j export: wait for indexes: %w", err)
	}
	return nil
}

// batchJob is one write transaction: its statements run by exec when a
// worker picks the job up (again when the driver retries it).
type batchJob struct {
	what string // "AwsRole:Identity nodes", "CAN_BECOME relationships"
	n    int
	node bool
	// exec runs the job's statements in tx and returns what done takes.
	exec func(ctx context.Context, tx neo4j.ManagedTransaction) (any, error)
	// done, if set, runs after the job committed, with what exec returned.
	done func(any)
	// fallback, if set, runs instead when the job fails because a
	// uniqueness constraint refused it.
	fallback *batchJob
}

// existing returns the IDs of the plan's nodes that the database already
// holds, looked up by the Node.id index in read transactions.
func (w *writer) existing(ctx context.Context) (map[string]bool, error) {
	s := w.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: w.database, AccessMode: neo4j.AccessModeRead})
	defer s.Close(ctx)
	found := map[string]bool{}
	// An empty database holds none of them: its count store says so at once.
	total, err := s.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		vals, err := single(ctx, tx, "MATCH (n:Node) RETURN count(n)", nil)
		if err != nil {
			return nil, err
		}
		return vals[0], nil
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j export: count existing nodes: %w", err)
	}
	if n, _ := total.(int64); n == 0 {
		return found, nil
	}
	ids := make([]any, 0, min(probeBatch, len(w.plan.nodes)))
	for _, c := range chunks(w.plan.nodes, probeBatch) {
		ids = ids[:0]
		for _, n := range c {
			ids = append(ids, n.ID)
		}
		// A retried read records the same IDs again.
		_, err := s.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			vals, err := single(ctx, tx, probeStatement, map[string]any{"ids": ids})
			if err != nil {
				return nil, err
			}
			held, _ := vals[0].([]any)
			for _, v := range held {
				if id, ok := v.(string); ok {
					found[id] = true
				}
			}
			return nil, nil
		})
		if err != nil {
			return nil, fmt.Errorf("neo4j export: look up existing nodes: %w", err)
		}
	}
	return found, nil
}

// scopeExported reports whether the database holds a node or relationship
// with this export's scope (from an earlier run). It stops at the first
// one; when there is none it scans what the cleanup would scan.
func (w *writer) scopeExported(ctx context.Context) (bool, error) {
	s := w.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: w.database, AccessMode: neo4j.AccessModeRead})
	defer s.Close(ctx)
	for _, q := range []string{scopeNodeStatement, scopeRelationshipStatement} {
		found, err := s.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, q, map[string]any{"scope": w.scope})
			if err != nil {
				return false, err
			}
			found := res.Next(ctx)
			return found, res.Err()
		})
		if err != nil {
			return false, fmt.Errorf("neo4j export: look for an earlier export of %s: %w", w.scope, err)
		}
		if found.(bool) {
			return true, nil
		}
	}
	return false, nil
}

// Statements that find one node or relationship of an export scope.
const (
	scopeNodeStatement         = "MATCH (n:Node) WHERE n.export_scope = $scope RETURN 1 LIMIT 1"
	scopeRelationshipStatement = "MATCH ()-[e]->() WHERE e.export_scope = $scope RETURN 1 LIMIT 1"
)

// probeBatch is how many IDs one existence lookup carries.
const probeBatch = 20000

// probeStatement returns the list of $ids that are node IDs in the
// database.
const probeStatement = "UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN collect(id)"

// nodeJobs cuts every node group into batches: nodes the database does
// not hold yet (not in existing) are created, the others merged. A create
// batch that a concurrent writer beat to one of its IDs (the uniqueness
// constraint refuses it) is merged instead. Every node statement returns
// the element ID of each node it wrote, kept in w.elements for the
// relationships; the nodes a create batch wrote are recorded in w.fresh.
func (w *writer) nodeJobs(existing map[string]bool) []batchJob {
	managed := managedLabels()
	w.fresh = make(map[string]bool, len(w.plan.nodes)-len(existing))
	w.elements = make(map[string]string, len(w.plan.nodes))
	record := func(fresh bool) func(any) {
		return func(v any) {
			w.mu.Lock()
			defer w.mu.Unlock()
			for _, p := range v.([][2]string) {
				w.elements[p[0]] = p[1]
				if fresh {
					w.fresh[p[0]] = true
				}
			}
		}
	}
	var jobs []batchJob
	for _, grp := range w.plan.nodeGroups {
		var created, merged []*graphmodel.Node
		for _, n := range grp.nodes {
			if existing[n.ID] {
				merged = append(merged, n)
			} else {
				created = append(created, n)
			}
		}
		what := strings.Join(grp.labels, ":") + " nodes"
		merge := nodeStatement(grp.labels, managed)
		create := createNodeStatement(grp.labels)
		params := map[string]any{"run": w.run, "scope": w.scope, "want": int64(len(grp.labels) + 1)}
		for _, c := range chunks(merged, w.batch) {
			jobs = append(jobs, batchJob{what: what, n: len(c), node: true,
				exec: w.nodeExec(merge, params, c), done: record(false)})
		}
		for _, c := range chunks(created, w.batch) {
			jobs = append(jobs, batchJob{what: what, n: len(c), node: true,
				exec: w.nodeExec(create, params, c), done: record(true),
				fallback: &batchJob{what: what, n: len(c), node: true,
					exec: w.nodeExec(merge, params, c), done: record(false)},
			})
		}
	}
	return jobs
}

// nodeExec returns a node batch's exec: the statement q on the nodes'
// property maps, returning each node's (id, element id).
func (w *writer) nodeExec(q string, params map[string]any, part []*graphmodel.Node) func(context.Context, neo4j.ManagedTransaction) (any, error) {
	return func(ctx context.Context, tx neo4j.ManagedTransaction) (any, error) {
		rows := make([]any, 0, len(part))
		for _, n := range part {
			p := nodeProps(n, w.graph.Identities[n.ID])
			if n.Kind.IsTargetSet() {
				p[PropMembers] = int64(w.plan.members[n.ID])
			}
			rows = append(rows, p)
		}
		vals, err := single(ctx, tx, q, with(params, "rows", rows))
		if err != nil {
			return nil, err
		}
		ids, _ := vals[0].([]any)
		els, _ := vals[1].([]any)
		if len(ids) != len(part) || len(els) != len(part) {
			return nil, fmt.Errorf("%d nodes written of %d", len(ids), len(part))
		}
		got := make([][2]string, len(ids))
		for i := range ids {
			id, _ := ids[i].(string)
			el, _ := els[i].(string)
			got[i] = [2]string{id, el}
		}
		return got, nil
	}
}

// relationshipJobs cuts every relationship group into batches, whose rows
// name their ends by the element IDs the node statements returned. A
// relationship with an end this run created cannot exist yet (a new node
// has no relationships but the ones this run writes, and the plan holds
// each merge key once), so it is created. The others are updated where
// they exist (updateRelStatement) and created where not, in the same
// transaction: no MERGE, whose locks taken while the statement runs make
// concurrent batches deadlock on shared nodes.
func (w *writer) relationshipJobs() []batchJob {
	var jobs []batchJob
	for _, grp := range w.plan.relGroups {
		var created, merged []*graphmodel.Edge
		for _, e := range grp.edges {
			if w.fresh[e.From] || w.fresh[e.To] {
				created = append(created, e)
			} else {
				merged = append(merged, e)
			}
		}
		what := grp.typ + " relationships"
		params := map[string]any{"run": w.run, "scope": w.scope, "derived": grp.derived}
		update, create := updateRelStatement(grp.typ), createRelStatement(grp.typ)
		for _, c := range chunks(merged, w.batch) {
			jobs = append(jobs, batchJob{what: what, n: len(c), exec: w.relExec(grp.typ, update, create, params, c)})
		}
		for _, c := range chunks(created, w.batch) {
			jobs = append(jobs, batchJob{what: what, n: len(c), exec: w.relExec(grp.typ, "", create, params, c)})
		}
	}
	return jobs
}

// relExec returns a relationship batch's exec: update (when not "") on
// every row, then create on the rows it did not find.
func (w *writer) relExec(typ, update, create string, params map[string]any, part []*graphmodel.Edge) func(context.Context, neo4j.ManagedTransaction) (any, error) {
	return func(ctx context.Context, tx neo4j.ManagedTransaction) (any, error) {
		rows := make([]any, 0, len(part))
		for i, e := range part {
			row := relRow(e)
			row[0], row[1] = w.elements[e.From], w.elements[e.To]
			if row[0] == "" || row[1] == "" {
				return nil, fmt.Errorf("relationship %s -%s-> %s: an end was not written", e.From, e.Kind, e.To)
			}
			if typ == grantType {
				u, ok := w.plan.usable[e]
				row = grantRow(row, u, ok)
			}
			if update != "" {
				row = append(row, int64(i))
			}
			rows = append(rows, row)
		}
		if update != "" {
			vals, err := single(ctx, tx, update, with(params, "rows", rows))
			if err != nil {
				return nil, err
			}
			found := make([]bool, len(rows))
			list, _ := vals[0].([]any)
			for _, v := range list {
				if i, ok := v.(int64); ok && i >= 0 && int(i) < len(found) {
					found[i] = true
				}
			}
			missing := rows[:0:0]
			for i, row := range rows {
				if !found[i] {
					missing = append(missing, row)
				}
			}
			if rows = missing; len(rows) == 0 {
				return nil, nil
			}
		}
		res, err := tx.Run(ctx, create, with(params, "rows", rows))
		if err != nil {
			return nil, err
		}
		_, err = res.Consume(ctx)
		return nil, err
	}
}

// with returns a copy of params with key set to v.
func with(params map[string]any, key string, v any) map[string]any {
	out := maps.Clone(params)
	out[key] = v
	return out
}

// chunks cuts list into parts of at most size elements.
func chunks[T any](list []T, size int) [][]T {
	var out [][]T
	for lo := 0; lo < len(list); lo += size {
		out = append(out, list[lo:min(lo+size, len(list))])
	}
	return out
}

// runJobs runs jobs on w.workers sessions at once, each job in its own
// managed transaction (the driver retries transient errors, deadlocks
// included). It stops at the first error.
func (w *writer) runJobs(ctx context.Context, jobs []batchJob, st *Stats) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan batchJob)
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	for i := 0; i < min(w.workers, max(len(jobs), 1)); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := w.session(ctx)
			defer s.Close(ctx)
			for j := range next {
				got, err := write(ctx, s, j.exec)
				if j.fallback != nil && isConstraintViolation(err) {
					slog.DebugContext(ctx, "neo4j export: a node to create exists: merging the batch", "what", j.what)
					j = *j.fallback
					got, err = write(ctx, s, j.exec)
				}
				if err == nil && j.done != nil {
					j.done(got)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("neo4j export: write %s: %w", j.what, err)
					cancel()
				}
				if err == nil {
					if j.node {
						st.Nodes += j.n
					} else {
						st.Relationships += j.n
					}
					w.show(*st, false)
				}
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- j
	}
	close(next)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = fmt.Errorf("neo4j export: %w", ctx.Err())
	}
	return firstErr
}

// nodeStatement merges nodes on id, replaces their properties, sets the
// group's labels and removes managed labels the node no longer has (only
// nodes with more labels than the group's need that). Each row is a
// node's property map; it returns each node's id and element ID.
func nodeStatement(labels, managed []string) string {
	var b strings.Builder
	b.WriteString("UNWIND $rows AS p\nMERGE (n:Node {id: p.id})\n")
	b.WriteString("SET n = p, n.export_run = $run, n.export_scope = $scope\n")
	b.WriteString("SET n" + labelList(labels))
	var stale []string
	keep := map[string]bool{}
	for _, l := range labels {
		keep[l] = true
	}
	for _, l := range managed {
		if !keep[l] {
			stale = append(stale, quote(l))
		}
	}
	if len(stale) > 0 {
		b.WriteString("\nWITH n\nCALL { WITH n WITH n WHERE size(labels(n)) > $want\n  REMOVE n:" + strings.Join(stale, ":") + " }")
	}
	b.WriteString("\n" + returnElements)
	return b.String()
}

// returnElements ends the node statements: the IDs and element IDs of the
// nodes written, in one record (a record per row costs the client more
// than the write).
const returnElements = "RETURN collect(n.id), collect(elementId(n))"

// createNodeStatement creates nodes with the group's labels: only for IDs
// the database does not hold (the uniqueness constraint on Node.id refuses
// a repeat).
func createNodeStatement(labels []string) string {
	return "UNWIND $rows AS p\nCREATE (n:Node" + labelList(labels) + ")\n" +
		"SET n = p, n.export_run = $run, n.export_scope = $scope\n" + returnElements
}

// labelList renders labels as ":`A`:`B`".
func labelList(labels []string) string {
	var b strings.Builder
	for _, l := range labels {
		b.WriteString(":" + quote(l))
	}
	return b.String()
}

// relEnds are the start of every relationship statement: the ends, found
// by the element IDs the node statements returned (a direct read, where a
// lookup by Node.id searches the index). A row is relRow's list with the
// element IDs of the ends in place of their IDs.
const relEnds = "UNWIND $rows AS r\nMATCH (a) WHERE elementId(a) = r[0]\nMATCH (b) WHERE elementId(b) = r[1]\n"

// updateRelStatement finds the relationships of one type with the rows'
// merge key (start, type, end, technique), sets each property the export
// writes (a missing one, null, is removed) so that they are replaced, not
// accumulated, and returns the list of the rows' indexes (the last element
// of each row) it found: the others are created (createRelStatement). Setting a
// property to the value it holds writes nothing; the properties are set
// one by one, as a whole-map SET makes Cypher buffer the batch (an Eager
// step) before it writes.
func updateRelStatement(typ string) string {
	var b strings.Builder
	b.WriteString(relEnds)
	// The subquery makes the planner look for the relationship between
	// the two ends found (Expand(Into), from the end with fewer
	// relationships), not through all relationships of one end.
	b.WriteString("CALL { WITH a, b, r\n  MATCH (a)-[e:" + quote(typ) + " {" + PropTechnique + ": r[2]}]->(b)\n  SET ")
	cols := columnsOf(typ)
	for i, c := range cols[1:] {
		fmt.Fprintf(&b, "e.%s = r[%d], ", c, i+3)
	}
	b.WriteString("e." + PropDerived + " = $derived, e." + PropExportRun + " = $run, e." + PropExportScope + " = $scope\n")
	b.WriteString("  RETURN count(e) AS found }\n")
	fmt.Fprintf(&b, "WITH r WHERE found > 0\nRETURN collect(r[%d])", len(cols)+2)
	return b.String()
}

// createRelStatement creates relationships of one type: for the ones that
// cannot exist yet (an end is a node this run created) and the ones
// updateRelStatement did not find.
func createRelStatement(typ string) string {
	var b strings.Builder
	b.WriteString(relEnds)
	b.WriteString("CREATE (a)-[e:" + quote(typ) + " {")
	for i, c := range columnsOf(typ) {
		fmt.Fprintf(&b, "%s: r[%d], ", c, i+2)
	}
	b.WriteString(PropDerived + ": $derived, " + PropExportRun + ": $run, " + PropExportScope + ": $scope}]->(b)")
	return b.String()
}

// Cleanup statements: auto-commit queries that delete in transactions of
// %d rows. A stale node still linked by another scope's relationship stays.
const (
	cleanupRelationships = `MATCH ()-[e]->()
WHERE e.export_scope = $scope AND e.export_run <> $run
CALL { WITH e DELETE e } IN TRANSACTIONS OF %d ROWS`
	cleanupNodes = `MATCH (n:Node)
WHERE n.export_scope = $scope AND n.export_run <> $run AND NOT EXISTS { (n)--() }
CALL { WITH n DELETE n } IN TRANSACTIONS OF %d ROWS`
)

// cleanup deletes what carries this export's scope and another run.
func (w *writer) cleanup(ctx context.Context, st *Stats) error {
	s := w.session(ctx)
	defer s.Close(ctx)
	params := map[string]any{"scope": w.scope, "run": w.run}
	sum, err := run(ctx, s, fmt.Sprintf(cleanupRelationships, w.batch), params)
	if err != nil {
		return fmt.Errorf("neo4j export: delete stale relationships: %w", err)
	}
	st.DeletedRelationships = sum.Counters().RelationshipsDeleted()
	sum, err = run(ctx, s, fmt.Sprintf(cleanupNodes, w.batch), params)
	if err != nil {
		return fmt.Errorf("neo4j export: delete stale nodes: %w", err)
	}
	st.DeletedNodes = sum.Counters().NodesDeleted()
	return nil
}

// show publishes a progress event; last marks the final one.
func (w *writer) show(st Stats, last bool) {
	if w.progress == nil {
		return
	}
	w.progress(Progress{
		Nodes: st.Nodes, NodesTotal: w.plan.nNodes,
		Relationships: st.Relationships, RelationshipsTotal: w.plan.nRels,
		Final: last,
	})
}

// write runs exec in a managed write transaction (retried by the driver
// on transient errors) and returns what it returned.
func write(ctx context.Context, s neo4j.SessionWithContext, exec func(context.Context, neo4j.ManagedTransaction) (any, error)) (any, error) {
	return s.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) { return exec(ctx, tx) })
}

// isConstraintViolation reports whether err is Neo4j refusing a write
// that a constraint forbids.
func isConstraintViolation(err error) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne) && ne.Code == "Neo.ClientError.Schema.ConstraintValidationFailed"
}

// run runs one auto-commit statement, consumes its result and returns
// its summary.
func run(ctx context.Context, s neo4j.SessionWithContext, q string, params map[string]any) (neo4j.ResultSummary, error) {
	res, err := s.Run(ctx, q, params)
	if err != nil {
		return nil, err
	}
	return res.Consume(ctx)
}

// single runs q in tx and returns the values of the one record it returns.
func single(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) ([]any, error) {
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return nil, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return nil, err
	}
	return rec.Values, nil
}

// quote returns a Cypher identifier in backticks (backticks inside doubled).
func quote(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
