// Everything an identity reaches
//
// Answers: if this identity is compromised, which identities, groups,
// resources and scopes can the attacker reach? Follows CAN_BECOME,
// MEMBER_OF, ADMIN_OF, CONTAINS (a scope's administrator controls what is in
// it) and CAN_ACCESS, up to 12 steps. With $certain_only true, steps whose
// condition the analysis could not decide are not followed.
// (CAN_GRANT_ADMIN is not followed; see grant-then-become.)
//
// Parameters:
//   $id            the identity's full ID
//   $certain_only  true to follow certain steps only, false to follow all
MATCH (i:Node {id: $id})
MATCH (i)-[rs:CAN_BECOME|MEMBER_OF|ADMIN_OF|CONTAINS|CAN_ACCESS*1..12]->(x)
WHERE x <> i AND all(r IN rs WHERE $certain_only = false OR NOT coalesce(r.conditional, false))
WITH DISTINCT x
RETURN x.class AS class, x.kind AS kind, x.id AS id, x.name AS name
ORDER BY class, kind, id
