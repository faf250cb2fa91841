// Cross-cloud chains
//
// Answers: which attack steps cross from one provider to another (a GitHub
// repository assuming an AWS role, a GCP service account federated into AWS,
// an AWS role mapped into a Kubernetes cluster, an outside account trusted
// by a role), and what does the identity on the far side administer? Steps
// whose far side administers a scope come first, certain before
// conditional, then by the far side's blast radius. A step into a target
// set (TargetSet) is listed once for each member it INCLUDES (to).
//
// Parameters:
//   $limit  how many steps to list (default 50)
MATCH (a:Node)-[r:CAN_BECOME|ADMIN_OF|CAN_ACCESS|CAN_GRANT_ADMIN]->(y:Node)
WHERE a.provider IS NOT NULL AND y.provider IS NOT NULL AND a.provider <> y.provider
OPTIONAL MATCH (y)-[:INCLUDES]->(m:Node)
WITH a, r, coalesce(m, y) AS b
WHERE b.provider IS NOT NULL AND a.provider <> b.provider
ORDER BY size(coalesce(b.admin_of, [])) > 0 OR type(r) = 'ADMIN_OF' DESC, coalesce(r.conditional, false),
         coalesce(b.score, 0) DESC, a.id, b.id
LIMIT $limit
RETURN a.provider + ' -> ' + b.provider AS crossing,
       a.id AS from, type(r) AS step, r.technique AS technique, b.id AS to,
       r.conditional AS conditional, b.admin_of AS target_admin_of
