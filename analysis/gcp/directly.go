package gcp

import (
	"context"
	"time"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// DirectlyCan returns an edge from every principal that holds the
// permission action ("storage.objects.get") on resource, a GCP node of
// the snapshot, by its own grants or its groups' (analysis.ActionChecker):
// the first hop of a who-can answer. A principal that holds it only
// through a group or a domain is left to the group.
func (a *Analyzer) DirectlyCan(ctx context.Context, snap *graphmodel.Snapshot, action, resource string) ([]graphmodel.Edge, error) {
	now := a.now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	m, err := buildModel(snap, now)
	if err != nil {
		return nil, err
	}
	if m.nodes[resource] == nil {
		return nil, nil
	}
	access := graphmodel.Access("")
	for _, levels := range resourceAccess {
		for _, l := range levels {
			if l.permission == action {
				access = graphmodel.Access(l.access)
			}
		}
	}
	var out []graphmodel.Edge
	for _, p := range m.principals {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !p.evaluate {
			continue
		}
		v := m.check(p, action, resource)
		if v.t == gcppolicy.No {
			continue
		}
		out = append(out, edge(p.id, finding{kind: graphmodel.EdgeCanAccess, to: resource, technique: action, access: access}, v))
	}
	return out, nil
}
