package graphmodel

// Technique is one entry of a provider's catalogue of the steps its analysis
// derives: every derived edge names one by ID (Edge.Technique), and the
// command line, the JSON contract and the docs describe it from here.
type Technique struct {
	// ID is what edges and escalations cite: a public catalogue's id where
	// one exists ("iam-001", pathfinding.cloud), else a descriptive name
	// ("admin-equivalent-policy", "sts:AssumeRoleWithWebIdentity").
	ID string `json:"id"`
	// Provider owns the technique ("" for the generic passes' own hops).
	Provider Provider `json:"provider,omitempty"`
	// Name is a short title ("iam:CreatePolicyVersion").
	Name string `json:"name"`
	// Category groups techniques ("self-escalation", "principal-access",
	// "new-passrole", "existing-passrole", "trust", "administrator", …).
	Category string `json:"category"`
	// Attack is the MITRE ATT&CK (Enterprise, cloud) technique the step is
	// an instance of, where one fits ("T1098.003").
	Attack string `json:"attack,omitempty"`
	// Description says in one line what the step does.
	Description string `json:"description"`
	// Steps names the two techniques of a two-step technique, in order:
	// a hop that reaches a principal, then a grant to it by the same
	// attacker (sts-001 then iam-009 is iam-014).
	Steps []string `json:"steps,omitempty"`
}
