// Grant administrator, then become it
//
// Answers: who can give another identity or group administrator
// permissions (attach, put or rewrite a policy: CAN_GRANT_ADMIN), and can
// the granter also become, or join, that identity? When it can, the pair
// is an escalation to the grantee's scope (the analysis counts it).
//
// Parameters: none
MATCH (x:Node)-[g:CAN_GRANT_ADMIN]->(y:Node)
RETURN x.id AS granter, g.technique AS technique, y.id AS grantee, y.scope AS scope,
       x = y OR EXISTS { (x)-[:CAN_BECOME|MEMBER_OF*1..8]->(y) } AS can_use_it, g.conditional AS conditional, g.evidence AS evidence
ORDER BY can_use_it DESC, granter, grantee
