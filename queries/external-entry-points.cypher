// Entry points from outside the organization
//
// Answers: which identities outside the collected estate (other AWS
// accounts, GitHub repositories through OIDC, federated subjects, the
// public) can step into it, what do they land on, and how far do they get?
// Their score and admin_of come from the analysis.
//
// Parameters: none
MATCH (x:Identity)
WHERE x.provider IN ['external', 'github']
MATCH (x)-[r:CAN_BECOME|CAN_ACCESS|ADMIN_OF]->(y:Node)
RETURN x.id AS outsider, x.kind AS kind, x.score AS score, x.admin_of AS admin_of,
       type(r) AS step, r.technique AS technique, r.conditional AS conditional, y.id AS lands_on
ORDER BY score DESC, outsider, lands_on
