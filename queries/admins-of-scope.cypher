// Administrators of a scope
//
// Answers: every identity that can become administrator of this scope
// through certain steps, the nearest first, with the techniques of its
// possible first steps.
//
// Parameters:
//   $scope  the scope's ID (aws:account:123456789012, …)
MATCH (i:Identity)
WHERE $scope IN coalesce(i.admin_of, [])
OPTIONAL MATCH (i)-[first:CAN_BECOME|ADMIN_OF|MEMBER_OF]->()
WITH i, collect(DISTINCT CASE WHEN first.technique <> '' THEN first.technique ELSE type(first) END) AS first_steps
RETURN i.id AS identity, i.kind AS kind, i.non_human AS non_human,
       i.min_hops_to_admin AS hops, i.score AS score, first_steps
ORDER BY hops, identity
