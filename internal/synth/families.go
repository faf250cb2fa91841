package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// family is a kind of permission an application's policy grants: it returns
// the statements for one app in one environment, scoped to the app's
// resources the way teams scope them (name prefixes, wildcards).
type family struct {
	name  string
	stmts func(b *builder, a *app, env string) []stmt
}

// families are the permission kinds of ordinary customer and inline
// policies. None of them grants IAM writes, PassRole or Lambda function
// creation: those come only from the planted findings and the CI roles.
var families = []family{
	{"s3-read", func(b *builder, a *app, env string) []stmt {
		bucket := fmt.Sprintf("arn:aws:s3:::%s-%s-*", a.name, env)
		if b.r.IntN(3) == 0 {
			return []stmt{allow(acts("s3:Get*", "s3:List*"), bucket, bucket+"/*")}
		}
		return []stmt{
			allow(acts("s3:ListBucket", "s3:GetBucketLocation"), bucket).sid("ListBuckets"),
			allow(acts("s3:GetObject", "s3:GetObjectVersion"), bucket+"/*").sid("ReadObjects"),
		}
	}},
	{"s3-write", func(b *builder, a *app, env string) []stmt {
		prefix := pick(b.r, []string{"uploads", "exports", "reports", "incoming", "tmp"})
		return []stmt{allow(acts("s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload"),
			fmt.Sprintf("arn:aws:s3:::%s-%s-*/%s/*", a.name, env, prefix))}
	}},
	{"dynamodb", func(b *builder, a *app, env string) []stmt {
		table := b.arn("dynamodb", b.region(), "table/"+a.name+"-"+env+"-*")
		if b.r.IntN(4) == 0 {
			return []stmt{allow(acts("dynamodb:*"), table, table+"/index/*")}
		}
		return []stmt{allow(acts("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
			"dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"),
			table, table+"/index/*")}
	}},
	{"sqs", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
			"sqs:ChangeMessageVisibility"), b.arn("sqs", b.region(), a.name+"-"+env+"-*"))}
	}},
	{"sns", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("sns:Publish"), b.arn("sns", b.region(), a.name+"-"+env+"-*"))}
	}},
	{"secrets", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
			b.arn("secretsmanager", b.region(), "secret:"+a.name+"/"+env+"/*"))}
	}},
	{"ssm-params", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"),
			b.arn("ssm", b.region(), "parameter/"+a.name+"/"+env+"/*"))}
	}},
	{"kms", func(b *builder, a *app, env string) []stmt {
		region := b.region()
		return []stmt{allow(acts("kms:Decrypt", "kms:GenerateDataKey"), b.arn("kms", region, "key/"+uuid(b.r))).
			with("StringEquals", "kms:ViaService", "s3."+region+".amazonaws.com", "secretsmanager."+region+".amazonaws.com")}
	}},
	{"logs", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("logs:CreateLogStream", "logs:PutLogEvents"),
			b.arn("logs", b.region(), "log-group:/aws/"+pick(b.r, []string{"lambda", "ecs", "app"})+"/"+a.name+"-*:*"))}
	}},
	{"ec2-describe", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("ec2:Describe*"), "*")}
	}},
	{"metrics", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("cloudwatch:PutMetricData"), "*").
			with("StringEquals", "cloudwatch:namespace", strings.ToUpper(a.name[:1])+a.name[1:])}
	}},
	{"xray", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules"), "*")}
	}},
	{"states", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("states:StartExecution", "states:DescribeExecution"),
			b.arn("states", b.region(), "stateMachine:"+a.name+"-"+env+"-*"))}
	}},
	{"invoke", func(b *builder, a *app, env string) []stmt {
		return []stmt{allow(acts("lambda:InvokeFunction"), b.arn("lambda", b.region(), "function:"+a.name+"-"+env+"-*"))}
	}},
	{"ecr-pull", func(b *builder, a *app, env string) []stmt {
		return []stmt{
			allow(acts("ecr:GetAuthorizationToken"), "*"),
			allow(acts("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"),
				b.arn("ecr", b.region(), "repository/"+a.name+"/*")),
		}
	}},
	{"athena", func(b *builder, a *app, env string) []stmt {
		region := b.region()
		return []stmt{
			allow(acts("athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"),
				b.arn("athena", region, "workgroup/"+a.name)),
			allow(acts("glue:GetTable", "glue:GetTables", "glue:GetDatabase", "glue:GetPartitions"),
				b.arn("glue", region, "catalog"), b.arn("glue", region, "database/"+a.name+"_"+env),
				b.arn("glue", region, "table/"+a.name+"_"+env+"/*")),
		}
	}},
}

