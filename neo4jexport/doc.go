// Package neo4jexport writes an estate's attack graph to Neo4j for analysts:
// every snapshot node (identities, groups, scopes, resources, policies), the
// fact edges the collectors recorded, the derived attack edges (CAN_BECOME,
// CAN_ACCESS, ADMIN_OF, CAN_GRANT_ADMIN, and INCLUDES out of target sets)
// with their technique, evidence and conditional flag, and the blast-radius
// figures of every identity.
//
// The export is built for large estates and repeated runs:
//
//   - uniqueness constraints on id come first, so that a node's MERGE is
//     an index lookup;
//   - nodes and relationships are written with batched UNWIND statements,
//     one statement per label set or relationship type (labels and types
//     cannot be parameters without APOC), a bounded number of rows per
//     managed transaction, two transactions at a time (Options.Workers;
//     the driver retries one that deadlocks);
//   - every node statement returns the element ID of each node it wrote,
//     and relationship rows name their ends by those: a direct read, where
//     a lookup by id searches the index twice per relationship;
//   - it is idempotent: nodes merge on id, relationships on (start, type,
//     end, technique), and a node's or relationship's properties are
//     replaced, not accumulated. What cannot exist yet is created instead,
//     which is cheaper: a node whose id the database does not hold (looked
//     up first; the uniqueness constraint refuses a repeat, and the batch is
//     then merged), and a relationship with an end this run created (a new
//     node has no other relationships). Other relationships are looked up
//     between their two ends and updated, and created where missing, in
//     one transaction, without MERGE: its locks, taken while the statement
//     runs, make two batches that share nodes deadlock. A first export into
//     an empty database creates everything; a repeated one updates
//     everything, and writes only the properties that changed and
//     export_run;
//   - every node and relationship written carries export_run (this run's ID)
//     and export_scope (the scopes of the snapshot); after writing, what
//     carries the same export_scope and another export_run is deleted, in
//     bounded transactions (skipped when nothing carried the scope before
//     the run). A stale node that relationships of another export scope
//     still use is kept.
//
// Two exports of overlapping scopes running at the same time may create
// the same relationship twice (the lookup and the creation are not one
// atomic MERGE); the next export updates both copies.
//
// Graph model in Neo4j. Every node has the label Node and its id; its kind
// gives a label (aws.role → AwsRole) and its class a shared label
// (Identity, Group, Scope, Resource, Policy), machine identities also
// NonHuman; nodes a reference names but the estate does not define get
// Unknown. Relationship types are the edge kinds in upper case (MEMBER_OF,
// ATTACHED_POLICY, CAN_BECOME, …). A scope gets a CONTAINS relationship to
// every identity, group and resource whose scope it is, as the analysis
// traverses them: an administrator of a scope controls what is in it.
//
// The analysis's sets are nodes labelled DerivedSet: a permission set holds
// steps for its members (MEMBER_OF into it); a target set (also TargetSet,
// with the count of its members in members) stands for the targets several
// sources reach alike: a CAN_BECOME or CAN_ACCESS relationship into it is
// that step to every member it has INCLUDES to, with the evidence's
// {target} read as the member's id. Neither MEMBER_OF into a permission
// set nor INCLUDES is a hop of its own.
package neo4jexport
