// Top non-human identities by blast radius
//
// Answers: which machine identities (roles, service accounts, CI
// repositories, service users, external accounts) would hurt most if their
// credentials leaked? Ranked by blast radius score, with the scopes they
// administer and their credential hygiene.
//
// Parameters:
//   $limit  how many identities to list (default 25)
MATCH (i:Identity:NonHuman)
WHERE i.score IS NOT NULL
RETURN i.rank AS rank, i.id AS identity, i.kind AS kind, i.score AS score,
       i.admin_of AS admin_of, i.reachable_identities AS identities,
       i.reachable_resources AS resources, i.days_unused AS days_unused,
       i.hygiene_findings AS findings
ORDER BY score DESC, identity
LIMIT $limit
