package gcp

import (
	"fmt"
	"maps"
	"slices"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// deriveAccounts applies the rules that reach service accounts (rules,
// techniques.go), one family at a time.
func (m *model) deriveAccounts(p *principal, r *results) {
	for i := range rules {
		ru := &rules[i]
		if ru.holderSA && !p.isSA {
			continue
		}
		switch ru.family {
		case famServiceAccount:
			m.onAccounts(p, r, ru)
		case famProjectAccounts:
			m.onProjectAccounts(p, r, ru)
		case famNewVehicle:
			m.newVehicle(p, r, ru)
		case famExistingVehicle:
			m.existingVehicle(p, r, ru)
		case famServiceAgent:
			m.serviceAgent(p, r, ru)
		}
	}
}

// accountLevels splits the levels where p may hold a permission into the
// projects below its scope levels and, by project, the service accounts
// among them (a grant in a service account's own policy).
func (m *model) accountLevels(levels []string) (scoped map[string]bool, byProject map[string][]string) {
	scoped, byProject = map[string]bool{}, map[string][]string{}
	for _, l := range levels {
		if m.isScope[l] != "" {
			for _, pr := range m.below(l) {
				scoped[pr] = true
			}
			continue
		}
		if n := m.nodes[l]; n != nil && n.Kind == graphmodel.KindGCPServiceAccount {
			if pr := m.projectOf[l]; pr != "" {
				byProject[pr] = append(byProject[pr], l)
			}
		}
	}
	return scoped, byProject
}

// candidates returns the service accounts of project pr on which p may
// hold a permission granted at levels split by accountLevels.
func (m *model) candidates(pr string, scoped map[string]bool, byProject map[string][]string) []string {
	if scoped[pr] {
		return m.accounts[pr]
	}
	return byProject[pr]
}

// sortedKeys returns the projects of scoped and byProject, sorted.
func sortedKeys(scoped map[string]bool, byProject map[string][]string) []string {
	set := map[string]bool{}
	for k := range scoped {
		set[k] = true
	}
	for k := range byProject {
		set[k] = true
	}
	out := slices.Sorted(maps.Keys(set))
	return out
}

// accountEvidence says why a project-wide holder reaches a service account.
func accountEvidence(pr, sa string) graphmodel.Evidence {
	return graphmodel.Evidence{Source: pr, Statement: -1, Note: sa + " is a service account of " + pr + ", where the grants apply"}
}

// onAccounts: a permission on the service account itself (its own policy
// or an ancestor's).
func (m *model) onAccounts(p *principal, r *results, ru *rule) {
	perms := ru.perms[0]
	levels := p.levelsOf(perms...)
	high := m.joinHigh(p, r, ru.id, levels, ru.perms, nil)
	scoped, byProject := m.accountLevels(levels)
	for _, pr := range sortedKeys(scoped, byProject) {
		if r.covered[pr] || high[pr] {
			continue
		}
		if scoped[pr] {
			if u := m.uniformAny(p, perms, pr); u.t == gcppolicy.Yes {
				r.join(setKey{pr, ru.id}, u)
				continue
			}
		}
		for _, sa := range m.candidates(pr, scoped, byProject) {
			if sa == p.id {
				continue
			}
			r.add(finding{kind: graphmodel.EdgeCanBecome, to: sa, technique: ru.id}, m.checkAny(p, perms, sa))
		}
	}
}

// onProjectAccounts: a permission on a project reaches each of its
// service accounts.
func (m *model) onProjectAccounts(p *principal, r *results, ru *rule) {
	for _, pr := range m.projectsOf(p.levelsOf(ru.perms[0]...)) {
		if r.covered[pr] {
			continue
		}
		v := m.checkAll(p, ru.perms, pr)
		if v.t == gcppolicy.Yes {
			r.join(setKey{pr, ru.id}, v)
			continue
		}
		for _, sa := range m.accounts[pr] {
			if sa != p.id {
				r.add(finding{kind: graphmodel.EdgeCanBecome, to: sa, technique: ru.id}, v.with(accountEvidence(pr, sa)))
			}
		}
	}
}

// vehicleEvidence says what the principal creates and runs as sa.
func vehicleEvidence(ru *rule, pr, sa string) graphmodel.Evidence {
	return graphmodel.Evidence{Source: pr, Statement: -1, Note: fmt.Sprintf("may create %s in %s and act as %s (%s) to run it as that account", ru.vehicle, pr, sa, permActAs)}
}

// newVehicle: permissions on a project create something that runs as a
// service account the principal may act as. A vehicle in one project
// running as an account of another is conditional: the organization
// policy constraint iam.disableCrossProjectServiceAccountUsage, not
// collected, decides it.
func (m *model) newVehicle(p *principal, r *results, ru *rule) {
	createLevels := p.levelsOf(ru.perms[0]...)
	actLevels := p.levels[permActAs]
	if len(createLevels) == 0 || len(actLevels) == 0 {
		return
	}
	creatable := map[string]verdict{}
	var order []string
	for _, pr := range m.projectsOf(createLevels) {
		if v := m.checkAll(p, ru.perms, pr); v.t != gcppolicy.No {
			creatable[pr] = v
			order = append(order, pr)
		}
	}
	if len(order) == 0 {
		return
	}
	scoped, byProject := m.accountLevels(actLevels)
	all := append(append([][]string(nil), ru.perms...), []string{permActAs})
	high := m.joinHigh(p, r, ru.id, p.levelsOf(slices.Concat(all...)...), all, nil)
	for _, pr := range order {
		if r.covered[pr] || high[pr] {
			continue
		}
		cv := creatable[pr]
		if cv.t == gcppolicy.Yes && scoped[pr] {
			if u := m.uniform(p, permActAs, pr); u.t == gcppolicy.Yes {
				r.join(setKey{pr, ru.id}, and(cv, u))
				continue
			}
		}
		for _, sa := range m.candidates(pr, scoped, byProject) {
			if sa == p.id {
				continue
			}
			v := and(cv, m.check(p, permActAs, sa))
			r.add(finding{kind: graphmodel.EdgeCanBecome, to: sa, technique: ru.id}, v.with(vehicleEvidence(ru, pr, sa)))
		}
	}
	// Accounts of the projects where it cannot create the vehicle.
	home := order[0]
	for _, pr := range order {
		if creatable[pr].t == gcppolicy.Yes {
			home = pr
			break
		}
	}
	for _, pr := range sortedKeys(scoped, byProject) {
		if _, ok := creatable[pr]; ok || r.covered[pr] {
			continue
		}
		for _, sa := range m.candidates(pr, scoped, byProject) {
			if sa == p.id {
				continue
			}
			v := and(creatable[home], m.check(p, permActAs, sa)).conditional(fmt.Sprintf(
				"%s runs in %s and %s belongs to %s: cross-project use of service accounts (constraint iam.disableCrossProjectServiceAccountUsage) is not collected",
				ru.vehicle, home, sa, pr))
			r.add(finding{kind: graphmodel.EdgeCanBecome, to: sa, technique: ru.id}, v.with(vehicleEvidence(ru, home, sa)))
		}
	}
}

// isVehicle reports whether resource id is of one of the asset types.
func (m *model) isVehicle(id string, types []string) bool {
	n := m.nodes[id]
	return n != nil && n.Kind == graphmodel.KindGCPResource && slices.Contains(types, n.Prop(graphmodel.PropGCPAssetType))
}

// existingVehicle: permissions on a resource that runs as a service
// account (a function, a Cloud Run service, an instance) take it over;
// acting as the account is needed too. The vehicle's account is the target.
func (m *model) existingVehicle(p *principal, r *results, ru *rule) {
	levels := p.levelsOf(ru.perms[0]...)
	if len(levels) == 0 || len(p.levels[permActAs]) == 0 {
		return
	}
	one := func(vehicle string) {
		for _, sa := range m.runsAs[vehicle] {
			if sa == p.id || r.covered[m.projectOf[sa]] {
				continue
			}
			cv := m.checkAll(p, ru.perms, vehicle)
			if cv.t == gcppolicy.No {
				return
			}
			v := and(cv, m.check(p, permActAs, sa))
			r.add(finding{kind: graphmodel.EdgeCanBecome, to: sa, technique: ru.id},
				v.with(graphmodel.Evidence{Source: vehicle, Statement: -1, Note: "runs as " + sa}))
		}
	}
	projects := m.projectsOf(levels)
	for _, pr := range projects {
		if r.covered[pr] {
			continue
		}
		set := false
		if u := m.uniformAll(p, ru.perms, pr); u.t == gcppolicy.Yes {
			if a := m.uniform(p, permActAs, pr); a.t == gcppolicy.Yes {
				r.join(setKey{pr, ru.id}, and(u, a))
				set = true
			}
		}
		for _, v := range m.resources[pr] {
			if !m.isVehicle(v, ru.vehicles) {
				continue
			}
			if set {
				// The set reaches the accounts of its own project.
				for _, sa := range m.runsAs[v] {
					if m.projectOf[sa] != pr {
						one(v)
						break
					}
				}
				continue
			}
			one(v)
		}
	}
	for _, l := range levels {
		if pr := m.projectOf[l]; m.isVehicle(l, ru.vehicles) && !slices.Contains(projects, pr) {
			one(l)
		}
	}
}

// serviceAgent: permissions on a project start something that runs as a
// Google-managed service agent of the project, when the snapshot knows
// that agent (some policy grants it a role).
func (m *model) serviceAgent(p *principal, r *results, ru *rule) {
	for _, pr := range m.projectsOf(p.levelsOf(ru.perms[0]...)) {
		num := m.projectNumber(pr)
		if num == "" {
			continue
		}
		agent := "gcp:serviceAccount:" + fmt.Sprintf(ru.agent, num)
		if m.nodes[agent] == nil || agent == p.id {
			continue
		}
		v := m.checkAll(p, ru.perms, pr)
		r.add(finding{kind: graphmodel.EdgeCanBecome, to: agent, technique: ru.id},
			v.with(graphmodel.Evidence{Source: pr, Statement: -1, Note: "runs as the project's service agent " + fmt.Sprintf(ru.agent, num)}))
	}
}
