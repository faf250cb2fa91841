package aws

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// fakeAWS is an httptest server answering the calls of the live collector
// with responses in the real wire shapes of each protocol (the AWS query
// protocol of IAM and STS, EC2's query protocol, KMS's JSON protocol,
// Lambda's REST-JSON and S3's REST-XML), for one small account. It covers
// what moto cannot: pagination of GetAccountAuthorizationDetails, and
// faults (throttling, AccessDenied) injected on any call.
//
// Calls are named "<signing service>:<Operation>", e.g.
// "iam:GetAccountAuthorizationDetails", as in the collector's gaps.
type fakeAWS struct {
	t   *testing.T
	srv *httptest.Server

	mu     sync.Mutex
	calls  map[string]int
	faults map[string]fault
	// reportPolls is how many GenerateCredentialReport calls answer
	// INPROGRESS before COMPLETE.
	reportPolls int
	// org makes the account the management account of an organization
	// (see fakeOrgHandlers); without it, it is in none.
	org bool
	// eksAuthMode is the EKS cluster's authentication mode; "" means
	// API_AND_CONFIG_MAP.
	eksAuthMode string
	// handlers replace fakeHandlers' answers to some calls.
	handlers map[string]fakeHandler
	// backoff is the retry backoff of config's retryer.
	backoff fakeBackoff
}

// fault makes a call fail: the attempts numbered 1..times (every attempt
// when times is 0) answer the error code with the HTTP status.
type fault struct {
	code   string
	status int
	times  int
}

const fakeAccount = "111122223333"

func newFakeAWS(t *testing.T) *fakeAWS {
	f := &fakeAWS{t: t, calls: map[string]int{}, faults: map[string]fault{}, handlers: map[string]fakeHandler{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// fail injects a fault on a call.
func (f *fakeAWS) fail(call, code string, status, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[call] = fault{code: code, status: status, times: times}
}

// count returns how many requests a call received.
func (f *fakeAWS) count(call string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[call]
}

var credentialScope = regexp.MustCompile(`Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request`)

func (f *fakeAWS) serve(w http.ResponseWriter, r *http.Request) {
	m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "unsigned request", http.StatusForbidden)
		return
	}
	region, service := m[1], m[2]
	body, _ := io.ReadAll(r.Body)
	op, params := operation(service, r, body)
	call := service + ":" + op

	f.mu.Lock()
	f.calls[call]++
	n := f.calls[call]
	flt, faulty := f.faults[call]
	f.mu.Unlock()
	if faulty && (flt.times == 0 || n <= flt.times) {
		writeError(w, service, flt.code, flt.status)
		return
	}
	h, ok := f.handlers[call]
	if !ok {
		h, ok = fakeHandlers[call]
	}
	if !ok {
		f.t.Errorf("fake AWS: unexpected call %s %s %s", call, r.Method, r.URL)
		writeError(w, service, "InvalidAction", http.StatusBadRequest)
		return
	}
	h(f, w, region, params)
}

// operation finds the operation and its parameters in a request.
func operation(service string, r *http.Request, body []byte) (string, url.Values) {
	if target := r.Header.Get("X-Amz-Target"); target != "" { // JSON 1.0 and 1.1
		var v map[string]any
		_ = json.Unmarshal(body, &v)
		params := url.Values{}
		for k, x := range v {
			params.Set(k, fmt.Sprint(x))
		}
		return target[strings.LastIndexByte(target, '.')+1:], params
	}
	switch service {
	case "iam", "sts", "ec2", "sns", "cloudformation", "rds":
		v, _ := url.ParseQuery(string(body))
		return v.Get("Action"), v
	case "eks":
		return eksOperation(r)
	case "bedrock-agentcore":
		p := strings.TrimSuffix(r.URL.Path, "/")
		if p == "/code-interpreters" && r.Method == http.MethodPost {
			return "ListCodeInterpreters", nil
		}
		if id, ok := strings.CutPrefix(p, "/code-interpreters/"); ok && r.Method == http.MethodGet {
			return "GetCodeInterpreter", url.Values{"codeInterpreterId": {id}}
		}
	case "kms", "secretsmanager":
		var v map[string]any
		_ = json.Unmarshal(body, &v)
		params := url.Values{}
		for k, x := range v {
			params.Set(k, fmt.Sprint(x))
		}
		target := r.Header.Get("X-Amz-Target") // "TrentService.ListKeys"
		return target[strings.LastIndexByte(target, '.')+1:], params
	case "lambda":
		params := r.URL.Query()
		p := strings.TrimSuffix(r.URL.Path, "/")
		if p == "/2015-03-31/functions" {
			return "ListFunctions", params
		}
		if name, ok := strings.CutSuffix(strings.TrimPrefix(p, "/2015-03-31/functions/"), "/policy"); ok {
			params.Set("FunctionName", name)
			return "GetPolicy", params
		}
	case "s3":
		params := r.URL.Query()
		bucket := strings.Trim(r.URL.Path, "/")
		params.Set("Bucket", bucket)
		switch {
		case bucket == "":
			return "ListBuckets", params
		case params.Has("policy"):
			return "GetBucketPolicy", params
		case params.Has("location"):
			return "GetBucketLocation", params
		}
	}
	return r.Method + " " + r.URL.Path, nil
}

// eksOperation finds an EKS operation in its REST path, whose labels
// (a principal ARN) are escaped.
func eksOperation(r *http.Request) (string, url.Values) {
	var segs []string
	for _, seg := range strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/") {
		s, _ := url.PathUnescape(seg)
		segs = append(segs, s)
	}
	params := r.URL.Query()
	if len(segs) >= 2 {
		params.Set("name", segs[1])
	}
	switch {
	case len(segs) == 1 && segs[0] == "clusters":
		return "ListClusters", params
	case len(segs) == 2:
		return "DescribeCluster", params
	case len(segs) == 3 && segs[2] == "access-entries":
		return "ListAccessEntries", params
	case len(segs) == 4 && segs[2] == "access-entries":
		params.Set("principalArn", segs[3])
		return "DescribeAccessEntry", params
	case len(segs) == 5 && segs[2] == "access-entries" && segs[4] == "access-policies":
		params.Set("principalArn", segs[3])
		return "ListAssociatedAccessPolicies", params
	case len(segs) == 3 && segs[2] == "pod-identity-associations":
		return "ListPodIdentityAssociations", params
	case len(segs) == 4 && segs[2] == "pod-identity-associations":
		params.Set("associationId", segs[3])
		return "DescribePodIdentityAssociation", params
	}
	return r.Method + " " + r.URL.Path, nil
}

