package tfplan

import (
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// The compute that runs as a role: the resource node and its carries_role
// edge to the role, as the collector writes them; whoever can change or
// run the resource can act as the role.

func lambdaAttrs(s side) map[string]string {
	name := s.name("function_name")
	arn, ok := s.str("arn")
	if !ok || arn == "" {
		arn = s.a.arn("lambda", s.region(), s.account(), "function:"+name)
	}
	return map[string]string{"function_name": name, "id": name, "arn": arn}
}

func lambdaFacts(s side) (*facts, error) {
	attrs := lambdaAttrs(s)
	f := s.ownResource(s.resource(attrs["arn"], attrs["function_name"], "lambda", "function"))
	s.carries(f, "role")
	return f, nil
}

func instanceAttrs(s side) map[string]string {
	id, ok := s.str("id")
	if !ok || id == "" {
		id = s.c.placeholder()
	}
	arn, ok := s.str("arn")
	if !ok || arn == "" {
		arn = s.a.arn("ec2", s.region(), s.account(), "instance/"+id)
	}
	return map[string]string{"id": id, "arn": arn}
}

// instanceFacts: an EC2 instance, the roles of its instance profile.
func instanceFacts(s side) (*facts, error) {
	attrs := instanceAttrs(s)
	f := s.ownResource(s.resource(attrs["arn"], attrs["id"], "ec2", "instance"))
	profile, ok := s.str("iam_instance_profile")
	switch {
	case !ok:
		s.unresolved("iam_instance_profile", "instance profile of "+attrs["arn"])
	case profile != "":
		arn, roles := s.profileRoles(profile)
		f.nodes[0].node.SetProp(graphmodel.PropAWSInstanceProfile, arn)
		for _, r := range roles {
			f.edges = append(f.edges, graphmodel.Edge{From: attrs["arn"], To: r, Kind: graphmodel.EdgeCarriesRole})
		}
	}
	return f, nil
}

func launchTemplateAttrs(s side) map[string]string {
	name := s.name("name")
	id, ok := s.str("id")
	arn, aok := s.str("arn")
	if (!ok || id == "") && (!aok || arn == "") {
		if arn = s.a.baseNamed("ec2", "launch-template", name, nil); arn != "" {
			id = lastSegment(arn)
		}
	}
	if id == "" {
		id = s.c.placeholder()
	}
	if arn == "" {
		arn = s.a.arn("ec2", s.region(), s.account(), "launch-template/"+id)
	}
	return map[string]string{"id": id, "arn": arn, "name": name}
}

// launchTemplateFacts: a launch template, the roles of the instance
// profile of its version. An update adds a version and leaves the old
// ones (whose roles the collector still sees), so only a deletion or a
// replacement retracts roles.
func launchTemplateFacts(s side) (*facts, error) {
	attrs := launchTemplateAttrs(s)
	f := s.ownResource(s.resource(attrs["arn"], attrs["name"], "ec2", "launch-template"))
	if v, ok := s.str("default_version"); ok && v != "" && v != "0" {
		f.nodes[0].node.SetProp(graphmodel.PropAWSDefaultVersion, v)
	}
	if !s.after && s.c.action == ActionUpdate {
		return f, nil
	}
	blocks, ok := s.blocks("iam_instance_profile")
	if !ok {
		s.unresolved("iam_instance_profile", "instance profile of "+attrs["arn"])
	}
	for _, b := range blocks {
		ref, ok := b.str("arn")
		if !ok || ref == "" {
			var nameOK bool
			ref, nameOK = b.str("name")
			if !nameOK || (!ok && ref == "") {
				b.unresolved("arn", "instance profile of "+attrs["arn"])
				continue
			}
		}
		if ref == "" {
			continue
		}
		_, roles := s.profileRoles(ref)
		for i, r := range roles {
			f.edges = append(f.edges, graphmodel.Edge{From: attrs["arn"], To: r, Kind: graphmodel.EdgeCarriesRole})
			if i == 0 {
				f.nodes[0].node.SetProp(graphmodel.PropAWSDefaultRole, r)
			}
		}
	}
	return f, nil
}

func taskDefinitionAttrs(s side) map[string]string {
	family, _ := s.str("family")
	revision, ok := s.str("revision")
	if !ok || revision == "" {
		revision = s.c.placeholder()
	}
	arn, ok := s.str("arn")
	if !ok || arn == "" {
		arn = s.a.arn("ecs", s.region(), s.account(), "task-definition/"+family+":"+revision)
	}
	return map[string]string{"arn": arn, "id": family, "family": family, "revision": revision, "name": family + ":" + revision}
}

// taskDefinitionFacts: an ECS task definition revision, with its task
// role (carries_role) and its execution role (a property).
func taskDefinitionFacts(s side) (*facts, error) {
	attrs := taskDefinitionAttrs(s)
	n := s.resource(attrs["arn"], attrs["name"], "ecs", "task-definition")
	if role, ok := s.str("execution_role_arn"); ok && role != "" {
		n.SetProp(graphmodel.PropAWSExecutionRole, s.entityARN("role", role))
	}
	f := s.ownResource(n)
	s.carries(f, "task_role_arn")
	return f, nil
}

// computeFacts is a resource ARN'd arn:<partition>:<service>:<region>:<account>:<typ>/<name>
// that runs as the role of roleKey (an ARN, or for Glue a name).
func computeFacts(service, typ, roleKey string) func(s side) (*facts, error) {
	attrs := computeAttrs(service, typ)
	return func(s side) (*facts, error) {
		a := attrs(s)
		f := s.ownResource(s.resource(a["arn"], a["name"], service, typ))
		s.carries(f, roleKey)
		return f, nil
	}
}

func computeAttrs(service, typ string) func(s side) map[string]string {
	return func(s side) map[string]string {
		name := s.name("name")
		arn, ok := s.str("arn")
		if !ok || arn == "" {
			resource := name
			if service == "sagemaker" {
				resource = strings.ToLower(name) // SageMaker's ARNs hold the name in lower case
			}
			arn = s.a.arn(service, s.region(), s.account(), typ+"/"+resource)
		}
		return map[string]string{"name": name, "id": name, "arn": arn}
	}
}

func stackAttrs(s side) map[string]string {
	name := s.name("name")
	arn, ok := s.str("id")
	if !ok || arn == "" {
		arn = s.a.baseNamed("cloudformation", "stack", name, nil)
	}
	if arn == "" {
		arn = s.a.arn("cloudformation", s.region(), s.account(), "stack/"+name+"/"+s.c.placeholder())
	}
	return map[string]string{"name": name, "id": arn, "arn": arn}
}

// stackFacts: a CloudFormation stack and its service role.
func stackFacts(s side) (*facts, error) {
	attrs := stackAttrs(s)
	f := s.ownResource(s.resource(attrs["arn"], attrs["name"], "cloudformation", "stack"))
	s.carries(f, "iam_role_arn")
	return f, nil
}
