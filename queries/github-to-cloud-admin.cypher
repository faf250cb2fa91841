// GitHub repositories that reach a cloud administrator
//
// Answers: which GitHub repositories, through GitHub Actions OIDC
// federation (an AWS role's trust of token.actions.githubusercontent.com,
// a GCP workload identity pool's GitHub provider), can become
// administrator of a scope (an AWS account, a GCP organization, folder or
// project, a cluster), and by which shortest chain of certain steps?
// github:repo:* stands for any repository on GitHub and
// github:repo:OWNER/* for any of an owner's; a trust that admits those,
// or any branch of one repository, shows in findings (NHI6). The
// repositories with the largest blast radius come first; scopes come from
// the analysis's admin_of, the path is recomputed in the graph, at most
// 12 steps long.
//
// Parameters:
//   $limit  how many repositories to list (default 25)
MATCH (r:GithubRepo)
WHERE size(coalesce(r.admin_of, [])) > 0
WITH r
ORDER BY r.score DESC, r.id
LIMIT $limit
UNWIND r.admin_of AS scope
MATCH (target:Node {id: scope})
MATCH p = shortestPath((r)-[:CAN_BECOME|MEMBER_OF|ADMIN_OF|CONTAINS*1..12]->(target))
WHERE all(x IN relationships(p) WHERE NOT coalesce(x.conditional, false))
RETURN r.id AS repository, r.score AS score, scope, length(p) AS hops,
       [x IN relationships(p) | startNode(x).name + ' -[' + type(x) +
         CASE WHEN x.technique <> '' THEN ' ' + x.technique ELSE '' END + ']-> ' + endNode(x).name] AS steps,
       r.hygiene_findings AS findings
ORDER BY score DESC, repository, scope
