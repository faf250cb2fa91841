package gcppolicy

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/ext"
)

// Resource is what a condition may ask of the target: the attributes
// resource.name, resource.type and resource.service, and its tags.
type Resource struct {
	// Name is the resource name as conditions see it, without the
	// service ("projects/_/buckets/b", "projects/123/secrets/s").
	Name string
	// Type is the asset type ("storage.googleapis.com/Bucket").
	Type string
	// Service is the service FQDN ("storage.googleapis.com").
	Service string
	// Tags are the resource's tags, namespaced key ("123/env" or
	// "my-project/env") → short value name; nil when they were not
	// collected (tag conditions are then undecided).
	Tags map[string]string
}

// ResourceFromAsset returns the condition attributes of a resource named by
// its Cloud Asset name ("//storage.googleapis.com/projects/_/buckets/b")
// and asset type. Names without the //service/ form give a resource with
// the name only.
func ResourceFromAsset(assetName, assetType string) *Resource {
	r := &Resource{Type: assetType}
	if rest, ok := strings.CutPrefix(assetName, "//"); ok {
		svc, name, _ := strings.Cut(rest, "/")
		r.Service, r.Name = svc, name
	} else {
		r.Name = assetName
	}
	if r.Service == "" && assetType != "" {
		r.Service, _, _ = strings.Cut(assetType, "/")
	}
	return r
}

// Context is what a condition is decided against.
type Context struct {
	// Now is the time of the request (request.time).
	Now time.Time
	// Resource is the target; nil leaves resource.* undecided.
	Resource *Resource
}

// Outcome is the result of one condition.
type Outcome struct {
	Verdict Tri
	// Reason says why the verdict is Maybe (the attributes or functions the
	// analysis cannot know, or the evaluation error).
	Reason string
}

// EvalCondition decides a condition. A nil condition is Yes. What the
// analysis cannot know (request.auth, api.getAttribute, untagged targets,
// anything outside request.time and resource.name/type/service) makes the
// outcome Maybe; an expression that does not compile is Maybe as well.
func EvalCondition(e *Expr, ctx Context) Outcome {
	if e == nil {
		return Outcome{Verdict: Yes}
	}
	prg, err := compile(e.Expression)
	if err != nil {
		return Outcome{Verdict: Maybe, Reason: "cannot be compiled: " + err.Error()}
	}
	vars, err := activation(ctx)
	if err != nil {
		return Outcome{Verdict: Maybe, Reason: err.Error()}
	}
	out, _, err := prg.Eval(vars)
	return boolOutcome(out, err)
}

// boolOutcome is the outcome of a boolean expression that evaluated to out
// or failed with err.
func boolOutcome(out ref.Val, err error) Outcome {
	if err != nil {
		return Outcome{Verdict: Maybe, Reason: "cannot be decided: " + err.Error()}
	}
	if u, ok := out.(*types.Unknown); ok {
		return Outcome{Verdict: Maybe, Reason: "depends on " + unknownNames(u)}
	}
	switch out {
	case types.True:
		return Outcome{Verdict: Yes}
	case types.False:
		return Outcome{Verdict: No}
	}
	return Outcome{Verdict: Maybe, Reason: fmt.Sprintf("evaluates to %v, not a bool", out)}
}

