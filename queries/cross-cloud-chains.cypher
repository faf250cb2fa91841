// Cross-cloud chains
//
// Answers: which attack steps cross from one provider to another (a GitHub
// repository assuming an AWS role, a GCP service account federated into AWS,
// an AWS role mapped into a Kubernetes cluster, an outside account trusted
// by a role), and what does the identity on the far side administer?
//
// Parameters: none
MATCH (a:Node)-[r:CAN_BECOME|ADMIN_OF|CAN_ACCESS|CAN_GRANT_ADMIN]->(b:Node)
WHERE a.provider IS NOT NULL AND b.provider IS NOT NULL AND a.provider <> b.provider
RETURN a.provider + ' -> ' + b.provider AS crossing,
       a.id AS from, type(r) AS step, r.technique AS technique, b.id AS to,
       r.conditional AS conditional, b.admin_of AS target_admin_of
ORDER BY crossing, from, to
