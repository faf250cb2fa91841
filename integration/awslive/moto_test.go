package awslive

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/graphmodel"
)

// EndpointEnv names the environment variable holding the moto endpoint.
const EndpointEnv = "BLASTRADIUS_MOTO_ENDPOINT"

const (
	account = "123456789012" // moto's default account
	region  = "us-east-1"
)

// motoEndpoint returns the moto server's endpoint, skipping the test when
// none is given, or failing it when CI is set.
func motoEndpoint(t *testing.T) string {
	t.Helper()
	ep := os.Getenv(EndpointEnv)
	if ep != "" {
		return strings.TrimRight(ep, "/")
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not set: CI must run the moto integration tests (make test starts moto)", EndpointEnv)
	}
	t.Skipf("%s is not set: start moto with scripts/moto-server start, or run make test", EndpointEnv)
	return ""
}

// resetMoto clears the server's state.
func resetMoto(t *testing.T, ep string) {
	t.Helper()
	resp, err := http.Post(ep+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("reset moto at %s: %v", ep, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset moto at %s: %s", ep, resp.Status)
	}
}

// isolateAWSEnv gives the SDK fake static credentials and no shared
// configuration, so that the developer's own AWS setup is never used.
func isolateAWSEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "testing",
		"AWS_SECRET_ACCESS_KEY":       "testing",
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  region,
		"AWS_DEFAULT_REGION":          region,
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             dir + "/config",
		"AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ENDPOINT_URL":            "",
	} {
		t.Setenv(k, v)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Policy documents the test creates, as the compact JSON it sends.
func doc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

func arn(kind, name string) string { return "arn:aws:iam::" + account + ":" + kind + "/" + name }

var (
	lambdaTrust   = doc(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`)
	ec2Trust      = doc(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`)
	adminTrust    = doc(`{"Effect":"Allow","Principal":{"AWS":"` + arn("user", "alice") + `"},"Action":"sts:AssumeRole"}`)
	devToolsV1    = doc(`{"Effect":"Allow","Action":"logs:Describe*","Resource":"*"}`)
	devToolsV2    = doc(`{"Effect":"Allow","Action":["logs:Describe*","logs:Get*"],"Resource":"*"}`)
	adminAll      = doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`)
	appData       = doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::blastradius-data/*"}`)
	aliceInline   = doc(`{"Sid":"AssumeAdmin","Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + arn("role", "admin-role") + `"}`)
	groupInline   = doc(`{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}`)
	appRoleInline = doc(`{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}`)
	bucketPolicy  = doc(`{"Sid":"AppReads","Effect":"Allow","Principal":{"AWS":"` + arn("role", "app-role") + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::blastradius-data/*"}`)
	keyPolicy     = doc(
		`{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+account+`:root"},"Action":"kms:*","Resource":"*"}`,
		`{"Sid":"AppDecrypts","Effect":"Allow","Principal":{"AWS":"`+arn("role", "app-role")+`"},"Action":"kms:Decrypt","Resource":"*"}`)
)

// secretValue and userData must never reach a snapshot or a saved file.
const (
	secretValue = "s3cr3t-value-never-collected"
	userData    = "ZWNobyBub3QtYS1zZWNyZXQ="
)

var secretPolicy = doc(`{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}`)

func topicPolicy(topic string) string {
	return doc(`{"Sid":"Events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"` + topic + `"}`)
}

// estate is what the test created and expects to find.
type estate struct {
	functionARN, keyARN, instanceID, launchTemplateID, secretARN, topicARN string
}

// createEstate creates a small but realistic account through the SDK (see
// tryCreateEstate), whole: moto sometimes acts on a create whose answer the
// SDK then fails to read, and the SDK's retry fails as already existing.
// On any failure moto is reset and the estate created again, three times
// at most.
func createEstate(ctx context.Context, t *testing.T, cfg aws.Config) estate {
	t.Helper()
	var err error
	for range 3 {
		var e estate
		if e, err = tryCreateEstate(ctx, cfg); err == nil {
			return e
		}
		t.Logf("creating the test estate: %v; resetting moto and trying again", err)
		resetMoto(t, aws.ToString(cfg.BaseEndpoint))
	}
	t.Fatalf("create the test estate: %v", err)
	return estate{}
}

// setupFailure is a failed step of tryCreateEstate.
type setupFailure struct {
	what string
	err  error
}

func (f setupFailure) Error() string { return f.what + ": " + f.err.Error() }

// check stops tryCreateEstate when err is not nil.
func check(what string, err error) {
	if err != nil {
		panic(setupFailure{what, err})
	}
}

// tryCreateEstate creates a small but realistic account through the SDK:
// users in a group, a service user with an access key, roles with trust
// policies, customer-managed policies (one with two versions), inline
// policies, a permissions boundary, an instance profile with an instance
// and a launch template using it, an OIDC provider, a Lambda function with a resource
// policy, a bucket with a bucket policy and a KMS key with a key policy.
func tryCreateEstate(ctx context.Context, cfg aws.Config) (e estate, failed error) {
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(setupFailure)
			if !ok {
				panic(r)
			}
			failed = f
		}
	}()
	// Fresh connections only: the SDK retries a request whose reused
	// connection the server had closed, and a create it had already acted on
	// would then fail as "already exists".
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	ic := iam.NewFromConfig(cfg)
	policy := func(name, document string) string {
		out, err := ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(document)})
		check("create policy "+name, err)
		return aws.ToString(out.Policy.Arn)
	}
	devTools := policy("dev-tools", devToolsV1)
	_, err := ic.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{
		PolicyArn: aws.String(devTools), PolicyDocument: aws.String(devToolsV2), SetAsDefault: true,
	})
	check("create policy version", err)
	admin := policy("admin-all", adminAll)
	data := policy("app-data", appData)

	_, err = ic.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("developers")})
	check("create group", err)
	_, err = ic.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("developers"), PolicyArn: aws.String(devTools)})
	check("attach group policy", err)
	_, err = ic.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("developers"), PolicyName: aws.String("describe"), PolicyDocument: aws.String(groupInline)})
	check("put group policy", err)

	_, err = ic.CreateUser(ctx, &iam.CreateUserInput{
		UserName: aws.String("alice"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("platform")}},
	})
	check("create user alice", err)
	_, err = ic.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Not-a-secret-1")})
	check("create login profile", err)
	_, err = ic.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("alice"), GroupName: aws.String("developers")})
	check("add user to group", err)
	_, err = ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("assume-admin"), PolicyDocument: aws.String(aliceInline)})
	check("put user policy", err)

	_, err = ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("deploy-bot")})
	check("create user deploy-bot", err)
	_, err = ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("deploy-bot")})
	check("create access key", err)

	role := func(name, trust string, attach ...string) {
		_, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
		check("create role "+name, err)
		for _, p := range attach {
			_, err := ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String(p)})
			check("attach role policy", err)
		}
	}
	role("admin-role", adminTrust, admin)
	role("app-role", lambdaTrust, data)
	_, err = ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app-role"), PolicyName: aws.String("decrypt"), PolicyDocument: aws.String(appRoleInline)})
	check("put role policy", err)
	_, err = ic.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("app-role"), PermissionsBoundary: aws.String(data)})
	check("put role permissions boundary", err)
	role("ec2-role", ec2Trust)
	_, err = ic.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ec2-profile")})
	check("create instance profile", err)
	_, err = ic.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ec2-profile"), RoleName: aws.String("ec2-role")})
	check("add role to instance profile", err)
	_, err = ic.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://token.actions.githubusercontent.com"), ClientIDList: []string{"sts.amazonaws.com"},
		ThumbprintList: []string{strings.Repeat("a", 40)},
	})
	check("create OIDC provider", err)

	lc := lambda.NewFromConfig(cfg)
	fn, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("app-fn"), Role: aws.String(arn("role", "app-role")),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"),
		Code: &lambdatypes.FunctionCode{ZipFile: handlerZip()},
	})
	check("create function", err)
	e.functionARN = aws.ToString(fn.FunctionArn)
	// Not retried: moto does not refuse a repeated statement id, so a
	// retry after an unread answer would add the statement twice. An error
	// is checked against the function's policy instead.
	_, err = lc.AddPermission(ctx, &lambda.AddPermissionInput{
		FunctionName: aws.String("app-fn"), StatementId: aws.String("s3-invoke"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("s3.amazonaws.com"),
	}, func(o *lambda.Options) { o.Retryer = aws.NopRetryer{} })
	if err != nil {
		pol, perr := lc.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("app-fn")})
		if perr != nil || !strings.Contains(aws.ToString(pol.Policy), `"s3-invoke"`) {
			check("add permission", err)
		}
	}

	sc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	_, err = sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("blastradius-data")})
	check("create bucket", err)
	_, err = sc.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("blastradius-data"), Policy: aws.String(bucketPolicy)})
	check("put bucket policy", err)
	_, err = sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("blastradius-logs")})
	check("create bucket", err)

	kc := kms.NewFromConfig(cfg)
	key, err := kc.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(keyPolicy), Description: aws.String("app data")})
	check("create key", err)
	e.keyARN = aws.ToString(key.KeyMetadata.Arn)

	ec := ec2.NewFromConfig(cfg)
	images, err := ec.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	check("describe images", err)
	if len(images.Images) == 0 {
		check("find an image", errors.New("moto lists no image to start an instance from"))
	}
	run, err := ec.RunInstances(ctx, &ec2.RunInstancesInput{
		ImageId: images.Images[0].ImageId, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		InstanceType:       ec2types.InstanceTypeT3Micro,
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("ec2-profile")},
		TagSpecifications: []ec2types.TagSpecification{{
			ResourceType: ec2types.ResourceTypeInstance,
			Tags:         []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("worker")}},
		}},
	})
	check("run instances", err)
	e.instanceID = aws.ToString(run.Instances[0].InstanceId)
	lt, err := ec.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String("workers"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{
			ImageId:            images.Images[0].ImageId,
			IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String("ec2-profile")},
			UserData:           aws.String(userData),
		},
	})
	check("create launch template", err)
	e.launchTemplateID = aws.ToString(lt.LaunchTemplate.LaunchTemplateId)

	smc := secretsmanager.NewFromConfig(cfg)
	secret, err := smc.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("db-password"), SecretString: aws.String(secretValue)})
	check("create secret", err)
	e.secretARN = aws.ToString(secret.ARN)
	_, err = smc.PutResourcePolicy(ctx, &secretsmanager.PutResourcePolicyInput{SecretId: secret.ARN, ResourcePolicy: aws.String(secretPolicy)})
	check("put resource policy", err)

	nc := sns.NewFromConfig(cfg)
	topic, err := nc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts")})
	check("create topic", err)
	e.topicARN = aws.ToString(topic.TopicArn)
	_, err = nc.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{
		TopicArn: topic.TopicArn, AttributeName: aws.String("Policy"), AttributeValue: aws.String(topicPolicy(e.topicARN)),
	})
	check("set topic policy", err)
	return e, nil
}

// handlerZip is a deployment package holding one Python handler.
func handlerZip() []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, err := z.Create("index.py")
	check("zip", err)
	_, err = w.Write([]byte("def handler(event, context):\n    return 'ok'\n"))
	check("zip", err)
	check("zip", z.Close())
	return b.Bytes()
}

func TestMotoLiveCollection(t *testing.T) {
	ep := motoEndpoint(t)
	resetMoto(t, ep)
	isolateAWSEnv(t)
	ctx := context.Background()
	cfg, err := awscollect.LoadConfig(ctx, awscollect.ConfigOptions{EndpointURL: ep, MaxBackoff: 100 * time.Millisecond})
	must(t, "load config", err)
	e := createEstate(ctx, t, cfg)
	svcs := createServices(ctx, t, cfg)

	saveDir := t.TempDir()
	live := awscollect.NewLive(cfg, awscollect.LiveOptions{
		Regions: []string{region}, SaveDir: saveDir, PollInterval: 50 * time.Millisecond,
	})
	liveSnap, err := collectors.Run(ctx, live)
	must(t, "collect live", err)

	t.Run("snapshot holds what was created", func(t *testing.T) {
		checkEstate(t, liveSnap, e)
		checkServices(t, liveSnap, svcs)
	})
	t.Run("no secret material", func(t *testing.T) {
		var b bytes.Buffer
		must(t, "encode", graphmodel.Encode(&b, liveSnap))
		files, err := os.ReadDir(saveDir)
		must(t, "list saved files", err)
		texts := map[string][]byte{"snapshot": b.Bytes()}
		for _, f := range files {
			data, err := os.ReadFile(saveDir + "/" + f.Name())
			must(t, "read saved file", err)
			texts[f.Name()] = data
		}
		for name, data := range texts {
			for _, secret := range []string{secretValue, userData, parameterValue, "saml-metadata-never-collected"} {
				if bytes.Contains(data, []byte(secret)) {
					t.Errorf("%s holds %q", name, secret)
				}
			}
		}
	})
	t.Run("gaps are the calls moto lacks", func(t *testing.T) {
		var got []string
		for _, g := range liveSnap.Gaps() {
			got = append(got, g.What+" ("+g.Where+")")
		}
		var want []string
		for _, m := range motoLacks {
			where := "account " + account + " region " + region
			if m.item != "" {
				where += " (" + m.item + ")"
			}
			want = append(want, m.call+" ("+where+")")
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("gaps:\n got %q\nwant %q", got, want)
		}
	})

	offSnap, err := collectors.Run(ctx, awscollect.NewOffline(os.DirFS(saveDir), saveDir))
	must(t, "collect the saved directory offline", err)

	t.Run("saved directory replays the same snapshot", func(t *testing.T) {
		if got, want := snapshotJSON(t, offSnap), snapshotJSON(t, liveOnlyStripped(liveSnap)); got != want {
			t.Errorf("offline snapshot differs from the live one:\n%s", firstDiff(want, got))
		}
	})
	t.Run("live and offline analyses are equal", func(t *testing.T) {
		liveRes, offRes := analyze(t, liveSnap), analyze(t, offSnap)
		if got, want := resultJSON(t, offRes), resultJSON(t, liveRes); got != want {
			t.Errorf("offline analysis differs from the live one:\n%s", firstDiff(want, got))
		}
		admin := find(liveRes, arn("user", "alice"))
		if admin == nil || !slices.Contains(admin.AdminOf, "aws:account:"+account) {
			t.Errorf("alice (assumes admin-role) is not admin of the account: %+v", admin)
		}
	})
}

// checkEstate checks the live snapshot against what createEstate made.
func checkEstate(t *testing.T, snap *graphmodel.Snapshot, e estate) {
	t.Helper()
	nodes := map[string]graphmodel.Node{}
	for _, n := range snap.Nodes {
		nodes[n.ID] = n
	}
	node := func(id string, kind graphmodel.NodeKind) graphmodel.Node {
		t.Helper()
		n, ok := nodes[id]
		if !ok {
			t.Fatalf("no node %s", id)
		}
		if n.Kind != kind {
			t.Errorf("%s: kind %s, want %s", id, n.Kind, kind)
		}
		return n
	}
	sameDoc := func(what string, got json.RawMessage, want string) {
		t.Helper()
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Errorf("%s: %v in %s", what, err, got)
			return
		}
		must(t, "test document", json.Unmarshal([]byte(want), &w))
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %s\nwant %s", what, got, want)
		}
	}
	prop := func(n graphmodel.Node, key, want string) {
		t.Helper()
		if got := n.Prop(key); got != want {
			t.Errorf("%s: property %s = %q, want %q", n.ID, key, got, want)
		}
	}

	if len(snap.Sources) != 1 || snap.Sources[0].Scope != "aws:account:"+account || snap.Sources[0].Origin != awscollect.LiveOrigin {
		t.Errorf("sources: %+v", snap.Sources)
	}
	node("aws:account:"+account, graphmodel.KindAWSAccount)
	alice := node(arn("user", "alice"), graphmodel.KindAWSUser)
	if alice.Tags["team"] != "platform" {
		t.Errorf("alice tags: %v", alice.Tags)
	}
	// The credential report: alice has a console password and no key,
	// deploy-bot one active key and no password.
	creds := func(n graphmodel.Node, password bool, keys int) {
		t.Helper()
		gotPassword, gotKeys, hasPassword := false, 0, false
		for _, c := range n.Credentials {
			switch {
			case c.Kind == graphmodel.CredentialPassword:
				hasPassword, gotPassword = true, c.Active
			case c.Kind == graphmodel.CredentialAccessKey && c.Active:
				gotKeys++
			}
		}
		if !hasPassword || gotPassword != password || gotKeys != keys || n.Prop(graphmodel.PropUsageTracked) != "true" {
			t.Errorf("%s: credentials %+v; want password %v, %d active keys, usage tracked", n.ID, n.Credentials, password, keys)
		}
	}
	creds(alice, true, 0)
	bot := node(arn("user", "deploy-bot"), graphmodel.KindAWSUser)
	creds(bot, false, 1)
	if !bot.IsNonHuman() {
		t.Errorf("deploy-bot (no password, one active key) is not non-human")
	}
	node(arn("group", "developers"), graphmodel.KindAWSGroup)
	sameDoc("alice's inline policy", node(arn("user", "alice")+"#inline:assume-admin", graphmodel.KindAWSInlinePolicy).Documents["policy"], aliceInline)
	sameDoc("group inline policy", node(arn("group", "developers")+"#inline:describe", graphmodel.KindAWSInlinePolicy).Documents["policy"], groupInline)
	sameDoc("app-role inline policy", node(arn("role", "app-role")+"#inline:decrypt", graphmodel.KindAWSInlinePolicy).Documents["policy"], appRoleInline)

	dev := node(arn("policy", "dev-tools"), graphmodel.KindAWSManagedPolicy)
	prop(dev, "default_version", "v2")
	sameDoc("dev-tools v1", dev.Documents["v1"], devToolsV1)
	sameDoc("dev-tools v2", dev.Documents["v2"], devToolsV2)
	sameDoc("admin-all v1", node(arn("policy", "admin-all"), graphmodel.KindAWSManagedPolicy).Documents["v1"], adminAll)

	for name, trust := range map[string]string{"admin-role": adminTrust, "app-role": lambdaTrust, "ec2-role": ec2Trust} {
		r := node(arn("role", name), graphmodel.KindAWSRole)
		sameDoc(name+" trust", r.Documents["trust"], trust)
		prop(r, "service_linked", "false")
	}
	node(arn("instance-profile", "ec2-profile"), graphmodel.KindAWSInstanceProfile)

	fn := node(e.functionARN, graphmodel.KindAWSResource)
	prop(fn, "service", "lambda")
	prop(fn, "type", "function")
	prop(fn, "region", region)
	var fnPolicy struct{ Statement []struct{ Sid string } }
	must(t, "function policy", json.Unmarshal(fn.Documents["policy"], &fnPolicy))
	if len(fnPolicy.Statement) != 1 || fnPolicy.Statement[0].Sid != "s3-invoke" {
		t.Errorf("function policy: %s", fn.Documents["policy"])
	}
	data := node("arn:aws:s3:::blastradius-data", graphmodel.KindAWSResource)
	sameDoc("bucket policy", data.Documents["policy"], bucketPolicy)
	if logs := node("arn:aws:s3:::blastradius-logs", graphmodel.KindAWSResource); logs.Documents["policy"] != nil {
		t.Errorf("bucket without policy has one: %s", logs.Documents["policy"])
	}
	key := node(e.keyARN, graphmodel.KindAWSResource)
	sameDoc("key policy", key.Documents["policy"], keyPolicy)
	prop(key, "key_manager", "CUSTOMER")
	inst := node("arn:aws:ec2:"+region+":"+account+":instance/"+e.instanceID, graphmodel.KindAWSResource)
	prop(inst, "instance_profile", arn("instance-profile", "ec2-profile"))
	if inst.Tags["Name"] != "worker" {
		t.Errorf("instance tags: %v", inst.Tags)
	}
	lt := node("arn:aws:ec2:"+region+":"+account+":launch-template/"+e.launchTemplateID, graphmodel.KindAWSResource)
	prop(lt, "default_version", "1")
	prop(lt, "default_role", arn("role", "ec2-role"))
	sec := node(e.secretARN, graphmodel.KindAWSResource)
	sameDoc("secret resource policy", sec.Documents["policy"], secretPolicy)
	sameDoc("topic policy", node(e.topicARN, graphmodel.KindAWSResource).Documents["policy"], topicPolicy(e.topicARN))
	oidc := node("arn:aws:iam::"+account+":oidc-provider/token.actions.githubusercontent.com", graphmodel.KindAWSResource)
	prop(oidc, "url", "token.actions.githubusercontent.com")

	edges := map[string]bool{}
	for _, ed := range snap.Edges {
		edges[ed.From+" "+string(ed.Kind)+" "+ed.To] = true
	}
	for _, want := range []string{
		arn("user", "alice") + " member_of " + arn("group", "developers"),
		arn("group", "developers") + " attached_policy " + arn("policy", "dev-tools"),
		arn("group", "developers") + " inline_policy " + arn("group", "developers") + "#inline:describe",
		arn("user", "alice") + " inline_policy " + arn("user", "alice") + "#inline:assume-admin",
		arn("role", "admin-role") + " attached_policy " + arn("policy", "admin-all"),
		arn("role", "app-role") + " attached_policy " + arn("policy", "app-data"),
		arn("role", "app-role") + " permissions_boundary " + arn("policy", "app-data"),
		arn("instance-profile", "ec2-profile") + " carries_role " + arn("role", "ec2-role"),
		e.functionARN + " carries_role " + arn("role", "app-role"),
		"arn:aws:ec2:" + region + ":" + account + ":launch-template/" + e.launchTemplateID + " carries_role " + arn("role", "ec2-role"),
		"arn:aws:ec2:" + region + ":" + account + ":instance/" + e.instanceID + " carries_role " + arn("role", "ec2-role"),
	} {
		if !edges[want] {
			t.Errorf("no edge %s", want)
		}
	}
}

// liveOnlyStripped returns a copy of a live snapshot without what no
// offline file can hold yet: the key_manager property, which comes from
// kms:DescribeKey. When the offline reader learns a file for it, the
// snapshots must match whole.
func liveOnlyStripped(snap *graphmodel.Snapshot) *graphmodel.Snapshot {
	out := *snap
	if hasOfflineFile("kms-describe-key.json") {
		return &out
	}
	out.Nodes = make([]graphmodel.Node, len(snap.Nodes))
	for i, n := range snap.Nodes {
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
	return &out
}

func hasOfflineFile(name string) bool {
	for _, f := range awscollect.OfflineFiles() {
		if f == name {
			return true
		}
	}
	return false
}

// snapshotJSON encodes a snapshot without what differs between a live and
// an offline collection of the same outputs: origin, collection time, and
// the place a converter gap names (an API call or a file).
func snapshotJSON(t *testing.T, snap *graphmodel.Snapshot) string {
	t.Helper()
	s := *snap
	s.Sources = append([]graphmodel.Source(nil), snap.Sources...)
	for i := range s.Sources {
		s.Sources[i].Origin = ""
		s.Sources[i].CollectedAt = time.Time{}
		gaps := append([]graphmodel.Gap(nil), s.Sources[i].Gaps...)
		for j := range gaps {
			gaps[j].Where = ""
		}
		s.Sources[i].Gaps = gaps
	}
	var b bytes.Buffer
	must(t, "encode snapshot", graphmodel.Encode(&b, &s))
	return b.String()
}

func analyze(t *testing.T, snap *graphmodel.Snapshot) *analysis.Result {
	t.Helper()
	res, err := analysis.Analyze(context.Background(), snap, analysis.Options{
		Derivers: []analysis.Deriver{awsanalysis.New()},
		Detail:   analysis.DetailFull,
		Now:      time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	must(t, "analyze", err)
	return res
}

// resultJSON encodes a result without generated_at and origins.
func resultJSON(t *testing.T, res *analysis.Result) string {
	t.Helper()
	r := *res
	r.GeneratedAt = time.Time{}
	r.Snapshots = append([]analysis.SnapshotInfo(nil), res.Snapshots...)
	for i := range r.Snapshots {
		r.Snapshots[i].Origin = ""
	}
	b, err := json.MarshalIndent(&r, "", " ")
	must(t, "encode result", err)
	return string(b)
}

func find(res *analysis.Result, id string) *analysis.Identity {
	for i := range res.Identities {
		if res.Identities[i].ID == id {
			return &res.Identities[i]
		}
	}
	return nil
}

// firstDiff shows the first line where two texts differ, with context.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			from := max(0, i-3)
			return "line " + strconv.Itoa(i+1) + ":\n want: " + wl + "\n  got: " + gl + "\ncontext (want):\n" + strings.Join(w[from:min(len(w), i+3)], "\n")
		}
	}
	return "(equal)"
}

// TestMotoDeniedCallIsAGap collects the moto account through a proxy that
// denies lambda:ListFunctions the way AWS does (moto itself allows every
// call): the denial becomes a gap naming the call, the account and the
// region, and everything else is collected.
func TestMotoDeniedCallIsAGap(t *testing.T) {
	ep := motoEndpoint(t)
	resetMoto(t, ep)
	isolateAWSEnv(t)
	ctx := context.Background()
	cfg, err := awscollect.LoadConfig(ctx, awscollect.ConfigOptions{EndpointURL: ep, MaxBackoff: 100 * time.Millisecond})
	must(t, "load config", err)
	e := createEstate(ctx, t, cfg)

	target, err := url.Parse(ep)
	must(t, "parse endpoint", err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var denied atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), "/lambda/aws4_request") && strings.TrimSuffix(r.URL.Path, "/") == "/2015-03-31/functions" {
			denied.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"Message":"User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: lambda:ListFunctions"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()

	cfg, err = awscollect.LoadConfig(ctx, awscollect.ConfigOptions{EndpointURL: srv.URL, MaxBackoff: 100 * time.Millisecond})
	must(t, "load config", err)
	snap, err := collectors.Run(ctx, awscollect.NewLive(cfg, awscollect.LiveOptions{Regions: []string{region}, PollInterval: 50 * time.Millisecond}))
	must(t, "collect live", err)

	want := []graphmodel.Gap{{What: "lambda:ListFunctions", Reason: "AccessDeniedException", Where: "account " + account + " region " + region}}
	if got := withoutMotoLacks(snap.Gaps()); !reflect.DeepEqual(got, want) {
		t.Errorf("gaps:\n got %+v\nwant %+v", got, want)
	}
	if n := denied.Load(); n != 1 {
		t.Errorf("ListFunctions denied %d times, want 1 (AccessDenied is not retried)", n)
	}
	ids := map[string]bool{}
	for _, n := range snap.Nodes {
		ids[n.ID] = true
	}
	if ids[e.functionARN] {
		t.Errorf("function %s collected although ListFunctions was denied", e.functionARN)
	}
	for _, id := range []string{arn("user", "alice"), arn("role", "app-role"), e.keyARN, e.secretARN, e.topicARN, "arn:aws:s3:::blastradius-data"} {
		if !ids[id] {
			t.Errorf("no node %s: the rest of the account must be collected", id)
		}
	}
}