func unknownNames(u *types.Unknown) string {
	seen := map[string]bool{}
	for _, id := range u.IDs() {
		trails, _ := u.GetAttributeTrails(id)
		for _, t := range trails {
			if t != nil {
				seen[t.String()] = true
			}
		}
	}
	if len(seen) == 0 {
		return "attributes unknown at analysis time"
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// unknownVars are the variables conditions may use that the analysis never
// knows; unknownRequest the request attributes it does not know.
var (
	unknownVars    = []string{"api", "origin", "destination", "levels"}
	unknownRequest = []string{"auth", "host", "path", "headers", "scheme"}
)

func activation(ctx Context) (cel.Activation, error) {
	vars := map[string]any{"request": map[string]any{"time": ctx.Now.UTC()}}
	patterns := make([]*cel.AttributePatternType, 0, 10)
	for _, v := range unknownVars {
		patterns = append(patterns, cel.AttributePattern(v))
	}
	for _, q := range unknownRequest {
		patterns = append(patterns, cel.AttributePattern("request").QualString(q))
	}
	if ctx.Resource == nil {
		patterns = append(patterns, cel.AttributePattern("resource"))
	} else {
		res := map[string]any{}
		for k, v := range map[string]string{"name": ctx.Resource.Name, "type": ctx.Resource.Type, "service": ctx.Resource.Service} {
			if v != "" {
				res[k] = v
			} else {
				patterns = append(patterns, cel.AttributePattern("resource").QualString(k))
			}
		}
		if ctx.Resource.Tags != nil {
			res[tagsKey] = ctx.Resource.Tags
		}
		vars["resource"] = res
	}
	return cel.PartialVars(vars, patterns...)
}

// tagsKey holds the resource's tags in the activation, out of reach of
// expressions (no identifier may contain a space).
const tagsKey = "tags of the resource"

var (
	envOnce sync.Once
	celEnv  *cel.Env
	envErr  error
	progs   sync.Map // expression → cel.Program or error
)

// maxExpression bounds the length of a condition (IAM allows 12,800 characters).
const maxExpression = 12800

func compile(expr string) (cel.Program, error) {
	if p, ok := progs.Load(expr); ok {
		if err, bad := p.(error); bad {
			return nil, err
		}
		return p.(cel.Program), nil
	}
	prg, err := compileNew(expr)
	if err != nil {
		progs.Store(expr, err)
		return nil, err
	}
	progs.Store(expr, prg)
	return prg, nil
}

func compileNew(expr string) (cel.Program, error) {
	if len(expr) > maxExpression {
		return nil, fmt.Errorf("expression longer than %d characters", maxExpression)
	}
	env, err := environment()
	if err != nil {
		return nil, err
	}
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		return nil, iss.Err()
	}
	return env.Program(ast, cel.EvalOptions(cel.OptPartialEval), cel.CostLimit(100000))
}

func environment() (*cel.Env, error) {
	envOnce.Do(func() {
		opts := []cel.EnvOption{ext.Strings(), ext.Encoders()}
		for _, v := range append([]string{"request", "resource"}, unknownVars...) {
			opts = append(opts, cel.Variable(v, cel.DynType))
		}
		opts = append(opts, iamFunctions()...)
		celEnv, envErr = cel.NewEnv(opts...)
	})
	return celEnv, envErr
}

// iamFunctions declares the functions IAM conditions add to CEL.
func iamFunctions() []cel.EnvOption {
	tagFn := func(name string, args int, impl func(tags map[string]string, a []string) bool) cel.EnvOption {
		params := []*cel.Type{cel.DynType}
		for i := 0; i < args; i++ {
			params = append(params, cel.StringType)
		}
		return cel.Function(name, cel.MemberOverload("resource_"+name, params, cel.BoolType,
			cel.FunctionBinding(func(vals ...ref.Val) ref.Val {
				tags, known := resourceTags(vals[0])
				if !known {
					return types.NewUnknown(0, types.QualifyAttribute(types.NewAttributeTrail("resource"), name))
				}
				a := make([]string, 0, len(vals)-1)
				for _, v := range vals[1:] {
					s, ok := v.(types.String)
					if !ok {
						return types.NewErr("%s: argument is not a string", name)
					}
					a = append(a, string(s))
				}
				return types.Bool(impl(tags, a))
			})))
	}
	return []cel.EnvOption{
		tagFn("matchTag", 2, func(tags map[string]string, a []string) bool {
			v, ok := tags[a[0]]
			return ok && v == a[1]
		}),
		tagFn("hasTagKey", 1, func(tags map[string]string, a []string) bool {
			_, ok := tags[a[0]]
			return ok
		}),
		// Tags are collected by name, not id: the id forms stay undecided.
		idForm("matchTagId", 2), idForm("hasTagKeyId", 1),
		cel.Function("extract", cel.MemberOverload("string_extract_string",
			[]*cel.Type{cel.StringType, cel.StringType}, cel.StringType,
			cel.BinaryBinding(func(s, tmpl ref.Val) ref.Val {
				a, ok1 := s.(types.String)
				b, ok2 := tmpl.(types.String)
				if !ok1 || !ok2 {
					return types.NewErr("extract: arguments are not strings")
				}
				return types.String(extract(string(a), string(b)))
			}))),
		cel.Function("getAttribute", cel.MemberOverload("api_getAttribute",
			[]*cel.Type{cel.DynType, cel.StringType, cel.DynType}, cel.DynType,
			cel.FunctionBinding(func(vals ...ref.Val) ref.Val {
				return types.NewUnknown(0, types.QualifyAttribute(types.NewAttributeTrail("api"), "getAttribute"))
			}))),
		cel.Function("hasOnly", cel.MemberOverload("list_hasOnly_list",
			[]*cel.Type{cel.DynType, cel.DynType}, cel.BoolType,
			cel.BinaryBinding(func(l, allowed ref.Val) ref.Val {
				return hasOnly(l, allowed)
			}))),
	}
}

// idForm declares a tag function by ids, always undecided.
func idForm(name string, args int) cel.EnvOption {
	params := []*cel.Type{cel.DynType}
	for i := 0; i < args; i++ {
		params = append(params, cel.StringType)
	}
	return cel.Function(name, cel.MemberOverload("resource_"+name, params, cel.BoolType,
		cel.FunctionBinding(func(vals ...ref.Val) ref.Val {
			return types.NewUnknown(0, types.QualifyAttribute(types.NewAttributeTrail("resource"), name))
		})))
}

func resourceTags(v ref.Val) (map[string]string, bool) {
	m, ok := v.(traits.Mapper)
	if !ok {
		return nil, false
	}
	t, found := m.Find(types.String(tagsKey))
	if !found {
		return nil, false
	}
	native, err := t.ConvertToNative(reflectMapStringString)
	if err != nil {
		return nil, false
	}
	tags, ok := native.(map[string]string)
	return tags, ok
}

// extract implements IAM's String.extract(template): the part of s that
// the single {name} placeholder of template matches, "" when s does not
// match. The text before the placeholder must occur in s; the text after
// it ends the match (the rest of s when empty).
func extract(s, template string) string {
	open := strings.IndexByte(template, '{')
	closing := strings.IndexByte(template, '}')
	if open < 0 || closing < open {
		return ""
	}
	prefix, suffix := template[:open], template[closing+1:]
	i := strings.Index(s, prefix)
	if i < 0 {
		return ""
	}
	rest := s[i+len(prefix):]
	if suffix == "" {
		return rest
	}
	j := strings.Index(rest, suffix)
	if j < 0 {
		return ""
	}
	return rest[:j]
}

func hasOnly(l, allowed ref.Val) ref.Val {
	list, ok1 := l.(traits.Lister)
	set, ok2 := allowed.(traits.Lister)
	if !ok1 || !ok2 {
		return types.NewErr("hasOnly: arguments are not lists")
	}
	it := list.Iterator()
	for it.HasNext() == types.True {
		if set.Contains(it.Next()) != types.True {
			return types.False
		}
	}
	return types.True
}

var reflectMapStringString = reflect.TypeOf(map[string]string{})
