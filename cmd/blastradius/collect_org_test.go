package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// orgFake is an httptest server for "collect aws --org": a management
// account whose organization lists three active member accounts, one
// whose role cannot be assumed and one suspended. It answers, in each
// protocol's real shape, sts:GetCallerIdentity and sts:AssumeRole,
// organizations:ListAccounts and iam:GetAccountAuthorizationDetails (one
// role per account); every other call is denied, which the collector
// records as gaps. Callers are told apart by their access key: the
// management account's from the environment, a member's from AssumeRole.
type orgFake struct {
	t   *testing.T
	srv *httptest.Server

	mu sync.Mutex
	// assumed lists the RoleArn and RoleSessionName of each AssumeRole.
	assumed []string
	// inGAAD counts the member accounts inside GetAccountAuthorizationDetails,
	// entered those that reached it; maxInGAAD is the most at once.
	inGAAD, entered, maxInGAAD int
	changed                    *sync.Cond
}

const (
	orgManagement = "111122223333"
	orgManagerKey = "AKIDMANAGER"
	orgDenied     = "444455556666"
	orgSuspended  = "555566667777"
)

// orgMembers are the member accounts whose role can be assumed.
var orgMembers = []string{"222233334444", "333344445555", "777788889999"}

func newOrgFake(t *testing.T) *orgFake {
	f := &orgFake{t: t}
	f.changed = sync.NewCond(&f.mu)
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

var orgCredential = regexp.MustCompile(`Credential=([^/]+)/\d{8}/[^/]+/([^/]+)/aws4_request`)

func (f *orgFake) serve(w http.ResponseWriter, r *http.Request) {
	m := orgCredential.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "unsigned request", http.StatusForbidden)
		return
	}
	key, service := m[1], m[2]
	account := orgManagement
	if a, ok := strings.CutPrefix(key, "ASIA"); ok {
		account = a
	}
	body, _ := io.ReadAll(r.Body)
	op, params := "", url.Values{}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		op = target[strings.LastIndexByte(target, '.')+1:]
	} else if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		params, _ = url.ParseQuery(string(body))
		op = params.Get("Action")
	}
	switch service + ":" + op {
	case "sts:GetCallerIdentity":
		orgXML(w, "GetCallerIdentity", "https://sts.amazonaws.com/doc/2011-06-15/",
			`<Arn>arn:aws:iam::`+account+`:user/auditor</Arn><UserId>AIDAAUDITOR</UserId><Account>`+account+`</Account>`)
	case "sts:AssumeRole":
		role := params.Get("RoleArn")
		f.mu.Lock()
		f.assumed = append(f.assumed, role+" "+params.Get("RoleSessionName"))
		f.mu.Unlock()
		member := graphmodel.AWSAccountOfARN(role)
		if member == orgDenied {
			orgError(w, "sts", "AccessDenied")
			return
		}
		orgXML(w, "AssumeRole", "https://sts.amazonaws.com/doc/2011-06-15/",
			`<Credentials><AccessKeyId>ASIA`+member+`</AccessKeyId><SecretAccessKey>member-secret</SecretAccessKey>`+
				`<SessionToken>member-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>`+
				`<AssumedRoleUser><AssumedRoleId>AROAMEMBER:blastradius</AssumedRoleId><Arn>`+role+`</Arn></AssumedRoleUser>`)
	case "organizations:ListAccounts":
		if account != orgManagement {
			f.t.Errorf("ListAccounts called by account %s", account)
		}
		var accounts []string
		for _, a := range append([]string{orgManagement, orgDenied, orgSuspended}, orgMembers...) {
			state := "ACTIVE"
			if a == orgSuspended {
				state = "SUSPENDED"
			}
			accounts = append(accounts, `{"Id":"`+a+`","Arn":"arn:aws:organizations::`+orgManagement+`:account/o-fake/`+a+`",`+
				`"Name":"acct-`+a+`","Email":"never-stored@example.com","State":"`+state+`","Status":"`+state+`"}`)
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"Accounts":[`+strings.Join(accounts, ",")+`]}`)
	case "iam:GetAccountAuthorizationDetails":
		if account != orgManagement {
			f.enterGAAD()
			defer f.leaveGAAD()
		}
		trust := url.PathEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
		orgXML(w, "GetAccountAuthorizationDetails", "https://iam.amazonaws.com/doc/2010-05-08/",
			`<UserDetailList/><GroupDetailList/><RoleDetailList><member><Path>/</Path><RoleName>app</RoleName><RoleId>AROAAPP</RoleId>`+
				`<Arn>arn:aws:iam::`+account+`:role/app</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate>`+
				`<AssumeRolePolicyDocument>`+trust+`</AssumeRolePolicyDocument><InstanceProfileList/><RolePolicyList/>`+
				`<AttachedManagedPolicies/><Tags/></member></RoleDetailList><Policies/><IsTruncated>false</IsTruncated>`)
	default:
		orgError(w, service, "AccessDenied")
	}
}

// gaadHold bounds how long enterGAAD holds a member account's call.
const gaadHold = 2 * time.Second

// enterGAAD holds a member account's call until every member has come,
// or for gaadHold: a collection that honours --concurrency 2 has exactly
// two accounts inside at once (the third waits for a slot), one that
// ignores it has all three.
func (f *orgFake) enterGAAD() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inGAAD++
	f.entered++
	f.maxInGAAD = max(f.maxInGAAD, f.inGAAD)
	f.changed.Broadcast()
	deadline := time.Now().Add(gaadHold)
	go func() { // wake the wait below at the deadline
		time.Sleep(gaadHold)
		f.changed.Broadcast()
	}()
	for f.entered < len(orgMembers) && time.Now().Before(deadline) {
		f.changed.Wait()
	}
}

func (f *orgFake) leaveGAAD() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inGAAD--
	f.changed.Broadcast()
}

func orgXML(w http.ResponseWriter, op, ns, result string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></%sResponse>`,
		op, ns, op, result, op, op)
}

