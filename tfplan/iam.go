package tfplan

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// serviceRolePath starts the path of service-linked roles.
const serviceRolePath = "/aws-service-role/"

// entity returns the node of an IAM user, group or role as the collector
// writes it.
func (s side) entity(typ string, kind graphmodel.NodeKind, idKey, idProp string) graphmodel.Node {
	name := s.name("name")
	path, _ := s.str("path")
	n := graphmodel.Node{ID: s.a.iamARN(typ, path, name), Kind: kind, Provider: graphmodel.ProviderAWS, Name: name, Scope: s.scope()}
	n.SetProp(graphmodel.PropAWSPath, iamPath(path))
	if id, ok := s.str(idKey); ok {
		n.SetProp(idProp, id)
	}
	if d, ok := s.str("create_date"); ok {
		n.SetProp(graphmodel.PropCreated, d)
	}
	return n
}

// boundary adds the permissions_boundary edge of a user or role.
func (s side) boundary(f *facts, owner string) {
	arn, ok := s.str("permissions_boundary")
	switch {
	case !ok:
		arn = s.unknownPolicy(f, "permissions_boundary")
	case arn == "":
		return
	}
	f.edges = append(f.edges, graphmodel.Edge{From: owner, To: arn, Kind: graphmodel.EdgePermissionsBoundary})
}

// unknownPolicy adds a managed policy that stands for a policy ARN unknown
// until apply (attached, or a boundary): its document allows everything
// conditionally, on a condition that names the attribute.
func (s side) unknownPolicy(f *facts, key string) string {
	what := s.what(key)
	name := "{" + what + "}"
	n := graphmodel.Node{
		ID: s.a.iamARN("policy", "/", name), Kind: graphmodel.KindAWSManagedPolicy, Provider: graphmodel.ProviderAWS,
		Name: name, Scope: s.scope(), Documents: map[string]json.RawMessage{"v1": unknownDocument(identityDoc, what)},
	}
	n.SetProp(graphmodel.PropAWSDefaultVersion, "v1")
	n.SetProp(graphmodel.PropAWSManaged, "false")
	f.nodes = append(f.nodes, nodeFact{node: n})
	return n.ID
}

func roleFacts(s side) (*facts, error) {
	n := s.entity("role", graphmodel.KindAWSRole, "unique_id", graphmodel.PropAWSRoleID)
	trust, err := s.document("assume_role_policy", trustDoc, false)
	if err != nil {
		return nil, err
	}
	if trust != nil {
		n.Documents = map[string]json.RawMessage{"trust": trust}
	}
	n.SetProp(graphmodel.PropAWSServiceLinked, strconv.FormatBool(strings.HasPrefix(n.Prop(graphmodel.PropAWSPath), serviceRolePath)))
	f := s.ownResource(n)
	s.boundary(f, n.ID)
	// inline_policy and managed_policy_arns are exclusive only when the
	// configuration sets them; otherwise the provider merely reports what
	// other resources attach, which those resources' changes apply.
	if s.configured("inline_policy") {
		blocks, ok := s.blocks("inline_policy")
		for _, b := range blocks {
			name, _ := b.str("name")
			if name == "" {
				continue
			}
			doc, err := b.document("policy", identityDoc, false)
			if err != nil {
				return nil, err
			}
			s.inline(f, n.ID, name, doc)
		}
		if !ok {
			s.inline(f, n.ID, "{"+s.what("inline_policy")+"}", unknownDocument(identityDoc, s.what("inline_policy")))
		}
	}
	if s.configured("managed_policy_arns") {
		s.attachAll(f, []string{n.ID}, "managed_policy_arns")
	}
	return f, nil
}

// inline adds an inline policy of owner, as the collector writes it.
func (s side) inline(f *facts, owner, name string, doc json.RawMessage) {
	n := graphmodel.Node{
		ID: owner + "#inline:" + name, Kind: graphmodel.KindAWSInlinePolicy, Provider: graphmodel.ProviderAWS, Name: name,
		Scope: s.scope(), Properties: map[string]string{propOwner: owner},
	}
	if doc != nil {
		n.Documents = map[string]json.RawMessage{"policy": doc}
	}
	f.nodes = append(f.nodes, nodeFact{node: n})
	f.edges = append(f.edges, graphmodel.Edge{From: owner, To: n.ID, Kind: graphmodel.EdgeInlinePolicy})
}

