package aws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// CollectorName is the registry name of the AWS collector.
const CollectorName = "aws"

// GAADCall names the API call whose output the converter reads, in gaps.
const GAADCall = "iam:GetAccountAuthorizationDetails"

// serviceRolePath is the path prefix of service-linked roles.
const serviceRolePath = "/aws-service-role/"

// Convert turns an account authorization details export into the nodes and
// fact edges of one account, following the conventions of the package doc.
// where names the export in errors and gaps (a file path, or the API call of
// a live run).
//
// Input that cannot be used (a policy document that does not parse, an ARN
// that is not one, principals of two accounts, duplicates) is a
// *badinput.Error naming where and the place in the export. References to
// objects the export does not define are gaps, not errors.
func Convert(d *AuthorizationDetails, where string) (graphmodel.Fragment, error) {
	return ConvertAccount(d, where, nil)
}

// ConvertAccount converts an account authorization details export (see
// Convert) together with the raw outputs of the resource, credential report
// and Organizations calls in res (nil for none), following the conventions
// of the package doc. Errors name the file (Output.Where) and the place of
// the output that cannot be used; references that cannot be resolved are
// gaps. The fragment's Source.Scope is the export's account.
func ConvertAccount(d *AuthorizationDetails, where string, res *Resources) (graphmodel.Fragment, error) {
	return convertAccount(d, where, res, "")
}

// convertAccount is ConvertAccount with the region of the outputs that
// carry none (defaultRegion, "" when not given).
func convertAccount(d *AuthorizationDetails, where string, res *Resources, defaultRegion string) (graphmodel.Fragment, error) {
	c := &converter{
		defaultRegion: defaultRegion,
		where:         where,
		partition:     "aws",
		nodes:         map[string]*graphmodel.Node{},
		nodePlace:     map[string]loc{},
		edgeSeen:      map[string]bool{},
		documents:     map[string]json.RawMessage{},
		gapSeen:       map[graphmodel.Gap]bool{},
		groups:        map[string]string{},
		policies:      map[string]bool{},
		roleARNs:      map[string]bool{},
		roleByName:    map[string]string{},
		profileRoles:  map[string][]string{},
		profileNames:  map[string]string{},
		docPlace:      map[string]loc{},
		named:         map[string][]*graphmodel.Node{},
	}
	if d == nil {
		d = &AuthorizationDetails{}
	}
	if d.IsTruncated {
		c.gap(GAADCall, "IsTruncated: the export is incomplete")
	}
	if err := c.index(d); err != nil {
		return graphmodel.Fragment{}, err
	}
	if c.account == "" {
		return graphmodel.Fragment{}, badinput.Newf(where, "",
			"no user, group, role or customer-managed policy: cannot tell which account this export is from")
	}
	c.scope = graphmodel.AWSAccountScope(c.account)
	if err := c.add(graphmodel.Node{ID: c.scope, Kind: graphmodel.KindAWSAccount, Name: c.account}, ""); err != nil {
		return graphmodel.Fragment{}, err
	}
	steps := []func(*AuthorizationDetails) error{c.users, c.groupNodes, c.roles, c.managedPolicies}
	for _, step := range steps {
		if err := step(d); err != nil {
			return graphmodel.Fragment{}, err
		}
	}
	if res != nil {
		if err := c.resources(res); err != nil {
			return graphmodel.Fragment{}, err
		}
	}
	return c.fragment(), nil
}

// converter holds the state of one conversion.
type converter struct {
	// defaultRegion is the region of the outputs that carry none
	// (collect aws --region), "" when not given.
	defaultRegion string
	where         string
	// account is the account id of every principal; accountAt is the place
	// of the ARN it was first read from; partition is that ARN's partition.
	account, accountAt string
	partition          string
	scope              string

	nodes     map[string]*graphmodel.Node
	nodePlace map[string]loc
	edges     []graphmodel.Edge
	edgeSeen  map[string]bool
	// documents holds the compact form of each policy document text read.
	documents map[string]json.RawMessage
	gaps      []graphmodel.Gap
	gapSeen   map[graphmodel.Gap]bool

	// groups maps group names to ARNs; policies holds every managed policy ARN defined.
	groups   map[string]string
	policies map[string]bool
	// roleARNs holds every role ARN defined, roleByName maps role names to
	// ARNs; profileRoles maps instance profile ARNs to the roles they
	// carry, profileNames profile names to ARNs.
	roleARNs     map[string]bool
	roleByName   map[string]string
	profileRoles map[string][]string
	profileNames map[string]string

	// docPlace records where each resource document came from ("<id>\x00<key>");
	// named indexes resource nodes by service, type and name (see nameKey).
	docPlace map[string]loc
	named    map[string][]*graphmodel.Node
	// orgs is the state of the Organizations conversion.
	orgs orgState
}

