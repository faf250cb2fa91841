package tfplan

import (
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// A value unknown until apply (an ARN or ID the provider returns) is
// resolved by resource address: the configuration expression of the
// attribute lists the references it is made of, and a reference to an
// attribute of a resource of the same plan is that resource's planned value
// (computed as AWS will compute it, e.g. a role's ARN from its name and
// path). References through module outputs and the input variables of
// child modules are followed; locals, functions of several references and
// dynamic blocks are not (the configuration representation does not hold
// them), and such a value stays unknown.

// maxDepth bounds the chain of references followed for one value.
const maxDepth = 64

// segment is one step of a reference: a name and its index keys as written
// (`[0]`, `["a"]`), e.g. `aws_iam_role`, `ci`, `arn`.
type segment struct {
	name, index string
}

// parseRef splits a reference (`module.m["a"].out`, `aws_iam_role.ci[0].arn`)
// into its segments; ok is false for anything else.
func parseRef(ref string) (segs []segment, ok bool) {
	for ref != "" {
		end := strings.IndexAny(ref, ".[")
		name := ref
		if end >= 0 {
			name = ref[:end]
		}
		if name == "" {
			return nil, false
		}
		ref = ref[len(name):]
		seg := segment{name: name}
		for strings.HasPrefix(ref, "[") {
			i := closingBracket(ref)
			if i < 0 {
				return nil, false
			}
			seg.index += ref[:i+1]
			ref = ref[i+1:]
		}
		segs = append(segs, seg)
		if ref == "" {
			break
		}
		if ref[0] != '.' {
			return nil, false
		}
		ref = ref[1:]
		if ref == "" {
			return nil, false
		}
	}
	return segs, len(segs) > 0
}

// closingBracket returns the index of the "]" closing the "[" at s[0],
// skipping quoted strings; -1 when there is none.
func closingBracket(s string) int {
	quoted := false
	for i := 1; i < len(s); i++ {
		switch {
		case quoted && s[i] == '\\':
			i++
		case s[i] == '"':
			quoted = !quoted
		case !quoted && s[i] == ']':
			return i
		}
	}
	return -1
}

// moduleSteps splits a module instance address (`module.a["x"].module.b`)
// into its calls; ok is false for anything else.
func moduleSteps(addr string) (steps []segment, ok bool) {
	if addr == "" {
		return nil, true
	}
	segs, ok := parseRef(addr)
	if !ok || len(segs)%2 != 0 {
		return nil, false
	}
	for i := 0; i < len(segs); i += 2 {
		if segs[i].name != "module" || segs[i].index != "" {
			return nil, false
		}
		steps = append(steps, segs[i+1])
	}
	return steps, true
}

// joinModule returns the address of module instance call inside mod.
func joinModule(mod string, call segment) string {
	a := "module." + call.name + call.index
	if mod == "" {
		return a
	}
	return mod + "." + a
}

// parentModule returns the instance that calls mod, and mod's call.
func parentModule(mod string) (parent string, call segment, ok bool) {
	steps, ok := moduleSteps(mod)
	if !ok || len(steps) == 0 {
		return "", segment{}, false
	}
	for _, s := range steps[:len(steps)-1] {
		parent = joinModule(parent, s)
	}
	return parent, steps[len(steps)-1], true
}

// configModule returns the configuration of the module instance mod.
func (a *applier) configModule(mod string) *tfjson.ConfigModule {
	if a.p.tf.Config == nil {
		return nil
	}
	m := a.p.tf.Config.RootModule
	steps, ok := moduleSteps(mod)
	if !ok {
		return nil
	}
	for _, s := range steps {
		if m == nil {
			return nil
		}
		call := m.ModuleCalls[s.name]
		if call == nil {
			return nil
		}
		m = call.Module
	}
	return m
}

// configResource returns the configuration of the resource at address
// local (`aws_iam_role.ci`, `data.aws_iam_policy_document.p`) in module
// instance mod.
func (a *applier) configResource(mod, local string) *tfjson.ConfigResource {
	m := a.configModule(mod)
	if m == nil {
		return nil
	}
	for _, r := range m.Resources {
		if r != nil && r.Address == local {
			return r
		}
	}
	return nil
}

// mainRefs returns the references of an expression that name a value,
// without those another one implies (`aws_iam_role.ci` beside
// `aws_iam_role.ci.name`) and without repetition keys (count.index,
// each.key, each.value), which choose an instance but are no value.
func mainRefs(refs []string) []string {
	var out []string
	for _, r := range refs {
		if r == "count.index" || strings.HasPrefix(r, "each.") || r == "path.module" || r == "path.root" {
			continue
		}
		implied := false
		for _, o := range refs {
			if o != r && (strings.HasPrefix(o, r+".") || strings.HasPrefix(o, r+"[")) {
				implied = true
				break
			}
		}
		if !implied && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// resolver resolves references made from one resource instance.
type resolver struct {
	a *applier
	// mod is the module instance the reference is made in; key is the
	// instance key of the resource making it (`[0]`, `["a"]`, or "").
	mod, key string
	// hint is the attribute a reference to a whole resource stands for
	// (Terraform lists `aws_iam_role.r` alone for `aws_iam_role.r[count.index].name`).
	hint  string
	depth int
}

// hintFor returns the attribute that a reference to a whole resource most
// likely means for argument key: an ARN (also in the resources and
// principals of a policy document), a URL, a policy document, else the
// resource's id (a role's, a bucket's, a function's name).
func hintFor(key string) string {
	switch {
	case strings.Contains(key, "arn") || strings.Contains(key, "resources") || key == "identifiers" || key == "values":
		return "arn"
	case strings.Contains(key, "url"):
		return "url"
	case strings.Contains(key, "policy") || key == "content" || strings.Contains(key, "documents"):
		return "json"
	}
	return "id"
}

// value resolves a reference to a single value: ok is false when it does
// not resolve to a known or planned value.
func (r resolver) value(ref string) (string, bool) {
	if r.depth > maxDepth {
		return "", false
	}
	segs, ok := parseRef(ref)
	if !ok {
		return "", false
	}
	next := resolver{a: r.a, mod: r.mod, key: r.key, hint: r.hint, depth: r.depth + 1}
	attr := func(i int) string {
		if i < len(segs) {
			return segs[i].name
		}
		return r.hint
	}
	switch segs[0].name {
	case "var":
		return next.variable(segs)
	case "module":
		return next.moduleOutput(segs)
	case "data":
		if len(segs) < 3 || attr(3) == "" {
			return "", false
		}
		return next.resourceAttr("data."+segs[1].name, segs[2], attr(3))
	case "local", "each", "count", "path", "self", "terraform":
		return "", false
	}
	if len(segs) < 2 || attr(2) == "" {
		return "", false
	}
	return next.resourceAttr(segs[0].name, segs[1], attr(2))
}

// resourceAttr resolves attribute attr of the resource typ.name[index] of
// r's module instance.
func (r resolver) resourceAttr(typ string, name segment, attr string) (string, bool) {
	local := typ + "." + name.name
	prefix := local
	if r.mod != "" {
		prefix = r.mod + "." + local
	}
	var found *change
	if name.index != "" {
		found = r.a.byAddress[prefix+name.index]
	} else if c := r.a.byAddress[prefix]; c != nil {
		found = c
	} else {
		// A resource with count or for_each named without its key: the
		// instance of the same key as the referrer, or the only one.
		var all []*change
		for _, c := range r.a.instances[prefix] {
			if c.key == r.key && r.key != "" {
				found = c
				break
			}
			all = append(all, c)
		}
		if found == nil && len(all) == 1 {
			found = all[0]
		}
	}
	if found != nil {
		return r.a.plannedAttr(found, attr, r.depth)
	}
	if name.index != "" {
		return r.a.stateAttr(prefix+name.index, attr)
	}
	if v, ok := r.a.stateAttr(prefix, attr); ok {
		return v, true
	}
	if list := r.a.stateInstances[prefix]; len(list) == 1 {
		return r.a.stateAttr(list[0], attr)
	}
	return "", false
}

// moduleOutput resolves module.<call>[key].<output> through the output's
// expression in the called module.
func (r resolver) moduleOutput(segs []segment) (string, bool) {
	if len(segs) < 3 {
		return "", false
	}
	m := r.a.configModule(r.mod)
	if m == nil || m.ModuleCalls[segs[1].name] == nil || m.ModuleCalls[segs[1].name].Module == nil {
		return "", false
	}
	call := m.ModuleCalls[segs[1].name]
	if segs[1].index == "" && (call.CountExpression != nil || call.ForEachExpression != nil) {
		return "", false
	}
	out := call.Module.Outputs[segs[2].name]
	if out == nil || out.Expression == nil {
		return "", false
	}
	child := resolver{a: r.a, mod: joinModule(r.mod, segs[1]), hint: r.hint, depth: r.depth}
	return child.expression(out.Expression)
}

// variable resolves var.<name>: in the root module the plan's variables,
// in a child module the argument its call passes.
func (r resolver) variable(segs []segment) (string, bool) {
	if len(segs) != 2 || segs[1].index != "" {
		return "", false
	}
	if r.mod == "" {
		v := r.a.p.tf.Variables[segs[1].name]
		if v == nil {
			return "", false
		}
		s := scalar(v.Value)
		return s, s != ""
	}
	parent, call, ok := parentModule(r.mod)
	if !ok {
		return "", false
	}
	m := r.a.configModule(parent)
	if m == nil || m.ModuleCalls[call.name] == nil {
		return "", false
	}
	expr := m.ModuleCalls[call.name].Expressions[segs[1].name]
	return resolver{a: r.a, mod: parent, hint: r.hint, depth: r.depth}.expression(expr)
}

// expression resolves an expression: its constant value, or the value of
// its one main reference.
func (r resolver) expression(e *tfjson.Expression) (string, bool) {
	if e == nil || e.ExpressionData == nil {
		return "", false
	}
	if e.ConstantValue != nil && e.ConstantValue != tfjson.UnknownConstantValue {
		s := scalar(e.ConstantValue)
		return s, s != ""
	}
	refs := mainRefs(e.References)
	if len(refs) != 1 {
		return "", false
	}
	return r.value(refs[0])
}

// expressionAll resolves every main reference of an expression (for the
// unknown elements of a list); ok is false when any does not resolve.
func (r resolver) expressionAll(e *tfjson.Expression) ([]string, bool) {
	if e == nil || e.ExpressionData == nil {
		return nil, false
	}
	refs := mainRefs(e.References)
	if len(refs) == 0 {
		return nil, false
	}
	var vals []string
	for _, ref := range refs {
		v, ok := r.value(ref)
		if !ok {
			return nil, false
		}
		vals = append(vals, v)
	}
	return vals, true
}
