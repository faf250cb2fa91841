// Techniques in the estate
//
// Answers: which escalation techniques does the attack graph use, how
// often, how many of those steps are conditional, and how many a
// permission set (DerivedSet) holds for its members? Technique ids refer
// to the catalogue (iam-001, sts-001, …) or name a generic step. A step
// into a target set (TargetSet) counts once for each of its members (its
// members property), as the steps it stands for; into_sets says how many
// of the steps are held so. The INCLUDES relationships themselves are no
// steps. The most frequent first.
//
// Parameters:
//   $limit  how many step and technique pairs to list (default 50)
MATCH (a)-[r]->(b)
WHERE r.derived AND type(r) <> 'INCLUDES'
WITH a, r, CASE WHEN b:TargetSet THEN coalesce(b.members, 1) ELSE 1 END AS n, b:TargetSet AS into_set
RETURN type(r) AS step, r.technique AS technique, sum(n) AS edges,
       sum(CASE WHEN r.conditional THEN n ELSE 0 END) AS conditional,
       sum(CASE WHEN a:DerivedSet THEN n ELSE 0 END) AS from_sets,
       sum(CASE WHEN into_set THEN n ELSE 0 END) AS into_sets
ORDER BY edges DESC, step, technique
LIMIT $limit
