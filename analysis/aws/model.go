package aws

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// policy is one parsed permission document and the name evidence cites.
type policy struct {
	// source is the managed policy ARN or the inline policy node ID.
	source string
	doc    *awspolicy.Document
}

// principal is an IAM user or role with everything that decides what it may do.
type principal struct {
	node    *graphmodel.Node
	arn     string
	account string
	isRole  bool
	// index is its position in model.principals (-1 for a stand-in).
	index int
	// policies are its identity policies: inline, attached managed, and
	// those of its groups.
	policies []*policy
	// boundary caps the identity policies when set.
	boundary *policy
	// trust is a role's trust policy.
	trust  *awspolicy.Document
	groups []*group
	facts  *awspolicy.Facts
	// profiles are the instance profiles that carry a role.
	profiles []string
	// somewhere memoizes allowsSomewhere by action (the rules ask the same
	// question of each principal many times); somewhereMu guards it, since
	// the rules run concurrently.
	somewhere   map[string]verdict
	somewhereMu sync.Mutex
	// m is the model the principal belongs to (nil for a stand-in used to
	// judge a lone document).
	m *model
	// org is the Organizations chain of the principal's account; nil when
	// no control policy restricts it (no organization collected, the
	// management account, a service-linked role).
	org *orgChain
	// groupStand is the group this principal is a member of, standing for
	// it, when it is no IAM user or role but a joinable group's member
	// (addJoinableGroups).
	groupStand *group
}

// standIn returns a copy of p without its policies (the caller gives it
// some of them) and with its own memos: it decides as p would with only
// those policies. Field by field: other families update p's memo meanwhile.
func (p *principal) standIn() *principal {
	return &principal{index: -1, node: p.node, arn: p.arn, account: p.account, isRole: p.isRole,
		boundary: p.boundary, trust: p.trust, groups: p.groups, facts: p.facts, profiles: p.profiles,
		m: p.m, org: p.org, somewhere: map[string]verdict{}}
}

// limits returns the documents that cap p's identity policies: its
// permission boundary and its account's service control policies.
func (p *principal) limits() []*awspolicy.Document {
	var docs []*awspolicy.Document
	if p.boundary != nil {
		docs = append(docs, p.boundary.doc)
	}
	if p.org != nil {
		for _, level := range p.org.scp {
			for _, pol := range level {
				docs = append(docs, pol.doc)
			}
		}
	}
	return docs
}

// group is an IAM group and its own policies.
type group struct {
	node     *graphmodel.Node
	arn      string
	account  string
	policies []*policy
	members  []*principal
}

// managedPolicy is a managed policy with every version and what it is attached to.
type managedPolicy struct {
	node       *graphmodel.Node
	arn        string
	awsManaged bool
	// current is the default version; versions holds every version by id.
	current  *policy
	versions map[string]*policy
	// attachedTo lists the principals and groups the policy is attached to.
	attachedTo []string
}

// resource is an AWS resource of the snapshot: its resource policy, and the
// roles it runs with when it is compute (a function, an instance, a stack).
type resource struct {
	node    *graphmodel.Node
	arn     string
	account string
	service string
	typ     string
	// policy is its resource-based policy, when it has one.
	policy *policy
	// roles are the roles it carries, sorted.
	roles []string
}