// at renders the place of a list item: `RoleDetailList[3] (role ci-deployer)`.
func at(list string, i int, what, name string) string {
	p := list + "[" + strconv.Itoa(i) + "]"
	if name != "" {
		p += " (" + what + " " + name + ")"
	}
	return p
}

func (c *converter) bad(place, format string, args ...any) error {
	return badinput.Newf(c.where, place, format, args...)
}

// principalARN checks the ARN of an object the export defines: an IAM ARN
// of type typ, in the same account as every other.
func (c *converter) principalARN(place, arn, typ string, allowAWS bool) error {
	account, err := iamARN(arn, typ, allowAWS)
	if err != nil {
		return badinput.New(c.where, place+" Arn", err)
	}
	if account == awsManagedAccount {
		return nil
	}
	if c.account == "" {
		c.account, c.accountAt = account, place
		if f, ok := splitARN(arn); ok {
			c.partition = f.Partition
		}
		return nil
	}
	if account != c.account {
		return c.bad(place+" Arn", "account %s differs from account %s of %s: an export holds one account",
			account, c.account, c.accountAt)
	}
	return nil
}

// claim records that place defines id; an id defined twice is bad input.
func (c *converter) claim(id, place string) error {
	return c.claimAt(id, loc{c.where, place})
}

// claimAt records that l defines id; an id defined twice is bad input.
func (c *converter) claimAt(id string, l loc) error {
	if prev, ok := c.nodePlace[id]; ok {
		return l.bad("%s is defined twice (also at %s)", id, prev.relativeTo(l))
	}
	c.nodePlace[id] = l
	return nil
}

// index checks the ARNs of everything the export defines, finds the
// account, and records group names and managed policy ARNs so that
// references can be resolved.
func (c *converter) index(d *AuthorizationDetails) error {
	for i, u := range d.UserDetailList {
		place := at("UserDetailList", i, "user", u.UserName)
		if err := c.principalARN(place, u.Arn, "user", false); err != nil {
			return err
		}
		if err := c.claim(u.Arn, place); err != nil {
			return err
		}
	}
	for i, g := range d.GroupDetailList {
		place := at("GroupDetailList", i, "group", g.GroupName)
		if err := c.principalARN(place, g.Arn, "group", false); err != nil {
			return err
		}
		if err := c.claim(g.Arn, place); err != nil {
			return err
		}
		if g.GroupName == "" {
			return c.bad(place, "GroupName is empty")
		}
		if prev, ok := c.groups[g.GroupName]; ok {
			return c.bad(place, "group name %q is used by two groups (%s and %s)", g.GroupName, prev, g.Arn)
		}
		c.groups[g.GroupName] = g.Arn
	}
	profiles := map[string]bool{}
	for i, r := range d.RoleDetailList {
		place := at("RoleDetailList", i, "role", r.RoleName)
		if err := c.principalARN(place, r.Arn, "role", false); err != nil {
			return err
		}
		if err := c.claim(r.Arn, place); err != nil {
			return err
		}
		c.roleARNs[r.Arn] = true
		if r.RoleName != "" {
			c.roleByName[r.RoleName] = r.Arn
		}
		for j, ip := range r.InstanceProfileList {
			ipPlace := place + " " + at("InstanceProfileList", j, "instance profile", ip.InstanceProfileName)
			if err := c.principalARN(ipPlace, ip.Arn, "instance-profile", false); err != nil {
				return err
			}
			c.profileRoles[ip.Arn] = append(c.profileRoles[ip.Arn], r.Arn)
			if ip.InstanceProfileName != "" {
				c.profileNames[ip.InstanceProfileName] = ip.Arn
			}
			if profiles[ip.Arn] {
				continue // one profile listed under two roles: one node, two edges
			}
			profiles[ip.Arn] = true
			if err := c.claim(ip.Arn, ipPlace); err != nil {
				return err
			}
		}
	}
	for i, p := range d.Policies {
		place := at("Policies", i, "policy", p.PolicyName)
		if err := c.principalARN(place, p.Arn, "policy", true); err != nil {
			return err
		}
		if err := c.claim(p.Arn, place); err != nil {
			return err
		}
		c.policies[p.Arn] = true
	}
	return nil
}

