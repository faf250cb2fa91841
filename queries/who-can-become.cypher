// Who can become an identity
//
// Answers: which identities can act as this one in a single step (assume
// it, pass it to a service they control, mint its credentials), by which
// technique, and what evidence allows it? A permission set that holds the
// step for its members is listed through each member (column through). A
// step into a target set (TargetSet) that INCLUDES the identity is a step
// to it: its evidence names the identity where the set's reads {target}.
// Certain steps first, then the identities with the highest blast radius.
//
// Parameters:
//   $id     the full ID of the identity (a role ARN, …)
//   $limit  how many identities to list (default 50)
MATCH (x:Node)-[r:CAN_BECOME]->(y:Node)-[:INCLUDES*0..1]->(t:Node {id: $id})
OPTIONAL MATCH (m:Node)-[mr:MEMBER_OF]->(x)
WHERE x:DerivedSet
WITH coalesce(m, x) AS who, CASE WHEN m IS NULL THEN null ELSE x.id END AS through, r,
     r.conditional OR coalesce(mr.conditional, false) AS conditional,
     CASE WHEN y = t THEN r.evidence ELSE replace(r.evidence, '{target}', t.id) END AS evidence
ORDER BY conditional, who.score DESC, who.id, r.technique
LIMIT $limit
RETURN who.id AS who, who.kind AS kind, r.technique AS technique, through,
       conditional, r.conditions AS conditions, evidence
