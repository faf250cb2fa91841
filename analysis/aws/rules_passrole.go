package aws

import (
	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// passRoleRule is a way to run code as a role by passing it to a service:
// iam:PassRole on the role (with iam:PassedToService naming the service),
// the service's actions that create and start the compute, and a role whose
// trust admits the service.
type passRoleRule struct {
	technique string
	service   string
	actions   []string
	// needsInstanceProfile: EC2 receives roles through instance profiles, so
	// one carrying the role must exist.
	needsInstanceProfile bool
}

// passRoleRules are the new-passrole paths of the catalogue.
var passRoleRules = []passRoleRule{
	{"apprunner-001", "tasks.apprunner.amazonaws.com", []string{"apprunner:CreateService"}, false},
	{"bedrock-001", "bedrock-agentcore.amazonaws.com", []string{"bedrock-agentcore:CreateCodeInterpreter", "bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"}, false},
	{"cloudformation-001", "cloudformation.amazonaws.com", []string{"cloudformation:CreateStack"}, false},
	{"cloudformation-003", "cloudformation.amazonaws.com", []string{"cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"}, false},
	{"cloudformation-004", "cloudformation.amazonaws.com", []string{"cloudformation:UpdateStackSet"}, false},
	{"codebuild-001", "codebuild.amazonaws.com", []string{"codebuild:CreateProject", "codebuild:StartBuild"}, false},
	{"codebuild-004", "codebuild.amazonaws.com", []string{"codebuild:CreateProject", "codebuild:StartBuildBatch"}, false},
	{"datapipeline-001", "datapipeline.amazonaws.com", []string{"datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition", "datapipeline:ActivatePipeline"}, false},
	{"ec2-001", "ec2.amazonaws.com", []string{"ec2:RunInstances"}, true},
	{"ec2-003", "ec2.amazonaws.com", []string{"ec2:RequestSpotInstances"}, true},
	{"ecs-001", "ecs-tasks.amazonaws.com", []string{"ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:CreateService"}, false},
	{"ecs-002", "ecs-tasks.amazonaws.com", []string{"ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:RunTask"}, false},
	{"ecs-003", "ecs-tasks.amazonaws.com", []string{"ecs:RegisterTaskDefinition", "ecs:CreateService"}, false},
	{"ecs-004", "ecs-tasks.amazonaws.com", []string{"ecs:RegisterTaskDefinition", "ecs:RunTask"}, false},
	{"ecs-005", "ecs-tasks.amazonaws.com", []string{"ecs:RegisterTaskDefinition", "ecs:StartTask"}, false},
	{"glue-001", "glue.amazonaws.com", []string{"glue:CreateDevEndpoint"}, false},
	{"glue-003", "glue.amazonaws.com", []string{"glue:CreateJob", "glue:StartJobRun"}, false},
	{"glue-004", "glue.amazonaws.com", []string{"glue:CreateJob", "glue:CreateTrigger"}, false},
	{"glue-005", "glue.amazonaws.com", []string{"glue:UpdateJob", "glue:StartJobRun"}, false},
	{"glue-006", "glue.amazonaws.com", []string{"glue:UpdateJob", "glue:CreateTrigger"}, false},
	{"lambda-001", "lambda.amazonaws.com", []string{"lambda:CreateFunction", "lambda:InvokeFunction"}, false},
	{"lambda-002", "lambda.amazonaws.com", []string{"lambda:CreateFunction", "lambda:CreateEventSourceMapping"}, false},
	{"lambda-006", "lambda.amazonaws.com", []string{"lambda:CreateFunction", "lambda:AddPermission"}, false},
	{"sagemaker-001", "sagemaker.amazonaws.com", []string{"sagemaker:CreateNotebookInstance"}, false},
	{"sagemaker-002", "sagemaker.amazonaws.com", []string{"sagemaker:CreateTrainingJob"}, false},
	{"sagemaker-003", "sagemaker.amazonaws.com", []string{"sagemaker:CreateProcessingJob"}, false},
}

// derivePassRole emits CAN_BECOME edges for every new-passrole rule a
// principal satisfies, once per role it can pass. A principal whose
// iam:PassRole decision is the same for every role joins the rule's
// permission set of its account (techsets.go) instead.
func derivePassRole(m *model, out *emitter) {
	profiles := rolesWithInstanceProfile(m)
	trusting := map[string][]trustedRole{} // service → roles whose trust admits it
	rolesTrusting := func(service string) []trustedRole {
		if list, ok := trusting[service]; ok {
			return list
		}
		var list []trustedRole
		for _, r := range m.principals {
			if !r.isRole || r.trust == nil {
				continue
			}
			if v := serviceTrust(r, service); v.t != awspolicy.No {
				list = append(list, trustedRole{r, v})
			}
		}
		trusting[service] = list
		return list
	}
	sets := newTechniqueSets(m)
	rules := map[string]passRoleRule{} // by technique, for the sets' emit
	for _, rule := range passRoleRules {
		rules[rule.technique] = rule
	}
	for _, p := range m.principals {
		if m.stopped() {
			return
		}
		if m.admins[p.arn] || allowsSomewhere(p, "iam:PassRole", nil).t == awspolicy.No {
			continue
		}
		roles := iamPrefixes(p.account, "role")
		blind := !m.perPrincipal && m.resourceBlind(p, "iam:PassRole", roles)
		passes := map[[2]string]verdict{} // (role, service) → iam:PassRole verdict
		mayName := allowPatterns(p, "iam:PassRole")
		for _, rule := range passRoleRules {
			actions := verdict{t: awspolicy.Yes}
			for _, a := range rule.actions {
				actions = actions.and(allowsSomewhere(p, a, nil))
				if actions.t == awspolicy.No {
					break
				}
			}
			if actions.t == awspolicy.No {
				continue
			}
			if blind {
				key := [2]string{"", rule.service}
				pass, ok := passes[key]
				if !ok {
					pass = identityAllows(p, "iam:PassRole", blindARN(roles), map[string]string{"iam:PassedToService": rule.service})
					passes[key] = pass
				}
				sets.join(p, rule.technique, "pass a role to "+rule.service, pass.and(actions))
				continue
			}
			for _, tr := range rolesTrusting(rule.service) {
				r := tr.role
				if r == p || r.account != p.account || (rule.needsInstanceProfile && !profiles[r.arn]) || !mayName(r.arn) {
					continue
				}
				key := [2]string{r.arn, rule.service}
				pass, ok := passes[key]
				if !ok {
					pass = identityAllows(p, "iam:PassRole", r.arn, map[string]string{"iam:PassedToService": rule.service})
					passes[key] = pass
				}
				if pass.t == awspolicy.No {
					continue
				}
				out.add(graphmodel.EdgeCanBecome, p.arn, r.arn, rule.technique, pass.and(actions).and(tr.trust))
			}
		}
	}
	sets.emit(out, graphmodel.EdgeCanBecome, true, func(s *techniqueSet) []setTarget {
		rule := rules[s.technique]
		var list []setTarget
		for _, tr := range rolesTrusting(rule.service) {
			r := tr.role
			if r.account == s.account && (!rule.needsInstanceProfile || profiles[r.arn]) {
				list = append(list, setTarget{id: r.arn, v: tr.trust})
			}
		}
		return list
	})
}

// trustedRole is a role whose trust admits a service, with that verdict.
type trustedRole struct {
	role  *principal
	trust verdict
}

// serviceTrust decides whether r's trust lets the service assume it for a
// resource the attacker creates in r's account.
func serviceTrust(r *principal, service string) verdict {
	facts := awspolicy.NewFacts().Set("aws:SourceAccount", r.account).
		Set("aws:PrincipalIsAWSService", "true").Set("aws:PrincipalServiceName", service)
	req := awspolicy.Request{
		Principal: awspolicy.Principal{Service: service},
		Action:    "sts:AssumeRole", Resource: r.arn, Context: facts,
	}
	return trustVerdict(r, req, service)
}

func rolesWithInstanceProfile(m *model) map[string]bool {
	set := map[string]bool{}
	for _, p := range m.principals {
		if len(p.profiles) > 0 {
			set[p.arn] = true
		}
	}
	return set
}

// allowPatterns returns a test of whether an Allow statement of p's
// identity policies on action may name an ARN: where none does, the
// identity policies cannot allow the action, and nothing need be decided.
func allowPatterns(p *principal, action string) func(arn string) bool {
	allowing := allowStatements(p, action)
	return func(arn string) bool { return namesAny(allowing, arn, p) }
}
