// Conditional administrators
//
// Answers: which identities would become administrator of a scope only
// through a step whose condition the analysis could not decide, and which
// scopes are those? Shows one shortest conditional path per identity and
// scope, the identities with the highest blast radius first.
//
// Parameters:
//   $limit  how many identities to list (default 25)
MATCH (i:Identity)
WHERE size(coalesce(i.conditional_admin_of, [])) > 0
WITH i ORDER BY i.score DESC, i.id LIMIT $limit
UNWIND i.conditional_admin_of AS scopeID
MATCH (s:Node {id: scopeID})
OPTIONAL MATCH p = shortestPath((i)-[:CAN_BECOME|MEMBER_OF|ADMIN_OF|CONTAINS*1..12]->(s))
RETURN i.id AS identity, s.id AS scope,
       CASE WHEN p IS NULL THEN []
            ELSE [r IN relationships(p) WHERE r.conditional | r.technique + ': ' + coalesce(r.evidence, '')] END AS undecided,
       p AS path
ORDER BY i.score DESC, identity, scope
