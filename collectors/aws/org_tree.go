package aws

import (
	"encoding/json"
	"strconv"

	"github.com/blastradius/blastradius/graphmodel"
)

// OrganizationsDescribeOrganizationOutput is the output of aws
// organizations describe-organization.
type OrganizationsDescribeOrganizationOutput struct {
	Organization Organization `json:"Organization"`
}

// Organization describes an organization. MasterAccountEmail is
// deliberately not decoded.
type Organization struct {
	ID                   string                           `json:"Id"`
	Arn                  string                           `json:"Arn"`
	FeatureSet           string                           `json:"FeatureSet,omitempty"`
	MasterAccountArn     string                           `json:"MasterAccountArn,omitempty"`
	MasterAccountID      string                           `json:"MasterAccountId"`
	AvailablePolicyTypes []OrganizationsPolicyTypeSummary `json:"AvailablePolicyTypes,omitempty"`
}

// OrganizationsPolicyTypeSummary says whether a policy type is enabled.
type OrganizationsPolicyTypeSummary struct {
	Type   string `json:"Type"`
	Status string `json:"Status"`
}

// OrganizationsListRootsOutput is the output of aws organizations list-roots.
type OrganizationsListRootsOutput struct {
	Roots     []OrganizationsRoot `json:"Roots"`
	NextToken string              `json:"NextToken,omitempty"`
}

// OrganizationsRoot is the root of an organization's tree.
type OrganizationsRoot struct {
	ID          string                           `json:"Id"`
	Arn         string                           `json:"Arn"`
	Name        string                           `json:"Name"`
	PolicyTypes []OrganizationsPolicyTypeSummary `json:"PolicyTypes,omitempty"`
}

// OrganizationsUnitsForParent is the output of aws organizations
// list-organizational-units-for-parent with the ParentId it was asked for
// beside it.
type OrganizationsUnitsForParent struct {
	ParentID            string               `json:"ParentId"`
	OrganizationalUnits []OrganizationalUnit `json:"OrganizationalUnits"`
	NextToken           string               `json:"NextToken,omitempty"`
}

// OrganizationalUnit is an organizational unit.
type OrganizationalUnit struct {
	ID   string `json:"Id"`
	Arn  string `json:"Arn"`
	Name string `json:"Name"`
}

// OrganizationsAccountsForParent is the output of aws organizations
// list-accounts-for-parent with the ParentId it was asked for beside it.
type OrganizationsAccountsForParent struct {
	ParentID  string                 `json:"ParentId"`
	Accounts  []OrganizationsAccount `json:"Accounts"`
	NextToken string                 `json:"NextToken,omitempty"`
}

// OrganizationsAccount is a member account. Email is deliberately not decoded.
type OrganizationsAccount struct {
	ID              string    `json:"Id"`
	Arn             string    `json:"Arn"`
	Name            string    `json:"Name"`
	Status          string    `json:"Status,omitempty"`
	State           string    `json:"State,omitempty"`
	JoinedMethod    string    `json:"JoinedMethod,omitempty"`
	JoinedTimestamp Timestamp `json:"JoinedTimestamp,omitempty"`
}

// OrganizationsPoliciesForFilter is the output of aws organizations
// list-policies with the Filter (policy type) it was asked for beside it.
type OrganizationsPoliciesForFilter struct {
	Filter    string                       `json:"Filter"`
	Policies  []OrganizationsPolicySummary `json:"Policies"`
	NextToken string                       `json:"NextToken,omitempty"`
}

// OrganizationsPolicySummary describes a policy of the organization.
type OrganizationsPolicySummary struct {
	ID          string `json:"Id"`
	Arn         string `json:"Arn"`
	Name        string `json:"Name"`
	Description string `json:"Description,omitempty"`
	// Type is SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY, TAG_POLICY, …
	Type       string `json:"Type"`
	AwsManaged bool   `json:"AwsManaged"`
}

// OrganizationsDescribePolicyOutput is the output of aws organizations
// describe-policy, one per policy.
type OrganizationsDescribePolicyOutput struct {
	Policy OrganizationsPolicy `json:"Policy"`
}

// OrganizationsPolicy is a policy with its text.
type OrganizationsPolicy struct {
	PolicySummary OrganizationsPolicySummary `json:"PolicySummary"`
	// Content is the policy document, a JSON string.
	Content json.RawMessage `json:"Content"`
}

// OrganizationsTargetsForPolicy is the output of aws organizations
// list-targets-for-policy with the PolicyId it was asked for beside it.
type OrganizationsTargetsForPolicy struct {
	PolicyID  string                             `json:"PolicyId"`
	Targets   []OrganizationsPolicyTargetSummary `json:"Targets"`
	NextToken string                             `json:"NextToken,omitempty"`
}

// OrganizationsPolicyTargetSummary is a root, OU or account a policy is attached to.
type OrganizationsPolicyTargetSummary struct {
	TargetID string `json:"TargetId"`
	Arn      string `json:"Arn"`
	Name     string `json:"Name"`
	// Type is ROOT, ORGANIZATIONAL_UNIT or ACCOUNT.
	Type string `json:"Type"`
}

