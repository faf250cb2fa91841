package tfplan_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/tfplan"
)

var (
	create  = []string{"create"}
	update  = []string{"update"}
	del     = []string{"delete"}
	replace = []string{"delete", "create"}
)

func TestApplyIAM(t *testing.T) {
	trust := string(doc(ec2Trust))
	t.Run("role created with its exclusive policies and boundary", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{
			addr: "aws_iam_role.ci", typ: "aws_iam_role", actions: create,
			after: map[string]any{"name": "ci", "path": "/build/", "assume_role_policy": trust, "permissions_boundary": iam + "policy/Deploy",
				"inline_policy":       []any{map[string]any{"name": "logs", "policy": string(doc(readS3))}},
				"managed_policy_arns": []any{adminP}, "tags": map[string]any{"team": "ci"}, "tags_all": map[string]any{"team": "ci"}},
			unknown: map[string]any{"arn": true, "id": true, "unique_id": true, "create_date": true},
			expr:    map[string]any{"name": c("ci"), "inline_policy": []any{map[string]any{"name": c("logs")}}, "managed_policy_arns": c([]any{adminP})},
		}))
		role := iam + "role/build/ci"
		n := mustNode(t, res, role)
		if n.Kind != graphmodel.KindAWSRole || n.Name != "ci" || n.Scope != scope || n.Prop("path") != "/build/" || n.Prop("service_linked") != "false" || n.Tags["team"] != "ci" {
			t.Errorf("role node %+v", n)
		}
		if docText(n, "trust") != trust {
			t.Errorf("trust %s", docText(n, "trust"))
		}
		inline := mustNode(t, res, role+"#inline:logs")
		if inline.Prop("owner") != role || docText(inline, "policy") != string(doc(readS3)) {
			t.Errorf("inline %+v", inline)
		}
		wantEdges(t, res, true, [3]string{role, "inline_policy", role + "#inline:logs"}, [3]string{role, "attached_policy", adminP},
			[3]string{role, "permissions_boundary", iam + "policy/Deploy"})
		if len(res.Changes) != 1 || res.Changes[0].Action != tfplan.ActionCreate || !slices.Contains(res.Changes[0].Touched, role) {
			t.Errorf("changes %+v", res.Changes)
		}
	})
	t.Run("trust updated, what the collector recorded kept", func(t *testing.T) {
		before := map[string]any{"name": "app", "path": "/", "assume_role_policy": trust, "arn": iam + "role/app", "unique_id": "AROAAPP"}
		after := map[string]any{"name": "app", "path": "/", "assume_role_policy": string(doc(lambdaTrust)), "arn": iam + "role/app", "unique_id": "AROAAPP"}
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_role.app", typ: "aws_iam_role", actions: update, before: before, after: after}))
		n := mustNode(t, res, iam+"role/app")
		if docText(n, "trust") != string(doc(lambdaTrust)) || n.Prop("last_used") != "2025-01-01" || n.Prop("role_id") != "AROAAPP" {
			t.Errorf("role %+v", n)
		}
		// Attached by resources outside the plan: they stay.
		wantEdges(t, res, true, [3]string{iam + "role/app", "attached_policy", iam + "policy/Deploy"}, [3]string{iam + "role/app", "inline_policy", iam + "role/app#inline:read"})
	})
	t.Run("renamed user keeps its memberships", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_user.dev", typ: "aws_iam_user", actions: update,
			before: map[string]any{"name": "dev", "path": "/", "arn": iam + "user/dev"},
			after:  map[string]any{"name": "developer", "path": "/"}, unknown: map[string]any{"arn": true}}))
		if nodeOf(res, iam+"user/dev") != nil {
			t.Error("the old name stays")
		}
		mustNode(t, res, iam+"user/developer")
		wantEdges(t, res, true, [3]string{iam + "user/developer", "member_of", iam + "group/devs"})
	})
	t.Run("deleted role takes its inline policies, attachments and profile hold along", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_role.app", typ: "aws_iam_role", actions: del,
			before: map[string]any{"name": "app", "path": "/", "assume_role_policy": trust, "arn": iam + "role/app"}}))
		for _, id := range []string{iam + "role/app", iam + "role/app#inline:read"} {
			if nodeOf(res, id) != nil {
				t.Errorf("%s stays", id)
			}
		}
		wantEdges(t, res, false, [3]string{iam + "role/app", "attached_policy", iam + "policy/Deploy"}, [3]string{iam + "instance-profile/app", "carries_role", iam + "role/app"})
		// The instance still names the role, as a collection after the
		// deletion would show it.
		wantEdges(t, res, true, [3]string{instARN, "carries_role", iam + "role/app"})
	})
	t.Run("replacement keeps what other resources attach to the same ID", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_role.app", typ: "aws_iam_role", actions: replace,
			before:  map[string]any{"name": "app", "path": "/", "assume_role_policy": trust, "arn": iam + "role/app", "unique_id": "AROAAPP"},
			after:   map[string]any{"name": "app", "path": "/", "assume_role_policy": string(doc(lambdaTrust))},
			unknown: map[string]any{"arn": true, "unique_id": true}}))
		n := mustNode(t, res, iam+"role/app")
		if docText(n, "trust") != string(doc(lambdaTrust)) || n.Prop("role_id") != "" || n.Prop("last_used") != "" {
			t.Errorf("the new role is a new object: %+v", n)
		}
		wantEdges(t, res, true, [3]string{iam + "role/app", "attached_policy", iam + "policy/Deploy"}, [3]string{iam + "instance-profile/app", "carries_role", iam + "role/app"})
		if res.Changes[0].Action != tfplan.ActionReplace {
			t.Errorf("action %s", res.Changes[0].Action)
		}
	})
	t.Run("replacement under another ID deletes the old role with its attachments", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_role.app", typ: "aws_iam_role", actions: replace,
			before:  map[string]any{"name": "app", "path": "/", "assume_role_policy": trust, "arn": iam + "role/app"},
			after:   map[string]any{"name": "app", "path": "/apps/", "assume_role_policy": trust},
			unknown: map[string]any{"arn": true}}))
		mustNode(t, res, iam+"role/apps/app")
		if nodeOf(res, iam+"role/app") != nil || nodeOf(res, iam+"role/app#inline:read") != nil {
			t.Error("the old role or its inline policy stays")
		}
		wantEdges(t, res, false, [3]string{iam + "role/app", "attached_policy", iam + "policy/Deploy"})
	})
	t.Run("managed policy update is a new default version", func(t *testing.T) {
		newDoc := string(doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_policy.deploy", typ: "aws_iam_policy", actions: update,
			before: map[string]any{"name": "Deploy", "path": "/", "arn": iam + "policy/Deploy", "policy": string(doc(readS3))},
			after:  map[string]any{"name": "Deploy", "path": "/", "arn": iam + "policy/Deploy", "policy": newDoc}}))
		n := mustNode(t, res, iam+"policy/Deploy")
		if n.Prop("default_version") != "v2" || docText(n, "v2") != newDoc || docText(n, "v1") != string(doc(readS3)) {
			t.Errorf("policy %+v", n)
		}
		wantEdges(t, res, true, [3]string{iam + "role/app", "attached_policy", iam + "policy/Deploy"})
	})
	t.Run("new managed policy, inline policies, attachments and memberships", func(t *testing.T) {
		res := apply(t, planJSON(t, nil,
			rc{addr: "aws_iam_policy.p", typ: "aws_iam_policy", actions: create, after: map[string]any{"name": "P", "path": "/", "policy": string(doc(readS3))}, unknown: map[string]any{"arn": true}},
			rc{addr: "aws_iam_user_policy.u", typ: "aws_iam_user_policy", actions: create, after: map[string]any{"name": "u", "user": "dev", "policy": string(doc(readS3))}},
			rc{addr: "aws_iam_group_policy.g", typ: "aws_iam_group_policy", actions: create, after: map[string]any{"name": "g", "group": "devs", "policy": string(doc(readS3))}},
			rc{addr: "aws_iam_role_policy.r", typ: "aws_iam_role_policy", actions: create, after: map[string]any{"name": "r", "role": "batch", "policy": string(doc(readS3))}},
			rc{addr: "aws_iam_user_policy_attachment.u", typ: "aws_iam_user_policy_attachment", actions: create, after: map[string]any{"user": "ops", "policy_arn": iam + "policy/P"}},
			rc{addr: "aws_iam_group_policy_attachment.g", typ: "aws_iam_group_policy_attachment", actions: create, after: map[string]any{"group": "devs", "policy_arn": adminP}},
			rc{addr: "aws_iam_user_group_membership.m", typ: "aws_iam_user_group_membership", actions: create, after: map[string]any{"user": "ops", "groups": []any{"devs"}}},
		))
		p := mustNode(t, res, iam+"policy/P")
		if p.Prop("default_version") != "v1" || docText(p, "v1") == "" || p.Prop("aws_managed") != "false" {
			t.Errorf("policy %+v", p)
		}
		for _, id := range []string{iam + "user/dev#inline:u", iam + "group/devs#inline:g", iam + "role/ops/batch#inline:r"} {
			mustNode(t, res, id)
		}
		wantEdges(t, res, true,
			[3]string{iam + "user/dev", "inline_policy", iam + "user/dev#inline:u"},
			[3]string{iam + "role/ops/batch", "inline_policy", iam + "role/ops/batch#inline:r"},
			[3]string{iam + "user/ops", "attached_policy", iam + "policy/P"},
			[3]string{iam + "group/devs", "attached_policy", adminP},
			[3]string{iam + "user/ops", "member_of", iam + "group/devs"})
	})
	t.Run("exclusive attachment and group membership follow their lists", func(t *testing.T) {
		res := apply(t, planJSON(t, nil,
			rc{addr: "aws_iam_policy_attachment.deploy", typ: "aws_iam_policy_attachment", actions: update,
				before: map[string]any{"name": "deploy", "policy_arn": iam + "policy/Deploy", "roles": []any{"app"}, "users": []any{}, "groups": []any{}},
				after:  map[string]any{"name": "deploy", "policy_arn": iam + "policy/Deploy", "roles": []any{"worker"}, "users": []any{"ops"}, "groups": []any{}}},
			rc{addr: "aws_iam_group_membership.devs", typ: "aws_iam_group_membership", actions: update,
				before: map[string]any{"name": "devs", "group": "devs", "users": []any{"dev"}},
				after:  map[string]any{"name": "devs", "group": "devs", "users": []any{"ops"}}},
		))
		wantEdges(t, res, false, [3]string{iam + "role/app", "attached_policy", iam + "policy/Deploy"}, [3]string{iam + "user/dev", "member_of", iam + "group/devs"})
		wantEdges(t, res, true, [3]string{iam + "role/worker", "attached_policy", iam + "policy/Deploy"},
			[3]string{iam + "user/ops", "attached_policy", iam + "policy/Deploy"}, [3]string{iam + "user/ops", "member_of", iam + "group/devs"})
	})
	t.Run("only what differs is touched", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_policy_attachment.deploy", typ: "aws_iam_policy_attachment", actions: update,
			before: map[string]any{"name": "deploy", "policy_arn": iam + "policy/Deploy", "roles": []any{"app"}},
			after:  map[string]any{"name": "deploy", "policy_arn": iam + "policy/Deploy", "roles": []any{"app", "worker"}}}))
		if got, want := res.Changes[0].Touched, []string{iam + "policy/Deploy", iam + "role/worker"}; !slices.Equal(got, want) {
			t.Errorf("touched %v, want %v", got, want)
		}
	})
	t.Run("instance profile's new role reaches the instances that run with it", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_instance_profile.app", typ: "aws_iam_instance_profile", actions: update,
			before: map[string]any{"name": "app", "path": "/", "role": "app", "arn": iam + "instance-profile/app"},
			after:  map[string]any{"name": "app", "path": "/", "role": "batch", "arn": iam + "instance-profile/app"}}))
		wantEdges(t, res, true, [3]string{iam + "instance-profile/app", "carries_role", iam + "role/ops/batch"}, [3]string{instARN, "carries_role", iam + "role/ops/batch"})
		wantEdges(t, res, false, [3]string{iam + "instance-profile/app", "carries_role", iam + "role/app"}, [3]string{instARN, "carries_role", iam + "role/app"})
		if !slices.Contains(res.Changes[0].Touched, instARN) {
			t.Errorf("touched %v lacks the instance", res.Changes[0].Touched)
		}
	})
	t.Run("OIDC provider", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_openid_connect_provider.gh", typ: "aws_iam_openid_connect_provider", actions: create,
			after: map[string]any{"url": "https://token.actions.githubusercontent.com", "client_id_list": []any{"sts.amazonaws.com"}}, unknown: map[string]any{"arn": true}}))
		n := mustNode(t, res, iam+"oidc-provider/token.actions.githubusercontent.com")
		if n.Prop("service") != "iam" || n.Prop("type") != "oidc-provider" || n.Prop("url") != "token.actions.githubusercontent.com" {
			t.Errorf("provider %+v", n)
		}
	})
}

