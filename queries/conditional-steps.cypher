// Conditional steps
//
// Answers: which attack steps depend on a condition the analysis could not
// decide (MFA, a source IP or VPC endpoint, an external ID, a tag that was
// not collected), and which scopes would fall if they held? Certain paths
// are scored; these are listed for review.
//
// Parameters: none
MATCH (a:Node)-[r]->(b:Node)
WHERE r.derived AND r.conditional
RETURN a.id AS from, type(r) AS step, r.technique AS technique, b.id AS to,
       r.conditions AS conditions, r.evidence AS evidence
ORDER BY from, to, technique
