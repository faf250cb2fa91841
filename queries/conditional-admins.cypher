// Conditional administrators
//
// Answers: which identities would become administrator of a scope only
// through a step whose condition the analysis could not decide, and which
// scopes are those? Shows one shortest conditional path per identity and
// scope (at most 12 relationships; a step into a target set, TargetSet,
// and the INCLUDES to its member are one hop), the identities with the
// highest blast radius first; undecided names each conditional step with
// its evidence, a target set's {target} read as the member reached.
//
// Parameters:
//   $limit  how many identities to list (default 25)
MATCH (i:Identity)
WHERE size(coalesce(i.conditional_admin_of, [])) > 0
WITH i ORDER BY i.score DESC, i.id LIMIT $limit
UNWIND i.conditional_admin_of AS scopeID
MATCH (s:Node {id: scopeID})
OPTIONAL MATCH p = shortestPath((i)-[:CAN_BECOME|MEMBER_OF|INCLUDES|ADMIN_OF|CONTAINS*1..12]->(s))
WITH i, s, p, relationships(p) AS rs
RETURN i.id AS identity, s.id AS scope,
       CASE WHEN p IS NULL THEN []
            ELSE [k IN range(0, size(rs) - 1) WHERE rs[k].conditional |
              rs[k].technique + ': ' +
              CASE WHEN k + 1 < size(rs) AND type(rs[k + 1]) = 'INCLUDES'
                   THEN replace(coalesce(rs[k].evidence, ''), '{target}', endNode(rs[k + 1]).id)
                   ELSE coalesce(rs[k].evidence, '') END] END AS undecided,
       p AS path
ORDER BY i.score DESC, identity, scope