// Organizations policy types whose content is an IAM-style policy document.
const (
	orgSCP = "SERVICE_CONTROL_POLICY"
	orgRCP = "RESOURCE_CONTROL_POLICY"
)

// Organizations target types.
const (
	orgTargetRoot    = "ROOT"
	orgTargetOU      = "ORGANIZATIONAL_UNIT"
	orgTargetAccount = "ACCOUNT"
)

// orgState is what the Organizations conversion has indexed.
type orgState struct {
	// units maps root and OU ids (r-…, ou-…) to their node IDs.
	units map[string]string
	// policies maps policy ids (p-…) to policy ARNs.
	policies map[string]string
	// accountAt records where each account was listed.
	accountAt map[string]loc
}

// orgTreeFiles names the listings of the tree, for gap reasons.
const orgTreeFiles = "organizations-list-roots.json, organizations-list-organizational-units-for-parent.json or organizations-list-accounts-for-parent.json"

func (c *converter) organizations(r *Resources) error {
	c.orgs = orgState{units: map[string]string{}, policies: map[string]string{}, accountAt: map[string]loc{}}
	steps := []func(*Resources) error{c.orgRoots, c.orgUnits, c.orgAccounts, c.orgPolicies, c.orgTargets, c.organization}
	for _, step := range steps {
		if err := step(r); err != nil {
			return err
		}
	}
	return nil
}

// orgNode defines a node of the organization (root, OU or policy) whose
// ARN is arn; its scope is the ARN's account (the management account), or
// none for AWS-managed policies.
func (c *converter) orgNode(l loc, arn string, kind graphmodel.NodeKind, name string) (*graphmodel.Node, error) {
	f, ok := splitARN(arn)
	if !ok || f.Service != "organizations" {
		return nil, l.bad("%q is not an Organizations ARN (want arn:aws:organizations::<account>:<resource>)", arn)
	}
	if n, ok := c.nodes[arn]; ok {
		if n.Kind != kind {
			return nil, l.bad("%s is already defined as %s at %s", arn, describe(n), c.nodePlace[arn].relativeTo(l))
		}
		return n, nil
	}
	scope := ""
	if isAccountID(f.Account) {
		c.ensureAccount(f.Account)
		scope = graphmodel.AWSAccountScope(f.Account)
	}
	n := &graphmodel.Node{ID: arn, Kind: kind, Provider: graphmodel.ProviderAWS, Name: name, Scope: scope}
	c.nodes[arn] = n
	c.nodePlace[arn] = l
	return n, nil
}

// orgUnit defines a root or an organizational unit.
func (c *converter) orgUnit(l loc, id, arn, name, typ string) error {
	if id == "" {
		return l.field("Id").bad("Id is empty")
	}
	if prev, ok := c.orgs.units[id]; ok {
		return l.bad("%s is listed twice (also at %s)", id, c.nodePlace[prev].relativeTo(l))
	}
	n, err := c.orgNode(l.field("Arn"), arn, graphmodel.KindAWSOrgUnit, name)
	if err != nil {
		return err
	}
	n.SetProp(graphmodel.PropAWSOrgID, id)
	n.SetProp(graphmodel.PropType, typ)
	c.orgs.units[id] = arn
	return nil
}

