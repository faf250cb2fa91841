package neo4jexport

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// DefaultBatchSize is how many rows one write transaction carries.
const DefaultBatchSize = 5000

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
	// Progress receives a one-line progress display, rewritten in place
	// (carriage returns); nil writes none. Give it a terminal only.
	Progress io.Writer
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
	defer func() {
		// End a progress line an error interrupted, so the message that
		// follows starts on its own line.
		if err != nil && w.shown && !w.ended {
			fmt.Fprintln(w.progress)
		}
	}()
	if err := w.constraints(ctx); err != nil {
		return st, err
	}
	// Every node before any relationship: relationships MATCH their ends.
	t0 := time.Now()
	if err := w.runJobs(ctx, w.nodeJobs(), &st); err != nil {
		return st, err
	}
	st.NodeTime = time.Since(t0)
	t0 = time.Now()
	if err := w.runJobs(ctx, w.relationshipJobs(), &st); err != nil {
		return st, err
	}
	st.RelationshipTime = time.Since(t0)
	w.show(st, true)
	if err := w.cleanup(ctx, &st); err != nil {
		return st, err
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
	progress   io.Writer
	shown      bool // a progress line was written
	ended      bool // and ended
	plan       *plan
	graph      *Graph
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
		if err := run(ctx, s, q, nil); err != nil {
			if l == LabelNode {
				return fmt.Errorf("neo4j export: constraint on %s.id: %w", l, err)
			}
			// An analyst's own index on the same property blocks the
			// constraint; lookups work without it.
			slog.WarnContext(ctx, "neo4j export: constraint not created", "label", l, "error", err)
		}
	}
	if err := run(ctx, s, "CALL db.awaitIndexes(300)", nil); err != nil {
		return fmt.Errorf("neo4j export: wait for indexes: %w", err)
	}
	return nil
}

// batchJob is one write transaction: a statement and the rows it takes,
// built when a worker picks the job up.
type batchJob struct {
	what   string // "AwsRole:Identity nodes", "CAN_BECOME relationships"
	query  string
	params map[string]any
	rows   func() []any
	n      int
	node   bool
}

// nodeJobs cuts every node group into batches.
func (w *writer) nodeJobs() []batchJob {
	managed := managedLabels()
	var jobs []batchJob
	for _, grp := range w.plan.nodeGroups {
		q := nodeStatement(grp.labels, managed)
		want := int64(len(grp.labels) + 1)
		for lo := 0; lo < len(grp.nodes); lo += w.batch {
			part := grp.nodes[lo:min(lo+w.batch, len(grp.nodes))]
			jobs = append(jobs, batchJob{
				what: strings.Join(grp.labels, ":") + " nodes", query: q, n: len(part), node: true,
				params: map[string]any{"run": w.run, "scope": w.scope, "want": want},
				rows: func() []any {
					rows := make([]any, 0, len(part))
					for _, n := range part {
						rows = append(rows, map[string]any{"p": nodeProps(n, w.graph.Identities[n.ID])})
					}
					return rows
				},
			})
		}
	}
	return jobs
}

// relationshipJobs cuts every relationship group into batches.
func (w *writer) relationshipJobs() []batchJob {
	var jobs []batchJob
	for _, grp := range w.plan.relGroups {
		q := relStatement(grp.typ)
		for lo := 0; lo < len(grp.edges); lo += w.batch {
			part := grp.edges[lo:min(lo+w.batch, len(grp.edges))]
			jobs = append(jobs, batchJob{
				what: grp.typ + " relationships", query: q, n: len(part),
				params: map[string]any{"run": w.run, "scope": w.scope},
				rows: func() []any {
					rows := make([]any, 0, len(part))
					for _, e := range part {
						rows = append(rows, map[string]any{"f": e.From, "t": e.To, "p": relProps(e)})
					}
					return rows
				},
			})
		}
	}
	return jobs
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
				params := make(map[string]any, len(j.params)+1)
				for k, v := range j.params {
					params[k] = v
				}
				params["rows"] = j.rows()
				err := write(ctx, s, j.query, params)
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
// nodes with more labels than the group's need that).
func nodeStatement(labels, managed []string) string {
	var b strings.Builder
	b.WriteString("UNWIND $rows AS r\nMERGE (n:Node {id: r.p.id})\n")
	b.WriteString("SET n = r.p, n.export_run = $run, n.export_scope = $scope\n")
	b.WriteString("SET n")
	for _, l := range labels {
		b.WriteString(":" + quote(l))
	}
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
		b.WriteString("\nWITH n WHERE size(labels(n)) > $want\nREMOVE n:" + strings.Join(stale, ":"))
	}
	return b.String()
}

// relStatement merges relationships of one type on (start, type, end,
// technique) and replaces their properties.
func relStatement(typ string) string {
	return "UNWIND $rows AS r\n" +
		"MATCH (a:Node {id: r.f})\n" +
		"MATCH (b:Node {id: r.t})\n" +
		"MERGE (a)-[e:" + quote(typ) + " {technique: r.p.technique}]->(b)\n" +
		"SET e = r.p, e.export_run = $run, e.export_scope = $scope"
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
	res, err := s.Run(ctx, fmt.Sprintf(cleanupRelationships, w.batch), params)
	if err == nil {
		var sum neo4j.ResultSummary
		if sum, err = res.Consume(ctx); err == nil {
			st.DeletedRelationships = sum.Counters().RelationshipsDeleted()
		}
	}
	if err != nil {
		return fmt.Errorf("neo4j export: delete stale relationships: %w", err)
	}
	res, err = s.Run(ctx, fmt.Sprintf(cleanupNodes, w.batch), params)
	if err == nil {
		var sum neo4j.ResultSummary
		if sum, err = res.Consume(ctx); err == nil {
			st.DeletedNodes = sum.Counters().NodesDeleted()
		}
	}
	if err != nil {
		return fmt.Errorf("neo4j export: delete stale nodes: %w", err)
	}
	return nil
}

// show rewrites the progress line; last ends it.
func (w *writer) show(st Stats, last bool) {
	if w.progress == nil {
		return
	}
	fmt.Fprintf(w.progress, "\rneo4j export: nodes %d/%d, relationships %d/%d",
		st.Nodes, w.plan.nNodes, st.Relationships, w.plan.nRels)
	w.shown = true
	if last {
		fmt.Fprintln(w.progress)
		w.ended = true
	}
}

// write runs one statement in a managed write transaction (retried by the
// driver on transient errors).
func write(ctx context.Context, s neo4j.SessionWithContext, q string, params map[string]any) error {
	_, err := s.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, q, params)
		if err != nil {
			return nil, err
		}
		_, err = res.Consume(ctx)
		return nil, err
	})
	return err
}

// run runs one auto-commit statement and consumes its result.
func run(ctx context.Context, s neo4j.SessionWithContext, q string, params map[string]any) error {
	res, err := s.Run(ctx, q, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// quote returns a Cypher identifier in backticks (backticks inside doubled).
func quote(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