// attachAll attaches the managed policies of the list attribute key to
// every owner; ARNs unknown until apply that no reference resolves become
// a conditional stand-in policy.
func (s side) attachAll(f *facts, owners []string, key string) {
	arns, ok := s.strs(key)
	if !ok {
		arns = append(arns, s.unknownPolicy(f, key))
	}
	for _, owner := range owners {
		for _, arn := range arns {
			f.edges = append(f.edges, graphmodel.Edge{From: owner, To: arn, Kind: graphmodel.EdgeAttachedPolicy})
		}
	}
}

func userFacts(s side) (*facts, error) {
	n := s.entity("user", graphmodel.KindAWSUser, "unique_id", graphmodel.PropAWSUserID)
	f := s.ownResource(n)
	s.boundary(f, n.ID)
	return f, nil
}

func groupFacts(s side) (*facts, error) {
	n := s.entity("group", graphmodel.KindAWSGroup, "unique_id", graphmodel.PropAWSGroupID)
	return &facts{own: true, nodes: []nodeFact{{node: n}}}, nil
}

// managedPolicyFacts: the policy with its document as a new default
// version when it changed (IAM keeps the old versions).
func managedPolicyFacts(s side) (*facts, error) {
	attrs := managedPolicyAttrs(s)
	doc, err := s.document("policy", identityDoc, false)
	if err != nil {
		return nil, err
	}
	path, _ := s.str("path")
	n := graphmodel.Node{ID: attrs["arn"], Kind: graphmodel.KindAWSManagedPolicy, Provider: graphmodel.ProviderAWS, Name: attrs["name"], Scope: s.scope()}
	n.SetProp(graphmodel.PropAWSPath, iamPath(path))
	if id, ok := s.str("policy_id"); ok {
		n.SetProp(graphmodel.PropAWSPolicyID, id)
	}
	n.SetProp(graphmodel.PropAWSManaged, "false")
	n.SetProp(graphmodel.PropAWSIsAttachable, "true")
	nf := nodeFact{node: n}
	if doc != nil {
		nf.node.Documents = map[string]json.RawMessage{"": doc}
		nf.version = true
	}
	return &facts{own: true, nodes: []nodeFact{nf}}, nil
}

func managedPolicyAttrs(s side) map[string]string {
	name := s.name("name")
	path, _ := s.str("path")
	arn := s.a.iamARN("policy", path, name)
	return map[string]string{"name": name, "arn": arn, "id": arn}
}

// inlinePolicyFacts: aws_iam_<typ>_policy, the inline policy <owner
// ARN>#inline:<name> of the user, group or role its attribute typ names.
func inlinePolicyFacts(typ string) func(s side) (*facts, error) {
	return func(s side) (*facts, error) {
		owner, ok := s.str(typ)
		if !ok {
			s.unresolved(typ, "inline policy of a "+typ)
			return &facts{}, nil
		}
		doc, err := s.document("policy", identityDoc, false)
		if err != nil {
			return nil, err
		}
		f := &facts{own: true}
		s.inline(f, s.entityARN(typ, owner), s.name("name"), doc)
		return f, nil
	}
}

// attachmentFacts: aws_iam_<typ>_policy_attachment, the attached_policy
// edge from the user, group or role to the policy.
func attachmentFacts(typ string) func(s side) (*facts, error) {
	return func(s side) (*facts, error) {
		owner, ok := s.str(typ)
		if !ok {
			s.unresolved(typ, "policy attachment of a "+typ)
			return &facts{}, nil
		}
		f := &facts{}
		s.attachAll(f, []string{s.entityARN(typ, owner)}, "policy_arn")
		return f, nil
	}
}

