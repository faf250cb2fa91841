// What is loaded
//
// Answers: which exports are in this database (scope and run), how many
// nodes each holds, and how many of each label, the most frequent first.
// An export replaces the previous run of the same scope, so one run per
// scope is expected; one row per scope and run.
//
// Parameters: none
MATCH (n:Node)
WITH n.export_scope AS scope, n.export_run AS run, labels(n) AS labels
WITH scope, run, count(*) AS nodes, collect(labels) AS lists
UNWIND lists AS list
UNWIND list AS label
WITH scope, run, nodes, label, count(*) AS n
WHERE label <> 'Node'
ORDER BY n DESC, label
RETURN scope, run, nodes, collect(label + ': ' + n) AS labels
ORDER BY scope, run
