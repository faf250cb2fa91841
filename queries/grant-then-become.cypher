// Grant administrator, then become it
//
// Answers: who can give another identity or group administrator
// permissions (attach, put or rewrite a policy: CAN_GRANT_ADMIN), and can
// the granter also become, or join, that identity? When it can, the pair
// is an escalation to the grantee's scope (the analysis counts it). The
// export decides this once per granter (usable_by, usable_hops,
// usable_conditional on the relationship): for a permission set
// (DerivedSet) that holds the grant for its members, granter is the
// nearest member, through the set. Usable grants come first, certain
// before conditional, the fewest steps first, then the grantees with the
// highest blast radius. A grant into a target set (TargetSet) is a grant
// to each member, listed as such; the export decides its use for the
// nearest member (usable_grantee), and the others are listed as not usable
// (the granter may still become them through another grant or step).
//
// Parameters:
//   $limit  how many grants to list (default 50)
MATCH (x:Node)-[g:CAN_GRANT_ADMIN]->(t:Node)
OPTIONAL MATCH (t:TargetSet)-[:INCLUDES]->(m:Node)
WITH x, g, coalesce(m, t) AS y, m IS NOT NULL AS in_set
WITH x, g, y, in_set, g.usable_grantee IS NOT NULL AND g.usable_grantee = y.id AS usable
WITH x, g, y, in_set, usable, coalesce(g.conditional, false) OR (usable AND coalesce(g.usable_conditional, false)) AS conditional
ORDER BY usable DESC, conditional, CASE WHEN usable THEN g.usable_hops END, coalesce(y.score, 0) DESC, x.id, y.id
LIMIT $limit
RETURN CASE WHEN usable THEN g.usable_by ELSE x.id END AS granter, CASE WHEN x:DerivedSet THEN x.id END AS through,
       g.technique AS technique, y.id AS grantee, y.scope AS scope,
       usable AS can_use_it, CASE WHEN usable THEN g.usable_hops END AS hops, conditional,
       CASE WHEN in_set THEN replace(g.evidence, '{target}', y.id) ELSE g.evidence END AS evidence
