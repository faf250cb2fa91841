package aws

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// resources converts the raw outputs beside the authorization details. The
// order matters: listings before the per-item outputs that refer to them,
// EC2 instances before the SSM inventory, ECS task definitions before the
// services that run them, EKS access entries before their access
// policies, users before the credential report, and the organization
// last, since it marks every account node.
func (c *converter) resources(r *Resources) error {
	steps := []func(*Resources) error{
		c.collectionGaps, c.lambda, c.ec2, c.ssmInstances, c.cloudFormation, c.codeBuild, c.glue, c.sageMaker,
		c.appRunner, c.ecs, c.eks, c.eksAccess, c.bedrockAgentCore, c.oidcProviders, c.samlProviders, c.s3, c.kms,
		c.secretsManager, c.ssmParameters, c.dynamoDB, c.rds, c.sqs, c.sns, c.ecr,
		c.credentialReports, c.organizations,
	}
	for _, step := range steps {
		if err := step(r); err != nil {
			return err
		}
	}
	return nil
}

// resourceSpec describes a resource node: its ARN, short name, service and
// type (properties), region when known (else the ARN's) and tags.
type resourceSpec struct {
	arn, name, service, typ, region string
	tags                            map[string]string
}

// resource returns the node of a resource, defining it at l when no output
// defined it before. Later outputs add what the node lacks (region, tags).
// An ARN that is not one of the service, or names a node of another kind,
// is bad input at l.
func (c *converter) resource(l loc, s resourceSpec) (*graphmodel.Node, error) {
	f, ok := splitARN(s.arn)
	if !ok || f.Service != s.service {
		return nil, l.bad("%q is not an ARN of %s (want arn:%s:%s:<region>:<account>:<resource>)", s.arn, s.service, c.partition, s.service)
	}
	region := s.region
	if region == "" {
		region = f.Region
	}
	if n, ok := c.nodes[s.arn]; ok {
		if n.Kind != graphmodel.KindAWSResource || n.Prop(graphmodel.PropService) != s.service || n.Prop(graphmodel.PropType) != s.typ {
			return nil, l.bad("%s is already defined as %s at %s", s.arn, describe(n), c.nodePlace[s.arn].relativeTo(l))
		}
		n.SetProp(graphmodel.PropRegion, mergeProp(n.Prop(graphmodel.PropRegion), region))
		for k, v := range s.tags {
			if n.Tags == nil {
				n.Tags = map[string]string{}
			}
			if _, set := n.Tags[k]; !set {
				n.Tags[k] = v
			}
		}
		return n, nil
	}
	name := s.name
	if name == "" {
		name = f.Resource
	}
	account := f.Account
	if !isAccountID(account) {
		account = c.account
	}
	c.ensureAccount(account)
	n := &graphmodel.Node{
		ID: s.arn, Kind: graphmodel.KindAWSResource, Provider: graphmodel.ProviderAWS,
		Name: name, Scope: graphmodel.AWSAccountScope(account), Tags: s.tags,
	}
	n.SetProp(graphmodel.PropService, s.service)
	n.SetProp(graphmodel.PropType, s.typ)
	n.SetProp(graphmodel.PropRegion, region)
	n.SetProp(graphmodel.PropResourceClass, string(resourceClass(s.service, s.typ)))
	c.nodes[s.arn] = n
	c.nodePlace[s.arn] = l
	key := nameKey(s.service, s.typ, name)
	c.named[key] = append(c.named[key], n)
	return n, nil
}

// mergeProp keeps a property already set, else takes the new value.
func mergeProp(old, v string) string {
	if old != "" {
		return old
	}
	return v
}

// describe names a node for messages: "aws.role arn:…" or "lambda function arn:…".
func describe(n *graphmodel.Node) string {
	if n.Kind == graphmodel.KindAWSResource {
		return n.Prop(graphmodel.PropService) + " " + n.Prop(graphmodel.PropType) + " " + n.ID
	}
	return string(n.Kind) + " " + n.ID
}

func nameKey(service, typ, name string) string { return service + "\x00" + typ + "\x00" + name }

// byName returns the one resource of a service and type with that name, in
// region when region is not empty.
func (c *converter) byName(service, typ, name, region string) (*graphmodel.Node, bool) {
	var found *graphmodel.Node
	for _, n := range c.named[nameKey(service, typ, name)] {
		if region != "" && n.Prop(graphmodel.PropRegion) != region {
			continue
		}
		if found != nil {
			return nil, false // ambiguous: the same name in two regions
		}
		found = n
	}
	return found, found != nil
}

// ensureAccount adds the node of an account if no output defined it.
func (c *converter) ensureAccount(id string) {
	scope := graphmodel.AWSAccountScope(id)
	if _, ok := c.nodes[scope]; ok {
		return
	}
	c.nodes[scope] = &graphmodel.Node{ID: scope, Kind: graphmodel.KindAWSAccount, Provider: graphmodel.ProviderAWS, Name: id}
}

