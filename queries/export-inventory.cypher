// What is loaded
//
// Answers: which exports are in this database (scope and run), and how
// many nodes of each label they hold. An export replaces the previous run
// of the same scope, so one run per scope is expected.
//
// Parameters: none
MATCH (n:Node)
UNWIND [l IN labels(n) WHERE l <> 'Node'] AS label
RETURN n.export_scope AS scope, n.export_run AS run, label, count(*) AS nodes
ORDER BY scope, run, nodes DESC, label
