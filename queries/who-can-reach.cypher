// Who can reach a node
//
// Answers: which identities can reach this resource, identity or scope
// through any chain of attack steps (CAN_BECOME, MEMBER_OF, ADMIN_OF,
// CONTAINS, CAN_ACCESS, and INCLUDES from a target set to its members,
// which is no hop of its own; up to 12 relationships, each identity once),
// highest blast radius first? direct_access lists the levels of the
// identity's own CAN_ACCESS steps onto the target, if any, and of those of
// the permission sets (DerivedSet) it is a member of; a CAN_ACCESS into a
// target set (TargetSet) that INCLUDES the target counts as one onto it.
//
// Parameters:
//   $target  the full ID of the resource (or identity, or scope)
//   $limit   how many identities to list (default 50)
MATCH (t:Node {id: $target})
CALL {
  WITH t
  MATCH (i:Identity)-[:CAN_BECOME|MEMBER_OF|INCLUDES|ADMIN_OF|CONTAINS|CAN_ACCESS*1..12]->(t)
  WHERE i <> t
  RETURN DISTINCT i
}
WITH i, t ORDER BY i.score DESC, i.id
LIMIT $limit
OPTIONAL MATCH (i)-[a:CAN_ACCESS]->(:Node)-[:INCLUDES*0..1]->(t)
OPTIONAL MATCH (i)-[:MEMBER_OF]->(:DerivedSet)-[sa:CAN_ACCESS]->(:Node)-[:INCLUDES*0..1]->(t)
RETURN i.id AS identity, i.kind AS kind, i.score AS score,
       [x IN collect(DISTINCT a.access) + collect(DISTINCT sa.access) WHERE x IS NOT NULL | x] AS direct_access
ORDER BY score DESC, identity
