package gcp

import (
	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// finding is one derived edge of a principal, before memberships and
// permission sets are applied.
type finding struct {
	kind      graphmodel.EdgeKind
	to        string
	technique string
	access    graphmodel.Access
}

// setKey names a permission set: the holders of a technique (or of a
// resource access permission) on a whole project.
type setKey struct {
	project, technique string
}

// results are what the rules found for one principal.
type results struct {
	found map[finding]verdict
	order []finding
	// joined are the permission sets the principal belongs to, with the
	// verdict (always certain) and its evidence.
	joined map[setKey]verdict
	jorder []setKey
	// admin are the scopes it certainly administers by its own grants.
	admin map[string]bool
	// covered are the projects it, or a node it inherits from, certainly
	// administers: everything in them is reached through the scope, so
	// the rules skip them.
	covered map[string]bool
}

func newResults() *results {
	return &results{found: map[finding]verdict{}, joined: map[setKey]verdict{}, admin: map[string]bool{}, covered: map[string]bool{}}
}

// add records a finding; a stronger verdict replaces a weaker one.
func (r *results) add(f finding, v verdict) {
	if v.t == gcppolicy.No {
		return
	}
	if old, ok := r.found[f]; ok {
		if v.t > old.t {
			r.found[f] = v
		}
		return
	}
	r.found[f] = v
	r.order = append(r.order, f)
}

// join records membership of a permission set.
func (r *results) join(k setKey, v verdict) {
	if v.t != gcppolicy.Yes {
		return
	}
	if _, ok := r.joined[k]; ok {
		return
	}
	r.joined[k] = v
	r.jorder = append(r.jorder, k)
}
