// Entry points from outside the organization
//
// Answers: which identities outside the collected estate (other AWS
// accounts, GitHub repositories through OIDC, federated subjects, the
// public) can step into it, what do they land on, and how far do they get?
// Their score and admin_of come from the analysis; the outsiders with the
// highest blast radius come first. A step into a target set (TargetSet)
// lands on each member it INCLUDES.
//
// Parameters:
//   $limit  how many steps to list (default 50)
MATCH (x:Identity)
WHERE x.provider IN ['external', 'github']
MATCH (x)-[r:CAN_BECOME|CAN_ACCESS|ADMIN_OF]->(z:Node)
OPTIONAL MATCH (z)-[:INCLUDES]->(m:Node)
WITH x, r, coalesce(m, z) AS y
ORDER BY x.score DESC, x.id, coalesce(r.conditional, false), coalesce(y.score, 0) DESC, y.id
LIMIT $limit
RETURN x.id AS outsider, x.kind AS kind, x.score AS score, x.admin_of AS admin_of,
       type(r) AS step, r.technique AS technique, r.conditional AS conditional, y.id AS lands_on
