// Holders of a policy
//
// Answers: which identities hold this managed policy, directly or through
// a group they are a member of? Useful before changing the policy, or to see
// who holds an administrator policy. The holders with the highest blast
// radius come first.
//
// Parameters:
//   $policy  the policy's full ID (arn:aws:iam::aws:policy/AdministratorAccess, …)
//   $limit   how many holders to list (default 50)
MATCH (p:Node {id: $policy})<-[:ATTACHED_POLICY]-(h:Node)
OPTIONAL MATCH (m:Node)-[:MEMBER_OF]->(h)
WITH p, h, collect(m) AS members
UNWIND CASE WHEN size(members) = 0 THEN [h] ELSE members END AS holder
WITH DISTINCT holder, CASE WHEN holder = h THEN 'attached' ELSE 'through ' + h.name END AS how
RETURN holder.id AS holder, holder.kind AS kind, how, holder.score AS score
ORDER BY score DESC, holder, how
LIMIT $limit