// model is the AWS part of a snapshot, indexed for the rules.
type model struct {
	principals []*principal
	byARN      map[string]*principal
	groups     map[string]*group
	resources  []*resource
	resByARN   map[string]*resource
	managed    map[string]*managedPolicy
	// accounts are the accounts whose IAM data the snapshot holds; any
	// other account a policy names is outside it (an external identity).
	accounts map[string]bool
	// adminPolicies are the managed policy ARNs whose default version is
	// administrator-equivalent, AdministratorAccess always among them.
	adminPolicies []string
	// admins are the principals already certainly administrator of their
	// account; rules that act inside that account skip them, since the
	// account's administrator controls everything in it anyway.
	admins map[string]bool
	// cancelled reports whether the analysis was cancelled; the rules' outer
	// loops stop early when it does.
	cancelled func() bool
	// checks counts the calls of stopped: each rule loop asks before a unit
	// of work, so the count shows how far a cancelled analysis went.
	checks atomic.Int64
	// tagFacts caches each known resource's tag facts (targetFacts).
	tagFacts map[string]*awspolicy.Facts
	// byResource indexes the identity policies by the resources they may
	// name, built once (policyIndex) for every rule's classifier.
	byResource     *resourceIndex
	byResourceOnce sync.Once
	// blind memoizes documentBlind (techsets.go); blindMu guards it.
	blind   blindness
	blindMu sync.Mutex
	// everything memoizes allowsEverythingDoc by document.
	everything sync.Map
	// atoms memoizes the target atoms of each account, action and kind
	// (atoms.go).
	atoms atomCache
	// targetLists memoizes principalTargets by account and kind.
	targetLists sync.Map
	// orgs maps an account ID to its Organizations chain.
	orgs map[string]*orgChain
	// external are nodes the rules add (accounts outside the snapshot,
	// federated subjects, permission sets), by ID, through addExternal;
	// externalMu guards it, since families run concurrently.
	external   map[string]graphmodel.Node
	externalMu sync.Mutex
	now        string
	// perPrincipal turns access classes off (see Analyzer.perPrincipal).
	perPrincipal bool
}

// policyIndex returns the index of the identity policies by the resources
// they may name, building it on first use; safe for concurrent use.
func (m *model) policyIndex() *resourceIndex {
	m.byResourceOnce.Do(func() { m.byResource = newResourceIndex(m) })
	return m.byResource
}

// administratorAccess is the AWS-managed policy that exists in every account.
const administratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess"

