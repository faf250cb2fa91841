// Identity summary
//
// Answers: what does the analysis say of one identity: its score and the
// terms behind it, rank, the scopes it administers, how many identities and
// resources it reaches, its credential hygiene, and its direct attack steps?
//
// Parameters:
//   $id  the identity's full ID
MATCH (i:Node {id: $id})
OPTIONAL MATCH (i)-[r:CAN_BECOME|ADMIN_OF|CAN_ACCESS|CAN_GRANT_ADMIN]->(t:Node)
RETURN i.id AS identity, i.kind AS kind, i.rank AS rank, i.score AS score,
       i.score_identities AS identity_term, i.score_resources AS resource_term,
       i.score_admin_scopes AS admin_term, i.admin_of AS admin_of,
       i.conditional_admin_of AS conditional_admin_of, i.min_hops_to_admin AS hops_to_admin,
       i.reachable_identities AS identities, i.reachable_resources AS resources,
       i.hygiene_findings AS findings,
       collect(type(r) + ' ' + r.technique + ' -> ' + t.id) AS direct_steps
