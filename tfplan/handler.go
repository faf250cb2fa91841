package tfplan

import (
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// handler maps one resource type to the snapshot.
type handler struct {
	// facts returns what one side of a change says (see facts).
	facts func(s side) (*facts, error)
	// attrs returns the attributes AWS computes for the resource from its
	// planned value (ARN, ID, name), for references to it.
	attrs func(s side) map[string]string
}

// handlerFor returns the handler of a resource type, nil for a type that
// changes no identity's reach as the snapshot models it.
func handlerFor(typ string) *handler {
	switch typ {
	case "aws_iam_role":
		return &handler{facts: roleFacts, attrs: entityAttrs("role")}
	case "aws_iam_user":
		return &handler{facts: userFacts, attrs: entityAttrs("user")}
	case "aws_iam_group":
		return &handler{facts: groupFacts, attrs: entityAttrs("group")}
	case "aws_iam_policy":
		return &handler{facts: managedPolicyFacts, attrs: managedPolicyAttrs}
	case "aws_iam_role_policy":
		return &handler{facts: inlinePolicyFacts("role")}
	case "aws_iam_user_policy":
		return &handler{facts: inlinePolicyFacts("user")}
	case "aws_iam_group_policy":
		return &handler{facts: inlinePolicyFacts("group")}
	case "aws_iam_role_policy_attachment":
		return &handler{facts: attachmentFacts("role")}
	case "aws_iam_user_policy_attachment":
		return &handler{facts: attachmentFacts("user")}
	case "aws_iam_group_policy_attachment":
		return &handler{facts: attachmentFacts("group")}
	case "aws_iam_policy_attachment":
		return &handler{facts: policyAttachmentFacts}
	case "aws_iam_user_group_membership":
		return &handler{facts: userGroupMembershipFacts}
	case "aws_iam_group_membership":
		return &handler{facts: groupMembershipFacts}
	case "aws_iam_instance_profile":
		return &handler{facts: instanceProfileFacts, attrs: entityAttrs("instance-profile")}
	case "aws_iam_openid_connect_provider":
		return &handler{facts: oidcProviderFacts, attrs: oidcProviderAttrs}
	case "aws_s3_bucket":
		return &handler{facts: bucketFacts, attrs: bucketAttrs}
	case "aws_s3_bucket_policy":
		return &handler{facts: bucketPolicyFacts}
	case "aws_kms_key":
		return &handler{facts: kmsKeyFacts, attrs: kmsKeyAttrs}
	case "aws_kms_key_policy":
		return &handler{facts: kmsKeyPolicyFacts}
	case "aws_secretsmanager_secret":
		return &handler{facts: secretFacts, attrs: secretAttrs}
	case "aws_secretsmanager_secret_policy":
		return &handler{facts: secretPolicyFacts}
	case "aws_lambda_permission":
		return &handler{facts: lambdaPermissionFacts}
	case "aws_sqs_queue":
		return &handler{facts: queueFacts, attrs: queueAttrs}
	case "aws_sqs_queue_policy":
		return &handler{facts: queuePolicyFacts}
	case "aws_sns_topic":
		return &handler{facts: topicFacts, attrs: topicAttrs}
	case "aws_sns_topic_policy":
		return &handler{facts: topicPolicyFacts}
	case "aws_ecr_repository":
		return &handler{facts: repositoryFacts, attrs: repositoryAttrs}
	case "aws_ecr_repository_policy":
		return &handler{facts: repositoryPolicyFacts}
	case "aws_lambda_function":
		return &handler{facts: lambdaFacts, attrs: lambdaAttrs}
	case "aws_instance":
		return &handler{facts: instanceFacts, attrs: instanceAttrs}
	case "aws_launch_template":
		return &handler{facts: launchTemplateFacts, attrs: launchTemplateAttrs}
	case "aws_ecs_task_definition":
		return &handler{facts: taskDefinitionFacts, attrs: taskDefinitionAttrs}
	case "aws_codebuild_project":
		return &handler{facts: computeFacts("codebuild", "project", "service_role"), attrs: computeAttrs("codebuild", "project")}
	case "aws_glue_job":
		return &handler{facts: computeFacts("glue", "job", "role_arn"), attrs: computeAttrs("glue", "job")}
	case "aws_sagemaker_notebook_instance":
		return &handler{facts: computeFacts("sagemaker", "notebook-instance", "role_arn"), attrs: computeAttrs("sagemaker", "notebook-instance")}
	case "aws_cloudformation_stack":
		return &handler{facts: stackFacts, attrs: stackAttrs}
	case "aws_eks_access_entry":
		return &handler{facts: accessEntryFacts, attrs: accessEntryAttrs}
	case "aws_eks_access_policy_association":
		return &handler{facts: accessPolicyFacts}
	case "aws_eks_pod_identity_association":
		return &handler{facts: podIdentityFacts, attrs: podIdentityAttrs}
	case "aws_organizations_policy":
		return &handler{facts: orgPolicyFacts, attrs: orgPolicyAttrs}
	case "aws_organizations_policy_attachment":
		return &handler{facts: orgPolicyAttachmentFacts}
	}
	return nil
}

// ModelledTypes lists the resource types Apply applies, sorted.
func ModelledTypes() []string {
	return []string{
		"aws_cloudformation_stack", "aws_codebuild_project", "aws_ecr_repository", "aws_ecr_repository_policy",
		"aws_ecs_task_definition", "aws_eks_access_entry", "aws_eks_access_policy_association",
		"aws_eks_pod_identity_association", "aws_glue_job", "aws_iam_group", "aws_iam_group_membership",
		"aws_iam_group_policy", "aws_iam_group_policy_attachment", "aws_iam_instance_profile",
		"aws_iam_openid_connect_provider", "aws_iam_policy", "aws_iam_policy_attachment", "aws_iam_role",
		"aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_user", "aws_iam_user_group_membership",
		"aws_iam_user_policy", "aws_iam_user_policy_attachment", "aws_instance", "aws_kms_key", "aws_kms_key_policy",
		"aws_lambda_function", "aws_lambda_permission", "aws_launch_template", "aws_organizations_policy",
		"aws_organizations_policy_attachment", "aws_s3_bucket", "aws_s3_bucket_policy",
		"aws_sagemaker_notebook_instance", "aws_secretsmanager_secret", "aws_secretsmanager_secret_policy",
		"aws_sns_topic", "aws_sns_topic_policy", "aws_sqs_queue", "aws_sqs_queue_policy",
	}
}

// iamTypes maps an IAM entity kind of ARNs to its resource type and node kind.
var iamTypes = map[string]struct {
	resource string
	kind     graphmodel.NodeKind
}{
	"role":             {"aws_iam_role", graphmodel.KindAWSRole},
	"user":             {"aws_iam_user", graphmodel.KindAWSUser},
	"group":            {"aws_iam_group", graphmodel.KindAWSGroup},
	"instance-profile": {"aws_iam_instance_profile", graphmodel.KindAWSInstanceProfile},
}

// entityARN returns the ARN of the IAM entity of kind typ ("role", "user",
// "group", "instance-profile") named name as the side sees the estate:
// one the plan defines (on the same side), else the baseline's, else one
// with the path "/" (a reference checkReferences reports).
func (s side) entityARN(typ, name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	t := iamTypes[typ]
	for _, c := range s.a.changes {
		if !s.sees(c, t.resource) {
			continue
		}
		o := s.a.side(c, s.after)
		o.depth = s.depth + 1
		if o.depth > maxDepth {
			break
		}
		if o.name("name") == name {
			path, _ := o.str("path")
			return s.a.iamARN(typ, path, name)
		}
	}
	for _, n := range s.a.named(name) {
		if n.Kind == t.kind && graphmodel.AWSAccountOfARN(n.ID) == s.a.account {
			return n.ID
		}
	}
	return s.a.iamARN(typ, "/", name)
}

// entityAttrs computes the attributes of an IAM entity: name, id (its
// name) and ARN.
func entityAttrs(typ string) func(s side) map[string]string {
	return func(s side) map[string]string {
		name := s.name("name")
		path, _ := s.str("path")
		return map[string]string{"name": name, "id": name, "arn": s.a.iamARN(typ, path, name)}
	}
}

// resourceClasses gives the provider-neutral class of the AWS resource
// types that have one, as collectors/aws does.
var resourceClasses = map[[2]string]graphmodel.ResourceClass{
	{"secretsmanager", "secret"}: graphmodel.ResourceSecret,
	{"kms", "key"}:               graphmodel.ResourceEncryptionKey,
	{"s3", "bucket"}:             graphmodel.ResourceObjectStore,
	{"ecr", "repository"}:        graphmodel.ResourceContainerRegistry,
	{"lambda", "function"}:       graphmodel.ResourceFunction,
	{"ec2", "instance"}:          graphmodel.ResourceComputeInstance,
	{"sqs", "queue"}:             graphmodel.ResourceQueue,
	{"sns", "topic"}:             graphmodel.ResourceTopic,
}

// resource returns the node of an AWS resource as the collector writes
// it: scope the ARN's account (else the plan's), service, type, region
// (the ARN's, else the change's), resource class.
func (s side) resource(arn, name, service, typ string) graphmodel.Node {
	f, _ := splitARN(arn)
	account := f.account
	if !isAccountID(account) {
		account = s.a.account
	}
	region := f.region
	if region == "" && service != "s3" && service != "iam" {
		region = s.region()
	}
	if service == "s3" {
		region = s.region()
	}
	n := graphmodel.Node{ID: arn, Kind: graphmodel.KindAWSResource, Provider: graphmodel.ProviderAWS, Name: name, Scope: graphmodel.AWSAccountScope(account)}
	n.SetProp(graphmodel.PropService, service)
	n.SetProp(graphmodel.PropType, typ)
	n.SetProp(graphmodel.PropRegion, region)
	n.SetProp(graphmodel.PropResourceClass, string(resourceClasses[[2]string{service, typ}]))
	return n
}

// ownResource returns facts with the resource's own node (a resource, an
// IAM entity), its tags when known.
func (s side) ownResource(n graphmodel.Node) *facts {
	tags, known := s.tags()
	n.Tags = tags
	return &facts{own: true, nodes: []nodeFact{{node: n, tags: known}}}
}

// roleRef returns the role ARN of attribute key (a role ARN, or a role
// name where the resource accepts one); ok is false, with a gap recorded,
// when it is unknown until apply and no reference resolves it. "" with ok
// means the resource runs with no role.
func (s side) roleRef(key, from string) (string, bool) {
	v, ok := s.str(key)
	if !ok {
		s.unresolved(key, "role of "+from)
		return "", false
	}
	if v == "" {
		return "", true
	}
	return s.entityARN("role", v), true
}

// carries adds the carries_role edge from the resource to the role of key.
func (s side) carries(f *facts, key string) {
	from := f.primary()
	if role, ok := s.roleRef(key, from); ok && role != "" {
		f.edges = append(f.edges, graphmodel.Edge{From: from, To: role, Kind: graphmodel.EdgeCarriesRole})
	}
}

// baseNamed returns the ID of the one baseline resource of the plan's
// account of service and type named name (and satisfying more, when
// given), "" when there is none or several: a planned resource whose ID
// AWS has not chosen yet matches the deployed one by name.
func (a *applier) baseNamed(service, typ, name string, more func(*graphmodel.Node) bool) string {
	found := ""
	for _, n := range a.named(name) {
		if n.Kind != graphmodel.KindAWSResource || n.Prop(graphmodel.PropService) != service ||
			n.Prop(graphmodel.PropType) != typ || n.Scope != graphmodel.AWSAccountScope(a.account) {
			continue
		}
		if more != nil && !more(n) {
			continue
		}
		if found != "" {
			return ""
		}
		found = n.ID
	}
	return found
}
