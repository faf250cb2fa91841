package tfplan

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// The resources that carry a resource-based policy, and the policies set
// apart from them. A policy attribute the provider computes (the policy
// of aws_s3_bucket, aws_kms_key, aws_secretsmanager_secret,
// aws_sqs_queue, aws_sns_topic) counts only when the configuration sets
// it; otherwise the resource keeps the policy it has, or gets AWS's
// default when it is created (a KMS key's and an SNS topic's).

// policyOn returns the facts of a policy document attribute key set on
// the node id (the resource's own, or the container's).
func (s side) policyOn(f *facts, id, key string, computed bool) error {
	if computed && !s.configured(key) {
		return nil
	}
	doc, err := s.document(key, resourceDoc, computed)
	if err != nil {
		return err
	}
	if doc != nil {
		f.docs = append(f.docs, docFact{id: id, key: "policy", doc: doc})
	}
	return nil
}

// defaultPolicy sets AWS's default policy on a resource created without one.
func (s side) defaultPolicy(f *facts, key, doc string) {
	if s.after && s.c.action != ActionUpdate && !s.configured(key) {
		f.docs = append(f.docs, docFact{id: f.primary(), key: "policy", doc: json.RawMessage(doc)})
	}
}

func bucketAttrs(s side) map[string]string {
	name := s.name("bucket")
	arn := s.a.arn("s3", "", "", name)
	return map[string]string{"bucket": name, "id": name, "arn": arn}
}

func bucketFacts(s side) (*facts, error) {
	attrs := bucketAttrs(s)
	f := s.ownResource(s.resource(attrs["arn"], attrs["bucket"], "s3", "bucket"))
	return f, s.policyOn(f, attrs["arn"], "policy", true)
}

func bucketPolicyFacts(s side) (*facts, error) {
	bucket, ok := s.str("bucket")
	if !ok {
		s.unresolved("bucket", "bucket of a bucket policy")
		return &facts{}, nil
	}
	arn := s.a.arn("s3", "", "", bucket)
	f := &facts{containers: []graphmodel.Node{s.resource(arn, bucket, "s3", "bucket")}}
	return f, s.policyOn(f, arn, "policy", false)
}

func kmsKeyAttrs(s side) map[string]string {
	id, ok := s.str("key_id")
	if !ok || id == "" {
		id = s.c.placeholder()
	}
	arn, ok := s.str("arn")
	if !ok || arn == "" {
		arn = s.a.arn("kms", s.region(), s.account(), "key/"+id)
	}
	return map[string]string{"key_id": id, "id": id, "arn": arn}
}

// defaultKeyPolicy is the policy KMS gives a key created without one:
// the account's IAM policies decide.
const defaultKeyPolicy = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:%s:iam::%s:root"},"Action":"kms:*","Resource":"*"}]}`

func kmsKeyFacts(s side) (*facts, error) {
	attrs := kmsKeyAttrs(s)
	n := s.resource(attrs["arn"], attrs["key_id"], "kms", "key")
	n.SetProp(graphmodel.PropAWSKeyManager, "CUSTOMER")
	f := s.ownResource(n)
	s.defaultPolicy(f, "policy", fmt.Sprintf(defaultKeyPolicy, s.a.partition, s.account()))
	return f, s.policyOn(f, n.ID, "policy", true)
}

// keyARN returns the ARN of the KMS key ref (an ID or an ARN).
func (s side) keyARN(ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	if arn := s.a.plannedARN("aws_kms_key", kmsKeyAttrs, "key_id", ref); arn != "" {
		return arn
	}
	if arn := s.a.baseNamed("kms", "key", ref, nil); arn != "" {
		return arn
	}
	return s.a.arn("kms", s.region(), s.account(), "key/"+ref)
}

func kmsKeyPolicyFacts(s side) (*facts, error) {
	ref, ok := s.str("key_id")
	if !ok {
		s.unresolved("key_id", "key of a key policy")
		return &facts{}, nil
	}
	arn := s.keyARN(ref)
	f := &facts{containers: []graphmodel.Node{s.resource(arn, strings.TrimPrefix(resourceOf(arn), "key/"), "kms", "key")}}
	return f, s.policyOn(f, arn, "policy", false)
}

// plannedARN returns the ARN of the first resource of type typ that the
// plan creates or keeps whose attribute key (as attrs computes it from
// the planned values) is ref, "" when there is none.
func (a *applier) plannedARN(typ string, attrs func(side) map[string]string, key, ref string) string {
	for _, c := range a.changes {
		if c.rc.Type == typ && c.action != ActionDelete {
			if m := attrs(a.side(c, true)); m[key] == ref {
				return m["arn"]
			}
		}
	}
	return ""
}

// resourceOf returns the resource field of an ARN.
func resourceOf(arn string) string {
	f, _ := splitARN(arn)
	return f.resource
}

