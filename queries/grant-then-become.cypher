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
// highest blast radius.
//
// Parameters:
//   $limit  how many grants to list (default 50)
MATCH (x:Node)-[g:CAN_GRANT_ADMIN]->(y:Node)
WITH x, g, y, coalesce(g.conditional, false) OR coalesce(g.usable_conditional, false) AS conditional
ORDER BY g.usable_hops IS NULL, conditional, g.usable_hops, coalesce(y.score, 0) DESC, x.id, y.id
LIMIT $limit
RETURN coalesce(g.usable_by, x.id) AS granter, CASE WHEN x:DerivedSet THEN x.id END AS through,
       g.technique AS technique, y.id AS grantee, y.scope AS scope,
       g.usable_hops IS NOT NULL AS can_use_it, g.usable_hops AS hops, conditional, g.evidence AS evidence
