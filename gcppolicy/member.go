package gcppolicy

import (
	"errors"
	"fmt"
	"strings"
)

// MemberKind is the form of an IAM member (principal identifier).
type MemberKind string

// The member forms of allow and deny policies.
const (
	// MemberUser is a Google account: user:<email>, principal://goog/subject/<email>.
	MemberUser MemberKind = "user"
	// MemberServiceAccount is a service account: serviceAccount:<email>,
	// principal://iam.googleapis.com/projects/-/serviceAccounts/<email>.
	MemberServiceAccount MemberKind = "serviceAccount"
	// MemberGroup is a Google group: group:<email>, principalSet://goog/group/<email>.
	MemberGroup MemberKind = "group"
	// MemberDomain is every Google account of a Workspace or Cloud Identity domain.
	MemberDomain MemberKind = "domain"
	// MemberCustomer is every account of a Cloud Identity customer:
	// principalSet://goog/cloudIdentityCustomerId/<id>.
	MemberCustomer MemberKind = "cloudIdentityCustomerId"
	// MemberAllUsers is anyone on the internet: allUsers, principalSet://goog/public:all.
	MemberAllUsers MemberKind = "allUsers"
	// MemberAllAuthenticatedUsers is any authenticated Google identity.
	MemberAllAuthenticatedUsers MemberKind = "allAuthenticatedUsers"
	// MemberPrincipal is one identity of a workload or workforce identity
	// pool: principal://iam.googleapis.com/…/subject/<subject>.
	MemberPrincipal MemberKind = "principal"
	// MemberPrincipalSet is a set of identities of a pool (…/*,
	// …/group/<g>, …/attribute.<name>/<value>, …/namespace/<ns>) or any other
	// principalSet:// identifier.
	MemberPrincipalSet MemberKind = "principalSet"
	// MemberKubernetesServiceAccount is a Kubernetes service account of GKE
	// Workload Identity: serviceAccount:<project>.svc.id.goog[<ns>/<ksa>] or
	// principal://iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<project>.svc.id.goog/subject/ns/<ns>/sa/<ksa>.
	MemberKubernetesServiceAccount MemberKind = "kubernetesServiceAccount"
	// MemberProjectOwner, MemberProjectEditor and MemberProjectViewer are the
	// convenience members projectOwner:<project>, …: the principals holding
	// the basic role on the project.
	MemberProjectOwner  MemberKind = "projectOwner"
	MemberProjectEditor MemberKind = "projectEditor"
	MemberProjectViewer MemberKind = "projectViewer"
)

// Member is one parsed IAM member.
type Member struct {
	// Raw is the member as written in the policy.
	Raw  string
	Kind MemberKind
	// Deleted marks a deleted: member; it matches nobody.
	Deleted bool
	// Email is the lower-cased address of a user, group or service account.
	Email string
	// Domain is the domain of a domain: member.
	Domain string
	// Customer is the Cloud Identity customer id of a MemberCustomer.
	Customer string
	// Project is the project id of a convenience member or of a GKE
	// workload pool (<project>.svc.id.goog).
	Project string
	// Pool is the pool's resource name without the service
	// ("projects/<n>/locations/global/workloadIdentityPools/<id>" or
	// "locations/global/workforcePools/<id>"); "" for the legacy GKE form.
	Pool string
	// PoolID is the pool's short id (for GKE, "<project>.svc.id.goog").
	PoolID string
	// Subject is the subject of a MemberPrincipal.
	Subject string
	// Set is what a MemberPrincipalSet selects within its pool: "*",
	// "group/<g>", "attribute.<name>/<value>", "namespace/<ns>", … (for a
	// principalSet outside any pool, the whole identifier after "//").
	Set string
	// Attribute and Value are the attribute name and value of a
	// principalSet …/attribute.<name>/<value>.
	Attribute, Value string
	// Namespace and KSA are the namespace and name of a Kubernetes service account.
	Namespace, KSA string
}

// ErrMember is the error of a member that cannot be parsed.
var ErrMember = errors.New("not an IAM member")

const (
	iamHost       = "//iam.googleapis.com/"
	gkePoolSuffix = ".svc.id.goog"
)