// add stores a node of the account (Scope and Provider defaulted).
func (c *converter) add(n graphmodel.Node, scope string) error {
	n.Provider = graphmodel.ProviderAWS
	n.Scope = scope
	if _, ok := c.nodes[n.ID]; ok {
		return c.nodePlace[n.ID].bad("%s is defined twice", n.ID)
	}
	c.nodes[n.ID] = &n
	return nil
}

func (c *converter) edge(from string, kind graphmodel.EdgeKind, to string) {
	e := graphmodel.Edge{From: from, To: to, Kind: kind}
	if k := e.Key(); !c.edgeSeen[k] {
		c.edgeSeen[k] = true
		c.edges = append(c.edges, e)
	}
}

func (c *converter) gap(what, reason string) {
	g := graphmodel.Gap{What: what, Reason: reason, Where: c.where}
	if !c.gapSeen[g] {
		c.gapSeen[g] = true
		c.gaps = append(c.gaps, g)
	}
}

func (c *converter) users(d *AuthorizationDetails) error {
	for i, u := range d.UserDetailList {
		place := at("UserDetailList", i, "user", u.UserName)
		if u.UserName == "" {
			return c.bad(place, "UserName is empty")
		}
		n := graphmodel.Node{ID: u.Arn, Kind: graphmodel.KindAWSUser, Name: u.UserName, Tags: tags(u.Tags)}
		n.SetProp(graphmodel.PropAWSPath, u.Path)
		n.SetProp(graphmodel.PropAWSUserID, u.UserID)
		n.SetProp(graphmodel.PropCreated, u.CreateDate)
		if err := c.add(n, c.scope); err != nil {
			return err
		}
		for _, name := range u.GroupList {
			arn, ok := c.groups[name]
			if !ok {
				c.gap("group "+name, "referenced by "+u.Arn+" but absent from gaad.json")
				continue
			}
			c.edge(u.Arn, graphmodel.EdgeMemberOf, arn)
		}
		if err := c.policiesOf(place, u.Arn, "UserPolicyList", u.UserPolicyList, u.AttachedManagedPolicies); err != nil {
			return err
		}
		if err := c.boundary(place, u.Arn, u.PermissionsBoundary); err != nil {
			return err
		}
	}
	return nil
}

func (c *converter) groupNodes(d *AuthorizationDetails) error {
	for i, g := range d.GroupDetailList {
		place := at("GroupDetailList", i, "group", g.GroupName)
		n := graphmodel.Node{ID: g.Arn, Kind: graphmodel.KindAWSGroup, Name: g.GroupName}
		n.SetProp(graphmodel.PropAWSPath, g.Path)
		n.SetProp(graphmodel.PropAWSGroupID, g.GroupID)
		n.SetProp(graphmodel.PropCreated, g.CreateDate)
		if err := c.add(n, c.scope); err != nil {
			return err
		}
		if err := c.policiesOf(place, g.Arn, "GroupPolicyList", g.GroupPolicyList, g.AttachedManagedPolicies); err != nil {
			return err
		}
	}
	return nil
}

