// Everything an identity reaches
//
// Answers: if this identity is compromised, which identities, groups,
// resources and scopes can the attacker reach? Follows CAN_BECOME,
// MEMBER_OF, ADMIN_OF, CONTAINS (a scope's administrator controls what is in
// it), CAN_ACCESS and INCLUDES (from a target set to its members: no hop
// of its own, but a relationship of the 12), up to 12 relationships, each
// node once (a breadth-first search from the identity); permission sets
// and target sets (DerivedSet) are passed through, not listed. With
// $certain_only true, steps whose condition the analysis could not decide
// are not followed. Scopes first, then identities and groups by blast
// radius, then resources.
// (CAN_GRANT_ADMIN is not followed; see grant-then-become.)
//
// Parameters:
//   $id            the identity's full ID
//   $certain_only  true to follow certain steps only, false to follow all
//   $limit         how many nodes to list (default 100)
MATCH (i:Node {id: $id})
CALL {
  WITH i
  MATCH (i)-[rs:CAN_BECOME|MEMBER_OF|INCLUDES|ADMIN_OF|CONTAINS|CAN_ACCESS*1..12]->(x)
  WHERE x <> i AND all(r IN rs WHERE $certain_only = false OR NOT coalesce(r.conditional, false))
  RETURN DISTINCT x
}
WITH x WHERE NOT x:DerivedSet
RETURN x.class AS class, x.kind AS kind, x.id AS id, x.name AS name, x.score AS score
ORDER BY CASE x.class WHEN 'scope' THEN 0 WHEN 'identity' THEN 1 WHEN 'group' THEN 2 WHEN 'resource' THEN 3 ELSE 4 END,
         score DESC, kind, id
LIMIT $limit