// writeError answers an error in the shape of the service's protocol.
func writeError(w http.ResponseWriter, service, code string, status int) {
	msg := "injected by the test: " + code
	switch service {
	case "iam", "sts", "sns", "cloudformation", "rds":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`, code, msg)
	case "ec2":
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>req-1</RequestID></Response>`, code, msg)
	case "s3":
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>req-1</RequestId></Error>`, code, msg)
	case "lambda", "eks", "bedrock-agentcore":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"Type":"User","Message":%q}`, msg)
	default: // JSON 1.0 and 1.1 (kms, secretsmanager, ecs, sqs, …)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, code, msg)
	}
}

func writeXML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, body)
}

func writeJSON(w http.ResponseWriter, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	io.WriteString(w, body)
}

// queryResponse wraps a result in the AWS query protocol's envelope.
func queryResponse(op, ns, result string) string {
	return fmt.Sprintf(`<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></%sResponse>`,
		op, ns, op, result, op, op)
}

const iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"

// urlDoc URL-encodes a policy document as IAM returns it, then escapes it for XML.
func urlDoc(doc string) string { return html.EscapeString(url.PathEscape(doc)) }

func fakeARN(kind, name string) string {
	return "arn:aws:iam::" + fakeAccount + ":" + kind + "/" + name
}