func (c *converter) orgRoots(r *Resources) error {
	for _, o := range r.OrgRoots {
		for j, root := range o.Value.Roots {
			if err := c.orgUnit(o.loc().in("Roots", j, "root", root.Name), root.ID, root.Arn, root.Name, "ROOT"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *converter) orgUnits(r *Resources) error {
	// Every unit first, so that parents listed later resolve.
	for _, o := range r.OrgUnits {
		for j, ou := range o.Value.OrganizationalUnits {
			l := o.loc().in("OrganizationalUnits", j, "organizational unit", ou.Name)
			if err := c.orgUnit(l, ou.ID, ou.Arn, ou.Name, "ORGANIZATIONAL_UNIT"); err != nil {
				return err
			}
		}
	}
	for _, o := range r.OrgUnits {
		for j, ou := range o.Value.OrganizationalUnits {
			l := o.loc().in("OrganizationalUnits", j, "organizational unit", ou.Name)
			c.orgParent(l, ou.Arn, o.Value.ParentID)
		}
	}
	return nil
}

// orgParent writes the child_of edge of child; a parent that is not listed is a gap.
func (c *converter) orgParent(childAt loc, child, parentID string) {
	parent, ok := c.orgs.units[parentID]
	if !ok {
		what := "organization parent " + parentID
		if parentID == "" {
			what = "organization parent (no ParentId)"
		}
		c.gapAt(childAt, what, "parent of "+child+" but absent from "+orgTreeFiles)
		return
	}
	c.edge(child, graphmodel.EdgeChildOf, parent)
}

func (c *converter) orgAccounts(r *Resources) error {
	for _, o := range r.OrgAccounts {
		for j, a := range o.Value.Accounts {
			l := o.loc().in("Accounts", j, "account", a.Name)
			if !isAccountID(a.ID) {
				return l.field("Id").bad("%q is not a 12-digit account id", a.ID)
			}
			if prev, ok := c.orgs.accountAt[a.ID]; ok {
				return l.bad("account %s is listed twice (also at %s)", a.ID, prev.relativeTo(l))
			}
			c.orgs.accountAt[a.ID] = l
			c.ensureAccount(a.ID)
			n := c.nodes[graphmodel.AWSAccountScope(a.ID)]
			if a.Name != "" {
				n.Name = a.Name
			}
			n.SetProp(graphmodel.PropAWSStatus, a.Status)
			c.orgParent(l, n.ID, o.Value.ParentID)
		}
	}
	return nil
}

// orgPolicy defines the node of an organization policy from its summary.
func (c *converter) orgPolicy(l loc, s OrganizationsPolicySummary, filter string) (*graphmodel.Node, error) {
	if s.ID == "" {
		return nil, l.field("Id").bad("Id is empty")
	}
	n, err := c.orgNode(l.field("Arn"), s.Arn, graphmodel.KindAWSOrgPolicy, s.Name)
	if err != nil {
		return nil, err
	}
	typ := s.Type
	if typ == "" {
		typ = filter
	}
	n.SetProp(graphmodel.PropType, mergeProp(n.Prop(graphmodel.PropType), typ))
	n.SetProp(graphmodel.PropAWSManaged, mergeProp(n.Prop(graphmodel.PropAWSManaged), strconv.FormatBool(s.AwsManaged)))
	c.orgs.policies[s.ID] = s.Arn
	return n, nil
}

func (c *converter) orgPolicies(r *Resources) error {
	for _, o := range r.OrgPolicies {
		for j, s := range o.Value.Policies {
			if _, err := c.orgPolicy(o.loc().in("Policies", j, "policy", s.Name), s, o.Value.Filter); err != nil {
				return err
			}
		}
	}
	for _, o := range r.OrgPolicyTexts {
		p := o.Value.Policy
		l := o.loc().field("Policy").named("policy", p.PolicySummary.Name)
		n, err := c.orgPolicy(l.field("PolicySummary"), p.PolicySummary, "")
		if err != nil {
			return err
		}
		if t := n.Prop(graphmodel.PropType); t != orgSCP && t != orgRCP {
			continue // tag, backup, … policies are not IAM policy documents
		}
		if err := c.resourcePolicy(l.field("Content"), n, p.Content); err != nil {
			return err
		}
	}
	return nil
}

func (c *converter) orgTargets(r *Resources) error {
	for _, o := range r.OrgTargets {
		l := o.loc().named("policy", o.Value.PolicyID)
		policy, ok := c.orgs.policies[o.Value.PolicyID]
		if !ok {
			c.gapAt(l.field("PolicyId"), "organization policy "+o.Value.PolicyID,
				"its targets are listed but it is absent from organizations-list-policies.json and organizations-describe-policy.json")
			continue
		}
		for j, t := range o.Value.Targets {
			tl := l.in("Targets", j, "target", t.Name)
			target := ""
			switch t.Type {
			case orgTargetAccount:
				if id := graphmodel.AWSAccountScope(t.TargetID); c.nodes[id] != nil {
					target = id
				}
			case orgTargetRoot, orgTargetOU:
				if n := c.nodes[t.Arn]; t.Arn != "" && n != nil && n.Kind == graphmodel.KindAWSOrgUnit {
					target = t.Arn
				} else if id, ok := c.orgs.units[t.TargetID]; ok {
					target = id
				}
			default:
				return tl.field("Type").bad("unknown target type %q (want ROOT, ORGANIZATIONAL_UNIT or ACCOUNT)", t.Type)
			}
			if target == "" {
				c.gapAt(tl, "organization policy target "+t.TargetID, "target of "+policy+" but absent from "+orgTreeFiles)
				continue
			}
			c.edge(target, graphmodel.EdgeAttachedPolicy, policy)
		}
	}
	return nil
}

// organization marks the management account and every account node with
// the organization's id.
func (c *converter) organization(r *Resources) error {
	var org *Organization
	var orgAt loc
	for i, o := range r.Organization {
		v := &r.Organization[i].Value.Organization
		l := o.loc().field("Organization")
		if v.ID == "" {
			return l.field("Id").bad("Id is empty")
		}
		if !isAccountID(v.MasterAccountID) {
			return l.field("MasterAccountId").bad("%q is not a 12-digit account id", v.MasterAccountID)
		}
		if org != nil && (org.ID != v.ID || org.MasterAccountID != v.MasterAccountID) {
			return l.bad("organization %s differs from organization %s at %s: a directory holds one organization", v.ID, org.ID, orgAt.relativeTo(l))
		}
		org, orgAt = v, l
	}
	if org == nil {
		return nil
	}
	c.ensureAccount(org.MasterAccountID)
	c.nodes[graphmodel.AWSAccountScope(org.MasterAccountID)].SetProp(graphmodel.PropAWSManagement, "true")
	for _, n := range c.nodes {
		if n.Kind == graphmodel.KindAWSAccount {
			n.SetProp(graphmodel.PropAWSOrganization, org.ID)
		}
	}
	return nil
}
