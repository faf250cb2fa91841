// Techniques in the estate
//
// Answers: which escalation techniques does the attack graph use, how
// often, how many of those steps are conditional, and how many a
// permission set (DerivedSet) holds for its members? Technique ids refer
// to the catalogue (iam-001, sts-001, …) or name a generic step. The most
// frequent first.
//
// Parameters:
//   $limit  how many step and technique pairs to list (default 50)
MATCH (a)-[r]->()
WHERE r.derived
RETURN type(r) AS step, r.technique AS technique, count(*) AS edges,
       sum(CASE WHEN r.conditional THEN 1 ELSE 0 END) AS conditional,
       sum(CASE WHEN a:DerivedSet THEN 1 ELSE 0 END) AS from_sets
ORDER BY edges DESC, step, technique
LIMIT $limit
