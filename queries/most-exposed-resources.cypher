// Most exposed resources
//
// Answers: which resources can the most identities write to or administer
// directly (one CAN_ACCESS step, not counting administrators of the whole
// scope)? A CAN_ACCESS into a target set (TargetSet) is that access to
// each resource the set INCLUDES; a permission set (DerivedSet) that holds
// the access counts each of its members (resources with the same holders
// are counted once). A wide write audience on sensitive data is a finding.
//
// Parameters:
//   $limit  how many resources to list (default 25)
MATCH (r:Resource)<-[:INCLUDES*0..1]-(:Node)<-[a:CAN_ACCESS]-(x:Node)
WHERE a.access IN ['write', 'admin']
WITH r, collect(DISTINCT x) AS holders
WITH holders, collect(r) AS resources
CALL {
  WITH holders
  UNWIND holders AS x
  OPTIONAL MATCH (m:Node)-[:MEMBER_OF]->(x:DerivedSet)
  WITH CASE WHEN x:DerivedSet THEN m ELSE x END AS i
  WHERE i IS NOT NULL
  RETURN count(DISTINCT i) AS writers, collect(DISTINCT i.id)[0..10] AS some_writers
}
UNWIND resources AS r
WITH r, writers, some_writers ORDER BY writers DESC, r.id
LIMIT $limit
RETURN r.id AS resource, r.name AS name, writers, some_writers
