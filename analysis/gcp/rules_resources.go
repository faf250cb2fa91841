package gcp

import (
	"maps"
	"slices"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// resourceTypes are the asset types of resourceAccess, sorted.
var resourceTypes = slices.Sorted(maps.Keys(resourceAccess))

// typeOf returns the asset type of a node.
func (m *model) typeOf(id string) string {
	if n := m.nodes[id]; n != nil {
		return n.Prop(graphmodel.PropGCPAssetType)
	}
	return ""
}

// deriveResources: read, write or administrator access to the buckets,
// secrets, topics and datasets, each level proved by one permission
// (resourceAccess). Only the strongest certain level of a resource is
// kept, with a stronger conditional one.
func (m *model) deriveResources(p *principal, r *results) {
	for _, typ := range resourceTypes {
		// By project: the strongest level held on all of it; by resource:
		// the strongest certain level.
		wholeProject := map[string]bool{}
		certain := map[string]bool{}
		for _, lv := range resourceAccess[typ] {
			levels := p.levels[lv.permission]
			if len(levels) == 0 {
				continue
			}
			access := graphmodel.Access(lv.access)
			for pr := range m.joinHigh(p, r, lv.permission, levels, [][]string{{lv.permission}}, wholeProject) {
				wholeProject[pr] = true
			}
			for _, pr := range m.projectsOf(levels) {
				if r.covered[pr] || wholeProject[pr] {
					continue
				}
				if u := m.uniform(p, lv.permission, pr); u.t == gcppolicy.Yes {
					r.join(setKey{pr, lv.permission}, u)
					wholeProject[pr] = true
					continue
				}
				for _, res := range m.resources[pr] {
					if m.typeOf(res) != typ || certain[res] {
						continue
					}
					m.access(p, r, res, lv.permission, access, certain)
				}
			}
			for _, l := range levels {
				pr := m.projectOf[l]
				if m.typeOf(l) != typ || certain[l] || r.covered[pr] || wholeProject[pr] {
					continue
				}
				if m.isScope[l] == "" {
					m.access(p, r, l, lv.permission, access, certain)
				}
			}
		}
	}
}

// access records p's access to one resource.
func (m *model) access(p *principal, r *results, res, perm string, access graphmodel.Access, certain map[string]bool) {
	v := m.check(p, perm, res)
	if v.t == gcppolicy.No {
		return
	}
	r.add(finding{kind: graphmodel.EdgeCanAccess, to: res, technique: perm, access: access}, v)
	if v.t == gcppolicy.Yes {
		certain[res] = true
	}
}