// policyAttachmentFacts: aws_iam_policy_attachment, the policy attached
// to its users, roles and groups (exclusively: the update retracts the
// entities of before).
func policyAttachmentFacts(s side) (*facts, error) {
	var owners []string
	for _, typ := range []string{"user", "role", "group"} {
		names, ok := s.strs(typ + "s")
		if !ok {
			s.unresolved(typ+"s", typ+"s of a policy attachment")
		}
		for _, name := range names {
			owners = append(owners, s.entityARN(typ, name))
		}
	}
	f := &facts{}
	s.attachAll(f, owners, "policy_arn")
	return f, nil
}

// userGroupMembershipFacts: aws_iam_user_group_membership, the member_of
// edges from the user to its groups.
func userGroupMembershipFacts(s side) (*facts, error) {
	user, ok := s.str("user")
	if !ok {
		s.unresolved("user", "user of a group membership")
		return &facts{}, nil
	}
	groups, ok := s.strs("groups")
	if !ok {
		s.unresolved("groups", "groups of "+user)
	}
	return membership(s, []string{user}, groups), nil
}

// groupMembershipFacts: aws_iam_group_membership, the member_of edges of
// the group's users.
func groupMembershipFacts(s side) (*facts, error) {
	group, ok := s.str("group")
	if !ok {
		s.unresolved("group", "group of a group membership")
		return &facts{}, nil
	}
	users, ok := s.strs("users")
	if !ok {
		s.unresolved("users", "users of group "+group)
	}
	return membership(s, users, []string{group}), nil
}

func membership(s side, users, groups []string) *facts {
	f := &facts{}
	for _, u := range users {
		for _, g := range groups {
			f.edges = append(f.edges, graphmodel.Edge{From: s.entityARN("user", u), To: s.entityARN("group", g), Kind: graphmodel.EdgeMemberOf})
		}
	}
	return f
}

// instanceProfileFacts: the instance profile and the role it carries.
func instanceProfileFacts(s side) (*facts, error) {
	attrs := entityAttrs("instance-profile")(s)
	n := graphmodel.Node{ID: attrs["arn"], Kind: graphmodel.KindAWSInstanceProfile, Provider: graphmodel.ProviderAWS, Name: attrs["name"], Scope: s.scope()}
	f := &facts{own: true, nodes: []nodeFact{{node: n}}}
	s.carries(f, "role")
	s.a.profiles[n.ID] = s.c
	return f, nil
}

// profileRoles returns the roles the instance profile named ref (a name
// or an ARN) carries as the side sees the estate, and the profile's ARN.
func (s side) profileRoles(ref string) (arn string, roles []string) {
	arn = s.entityARN("instance-profile", ref)
	for _, c := range s.a.changes {
		if !s.sees(c, "aws_iam_instance_profile") {
			continue
		}
		o := s.a.side(c, s.after)
		o.depth = s.depth + 1
		if o.depth > maxDepth || entityAttrs("instance-profile")(o)["arn"] != arn {
			continue
		}
		if role, ok := o.str("role"); ok && role != "" {
			return arn, []string{o.entityARN("role", role)}
		}
		return arn, nil
	}
	return arn, s.a.st.baseCarried(arn)
}

// oidcProviderFacts: the OIDC provider, a resource of IAM named by its
// URL as IAM keeps it (host and path).
func oidcProviderFacts(s side) (*facts, error) {
	attrs := oidcProviderAttrs(s)
	if attrs["arn"] == "" {
		s.unresolved("url", "OIDC provider")
		return &facts{}, nil
	}
	n := s.resource(attrs["arn"], attrs["url"], "iam", "oidc-provider")
	n.SetProp(graphmodel.PropAWSURL, attrs["url"])
	return s.ownResource(n), nil
}

func oidcProviderAttrs(s side) map[string]string {
	url, ok := s.str("url")
	if !ok || url == "" {
		return map[string]string{}
	}
	url = strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://")
	arn := s.a.arn("iam", "", s.account(), "oidc-provider/"+url)
	return map[string]string{"arn": arn, "id": arn, "url": url}
}
