package aws

import (
	"context"
	"strings"
	"time"

	"github.com/blastradius/blastradius/analysis/aws/catalog"
	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// DirectlyCan returns an edge from every principal of the snapshot that may
// perform action on resource by itself, with the statements that allow it
// (analysis.ActionChecker). The resource is a role or user ARN, or the ARN
// of a collected resource; sts:AssumeRole on a role is judged with its trust
// policy, anything else in AWS's evaluation order.
func (a *Analyzer) DirectlyCan(ctx context.Context, snap *graphmodel.Snapshot, action, resource string) ([]graphmodel.Edge, error) {
	now := a.now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	m, err := buildModel(snap, now.UTC().Format(time.RFC3339))
	if err != nil {
		return nil, err
	}
	access := graphmodel.AccessRead
	if level, ok := catalog.ActionLevel(action); ok {
		switch level {
		case catalog.PermissionsManagement:
			access = graphmodel.AccessAdmin
		case catalog.Write, catalog.Tagging:
			access = graphmodel.AccessWrite
		}
	}
	out := &emitter{}
	role := m.byARN[resource]
	res := m.resByARN[resource]
	for _, p := range m.principals {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var v verdict
		switch {
		case role != nil && role.isRole && strings.EqualFold(action, "sts:AssumeRole"):
			if p == role {
				continue
			}
			v = assumeVerdict(m, role, p)
		case res != nil:
			v = m.accessVerdict(p, res, action, objectTarget(res, action))
		default:
			v = identityAllows(p, action, resource, nil)
		}
		if v.t != awspolicy.No {
			out.addAccess(p.arn, resource, action, access, v)
		}
	}
	return out.edges, nil
}

// objectTarget is what an action on a bucket means: the bucket itself, or,
// for an action on objects only (s3:GetObject), every object in it.
func objectTarget(r *resource, action string) string {
	if r.service != "s3" || r.typ != "bucket" {
		return r.arn
	}
	types, _ := catalog.ActionResourceTypes(action)
	for _, t := range types {
		if strings.EqualFold(t.Name, "bucket") {
			return r.arn
		}
	}
	return r.arn + "/*"
}