func TestApplyResourcePolicies(t *testing.T) {
	pub := string(doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}`))
	t.Run("bucket policy on a bucket the baseline lacks, then deleted", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_s3_bucket_policy.logs", typ: "aws_s3_bucket_policy", actions: create,
			after: map[string]any{"bucket": "logs", "policy": pub}}))
		n := mustNode(t, res, "arn:aws:s3:::logs")
		if n.Prop("resource_class") != "object-store" || n.Prop("region") != region || docText(n, "policy") != pub {
			t.Errorf("bucket %+v", n)
		}
		res = apply(t, planJSON(t, nil, rc{addr: "aws_s3_bucket_policy.data", typ: "aws_s3_bucket_policy", actions: del,
			before: map[string]any{"bucket": "data", "policy": pub}}))
		if n := mustNode(t, res, "arn:aws:s3:::data"); docText(n, "policy") != "" {
			t.Errorf("the policy stays: %s", docText(n, "policy"))
		}
	})
	t.Run("containers with their policies", func(t *testing.T) {
		res := apply(t, planJSON(t, nil,
			rc{addr: "aws_kms_key.k", typ: "aws_kms_key", actions: create, after: map[string]any{"description": "k"},
				unknown: map[string]any{"arn": true, "key_id": true, "policy": true}, expr: map[string]any{"description": c("k")}},
			rc{addr: "aws_kms_key_policy.p", typ: "aws_kms_key_policy", actions: create, after: map[string]any{"key_id": "1111-2222", "policy": pub}},
			rc{addr: "aws_secretsmanager_secret.s", typ: "aws_secretsmanager_secret", actions: create, after: map[string]any{"name": "db"},
				unknown: map[string]any{"arn": true, "id": true, "policy": true}, expr: map[string]any{"name": c("db")}},
			rc{addr: "aws_secretsmanager_secret_policy.s", typ: "aws_secretsmanager_secret_policy", actions: create, after: map[string]any{"policy": pub},
				unknown: map[string]any{"secret_arn": true}, expr: map[string]any{"secret_arn": ref("aws_secretsmanager_secret.s.arn", "aws_secretsmanager_secret.s")}},
			rc{addr: "aws_sqs_queue.q", typ: "aws_sqs_queue", actions: create, after: map[string]any{"name": "jobs"},
				unknown: map[string]any{"arn": true, "url": true, "id": true, "policy": true}, expr: map[string]any{"name": c("jobs")}},
			rc{addr: "aws_sqs_queue_policy.q", typ: "aws_sqs_queue_policy", actions: create, after: map[string]any{"policy": pub},
				unknown: map[string]any{"queue_url": true}, expr: map[string]any{"queue_url": ref("aws_sqs_queue.q.id", "aws_sqs_queue.q")}},
			rc{addr: "aws_sns_topic.t", typ: "aws_sns_topic", actions: create, after: map[string]any{"name": "alerts"},
				unknown: map[string]any{"arn": true, "id": true, "policy": true}, expr: map[string]any{"name": c("alerts")}},
			rc{addr: "aws_ecr_repository.r", typ: "aws_ecr_repository", actions: create, after: map[string]any{"name": "api"}, unknown: map[string]any{"arn": true, "registry_id": true}},
			rc{addr: "aws_ecr_repository_policy.r", typ: "aws_ecr_repository_policy", actions: create, after: map[string]any{"repository": "api", "policy": pub}},
		))
		key := mustNode(t, res, "arn:aws:kms:eu-west-1:111111111111:key/{aws_kms_key.k}")
		if !strings.Contains(docText(key, "policy"), `"arn:aws:iam::111111111111:root"`) || key.Prop("resource_class") != "encryption-key" {
			t.Errorf("a new key without policy gets KMS's default: %+v", key)
		}
		if docText(mustNode(t, res, "arn:aws:kms:eu-west-1:111111111111:key/1111-2222"), "policy") != pub {
			t.Error("key policy")
		}
		secret := mustNode(t, res, "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-{aws_secretsmanager_secret.s}")
		if secret.Name != "db" || docText(secret, "policy") != pub {
			t.Errorf("secret %+v", secret)
		}
		if docText(mustNode(t, res, "arn:aws:sqs:eu-west-1:111111111111:jobs"), "policy") != pub {
			t.Error("queue policy through the queue's planned URL")
		}
		topic := mustNode(t, res, "arn:aws:sns:eu-west-1:111111111111:alerts")
		if !strings.Contains(docText(topic, "policy"), `"AWS:SourceOwner":"111111111111"`) {
			t.Errorf("a new topic gets SNS's default policy: %s", docText(topic, "policy"))
		}
		if docText(mustNode(t, res, "arn:aws:ecr:eu-west-1:111111111111:repository/api"), "policy") != pub {
			t.Error("repository policy")
		}
	})
	t.Run("Lambda permission is one statement of the function's policy", func(t *testing.T) {
		perm := map[string]any{"function_name": "worker", "statement_id": "partner", "action": "lambda:InvokeFunction", "principal": "222222222222"}
		res := apply(t, planJSON(t, nil, rc{addr: "aws_lambda_permission.partner", typ: "aws_lambda_permission", actions: create, after: perm}))
		policy := docText(mustNode(t, res, fnARN), "policy")
		for _, want := range []string{`"Sid":"existing"`, `"Sid":"partner"`, `"AWS":"arn:aws:iam::222222222222:root"`, `"Resource":"` + fnARN + `"`} {
			if !strings.Contains(policy, want) {
				t.Errorf("policy %s lacks %s", policy, want)
			}
		}
		res = apply(t, planJSON(t, nil, rc{addr: "aws_lambda_permission.events", typ: "aws_lambda_permission", actions: del,
			before: map[string]any{"function_name": fnARN, "statement_id": "existing", "action": "lambda:InvokeFunction", "principal": "events.amazonaws.com"}}))
		if n := mustNode(t, res, fnARN); docText(n, "policy") != "" {
			t.Errorf("the last statement went, the policy stays: %s", docText(n, "policy"))
		}
	})
}

func TestApplyCompute(t *testing.T) {
	res := apply(t, planJSON(t, nil,
		rc{addr: "aws_iam_role.fn", typ: "aws_iam_role", actions: create, after: map[string]any{"name": "fn", "path": "/", "assume_role_policy": string(doc(lambdaTrust))},
			unknown: map[string]any{"arn": true}},
		rc{addr: "aws_lambda_function.fn", typ: "aws_lambda_function", actions: create, after: map[string]any{"function_name": "fn"},
			unknown: map[string]any{"arn": true, "role": true}, expr: map[string]any{"role": ref("aws_iam_role.fn.arn", "aws_iam_role.fn")}},
		rc{addr: "aws_instance.web", typ: "aws_instance", actions: create, after: map[string]any{"iam_instance_profile": "app"}, unknown: map[string]any{"arn": true, "id": true}},
		rc{addr: "aws_launch_template.web", typ: "aws_launch_template", actions: create,
			after:   map[string]any{"name": "web", "iam_instance_profile": []any{map[string]any{"name": "app", "arn": ""}}},
			unknown: map[string]any{"arn": true, "id": true, "default_version": true}},
		rc{addr: "aws_ecs_task_definition.api", typ: "aws_ecs_task_definition", actions: create,
			after: map[string]any{"family": "api", "task_role_arn": iam + "role/app", "execution_role_arn": iam + "role/worker"}, unknown: map[string]any{"arn": true, "revision": true}},
		rc{addr: "aws_codebuild_project.b", typ: "aws_codebuild_project", actions: create, after: map[string]any{"name": "build", "service_role": iam + "role/ops/batch"}, unknown: map[string]any{"arn": true}},
		rc{addr: "aws_glue_job.j", typ: "aws_glue_job", actions: create, after: map[string]any{"name": "etl", "role_arn": "batch"}, unknown: map[string]any{"arn": true}},
		rc{addr: "aws_sagemaker_notebook_instance.n", typ: "aws_sagemaker_notebook_instance", actions: create, after: map[string]any{"name": "Research", "role_arn": iam + "role/app"}, unknown: map[string]any{"arn": true}},
		rc{addr: "aws_cloudformation_stack.s", typ: "aws_cloudformation_stack", actions: create, after: map[string]any{"name": "net", "iam_role_arn": iam + "role/app"}, unknown: map[string]any{"id": true}},
	))
	for _, tc := range []struct{ id, role, service, typ string }{
		{"arn:aws:lambda:eu-west-1:111111111111:function:fn", iam + "role/fn", "lambda", "function"},
		{"arn:aws:ec2:eu-west-1:111111111111:instance/{aws_instance.web}", iam + "role/app", "ec2", "instance"},
		{"arn:aws:ec2:eu-west-1:111111111111:launch-template/{aws_launch_template.web}", iam + "role/app", "ec2", "launch-template"},
		{"arn:aws:ecs:eu-west-1:111111111111:task-definition/api:{aws_ecs_task_definition.api}", iam + "role/app", "ecs", "task-definition"},
		{"arn:aws:codebuild:eu-west-1:111111111111:project/build", iam + "role/ops/batch", "codebuild", "project"},
		{"arn:aws:glue:eu-west-1:111111111111:job/etl", iam + "role/ops/batch", "glue", "job"},
		{"arn:aws:sagemaker:eu-west-1:111111111111:notebook-instance/research", iam + "role/app", "sagemaker", "notebook-instance"},
		{"arn:aws:cloudformation:eu-west-1:111111111111:stack/net/{aws_cloudformation_stack.s}", iam + "role/app", "cloudformation", "stack"},
	} {
		n := mustNode(t, res, tc.id)
		if n.Prop("service") != tc.service || n.Prop("type") != tc.typ || n.Prop("region") != region {
			t.Errorf("%s: %+v", tc.id, n)
		}
		wantEdges(t, res, true, [3]string{tc.id, "carries_role", tc.role})
	}
	if n := nodeOf(res, "arn:aws:ec2:eu-west-1:111111111111:instance/{aws_instance.web}"); n.Prop("instance_profile") != iam+"instance-profile/app" {
		t.Errorf("instance profile %q", n.Prop("instance_profile"))
	}
	if n := nodeOf(res, "arn:aws:ec2:eu-west-1:111111111111:launch-template/{aws_launch_template.web}"); n.Prop("default_role") != iam+"role/app" {
		t.Errorf("default role %q", n.Prop("default_role"))
	}
	if n := nodeOf(res, "arn:aws:ecs:eu-west-1:111111111111:task-definition/api:{aws_ecs_task_definition.api}"); n.Prop("execution_role") != iam+"role/worker" {
		t.Errorf("execution role %q", n.Prop("execution_role"))
	}
	if len(res.Gaps) != 0 {
		t.Errorf("gaps %+v", res.Gaps)
	}
}

func TestApplyEKS(t *testing.T) {
	entry := "arn:aws:eks:eu-west-1:111111111111:access-entry/prod/role/111111111111/app/aaaa"
	res := apply(t, planJSON(t, nil,
		rc{addr: "aws_eks_access_entry.ci", typ: "aws_eks_access_entry", actions: create,
			after:   map[string]any{"cluster_name": "prod", "principal_arn": iam + "role/ops/batch", "kubernetes_groups": []any{"deployers", "auditors"}, "type": "STANDARD"},
			unknown: map[string]any{"access_entry_arn": true, "user_name": true}},
		rc{addr: "aws_eks_access_policy_association.ci", typ: "aws_eks_access_policy_association", actions: create,
			after: map[string]any{"cluster_name": "prod", "principal_arn": iam + "role/ops/batch", "policy_arn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
				"access_scope": []any{map[string]any{"type": "namespace", "namespaces": []any{"web", "api"}}}}},
		rc{addr: "aws_eks_access_policy_association.app", typ: "aws_eks_access_policy_association", actions: create,
			after: map[string]any{"cluster_name": "prod", "principal_arn": iam + "role/app", "policy_arn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
				"access_scope": []any{map[string]any{"type": "cluster"}}}},
		rc{addr: "aws_eks_pod_identity_association.api", typ: "aws_eks_pod_identity_association", actions: create,
			after:   map[string]any{"cluster_name": "prod", "namespace": "api", "service_account": "api", "role_arn": iam + "role/app", "target_role_arn": "arn:aws:iam::222222222222:role/x"},
			unknown: map[string]any{"association_arn": true}},
	))
	newEntry := mustNode(t, res, "arn:aws:eks:eu-west-1:111111111111:access-entry/prod/role/111111111111/batch/{aws_eks_access_entry.ci}")
	want := map[string]string{"cluster": "prod", "principal_arn": iam + "role/ops/batch", "kubernetes_groups": "auditors,deployers", "entry_type": "STANDARD",
		"access_policies": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy@namespace:api,web"}
	for k, v := range want {
		if newEntry.Prop(k) != v {
			t.Errorf("entry %s = %q, want %q", k, newEntry.Prop(k), v)
		}
	}
	if newEntry.Name != "role/ops/batch" {
		t.Errorf("entry name %q", newEntry.Name)
	}
	if got := mustNode(t, res, entry).Prop("access_policies"); got != "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy@cluster" {
		t.Errorf("baseline entry's access policies %q", got)
	}
	pod := mustNode(t, res, "arn:aws:eks:eu-west-1:111111111111:podidentityassociation/prod/{aws_eks_pod_identity_association.api}")
	if pod.Name != "api/api" || pod.Prop("k8s_service_account") != "k8s:prod:serviceaccount:api:api" {
		t.Errorf("association %+v", pod)
	}
	wantEdges(t, res, true, [3]string{pod.ID, "carries_role", "arn:aws:iam::222222222222:role/x"})
}

// TestApplyMatchesByName checks that a resource whose ARN AWS has not
// chosen yet is the deployed one of the same name, when there is one.
func TestApplyMatchesByName(t *testing.T) {
	entry := "arn:aws:eks:eu-west-1:111111111111:access-entry/prod/role/111111111111/app/aaaa"
	res := apply(t, planJSON(t, nil,
		rc{addr: "aws_eks_access_entry.app", typ: "aws_eks_access_entry", actions: create,
			after: map[string]any{"cluster_name": "prod", "principal_arn": iam + "role/app", "kubernetes_groups": []any{"ops"}}, unknown: map[string]any{"access_entry_arn": true}},
		rc{addr: "aws_organizations_policy.guard", typ: "aws_organizations_policy", actions: create,
			after: map[string]any{"name": "guard", "type": "SERVICE_CONTROL_POLICY", "content": string(doc(readS3))}, unknown: map[string]any{"arn": true, "id": true}},
	))
	if got := mustNode(t, res, entry).Prop("kubernetes_groups"); got != "ops" {
		t.Errorf("the deployed entry has groups %q, want ops", got)
	}
	if got := docText(mustNode(t, res, orgSCP), "policy"); got != string(doc(readS3)) {
		t.Errorf("the deployed SCP has %s", got)
	}
	for _, n := range res.Snapshot.Nodes {
		if strings.Contains(n.ID, "{") {
			t.Errorf("placeholder node %s beside the deployed one", n.ID)
		}
	}
}

func TestApplyOrganizations(t *testing.T) {
	deny := string(doc(`{"Effect":"Deny","Action":"iam:*","Resource":"*"}`))
	res := apply(t, planJSON(t, nil,
		rc{addr: "aws_organizations_policy.noiam", typ: "aws_organizations_policy", actions: create,
			after: map[string]any{"name": "no-iam", "type": "SERVICE_CONTROL_POLICY", "content": deny}, unknown: map[string]any{"arn": true, "id": true}},
		rc{addr: "aws_organizations_policy_attachment.prod", typ: "aws_organizations_policy_attachment", actions: create,
			after: map[string]any{"target_id": "ou-abcd-prod"}, unknown: map[string]any{"policy_id": true},
			expr: map[string]any{"policy_id": ref("aws_organizations_policy.noiam.id", "aws_organizations_policy.noiam"), "target_id": c("ou-abcd-prod")}},
		rc{addr: "aws_organizations_policy_attachment.acct", typ: "aws_organizations_policy_attachment", actions: create,
			after: map[string]any{"target_id": acct, "policy_id": "p-guard"}},
	))
	id := "arn:aws:organizations::999999999999:policy/o-test/service_control_policy/{aws_organizations_policy.noiam}"
	p := mustNode(t, res, id)
	if p.Kind != graphmodel.KindAWSOrgPolicy || p.Scope != "aws:account:999999999999" || docText(p, "policy") != deny || p.Prop("type") != "SERVICE_CONTROL_POLICY" {
		t.Errorf("policy %+v", p)
	}
	wantEdges(t, res, true, [3]string{orgOU, "attached_policy", id}, [3]string{scope, "attached_policy", orgSCP})
}

// TestApplyUnknown checks values unknown until apply: resolved by
// address where a reference leads to a planned value, conditional where
// it does not, a gap where they say who receives a fact.
func TestApplyUnknown(t *testing.T) {
	t.Run("data source rebuilt, resource resolved as the ARN and its objects", func(t *testing.T) {
		ds := map[string]any{"statement": []any{map[string]any{"effect": "Allow", "actions": []any{"s3:GetObject"}, "resources": []any{nil},
			"principals": []any{}, "condition": []any{}}}, "version": "2012-10-17"}
		res := apply(t, planJSON(t, nil,
			rc{addr: "aws_s3_bucket.b", typ: "aws_s3_bucket", actions: create, after: map[string]any{"bucket": "reports"}, unknown: map[string]any{"arn": true, "id": true}},
			rc{addr: "data.aws_iam_policy_document.read", typ: "aws_iam_policy_document", mode: "data", actions: []string{"read"}, after: ds,
				unknown: map[string]any{"json": true, "statement": []any{map[string]any{"resources": []any{true}}}},
				expr:    map[string]any{"statement": []any{map[string]any{"actions": c([]any{"s3:GetObject"}), "resources": ref("aws_s3_bucket.b.arn", "aws_s3_bucket.b")}}}},
			rc{addr: "aws_iam_role_policy.read", typ: "aws_iam_role_policy", actions: create, after: map[string]any{"name": "read", "role": "app"},
				unknown: map[string]any{"policy": true}, expr: map[string]any{"policy": ref("data.aws_iam_policy_document.read.json", "data.aws_iam_policy_document.read")}},
		))
		got := docText(mustNode(t, res, iam+"role/app#inline:read"), "policy")
		want := `"Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"]`
		if !strings.Contains(got, want) || strings.Contains(got, tfplan.UnknownKeyPrefix) {
			t.Errorf("policy %s, want %s and no condition", got, want)
		}
	})
	t.Run("unresolved principal is * on a condition naming it", func(t *testing.T) {
		ds := map[string]any{"statement": []any{map[string]any{"effect": "Allow", "actions": []any{"sts:AssumeRole"},
			"principals": []any{map[string]any{"type": "AWS", "identifiers": []any{nil}}}, "condition": []any{}}}}
		res := apply(t, planJSON(t, nil,
			rc{addr: "data.aws_iam_policy_document.trust", typ: "aws_iam_policy_document", mode: "data", actions: []string{"read"}, after: ds,
				unknown: map[string]any{"json": true, "statement": []any{map[string]any{"principals": []any{map[string]any{"identifiers": []any{true}}}}}},
				expr: map[string]any{"statement": []any{map[string]any{"actions": c([]any{"sts:AssumeRole"}),
					"principals": []any{map[string]any{"type": c("AWS"), "identifiers": ref("module.ci.role_arn", "module.ci")}}}}}},
			rc{addr: "aws_iam_role.app", typ: "aws_iam_role", actions: update,
				before: map[string]any{"name": "app", "path": "/", "assume_role_policy": string(doc(ec2Trust)), "arn": iam + "role/app"},
				after:  map[string]any{"name": "app", "path": "/", "arn": iam + "role/app"}, unknown: map[string]any{"assume_role_policy": true},
				expr: map[string]any{"assume_role_policy": ref("data.aws_iam_policy_document.trust.json", "data.aws_iam_policy_document.trust")}},
		))
		trust := docText(mustNode(t, res, iam+"role/app"), "trust")
		what := "data.aws_iam_policy_document.trust.statement[0].principals[0].identifiers"
		for _, want := range []string{`"AWS":["*"]`, `"` + tfplan.UnknownKeyPrefix + what + `":"true"`, `[unknown until apply: ` + what + `]`} {
			if !strings.Contains(trust, want) {
				t.Errorf("trust %s lacks %s", trust, want)
			}
		}
	})
	t.Run("whole document unknown", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_role_policy.p", typ: "aws_iam_role_policy", actions: create,
			after: map[string]any{"name": "p", "role": "app"}, unknown: map[string]any{"policy": true},
			expr: map[string]any{"policy": ref("local.statements")}}))
		got := docText(mustNode(t, res, iam+"role/app#inline:p"), "policy")
		want := `{"Statement":[{"Action":"*","Condition":{"Bool":{"` + tfplan.UnknownKeyPrefix + `aws_iam_role_policy.p.policy":"true"}},"Effect":"Allow","Resource":"*","Sid":"[unknown until apply: aws_iam_role_policy.p.policy]"}],"Version":"2012-10-17"}`
		if got != want {
			t.Errorf("policy\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("unknown policy ARN: a stand-in policy, conditional", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_role_policy_attachment.a", typ: "aws_iam_role_policy_attachment", actions: create,
			after: map[string]any{"role": "app"}, unknown: map[string]any{"policy_arn": true}, expr: map[string]any{"policy_arn": ref("module.shared.policy_arn", "module.shared")}}))
		id := iam + "policy/{aws_iam_role_policy_attachment.a.policy_arn}"
		p := mustNode(t, res, id)
		if p.Kind != graphmodel.KindAWSManagedPolicy || p.Prop("default_version") != "v1" || !strings.Contains(docText(p, "v1"), tfplan.UnknownKeyPrefix+"aws_iam_role_policy_attachment.a.policy_arn") {
			t.Errorf("stand-in %+v", p)
		}
		wantEdges(t, res, true, [3]string{iam + "role/app", "attached_policy", id})
	})
	t.Run("unknown role of an attachment is a gap", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_iam_role_policy_attachment.a", typ: "aws_iam_role_policy_attachment", actions: create,
			after: map[string]any{"policy_arn": adminP}, unknown: map[string]any{"role": true}, expr: map[string]any{"role": ref("local.role")}}))
		if len(res.Gaps) != 1 {
			t.Fatalf("gaps %+v", res.Gaps)
		}
		g := res.Gaps[0]
		if g.What != "policy attachment of a role" || g.Reason != "unknown until apply: aws_iam_role_policy_attachment.a.role (local.role); not applied" ||
			!strings.HasPrefix(g.Where, "plan.json: line 1, column ") || !strings.HasSuffix(g.Where, "resource_changes[0] (aws_iam_role_policy_attachment.a)") {
			t.Errorf("gap %+v", g)
		}
		wantEdges(t, res, false, [3]string{iam + "role/app", "attached_policy", adminP})
		src := res.Snapshot.Sources[len(res.Snapshot.Sources)-1]
		if src.Collector != tfplan.SourceCollector || src.Origin != "plan:plan.json" || len(src.Gaps) != 1 || src.Scope != scope {
			t.Errorf("plan source %+v", src)
		}
	})
	t.Run("unknown SCP content denies everything conditionally", func(t *testing.T) {
		res := apply(t, planJSON(t, nil, rc{addr: "aws_organizations_policy.p", typ: "aws_organizations_policy", actions: create,
			after: map[string]any{"name": "p", "type": "SERVICE_CONTROL_POLICY"}, unknown: map[string]any{"content": true, "arn": true, "id": true},
			expr: map[string]any{"content": ref("local.scp")}}))
		got := docText(mustNode(t, res, "arn:aws:organizations::999999999999:policy/o-test/service_control_policy/{aws_organizations_policy.p}"), "policy")
		if !strings.Contains(got, `{"Action":"*","Effect":"Allow","Resource":"*"}`) || !strings.Contains(got, `"Effect":"Deny"`) || !strings.Contains(got, tfplan.UnknownKeyPrefix+"aws_organizations_policy.p.content") {
			t.Errorf("SCP %s", got)
		}
	})
}

// TestApplyResolve checks the ways a reference leads to a planned value:
// module outputs, a child module's variables, count and for_each keys.
func TestApplyResolve(t *testing.T) {
	t.Run("through a module output", func(t *testing.T) {
		modules := map[string]any{"iam": map[string]any{"source": "./iam", "module": map[string]any{
			"outputs":   map[string]any{"role_name": map[string]any{"expression": ref("aws_iam_role.this.id", "aws_iam_role.this")}},
			"resources": []any{map[string]any{"address": "aws_iam_role.this", "mode": "managed", "type": "aws_iam_role", "name": "this", "expressions": map[string]any{"name": c("deployer")}}},
		}}}
		res := apply(t, planJSON(t, map[string]any{"module_calls": modules},
			rc{addr: "module.iam.aws_iam_role.this", module: "module.iam", typ: "aws_iam_role", actions: create,
				after: map[string]any{"name": "deployer", "path": "/", "assume_role_policy": string(doc(ec2Trust))}, unknown: map[string]any{"arn": true, "id": true}},
			rc{addr: "aws_iam_role_policy_attachment.a", typ: "aws_iam_role_policy_attachment", actions: create,
				after: map[string]any{"policy_arn": adminP}, unknown: map[string]any{"role": true}, expr: map[string]any{"role": ref("module.iam.role_name", "module.iam")}},
		))
		wantEdges(t, res, true, [3]string{iam + "role/deployer", "attached_policy", adminP})
	})
	t.Run("through a child module's variable", func(t *testing.T) {
		modules := map[string]any{"attach": map[string]any{"source": "./attach",
			"expressions": map[string]any{"role": ref("aws_iam_role.r.id", "aws_iam_role.r")},
			"module": map[string]any{"resources": []any{map[string]any{"address": "aws_iam_role_policy_attachment.this", "mode": "managed",
				"type": "aws_iam_role_policy_attachment", "name": "this", "expressions": map[string]any{"role": ref("var.role"), "policy_arn": c(adminP)}}}},
		}}
		res := apply(t, planJSON(t, map[string]any{"module_calls": modules},
			rc{addr: "aws_iam_role.r", typ: "aws_iam_role", actions: create, after: map[string]any{"name": "r", "path": "/", "assume_role_policy": string(doc(ec2Trust))},
				unknown: map[string]any{"arn": true, "id": true}, expr: map[string]any{"name": c("r")}},
			rc{addr: "module.attach.aws_iam_role_policy_attachment.this", module: "module.attach", typ: "aws_iam_role_policy_attachment", actions: create,
				after: map[string]any{"policy_arn": adminP}, unknown: map[string]any{"role": true}},
		))
		wantEdges(t, res, true, [3]string{iam + "role/r", "attached_policy", adminP})
	})
	t.Run("count: the instance of the same key", func(t *testing.T) {
		var changes []rc
		for _, i := range []string{"0", "1"} {
			changes = append(changes,
				rc{addr: "aws_iam_role.r[" + i + "]", typ: "aws_iam_role", actions: create, after: map[string]any{"name": "r" + i, "path": "/", "assume_role_policy": string(doc(ec2Trust))},
					unknown: map[string]any{"arn": true, "id": true}, expr: map[string]any{}},
				rc{addr: "aws_iam_role_policy_attachment.a[" + i + "]", typ: "aws_iam_role_policy_attachment", actions: create,
					after: map[string]any{"policy_arn": adminP}, unknown: map[string]any{"role": true}, expr: map[string]any{"role": ref("aws_iam_role.r", "count.index")}},
			)
		}
		res := apply(t, planJSON(t, nil, changes...))
		wantEdges(t, res, true, [3]string{iam + "role/r0", "attached_policy", adminP}, [3]string{iam + "role/r1", "attached_policy", adminP})
	})
	t.Run("name from name_prefix is a placeholder, the same wherever it is named", func(t *testing.T) {
		res := apply(t, planJSON(t, nil,
			rc{addr: "aws_iam_role.p", typ: "aws_iam_role", actions: create, after: map[string]any{"name_prefix": "ci-", "path": "/", "assume_role_policy": string(doc(ec2Trust))},
				unknown: map[string]any{"name": true, "arn": true, "id": true}, expr: map[string]any{"name_prefix": c("ci-")}},
			rc{addr: "aws_iam_role_policy_attachment.a", typ: "aws_iam_role_policy_attachment", actions: create,
				after: map[string]any{"policy_arn": adminP}, unknown: map[string]any{"role": true}, expr: map[string]any{"role": ref("aws_iam_role.p.name", "aws_iam_role.p")}},
		))
		role := iam + "role/ci-{aws_iam_role.p}"
		mustNode(t, res, role)
		wantEdges(t, res, true, [3]string{role, "attached_policy", adminP})
	})
}

func TestApplyAccounts(t *testing.T) {
	other := rc{addr: "aws_iam_role.x", typ: "aws_iam_role", actions: update,
		before: map[string]any{"name": "x", "path": "/", "arn": "arn:aws:iam::222222222222:role/x"}, after: map[string]any{"name": "x", "path": "/", "arn": "arn:aws:iam::222222222222:role/x"}}
	caller := map[string]any{"prior_state": map[string]any{"format_version": "1.0", "values": map[string]any{"root_module": map[string]any{"resources": []any{
		map[string]any{"address": "data.aws_caller_identity.current", "mode": "data", "type": "aws_caller_identity", "name": "current", "values": map[string]any{"account_id": "333333333333"}},
	}}}}}
	otherPlan := planJSON(t, nil, other)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"a resource of another account", otherPlan,
			fmt.Sprintf("plan.json: line 1, column %d, resource_changes[0] (aws_iam_role.x) arn: arn:aws:iam::222222222222:role/x is in account 222222222222, which the baseline snapshot does not hold (it holds 111111111111): give a snapshot of that account",
				bytes.Index(otherPlan, []byte(`"address":"aws_iam_role.x"`))+len(`"address":`)+1)},
		{"caller identity of another account", planJSON(t, caller),
			"plan.json: data.aws_caller_identity.current account_id: the plan is for account 333333333333, which the baseline snapshot does not hold (it holds 111111111111): give a snapshot of that account"},
		{"another management account", planJSON(t, nil, rc{addr: "aws_organizations_policy.p", typ: "aws_organizations_policy", actions: update,
			before: map[string]any{"arn": "arn:aws:organizations::888888888888:policy/o-x/service_control_policy/p-1", "name": "p"},
			after:  map[string]any{"arn": "arn:aws:organizations::888888888888:policy/o-x/service_control_policy/p-1", "name": "p"}}),
			"management account 888888888888, but the baseline snapshot's organization is managed from 999999999999"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tfplan.Read("plan.json", tc.data)
			if err != nil {
				t.Fatal(err)
			}
			_, err = tfplan.Apply(baseline(), p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("a snapshot of two accounts and a plan that names none", func(t *testing.T) {
		base := baseline()
		base.Sources = append(base.Sources, graphmodel.Source{Collector: "aws", Provider: graphmodel.ProviderAWS, Scope: "aws:account:222222222222"})
		p, err := tfplan.Read("plan.json", planJSON(t, nil, rc{addr: "aws_iam_user.u", typ: "aws_iam_user", actions: create, after: map[string]any{"name": "u"}}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tfplan.Apply(base, p); err == nil || !strings.Contains(err.Error(), `add data "aws_caller_identity"`) {
			t.Fatalf("error %v", err)
		}
	})
}

func TestApplySkips(t *testing.T) {
	res := apply(t, planJSON(t, nil,
		rc{addr: "random_id.x", typ: "random_id", actions: create, after: map[string]any{"byte_length": 8}, provider: "registry.terraform.io/hashicorp/random"},
		rc{addr: "aws_vpc.v", typ: "aws_vpc", actions: create, after: map[string]any{"cidr_block": "10.0.0.0/16"}, provider: "registry.opentofu.org/hashicorp/aws"},
		rc{addr: "aws_iam_user.keep", typ: "aws_iam_user", actions: []string{"no-op"}, before: map[string]any{"name": "dev"}, after: map[string]any{"name": "dev"}},
		rc{addr: "aws_iam_user.gone", typ: "aws_iam_user", actions: []string{"forget"}, before: map[string]any{"name": "ops"}},
	))
	if len(res.OtherProviders) != 1 || res.OtherProviders[0].Address != "random_id.x" || len(res.Unmodelled) != 1 || res.Unmodelled[0].Type != "aws_vpc" || len(res.Changes) != 0 {
		t.Errorf("other %+v unmodelled %+v changes %+v", res.OtherProviders, res.Unmodelled, res.Changes)
	}
	mustNode(t, res, iam+"user/ops")
	base := baseline()
	base.Normalize()
	before, _ := json.Marshal(base.Nodes)
	after, _ := json.Marshal(res.Snapshot.Nodes)
	if string(before) != string(after) {
		t.Error("skipped changes changed nodes")
	}
}

func TestApplyLeavesBaselineAlone(t *testing.T) {
	base := baseline()
	want, _ := json.Marshal(base)
	p, err := tfplan.Read("plan.json", planJSON(t, nil, rc{addr: "aws_iam_role.app", typ: "aws_iam_role", actions: del,
		before: map[string]any{"name": "app", "path": "/", "arn": iam + "role/app", "assume_role_policy": string(doc(ec2Trust))}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tfplan.Apply(base, p); err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(base); string(got) != string(want) {
		t.Error("Apply changed the baseline")
	}
}

func TestResponsible(t *testing.T) {
	res := &tfplan.Result{Changes: []tfplan.Change{
		{Address: "aws_iam_role.a", Index: 0, Touched: []string{iam + "role/a"}},
		{Address: "aws_iam_role_policy.p", Index: 1, Touched: []string{iam + "role/ab", iam + "role/ab#inline:p"}},
	}}
	tests := []struct {
		ids, evidence []string
		want          []string
	}{
		{[]string{iam + "role/a"}, nil, []string{"aws_iam_role.a"}},
		{nil, []string{iam + "role/ab#inline:p statement 0 (Sid X): allows iam:PassRole"}, []string{"aws_iam_role_policy.p"}},
		{nil, []string{"other statement 0; " + iam + "role/a trust policy statement 0: admits x"}, []string{"aws_iam_role.a"}},
		{nil, []string{iam + "role/abc statement 0"}, nil},
	}
	for _, tc := range tests {
		var got []string
		for _, c := range res.Responsible(tc.ids, tc.evidence) {
			got = append(got, c.Address)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Responsible(%v, %v) = %v, want %v", tc.ids, tc.evidence, got, tc.want)
		}
	}
}
