package tfplan

import (
	"maps"
	"slices"
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

// handlers are the handlers by resource type; a type without one changes
// no identity's reach as the snapshot models it.
var handlers = map[string]*handler{
	"aws_iam_role":                        {facts: roleFacts, attrs: entityAttrs("role")},
	"aws_iam_user":                        {facts: userFacts, attrs: entityAttrs("user")},
	"aws_iam_group":                       {facts: groupFacts, attrs: entityAttrs("group")},
	"aws_iam_policy":                      {facts: managedPolicyFacts, attrs: managedPolicyAttrs},
	"aws_iam_role_policy":                 {facts: inlinePolicyFacts("role")},
	"aws_iam_user_policy":                 {facts: inlinePolicyFacts("user")},
	"aws_iam_group_policy":                {facts: inlinePolicyFacts("group")},
	"aws_iam_role_policy_attachment":      {facts: attachmentFacts("role")},
	"aws_iam_user_policy_attachment":      {facts: attachmentFacts("user")},
	"aws_iam_group_policy_attachment":     {facts: attachmentFacts("group")},
	"aws_iam_policy_attachment":           {facts: policyAttachmentFacts},
	"aws_iam_user_group_membership":       {facts: userGroupMembershipFacts},
	"aws_iam_group_membership":            {facts: groupMembershipFacts},
	"aws_iam_instance_profile":            {facts: instanceProfileFacts, attrs: entityAttrs("instance-profile")},
	"aws_iam_openid_connect_provider":     {facts: oidcProviderFacts, attrs: oidcProviderAttrs},
	"aws_s3_bucket":                       {facts: bucketFacts, attrs: bucketAttrs},
	"aws_s3_bucket_policy":                {facts: bucketPolicyFacts},
	"aws_kms_key":                         {facts: kmsKeyFacts, attrs: kmsKeyAttrs},
	"aws_kms_key_policy":                  {facts: kmsKeyPolicyFacts},
	"aws_secretsmanager_secret":           {facts: secretFacts, attrs: secretAttrs},
	"aws_secretsmanager_secret_policy":    {facts: secretPolicyFacts},
	"aws_lambda_permission":               {facts: lambdaPermissionFacts},
	"aws_sqs_queue":                       {facts: queueFacts, attrs: queueAttrs},
	"aws_sqs_queue_policy":                {facts: queuePolicyFacts},
	"aws_sns_topic":                       {facts: topicFacts, attrs: topicAttrs},
	"aws_sns_topic_policy":                {facts: topicPolicyFacts},
	"aws_ecr_repository":                  {facts: repositoryFacts, attrs: repositoryAttrs},
	"aws_ecr_repository_policy":           {facts: repositoryPolicyFacts},
	"aws_lambda_function":                 {facts: lambdaFacts, attrs: lambdaAttrs},
	"aws_instance":                        {facts: instanceFacts, attrs: instanceAttrs},
	"aws_launch_template":                 {facts: launchTemplateFacts, attrs: launchTemplateAttrs},
	"aws_ecs_task_definition":             {facts: taskDefinitionFacts, attrs: taskDefinitionAttrs},
	"aws_codebuild_project":               {facts: computeFacts("codebuild", "project", "service_role"), attrs: computeAttrs("codebuild", "project")},
	"aws_glue_job":                        {facts: computeFacts("glue", "job", "role_arn"), attrs: computeAttrs("glue", "job")},
	"aws_sagemaker_notebook_instance":     {facts: computeFacts("sagemaker", "notebook-instance", "role_arn"), attrs: computeAttrs("sagemaker", "notebook-instance")},
	"aws_cloudformation_stack":            {facts: stackFacts, attrs: stackAttrs},
	"aws_eks_access_entry":                {facts: accessEntryFacts, attrs: accessEntryAttrs},
	"aws_eks_access_policy_association":   {facts: accessPolicyFacts},
	"aws_eks_pod_identity_association":    {facts: podIdentityFacts, attrs: podIdentityAttrs},
	"aws_organizations_policy":            {facts: orgPolicyFacts, attrs: orgPolicyAttrs},
	"aws_organizations_policy_attachment": {facts: orgPolicyAttachmentFacts},
}

// handlerFor returns the handler of a resource type, nil for a type that
// changes no identity's reach as the snapshot models it.
func handlerFor(typ string) *handler { return handlers[typ] }

// ModelledTypes lists the resource types Apply applies, sorted.
func ModelledTypes() []string { return slices.Sorted(maps.Keys(handlers)) }

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
