// Conditional steps
//
// Answers: which attack steps depend on a condition the analysis could not
// decide (MFA, a source IP or VPC endpoint, an external ID, a tag that was
// not collected), and which scopes would fall if they held? Certain paths
// are scored; these are listed for review, those that would give
// administrator first (would_give: the scope an ADMIN_OF step reaches, the
// grantee's scope of a CAN_GRANT_ADMIN, the scopes the target of another
// step administers), then by the blast radius of their target. A step
// from a permission set (DerivedSet) holds for each of its members; a step
// into a target set (TargetSet) is listed once for each member it
// INCLUDES (to), with {target} in its evidence read as that member.
//
// Parameters:
//   $limit  how many steps to list (default 100)
MATCH (a:Node)-[r:CAN_BECOME|ADMIN_OF|CAN_GRANT_ADMIN|CAN_ACCESS|MEMBER_OF]->(y:Node)
WHERE r.conditional
OPTIONAL MATCH (y)-[:INCLUDES]->(m:Node)
WITH a, r, coalesce(m, y) AS b, m IS NOT NULL AS in_set
WITH a, r, b, in_set, CASE type(r) WHEN 'ADMIN_OF' THEN [b.id] WHEN 'CAN_GRANT_ADMIN' THEN [s IN [b.scope] WHERE s IS NOT NULL]
                ELSE coalesce(b.admin_of, []) END AS would_give
ORDER BY size(would_give) DESC, coalesce(b.score, 0) DESC, a.id, b.id, r.technique
LIMIT $limit
RETURN a.id AS from, type(r) AS step, r.technique AS technique, b.id AS to, would_give,
       r.conditions AS conditions,
       CASE WHEN in_set THEN replace(r.evidence, '{target}', b.id) ELSE r.evidence END AS evidence
