// Who can become an identity
//
// Answers: which identities can act as this one in a single step (assume
// it, pass it to a service they control, mint its credentials), by which
// technique, and what evidence allows it?
//
// Parameters:
//   $id  the full ID of the identity (a role ARN, …)
MATCH (x:Node)-[r:CAN_BECOME]->(t:Node {id: $id})
RETURN x.id AS who, x.kind AS kind, r.technique AS technique,
       r.conditional AS conditional, r.conditions AS conditions, r.evidence AS evidence
ORDER BY conditional, who
