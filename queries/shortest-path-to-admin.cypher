// Shortest path to administrator
//
// Answers: by which shortest chain of attack steps can this identity become
// administrator of a scope (an AWS account, a GCP project, a cluster)? One
// row per scope the analysis found it administers through certain steps
// (its admin_of), the nearest first. Rows with how = 'path' follow
// CAN_BECOME, MEMBER_OF, INCLUDES, ADMIN_OF and CONTAINS to the scope,
// certain steps only (no edge whose condition the analysis could not
// decide); a step that a permission set (DerivedSet) holds for its members
// shows as MEMBER_OF into the set, then the set's step to its target, and
// a step into a target set (TargetSet) shows as the one step to the member
// it INCLUDES, naming the set ("a -[CAN_BECOME sts-001]-> b (in
// aws:target-set:…)"). hops counts neither the membership nor the INCLUDES
// step, as the analysis does not; the path chosen has the fewest
// relationships. Rows with how = 'grant' are scopes reached only through a
// CAN_GRANT_ADMIN step: the identity reaches a granter that can give
// administrator permissions to an identity it also controls (itself
// included), whose scope then falls. Show the result as a graph to see
// every hop; relationships carry technique and evidence.
//
// Parameters:
//   $id     the identity's full ID (an ARN for AWS; github:repo:OWNER/REPO)
//   $limit  how many scopes to list (default 25)
MATCH (i:Node {id: $id})
UNWIND coalesce(i.admin_of, []) AS scopeID
MATCH (s:Node {id: scopeID})
OPTIONAL MATCH p = shortestPath((i)-[:CAN_BECOME|MEMBER_OF|INCLUDES|ADMIN_OF|CONTAINS*1..12]->(s))
WHERE all(r IN relationships(p) WHERE NOT coalesce(r.conditional, false))
CALL {
  WITH i, s, p
  WITH i, s WHERE p IS NULL
  CALL {
    WITH i
    MATCH (i)-[rs:CAN_BECOME|MEMBER_OF|INCLUDES|ADMIN_OF|CONTAINS*0..12]->(x)
    WHERE all(r IN rs WHERE NOT coalesce(r.conditional, false))
    RETURN DISTINCT x
  }
  WITH s, collect(x) AS reached
  UNWIND reached AS y
  MATCH (x:Node)-[g:CAN_GRANT_ADMIN]->(y)
  WHERE y.scope = s.id AND NOT coalesce(g.conditional, false)
  WITH reached, x, collect([g, y]) AS grants
  WHERE x IN reached
  UNWIND grants AS gy
  WITH x, gy[0] AS g, gy[1] AS y
  ORDER BY CASE WHEN y = x THEN 0 ELSE 1 END, x.id, y.id
  LIMIT 1
  RETURN collect([x, g, y]) AS grants
}
WITH s, p, relationships(p) AS rs, grants[0][0] AS x, grants[0][1] AS g, grants[0][2] AS y
WHERE p IS NOT NULL OR g IS NOT NULL
RETURN s.id AS scope, CASE WHEN p IS NULL THEN 'grant' ELSE 'path' END AS how,
       size([r IN rs WHERE type(r) <> 'INCLUDES' AND NOT (type(r) = 'MEMBER_OF' AND endNode(r):DerivedSet)]) AS hops,
       CASE WHEN p IS NULL THEN [x.name + ' -[CAN_GRANT_ADMIN ' + g.technique + ']-> ' + y.name + ', then act as ' + y.name]
            ELSE [k IN range(0, size(rs) - 1) WHERE type(rs[k]) <> 'INCLUDES' |
              startNode(rs[k]).name + ' -[' + type(rs[k]) +
              CASE WHEN rs[k].technique <> '' THEN ' ' + rs[k].technique ELSE '' END + ']-> ' +
              CASE WHEN k + 1 < size(rs) AND type(rs[k + 1]) = 'INCLUDES'
                   THEN endNode(rs[k + 1]).name + ' (in ' + endNode(rs[k]).id + ')'
                   ELSE endNode(rs[k]).name END] END AS steps,
       coalesce(p, [gp = (x)-[g]->(y) | gp][0]) AS path
ORDER BY how DESC, hops, scope
LIMIT $limit
