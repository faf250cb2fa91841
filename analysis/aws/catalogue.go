package aws

import (
	"sort"
	"strings"

	"github.com/blastradius/blastradius/analysis/aws/catalog"
	"github.com/blastradius/blastradius/graphmodel"
)

// The techniques this package derives that the pathfinding.cloud catalogue
// has no id for, with their category and description.
var ownTechniques = []graphmodel.Technique{
	{ID: TechAdminPolicy, Name: "administrator-equivalent permissions", Category: "administrator", Attack: "T1078.004",
		Description: "the principal's own effective permissions already control the account's identities"},
	{ID: TechWebIdentity, Name: "sts:AssumeRoleWithWebIdentity", Category: "trust", Attack: "T1078.004",
		Description: "a federated subject (a GitHub Actions workflow, an EKS service account) whose token a role's trust admits assumes the role"},
	{ID: TechSAML, Name: "sts:AssumeRoleWithSAML", Category: "trust", Attack: "T1078.004",
		Description: "the users a SAML identity provider signs in assume a role whose trust admits that provider"},
	{ID: TechniquePermissionSet, Name: "permission set membership", Category: "membership",
		Description: "a principal holds what a permission set of its account is allowed, having the same policies or allowed alike on every target"},
	{ID: TechSetDefaultPolicyVersion, Name: "iam:SetDefaultPolicyVersion", Category: "self-escalation", Attack: "T1098.003",
		Description: "make an older, broader version of a policy the target holds its default version"},
}

// attackOf gives the MITRE ATT&CK technique of a catalogue path by its
// category and service, where one fits.
func attackOf(p catalog.Path) string {
	service, _, _ := strings.Cut(p.ID, "-")
	switch {
	case p.ID == "sts-001":
		return "T1078.004" // Valid Accounts: Cloud Accounts
	case p.ID == "iam-002" || p.ID == "iam-003" || p.ID == "iam-004" || p.ID == "iam-006" ||
		p.ID == "iam-015" || p.ID == "iam-018":
		return "T1098.001" // Account Manipulation: Additional Cloud Credentials
	case service == "iam":
		return "T1098.003" // Account Manipulation: Additional Cloud Roles
	case service == "lambda":
		return "T1648" // Serverless Execution
	case service == "ec2" || service == "ec2instanceconnect":
		return "T1578.002" // Modify Cloud Compute Infrastructure: Create Cloud Instance
	case service == "ssm":
		return "T1651" // Cloud Administration Command
	case service == "ecs" || service == "apprunner":
		return "T1610" // Deploy Container
	}
	return "T1578" // Modify Cloud Compute Infrastructure
}

// describe writes a catalogue path's one-line description from its category
// and permissions.
func describe(p catalog.Path) string {
	var actions []string
	for _, r := range p.Required {
		if r.Permission != "iam:PassRole" {
			actions = append(actions, r.Permission)
		}
	}
	list := strings.Join(actions, ", ")
	switch p.Category {
	case "new-passrole":
		return "pass a role to a new resource with " + list + " and run code as the role"
	case "existing-passrole":
		return "take over a resource that already runs as a role, with " + list
	case "self-escalation":
		return "grant the target more permissions with " + list
	}
	return "act as another principal with " + list
}

// Techniques returns the catalogue of every technique the AWS analysis
// derives (analysis.TechniqueCatalog), sorted by ID: the 65 paths of
// pathfinding.cloud, with the two-step ones naming their steps, and the
// analysis's own.
func (a *Analyzer) Techniques() []graphmodel.Technique { return Techniques() }

// Techniques returns the AWS technique catalogue (see Analyzer.Techniques).
func Techniques() []graphmodel.Technique {
	steps := map[string][]string{}
	for pair, id := range composites {
		steps[id] = []string{pair[0], pair[1]}
	}
	var list []graphmodel.Technique
	for _, p := range catalog.Paths() {
		list = append(list, graphmodel.Technique{
			ID: p.ID, Provider: graphmodel.ProviderAWS, Name: p.Name, Category: p.Category,
			Attack: attackOf(p), Description: describe(p), Steps: steps[p.ID],
		})
	}
	for _, t := range ownTechniques {
		t.Provider = graphmodel.ProviderAWS
		list = append(list, t)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}
