package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Many principals of an account hold the same broad policies on a service
// (ReadOnlyAccess, AmazonS3ReadOnlyAccess, a team's "*"-resource policy):
// each of them reaches every resource those policies cover, and recording
// that principal by principal makes the graph grow as principals ×
// resources. A permission set records it once: its members are member_of
// it, and it can_access the resources its policies reach. A member still
// gets its own edge where its other policies give it more.

// MinPermissionSetMembers is the number of principals that must share their
// broad policies on a service before they get a permission set; below it,
// edges per principal are as small.
const MinPermissionSetMembers = 8

// TechniquePermissionSet is the technique of the member_of edge from a
// principal to its permission set.
const TechniquePermissionSet = "permission-set"

// permissionSet is the principals of one account whose broad policies on
// one service are the same, decided through stand, a copy of the first
// member that holds only those policies.
type permissionSet struct {
	id      string
	key     string
	stand   *principal
	members []*principal
}

// permissionSets builds the permission sets of account on service, and
// returns them in order with each member's set.
func (c *classifier) permissionSets(account, service string) ([]*permissionSet, map[*principal]*permissionSet) {
	var sets []*permissionSet
	byKey := map[string]*permissionSet{}
	for _, p := range c.m.principals {
		if p.account != account || c.m.admins[p.arn] {
			continue
		}
		broad := c.broadPolicies(p, service)
		if len(broad) == 0 {
			continue
		}
		key, ok := c.key(p, service, relevance{specific: broad})
		if !ok {
			continue
		}
		s := byKey[key]
		if s == nil {
			s = &permissionSet{key: key}
			byKey[key] = s
			sets = append(sets, s)
		}
		s.members = append(s.members, p)
	}
	kept := sets[:0]
	of := map[*principal]*permissionSet{}
	for _, s := range sets {
		if len(s.members) < MinPermissionSetMembers {
			continue
		}
		first := s.members[0]
		broad := c.broadPolicies(first, service)
		stand := first.standIn()
		for _, pol := range first.policies {
			if broad[pol] && c.concerns(pol, service) {
				stand.policies = append(stand.policies, pol)
			}
		}
		s.stand = stand
		s.id = permissionSetID(account, service, s)
		for _, p := range s.members {
			of[p] = s
		}
		kept = append(kept, s)
	}
	return kept, of
}

// broadPolicies returns p's policies concerning service that may name every
// resource, when every policy of p concerning service that denies anything
// is among them (a Deny elsewhere could take back from p, on some resource,
// what its set gives); nil otherwise.
func (c *classifier) broadPolicies(p *principal, service string) map[*policy]bool {
	var broad map[*policy]bool
	for _, pol := range p.policies {
		if !c.concerns(pol, service) {
			continue
		}
		if !c.byResource.isAlways(pol) {
			for i := range pol.doc.Statements {
				if pol.doc.Statements[i].Effect == awspolicy.Deny {
					return nil
				}
			}
			continue
		}
		if broad == nil {
			broad = map[*policy]bool{}
		}
		broad[pol] = true
	}
	return broad
}

// node returns the graph node of a permission set.
func (s *permissionSet) node(account, service string) graphmodel.Node {
	names := make([]string, 0, len(s.stand.policies))
	for _, pol := range s.stand.policies {
		names = append(names, policyName(pol.source))
	}
	kind := "users"
	if s.stand.isRole {
		kind = "roles"
	}
	props := map[string]string{
		"service":  service,
		"policies": strings.Join(names, ", "),
		"members":  strconv.Itoa(len(s.members)),
	}
	if s.stand.boundary != nil {
		props["permissions_boundary"] = s.stand.boundary.source
	}
	return graphmodel.Node{
		ID:         s.id,
		Kind:       KindPermissionSet,
		Provider:   graphmodel.ProviderAWS,
		Name:       service + " permissions of " + kind + " holding " + strings.Join(names, ", "),
		Scope:      graphmodel.AWSAccountScope(account),
		Properties: props,
	}
}

// membership is the evidence of a member_of edge into s: the policies p
// holds that make up the set.
func (s *permissionSet) membership() verdict {
	v := verdict{t: awspolicy.Yes}
	for _, pol := range s.stand.policies {
		v.evidence = append(v.evidence, graphmodel.Evidence{Source: pol.source, Statement: -1, Note: "holds it"})
	}
	return v
}

// permissionSetID names a set by its account, service and a digest of what
// decides its members' requests, so the same set keeps its ID across
// collections.
func permissionSetID(account, service string, s *permissionSet) string {
	h := sha256.New()
	for _, pol := range s.stand.policies {
		h.Write([]byte(pol.source + "\n"))
	}
	if s.stand.isRole {
		h.Write([]byte("role\n"))
	}
	if s.stand.boundary != nil {
		h.Write([]byte("boundary " + s.stand.boundary.source + "\n"))
	}
	if s.stand.org != nil {
		h.Write([]byte("organization\n"))
	}
	return "aws:permission-set:" + account + ":" + service + ":" + hex.EncodeToString(h.Sum(nil))[:12]
}

// policyName is the last part of a policy ARN or inline policy ID.
func policyName(source string) string {
	if i := strings.LastIndexAny(source, "/:"); i >= 0 {
		return source[i+1:]
	}
	return source
}

// adds reports whether f gives more than the set's own decision g: a
// stronger certain access, or a stronger conditional one.
func adds(f, g found) bool {
	best := max(g.certain.Rank(), g.conditional.Rank())
	return f.certain.Rank() > g.certain.Rank() || f.conditional.Rank() > best
}
