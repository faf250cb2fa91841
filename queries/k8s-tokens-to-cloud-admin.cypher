// Kubernetes service accounts whose tokens reach a cloud administrator
//
// Answers: which Kubernetes service accounts, if a token of theirs leaks
// (from a pod, a node, a token Secret) or a workload running as them is
// taken over, can become administrator of a cloud scope (an AWS account,
// a GCP project) rather than only of their cluster, and by which shortest
// chain of certain steps (IRSA, Pod Identity, node roles, …)? Scopes come
// from the analysis's admin_of; the path is recomputed in the graph (at
// most 12 relationships), for the service accounts with the highest blast
// radius first. hops counts neither a MEMBER_OF into a permission set
// (DerivedSet) nor an INCLUDES out of a target set (TargetSet): a step into
// a target set is the one hop to the member it includes, and steps shows
// it so, naming the set ("(in k8s:target-set:…)").
//
// Parameters:
//   $limit  how many service account and scope pairs to list (default 25)
MATCH (sa:K8sServiceAccount)
WHERE any(s IN coalesce(sa.admin_of, []) WHERE NOT s STARTS WITH 'k8s:')
UNWIND [s IN sa.admin_of WHERE NOT s STARTS WITH 'k8s:'] AS scope
WITH sa, scope ORDER BY sa.score DESC, sa.id, scope
LIMIT $limit
MATCH (target:Node {id: scope})
MATCH p = shortestPath((sa)-[:CAN_BECOME|MEMBER_OF|INCLUDES|ADMIN_OF|CONTAINS*1..12]->(target))
WHERE all(r IN relationships(p) WHERE NOT coalesce(r.conditional, false))
WITH sa, scope, relationships(p) AS rs
RETURN sa.id AS service_account, sa.score AS score, scope,
       size([r IN rs WHERE type(r) <> 'INCLUDES' AND NOT (type(r) = 'MEMBER_OF' AND endNode(r):DerivedSet)]) AS hops,
       [k IN range(0, size(rs) - 1) WHERE type(rs[k]) <> 'INCLUDES' |
         startNode(rs[k]).name + ' -[' + type(rs[k]) +
         CASE WHEN rs[k].technique <> '' THEN ' ' + rs[k].technique ELSE '' END + ']-> ' +
         CASE WHEN k + 1 < size(rs) AND type(rs[k + 1]) = 'INCLUDES'
              THEN endNode(rs[k + 1]).name + ' (in ' + endNode(rs[k]).id + ')'
              ELSE endNode(rs[k]).name END] AS steps
ORDER BY score DESC, service_account, scope