// ParseMember parses an IAM member of an allow policy (user:…,
// serviceAccount:…, principal://…) or a principal identifier of a deny
// policy (principal://goog/subject/…, principalSet://goog/group/…).
func ParseMember(s string) (Member, error) {
	m := Member{Raw: s}
	rest := s
	if r, ok := strings.CutPrefix(rest, "deleted:"); ok {
		m.Deleted, rest = true, r
		if i := strings.LastIndex(rest, "?uid="); i >= 0 {
			rest = rest[:i]
		}
	}
	switch rest {
	case "allUsers":
		m.Kind = MemberAllUsers
		return m, nil
	case "allAuthenticatedUsers":
		m.Kind = MemberAllAuthenticatedUsers
		return m, nil
	}
	kind, value, ok := strings.Cut(rest, ":")
	if !ok || value == "" {
		return m, fmt.Errorf("%w: %q", ErrMember, s)
	}
	switch kind {
	case "user", "group", "serviceAccount":
		if kind == "serviceAccount" && strings.Contains(value, gkePoolSuffix+"[") {
			return m.gke(value)
		}
		if !strings.Contains(value, "@") {
			return m, fmt.Errorf("%w: %q: no e-mail address", ErrMember, s)
		}
		m.Kind, m.Email = MemberKind(kind), strings.ToLower(value)
	case "domain":
		m.Kind, m.Domain = MemberDomain, strings.ToLower(value)
	case "projectOwner", "projectEditor", "projectViewer":
		m.Kind, m.Project = MemberKind(kind), value
	case "principal":
		return m.principal(value)
	case "principalSet":
		return m.principalSet(value)
	default:
		return m, fmt.Errorf("%w: %q: unknown member type %q", ErrMember, s, kind)
	}
	return m, nil
}

// gke parses "<project>.svc.id.goog[<ns>/<ksa>]".
func (m Member) gke(value string) (Member, error) {
	pool, inner, ok := strings.Cut(value, "[")
	ns, ksa, ok2 := strings.Cut(strings.TrimSuffix(inner, "]"), "/")
	if !ok || !ok2 || !strings.HasSuffix(inner, "]") || ns == "" || ksa == "" || !strings.HasSuffix(pool, gkePoolSuffix) {
		return m, fmt.Errorf("%w: %q: not <project>.svc.id.goog[<namespace>/<name>]", ErrMember, m.Raw)
	}
	m.Kind, m.PoolID, m.Project = MemberKubernetesServiceAccount, pool, strings.TrimSuffix(pool, gkePoolSuffix)
	m.Namespace, m.KSA = ns, ksa
	return m, nil
}

// splitPool splits "//iam.googleapis.com/<pool>/<rest>" into the pool's
// resource name, its short id and what follows it.
func splitPool(value string) (pool, id, rest string, ok bool) {
	after, found := strings.CutPrefix(value, iamHost)
	if !found {
		return "", "", "", false
	}
	parts := strings.SplitN(after, "/", 7)
	switch {
	case len(parts) >= 6 && parts[0] == "projects" && parts[2] == "locations" && parts[4] == "workloadIdentityPools":
		pool, id = strings.Join(parts[:6], "/"), parts[5]
		if len(parts) == 7 {
			rest = parts[6]
		}
	case len(parts) >= 4 && parts[0] == "locations" && parts[2] == "workforcePools":
		pool, id = strings.Join(parts[:4], "/"), parts[3]
		rest = strings.Join(parts[4:], "/")
	default:
		return "", "", "", false
	}
	return pool, id, rest, id != ""
}

func (m Member) principal(value string) (Member, error) {
	if email, ok := strings.CutPrefix(value, "//goog/subject/"); ok && strings.Contains(email, "@") {
		m.Kind, m.Email = MemberUser, strings.ToLower(email)
		return m, nil
	}
	if email, ok := strings.CutPrefix(value, iamHost+"projects/-/serviceAccounts/"); ok && strings.Contains(email, "@") {
		m.Kind, m.Email = MemberServiceAccount, strings.ToLower(email)
		return m, nil
	}
	pool, id, rest, ok := splitPool(value)
	subject, hasSubject := strings.CutPrefix(rest, "subject/")
	if !ok || !hasSubject || subject == "" {
		return m, fmt.Errorf("%w: %q: not principal://iam.googleapis.com/<pool>/subject/<subject>", ErrMember, m.Raw)
	}
	m.Pool, m.PoolID, m.Subject = pool, id, subject
	m.Kind = MemberPrincipal
	if strings.HasSuffix(id, gkePoolSuffix) {
		if r, ok := strings.CutPrefix(subject, "ns/"); ok {
			if ns, ksa, ok := strings.Cut(r, "/sa/"); ok && ns != "" && ksa != "" && !strings.Contains(ksa, "/") {
				m.Kind, m.Project, m.Namespace, m.KSA = MemberKubernetesServiceAccount, strings.TrimSuffix(id, gkePoolSuffix), ns, ksa
			}
		}
	}
	return m, nil
}

