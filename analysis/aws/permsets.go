package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
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
//
// When none of those policies denies anything, what they allow together is
// what each allows on its own, added up (boundaries and control policies
// only take away, alike from each): such a set is a composite, with one
// part per policy, and holds no node or edge of its own. Its members are
// members of its parts, which hold the edges; a part is shared by every
// composite holding its policy. Without parts, principals holding a
// common broad policy (SecurityAudit) next to a rare mix of others would
// each be their own set, too small to keep, or a set of their own per mix:
// their edges would grow as principals × resources.
type permissionSet struct {
	id      string
	key     string
	stand   *principal
	members []*principal
	// parts are the sets, one per policy, a composite's members belong to;
	// nil for a set that holds its own edges.
	parts []*permissionSet
	// holders counts a part's members over every composite it is part of.
	holders int
	// limits is, for a part, the digest of the Deny statements its
	// deny-only policies hold (see splitLimits): parts whose limits deny
	// alike are one, whichever policies carry the statements. Its stand
	// holds the allowing policy first, then one composite's limits.
	limits string
}

// holding returns the sets that hold s's edges: its parts, or s itself.
func (s *permissionSet) holding() []*permissionSet {
	if s.parts != nil {
		return s.parts
	}
	return []*permissionSet{s}
}

// permissionSets builds the permission sets of account on service, and
// returns them in order with each member's set. A principal whose other
// policies concerning service deny something joins only when fits says
// that the set gives it no more than it has.
func (c *classifier) permissionSets(account, service string, fits func(p, stand *principal, service string) bool) ([]*permissionSet, map[*principal]*permissionSet) {
	var sets []*permissionSet
	byKey := map[string]*permissionSet{}
	// narrow holds the members whose other policies deny something.
	narrow := map[*principal]bool{}
	for _, p := range c.m.principals {
		if p.account != account || c.m.admins[p.arn] {
			continue
		}
		broad, denies := c.broadPolicies(p, service)
		if len(broad) == 0 {
			continue
		}
		key, ok := c.key(p, service, relevance{specific: broad})
		if !ok {
			continue
		}
		s := byKey[key]
		if s == nil {
			// The stand holds the first member's broad policies.
			s = &permissionSet{key: key, stand: p.standIn()}
			for _, pol := range p.policies {
				if broad[pol] {
					s.stand.policies = append(s.stand.policies, pol)
				}
			}
			byKey[key] = s
			sets = append(sets, s)
		}
		if denies {
			narrow[p] = true
		}
		s.members = append(s.members, p)
	}
	// Fits first, then parts: a composite is kept when each of its parts
	// has enough holders, a plain set when it has enough members.
	parts := map[string]*permissionSet{}
	for _, s := range sets {
		first, stand := s.members[0], s.stand
		s.members = slices.DeleteFunc(s.members, func(p *principal) bool {
			return narrow[p] && !fits(p, stand, service)
		})
		if len(s.members) == 0 {
			continue
		}
		if first != s.members[0] {
			first = s.members[0]
			stand = first.standIn()
			stand.policies = s.stand.policies
			s.stand = stand
		}
		allowers, limits, ok := splitLimits(stand.policies, service)
		if !ok {
			continue
		}
		digest := denyDigest(limits, service)
		s.parts = make([]*permissionSet, 0, len(allowers))
		for _, pol := range allowers {
			key, ok := c.key(first, service, relevance{specific: map[*policy]bool{pol: true}})
			if !ok {
				s.parts = nil
				break
			}
			key += "|l" + digest
			part := parts[key]
			if part == nil {
				ps := first.standIn()
				ps.policies = append([]*policy{pol}, limits...)
				part = &permissionSet{key: key, stand: ps, limits: digest}
				part.id = permissionSetID(account, service, part)
				parts[key] = part
			}
			part.holders += len(s.members)
			s.parts = append(s.parts, part)
		}
	}
	kept := sets[:0]
	of := map[*principal]*permissionSet{}
	for _, s := range sets {
		if s.parts != nil && slices.ContainsFunc(s.parts, func(p *permissionSet) bool { return p.holders < MinPermissionSetMembers }) {
			// A part too few principals hold: a set large enough keeps all
			// its policies; a smaller one keeps the parts large enough,
			// and its members decide on their own what the others add.
			if len(s.members) >= MinPermissionSetMembers {
				s.parts = nil
			} else {
				s.parts = slices.DeleteFunc(s.parts, func(p *permissionSet) bool { return p.holders < MinPermissionSetMembers })
				if len(s.parts) == 0 {
					continue
				}
				stand := s.members[0].standIn()
				kept := map[*policy]bool{}
				for _, part := range s.parts {
					for _, pol := range part.stand.policies {
						if !kept[pol] {
							kept[pol] = true
							stand.policies = append(stand.policies, pol)
						}
					}
				}
				s.stand = stand
				// The key of what the set now holds, for members whose
				// policies on a resource are those alone.
				if s.key, _ = c.key(s.members[0], service, relevance{specific: kept}); s.key == "" {
					continue
				}
			}
		}
		if s.parts == nil && len(s.members) < MinPermissionSetMembers {
			continue
		}
		s.id = permissionSetID(account, service, s)
		for _, p := range s.members {
			of[p] = s
		}
		kept = append(kept, s)
	}
	for _, s := range kept {
		for _, part := range s.parts {
			part.members = append(part.members, s.members...)
		}
	}
	return kept, of
}

