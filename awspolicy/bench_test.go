package awspolicy

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// benchActions are the actions requests use and statements name.
var benchActions = []string{
	"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "s3:GetBucketPolicy", "s3:PutBucketPolicy",
	"iam:PassRole", "iam:CreateUser", "iam:AttachRolePolicy", "iam:GetRole", "iam:ListRoles", "iam:CreateAccessKey",
	"iam:UpdateAssumeRolePolicy", "ec2:RunInstances", "ec2:DescribeInstances", "ec2:TerminateInstances",
	"ec2:CreateTags", "lambda:InvokeFunction", "lambda:CreateFunction", "lambda:UpdateFunctionCode",
	"sts:AssumeRole", "kms:Decrypt", "kms:Encrypt", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
	"secretsmanager:GetSecretValue", "logs:PutLogEvents", "sqs:SendMessage", "ssm:GetParameter",
}

var benchActionPatterns = []string{
	"s3:Get*", "s3:*Object", "s3:List*", "iam:*", "iam:Get*", "iam:List*", "iam:Pass?ole", "ec2:Describe*",
	"ec2:*", "lambda:*Function*", "sts:AssumeRole", "kms:*", "dynamodb:*Item", "secretsmanager:GetSecretValue",
	"logs:*", "sqs:*", "ssm:Get*", "*",
}

var benchAccounts = []string{"111111111111", "222222222222", "333333333333"}

func benchResourceARN(r *rand.Rand) string {
	acct := benchAccounts[r.Intn(len(benchAccounts))]
	switch r.Intn(7) {
	case 0:
		return fmt.Sprintf("arn:aws:s3:::bucket-%d/home/user%d/file%d", r.Intn(20), r.Intn(50), r.Intn(100))
	case 1:
		return fmt.Sprintf("arn:aws:iam::%s:role/team-%d/role-%d", acct, r.Intn(10), r.Intn(40))
	case 2:
		return fmt.Sprintf("arn:aws:ec2:us-east-1:%s:instance/i-%08x", acct, r.Uint32())
	case 3:
		return fmt.Sprintf("arn:aws:lambda:eu-west-1:%s:function:fn-%d", acct, r.Intn(30))
	case 4:
		return fmt.Sprintf("arn:aws:kms:us-east-1:%s:key/%08x-0000", acct, r.Uint32())
	case 5:
		return fmt.Sprintf("arn:aws:dynamodb:us-east-1:%s:table/t-%d", acct, r.Intn(25))
	}
	return AnyResource
}

func benchResourcePattern(r *rand.Rand) string {
	acct := benchAccounts[r.Intn(len(benchAccounts))]
	switch r.Intn(9) {
	case 0, 1:
		return "*"
	case 2:
		return fmt.Sprintf("arn:aws:s3:::bucket-%d/*", r.Intn(20))
	case 3:
		return "arn:aws:s3:::bucket-*/home/${aws:username}/*"
	case 4:
		return fmt.Sprintf("arn:aws:iam::%s:role/team-%d/*", acct, r.Intn(10))
	case 5:
		return "arn:aws:ec2:*:" + acct + ":instance/*"
	case 6:
		return fmt.Sprintf("arn:aws:lambda:*:*:function:fn-%d*", r.Intn(30))
	case 7:
		return "arn:aws:dynamodb:us-east-1:" + acct + ":table/t-?"
	}
	return "arn:aws:kms:*:" + acct + ":key/*"
}

var benchConditions = []string{
	`"StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]}`,
	`"Bool": {"aws:MultiFactorAuthPresent": "true"}`,
	`"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "10.0.0.0/8"]}`,
	`"ForAnyValue:StringLike": {"aws:TagKeys": ["cost-*", "team"]}`,
	`"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}`,
	`"StringNotEqualsIfExists": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}`,
	`"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/team-*"}`,
	`"Null": {"aws:TokenIssueTime": "false"}`,
	`"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}`,
	`"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}`,
}

func pick[T any](r *rand.Rand, list []T, n int) []T {
	out := make([]T, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, list[r.Intn(len(list))])
	}
	return out
}

func quoteList(list []string) string {
	b, _ := json.Marshal(list)
	return string(b)
}

