package gcp

import (
	"fmt"
	"strconv"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// A principal that holds a technique's permissions on a whole project (at
// the project or above, with no condition on the resource and no deny rule
// that may apply) reaches every service account or resource of a kind in
// it. Recording that principal by principal makes the graph grow as
// principals × targets; a permission set records it once: its members are
// member_of it, and it reaches the project's targets. Below
// MinPermissionSetMembers members, edges per principal are as small.

// MinPermissionSetMembers is the number of principals that must hold a
// technique on a whole project before they get a permission set.
const MinPermissionSetMembers = 4

// setTarget is one edge of a permission set.
type setTarget struct {
	f        finding
	evidence graphmodel.Evidence
}

// setTargets returns what the holders of k reach: the project's service
// accounts (or those its vehicles run as), or its resources of a kind.
func (m *model) setTargets(k setKey) []setTarget {
	var out []setTarget
	if ru := setRule(k.technique); ru != nil {
		switch ru.family {
		case famExistingVehicle:
			for _, v := range m.resources[k.project] {
				if !m.isVehicle(v, ru.vehicles) {
					continue
				}
				for _, sa := range m.runsAs[v] {
					if m.projectOf[sa] == k.project {
						out = append(out, setTarget{finding{kind: graphmodel.EdgeCanBecome, to: sa, technique: k.technique},
							graphmodel.Evidence{Source: v, Statement: -1, Note: "runs as " + sa}})
					}
				}
			}
		case famNewVehicle:
			for _, pr := range m.below(k.project) {
				for _, sa := range m.accounts[pr] {
					out = append(out, setTarget{finding{kind: graphmodel.EdgeCanBecome, to: sa, technique: k.technique}, vehicleEvidence(ru, pr, sa)})
				}
			}
		default:
			for _, pr := range m.below(k.project) {
				for _, sa := range m.accounts[pr] {
					out = append(out, setTarget{finding{kind: graphmodel.EdgeCanBecome, to: sa, technique: k.technique}, accountEvidence(pr, sa)})
				}
			}
		}
		return out
	}
	for _, typ := range resourceTypes {
		for _, lv := range resourceAccess[typ] {
			if lv.permission != k.technique {
				continue
			}
			for _, pr := range m.below(k.project) {
				for _, res := range m.resources[pr] {
					if m.typeOf(res) == typ {
						out = append(out, setTarget{finding{kind: graphmodel.EdgeCanAccess, to: res, technique: k.technique, access: graphmodel.Access(lv.access)},
							graphmodel.Evidence{Source: pr, Statement: -1, Note: res + " is in " + pr + ", where the grants apply"}})
					}
				}
			}
		}
	}
	return out
}

// setRule returns the rule whose permission sets are named technique (the
// new-vehicle form of a technique that has two).
func setRule(technique string) *rule {
	var found *rule
	for i := range rules {
		if rules[i].id == technique && rules[i].family != famServiceAgent {
			found = &rules[i]
		}
	}
	return found
}

// setID names the permission set of k: gcp:permission-set:<project
// id>:<technique> for a project, gcp:permission-set:folders/<n>:… or
// organizations/<n> for the sets of what is below a folder or an
// organization.
func (m *model) setID(k setKey) string {
	return "gcp:permission-set:" + m.setScopeName(k.project) + ":" + k.technique
}

// setScopeName is a project's id, or a folder's or organization's
// relative name.
func (m *model) setScopeName(s string) string {
	if m.isScope[s] == "project" {
		return m.nodes[s].Prop(graphmodel.PropGCPProjectID)
	}
	return m.relativeName(s)
}

// setNode returns the node of the permission set of k.
func (m *model) setNode(k setKey, members int) graphmodel.Node {
	where := "project " + m.setScopeName(k.project)
	if m.isScope[k.project] != "project" {
		where = "every project below " + m.setScopeName(k.project)
	}
	return graphmodel.Node{
		ID: m.setID(k), Kind: KindPermissionSet, Provider: graphmodel.ProviderGCP,
		Name:  fmt.Sprintf("holders of %s on every target in %s", k.technique, where),
		Scope: k.project,
		Properties: map[string]string{
			"technique": k.technique,
			"members":   strconv.Itoa(members),
		},
	}
}

// edge makes the derived edge of a finding.
func edge(from string, f finding, v verdict) graphmodel.Edge {
	e := graphmodel.Edge{From: from, To: f.to, Kind: f.kind, Technique: f.technique, Access: f.access, Evidence: v.evidence}
	if v.t == gcppolicy.Maybe {
		e.Conditional = true
		e.Conditions = v.conditions
	}
	return e
}
