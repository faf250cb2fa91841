// Most exposed resources
//
// Answers: which resources can the most identities write to or administer
// directly (one CAN_ACCESS step, not counting administrators of the whole
// scope)? A wide write audience on sensitive data is a finding.
//
// Parameters:
//   $limit  how many resources to list
MATCH (r:Resource)<-[a:CAN_ACCESS]-(i:Node)
WHERE a.access IN ['write', 'admin']
WITH r, count(DISTINCT i) AS writers, collect(DISTINCT i.id)[0..10] AS some_writers
RETURN r.id AS resource, r.name AS name, writers, some_writers
ORDER BY writers DESC, resource
LIMIT $limit