// denials are the Deny statements policies carry now and then.
var denials = []func(b *builder) stmt{
	func(b *builder) stmt {
		return stmt{Sid: "DenyOutsideApprovedRegions", Effect: "Deny",
			NotAction: one("iam:*", "sts:*", "organizations:*", "cloudfront:*", "route53:*", "support:*", "budgets:*"),
			Resource:  "*"}.with("StringNotEquals", "aws:RequestedRegion", regions...)
	},
	func(b *builder) stmt {
		return deny(acts("s3:DeleteBucket", "dynamodb:DeleteTable", "rds:DeleteDBInstance", "kms:ScheduleKeyDeletion"), "*").
			sid("DenyDestructive")
	},
	func(b *builder) stmt {
		return deny(acts("s3:DeleteObject*", "dynamodb:DeleteItem"), "*").
			with("BoolIfExists", "aws:MultiFactorAuthPresent", "false").sid("DenyDeletesWithoutMFA")
	},
	func(b *builder) stmt {
		return stmt{Sid: "DenyUnencryptedUploads", Effect: "Deny", Action: "s3:PutObject", Resource: "*"}.
			with("StringNotEquals", "s3:x-amz-server-side-encryption", "aws:kms")
	},
}

// conditioned returns s with one of the conditions real policies carry.
func (b *builder) conditioned(s stmt, a *app) stmt {
	switch b.r.IntN(6) {
	case 0:
		return s.with("IpAddress", "aws:SourceIp", pick(b.r, corporateCIDRs), pick(b.r, corporateCIDRs))
	case 1:
		team := teams[0]
		if a != nil {
			team = a.team
		}
		return s.with("StringEquals", "aws:PrincipalTag/team", team)
	case 2:
		return s.with("StringEquals", "aws:RequestedRegion", b.region())
	case 3:
		return s.with("Bool", "aws:MultiFactorAuthPresent", "true")
	case 4:
		return s.with("Bool", "aws:SecureTransport", "true")
	default:
		name := "shared"
		if a != nil {
			name = a.name
		}
		return s.with("StringEquals", "aws:ResourceTag/app", name)
	}
}

// corporateCIDRs are the office and VPN ranges of aws:SourceIp conditions.
var corporateCIDRs = []string{"203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/26", "10.0.0.0/8", "172.16.0.0/12"}

// appStatements returns the statements of an ordinary policy of app a:
// one to three families, with conditions and an occasional Deny.
func (b *builder) appStatements(a *app, env string, nFamilies int, denyPercent float64) []stmt {
	var out []stmt
	seen := map[int]bool{}
	for range nFamilies {
		i := b.r.IntN(len(families))
		if seen[i] {
			continue
		}
		seen[i] = true
		for _, s := range families[i].stmts(b, a, env) {
			if s.Effect == "Allow" && s.Condition == nil && chance(b.r, b.s.ConditionPercent) {
				s = b.conditioned(s, a)
			}
			out = append(out, s)
		}
	}
	if chance(b.r, denyPercent) {
		out = append(out, pick(b.r, denials)(b))
	}
	return out
}

// uuid returns a random version-4 UUID.
func uuid(r *rand.Rand) string {
	h := hexString(r, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}
