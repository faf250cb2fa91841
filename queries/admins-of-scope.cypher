// Administrators of a scope
//
// Answers: every identity that can become administrator of this scope
// through certain steps (the analysis's admin_of), the nearest first
// (min_hops_to_admin: the fewest hops to any scope it administers), then
// the highest blast radius, with the techniques of its possible first
// steps (a permission set it is a member of is named with the steps it
// holds).
//
// Parameters:
//   $scope  the scope's ID (aws:account:123456789012, …)
//   $limit  how many identities to list (default 50)
MATCH (i:Identity)
WHERE $scope IN coalesce(i.admin_of, [])
WITH i ORDER BY i.min_hops_to_admin, i.score DESC, i.id
LIMIT $limit
OPTIONAL MATCH (i)-[first:CAN_BECOME|ADMIN_OF|MEMBER_OF]->(t:Node)
WITH i, collect(DISTINCT CASE WHEN first.technique <> '' THEN first.technique
                              WHEN t:DerivedSet THEN 'member of ' + t.name
                              ELSE type(first) END) AS first_steps
RETURN i.id AS identity, i.kind AS kind, i.non_human AS non_human,
       i.min_hops_to_admin AS hops, i.score AS score, first_steps
ORDER BY hops, score DESC, identity