var (
	fakeLambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	fakeReadPolicy  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	fakeBucketDoc   = `{"Version":"2012-10-17","Statement":[{"Sid":"FnReads","Effect":"Allow","Principal":{"AWS":"` + fakeARN("role", "fn-role") + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::fake-bucket/*"}]}`
	fakeFnPolicy    = `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:` + fakeAccount + `:function:fn-a"}]}`
	fakeKeyPolicy   = `{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + fakeAccount + `:root"},"Action":"kms:*","Resource":"*"}]}`
	fakeSecretDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	fakeTopicDoc    = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"` + fakeTopicARN + `"}]}`
	fakeSecretARN   = "arn:aws:secretsmanager:us-east-1:" + fakeAccount + ":secret:db-password-AbCdEf"
	fakeTopicARN    = "arn:aws:sns:us-east-1:" + fakeAccount + ":alerts"
	fakeKeyARN      = "arn:aws:kms:us-east-1:" + fakeAccount + ":key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
)

// fakeCredentialReport is a credential report with the root account, a
// person and a service user (CSV, as IAM generates it).
var fakeCredentialReport = strings.Join([]string{
	"user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated",
	"<root_account>,arn:aws:iam::" + fakeAccount + ":root,2020-01-01T00:00:00+00:00,not_supported,2024-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"auditor," + fakeARN("user", "auditor") + ",2021-01-01T00:00:00+00:00,true,2024-05-01T00:00:00+00:00,2021-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
	"ci-bot," + fakeARN("user", "ci-bot") + ",2021-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2023-01-01T00:00:00+00:00,2024-05-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
}, "\n") + "\n"

type fakeHandler func(f *fakeAWS, w http.ResponseWriter, region string, params url.Values)

// fakeHandlers answer each call of the collector for the fake account:
// two users, a role used by two Lambda functions and by a launch template
// (through an instance profile), a customer-managed policy;
// GetAccountAuthorizationDetails and ListFunctions in two pages.
var fakeHandlers = map[string]fakeHandler{
	"sts:GetCallerIdentity": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
		writeXML(w, queryResponse("GetCallerIdentity", "https://sts.amazonaws.com/doc/2011-06-15/",
			`<Arn>`+fakeARN("user", "auditor")+`</Arn><UserId>AIDAFAKE</UserId><Account>`+fakeAccount+`</Account>`))
	},
	"iam:GetAccountAuthorizationDetails": func(_ *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
		if p.Get("Marker") == "" {
			writeXML(w, queryResponse("GetAccountAuthorizationDetails", iamNS, `<UserDetailList>`+
				`<member><Path>/</Path><UserName>auditor</UserName><UserId>AIDAAUDITOR</UserId><Arn>`+fakeARN("user", "auditor")+`</Arn>`+
				`<CreateDate>2021-01-01T00:00:00Z</CreateDate><UserPolicyList/><GroupList/><AttachedManagedPolicies/>`+
				`<Tags><member><Key>team</Key><Value>security</Value></member></Tags></member>`+
				`<member><Path>/</Path><UserName>ci-bot</UserName><UserId>AIDACIBOT</UserId><Arn>`+fakeARN("user", "ci-bot")+`</Arn>`+
				`<CreateDate>2021-01-01T00:00:00Z</CreateDate><UserPolicyList/><GroupList/>`+
				`<AttachedManagedPolicies><member><PolicyName>read-data</PolicyName><PolicyArn>`+fakeARN("policy", "read-data")+`</PolicyArn></member></AttachedManagedPolicies></member>`+
				`</UserDetailList><GroupDetailList/><RoleDetailList/><Policies/>`+
				`<IsTruncated>true</IsTruncated><Marker>page-2</Marker>`))
			return
		}
		writeXML(w, queryResponse("GetAccountAuthorizationDetails", iamNS, `<UserDetailList/><GroupDetailList/><RoleDetailList>`+
			`<member><Path>/service/</Path><RoleName>fn-role</RoleName><RoleId>AROAFNROLE</RoleId><Arn>`+fakeARN("role", "service/fn-role")+`</Arn>`+
			`<CreateDate>2022-02-03T04:05:06Z</CreateDate><AssumeRolePolicyDocument>`+urlDoc(fakeLambdaTrust)+`</AssumeRolePolicyDocument>`+
			`<InstanceProfileList><member><Path>/</Path><InstanceProfileName>web-profile</InstanceProfileName><InstanceProfileId>AIPAWEB</InstanceProfileId>`+
			`<Arn>`+fakeARN("instance-profile", "web-profile")+`</Arn><CreateDate>2022-02-03T04:05:06Z</CreateDate><Roles><member>`+
			`<Path>/service/</Path><RoleName>fn-role</RoleName><RoleId>AROAFNROLE</RoleId><Arn>`+fakeARN("role", "service/fn-role")+`</Arn>`+
			`<CreateDate>2022-02-03T04:05:06Z</CreateDate><AssumeRolePolicyDocument>`+urlDoc(fakeLambdaTrust)+`</AssumeRolePolicyDocument>`+
			`</member></Roles></member></InstanceProfileList><RolePolicyList/>`+
			`<AttachedManagedPolicies><member><PolicyName>read-data</PolicyName><PolicyArn>`+fakeARN("policy", "read-data")+`</PolicyArn></member></AttachedManagedPolicies>`+
			`<Tags/><RoleLastUsed><LastUsedDate>2024-05-01T10:20:30Z</LastUsedDate><Region>us-east-1</Region></RoleLastUsed></member>`+
			`</RoleDetailList><Policies>`+
			`<member><PolicyName>read-data</PolicyName><PolicyId>ANPAREAD</PolicyId><Arn>`+fakeARN("policy", "read-data")+`</Arn><Path>/</Path>`+
			`<DefaultVersionId>v1</DefaultVersionId><AttachmentCount>2</AttachmentCount><PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>`+
			`<IsAttachable>true</IsAttachable><CreateDate>2022-01-01T00:00:00Z</CreateDate><UpdateDate>2022-01-01T00:00:00Z</UpdateDate>`+
			`<PolicyVersionList><member><Document>`+urlDoc(fakeReadPolicy)+`</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion>`+
			`<CreateDate>2022-01-01T00:00:00Z</CreateDate></member></PolicyVersionList></member>`+
			`</Policies><IsTruncated>false</IsTruncated>`))
	},
	"iam:GenerateCredentialReport": func(f *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
		state := "COMPLETE"
		if f.count("iam:GenerateCredentialReport") <= f.reportPolls {
			state = "INPROGRESS"
		}
		writeXML(w, queryResponse("GenerateCredentialReport", iamNS, `<State>`+state+`</State><Description>fake</Description>`))
	},
	"iam:GetCredentialReport": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
		writeXML(w, queryResponse("GetCredentialReport", iamNS,
			`<Content>`+base64.StdEncoding.EncodeToString([]byte(fakeCredentialReport))+`</Content>`+
				`<ReportFormat>text/csv</ReportFormat><GeneratedTime>2024-06-01T00:00:00Z</GeneratedTime>`))
	},
	"iam:ListOpenIDConnectProviders": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
		writeXML(w, queryResponse("ListOpenIDConnectProviders", iamNS,
			`<OpenIDConnectProviderList><member><Arn>arn:aws:iam::`+fakeAccount+`:oidc-provider/token.actions.githubusercontent.com</Arn></member></OpenIDConnectProviderList>`))
	},
	"ec2:DescribeRegions": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
		writeXML(w, `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId><regionInfo>`+
			`<item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>`+
			`<item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>`+
			`</regionInfo></DescribeRegionsResponse>`)
	},
	"ec2:DescribeInstances": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
		set := ""
		if region == "us-east-1" {
			set = `<item><reservationId>r-0123</reservationId><ownerId>` + fakeAccount + `</ownerId><groupSet/><instancesSet><item>` +
				`<instanceId>i-0abc</instanceId><imageId>ami-1234</imageId><instanceState><code>16</code><name>running</name></instanceState>` +
				`<instanceType>t3.micro</instanceType><launchTime>2024-03-04T05:06:07.000Z</launchTime>` +
				`<placement><availabilityZone>us-east-1b</availabilityZone><tenancy>default</tenancy></placement>` +
				`<tagSet><item><key>Name</key><value>worker</value></item></tagSet>` +
				`<metadataOptions><state>applied</state><httpTokens>required</httpTokens><httpPutResponseHopLimit>2</httpPutResponseHopLimit><httpEndpoint>enabled</httpEndpoint></metadataOptions>` +
				`</item></instancesSet></item>`
		}
		writeXML(w, `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId><reservationSet>`+set+`</reservationSet></DescribeInstancesResponse>`)
	},
	"ec2:DescribeLaunchTemplates": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
		set := ""
		if region == "us-east-1" {
			set = `<item><launchTemplateId>lt-0web</launchTemplateId><launchTemplateName>web</launchTemplateName>` +
				`<createTime>2024-02-03T04:05:06.000Z</createTime><createdBy>` + fakeARN("user", "auditor") + `</createdBy>` +
				`<defaultVersionNumber>1</defaultVersionNumber><latestVersionNumber>2</latestVersionNumber>` +
				`<tagSet><item><key>app</key><value>web</value></item></tagSet></item>`
		}
		writeXML(w, `<DescribeLaunchTemplatesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId><launchTemplates>`+
			set+`</launchTemplates></DescribeLaunchTemplatesResponse>`)
	},
	"ec2:DescribeLaunchTemplateVersions": func(f *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
		if p.Get("LaunchTemplateId") != "lt-0web" {
			f.t.Errorf("DescribeLaunchTemplateVersions of %q", p.Get("LaunchTemplateId"))
		}
		version := func(n, def, data string) string {
			return `<item><launchTemplateId>lt-0web</launchTemplateId><launchTemplateName>web</launchTemplateName>` +
				`<versionNumber>` + n + `</versionNumber><createTime>2024-02-03T04:05:06.000Z</createTime>` +
				`<defaultVersion>` + def + `</defaultVersion><launchTemplateData>` + data + `</launchTemplateData></item>`
		}
		writeXML(w, `<DescribeLaunchTemplateVersionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId>`+
			`<launchTemplateVersionSet>`+
			version("2", "false", `<imageId>ami-2</imageId><userData>bXVzdC1uZXZlci1iZS1yZWFk</userData>`)+
			version("1", "true", `<iamInstanceProfile><name>web-profile</name></iamInstanceProfile><imageId>ami-1</imageId>`+
				`<userData>bXVzdC1uZXZlci1iZS1yZWFk</userData><metadataOptions><httpTokens>required</httpTokens></metadataOptions>`)+
			`</launchTemplateVersionSet></DescribeLaunchTemplateVersionsResponse>`)
	},
	"s3:ListBuckets": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
		writeXML(w, `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`+
			`<Owner><ID>owner-id</ID><DisplayName>owner</DisplayName></Owner><Buckets>`+
			`<Bucket><Name>fake-bucket</Name><CreationDate>2023-01-02T03:04:05.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket>`+
			`<Bucket><Name>old-bucket</Name><CreationDate>2015-01-02T03:04:05.000Z</CreationDate></Bucket>`+
			`</Buckets></ListAllMyBucketsResult>`)
	},
	"s3:GetBucketLocation": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
		writeXML(w, `<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">EU</LocationConstraint>`)
	},
	"s3:GetBucketPolicy": func(f *fakeAWS, w http.ResponseWriter, region string, p url.Values) {
		switch p.Get("Bucket") {
		case "fake-bucket":
			writeJSON(w, "application/json", fakeBucketDoc)
		case "old-bucket":
			if region != "eu-west-1" {
				f.t.Errorf("GetBucketPolicy of old-bucket (location EU) sent to %s", region)
			}
			writeError(w, "s3", "NoSuchBucketPolicy", http.StatusNotFound)
		}
	},
	"lambda:ListFunctions": func(_ *fakeAWS, w http.ResponseWriter, region string, p url.Values) {
		if region != "us-east-1" {
			writeJSON(w, "application/json", `{"Functions":[]}`)
			return
		}
		fn := func(name string) string {
			return `{"FunctionName":"` + name + `","FunctionArn":"arn:aws:lambda:us-east-1:` + fakeAccount + `:function:` + name + `",` +
				`"Runtime":"python3.12","Role":"` + fakeARN("role", "service/fn-role") + `","Handler":"index.handler","CodeSize":300,` +
				`"Timeout":30,"MemorySize":256,"LastModified":"2024-01-01T00:00:00.000+0000","Version":"$LATEST","PackageType":"Zip",` +
				`"Architectures":["arm64"],"Environment":{"Variables":{"DB_PASSWORD":"must-never-be-read"}}}`
		}
		if p.Get("Marker") == "" {
			writeJSON(w, "application/json", `{"Functions":[`+fn("fn-a")+`],"NextMarker":"m-2"}`)
			return
		}
		writeJSON(w, "application/json", `{"Functions":[`+fn("fn-b")+`]}`)
	},
	"lambda:GetPolicy": func(_ *fakeAWS, w http.ResponseWriter, _ string, p url.Values) {
		if strings.HasSuffix(p.Get("FunctionName"), ":fn-a") {
			b, _ := json.Marshal(map[string]string{"Policy": fakeFnPolicy, "RevisionId": "rev-1"})
			writeJSON(w, "application/json", string(b))
			return
		}
		writeError(w, "lambda", "ResourceNotFoundException", http.StatusNotFound)
	},
	"secretsmanager:ListSecrets": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
		list := ""
		if region == "us-east-1" {
			list = `{"ARN":"` + fakeSecretARN + `","Name":"db-password","CreatedDate":1.7e9,"LastChangedDate":1.7e9,` +
				`"Tags":[{"Key":"env","Value":"prod"}],"SecretVersionsToStages":{"v-must-never-be-read":["AWSCURRENT"]}}`
		}
		writeJSON(w, "application/x-amz-json-1.1", `{"SecretList":[`+list+`]}`)
	},
	"secretsmanager:GetResourcePolicy": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
		b, _ := json.Marshal(map[string]string{"ARN": fakeSecretARN, "Name": "db-password", "ResourcePolicy": fakeSecretDoc})
		writeJSON(w, "application/x-amz-json-1.1", string(b))
	},
	"sns:ListTopics": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
		list := ""
		if region == "us-east-1" {
			list = `<member><TopicArn>` + fakeTopicARN + `</TopicArn></member>`
		}
		writeXML(w, queryResponse("ListTopics", "http://sns.amazonaws.com/doc/2010-03-31/", `<Topics>`+list+`</Topics>`))
	},
	"sns:GetTopicAttributes": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
		writeXML(w, queryResponse("GetTopicAttributes", "http://sns.amazonaws.com/doc/2010-03-31/", `<Attributes>`+
			`<entry><key>Policy</key><value>`+html.EscapeString(fakeTopicDoc)+`</value></entry>`+
			`<entry><key>TopicArn</key><value>`+fakeTopicARN+`</value></entry>`+
			`<entry><key>Owner</key><value>`+fakeAccount+`</value></entry></Attributes>`))
	},
	"kms:ListKeys": func(_ *fakeAWS, w http.ResponseWriter, region string, _ url.Values) {
		if region != "us-east-1" {
			writeJSON(w, "application/x-amz-json-1.1", `{"Keys":[],"Truncated":false}`)
			return
		}
		writeJSON(w, "application/x-amz-json-1.1", `{"Keys":[{"KeyId":"0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0","KeyArn":"`+fakeKeyARN+`"}],"Truncated":false}`)
	},
	"kms:DescribeKey": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
		writeJSON(w, "application/x-amz-json-1.1", `{"KeyMetadata":{"AWSAccountId":"`+fakeAccount+`","KeyId":"0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",`+
			`"Arn":"`+fakeKeyARN+`","CreationDate":1.7e9,"Enabled":true,"KeyUsage":"ENCRYPT_DECRYPT","KeyState":"Enabled",`+
			`"Origin":"AWS_KMS","KeyManager":"AWS","KeySpec":"SYMMETRIC_DEFAULT","MultiRegion":false}}`)
	},
	"kms:GetKeyPolicy": func(_ *fakeAWS, w http.ResponseWriter, _ string, _ url.Values) {
		b, _ := json.Marshal(map[string]string{"Policy": fakeKeyPolicy, "PolicyName": "default"})
		writeJSON(w, "application/x-amz-json-1.1", string(b))
	},
}

// config loads the SDK configuration the way the CLI does, pointed at
// the fake server, with static credentials and a retryer that never
// waits: the collector's retry bounds (retryBounds) in the standard mode,
// whose backoff is f.backoff. The adaptive mode of LoadConfig adds a
// client-side rate limit whose waits, after a throttled call, run on the
// SDK's real clock (a second or two per call) and cannot be injected;
// TestRetryer checks that LoadConfig's retryer has the same bounds.
func (f *fakeAWS) config(t *testing.T, maxAttempts int) aws.Config {
	t.Helper()
	isolateAWSEnv(t)
	cfg, err := LoadConfig(context.Background(), ConfigOptions{EndpointURL: f.srv.URL, MaxAttempts: maxAttempts})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(retryBounds(maxAttempts, 0), func(o *retry.StandardOptions) { o.Backoff = &f.backoff })
	}
	return cfg
}

// fakeBackoff is a retry backoff that waits for nothing and records the
// waits the retryer asked for: the retries a collection made.
type fakeBackoff struct {
	mu sync.Mutex
	// attempts are the attempts numbers that failed and were retried.
	attempts []int
}

// BackoffDelay records the attempt and returns no wait.
func (b *fakeBackoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.attempts = append(b.attempts, attempt)
	return 0, nil
}

// retried returns the attempt numbers retried so far.
func (b *fakeBackoff) retried() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]int(nil), b.attempts...)
}

// isolateAWSEnv gives the SDK static credentials and no shared
// configuration, so that the developer's own AWS setup is never used.
func isolateAWSEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "AKIDTEST",
		"AWS_SECRET_ACCESS_KEY":       "test-secret",
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  "us-east-1",
		"AWS_DEFAULT_REGION":          "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             dir + "/config",
		"AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ENDPOINT_URL":            "",
		"AWS_RETRY_MODE":              "",
		"AWS_MAX_ATTEMPTS":            "",
	} {
		t.Setenv(k, v)
	}
}
