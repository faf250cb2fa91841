// Identity summary
//
// Answers: what does the analysis say of one identity: its score and the
// terms behind it, rank, the scopes it administers, how many identities and
// resources it reaches, its credential hygiene, its direct attack steps
// (the first 25, and how many there are) and the permission sets it is a
// member of (each holds steps for its members: how many)? A step into a
// target set (TargetSet) counts, and is listed, once for each member it
// INCLUDES.
//
// Parameters:
//   $id  the identity's full ID
MATCH (i:Node {id: $id})
CALL {
  WITH i
  OPTIONAL MATCH (i)-[r:CAN_BECOME|ADMIN_OF|CAN_ACCESS|CAN_GRANT_ADMIN]->(y:Node)
  OPTIONAL MATCH (y)-[:INCLUDES]->(m:Node)
  WITH r, coalesce(m, y) AS t ORDER BY type(r), r.technique, t.id
  RETURN count(r) AS steps, collect(type(r) + ' ' + r.technique + ' -> ' + t.id)[0..25] AS direct_steps
}
CALL {
  WITH i
  OPTIONAL MATCH (i)-[m:MEMBER_OF]->(s:DerivedSet)
  WITH m, s ORDER BY s.id
  RETURN collect(s.id + ' (' + (COUNT { (s)-[:CAN_BECOME|ADMIN_OF|CAN_ACCESS|CAN_GRANT_ADMIN]->(t) WHERE NOT t:TargetSet } +
                                COUNT { (s)-[:CAN_BECOME|CAN_ACCESS]->(:TargetSet)-[:INCLUDES]->() }) + ' steps' +
                 CASE WHEN m.conditional THEN ', conditional' ELSE '' END + ')') AS sets
}
RETURN i.id AS identity, i.kind AS kind, i.rank AS rank, i.score AS score,
       i.score_identities AS identity_term, i.score_resources AS resource_term,
       i.score_admin_scopes AS admin_term, i.admin_of AS admin_of,
       i.conditional_admin_of AS conditional_admin_of, i.min_hops_to_admin AS hops_to_admin,
       i.reachable_identities AS identities, i.reachable_resources AS resources,
       i.hygiene_findings AS findings, steps, direct_steps, sets
