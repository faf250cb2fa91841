// Kubernetes service accounts whose tokens reach a cloud administrator
//
// Answers: which Kubernetes service accounts, if a token of theirs leaks
// (from a pod, a node, a token Secret) or a workload running as them is
// taken over, can become administrator of a cloud scope (an AWS account,
// a GCP project) rather than only of their cluster, and by which shortest
// chain of certain steps (IRSA, Pod Identity, node roles, …)? Scopes come
// from the analysis's admin_of; the path is recomputed in the graph, for
// the service accounts with the highest blast radius first.
//
// Parameters:
//   $limit  how many service account and scope pairs to list (default 25)
MATCH (sa:K8sServiceAccount)
WHERE any(s IN coalesce(sa.admin_of, []) WHERE NOT s STARTS WITH 'k8s:')
UNWIND [s IN sa.admin_of WHERE NOT s STARTS WITH 'k8s:'] AS scope
WITH sa, scope ORDER BY sa.score DESC, sa.id, scope
LIMIT $limit
MATCH (target:Node {id: scope})
MATCH p = shortestPath((sa)-[:CAN_BECOME|MEMBER_OF|ADMIN_OF|CONTAINS*1..12]->(target))
WHERE all(r IN relationships(p) WHERE NOT coalesce(r.conditional, false))
RETURN sa.id AS service_account, sa.score AS score, scope,
       size([r IN relationships(p) WHERE NOT endNode(r):DerivedSet]) AS hops,
       [r IN relationships(p) | startNode(r).name + ' -[' + type(r) +
         CASE WHEN r.technique <> '' THEN ' ' + r.technique ELSE '' END + ']-> ' + endNode(r).name] AS steps
ORDER BY score DESC, service_account, scope
