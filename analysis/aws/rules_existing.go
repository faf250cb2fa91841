package aws

import (
	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// Taking over an existing resource (existing-passrole): the rule. For one
// principal p, one resource r that runs as a role (existingTarget) and one
// rule: existingVerdict, every onResource action allowed on r, every
// anywhere action allowed somewhere, and what must happen outside as a
// condition; p then becomes every role r runs as (emitExisting). The
// driver, with its speed-ups, is run_existing.go.

// existingRule is a way to run code as a role that a resource already
// carries (a function, a build project, an instance): no iam:PassRole is
// needed, only actions on that resource.
type existingRule struct {
	technique string
	// service and typ select the resources (their "service" and "type" properties).
	service, typ string
	// onResource are actions on the resource itself; anywhere are actions on
	// something the attacker creates (a lifecycle configuration).
	onResource, anywhere []string
	// ssmManaged: the instance must be registered with Systems Manager.
	ssmManaged bool
	// outside names what else must happen that the analysis cannot know
	// (the function being invoked); it makes the edge conditional.
	outside string
}

// existingRules are the existing-passrole paths of the catalogue.
var existingRules = []existingRule{
	{technique: "apprunner-002", service: "apprunner", typ: "service", onResource: []string{"apprunner:UpdateService"}},
	{technique: "bedrock-002", service: "bedrock-agentcore", typ: "code-interpreter",
		onResource: []string{"bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"}},
	{technique: "cloudformation-002", service: "cloudformation", typ: "stack", onResource: []string{"cloudformation:UpdateStack"}},
	{technique: "cloudformation-005", service: "cloudformation", typ: "stack",
		onResource: []string{"cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"}},
	{technique: "codebuild-002", service: "codebuild", typ: "project", onResource: []string{"codebuild:StartBuild"}},
	{technique: "codebuild-003", service: "codebuild", typ: "project", onResource: []string{"codebuild:StartBuildBatch"}},
	{technique: "ec2-002", service: "ec2", typ: "instance",
		onResource: []string{"ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"}},
	{technique: "ec2-004", service: "ec2", typ: "launch-template",
		onResource: []string{"ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"},
		outside:    "an instance is launched from the template"},
	{technique: "ec2instanceconnect-003", service: "ec2", typ: "instance",
		onResource: []string{"ec2-instance-connect:SendSSHPublicKey"},
		anywhere:   []string{"ec2:DescribeInstances"},
		outside:    "network access to the instance's SSH port"},
	{technique: "glue-002", service: "glue", typ: "devendpoint", onResource: []string{"glue:UpdateDevEndpoint"}},
	{technique: "lambda-003", service: "lambda", typ: "function", onResource: []string{"lambda:UpdateFunctionCode"},
		outside: "the function is invoked by its own triggers"},
	{technique: "lambda-004", service: "lambda", typ: "function", onResource: []string{"lambda:UpdateFunctionCode", "lambda:InvokeFunction"}},
	{technique: "lambda-005", service: "lambda", typ: "function", onResource: []string{"lambda:UpdateFunctionCode", "lambda:AddPermission"}},
	{technique: "sagemaker-004", service: "sagemaker", typ: "notebook-instance",
		onResource: []string{"sagemaker:CreatePresignedNotebookInstanceUrl"}},
	{technique: "sagemaker-005", service: "sagemaker", typ: "notebook-instance",
		onResource: []string{"sagemaker:StopNotebookInstance", "sagemaker:UpdateNotebookInstance", "sagemaker:StartNotebookInstance"},
		anywhere:   []string{"sagemaker:CreateNotebookInstanceLifecycleConfig"}},
	{technique: "ssm-001", service: "ec2", typ: "instance", onResource: []string{"ssm:StartSession"}, ssmManaged: true},
	{technique: "ssm-002", service: "ec2", typ: "instance", onResource: []string{"ssm:SendCommand"}, ssmManaged: true},
}

// existingTarget reports whether rule takes r over: a resource of its
// service and type that runs as a role (registered with Systems Manager
// when the rule needs it).
func existingTarget(m *model, r *resource, rule existingRule) bool {
	return len(r.roles) > 0 && r.service == rule.service && r.typ == rule.typ &&
		(!rule.ssmManaged || r.node.Prop(graphmodel.PropAWSSSMManaged) == "true")
}

// emitExisting records that p, by the verdict v on resource r, becomes
// every role r runs as.
func emitExisting(m *model, out *emitter, p *principal, r *resource, rule existingRule, v verdict) {
	for _, role := range r.roles {
		if role == p.arn || m.byARN[role] == nil {
			continue
		}
		out.add(graphmodel.EdgeCanBecome, p.arn, role, rule.technique, withResourceEvidence(v, r, "runs as "+role))
	}
}

// allowedSomewhere reports whether p's policies may allow every action on
// some resource (memoized per principal and action).
func allowedSomewhere(p *principal, actions []string) bool {
	for _, a := range actions {
		if allowsSomewhere(p, a, nil).t == awspolicy.No {
			return false
		}
	}
	return true
}

// existingVerdict decides whether p takes r over by rule: existingActions,
// and what must happen outside as a condition.
func existingVerdict(m *model, p *principal, r *resource, rule existingRule) verdict {
	// Without a resource policy only p's own policies can allow the
	// actions: a principal allowed one of them nowhere is out at once.
	if r.policy == nil && !allowedSomewhere(p, rule.onResource) {
		return deny
	}
	v := existingActions(m, p, r, rule)
	if v.t != awspolicy.No && rule.outside != "" {
		v = v.and(verdict{t: awspolicy.Maybe, undecided: []string{rule.outside}})
	}
	return v
}

// existingActions decides rule's actions for p: every onResource action
// on r and every anywhere action somewhere.
func existingActions(m *model, p *principal, r *resource, rule existingRule) verdict {
	v := verdict{t: awspolicy.Yes}
	for _, a := range rule.onResource {
		if v = v.and(m.accessVerdict(p, r, a, r.arn)); v.t == awspolicy.No {
			return deny
		}
	}
	for _, a := range rule.anywhere {
		if v = v.and(allowsSomewhere(p, a, nil)); v.t == awspolicy.No {
			return deny
		}
	}
	return v
}
