package tfplan

import (
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/blastradius/blastradius/graphmodel"
)

// propOwner is the property of an inline policy node naming its owner, as
// collectors/aws writes it.
const propOwner = "owner"

// side is one side of a resource change (or one nested block of it) as
// the handlers read it: its values, and on the after side the
// configuration expressions that resolve values unknown until apply.
type side struct {
	a     *applier
	c     *change
	o     *object
	exprs map[string]*tfjson.Expression
	after bool
	// path is the place of the block in the resource (`inline_policy[1].`).
	path  string
	depth int
}

// side returns the before or after side of c.
func (a *applier) side(c *change, after bool) side {
	s := side{a: a, c: c, o: c.before}
	if after {
		s.o, s.after = c.after, true
		if c.cfg != nil {
			s.exprs = c.cfg.Expressions
		}
	}
	return s
}

// sees reports whether c is a change of resource type typ that has a
// value on the side: not a creation on the before side, nor a deletion on
// the after side.
func (s side) sees(c *change, typ string) bool {
	if s.after {
		return c.rc.Type == typ && c.action != ActionDelete
	}
	return c.rc.Type == typ && c.action != ActionCreate
}

// resolver resolves the references of argument key of the side.
func (s side) resolver(key string) resolver {
	return resolver{a: s.a, mod: s.c.mod, key: s.c.key, hint: hintFor(key), depth: s.depth}
}

// what names attribute key of the side: `aws_iam_role.ci.assume_role_policy`.
func (s side) what(key string) string { return s.c.addr() + "." + s.path + key }

// refs returns the main references of key's expression.
func (s side) refs(key string) []string {
	if e := s.exprs[key]; e != nil && e.ExpressionData != nil {
		return mainRefs(e.References)
	}
	return nil
}

// configured reports whether the configuration sets key (on either side:
// the before side asks the same configuration).
func (s side) configured(key string) bool {
	if s.path == "" && s.c.cfg != nil {
		return s.c.cfg.Expressions[key] != nil
	}
	return s.exprs[key] != nil
}

// str returns the string attribute key; a value unknown until apply is
// resolved by address; ok is false when it stays unknown.
func (s side) str(key string) (string, bool) {
	if v, ok := s.o.str(key); ok {
		return v, true
	}
	if !s.after {
		return "", false
	}
	return s.resolver(key).expression(s.exprs[key])
}

// strs returns the list or set attribute key, with its unknown elements
// resolved by address; ok is false when some stay unknown (vals then
// holds the known ones).
func (s side) strs(key string) (vals []string, ok bool) {
	known, unknown, whole := s.o.strs(key)
	if !whole && unknown == 0 {
		return sortedSet(known), true
	}
	if !s.after {
		return sortedSet(known), false
	}
	extra, ok := s.resolver(key).expressionAll(s.exprs[key])
	if !ok {
		return sortedSet(known), false
	}
	return sortedSet(append(known, extra...)), true
}

// blocks returns the nested blocks of key, each with its configuration
// expressions when the configuration's blocks match them one to one; ok
// is false when some block is unknown as a whole.
func (s side) blocks(key string) (list []side, ok bool) {
	objs, whole := s.o.blocks(key)
	var nested []map[string]*tfjson.Expression
	if e := s.exprs[key]; e != nil && e.ExpressionData != nil {
		nested = e.NestedBlocks
	}
	for i, b := range objs {
		var ex map[string]*tfjson.Expression
		if len(nested) == len(objs) {
			ex = nested[i]
		}
		list = append(list, side{a: s.a, c: s.c, o: b, exprs: ex, after: s.after, path: s.path + key + "[" + strconv.Itoa(i) + "].", depth: s.depth})
	}
	return list, !whole
}

// unresolved records that the fact key carries cannot be placed: its
// value is unknown until apply and no reference resolves it.
func (s side) unresolved(key, what string) {
	reason := "unknown until apply: " + s.what(key)
	if refs := s.refs(key); len(refs) > 0 {
		reason += " (" + strings.Join(refs, ", ") + ")"
	}
	s.a.gap(s.c, what, reason+"; not applied")
}

// name returns the resource's name attribute; when AWS or Terraform will
// choose it (name_prefix, or no name), its prefix and the placeholder.
func (s side) name(key string) string {
	if n, ok := s.str(key); ok && n != "" {
		return n
	}
	prefix, _ := s.str(key + "_prefix")
	return prefix + s.c.placeholder()
}

// tags returns the resource's tags as AWS holds them (tags_all, else
// tags); known is false when they are unknown until apply.
func (s side) tags() (map[string]string, bool) {
	for _, key := range []string{"tags_all", "tags"} {
		if _, present := s.o.v[key]; !present {
			continue
		}
		if t, ok := s.o.tags(key); ok {
			if len(t) == 0 {
				return nil, true
			}
			return t, true
		}
	}
	if !s.o.known("tags_all") || !s.o.known("tags") {
		return nil, false
	}
	return nil, true
}

// region returns the change's region.
func (s side) region() string { return s.c.region }

// account returns the plan's account.
func (s side) account() string { return s.a.account }

// scope returns the plan's account scope.
func (s side) scope() string { return graphmodel.AWSAccountScope(s.a.account) }

// plannedAttr returns attribute attr of the planned (after) value of c:
// its value when known, else what AWS will compute (an ARN from a name),
// else for a policy document data source its document.
//
// Results are remembered, and a reference back to an attribute being
// worked out resolves to nothing: a chain of references is followed once.
func (a *applier) plannedAttr(c *change, attr string, depth int) (string, bool) {
	key := strconv.Itoa(c.idx) + "\x00" + attr
	if r, ok := a.memo[key]; ok {
		return r.value, r.ok
	}
	if a.busy[key] || depth > maxDepth {
		return "", false
	}
	a.busy[key] = true
	v, ok := a.computeAttr(c, attr, depth)
	delete(a.busy, key)
	a.memo[key] = resolved{v, ok}
	return v, ok
}

// resolved is a remembered value of plannedAttr.
type resolved struct {
	value string
	ok    bool
}

// computeAttr is plannedAttr without its memory.
func (a *applier) computeAttr(c *change, attr string, depth int) (string, bool) {
	o := c.after
	if c.action == ActionDelete || c.rc.Change.After == nil {
		o = c.before
	}
	if v, ok := o.str(attr); ok && v != "" {
		return v, true
	}
	if c.rc.Mode == tfjson.DataResourceMode && c.rc.Type == "aws_iam_policy_document" && (attr == "json" || attr == "minified_json") {
		doc, ok := a.rebuildDocument(c, depth)
		return string(doc), ok
	}
	if c.h != nil && c.h.attrs != nil && c.action != ActionDelete {
		s := a.side(c, true)
		s.depth = depth
		if v := c.h.attrs(s)[attr]; v != "" {
			return v, true
		}
	}
	return "", false
}

// stateAttr returns attribute attr of a resource of the prior state or
// planned values (a data source read while planning).
func (a *applier) stateAttr(addr, attr string) (string, bool) {
	v, ok := a.state[addr]
	if !ok {
		return "", false
	}
	s := scalar(v[attr])
	return s, s != ""
}
