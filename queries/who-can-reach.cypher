// Who can reach a node
//
// Answers: which identities can reach this resource, identity or scope
// through any chain of attack steps (CAN_BECOME, MEMBER_OF, ADMIN_OF,
// CONTAINS, CAN_ACCESS), highest blast radius first? direct_access lists
// the levels of the identity's own CAN_ACCESS steps onto the target, if any.
//
// Parameters:
//   $target  the full ID of the resource (or identity, or scope)
MATCH (t:Node {id: $target})
MATCH (i:Identity)-[:CAN_BECOME|MEMBER_OF|ADMIN_OF|CONTAINS|CAN_ACCESS*1..12]->(t)
WHERE i <> t
WITH DISTINCT i, t
OPTIONAL MATCH (i)-[a:CAN_ACCESS]->(t)
RETURN i.id AS identity, i.kind AS kind, i.score AS score,
       collect(DISTINCT a.access) AS direct_access
ORDER BY score DESC, identity
