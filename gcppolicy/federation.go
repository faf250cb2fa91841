package gcppolicy

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/ext"
)

// Federation is what a workload identity pool provider decides about a
// token its issuer signed: its attribute mapping and its attribute
// condition, both CEL. The mapping gives the token's identity in the pool
// (google.subject: the subject of principal://…/subject/<s>; google.groups;
// attribute.<name>: the attribute of principalSet://…/attribute.<name>/<v>)
// from the token's claims (assertion); the condition, over assertion,
// attribute and google, must hold for the token to be exchanged at all.
//
// Both are decided as far as the claims are known (Claims): what depends on
// a claim the caller does not know is Maybe, naming the claim.
type Federation struct {
	// Mapping maps google.subject, google.groups and attribute.<name> to a
	// CEL expression over assertion.
	Mapping map[string]string
	// Condition is the attribute condition; "" admits every token.
	Condition string
}

// Claims are the claims of a token as far as they are known, by name
// (assertion.<name>). A claim the expressions read that is absent here is
// unknown: what depends on it is undecided.
type Claims map[string]string

// Admits decides whether the provider accepts a token with claims c: its
// attribute condition, with the attributes the condition reads mapped from c.
func (f *Federation) Admits(c Claims) Outcome {
	if strings.TrimSpace(f.Condition) == "" {
		return Outcome{Verdict: Yes}
	}
	p, err := compileFederation(f.Condition)
	if err != nil {
		return Outcome{Verdict: Maybe, Reason: "the condition cannot be compiled: " + err.Error()}
	}
	vars := map[string]any{"assertion": claimMap(c)}
	patterns := unknownClaims(p.claims, c)
	for _, v := range [...]struct {
		name   string
		fields []string
	}{{"attribute", p.attributes}, {"google", p.google}} {
		known := map[string]any{}
		for _, field := range v.fields {
			val, out := f.mapped(v.name+"."+field, c)
			switch {
			case out.Verdict == Yes:
				known[field] = val
			case out.Verdict == Maybe:
				patterns = append(patterns, cel.AttributePattern(v.name).QualString(field))
			}
		}
		vars[v.name] = known
	}
	return decide(p.prg, vars, patterns)
}

// Selects decides whether a token with claims c, once admitted, is pool
// member m or belongs to it: the whole pool (…/*), a subject (its mapped
// google.subject), a principal set of an attribute (its mapped
// attribute.<name> is, or holds, the value) or of a group (google.groups
// holds it). The caller has checked that m names the provider's pool. Any
// other selection is Maybe.
func (f *Federation) Selects(m Member, c Claims) Outcome {
	var key, want string
	switch {
	case m.Kind == MemberPrincipalSet && m.Set == "*":
		return Outcome{Verdict: Yes}
	case m.Kind == MemberPrincipalSet && m.Attribute != "":
		key, want = "attribute."+m.Attribute, m.Value
	case m.Kind == MemberPrincipalSet && strings.HasPrefix(m.Set, "group/"):
		key, want = "google.groups", strings.TrimPrefix(m.Set, "group/")
	case m.Kind == MemberPrincipal:
		key, want = "google.subject", m.Subject
	default:
		return Outcome{Verdict: Maybe, Reason: "the selection " + m.Set + " is not decided"}
	}
	if _, ok := f.Mapping[key]; !ok {
		return Outcome{Verdict: No}
	}
	val, out := f.mapped(key, c)
	if out.Verdict != Yes {
		return out
	}
	switch v := val.(type) {
	case string:
		if v == want {
			return Outcome{Verdict: Yes}
		}
	case []string:
		for _, s := range v {
			if s == want {
				return Outcome{Verdict: Yes}
			}
		}
	}
	return Outcome{Verdict: No}
}

// mapped evaluates the mapping of key (google.subject, attribute.<name>)
// on claims c: a string, a list of strings, or Maybe with the claims it
// depends on. An attribute the mapping does not set is No.
func (f *Federation) mapped(key string, c Claims) (any, Outcome) {
	expr, ok := f.Mapping[key]
	if !ok {
		return nil, Outcome{Verdict: No, Reason: key + " is not mapped"}
	}
	p, err := compileFederation(expr)
	if err != nil {
		return nil, Outcome{Verdict: Maybe, Reason: "the mapping of " + key + " cannot be compiled: " + err.Error()}
	}
	act, err := cel.PartialVars(map[string]any{"assertion": claimMap(c)}, unknownClaims(p.claims, c)...)
	if err != nil {
		return nil, Outcome{Verdict: Maybe, Reason: "the mapping of " + key + " cannot be decided: " + err.Error()}
	}
	out, _, err := p.prg.Eval(act)
	if err != nil {
		return nil, Outcome{Verdict: Maybe, Reason: "the mapping of " + key + " cannot be decided: " + err.Error()}
	}
	if u, ok := out.(*types.Unknown); ok {
		return nil, Outcome{Verdict: Maybe, Reason: "the mapping of " + key + " depends on " + unknownNames(u)}
	}
	switch v := out.(type) {
	case types.String:
		return string(v), Outcome{Verdict: Yes}
	case traits.Lister:
		var list []string
		it := v.Iterator()
		for it.HasNext() == types.True {
			if s, ok := it.Next().(types.String); ok {
				list = append(list, string(s))
			}
		}
		return list, Outcome{Verdict: Yes}
	}
	return fmt.Sprint(out.Value()), Outcome{Verdict: Yes}
}