// wellKnownManaged are AWS-managed policies whose content the analysis knows
// even when a snapshot lacks them (GetAccountAuthorizationDetails lists only
// attached AWS-managed policies).
var wellKnownManaged = map[string]string{
	administratorAccess:                     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
	"arn:aws:iam::aws:policy/IAMFullAccess": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}`,
}

func parseDoc(n *graphmodel.Node, key string) (*awspolicy.Document, error) {
	raw, ok := n.Documents[key]
	if !ok {
		return nil, nil
	}
	doc, err := awspolicy.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s document %q: %w", n.ID, key, err)
	}
	return doc, nil
}

// buildModel indexes the AWS nodes and fact edges of the snapshot.
func buildModel(snap *graphmodel.Snapshot, now string) (*model, error) {
	m := &model{
		byARN:    map[string]*principal{},
		resByARN: map[string]*resource{},
		tagFacts: map[string]*awspolicy.Facts{},
		blind:    blindness{},
		groups:   map[string]*group{},
		managed:  map[string]*managedPolicy{},
		accounts: map[string]bool{},
		external: map[string]graphmodel.Node{},
		admins:   map[string]bool{},
		now:      now,
	}
	for _, src := range snap.Sources {
		if src.Provider == graphmodel.ProviderAWS && strings.HasPrefix(src.Scope, "aws:account:") {
			m.accounts[strings.TrimPrefix(src.Scope, "aws:account:")] = true
		}
	}
	inline := map[string]*policy{}
	for i := range snap.Nodes {
		n := &snap.Nodes[i]
		switch n.Kind {
		case graphmodel.KindAWSUser, graphmodel.KindAWSRole:
			p := &principal{node: n, arn: n.ID, account: graphmodel.AWSAccountOfARN(n.ID), isRole: n.Kind == graphmodel.KindAWSRole, m: m}
			if p.isRole {
				trust, err := parseDoc(n, "trust")
				if err != nil {
					return nil, err
				}
				p.trust = trust
			}
			m.principals = append(m.principals, p)
			m.byARN[p.arn] = p
			m.accounts[p.account] = true
		case graphmodel.KindAWSGroup:
			m.groups[n.ID] = &group{node: n, arn: n.ID, account: graphmodel.AWSAccountOfARN(n.ID)}
		case graphmodel.KindAWSInlinePolicy:
			doc, err := parseDoc(n, "policy")
			if err != nil {
				return nil, err
			}
			if doc != nil {
				inline[n.ID] = &policy{source: n.ID, doc: doc}
			}
		case graphmodel.KindAWSResource:
			r := &resource{node: n, arn: n.ID, service: n.Prop(graphmodel.PropService), typ: n.Prop(graphmodel.PropType),
				account: strings.TrimPrefix(n.Scope, "aws:account:")}
			doc, err := parseDoc(n, "policy")
			if err != nil {
				return nil, err
			}
			if doc != nil {
				r.policy = &policy{source: n.ID + " resource policy", doc: doc}
			}
			m.resources = append(m.resources, r)
			m.resByARN[r.arn] = r
		case graphmodel.KindAWSManagedPolicy:
			mp := &managedPolicy{node: n, arn: n.ID, versions: map[string]*policy{},
				awsManaged: strings.HasPrefix(n.ID, "arn:aws:iam::aws:policy/")}
			for v := range n.Documents {
				doc, err := parseDoc(n, v)
				if err != nil {
					return nil, err
				}
				mp.versions[v] = &policy{source: n.ID, doc: doc}
			}
			mp.current = mp.versions[n.Prop(graphmodel.PropAWSDefaultVersion)]
			if mp.current == nil && len(mp.versions) == 1 {
				for _, only := range mp.versions {
					mp.current = only
				}
			}
			m.managed[n.ID] = mp
		}
	}
	for arn, text := range wellKnownManaged {
		if mp, ok := m.managed[arn]; ok && mp.current != nil {
			continue
		}
		doc, err := awspolicy.Parse(json.RawMessage(text))
		if err != nil {
			return nil, fmt.Errorf("built-in policy %s: %w", arn, err)
		}
		pol := &policy{source: arn, doc: doc}
		m.managed[arn] = &managedPolicy{arn: arn, awsManaged: true, current: pol, versions: map[string]*policy{"v1": pol}}
	}
	for i := range snap.Edges {
		e := &snap.Edges[i]
		switch e.Kind {
		case graphmodel.EdgeAttachedPolicy:
			mp := m.managed[e.To]
			if mp == nil {
				continue // dangling: the collector recorded a gap
			}
			mp.attachedTo = append(mp.attachedTo, e.From)
			if mp.current != nil {
				m.addPolicy(e.From, mp.current)
			}
		case graphmodel.EdgeInlinePolicy:
			if pol := inline[e.To]; pol != nil {
				m.addPolicy(e.From, pol)
			}
		case graphmodel.EdgePermissionsBoundary:
			if p := m.byARN[e.From]; p != nil {
				if mp := m.managed[e.To]; mp != nil && mp.current != nil {
					p.boundary = mp.current
				} else {
					// A boundary the analysis cannot read caps to nothing known:
					// keep an empty boundary so nothing is assumed allowed.
					p.boundary = &policy{source: e.To, doc: &awspolicy.Document{}}
				}
			}
		case graphmodel.EdgeCarriesRole:
			if p := m.byARN[e.To]; p != nil && strings.Contains(e.From, ":instance-profile/") {
				p.profiles = append(p.profiles, e.From)
			}
			if r := m.resByARN[e.From]; r != nil {
				r.roles = append(r.roles, e.To)
			}
		case graphmodel.EdgeMemberOf:
			p, g := m.byARN[e.From], m.groups[e.To]
			if p != nil && g != nil {
				p.groups = append(p.groups, g)
				g.members = append(g.members, p)
			}
		}
	}
	buildOrgChains(snap, m)
	// A user holds its groups' policies.
	for _, p := range m.principals {
		if p.node.Prop(graphmodel.PropAWSServiceLinked) != "true" {
			p.org = m.orgs[p.account]
		}
		for _, g := range p.groups {
			p.policies = append(p.policies, g.policies...)
		}
		p.facts = principalFacts(p, now)
	}
	sort.Slice(m.principals, func(i, j int) bool { return m.principals[i].arn < m.principals[j].arn })
	for i, p := range m.principals {
		p.index = i
	}
	sort.Slice(m.resources, func(i, j int) bool { return m.resources[i].arn < m.resources[j].arn })
	for _, r := range m.resources {
		r.roles = dedupe(r.roles)
	}
	for _, mp := range m.managed {
		sort.Strings(mp.attachedTo)
		if mp.current != nil && isAdminDocument(mp.current.doc) {
			m.adminPolicies = append(m.adminPolicies, mp.arn)
		}
	}
	sort.Strings(m.adminPolicies)
	return m, nil
}

func (m *model) addPolicy(owner string, pol *policy) {
	if p := m.byARN[owner]; p != nil {
		p.policies = append(p.policies, pol)
		return
	}
	if g := m.groups[owner]; g != nil {
		g.policies = append(g.policies, pol)
	}
}

// principalFacts is what the analysis knows of requests the principal makes:
// its identity and tags are known; request-time keys (source IP, MFA) are not.
func principalFacts(p *principal, now string) *awspolicy.Facts {
	since, _ := time.Parse(time.RFC3339, now)
	f := awspolicy.NewFacts()
	f.Set("aws:PrincipalArn", p.arn)
	f.Set("aws:PrincipalAccount", p.account)
	f.Set("aws:PrincipalIsAWSService", "false")
	if p.org != nil && p.org.orgID != "" {
		f.Set("aws:PrincipalOrgID", p.org.orgID)
	}
	// The attacker acts at a moment of its choosing, from now on; a role's
	// session is one it starts then, while a user's long-term access keys
	// sign requests without a session token.
	f.SetFrom("aws:CurrentTime", since)
	f.SetFrom("aws:EpochTime", since)
	if p.isRole {
		f.Set("aws:PrincipalType", "AssumedRole")
		f.SetAbsent("aws:username")
		f.SetFrom("aws:TokenIssueTime", since)
	} else {
		f.Set("aws:PrincipalType", "User")
		f.Set("aws:username", p.node.Name)
		f.SetAbsent("aws:TokenIssueTime")
	}
	if id := p.node.Prop(graphmodel.PropAWSUserID); id != "" {
		f.Set("aws:userid", id)
	}
	// The collector records every tag of a principal, so a tag it lacks is
	// absent, not unknown.
	for k, v := range p.node.Tags {
		f.Set("aws:PrincipalTag/"+k, v)
	}
	f.SetAbsentUnder("aws:PrincipalTag/")
	return f
}

// addExternal registers, once, a node the rules add, made by node, and
// returns its ID; safe for concurrent use.
func (m *model) addExternal(id string, node func() graphmodel.Node) string {
	m.externalMu.Lock()
	defer m.externalMu.Unlock()
	if _, ok := m.external[id]; !ok {
		m.external[id] = node()
	}
	return id
}

// warmTargetFacts works out the tag facts of every principal and resource,
// so that targetFacts only reads its cache while families run concurrently.
func (m *model) warmTargetFacts() {
	for _, p := range m.principals {
		m.targetFacts(p.arn)
	}
	for _, r := range m.resources {
		m.targetFacts(r.arn)
	}
}

// stopped reports whether the analysis was cancelled.
func (m *model) stopped() bool {
	m.checks.Add(1)
	return m.cancelled != nil && m.cancelled()
}

// distinctPolicies lists every policy some principal holds, once each, in
// the order of first holder.
func (m *model) distinctPolicies() []*policy {
	seen := map[*policy]bool{}
	var out []*policy
	for _, p := range m.principals {
		for _, pol := range p.policies {
			if !seen[pol] {
				seen[pol] = true
				out = append(out, pol)
			}
		}
	}
	return out
}
