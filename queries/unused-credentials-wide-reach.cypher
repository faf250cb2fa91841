// Unused credentials with wide reach
//
// Answers: which identities have not used their credentials for a long time
// (or hold active access keys unused for over 90 days) yet would give an
// attacker a large blast radius? Candidates for removal or rotation first
// (OWASP NHI1, NHI7), the highest blast radius first.
//
// Parameters:
//   $min_days   days without use (e.g. 90)
//   $min_score  lowest blast radius score to list (e.g. 10)
//   $limit      how many identities to list (default 50)
MATCH (i:Identity)
WHERE (coalesce(i.days_unused, 0) >= $min_days OR coalesce(i.unused_access_keys, 0) > 0)
  AND coalesce(i.score, 0) >= $min_score
RETURN i.id AS identity, i.kind AS kind, i.non_human AS non_human, i.score AS score,
       i.admin_of AS admin_of, i.days_unused AS days_unused, i.last_used_at AS last_used,
       i.active_access_keys AS active_keys, i.unused_access_keys AS unused_keys,
       i.oldest_access_key_days AS oldest_key_days, i.hygiene_findings AS findings
ORDER BY score DESC, days_unused DESC, identity
LIMIT $limit
