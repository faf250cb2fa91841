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
// 12 relationships long. hops counts neither a MEMBER_OF into a permission
// set (DerivedSet) nor an INCLUDES out of a target set (TargetSet): a step
// into a target set is the one hop to the member it includes, and steps
// shows it so, naming the set ("(in aws:target-set:…)").
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
MATCH p = shortestPath((r)-[:CAN_BECOME|MEMBER_OF|INCLUDES|ADMIN_OF|CONTAINS*1..12]->(target))
WHERE all(x IN relationships(p) WHERE NOT coalesce(x.conditional, false))
WITH r, scope, relationships(p) AS rs
RETURN r.id AS repository, r.score AS score, scope,
       size([x IN rs WHERE type(x) <> 'INCLUDES' AND NOT (type(x) = 'MEMBER_OF' AND endNode(x):DerivedSet)]) AS hops,
       [k IN range(0, size(rs) - 1) WHERE type(rs[k]) <> 'INCLUDES' |
         startNode(rs[k]).name + ' -[' + type(rs[k]) +
         CASE WHEN rs[k].technique <> '' THEN ' ' + rs[k].technique ELSE '' END + ']-> ' +
         CASE WHEN k + 1 < size(rs) AND type(rs[k + 1]) = 'INCLUDES'
              THEN endNode(rs[k + 1]).name + ' (in ' + endNode(rs[k]).id + ')'
              ELSE endNode(rs[k]).name END] AS steps,
       r.hygiene_findings AS findings
ORDER BY score DESC, repository, scope
