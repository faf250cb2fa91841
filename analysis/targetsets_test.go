package analysis

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// TestTargetSetsMatchUngrouped analyzes random estates with and without
// target sets: every identity must have the same score, counts, admin
// scopes, reachable identities, resources with their access, and
// escalations to the same targets at the same length; the hops through a
// set must cite the evidence of the edge they stand for. Only ties between
// equally short paths (which of them is shown, which node gives an access)
// may differ.
func TestTargetSetsMatchUngrouped(t *testing.T) {
	sets, upgrades, checked, setGrants := 0, 0, 0, 0
	for seed := int64(1); seed <= 40; seed++ {
		size := 20 + int(seed%6)*15
		snap, d := randomEstate(seed, size)
		run := func(ungrouped bool) (*Graph, *Result) {
			return prepareResult(t, snap, Options{Derivers: []Deriver{d}, Now: time.Unix(0, 0).UTC(), Detail: DetailFull, ungrouped: ungrouped})
		}
		gg, groupedRes := run(false)
		plain, want := run(true)
		nodes, _ := gg.Derived()
		for _, n := range nodes {
			if n.Kind.IsTargetSet() {
				sets++
			}
		}
		upgrades += accessUpgrades(gg)
		evidence := map[string]bool{} // from, to, technique and evidence of every plain edge
		_, edges := plain.Derived()
		for i := range edges {
			e := &edges[i]
			evidence[e.From+"|"+e.To+"|"+e.Technique+"|"+renderEvidence(e)] = true
			if e.Technique == "shared-grant" {
				evidence["grant|"+renderEvidence(e)] = true
			}
		}
		_, grouped := gg.Derived()
		for _, e := range grouped {
			if n, ok := gg.index[e.To]; e.Kind == graphmodel.EdgeCanGrantAdmin && ok && gg.a.g.isSet[n] {
				setGrants++
			}
		}
		for i := range want.Identities {
			got, exp := normalized(groupedRes.Identities[i]), normalized(want.Identities[i])
			if !reflect.DeepEqual(got, exp) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(exp, "", " ")
				t.Fatalf("seed %d: identity %d differs:\ngot  %s\nwant %s", seed, i, g, w)
			}
			for _, esc := range groupedRes.Identities[i].Escalations {
				for _, h := range esc.Path {
					if h.Technique == "shared-grant" {
						checked++
						text := h.Evidence
						if _, after, ok := strings.Cut(text, "as a member of "); ok {
							_, text, _ = strings.Cut(after, ": ") // through a permission set
						}
						text, _, _ = strings.Cut(text, " (granted ")
						if !evidence["grant|"+text] {
							t.Fatalf("seed %d: grant hop %s -> %s cites %q, no edge's evidence", seed, h.From, h.To, h.Evidence)
						}
						continue
					}
					if h.Technique != "shared" || strings.HasPrefix(h.Evidence, "as a member of") {
						continue
					}
					checked++
					if !evidence[h.From+"|"+h.To+"|"+h.Technique+"|"+h.Evidence] {
						t.Fatalf("seed %d: hop %s -%s-> %s cites %q, no edge's evidence", seed, h.From, h.Technique, h.To, h.Evidence)
					}
				}
			}
		}
	}
	if sets == 0 || upgrades == 0 || checked == 0 || setGrants == 0 {
		t.Fatalf("%d target sets, %d stronger accesses entering a set, %d hops checked, %d grants into sets: the random estates must have all", sets, upgrades, checked, setGrants)
	}
	t.Logf("%d target sets, %d stronger accesses entering one, %d hops checked, %d grants into sets", sets, upgrades, checked, setGrants)
}

// normalized is an identity without what ties between equally short paths
// decide: the node a resource's access is via, the hops of escalations.
func normalized(id Identity) Identity {
	id.ReachableResources = append([]ResourceReach(nil), id.ReachableResources...)
	for i := range id.ReachableResources {
		id.ReachableResources[i].Via = ""
	}
	id.Escalations = append([]Escalation(nil), id.Escalations...)
	for i, e := range id.Escalations {
		e.Technique = fmt.Sprintf("%d hops", len(e.Path))
		e.Path = nil
		id.Escalations[i] = e
	}
	return id
}

// accessUpgrades counts, over every full closure of g, the target sets a
// stronger access entered after a weaker one.
func accessUpgrades(g *Graph) int {
	ag := g.a.g
	r := newReacher(ag, false)
	n := 0
	for u := range ag.nodes {
		if ag.class[u] != graphmodel.ClassIdentity {
			continue
		}
		r.run(int32(u))
		for _, v := range r.individuals() {
			if !ag.isSet[v] {
				continue
			}
			// Another arc into the set than the one it joined by, stronger.
			for w := range ag.nodes {
				arcs, base := ag.arcsOf(int32(w))
				for i := range arcs {
					if arcs[i].to == v && base+int32(i) != r.ref[v] && r.has(int32(w)) && arcs[i].access > ag.arcs[r.ref[v]].access {
						n++
					}
				}
			}
		}
	}
	return n
}