// Reads returns the claims (assertion.<name>) the condition and the
// mapping read, sorted; expressions that do not compile read nothing.
func (f *Federation) Reads() []string {
	set := map[string]bool{}
	for _, e := range f.expressions() {
		if p, err := compileFederation(e); err == nil {
			for _, c := range p.claims {
				set[c] = true
			}
		}
	}
	return sortedKeys(set)
}

// Literals returns the string constants of the condition and the mapping,
// sorted, each once: the values a token's claims are compared with.
func (f *Federation) Literals() []string {
	set := map[string]bool{}
	for _, e := range f.expressions() {
		if p, err := compileFederation(e); err == nil {
			for _, l := range p.literals {
				set[l] = true
			}
		}
	}
	return sortedKeys(set)
}

func (f *Federation) expressions() []string {
	keys := make([]string, 0, len(f.Mapping))
	for k := range f.Mapping {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys)+1)
	if strings.TrimSpace(f.Condition) != "" {
		out = append(out, f.Condition)
	}
	for _, k := range keys {
		out = append(out, f.Mapping[k])
	}
	return out
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func claimMap(c Claims) map[string]any {
	m := make(map[string]any, len(c))
	for k, v := range c {
		m[k] = v
	}
	return m
}

// unknownClaims returns the patterns that leave the claims read but not
// known undecided.
func unknownClaims(reads []string, c Claims) []*cel.AttributePatternType {
	var patterns []*cel.AttributePatternType
	for _, name := range reads {
		if _, ok := c[name]; !ok {
			patterns = append(patterns, cel.AttributePattern("assertion").QualString(name))
		}
	}
	return patterns
}

// decide evaluates a boolean program.
func decide(prg cel.Program, vars map[string]any, patterns []*cel.AttributePatternType) Outcome {
	act, err := cel.PartialVars(vars, patterns...)
	var out ref.Val
	if err == nil {
		out, _, err = prg.Eval(act)
	}
	o := boolOutcome(out, err)
	if o.Reason != "" {
		o.Reason = "the condition " + o.Reason
	}
	return o
}

// fedProgram is a compiled expression of a provider with what it reads.
type fedProgram struct {
	prg cel.Program
	// claims, attributes and google are the fields of assertion,
	// attribute and google it reads; literals its string constants.
	claims, attributes, google, literals []string
}

var (
	fedEnvOnce sync.Once
	fedEnv     *cel.Env
	fedEnvErr  error
	fedProgs   sync.Map // expression → *fedProgram or error
)

func compileFederation(expr string) (*fedProgram, error) {
	if p, ok := fedProgs.Load(expr); ok {
		if err, bad := p.(error); bad {
			return nil, err
		}
		return p.(*fedProgram), nil
	}
	p, err := compileFederationNew(expr)
	if err != nil {
		fedProgs.Store(expr, err)
		return nil, err
	}
	fedProgs.Store(expr, p)
	return p, nil
}

func compileFederationNew(expr string) (*fedProgram, error) {
	if len(expr) > maxExpression {
		return nil, fmt.Errorf("expression longer than %d characters", maxExpression)
	}
	fedEnvOnce.Do(func() {
		opts := []cel.EnvOption{ext.Strings(), ext.Encoders()}
		for _, v := range []string{"assertion", "attribute", "google"} {
			opts = append(opts, cel.Variable(v, cel.DynType))
		}
		opts = append(opts, iamFunctions()...)
		fedEnv, fedEnvErr = cel.NewEnv(opts...)
	})
	if fedEnvErr != nil {
		return nil, fedEnvErr
	}
	checked, iss := fedEnv.Compile(expr)
	if iss != nil && iss.Err() != nil {
		return nil, iss.Err()
	}
	prg, err := fedEnv.Program(checked, cel.EvalOptions(cel.OptPartialEval), cel.CostLimit(100000))
	if err != nil {
		return nil, err
	}
	p := &fedProgram{prg: prg}
	sets := map[string]map[string]bool{"assertion": {}, "attribute": {}, "google": {}}
	literals := map[int64]string{}
	keys := map[int64]bool{} // literals that are index keys (assertion['sub'])
	ast.PreOrderVisit(checked.NativeRep().Expr(), ast.NewExprVisitor(func(e ast.Expr) {
		switch e.Kind() {
		case ast.SelectKind:
			sel := e.AsSelect()
			if op := sel.Operand(); op.Kind() == ast.IdentKind {
				if set, ok := sets[op.AsIdent()]; ok {
					set[sel.FieldName()] = true
				}
			}
		case ast.CallKind:
			call := e.AsCall()
			if args := call.Args(); call.FunctionName() == operators.Index && len(args) == 2 && args[0].Kind() == ast.IdentKind {
				if s, ok := literalString(args[1]); ok {
					if set, ok := sets[args[0].AsIdent()]; ok {
						set[s] = true
						keys[args[1].ID()] = true
					}
				}
			}
		case ast.LiteralKind:
			if s, ok := literalString(e); ok {
				literals[e.ID()] = s
			}
		}
	}))
	constants := map[string]bool{}
	for id, s := range literals {
		if !keys[id] {
			constants[s] = true
		}
	}
	p.claims, p.attributes, p.google, p.literals = sortedKeys(sets["assertion"]), sortedKeys(sets["attribute"]), sortedKeys(sets["google"]), sortedKeys(constants)
	return p, nil
}

func literalString(e ast.Expr) (string, bool) {
	if e.Kind() != ast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().(types.String)
	return string(s), ok
}