func secretAttrs(s side) map[string]string {
	name := s.name("name")
	arn, ok := s.str("arn")
	if !ok || arn == "" {
		arn = s.a.baseNamed("secretsmanager", "secret", name, nil)
	}
	if arn == "" {
		arn = s.a.arn("secretsmanager", s.region(), s.account(), "secret:"+name+"-"+s.c.placeholder())
	}
	return map[string]string{"name": name, "arn": arn, "id": arn}
}

func secretFacts(s side) (*facts, error) {
	attrs := secretAttrs(s)
	f := s.ownResource(s.resource(attrs["arn"], attrs["name"], "secretsmanager", "secret"))
	return f, s.policyOn(f, attrs["arn"], "policy", true)
}

// secretName returns the name of a secret from its ARN (…:secret:<name>-<6 characters>).
func secretName(arn string) string {
	name := strings.TrimPrefix(resourceOf(arn), "secret:")
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		name = name[:i]
	}
	return name
}

func secretPolicyFacts(s side) (*facts, error) {
	arn, ok := s.str("secret_arn")
	if !ok {
		s.unresolved("secret_arn", "secret of a secret policy")
		return &facts{}, nil
	}
	name := secretName(arn)
	if n := s.a.st.nodes[arn]; n != nil {
		name = n.Name
	}
	f := &facts{containers: []graphmodel.Node{s.resource(arn, name, "secretsmanager", "secret")}}
	return f, s.policyOn(f, arn, "policy", false)
}

func queueAttrs(s side) map[string]string {
	name := s.name("name")
	arn, ok := s.str("arn")
	if !ok || arn == "" {
		arn = s.a.arn("sqs", s.region(), s.account(), name)
	}
	f, _ := splitARN(arn)
	u := "https://sqs." + f.region + ".amazonaws.com/" + f.account + "/" + f.resource
	return map[string]string{"name": name, "arn": arn, "url": u, "id": u}
}

func queueFacts(s side) (*facts, error) {
	attrs := queueAttrs(s)
	f := s.ownResource(s.resource(attrs["arn"], attrs["name"], "sqs", "queue"))
	return f, s.policyOn(f, attrs["arn"], "policy", true)
}

