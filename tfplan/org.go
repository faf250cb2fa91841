package tfplan

import (
	"encoding/json"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// Organizations policies and their attachments, in the management
// account's organization as the baseline records it.

// Organizations policy types whose content is an IAM-style policy document.
const (
	orgSCP = "SERVICE_CONTROL_POLICY"
	orgRCP = "RESOURCE_CONTROL_POLICY"
)

// management returns the management account and the organization of
// the baseline (the plan's account and a placeholder when it has none).
func (s side) management() (account, org string) {
	account, org = s.a.mgmt, s.a.orgID
	if account == "" {
		account = s.account()
	}
	if org == "" {
		org = "{organization}"
	}
	return account, org
}

func orgPolicyAttrs(s side) map[string]string {
	id, ok := s.str("id")
	if !ok || id == "" {
		id = s.c.placeholder()
	}
	typ, _ := s.str("type")
	if typ == "" {
		typ = orgSCP
	}
	arn, ok := s.str("arn")
	if !ok || arn == "" {
		// Policy names are unique in an organization: a deployed one of
		// the same name and type is this one.
		name, _ := s.str("name")
		for _, n := range s.a.named(name) {
			if n.Kind == graphmodel.KindAWSOrgPolicy && n.Prop(graphmodel.PropType) == typ && name != "" {
				arn, id = n.ID, lastSegment(n.ID)
			}
		}
	}
	if arn == "" {
		mgmt, org := s.management()
		arn = s.a.arn("organizations", "", mgmt, "policy/"+org+"/"+strings.ToLower(typ)+"/"+id)
	}
	return map[string]string{"id": id, "arn": arn, "type": typ}
}

// orgPolicyFacts: a service or resource control policy (or another type,
// without its document), in the management account's scope.
func orgPolicyFacts(s side) (*facts, error) {
	attrs := orgPolicyAttrs(s)
	mgmt, _ := s.management()
	name, _ := s.str("name")
	n := graphmodel.Node{ID: attrs["arn"], Kind: graphmodel.KindAWSOrgPolicy, Provider: graphmodel.ProviderAWS, Name: name, Scope: graphmodel.AWSAccountScope(mgmt)}
	n.SetProp(graphmodel.PropType, attrs["type"])
	n.SetProp(graphmodel.PropAWSManaged, "false")
	if attrs["type"] == orgSCP || attrs["type"] == orgRCP {
		kind := scpDoc
		if attrs["type"] == orgRCP {
			kind = rcpDoc
		}
		doc, err := s.document("content", kind, false)
		if err != nil {
			return nil, err
		}
		if doc != nil {
			n.Documents = map[string]json.RawMessage{"policy": doc}
		}
	}
	return s.ownResource(n), nil
}

// orgPolicyARN returns the ARN of the organization policy id (p-…) as the
// side sees the estate, "" when neither the plan nor the baseline has it.
func (s side) orgPolicyARN(id string) string {
	for _, c := range s.a.changes {
		if !s.sees(c, "aws_organizations_policy") {
			continue
		}
		if attrs := orgPolicyAttrs(s.a.side(c, s.after)); attrs["id"] == id {
			return attrs["arn"]
		}
	}
	for arn, n := range s.a.st.nodes {
		if n.Kind == graphmodel.KindAWSOrgPolicy && lastSegment(arn) == id {
			return arn
		}
	}
	return ""
}

// orgTarget returns the node an organization policy attaches to: an
// account, a root or an organizational unit, by its id.
func (s side) orgTarget(id string) string {
	if isAccountID(id) {
		return graphmodel.AWSAccountScope(id)
	}
	for arn, n := range s.a.st.nodes {
		if n.Kind == graphmodel.KindAWSOrgUnit && n.Prop(graphmodel.PropAWSOrgID) == id {
			return arn
		}
	}
	return ""
}

// orgPolicyAttachmentFacts: the attached_policy edge from the target to
// the policy.
func orgPolicyAttachmentFacts(s side) (*facts, error) {
	target, tok := s.str("target_id")
	if !tok {
		s.unresolved("target_id", "target of an organization policy attachment")
		return &facts{}, nil
	}
	node := s.orgTarget(target)
	if node == "" {
		s.a.gap(s.c, "organization policy target "+target, "target of "+s.c.addr()+" but in neither the baseline snapshot nor the plan")
		return &facts{}, nil
	}
	f := &facts{}
	policy, ok := s.str("policy_id")
	arn := ""
	switch {
	case !ok:
		what := s.what("policy_id")
		mgmt, org := s.management()
		n := graphmodel.Node{
			ID:   s.a.arn("organizations", "", mgmt, "policy/"+org+"/service_control_policy/{"+what+"}"),
			Kind: graphmodel.KindAWSOrgPolicy, Provider: graphmodel.ProviderAWS, Name: "{" + what + "}", Scope: graphmodel.AWSAccountScope(mgmt),
			Documents: map[string]json.RawMessage{"policy": unknownDocument(scpDoc, what)},
		}
		n.SetProp(graphmodel.PropType, orgSCP)
		n.SetProp(graphmodel.PropAWSManaged, "false")
		f.nodes = append(f.nodes, nodeFact{node: n})
		arn = n.ID
	default:
		arn = s.orgPolicyARN(policy)
		if arn == "" {
			s.a.gap(s.c, "organization policy "+policy, "attached by "+s.c.addr()+" but in neither the baseline snapshot nor the plan")
			return f, nil
		}
	}
	f.edges = append(f.edges, graphmodel.Edge{From: node, To: arn, Kind: graphmodel.EdgeAttachedPolicy})
	return f, nil
}