// gives returns what s gives on a resource, from decide, which tells what a
// set holding its own edges gives: for a composite, the most any of its
// parts gives, certain and conditional apart (its policies deny nothing,
// so together they allow what each allows).
func (s *permissionSet) gives(decide func(*permissionSet) found) found {
	if s.parts == nil {
		return decide(s)
	}
	var u found
	for _, part := range s.parts {
		f := decide(part)
		if f.certain.Rank() > u.certain.Rank() {
			u.certain, u.certainV, u.certainA = f.certain, f.certainV, f.certainA
		}
		if f.conditional.Rank() > u.conditional.Rank() {
			u.conditional, u.condV, u.condA = f.conditional, f.condV, f.condA
		}
	}
	return u
}

// splitLimits splits a composite's policies into those that allow and deny
// nothing of service, the parts' own, and those that deny and allow
// nothing of it, the limits every part holds (as a boundary would: what
// each part allows, less what they deny, added up, is what all allow less
// what they deny). ok is false when a policy both allows and denies, or
// none allows; each policy is listed once.
func splitLimits(policies []*policy, service string) (allowers, limits []*policy, ok bool) {
	seen := map[*policy]bool{}
	for _, pol := range policies {
		if seen[pol] {
			continue
		}
		seen[pol] = true
		allows, denies := false, false
		for i := range pol.doc.Statements {
			if st := &pol.doc.Statements[i]; st.ConcernsService(service) {
				allows = allows || st.Effect == awspolicy.Allow
				denies = denies || st.Effect == awspolicy.Deny
			}
		}
		switch {
		case allows && denies:
			return nil, nil, false
		case denies:
			limits = append(limits, pol)
		default:
			allowers = append(allowers, pol)
		}
	}
	return allowers, limits, len(allowers) > 0
}

// denyDigest is a digest of the Deny statements of policies that concern
// service, as written but for their Sid and place: "" when there are none.
func denyDigest(policies []*policy, service string) string {
	var list []string
	for _, pol := range policies {
		for i := range pol.doc.Statements {
			if st := &pol.doc.Statements[i]; st.Effect == awspolicy.Deny && st.ConcernsService(service) {
				list = append(list, fmt.Sprintf("%v|%v|%v|%v", st.Principal, st.Action, st.Resource, st.Conditions))
			}
		}
	}
	if len(list) == 0 {
		return ""
	}
	slices.Sort(list)
	list = slices.Compact(list)
	h := sha256.Sum256([]byte(strings.Join(list, "\n")))
	return hex.EncodeToString(h[:8])
}

// broadPolicies returns p's policies concerning service that may name every
// resource, and narrow when one of its other policies concerning service
// denies something: such a Deny, which names only some resources, could
// take back from p on them what its set gives (see fitsPermissionSet).
func (c *classifier) broadPolicies(p *principal, service string) (broad map[*policy]bool, narrow bool) {
	for _, pol := range p.policies {
		if !c.concerns(pol, service) {
			continue
		}
		if !c.byResource.isAlways(pol) {
			narrow = narrow || deniesService(pol.doc, service)
			continue
		}
		if broad == nil {
			broad = map[*policy]bool{}
		}
		broad[pol] = true
	}
	return broad, narrow
}

// node returns the graph node of a permission set.
func (s *permissionSet) node(account, service string) graphmodel.Node {
	names := make([]string, 0, len(s.stand.policies))
	for _, pol := range s.own() {
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
	if s.limits != "" {
		props["denied_as_by"] = policyName(s.stand.policies[1].source)
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

// own returns the policies whose holders make up s: its stand's, or a
// part's allowing policy (its limits may be held through other policies
// that deny alike).
func (s *permissionSet) own() []*policy {
	if s.limits != "" {
		return s.stand.policies[:1]
	}
	return s.stand.policies
}

// membership is the evidence of a member_of edge into s: the policies p
// holds that make up the set.
func (s *permissionSet) membership() verdict {
	v := verdict{t: awspolicy.Yes}
	for _, pol := range s.own() {
		v.evidence = append(v.evidence, graphmodel.Evidence{Source: pol.source, Statement: -1, Note: "holds it"})
	}
	return v
}

// permissionSetID names a set by its account, service and a digest of what
// decides its members' requests, so the same set keeps its ID across
// collections.
func permissionSetID(account, service string, s *permissionSet) string {
	h := sha256.New()
	for _, pol := range s.own() {
		h.Write([]byte(pol.source + "\n"))
	}
	if s.limits != "" {
		h.Write([]byte("limits " + s.limits + "\n"))
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
	return setID(account, service, hex.EncodeToString(h.Sum(nil))[:12])
}

// setID is the ID of a permission set of account: aws:permission-set:
// <account>:<names…>, the names joined by colons (a service or technique,
// then what tells the set apart), empty names left out.
func setID(account string, names ...string) string {
	id := "aws:permission-set:" + account
	for _, n := range names {
		if n != "" {
			id += ":" + n
		}
	}
	return id
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