func (c *converter) roles(d *AuthorizationDetails) error {
	for i, r := range d.RoleDetailList {
		place := at("RoleDetailList", i, "role", r.RoleName)
		if r.RoleName == "" {
			return c.bad(place, "RoleName is empty")
		}
		trust, err := c.document(place+" AssumeRolePolicyDocument", r.AssumeRolePolicyDocument)
		if err != nil {
			return err
		}
		n := graphmodel.Node{
			ID: r.Arn, Kind: graphmodel.KindAWSRole, Name: r.RoleName, Tags: tags(r.Tags),
			Documents: map[string]json.RawMessage{"trust": trust},
		}
		n.SetProp(graphmodel.PropAWSPath, r.Path)
		n.SetProp(graphmodel.PropAWSRoleID, r.RoleID)
		n.SetProp(graphmodel.PropCreated, r.CreateDate)
		if r.RoleLastUsed != nil {
			n.SetProp(graphmodel.PropLastUsed, r.RoleLastUsed.LastUsedDate)
			n.SetProp(graphmodel.PropAWSLastUsedRegion, r.RoleLastUsed.Region)
		}
		n.SetProp(graphmodel.PropAWSServiceLinked, strconv.FormatBool(strings.HasPrefix(r.Path, serviceRolePath)))
		if err := c.add(n, c.scope); err != nil {
			return err
		}
		for j, ip := range r.InstanceProfileList {
			ipPlace := place + " " + at("InstanceProfileList", j, "instance profile", ip.InstanceProfileName)
			if ip.InstanceProfileName == "" {
				return c.bad(ipPlace, "InstanceProfileName is empty")
			}
			if _, ok := c.nodes[ip.Arn]; !ok {
				ipNode := graphmodel.Node{ID: ip.Arn, Kind: graphmodel.KindAWSInstanceProfile, Name: ip.InstanceProfileName}
				if err := c.add(ipNode, c.scope); err != nil {
					return err
				}
			}
			c.edge(ip.Arn, graphmodel.EdgeCarriesRole, r.Arn)
		}
		if err := c.policiesOf(place, r.Arn, "RolePolicyList", r.RolePolicyList, r.AttachedManagedPolicies); err != nil {
			return err
		}
		if err := c.boundary(place, r.Arn, r.PermissionsBoundary); err != nil {
			return err
		}
	}
	return nil
}

// policiesOf adds the inline policies of owner and its edges to them and to
// its attached managed policies.
func (c *converter) policiesOf(place, owner, inlineList string, inline []PolicyDetail, attached []AttachedPolicy) error {
	for j, p := range inline {
		pPlace := place + " " + at(inlineList, j, "policy", p.PolicyName)
		if p.PolicyName == "" {
			return c.bad(pPlace, "PolicyName is empty")
		}
		doc, err := c.document(pPlace, p.PolicyDocument)
		if err != nil {
			return err
		}
		id := owner + "#inline:" + p.PolicyName
		if err := c.claim(id, pPlace); err != nil {
			return err
		}
		n := graphmodel.Node{
			ID: id, Kind: graphmodel.KindAWSInlinePolicy, Name: p.PolicyName,
			Properties: map[string]string{"owner": owner},
			Documents:  map[string]json.RawMessage{"policy": doc},
		}
		if err := c.add(n, c.scope); err != nil {
			return err
		}
		c.edge(owner, graphmodel.EdgeInlinePolicy, id)
	}
	for j, ap := range attached {
		apPlace := place + " " + at("AttachedManagedPolicies", j, "policy", ap.PolicyName) + " PolicyArn"
		if err := c.policyRef(apPlace, owner, ap.PolicyArn); err != nil {
			return err
		}
		c.edge(owner, graphmodel.EdgeAttachedPolicy, ap.PolicyArn)
	}
	return nil
}

// boundary adds the permissions boundary edge of a user or role.
func (c *converter) boundary(place, owner string, b *AttachedPermissionsBoundary) error {
	if b == nil {
		return nil
	}
	if err := c.policyRef(place+" PermissionsBoundary PermissionsBoundaryArn", owner, b.PermissionsBoundaryArn); err != nil {
		return err
	}
	c.edge(owner, graphmodel.EdgePermissionsBoundary, b.PermissionsBoundaryArn)
	return nil
}

// policyRef checks a reference to a managed policy; a policy the export
// does not define is a gap.
func (c *converter) policyRef(place, owner, arn string) error {
	if _, err := iamARN(arn, "policy", true); err != nil {
		return badinput.New(c.where, place, err)
	}
	if !c.policies[arn] {
		c.gap("managed policy "+arn, "referenced by "+owner+" but absent from gaad.json")
	}
	return nil
}