// queueARN returns the ARN of the queue at a queue URL
// (https://sqs.<region>.amazonaws.com/<account>/<name>, or the legacy
// https://<region>.queue.amazonaws.com/…), "" when it is not one.
func (s side) queueARN(queueURL string) string {
	u, err := url.Parse(queueURL)
	if err != nil || u.Host == "" {
		return ""
	}
	labels := strings.Split(u.Hostname(), ".")
	region := ""
	switch {
	case len(labels) >= 3 && labels[0] == "sqs":
		region = labels[1]
	case len(labels) >= 3 && labels[1] == "queue":
		region = labels[0]
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if region == "" || len(parts) != 2 || !isAccountID(parts[0]) || parts[1] == "" {
		return ""
	}
	return s.a.arn("sqs", region, parts[0], parts[1])
}

func queuePolicyFacts(s side) (*facts, error) {
	u, ok := s.str("queue_url")
	if !ok {
		s.unresolved("queue_url", "queue of a queue policy")
		return &facts{}, nil
	}
	arn := s.queueARN(u)
	if arn == "" {
		return nil, s.a.p.bad(s.c.idx, "change "+sideName(s.after)+".queue_url", "%q is not a queue URL (want https://sqs.<region>.amazonaws.com/<account>/<name>)", u)
	}
	f := &facts{containers: []graphmodel.Node{s.resource(arn, resourceOf(arn), "sqs", "queue")}}
	return f, s.policyOn(f, arn, "policy", false)
}

func topicAttrs(s side) map[string]string {
	name := s.name("name")
	arn, ok := s.str("arn")
	if !ok || arn == "" {
		arn = s.a.arn("sns", s.region(), s.account(), name)
	}
	return map[string]string{"name": name, "arn": arn, "id": arn}
}

// defaultTopicPolicy is the policy SNS gives a topic created without one:
// the topic's account may manage, subscribe and publish.
const defaultTopicPolicy = `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":%q,"Condition":{"StringEquals":{"AWS:SourceOwner":%q}}}]}`

func topicFacts(s side) (*facts, error) {
	attrs := topicAttrs(s)
	f := s.ownResource(s.resource(attrs["arn"], attrs["name"], "sns", "topic"))
	s.defaultPolicy(f, "policy", fmt.Sprintf(defaultTopicPolicy, attrs["arn"], s.account()))
	return f, s.policyOn(f, attrs["arn"], "policy", true)
}

func topicPolicyFacts(s side) (*facts, error) {
	arn, ok := s.str("arn")
	if !ok {
		s.unresolved("arn", "topic of a topic policy")
		return &facts{}, nil
	}
	f := &facts{containers: []graphmodel.Node{s.resource(arn, resourceOf(arn), "sns", "topic")}}
	return f, s.policyOn(f, arn, "policy", false)
}

func repositoryAttrs(s side) map[string]string {
	name := s.name("name")
	registry, ok := s.str("registry_id")
	if !ok || !isAccountID(registry) {
		registry = s.account()
	}
	arn, ok := s.str("arn")
	if !ok || arn == "" {
		arn = s.a.arn("ecr", s.region(), registry, "repository/"+name)
	}
	return map[string]string{"name": name, "id": name, "arn": arn, "registry_id": registry,
		"repository_url": registry + ".dkr.ecr." + s.region() + ".amazonaws.com/" + name}
}

func repositoryFacts(s side) (*facts, error) {
	attrs := repositoryAttrs(s)
	return s.ownResource(s.resource(attrs["arn"], attrs["name"], "ecr", "repository")), nil
}

func repositoryPolicyFacts(s side) (*facts, error) {
	name, ok := s.str("repository")
	if !ok {
		s.unresolved("repository", "repository of a repository policy")
		return &facts{}, nil
	}
	registry, _ := s.str("registry_id")
	if !isAccountID(registry) {
		registry = s.account()
	}
	arn := s.a.arn("ecr", s.region(), registry, "repository/"+name)
	for _, c := range s.a.changes {
		if c.rc.Type == "aws_ecr_repository" && c.action != ActionDelete {
			if attrs := repositoryAttrs(s.a.side(c, true)); attrs["name"] == name {
				arn = attrs["arn"]
			}
		}
	}
	f := &facts{containers: []graphmodel.Node{s.resource(arn, name, "ecr", "repository")}}
	return f, s.policyOn(f, arn, "policy", false)
}

// lambdaPermissionFacts: aws_lambda_permission, one statement of the
// function's resource policy, written as Lambda's AddPermission writes it.
func lambdaPermissionFacts(s side) (*facts, error) {
	ref, ok := s.str("function_name")
	if !ok {
		s.unresolved("function_name", "function of a Lambda permission")
		return &facts{}, nil
	}
	fn := s.functionARN(ref)
	sid := s.name("statement_id")
	st := map[string]any{"Sid": sid, "Effect": "Allow"}
	var unknown []string
	value := func(key string) string {
		v, ok := s.str(key)
		if !ok {
			unknown = append(unknown, s.what(key))
		}
		return v
	}
	action := value("action")
	if action == "" {
		action = "lambda:InvokeFunction"
	}
	st["Action"] = action
	resource := fn
	if q := value("qualifier"); q != "" {
		resource += ":" + q
	}
	st["Resource"] = resource
	principal := value("principal")
	switch {
	case principal == "" || principal == "*":
		st["Principal"] = "*"
	case isAccountID(principal):
		st["Principal"] = map[string]string{"AWS": "arn:" + s.a.partition + ":iam::" + principal + ":root"}
	case strings.HasPrefix(principal, "arn:"):
		st["Principal"] = map[string]string{"AWS": principal}
	default:
		st["Principal"] = map[string]string{"Service": principal}
	}
	conds := map[string]map[string]any{}
	add := func(op, key, v string) {
		if v == "" {
			return
		}
		if conds[op] == nil {
			conds[op] = map[string]any{}
		}
		conds[op][key] = v
	}
	add("ArnLike", "AWS:SourceArn", value("source_arn"))
	add("StringEquals", "AWS:SourceAccount", value("source_account"))
	add("StringEquals", "aws:PrincipalOrgID", value("principal_org_id"))
	add("StringEquals", "lambda:EventSourceToken", value("event_source_token"))
	add("StringEquals", "lambda:FunctionUrlAuthType", value("function_url_auth_type"))
	if len(unknown) > 0 {
		what := strings.Join(unknown, ", ")
		for k, v := range unknownCondition(what) {
			conds[k] = v
		}
		st["Sid"] = unknownSid(sid, what)
	}
	if len(conds) > 0 {
		st["Condition"] = conds
	}
	raw, _ := json.Marshal(st)
	return &facts{
		containers: []graphmodel.Node{s.resource(fn, lambdaName(fn), "lambda", "function")},
		stmts:      []stmtFact{{id: fn, sid: st["Sid"].(string), stmt: raw}},
	}, nil
}

// functionARN returns the ARN of the function ref names (a name, an ARN
// or a partial ARN, without its qualifier).
func (s side) functionARN(ref string) string {
	if f, ok := splitARN(ref); ok {
		return s.a.arn("lambda", f.region, f.account, "function:"+lambdaName(ref))
	}
	if _, name, ok := strings.Cut(ref, ":function:"); ok {
		ref, _, _ = strings.Cut(name, ":") // a partial ARN: <account>:function:<name>[:<qualifier>]
	}
	if arn := s.a.plannedARN("aws_lambda_function", lambdaAttrs, "function_name", ref); arn != "" {
		return arn
	}
	if arn := s.a.baseNamed("lambda", "function", ref, nil); arn != "" {
		return arn
	}
	return s.a.arn("lambda", s.region(), s.account(), "function:"+ref)
}

// lambdaName returns the function name of a function ARN
// (…:function:<name>[:<qualifier>]).
func lambdaName(arn string) string {
	f, _ := splitARN(arn)
	name := strings.TrimPrefix(f.resource, "function:")
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[:i]
	}
	return name
}