// arn builds an ARN in the partition of the export.
func (c *converter) arn(service, region, account, resource string) string {
	return "arn:" + c.partition + ":" + service + ":" + region + ":" + account + ":" + resource
}

// present reports whether a raw JSON value is given (not absent, not null).
func present(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && string(t) != "null"
}

// jsonString returns s as a JSON string, the form policy attributes hold.
func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// resourcePolicy parses the resource-based policy found at l and stores it
// as Documents["policy"] of n. An absent policy is no policy; two different
// policies for one resource are bad input.
func (c *converter) resourcePolicy(l loc, n *graphmodel.Node, raw json.RawMessage) error {
	if !present(raw) {
		return nil
	}
	doc, err := documentAt(l, raw)
	if err != nil {
		return err
	}
	key := n.ID + "\x00policy"
	if prev, ok := n.Documents["policy"]; ok {
		if bytes.Equal(prev, doc) {
			return nil
		}
		return l.bad("a different policy of %s is given at %s", n.ID, c.docPlace[key].relativeTo(l))
	}
	if n.Documents == nil {
		n.Documents = map[string]json.RawMessage{}
	}
	n.Documents["policy"] = doc
	c.docPlace[key] = l
	return nil
}

// carriesRole records that the resource from runs with the role ref, a role
// ARN or a role name. A role ARN that gaad.json does not define is a gap
// and keeps its edge; an unknown role name is a gap without edge.
func (c *converter) carriesRole(l loc, from, ref string) error {
	if ref == "" {
		return nil
	}
	if strings.HasPrefix(ref, "arn:") {
		if _, err := iamARN(ref, "role", false); err != nil {
			return badinput.New(l.where, l.place, err)
		}
		if !c.roleARNs[ref] {
			c.gapAt(l, "role "+ref, "referenced by "+from+" but absent from gaad.json")
		}
		c.edge(from, graphmodel.EdgeCarriesRole, ref)
		return nil
	}
	arn, ok := c.roleByName[ref]
	if !ok {
		c.gapAt(l, "role "+ref, "referenced by "+from+" but absent from gaad.json")
		return nil
	}
	c.edge(from, graphmodel.EdgeCarriesRole, arn)
	return nil
}

// roleRef returns the ARN of the role ref names as carriesRole resolves
// it: an ARN as is, a name through gaad.json ("" when unknown).
func (c *converter) roleRef(ref string) string {
	if ref == "" || strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return c.roleByName[ref]
}

// profileRolesOf resolves an instance profile (ARN or name) to the roles it
// carries, sorted; an unknown profile is a gap.
func (c *converter) profileRolesOf(l loc, from, profileARN, profileName string) []string {
	ref, arn := profileARN, profileARN
	if arn == "" {
		ref = profileName
		arn = c.profileNames[profileName]
	}
	if ref == "" {
		return nil
	}
	roles := append([]string(nil), c.profileRoles[arn]...)
	if len(roles) == 0 {
		c.gapAt(l, "instance profile "+ref, "referenced by "+from+" but absent from gaad.json")
		return nil
	}
	sort.Strings(roles)
	return roles
}

// gapAt records a gap found at l.
func (c *converter) gapAt(l loc, what, reason string) {
	g := graphmodel.Gap{What: what, Reason: reason, Where: l.String()}
	if !c.gapSeen[g] {
		c.gapSeen[g] = true
		c.gaps = append(c.gaps, g)
	}
}

// regionOfZone returns the region of an availability zone: the zone name
// without its last letter ("eu-west-1a" → "eu-west-1").
func regionOfZone(zone string) string {
	if len(zone) < 2 {
		return ""
	}
	last := zone[len(zone)-1]
	if last < 'a' || last > 'z' {
		return ""
	}
	return zone[:len(zone)-1]
}

// tagMap turns a list of tags of any spelling into Node.Tags.
func tagMap[T any](list []T, kv func(T) (string, string)) map[string]string {
	if len(list) == 0 {
		return nil
	}
	m := make(map[string]string, len(list))
	for _, t := range list {
		k, v := kv(t)
		m[k] = v
	}
	return m
}

// noRegion records a gap for an item whose ARN needs a region that neither
// the output nor its element gives.
func (c *converter) noRegion(l loc, what string) {
	c.gapAt(l, what, `no region: add "Region" beside the output, put the file in a DIR/<region>/ subdirectory, or give --region`)
}

// regionOf returns an output's region, else the region given for the
// outputs that carry none (collect aws --region), else "".
func (c *converter) regionOf(region string) string {
	if region != "" {
		return region
	}
	return c.defaultRegion
}