// benchDocuments builds docs documents of stmts statements each: mostly
// Allow statements with wildcards, some Deny statements, NotAction and
// NotResource, and conditions on a third of them.
func benchDocuments(tb testing.TB, r *rand.Rand, docs, stmts int) []*Document {
	out := make([]*Document, 0, docs)
	for d := 0; d < docs; d++ {
		var sb strings.Builder
		sb.WriteString(`{"Version":"2012-10-17","Statement":[`)
		for s := 0; s < stmts; s++ {
			if s > 0 {
				sb.WriteByte(',')
			}
			effect := "Allow"
			if r.Intn(5) == 0 {
				effect = "Deny"
			}
			action := `"Action":` + quoteList(append(pick(r, benchActionPatterns, 1+r.Intn(3)), pick(r, benchActions, r.Intn(3))...))
			if r.Intn(8) == 0 {
				action = `"NotAction":` + quoteList(pick(r, benchActionPatterns[:len(benchActionPatterns)-1], 1+r.Intn(2)))
			}
			resource := `"Resource":` + quoteList(pick(r, []string{benchResourcePattern(r), benchResourcePattern(r)}, 1+r.Intn(2)))
			if r.Intn(10) == 0 {
				resource = `"NotResource":` + quoteList([]string{benchResourcePattern(r)})
			}
			fmt.Fprintf(&sb, `{"Sid":"S%d_%d","Effect":%q,%s,%s`, d, s, effect, action, resource)
			if r.Intn(3) == 0 {
				conds := map[string]bool{}
				for _, c := range pick(r, benchConditions, 1+r.Intn(3)) {
					conds[c] = true
				}
				var parts []string
				for c := range conds {
					parts = append(parts, "{"+c+"}")
				}
				// Merge the operator objects into one Condition block.
				merged := map[string]map[string]any{}
				for _, p := range parts {
					var m map[string]map[string]any
					if err := json.Unmarshal([]byte(p), &m); err != nil {
						tb.Fatal(err)
					}
					for op, keys := range m {
						if merged[op] == nil {
							merged[op] = map[string]any{}
						}
						for k, v := range keys {
							merged[op][k] = v
						}
					}
				}
				b, _ := json.Marshal(merged)
				sb.WriteString(`,"Condition":`)
				sb.Write(b)
			}
			sb.WriteByte('}')
		}
		sb.WriteString(`]}`)
		doc, err := Parse(json.RawMessage(sb.String()))
		if err != nil {
			tb.Fatalf("generated document %d: %v", d, err)
		}
		out = append(out, doc)
	}
	return out
}

// benchRequests builds n requests with contexts that know some keys, know
// others are absent, and leave the rest unknown.
func benchRequests(r *rand.Rand, n int) []Request {
	teams := []string{"red", "blue", "green"}
	out := make([]Request, 0, n)
	for i := 0; i < n; i++ {
		f := NewFacts()
		f.Set("aws:username", fmt.Sprintf("user%d", r.Intn(50)))
		f.Set("aws:PrincipalArn", fmt.Sprintf("arn:aws:iam::%s:role/team-%d/r", benchAccounts[r.Intn(3)], r.Intn(10)))
		f.Set("aws:CurrentTime", "2025-06-01T12:00:00Z")
		if r.Intn(2) == 0 {
			f.Set("aws:PrincipalTag/team", teams[r.Intn(len(teams))])
		} else {
			f.SetAbsent("aws:PrincipalTag/team")
		}
		if r.Intn(2) == 0 {
			f.Set("aws:MultiFactorAuthPresent", "true")
			f.Set("aws:MultiFactorAuthAge", fmt.Sprint(r.Intn(7200)))
		}
		if r.Intn(3) == 0 {
			f.Set("aws:TagKeys", "team", "cost-center")
		}
		if r.Intn(3) == 0 {
			f.SetAbsent("aws:TokenIssueTime")
		}
		out = append(out, Request{
			Principal: Principal{ARN: fmt.Sprintf("arn:aws:iam::%s:user/u%d", benchAccounts[r.Intn(3)], i)},
			Action:    benchActions[r.Intn(len(benchActions))],
			Resource:  benchResourceARN(r),
			Context:   f,
		})
	}
	return out
}

// BenchmarkEvaluate evaluates requests against 200 documents of 10
// statements each (2,000 statements). One decision is one request
// evaluated against every document of the set.
func BenchmarkEvaluate(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	docs := benchDocuments(b, r, 200, 10)
	reqs := benchRequests(r, 1000)
	statements := 0
	for _, d := range docs {
		statements += len(d.Statements)
	}
	var allow, deny, maybe int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := reqs[i%len(reqs)]
		for _, d := range docs {
			dec := d.Evaluate(req)
			switch {
			case dec.Deny == Yes:
				deny++
			case dec.Allow == Yes:
				allow++
			case dec.Allow == Maybe || dec.Deny == Maybe:
				maybe++
			}
		}
	}
	b.StopTimer()
	if allow+deny+maybe == 0 {
		b.Fatal("the generated policy set decided nothing")
	}
	secs := b.Elapsed().Seconds()
	if secs > 0 {
		b.ReportMetric(float64(b.N)/secs, "decisions/s")
		b.ReportMetric(float64(b.N)*float64(statements)/secs, "statements/s")
	}
}

// TestBenchmarkSetIsRealistic checks that the generated set exercises
// every path: allows, denies and undecided outcomes all occur.
func TestBenchmarkSetIsRealistic(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	docs := benchDocuments(t, r, 200, 10)
	reqs := benchRequests(r, 200)
	var allow, deny, maybe, notAction, cond int
	for _, d := range docs {
		for _, s := range d.Statements {
			if s.Action.Negated {
				notAction++
			}
			if len(s.Conditions) > 0 {
				cond++
			}
		}
	}
	for _, req := range reqs {
		for _, d := range docs {
			dec := d.Evaluate(req)
			if dec.Allow == Yes {
				allow++
			}
			if dec.Deny == Yes {
				deny++
			}
			if dec.Allow == Maybe || dec.Deny == Maybe {
				maybe++
			}
		}
	}
	if allow == 0 || deny == 0 || maybe == 0 || notAction == 0 || cond == 0 {
		t.Errorf("allow %d, deny %d, maybe %d, NotAction %d, conditional %d: want all > 0", allow, deny, maybe, notAction, cond)
	}
}
