// Shortest path to administrator
//
// Answers: by which shortest chain of attack steps can this identity become
// administrator of a scope (an AWS account, a GCP project, a cluster)?
// Certain steps only (no edge whose condition the analysis could not
// decide). Rows with how = 'path' follow CAN_BECOME, MEMBER_OF, ADMIN_OF and
// CONTAINS to the scope, one shortest path per scope. Rows with how =
// 'grant' are escalations through a CAN_GRANT_ADMIN step: the identity
// reaches a granter that can give administrator permissions to an identity
// it also controls (itself included), whose scope then falls. Show the
// result as a graph to see every hop; relationships carry technique and
// evidence.
//
// Parameters:
//   $id  the identity's full ID (an ARN for AWS; github:repo:OWNER/REPO)
MATCH (i:Node {id: $id}), (s:Scope)
WHERE s <> i
MATCH p = shortestPath((i)-[:CAN_BECOME|MEMBER_OF|ADMIN_OF|CONTAINS*1..12]->(s))
WHERE all(r IN relationships(p) WHERE NOT coalesce(r.conditional, false))
RETURN s.id AS scope, 'path' AS how, length(p) AS hops,
       [r IN relationships(p) | startNode(r).name + ' -[' + type(r) +
         CASE WHEN r.technique <> '' THEN ' ' + r.technique ELSE '' END + ']-> ' + endNode(r).name] AS steps,
       p AS path
UNION
MATCH (i:Node {id: $id})
MATCH (i)-[rs:CAN_BECOME|MEMBER_OF|ADMIN_OF|CONTAINS*0..12]->(x)
WHERE all(r IN rs WHERE NOT coalesce(r.conditional, false))
WITH DISTINCT i, x
MATCH gp = (x)-[g:CAN_GRANT_ADMIN]->(y:Node)
WHERE NOT coalesce(g.conditional, false) AND y.scope IS NOT NULL
  AND (y = i OR y = x OR EXISTS {
    MATCH (i)-[rs2:CAN_BECOME|MEMBER_OF*1..12]->(y)
    WHERE all(r IN rs2 WHERE NOT coalesce(r.conditional, false))
  })
MATCH (s:Node {id: y.scope})
RETURN s.id AS scope, 'grant' AS how, null AS hops,
       [x.name + ' -[CAN_GRANT_ADMIN ' + g.technique + ']-> ' + y.name + ', then act as ' + y.name] AS steps,
       gp AS path
