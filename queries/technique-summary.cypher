// Techniques in the estate
//
// Answers: which escalation techniques does the attack graph use, how
// often, and how many of those steps are conditional? Technique ids refer
// to the catalogue (iam-001, sts-001, …) or name a generic step.
//
// Parameters: none
MATCH ()-[r]->()
WHERE r.derived
RETURN type(r) AS step, r.technique AS technique, count(*) AS edges,
       sum(CASE WHEN r.conditional THEN 1 ELSE 0 END) AS conditional
ORDER BY edges DESC, step, technique
