package aws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
)

// collectFake runs a live collection of the fake account.
func collectFake(t *testing.T, f *fakeAWS, maxAttempts int, opts LiveOptions) (graphmodel.Fragment, error) {
	t.Helper()
	if opts.Regions == nil {
		opts.Regions = []string{"us-east-1"}
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = time.Millisecond
	}
	return NewLive(f.config(t, maxAttempts), opts).Collect(context.Background())
}

func nodeIndex(frag graphmodel.Fragment) map[string]graphmodel.Node {
	m := map[string]graphmodel.Node{}
	for _, n := range frag.Nodes {
		m[n.ID] = n
	}
	return m
}

func edgeSet(frag graphmodel.Fragment) map[string]bool {
	m := map[string]bool{}
	for _, e := range frag.Edges {
		m[e.From+" "+string(e.Kind)+" "+e.To] = true
	}
	return m
}

const (
	fakeFnA    = "arn:aws:lambda:us-east-1:" + fakeAccount + ":function:fn-a"
	fakeFnB    = "arn:aws:lambda:us-east-1:" + fakeAccount + ":function:fn-b"
	fakeBucket = "arn:aws:s3:::fake-bucket"
	fakeOld    = "arn:aws:s3:::old-bucket"
	fakeInst   = "arn:aws:ec2:us-east-1:" + fakeAccount + ":instance/i-0abc"
	fakeLT     = "arn:aws:ec2:us-east-1:" + fakeAccount + ":launch-template/lt-0web"
)

