package awslive

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/graphmodel"
)

// createOrg makes moto's account the management account of an
// organization with two member accounts, each holding a user (an account
// without any identity is no export), and returns the members' ids.
func createOrg(ctx context.Context, t *testing.T, cfg aws.Config) []string {
	t.Helper()
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	must(t, "create user", createUser(ctx, iam.NewFromConfig(cfg), "org-admin"))
	oc := organizations.NewFromConfig(cfg)
	_, err := oc.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: "ALL"})
	var inOrg *orgtypes.AlreadyInOrganizationException
	if errors.As(err, &inOrg) {
		err = nil // moto reset, so the SDK's retry found what the first attempt made
	}
	must(t, "create organization", err)
	var members []string
	for _, name := range []string{"dev", "prod"} {
		id, err := createAccount(ctx, oc, name)
		must(t, "create account "+name, err)
		members = append(members, id)
		member := cfg.Copy()
		member.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg),
			"arn:aws:iam::"+id+":role/"+awscollect.DefaultAssumeRole))
		must(t, "create user in "+name, createUser(ctx, iam.NewFromConfig(member), name+"-user"))
	}
	return members
}

// createAccount creates the member account name once and returns its ID.
// The SDK does not retry the call: a retry after an answer lost on the way
// would make a second account. After an error, an account with the same
// email is the one the call made; otherwise the call is made again, at
// most three times in all.
func createAccount(ctx context.Context, oc *organizations.Client, name string) (string, error) {
	email := name + "@example.com"
	var err error
	for range 3 {
		var out *organizations.CreateAccountOutput
		out, err = oc.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(email)},
			func(o *organizations.Options) { o.Retryer = aws.NopRetryer{} })
		if err == nil {
			return aws.ToString(out.CreateAccountStatus.AccountId), nil
		}
		accounts, listErr := oc.ListAccounts(ctx, &organizations.ListAccountsInput{})
		if listErr != nil {
			continue
		}
		for _, a := range accounts.Accounts {
			if aws.ToString(a.Email) == email {
				return aws.ToString(a.Id), nil
			}
		}
	}
	return "", err
}

// createUser creates an IAM user. A user that already exists is no error:
// when moto answers a create slowly the SDK may retry it, and the retry
// finds the user the first attempt made.
func createUser(ctx context.Context, c *iam.Client, name string) error {
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	var exists *iamtypes.EntityAlreadyExistsException
	if errors.As(err, &exists) {
		return nil
	}
	return err
}

// TestMotoCollectOrg collects a moto organization of three accounts with
// --org: one snapshot holding each account, the tree and its policies;
// the saved directory (one subdirectory per account) replays the same.
func TestMotoCollectOrg(t *testing.T) {
	ep := motoEndpoint(t)
	resetMoto(t, ep)
	isolateAWSEnv(t)
	ctx := context.Background()
	cfg, err := awscollect.LoadConfig(ctx, awscollect.ConfigOptions{EndpointURL: ep, MaxAttempts: 2, MaxBackoff: 50 * time.Millisecond})
	must(t, "load config", err)
	members := createOrg(ctx, t, cfg)

	dir := t.TempDir()
	frags, err := awscollect.NewLive(cfg, awscollect.LiveOptions{
		Regions: []string{region}, SaveDir: dir, PollInterval: 50 * time.Millisecond, Concurrency: 2,
	}).CollectOrg(ctx)
	must(t, "collect org", err)
	var scopes []string
	for _, f := range frags {
		scopes = append(scopes, f.Source.Scope)
	}
	want := []string{"aws:account:" + account, "aws:account:" + members[0], "aws:account:" + members[1]}
	if members[0] > members[1] {
		want[1], want[2] = want[2], want[1]
	}
	if !reflect.DeepEqual(scopes, want) {
		t.Fatalf("fragments of %q, want %q", scopes, want)
	}
	snap := graphmodel.NewSnapshot(frags...)
	nodes := map[string]graphmodel.Node{}
	for _, n := range snap.Nodes {
		nodes[n.ID] = n
	}
	if nodes["aws:account:"+account].Properties["management"] != "true" {
		t.Errorf("management account: %+v", nodes["aws:account:"+account])
	}
	for i, name := range []string{"dev", "prod"} {
		if _, ok := nodes["arn:aws:iam::"+members[i]+":user/"+name+"-user"]; !ok {
			t.Errorf("no user %s-user in account %s", name, members[i])
		}
	}
	policies := 0
	for id := range nodes {
		if strings.HasPrefix(id, "arn:aws:organizations::") && strings.Contains(id, ":policy/") {
			policies++
		}
	}
	if policies < 2 {
		t.Errorf("%d organization policies, want moto's FullAWSAccess SCP and RCPFullAWSAccess", policies)
	}

	var cs []collectors.Collector
	for _, s := range want {
		sub := dir + "/" + strings.TrimPrefix(s, "aws:account:")
		cs = append(cs, awscollect.NewOffline(os.DirFS(sub), sub))
	}
	offline, err := collectors.Run(ctx, cs...)
	must(t, "replay the saved organization", err)
	if got, want := snapshotJSON(t, offline), snapshotJSON(t, snap); got != want {
		t.Errorf("replayed organization differs:\n%s", firstDiff(want, got))
	}
}

// TestMotoCollectOrgAssumeDenied denies the assumption of one member's
// role through a proxy (moto lets any role be assumed): that account is a
// gap of the management account's fragment; the other is collected.
func TestMotoCollectOrgAssumeDenied(t *testing.T) {
	ep := motoEndpoint(t)
	resetMoto(t, ep)
	isolateAWSEnv(t)
	ctx := context.Background()
	cfg, err := awscollect.LoadConfig(ctx, awscollect.ConfigOptions{EndpointURL: ep, MaxAttempts: 2, MaxBackoff: 50 * time.Millisecond})
	must(t, "load config", err)
	members := createOrg(ctx, t, cfg)
	denied := "arn:aws:iam::" + members[0] + ":role/" + awscollect.DefaultAssumeRole

	target, err := url.Parse(ep)
	must(t, "parse endpoint", err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), "/sts/aws4_request") {
			if err := r.ParseForm(); err == nil && r.PostForm.Get("Action") == "AssumeRole" && r.PostForm.Get("RoleArn") == denied {
				w.Header().Set("Content-Type", "text/xml")
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: sts:AssumeRole</Message></Error><RequestId>1</RequestId></ErrorResponse>`))
				return
			}
			r.Body = http.NoBody
			body := r.PostForm.Encode()
			r.Body = ioNopCloser(body)
			r.ContentLength = int64(len(body))
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	cfg, err = awscollect.LoadConfig(ctx, awscollect.ConfigOptions{EndpointURL: srv.URL, MaxAttempts: 2, MaxBackoff: 50 * time.Millisecond})
	must(t, "load config", err)
	frags, err := awscollect.NewLive(cfg, awscollect.LiveOptions{Regions: []string{region}, PollInterval: 50 * time.Millisecond}).CollectOrg(ctx)
	must(t, "collect org", err)
	if len(frags) != 2 || frags[1].Source.Scope != "aws:account:"+members[1] {
		t.Fatalf("%d fragments, want the management account's and %s's", len(frags), members[1])
	}
	wantGap := graphmodel.Gap{What: "sts:AssumeRole", Reason: "AccessDenied", Where: "account " + members[0] + " (role " + denied + ")"}
	found := false
	for _, g := range frags[0].Source.Gaps {
		found = found || g == wantGap
	}
	if !found {
		t.Errorf("no gap %+v in %+v", wantGap, frags[0].Source.Gaps)
	}
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