func (c *converter) managedPolicies(d *AuthorizationDetails) error {
	for i, p := range d.Policies {
		place := at("Policies", i, "policy", p.PolicyName)
		if p.PolicyName == "" {
			return c.bad(place, "PolicyName is empty")
		}
		awsManaged := isAWSManaged(p.Arn)
		n := graphmodel.Node{ID: p.Arn, Kind: graphmodel.KindAWSManagedPolicy, Name: p.PolicyName}
		n.SetProp(graphmodel.PropAWSPath, p.Path)
		n.SetProp(graphmodel.PropAWSPolicyID, p.PolicyID)
		if p.AttachmentCount != nil {
			n.SetProp(graphmodel.PropAWSAttachmentCount, strconv.Itoa(*p.AttachmentCount))
		}
		if p.IsAttachable != nil {
			n.SetProp(graphmodel.PropAWSIsAttachable, strconv.FormatBool(*p.IsAttachable))
		}
		n.SetProp(graphmodel.PropAWSManaged, strconv.FormatBool(awsManaged))
		n.SetProp(graphmodel.PropCreated, p.CreateDate)
		n.SetProp(graphmodel.PropAWSUpdated, p.UpdateDate)
		def := p.DefaultVersionID
		for j, v := range p.PolicyVersionList {
			vPlace := place + " " + at("PolicyVersionList", j, "version", v.VersionID)
			if v.VersionID == "" {
				return c.bad(vPlace, "VersionId is empty")
			}
			if _, dup := n.Documents[v.VersionID]; dup {
				return c.bad(vPlace, "version %s is listed twice", v.VersionID)
			}
			doc, err := c.document(vPlace+" Document", v.Document)
			if err != nil {
				return err
			}
			if n.Documents == nil {
				n.Documents = map[string]json.RawMessage{}
			}
			n.Documents[v.VersionID] = doc
			if def == "" && v.IsDefaultVersion {
				def = v.VersionID
			}
		}
		n.SetProp(graphmodel.PropAWSDefaultVersion, def)
		if _, ok := n.Documents[def]; !ok {
			what := "default version of managed policy " + p.Arn
			if def != "" {
				what = "version " + def + " of managed policy " + p.Arn
			}
			c.gap(what, "absent from PolicyVersionList in gaad.json")
		}
		scope := c.scope
		if awsManaged {
			scope = ""
		}
		if err := c.add(n, scope); err != nil {
			return err
		}
	}
	return nil
}

// document parses a policy document of the export and returns it as compact JSON.
// An export repeats documents (the same inline policy on many roles): each
// text is parsed once.
func (c *converter) document(place string, raw json.RawMessage) (json.RawMessage, error) {
	if doc, ok := c.documents[string(raw)]; ok {
		return doc, nil
	}
	doc, err := documentAt(loc{c.where, place}, raw)
	if err == nil {
		c.documents[string(raw)] = doc
	}
	return doc, err
}

// documentAt parses the policy document found at l and returns it as
// compact JSON.
func documentAt(l loc, raw json.RawMessage) (json.RawMessage, error) {
	// Decode once (a URL-encoded string costs): a decoded object parses
	// as itself, anything else is parsed as given, for Parse's message.
	given := raw
	if text, err := awspolicy.Decode(raw); err == nil && bytes.HasPrefix(text, []byte("{")) {
		given = text
	}
	if _, err := awspolicy.Parse(given); err != nil {
		var pe *awspolicy.ParseError
		if errors.As(err, &pe) && pe.Place != "" {
			place := pe.Place
			if l.place != "" {
				place = l.place + ": " + pe.Place
			}
			return nil, badinput.New(l.where, place, &documentError{pe})
		}
		return nil, badinput.New(l.where, l.place, err)
	}
	text, err := awspolicy.Decode(given)
	if err != nil {
		return nil, badinput.New(l.where, l.place, err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, text); err != nil {
		return nil, badinput.New(l.where, l.place, fmt.Errorf("policy document: %w", err))
	}
	return json.RawMessage(buf.Bytes()), nil
}

// documentError is a policy document error whose place within the document
// is already part of the badinput place; it prints the problem only.
type documentError struct{ pe *awspolicy.ParseError }

func (e *documentError) Error() string { return e.pe.Err.Error() }
func (e *documentError) Unwrap() error { return e.pe }

func tags(list []Tag) map[string]string {
	if len(list) == 0 {
		return nil
	}
	m := make(map[string]string, len(list))
	for _, t := range list {
		m[t.Key] = t.Value
	}
	return m
}

// fragment returns the sorted nodes, edges and gaps.
func (c *converter) fragment() graphmodel.Fragment {
	nodes := make([]graphmodel.Node, 0, len(c.nodes))
	for _, n := range c.nodes {
		nodes = append(nodes, *n)
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
	graphmodel.SortEdges(c.edges)
	gaps := c.gaps
	if gaps == nil {
		gaps = []graphmodel.Gap{}
	}
	return graphmodel.Fragment{
		Source: graphmodel.Source{
			Collector: CollectorName,
			Provider:  graphmodel.ProviderAWS,
			Scope:     c.scope,
			Gaps:      gaps,
		},
		Nodes: nodes,
		Edges: c.edges,
	}
}