func TestLiveCollectsTheFakeAccount(t *testing.T) {
	f := newFakeAWS(t)
	frag, err := collectFake(t, f, 0, LiveOptions{Regions: []string{"us-east-1", "eu-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.count("iam:GetAccountAuthorizationDetails"); got != 2 {
		t.Errorf("GetAccountAuthorizationDetails called %d times, want 2 (two pages)", got)
	}
	if got := f.count("lambda:ListFunctions"); got != 3 {
		t.Errorf("ListFunctions called %d times, want 3 (two pages in us-east-1, one in eu-west-1)", got)
	}
	if got := f.count("eks:ListAssociatedAccessPolicies"); got != 2 {
		t.Errorf("ListAssociatedAccessPolicies called %d times, want 2 (two pages)", got)
	}
	if frag.Source.Origin != LiveOrigin || frag.Source.Scope != "aws:account:"+fakeAccount || frag.Source.CollectedAt.IsZero() {
		t.Errorf("source: %+v", frag.Source)
	}
	if len(frag.Source.Gaps) != 0 {
		t.Errorf("gaps: %+v", frag.Source.Gaps)
	}
	nodes := nodeIndex(frag)
	want := map[string]graphmodel.NodeKind{
		fakeARN("user", "auditor"): graphmodel.KindAWSUser, fakeARN("user", "ci-bot"): graphmodel.KindAWSUser,
		fakeARN("role", "service/fn-role"): graphmodel.KindAWSRole, fakeARN("policy", "read-data"): graphmodel.KindAWSManagedPolicy,
		fakeFnA: graphmodel.KindAWSResource, fakeFnB: graphmodel.KindAWSResource, fakeBucket: graphmodel.KindAWSResource,
		fakeOld: graphmodel.KindAWSResource, fakeKeyARN: graphmodel.KindAWSResource, fakeInst: graphmodel.KindAWSResource,
		"arn:aws:iam::" + fakeAccount + ":oidc-provider/token.actions.githubusercontent.com": graphmodel.KindAWSResource,
		"aws:account:" + fakeAccount: graphmodel.KindAWSAccount,
		fakeLT:                       graphmodel.KindAWSResource,
		fakeSecretARN:                graphmodel.KindAWSResource,
		fakeTopicARN:                 graphmodel.KindAWSResource,
		fakeARN("instance-profile", "web-profile"): graphmodel.KindAWSInstanceProfile,
		fakeSAML: graphmodel.KindAWSFederatedPrincipal,
	}
	for _, id := range fakeServiceResources {
		want[id] = graphmodel.KindAWSResource
	}
	for id, kind := range want {
		if n, ok := nodes[id]; !ok || n.Kind != kind {
			t.Errorf("node %s: got %+v, want kind %s", id, n, kind)
		}
	}
	if len(nodes) != len(want) {
		t.Errorf("%d nodes, want %d", len(nodes), len(want))
	}

	role := nodes[fakeARN("role", "service/fn-role")]
	bot := nodes[fakeARN("user", "ci-bot")]
	if got := string(role.Documents["trust"]); got != fakeLambdaTrust {
		t.Errorf("trust (URL-encoded by IAM) = %s, want %s", got, fakeLambdaTrust)
	}
	for k, v := range map[string]string{"path": "/service/", "create_date": "2022-02-03T04:05:06+00:00",
		"last_used": "2024-05-01T10:20:30+00:00", "last_used_region": "us-east-1"} {
		if got := role.Properties[k]; got != v {
			t.Errorf("role %s = %q, want %q", k, got, v)
		}
	}
	if got := string(nodes[fakeARN("policy", "read-data")].Documents["v1"]); got != fakeReadPolicy {
		t.Errorf("policy v1 = %s", got)
	}
	if got := string(nodes[fakeFnA].Documents["policy"]); got != fakeFnPolicy {
		t.Errorf("fn-a policy = %s", got)
	}
	if _, ok := nodes[fakeFnB].Documents["policy"]; ok {
		t.Errorf("fn-b has no policy (ResourceNotFoundException) but got one")
	}
	if got := string(nodes[fakeBucket].Documents["policy"]); got != fakeBucketDoc {
		t.Errorf("bucket policy = %s", got)
	}
	if got := string(nodes[fakeKeyARN].Documents["policy"]); got != fakeKeyPolicy {
		t.Errorf("key policy = %s", got)
	}
	if got := nodes[fakeKeyARN].Properties["key_manager"]; got != "AWS" {
		t.Errorf("key_manager = %q, want AWS (kms:DescribeKey)", got)
	}
	if got := nodes[fakeInst].Tags["Name"]; got != "worker" {
		t.Errorf("instance tags: %v", nodes[fakeInst].Tags)
	}
	if got := nodes[fakeARN("user", "auditor")].Tags["team"]; got != "security" {
		t.Errorf("auditor tags: %v", nodes[fakeARN("user", "auditor")].Tags)
	}
	if keys := bot.Credentials; !bot.IsNonHuman() || len(keys) != 3 || !keys[1].Active || keys[2].Active {
		t.Errorf("ci-bot from the credential report: %+v", bot)
	}
	if got := nodes["aws:account:"+fakeAccount].Properties["root_mfa_active"]; got != "true" {
		t.Errorf("root_mfa_active = %q", got)
	}

	if got := string(nodes[fakeSecretARN].Documents["policy"]); got != fakeSecretDoc || nodes[fakeSecretARN].Tags["env"] != "prod" {
		t.Errorf("secret: %+v", nodes[fakeSecretARN])
	}
	if got := string(nodes[fakeTopicARN].Documents["policy"]); got != fakeTopicDoc {
		t.Errorf("topic policy = %s", got)
	}
	lt := nodes[fakeLT]
	if lt.Properties["default_version"] != "1" || lt.Properties["default_role"] != fakeARN("role", "service/fn-role") || lt.Tags["app"] != "web" {
		t.Errorf("launch template: %+v", lt)
	}

	checkFakeServices(t, frag)

	edges := edgeSet(frag)
	for _, e := range []string{
		fakeLT + " carries_role " + fakeARN("role", "service/fn-role"),
		fakeFnA + " carries_role " + fakeARN("role", "service/fn-role"),
		fakeFnB + " carries_role " + fakeARN("role", "service/fn-role"),
		fakeARN("user", "ci-bot") + " attached_policy " + fakeARN("policy", "read-data"),
		fakeARN("role", "service/fn-role") + " attached_policy " + fakeARN("policy", "read-data"),
	} {
		if !edges[e] {
			t.Errorf("no edge %s", e)
		}
	}

	var b bytes.Buffer
	if err := graphmodel.Encode(&b, graphmodel.NewSnapshot(frag)); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte("must-never-be-read")) {
		t.Error("a Lambda environment variable reached the snapshot")
	}
	if bytes.Contains(b.Bytes(), []byte("bXVzdC1uZXZlci1iZS1yZWFk")) || bytes.Contains(b.Bytes(), []byte("v-must-never-be-read")) {
		t.Error("launch template user data reached the snapshot")
	}
}

// TestLiveSaveDirReplays checks that the raw outputs saved by a live run
// give the same fragment when read offline.
func TestLiveSaveDirReplays(t *testing.T) {
	f := newFakeAWS(t)
	dir := filepath.Join(t.TempDir(), "export")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A file of an earlier save that this run does not fill must go.
	if err := os.WriteFile(filepath.Join(dir, "sqs-list-queues.json"), []byte(`{"QueueUrls":["https://sqs.us-east-1.amazonaws.com/1/stale"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	live, err := collectFake(t, f, 0, LiveOptions{Regions: []string{"eu-west-1", "us-east-1"}, SaveDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		if _, known := offlineFileNamed(e.Name()); !known && e.Name() != GAADFile {
			t.Errorf("saved %s, which the offline reader does not read", e.Name())
		}
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("must-never-be-read")) || bytes.Contains(data, []byte("bXVzdC1uZXZlci1iZS1yZWFk")) {
			t.Errorf("%s holds an environment variable, user data, a parameter, an argument or a secret version id", e.Name())
		}
	}
	// Every offline file but those of Organizations, which the fake
	// account is not part of.
	var wantNames []string
	for _, n := range OfflineFiles() {
		if !strings.HasPrefix(n, "organizations-") && n != GapsFile { // no call failed
			wantNames = append(wantNames, n)
		}
	}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("saved files:\n got %v\nwant %v", names, wantNames)
	}

	offline, err := NewOffline(os.DirFS(dir), dir).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	compareFragments(t, withoutLiveOnly(live), offline)
}

// TestLiveSaveDirReplaysGaps checks that the calls that failed in a live
// run are saved (gaps.json) and reported again, the same, by a replay;
// and that a later save without failures removes the file.
func TestLiveSaveDirReplaysGaps(t *testing.T) {
	f := newFakeAWS(t)
	f.fail("sns:ListTopics", "AuthorizationError", 403, 0)
	f.fail("ec2:DescribeInstances", "UnauthorizedOperation", 403, 0) // and the converter's gap for the SSM-managed instance
	f.fail("ecr:GetRepositoryPolicy", "AccessDeniedException", 400, 0)
	dir := t.TempDir()
	live, err := collectFake(t, f, 0, LiveOptions{Regions: []string{"us-east-1", "eu-west-1"}, SaveDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var whats []string
	for _, g := range live.Source.Gaps {
		whats = append(whats, g.What)
	}
	want := []string{"ec2:DescribeInstances", "sns:ListTopics", "ec2:DescribeInstances", "sns:ListTopics",
		"ecr:GetRepositoryPolicy", "ecr:GetRepositoryPolicy", "ec2 instance i-0abc"}
	if !reflect.DeepEqual(whats, want) {
		t.Errorf("live gaps %q, want %q (eu-west-1's calls, then us-east-1's, then the converter's)", whats, want)
	}
	offline, err := NewOffline(os.DirFS(dir), dir).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The failed calls replay exactly; the converter's gap names its
	// input, a call live and a file offline (compareFragments checks it).
	n := len(want) - 1
	if len(offline.Source.Gaps) < n || !reflect.DeepEqual(offline.Source.Gaps[:n], live.Source.Gaps[:n]) {
		t.Errorf("replayed gaps:\n got %+v\nwant %+v", offline.Source.Gaps, live.Source.Gaps)
	}
	compareFragments(t, live, offline)

	if _, err := collectFake(t, newFakeAWS(t), 0, LiveOptions{SaveDir: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, GapsFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s of the first save is still there after a save without gaps: %v", GapsFile, err)
	}
}

// withoutLiveOnly drops from a live fragment what no offline file holds
// yet: key_manager, from kms:DescribeKey. Once the offline reader has a
// file for it, live and offline must match whole.
func withoutLiveOnly(frag graphmodel.Fragment) graphmodel.Fragment {
	if _, ok := offlineFileNamed("kms-describe-key.json"); ok {
		return frag
	}
	out := frag
	out.Nodes = make([]graphmodel.Node, len(frag.Nodes))
	for i, n := range frag.Nodes {
		if _, ok := n.Properties["key_manager"]; ok {
			props := map[string]string{}
			for k, v := range n.Properties {
				if k != "key_manager" {
					props[k] = v
				}
			}
			n.Properties = props
		}
		out.Nodes[i] = n
	}
	return out
}

// compareFragments checks that two fragments hold the same nodes, edges
// and gaps (a gap's Where names a file or an API call, and may differ).
func compareFragments(t *testing.T, want, got graphmodel.Fragment) {
	t.Helper()
	enc := func(v any) string {
		b, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if g, w := enc(got.Nodes), enc(want.Nodes); g != w {
		t.Errorf("nodes differ:\n got %s\nwant %s", g, w)
	}
	if g, w := enc(got.Edges), enc(want.Edges); g != w {
		t.Errorf("edges differ:\n got %s\nwant %s", g, w)
	}
	gaps := func(list []graphmodel.Gap) []string {
		var out []string
		for _, g := range list {
			out = append(out, g.What+": "+g.Reason)
		}
		sort.Strings(out)
		return out
	}
	if g, w := gaps(got.Source.Gaps), gaps(want.Source.Gaps); !reflect.DeepEqual(g, w) {
		t.Errorf("gaps differ:\n got %v\nwant %v", g, w)
	}
	if got.Source.Scope != want.Source.Scope {
		t.Errorf("scope %q, want %q", got.Source.Scope, want.Source.Scope)
	}
}

func TestLiveThrottlingIsRetried(t *testing.T) {
	baseline := newFakeAWS(t)
	if _, err := collectFake(t, baseline, 0, LiveOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		call, code string
		status     int
	}{
		{"kms:ListKeys", "ThrottlingException", 400},
		{"iam:GetAccountAuthorizationDetails", "Throttling", 400},
		{"lambda:ListFunctions", "TooManyRequestsException", 429},
		{"ec2:DescribeInstances", "RequestLimitExceeded", 503},
		{"ec2:DescribeLaunchTemplateVersions", "RequestLimitExceeded", 503},
		{"s3:GetBucketPolicy", "SlowDown", 503},
		{"secretsmanager:ListSecrets", "ThrottlingException", 400},
		{"sns:GetTopicAttributes", "Throttling", 400},
	} {
		t.Run(tc.call, func(t *testing.T) {
			f := newFakeAWS(t)
			f.fail(tc.call, tc.code, tc.status, 2)
			frag, err := collectFake(t, f, 0, LiveOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := f.count(tc.call), baseline.count(tc.call)+2; got != want {
				t.Errorf("%s answered %d times, want %d (two throttled attempts retried)", tc.call, got, want)
			}
			if got := f.backoff.retried(); !reflect.DeepEqual(got, []int{1, 2}) {
				t.Errorf("backoffs asked after attempts %v, want after attempts 1 and 2", got)
			}
			if len(frag.Source.Gaps) != 0 {
				t.Errorf("gaps after retries: %+v", frag.Source.Gaps)
			}
			nodes := nodeIndex(frag)
			for _, id := range []string{fakeKeyARN, fakeFnA, fakeInst, fakeLT, fakeSecretARN, fakeTopicARN, fakeARN("role", "service/fn-role")} {
				if _, ok := nodes[id]; !ok {
					t.Errorf("no node %s after retries", id)
				}
			}
			if nodes[fakeLT].Properties["default_role"] == "" {
				t.Error("no launch template role after retries")
			}
			if _, ok := nodes[fakeTopicARN].Documents["policy"]; !ok {
				t.Error("no topic policy after retries")
			}
			if _, ok := nodes[fakeBucket].Documents["policy"]; !ok {
				t.Error("no bucket policy after retries")
			}
		})
	}
}

func TestLiveThrottlingExhaustedIsAGap(t *testing.T) {
	f := newFakeAWS(t)
	f.fail("kms:ListKeys", "ThrottlingException", 400, 0)
	frag, err := collectFake(t, f, 3, LiveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.count("kms:ListKeys"); got != 3 {
		t.Errorf("ListKeys tried %d times, want 3 (MaxAttempts)", got)
	}
	if got := f.backoff.retried(); !reflect.DeepEqual(got, []int{1, 2}) {
		t.Errorf("backoffs asked after attempts %v, want after attempts 1 and 2 (the third is the last)", got)
	}
	want := []graphmodel.Gap{{What: "kms:ListKeys", Reason: "ThrottlingException", Where: "account " + fakeAccount + " region us-east-1"}}
	if !reflect.DeepEqual(frag.Source.Gaps, want) {
		t.Errorf("gaps:\n got %+v\nwant %+v", frag.Source.Gaps, want)
	}
}

func TestLiveFailedCallIsAGap(t *testing.T) {
	where := "account " + fakeAccount + " region us-east-1"
	for _, tc := range []struct {
		call, code string
		status     int
		gaps       []graphmodel.Gap
		// absent must be missing from the fragment, kept must be there.
		absent, kept []string
	}{
		{
			call: "lambda:ListFunctions", code: "AccessDeniedException", status: 403,
			gaps:   []graphmodel.Gap{{What: "lambda:ListFunctions", Reason: "AccessDeniedException", Where: where}},
			absent: []string{fakeFnA, fakeFnB}, kept: []string{fakeBucket, fakeKeyARN, fakeInst, fakeARN("role", "service/fn-role")},
		},
		{
			call: "lambda:GetPolicy", code: "AccessDeniedException", status: 403,
			gaps: []graphmodel.Gap{
				{What: "lambda:GetPolicy", Reason: "AccessDeniedException", Where: where + " (function " + fakeFnA + ")"},
				{What: "lambda:GetPolicy", Reason: "AccessDeniedException", Where: where + " (function " + fakeFnB + ")"},
			},
			kept: []string{fakeFnA, fakeFnB},
		},
		{
			call: "ec2:DescribeInstances", code: "UnauthorizedOperation", status: 403,
			gaps: []graphmodel.Gap{
				{What: "ec2:DescribeInstances", Reason: "UnauthorizedOperation", Where: where},
				// The converter's: Systems Manager manages an instance the listing lacks.
				{What: "ec2 instance i-0abc", Reason: "managed by Systems Manager but absent from ec2-describe-instances.json",
					Where: "ssm:DescribeInstanceInformation " + where + ": InstanceInformationList[0] (instance i-0abc)"},
			},
			absent: []string{fakeInst}, kept: []string{fakeFnA, fakeKeyARN},
		},
		{
			call: "ec2:DescribeLaunchTemplateVersions", code: "UnauthorizedOperation", status: 403,
			gaps: []graphmodel.Gap{{What: "ec2:DescribeLaunchTemplateVersions", Reason: "UnauthorizedOperation", Where: where + " (launch template lt-0web)"}},
			kept: []string{fakeLT, fakeInst},
		},
		{
			call: "secretsmanager:GetResourcePolicy", code: "AccessDeniedException", status: 400,
			gaps: []graphmodel.Gap{{What: "secretsmanager:GetResourcePolicy", Reason: "AccessDeniedException", Where: where + " (secret " + fakeSecretARN + ")"}},
			kept: []string{fakeSecretARN, fakeTopicARN},
		},
		{
			call: "sns:ListTopics", code: "AuthorizationError", status: 403,
			gaps:   []graphmodel.Gap{{What: "sns:ListTopics", Reason: "AuthorizationError", Where: where}},
			absent: []string{fakeTopicARN}, kept: []string{fakeSecretARN},
		},
		{
			call: "s3:ListBuckets", code: "AccessDenied", status: 403,
			gaps:   []graphmodel.Gap{{What: "s3:ListBuckets", Reason: "AccessDenied", Where: "account " + fakeAccount}},
			absent: []string{fakeBucket, fakeOld}, kept: []string{fakeFnA, fakeKeyARN},
		},
		{
			call: "s3:GetBucketPolicy", code: "AccessDenied", status: 403,
			gaps: []graphmodel.Gap{
				{What: "s3:GetBucketPolicy", Reason: "AccessDenied", Where: where + " (bucket fake-bucket)"},
				// old-bucket's policy is asked in its region (GetBucketLocation: EU).
				{What: "s3:GetBucketPolicy", Reason: "AccessDenied", Where: "account " + fakeAccount + " region eu-west-1 (bucket old-bucket)"},
			},
			kept: []string{fakeBucket, fakeOld},
		},
		{
			call: "kms:GetKeyPolicy", code: "AccessDeniedException", status: 400,
			gaps: []graphmodel.Gap{{What: "kms:GetKeyPolicy", Reason: "AccessDeniedException", Where: where + " (key " + fakeKeyARN + ")"}},
			kept: []string{fakeKeyARN},
		},
		{
			call: "iam:GenerateCredentialReport", code: "AccessDenied", status: 403,
			gaps: []graphmodel.Gap{{What: "iam:GenerateCredentialReport", Reason: "AccessDenied", Where: "account " + fakeAccount}},
			kept: []string{fakeARN("user", "ci-bot"), fakeFnA},
		},
		{
			call: "iam:ListSAMLProviders", code: "AccessDenied", status: 403,
			gaps:   []graphmodel.Gap{{What: "iam:ListSAMLProviders", Reason: "AccessDenied", Where: "account " + fakeAccount}},
			absent: []string{fakeSAML}, kept: []string{fakeFnA},
		},
		{
			call: "ecs:DescribeTaskDefinition", code: "AccessDeniedException", status: 400,
			gaps:   []graphmodel.Gap{{What: "ecs:DescribeTaskDefinition", Reason: "AccessDeniedException", Where: where + " (task definition " + fakeTaskDef + ")"}},
			absent: []string{fakeTaskDef}, kept: []string{fakeECSService},
		},
		{
			call: "eks:ListAccessEntries", code: "AccessDeniedException", status: 403,
			gaps:   []graphmodel.Gap{{What: "eks:ListAccessEntries", Reason: "AccessDeniedException", Where: where + " (cluster prod)"}},
			absent: []string{fakeAccessEntry}, kept: []string{fakeCluster, fakePodIdentity},
		},
		{
			call: "eks:ListAssociatedAccessPolicies", code: "AccessDeniedException", status: 403,
			gaps: []graphmodel.Gap{{What: "eks:ListAssociatedAccessPolicies", Reason: "AccessDeniedException",
				Where: where + " (cluster prod access entry " + fakeRole + ")"}},
			kept: []string{fakeAccessEntry},
		},
		{
			call: "eks:DescribePodIdentityAssociation", code: "AccessDeniedException", status: 403,
			gaps: []graphmodel.Gap{{What: "eks:DescribePodIdentityAssociation", Reason: "AccessDeniedException",
				Where: where + " (cluster prod pod identity association a-0123456789abcdef0)"}},
			absent: []string{fakePodIdentity}, kept: []string{fakeCluster, fakeAccessEntry},
		},
		{
			call: "iam:ListOpenIDConnectProviders", code: "AccessDenied", status: 403,
			gaps:   []graphmodel.Gap{{What: "iam:ListOpenIDConnectProviders", Reason: "AccessDenied", Where: "account " + fakeAccount}},
			absent: []string{"arn:aws:iam::" + fakeAccount + ":oidc-provider/token.actions.githubusercontent.com"},
			kept:   []string{fakeFnA},
		},
	} {
		t.Run(tc.call, func(t *testing.T) {
			f := newFakeAWS(t)
			f.fail(tc.call, tc.code, tc.status, 0)
			frag, err := collectFake(t, f, 0, LiveOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(frag.Source.Gaps, tc.gaps) {
				t.Errorf("gaps:\n got %+v\nwant %+v", frag.Source.Gaps, tc.gaps)
			}
			calls := 0
			for _, g := range tc.gaps {
				if g.What == tc.call {
					calls++
				}
			}
			if got := f.count(tc.call); got != calls {
				t.Errorf("%s answered %d times, want %d: AccessDenied is not retried", tc.call, got, calls)
			}
			nodes := nodeIndex(frag)
			for _, id := range tc.absent {
				if _, ok := nodes[id]; ok {
					t.Errorf("node %s present although its call failed", id)
				}
			}
			for _, id := range tc.kept {
				if _, ok := nodes[id]; !ok {
					t.Errorf("node %s missing: the rest must be collected", id)
				}
			}
		})
	}
	t.Run("credential report denied leaves users without report properties", func(t *testing.T) {
		f := newFakeAWS(t)
		f.fail("iam:GetCredentialReport", "AccessDenied", 403, 0)
		frag, err := collectFake(t, f, 0, LiveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := nodeIndex(frag)[fakeARN("user", "ci-bot")].Properties["active_access_keys"]; got != "" {
			t.Errorf("active_access_keys = %q without a report", got)
		}
	})
}

// TestLiveConfigMapClusterHasNoAccessEntries: a cluster authenticated by
// the aws-auth ConfigMap alone is not asked for access entries (the API
// refuses the call), and that is no gap.
func TestLiveConfigMapClusterHasNoAccessEntries(t *testing.T) {
	f := newFakeAWS(t)
	f.eksAuthMode = "CONFIG_MAP"
	frag, err := collectFake(t, f, 0, LiveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(frag.Source.Gaps) != 0 {
		t.Errorf("gaps: %+v", frag.Source.Gaps)
	}
	for _, call := range []string{"eks:ListAccessEntries", "eks:DescribeAccessEntry", "eks:ListAssociatedAccessPolicies"} {
		if n := f.count(call); n != 0 {
			t.Errorf("%s called %d times for a CONFIG_MAP cluster", call, n)
		}
	}
	if f.count("eks:ListPodIdentityAssociations") != 1 {
		t.Error("pod identity associations not listed: they do not depend on the authentication mode")
	}
}

func TestLiveRequiredCallFails(t *testing.T) {
	for _, tc := range []struct{ call, code, want string }{
		{"iam:GetAccountAuthorizationDetails", "AccessDenied", "iam:GetAccountAuthorizationDetails (account " + fakeAccount + ")"},
		{"sts:GetCallerIdentity", "InvalidClientTokenId", "sts:GetCallerIdentity"},
	} {
		t.Run(tc.call, func(t *testing.T) {
			f := newFakeAWS(t)
			f.fail(tc.call, tc.code, 403, 0)
			_, err := collectFake(t, f, 0, LiveOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.code) {
				t.Fatalf("error %v, want one naming %q and %s", err, tc.want, tc.code)
			}
		})
	}
}

func TestLiveCredentialReportWait(t *testing.T) {
	t.Run("polls until complete", func(t *testing.T) {
		f := newFakeAWS(t)
		f.reportPolls = 2
		frag, err := collectFake(t, f, 0, LiveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.count("iam:GenerateCredentialReport"); got != 3 {
			t.Errorf("GenerateCredentialReport called %d times, want 3", got)
		}
		if got := nodeIndex(frag)[fakeARN("user", "auditor")].Properties["mfa_active"]; got != "true" {
			t.Errorf("auditor mfa_active = %q", got)
		}
	})
	t.Run("gives up after ReportWait", func(t *testing.T) {
		f := newFakeAWS(t)
		f.reportPolls = 1 << 30
		frag, err := collectFake(t, f, 0, LiveOptions{ReportWait: 20 * time.Millisecond, PollInterval: 5 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if len(frag.Source.Gaps) != 1 || frag.Source.Gaps[0].What != "iam:GetCredentialReport" ||
			!strings.Contains(frag.Source.Gaps[0].Reason, "INPROGRESS") {
			t.Errorf("gaps: %+v", frag.Source.Gaps)
		}
		if f.count("iam:GetCredentialReport") != 0 {
			t.Error("GetCredentialReport called before the report was complete")
		}
	})
}

func TestLiveRegions(t *testing.T) {
	t.Run("all lists the enabled regions", func(t *testing.T) {
		f := newFakeAWS(t)
		dir := t.TempDir()
		if _, err := collectFake(t, f, 0, LiveOptions{Regions: []string{AllRegions}, SaveDir: dir}); err != nil {
			t.Fatal(err)
		}
		if f.count("ec2:DescribeRegions") != 1 {
			t.Errorf("DescribeRegions called %d times", f.count("ec2:DescribeRegions"))
		}
		data, err := os.ReadFile(filepath.Join(dir, "lambda-list-functions.json"))
		if err != nil {
			t.Fatal(err)
		}
		var outs []struct{ Region string }
		if err := json.Unmarshal(data, &outs); err != nil {
			t.Fatal(err)
		}
		if len(outs) != 2 || outs[0].Region != "eu-west-1" || outs[1].Region != "us-east-1" {
			t.Errorf("lambda-list-functions.json regions: %+v", outs)
		}
	})
	t.Run("default is the configured region", func(t *testing.T) {
		f := newFakeAWS(t)
		if _, err := NewLive(f.config(t, 0), LiveOptions{PollInterval: time.Millisecond}).Collect(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := f.count("lambda:ListFunctions"); got != 2 { // two pages in us-east-1 (AWS_REGION)
			t.Errorf("ListFunctions called %d times, want 2", got)
		}
	})
	t.Run("bad region name", func(t *testing.T) {
		f := newFakeAWS(t)
		_, err := collectFake(t, f, 0, LiveOptions{Regions: []string{"us-east-1", "mars"}})
		if err == nil || !strings.Contains(err.Error(), `"mars"`) {
			t.Errorf("error %v, want one naming the bad region", err)
		}
		if n := f.count("sts:GetCallerIdentity"); n != 0 {
			t.Errorf("%d calls made before the region names were checked", n)
		}
	})
}

// TestLiveProgress: every call is published, in order, and the last
// event is the final one, with every call counted.
func TestLiveProgress(t *testing.T) {
	f := newFakeAWS(t)
	var events []collectors.Progress
	if _, err := collectFake(t, f, 0, LiveOptions{Progress: func(ev collectors.Progress) { events = append(events, ev) }}); err != nil {
		t.Fatal(err)
	}
	total := 0
	f.mu.Lock()
	for _, n := range f.calls {
		total += n
	}
	f.mu.Unlock()
	if len(events) != total+1 {
		t.Fatalf("%d events for %d calls, want one per call and the final one", len(events), total)
	}
	for i, ev := range events[:total] {
		if ev.Stage != ProgressStage || ev.Requests != i+1 || ev.Final || ev.Total != 0 {
			t.Fatalf("event %d = %+v, want call %d of stage %q", i, ev, i+1, ProgressStage)
		}
	}
	if last := events[total]; !last.Final || last.Requests != total {
		t.Errorf("last event %+v, want the final one with %d calls", last, total)
	}
	if !strings.HasPrefix(events[0].Latest, "STS GetCallerIdentity ") {
		t.Errorf("first call %q, want sts:GetCallerIdentity", events[0].Latest)
	}
}

// TestLiveRegionPanics: a region whose collection panics (here in the
// progress function, on a Lambda call of that region) becomes a gap; the other
// regions and the account are collected.
func TestLiveRegionPanics(t *testing.T) {
	f := newFakeAWS(t)
	panicked := false
	progress := func(ev collectors.Progress) {
		if !panicked && ev.Latest == "Lambda ListFunctions eu-west-1" {
			panicked = true
			panic("renderer bug")
		}
	}
	frag, err := collectFake(t, f, 0, LiveOptions{Regions: []string{"us-east-1", "eu-west-1"}, Concurrency: 1, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	want := []graphmodel.Gap{{What: "collect region", Reason: "panicked: renderer bug", Where: "account " + fakeAccount + " region eu-west-1"}}
	if !reflect.DeepEqual(frag.Source.Gaps, want) {
		t.Errorf("gaps:\n got %+v\nwant %+v", frag.Source.Gaps, want)
	}
	if _, ok := nodeIndex(frag)[fakeFnA]; !ok {
		t.Error("region us-east-1 was not collected")
	}
}

func TestLiveCancelled(t *testing.T) {
	f := newFakeAWS(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewLive(f.config(t, 0), LiveOptions{Regions: []string{"us-east-1"}}).Collect(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestLoadConfigRejectsBadEndpoint(t *testing.T) {
	isolateAWSEnv(t)
	for _, ep := range []string{"localhost:4566", "ftp://x", "http://"} {
		if _, err := LoadConfig(context.Background(), ConfigOptions{EndpointURL: ep}); err == nil {
			t.Errorf("endpoint %q accepted", ep)
		}
	}
}

// TestRetryer checks the retryer LoadConfig gives every client, without
// waiting on it: the adaptive mode, the attempts and the longest backoff
// asked for (or the defaults), the throttling errors retried, and no
// retry quota to run out of.
func TestRetryer(t *testing.T) {
	isolateAWSEnv(t)
	throttles := []string{"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"}
	for _, tc := range []struct {
		name        string
		opts        ConfigOptions
		maxAttempts int
		maxBackoff  time.Duration
	}{
		{name: "defaults", maxAttempts: DefaultMaxAttempts, maxBackoff: DefaultMaxBackoff},
		{name: "bounds", opts: ConfigOptions{MaxAttempts: 3, MaxBackoff: 50 * time.Millisecond}, maxAttempts: 3, maxBackoff: 50 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := LoadConfig(context.Background(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			r := cfg.Retryer()
			if _, ok := r.(*retry.AdaptiveMode); !ok {
				t.Fatalf("retryer %T, want the adaptive mode", r)
			}
			if r.MaxAttempts() != tc.maxAttempts {
				t.Errorf("max attempts %d, want %d", r.MaxAttempts(), tc.maxAttempts)
			}
			for _, code := range throttles {
				if !r.IsErrorRetryable(&smithy.GenericAPIError{Code: code}) {
					t.Errorf("%s is not retried", code)
				}
			}
			if r.IsErrorRetryable(&smithy.GenericAPIError{Code: "AccessDenied"}) {
				t.Error("AccessDenied is retried")
			}
			var longest time.Duration
			for attempt := 1; attempt <= 50; attempt++ {
				d, err := r.RetryDelay(attempt, &smithy.GenericAPIError{Code: "Throttling"})
				if err != nil || d < 0 || d > tc.maxBackoff {
					t.Fatalf("attempt %d: delay %v, %v; want at most %v", attempt, d, err, tc.maxBackoff)
				}
				longest = max(longest, d)
			}
			if longest == 0 {
				t.Error("the backoff never waits")
			}
			// The standard mode's quota (500, 5 per retry) would refuse
			// the 101st retry never released.
			for i := range 1000 {
				if _, err := r.GetRetryToken(context.Background(), &smithy.GenericAPIError{Code: "Throttling"}); err != nil {
					t.Fatalf("retry %d refused: %v", i+1, err)
				}
			}
		})
	}
}
