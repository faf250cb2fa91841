package gcppolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Expr is a condition: a CEL expression with its title.
type Expr struct {
	Expression  string `json:"expression"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// Name returns how reports name the condition: its title and expression.
func (e *Expr) Name() string {
	if e == nil {
		return ""
	}
	if e.Title == "" {
		return e.Expression
	}
	return e.Title + ": " + e.Expression
}

// Binding grants a role to members, under an optional condition.
type Binding struct {
	Role      string   `json:"role"`
	Members   []string `json:"members"`
	Condition *Expr    `json:"condition,omitempty"`
}

// AllowPolicy is an IAM allow policy (the policy of getIamPolicy, version 1
// or 3). Audit configurations are not kept.
type AllowPolicy struct {
	Version  int       `json:"version,omitempty"`
	Bindings []Binding `json:"bindings,omitempty"`
	Etag     string    `json:"etag,omitempty"`
}

// ParseAllowPolicy decodes an allow policy as the API, gcloud and Cloud
// Asset Inventory exports write it. Unknown fields are ignored; a binding
// without a role is an error.
func ParseAllowPolicy(data []byte) (*AllowPolicy, error) {
	var p AllowPolicy
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("allow policy: %w", err)
	}
	for i, b := range p.Bindings {
		if b.Role == "" {
			return nil, fmt.Errorf("allow policy: binding %d has no role", i)
		}
		if b.Condition != nil && strings.TrimSpace(b.Condition.Expression) == "" {
			return nil, fmt.Errorf("allow policy: binding %d has a condition without an expression", i)
		}
	}
	return &p, nil
}

// DenyRule denies permissions to principals, with exceptions and an
// optional condition.
type DenyRule struct {
	DeniedPrincipals     []string `json:"deniedPrincipals,omitempty"`
	ExceptionPrincipals  []string `json:"exceptionPrincipals,omitempty"`
	DeniedPermissions    []string `json:"deniedPermissions,omitempty"`
	ExceptionPermissions []string `json:"exceptionPermissions,omitempty"`
	DenialCondition      *Expr    `json:"denialCondition,omitempty"`
}

// PolicyRule is one rule of a deny policy.
type PolicyRule struct {
	Description string    `json:"description,omitempty"`
	DenyRule    *DenyRule `json:"denyRule,omitempty"`
}

// DenyPolicy is an IAM deny policy (IAM API v2), attached to an
// organization, folder or project.
type DenyPolicy struct {
	// Name is policies/<attachment point, URL-encoded>/denypolicies/<id>.
	Name        string       `json:"name,omitempty"`
	UID         string       `json:"uid,omitempty"`
	Kind        string       `json:"kind,omitempty"`
	DisplayName string       `json:"displayName,omitempty"`
	Etag        string       `json:"etag,omitempty"`
	Rules       []PolicyRule `json:"rules,omitempty"`
}

// ParseDenyPolicy decodes a deny policy as the IAM v2 API and `gcloud iam
// policies get --format=json` write it; snake_case field names are accepted
// as well.
func ParseDenyPolicy(data []byte) (*DenyPolicy, error) {
	var raw any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("deny policy: %w", err)
	}
	camel, err := json.Marshal(camelKeys(raw))
	if err != nil {
		return nil, fmt.Errorf("deny policy: %w", err)
	}
	var p DenyPolicy
	if err := json.Unmarshal(camel, &p); err != nil {
		return nil, fmt.Errorf("deny policy: %w", err)
	}
	for i, r := range p.Rules {
		if r.DenyRule == nil {
			continue
		}
		if len(r.DenyRule.DeniedPrincipals) == 0 || len(r.DenyRule.DeniedPermissions) == 0 {
			return nil, fmt.Errorf("deny policy %s: rule %d denies no principal or no permission", p.Name, i)
		}
	}
	return &p, nil
}

// AttachmentPoint returns the attachment point of a deny policy name,
// decoded: "cloudresourcemanager.googleapis.com/projects/123".
func (p *DenyPolicy) AttachmentPoint() string {
	rest, ok := strings.CutPrefix(p.Name, "policies/")
	if !ok {
		return ""
	}
	point, _, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	return strings.NewReplacer("%2F", "/", "%2f", "/").Replace(point)
}

// camelKeys rewrites the object keys of v from snake_case to camelCase.
func camelKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			out[snakeToCamel(k)] = camelKeys(val)
		}
		return out
	case []any:
		for i := range t {
			t[i] = camelKeys(t[i])
		}
	}
	return v
}

func snakeToCamel(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// DenyPermission returns the deny-policy spelling of a permission,
// <service FQDN>/<resource>.<verb> (iam.roles.list →
// iam.googleapis.com/roles.list). Permissions that are already so spelled
// are returned as they are.
func DenyPermission(permission string) string {
	if strings.Contains(permission, "/") {
		return permission
	}
	svc, rest, ok := strings.Cut(permission, ".")
	if !ok {
		return permission
	}
	if fqdn, ok := denyServiceFQDN[svc]; ok {
		svc = fqdn
	} else {
		svc += ".googleapis.com"
	}
	return svc + "/" + rest
}

// denyServiceFQDN lists the services whose permission prefix is not the
// first label of their FQDN.
var denyServiceFQDN = map[string]string{
	"resourcemanager": "cloudresourcemanager.googleapis.com",
}

// globMatch matches s against a pattern where * stands for any run of
// characters (greedy with one backtracking point: linear in practice).
func globMatch(pattern, s string) bool {
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p, mark = star+1, mark+1
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// deniedBy reports whether a deny-policy permission pattern covers permission.
func deniedBy(pattern, permission string) bool {
	return globMatch(pattern, DenyPermission(permission)) || globMatch(pattern, permission)
}