// orgError answers an error with code in the shape of the service's protocol.
func orgError(w http.ResponseWriter, service, code string) {
	const msg = "denied by the test"
	switch service {
	case "iam", "sts", "sns", "cloudformation", "rds":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`, code, msg)
	case "ec2":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>req-1</RequestID></Response>`, code, msg)
	case "s3":
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>req-1</RequestId></Error>`, code, msg)
	default: // JSON 1.0, 1.1 and REST-JSON
		body := fmt.Sprintf(`{"__type":%q,"message":%q}`, code, msg)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", code)
		// DynamoDB signs its answers with a CRC32 the SDK checks.
		w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(body))), 10))
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, body)
	}
}

// TestCollectAWSOrg runs "collect aws --org --assume-role NAME
// --concurrency 2" in process against orgFake: every active member is
// collected by assuming NAME in it, two accounts at a time, into one
// snapshot with a subdirectory of --save-dir each; the member whose role
// cannot be assumed and the suspended one are gaps of the management
// account, and the run succeeds.
func TestCollectAWSOrg(t *testing.T) {
	f := newOrgFake(t)
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": orgManagerKey, "AWS_SECRET_ACCESS_KEY": "test-secret", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "", "AWS_CONFIG_FILE": filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_ENDPOINT_URL": "", "AWS_RETRY_MODE": "", "AWS_MAX_ATTEMPTS": "",
	} {
		t.Setenv(k, v)
	}
	snapPath, saveDir := filepath.Join(dir, "org.snap.json"), filepath.Join(dir, "org")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"blastradius", "collect", "aws", "--org", "--assume-role", "audit-ro", "--concurrency", "2",
		"--regions", "us-east-1", "--endpoint-url", f.srv.URL, "--save-dir", saveDir, "-o", snapPath}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}

	f.mu.Lock()
	assumed, maxInGAAD := slices.Sorted(slices.Values(f.assumed)), f.maxInGAAD
	f.mu.Unlock()
	var want []string
	for _, a := range append([]string{orgDenied}, orgMembers...) {
		want = append(want, "arn:aws:iam::"+a+":role/audit-ro blastradius")
	}
	slices.Sort(want)
	if !slices.Equal(assumed, want) {
		t.Errorf("AssumeRole calls:\n got %q\nwant %q (each active member once, the role of --assume-role)", assumed, want)
	}
	if maxInGAAD != 2 {
		t.Errorf("%d member accounts collected at once, want 2 (--concurrency 2)", maxInGAAD)
	}

	data, err := os.ReadFile(snapPath)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := graphmodel.Decode(snapPath, data)
	if err != nil {
		t.Fatal(err)
	}
	var scopes []string
	for _, s := range snap.Sources {
		scopes = append(scopes, s.Scope)
	}
	wantScopes := []string{graphmodel.AWSAccountScope(orgManagement)}
	for _, a := range orgMembers {
		wantScopes = append(wantScopes, graphmodel.AWSAccountScope(a))
	}
	if !slices.Equal(scopes, wantScopes) {
		t.Errorf("snapshot sources %q, want the management account then each collected member %q", scopes, wantScopes)
	}
	nodes := map[string]bool{}
	for _, n := range snap.Nodes {
		nodes[n.ID] = true
	}
	for _, a := range append([]string{orgManagement}, orgMembers...) {
		if role := "arn:aws:iam::" + a + ":role/app"; !nodes[role] {
			t.Errorf("no node %s: account %s not collected", role, a)
		}
		if _, err := os.Stat(filepath.Join(saveDir, a, "gaad.json")); err != nil {
			t.Errorf("--save-dir: %v", err)
		}
	}
	gaps := map[string]bool{}
	for _, g := range snap.Sources[0].Gaps {
		gaps[g.What+" "+g.Where] = true
	}
	for _, g := range []string{
		"sts:AssumeRole account " + orgDenied + " (role arn:aws:iam::" + orgDenied + ":role/audit-ro)",
		"organizations:ListAccounts account " + orgSuspended,
	} {
		if !gaps[g] {
			t.Errorf("no gap %q in the management account's gaps", g)
		}
	}
	if !strings.Contains(stderr.String(), "gap: sts:AssumeRole: AccessDenied (account "+orgDenied) {
		t.Errorf("stderr does not report the denied account:\n%s", stderr.String())
	}
	if strings.Contains(string(data), "never-stored@example.com") {
		t.Error("an account e-mail address reached the snapshot")
	}
	var decoded map[string]any
	if err := json.Unmarshal(data, &decoded); err != nil || stdout.Len() != 0 {
		t.Errorf("snapshot JSON %v, stdout %q: with -o the snapshot goes to the file only", err, stdout.String())
	}
}