func (m Member) principalSet(value string) (Member, error) {
	m.Kind = MemberPrincipalSet
	switch {
	case value == "//goog/public:all":
		m.Kind = MemberAllUsers
		return m, nil
	case strings.HasPrefix(value, "//goog/group/"):
		m.Kind, m.Email = MemberGroup, strings.ToLower(strings.TrimPrefix(value, "//goog/group/"))
		if !strings.Contains(m.Email, "@") {
			return m, fmt.Errorf("%w: %q: no group address", ErrMember, m.Raw)
		}
		return m, nil
	case strings.HasPrefix(value, "//goog/cloudIdentityCustomerId/"):
		m.Kind, m.Customer = MemberCustomer, strings.TrimPrefix(value, "//goog/cloudIdentityCustomerId/")
		return m, nil
	}
	pool, id, rest, ok := splitPool(value)
	if !ok {
		if !strings.HasPrefix(value, "//") || len(value) < 3 {
			return m, fmt.Errorf("%w: %q: not principalSet://…", ErrMember, m.Raw)
		}
		m.Set = strings.TrimPrefix(value, "//")
		return m, nil
	}
	if rest == "" {
		return m, fmt.Errorf("%w: %q: the pool selects nothing", ErrMember, m.Raw)
	}
	m.Pool, m.PoolID, m.Set = pool, id, rest
	if strings.HasSuffix(id, gkePoolSuffix) {
		m.Project = strings.TrimSuffix(id, gkePoolSuffix)
	}
	if attr, ok := strings.CutPrefix(rest, "attribute."); ok {
		name, v, ok := strings.Cut(attr, "/")
		if !ok || name == "" || v == "" {
			return m, fmt.Errorf("%w: %q: not …/attribute.<name>/<value>", ErrMember, m.Raw)
		}
		m.Attribute, m.Value = name, v
	}
	return m, nil
}

// Key is the canonical form of the member, equal for two spellings of one
// member (user:a@x.com and principal://goog/subject/A@x.com). For members
// that are identities it is their node ID (see ID).
func (m Member) Key() string {
	switch m.Kind {
	case MemberUser, MemberServiceAccount, MemberGroup, MemberPrincipal, MemberPrincipalSet, MemberKubernetesServiceAccount:
		return m.ID()
	case MemberDomain:
		return "domain:" + m.Domain
	case MemberCustomer:
		return "cloudIdentityCustomerId:" + m.Customer
	case MemberProjectOwner, MemberProjectEditor, MemberProjectViewer:
		return string(m.Kind) + ":" + m.Project
	}
	return string(m.Kind)
}

// ID returns the snapshot node ID of a member that is an identity or a
// group, "" for the others (domains, allUsers, convenience members):
//
//	user                      gcp:user:<email>
//	group                     gcp:group:<email>
//	service account           gcp:serviceAccount:<email>
//	pool subject              gcp:principal://iam.googleapis.com/<pool>/subject/<subject>
//	pool set                  gcp:principalSet://iam.googleapis.com/<pool>/<set>
//	GKE service account       gcp:principal:<project>.svc.id.goog[<ns>/<ksa>] (both spellings)
func (m Member) ID() string {
	switch m.Kind {
	case MemberUser, MemberGroup, MemberServiceAccount:
		return "gcp:" + string(m.Kind) + ":" + m.Email
	case MemberKubernetesServiceAccount:
		return GKEPrincipalID(m.Project, m.Namespace, m.KSA)
	case MemberPrincipal:
		return "gcp:principal:" + iamHost + m.Pool + "/subject/" + m.Subject
	case MemberPrincipalSet:
		if m.Pool == "" {
			return "gcp:principalSet://" + m.Set
		}
		return "gcp:principalSet:" + iamHost + m.Pool + "/" + m.Set
	}
	return ""
}

// MemberOfID returns the member whose ID is id, the inverse of ID; ok is
// false when id is no member's ID (nor a deleted member's).
func MemberOfID(id string) (Member, bool) {
	rest := strings.TrimPrefix(id, "gcp:")
	if r, ok := strings.CutPrefix(rest, "principal:"); ok && !strings.HasPrefix(r, "//") {
		rest = "serviceAccount:" + r // the GKE spelling <project>.svc.id.goog[<ns>/<ksa>]
	}
	m, err := ParseMember(rest)
	if err != nil || m.Deleted || m.ID() != id {
		return Member{}, false
	}
	return m, true
}

// GKEPrincipalID returns the node ID of a Kubernetes service account of GKE
// Workload Identity in project: gcp:principal:<project>.svc.id.goog[<ns>/<ksa>].
func GKEPrincipalID(project, namespace, ksa string) string {
	return "gcp:principal:" + project + gkePoolSuffix + "[" + namespace + "/" + ksa + "]"
}

// Native returns the member string an allow policy uses for m (the alias of
// its node): serviceAccount:<email>, principal://…, ….
func (m Member) Native() string {
	switch m.Kind {
	case MemberUser, MemberGroup, MemberServiceAccount:
		return string(m.Kind) + ":" + m.Email
	case MemberKubernetesServiceAccount:
		return "serviceAccount:" + m.Project + gkePoolSuffix + "[" + m.Namespace + "/" + m.KSA + "]"
	case MemberPrincipal:
		return "principal:" + iamHost + m.Pool + "/subject/" + m.Subject
	case MemberPrincipalSet:
		if m.Pool == "" {
			return "principalSet://" + m.Set
		}
		return "principalSet:" + iamHost + m.Pool + "/" + m.Set
	}
	return m.Key()
}
