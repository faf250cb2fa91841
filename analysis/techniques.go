package analysis

import (
	"sort"

	"github.com/blastradius/blastradius/graphmodel"
)

// genericTechniques are the hops the generic passes synthesize themselves.
var genericTechniques = []graphmodel.Technique{
	{ID: TechniqueGroupMembership, Name: "group membership", Category: "membership",
		Description: "a member holds its group's permissions"},
	{ID: TechniqueAdminOfScope, Name: "administrator of a scope", Category: "administrator", Attack: "T1078.004",
		Description: "an administrator of a scope (an account, a cluster, a project) controls every identity and resource in it"},
}

// Techniques returns the technique catalogue of the generic passes and of
// every deriver that has one (TechniqueCatalog), sorted by provider then ID.
func Techniques(derivers []Deriver) []graphmodel.Technique {
	list := append([]graphmodel.Technique(nil), genericTechniques...)
	for _, d := range derivers {
		if c, ok := d.(TechniqueCatalog); ok {
			list = append(list, c.Techniques()...)
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Provider != list[j].Provider {
			return list[i].Provider < list[j].Provider
		}
		return list[i].ID < list[j].ID
	})
	return list
}

// composites indexes the two-step techniques of the derivers' catalogues by
// their steps. A deriver's composites name only its own steps, so
// catalogues of several providers never compete for a pair.
func composites(derivers []Deriver) map[[2]string]string {
	out := map[[2]string]string{}
	for _, d := range derivers {
		c, ok := d.(TechniqueCatalog)
		if !ok {
			continue
		}
		for _, t := range c.Techniques() {
			if len(t.Steps) == 2 {
				out[[2]string{t.Steps[0], t.Steps[1]}] = t.ID
			}
		}
	}
	return out
}
