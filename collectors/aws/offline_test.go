package aws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

const (
	acct    = "aws:account:111111111111"
	arnIAM  = "arn:aws:iam::111111111111:"
	alice   = arnIAM + "user/engineering/alice"
	bob     = arnIAM + "user/bob"
	devs    = arnIAM + "group/developers"
	webRole = arnIAM + "role/app/web-server"
	support = arnIAM + "role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"
)

// node builds an expected AWS node.
func node(id string, kind graphmodel.NodeKind, name, scope string, props map[string]string) graphmodel.Node {
	return graphmodel.Node{ID: id, Kind: kind, Provider: graphmodel.ProviderAWS, Name: name, Scope: scope, Properties: props}
}

func withDocs(n graphmodel.Node, kv ...string) graphmodel.Node {
	n.Documents = map[string]json.RawMessage{}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Documents[kv[i]] = json.RawMessage(kv[i+1])
	}
	return n
}

func withTags(n graphmodel.Node, tags map[string]string) graphmodel.Node {
	n.Tags = tags
	return n
}

func accountNode() graphmodel.Node {
	return node(acct, graphmodel.KindAWSAccount, "111111111111", "", nil)
}

func edge(from string, kind graphmodel.EdgeKind, to string) graphmodel.Edge {
	return graphmodel.Edge{From: from, To: to, Kind: kind}
}

func inline(owner, name, doc string) graphmodel.Node {
	return withDocs(node(owner+"#inline:"+name, graphmodel.KindAWSInlinePolicy, name, acct,
		map[string]string{"owner": owner}), "policy", doc)
}

const (
	docOwnKeys     = `{"Version":"2012-10-17","Statement":[{"Sid":"OwnKeys","Effect":"Allow","Action":["iam:CreateAccessKey","iam:DeleteAccessKey","iam:ListAccessKeys","iam:UpdateAccessKey"],"Resource":"arn:aws:iam::*:user/${aws:username}"}]}`
	docSSM         = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:StartSession","Resource":"arn:aws:ec2:*:111111111111:instance/*","Condition":{"StringEquals":{"aws:ResourceTag/env":"dev"}}}]}`
	docBoundary    = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowedServices","Effect":"Allow","Action":["s3:*","ssm:*","cloudwatch:*","iam:Get*","iam:List*"],"Resource":"*"},{"Sid":"NoBoundaryRemoval","Effect":"Deny","Action":["iam:DeleteUserPermissionsBoundary","iam:DeleteRolePermissionsBoundary"],"Resource":"*"}]}`
	docReadOnly    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudwatch:Describe*","ec2:Describe*","iam:Get*","iam:List*","s3:Get*","s3:List*"],"Resource":"*"}]}`
	docEC2Trust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	docSupportTrst = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"support.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	docReadConfig  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::example-app-config/*"},{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:eu-west-1:111111111111:secret:web/db-*"}]}`
	docSupport     = `{"Version":"2012-10-17","Statement":[{"Sid":"AWSSupportPolicy","Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}`
	docS3V1        = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-data/*"}]}`
	docS3V2        = `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::example-data","arn:aws:s3:::example-data/*"]},{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`
)

func s3DataRead() graphmodel.Node {
	return withDocs(node(arnIAM+"policy/data/s3-data-read", graphmodel.KindAWSManagedPolicy, "s3-data-read", acct, map[string]string{
		"path": "/data/", "policy_id": "ANPAEXAMPLES3READ001", "default_version": "v2", "attachment_count": "0",
		"is_attachable": "true", "aws_managed": "false",
		"create_date": "2023-01-15T10:00:00+00:00", "update_date": "2023-06-01T16:30:00+00:00",
	}), "v1", docS3V1, "v2", docS3V2)
}

type collectCase struct {
	dir   string
	nodes []graphmodel.Node
	edges []graphmodel.Edge
	gaps  []graphmodel.Gap
}

func collectCases() []collectCase {
	userGroup := collectCase{
		dir: "user-group",
		nodes: []graphmodel.Node{
			accountNode(),
			withTags(node(alice, graphmodel.KindAWSUser, "alice", acct, map[string]string{
				"path": "/engineering/", "user_id": "AIDAEXAMPLEALICE0001", "create_date": "2021-03-04T09:15:27+00:00",
			}), map[string]string{"team": "platform", "owner": "alice@example.com"}),
			inline(alice, "manage-own-access-keys", docOwnKeys),
			node(devs, graphmodel.KindAWSGroup, "developers", acct, map[string]string{
				"path": "/", "group_id": "AGPAEXAMPLEDEVS00001", "create_date": "2020-11-02T14:01:55+00:00",
			}),
			inline(devs, "ssm-sessions", docSSM),
			withDocs(node(arnIAM+"policy/developer-boundary", graphmodel.KindAWSManagedPolicy, "developer-boundary", acct, map[string]string{
				"path": "/", "policy_id": "ANPAEXAMPLEBOUNDARY1", "default_version": "v1", "attachment_count": "1",
				"is_attachable": "true", "aws_managed": "false",
				"create_date": "2020-11-02T14:05:10+00:00", "update_date": "2020-11-02T14:05:10+00:00",
			}), "v1", docBoundary),
			withDocs(node("arn:aws:iam::aws:policy/ReadOnlyAccess", graphmodel.KindAWSManagedPolicy, "ReadOnlyAccess", "", map[string]string{
				"path": "/", "policy_id": "ANPAILL3HVNFSB6DCOWYQ", "default_version": "v112", "attachment_count": "1",
				"is_attachable": "true", "aws_managed": "true",
				"create_date": "2015-02-06T18:39:48+00:00", "update_date": "2024-06-18T17:51:32+00:00",
			}), "v112", docReadOnly),
		},
		edges: []graphmodel.Edge{
			edge(alice, graphmodel.EdgeMemberOf, devs),
			edge(alice, graphmodel.EdgeAttachedPolicy, "arn:aws:iam::aws:policy/ReadOnlyAccess"),
			edge(alice, graphmodel.EdgeInlinePolicy, alice+"#inline:manage-own-access-keys"),
			edge(alice, graphmodel.EdgePermissionsBoundary, arnIAM+"policy/developer-boundary"),
			edge(devs, graphmodel.EdgeAttachedPolicy, arnIAM+"policy/developer-boundary"),
			edge(devs, graphmodel.EdgeInlinePolicy, devs+"#inline:ssm-sessions"),
		},
	}
	roles := collectCase{
		dir: "role-instance-profile",
		nodes: []graphmodel.Node{
			accountNode(),
			withTags(withDocs(node(webRole, graphmodel.KindAWSRole, "web-server", acct, map[string]string{
				"path": "/app/", "role_id": "AROAEXAMPLEWEBSRV001", "create_date": "2022-05-10T08:00:00+00:00",
				"last_used": "2024-09-30T21:14:03+00:00", "last_used_region": "eu-west-1", "service_linked": "false",
			}), "trust", docEC2Trust), map[string]string{"app": "web"}),
			node(arnIAM+"instance-profile/app/web-server", graphmodel.KindAWSInstanceProfile, "web-server", acct, nil),
			inline(webRole, "read-config", docReadConfig),
			withDocs(node(support, graphmodel.KindAWSRole, "AWSServiceRoleForSupport", acct, map[string]string{
				"path": "/aws-service-role/support.amazonaws.com/", "role_id": "AROAEXAMPLESUPPORT01",
				"create_date": "2019-07-01T12:00:00+00:00", "service_linked": "true",
			}), "trust", docSupportTrst),
			withDocs(node("arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy", graphmodel.KindAWSManagedPolicy,
				"AWSSupportServiceRolePolicy", "", map[string]string{
					"path": "/aws-service-role/", "policy_id": "ANPAJ7W6266ELXF5MISDS", "default_version": "v30",
					"attachment_count": "1", "is_attachable": "false", "aws_managed": "true",
					"create_date": "2018-04-19T18:04:44+00:00", "update_date": "2024-03-25T21:34:12+00:00",
				}), "v30", docSupport),
		},
		edges: []graphmodel.Edge{
			edge(arnIAM+"instance-profile/app/web-server", graphmodel.EdgeCarriesRole, webRole),
			edge(webRole, graphmodel.EdgeInlinePolicy, webRole+"#inline:read-config"),
			edge(support, graphmodel.EdgeAttachedPolicy, "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy"),
		},
	}
	versions := collectCase{
		dir:   "managed-versions",
		nodes: []graphmodel.Node{accountNode(), s3DataRead()},
	}
	extra := versions
	extra.dir = "extra-files"
	where := "testdata/dangling/gaad.json"
	dangling := collectCase{
		dir: "dangling",
		nodes: []graphmodel.Node{
			accountNode(),
			node(bob, graphmodel.KindAWSUser, "bob", acct, map[string]string{
				"path": "/", "user_id": "AIDAEXAMPLEBOB000001", "create_date": "2022-02-02T02:02:02+00:00",
			}),
			node(devs, graphmodel.KindAWSGroup, "developers", acct, map[string]string{
				"path": "/", "group_id": "AGPAEXAMPLEDEVS00001", "create_date": "2020-11-02T14:01:55+00:00",
			}),
			withDocs(node(arnIAM+"policy/legacy", graphmodel.KindAWSManagedPolicy, "legacy", acct, map[string]string{
				"path": "/", "policy_id": "ANPAEXAMPLELEGACY001", "default_version": "v3", "attachment_count": "0",
				"is_attachable": "true", "aws_managed": "false",
				"create_date": "2019-01-01T00:00:00+00:00", "update_date": "2019-03-01T00:00:00+00:00",
			}), "v1", docS3V1),
		},
		edges: []graphmodel.Edge{
			edge(bob, graphmodel.EdgeMemberOf, devs),
			// Dangling managed policies keep their edge; the unknown group "contractors" has none.
			edge(bob, graphmodel.EdgeAttachedPolicy, "arn:aws:iam::aws:policy/AdministratorAccess"),
			edge(bob, graphmodel.EdgePermissionsBoundary, arnIAM+"policy/contractor-boundary"),
		},
		gaps: []graphmodel.Gap{
			{What: "iam:GetAccountAuthorizationDetails", Reason: "IsTruncated: the export is incomplete", Where: where},
			{What: "group contractors", Reason: "referenced by " + bob + " but absent from gaad.json", Where: where},
			{What: "managed policy arn:aws:iam::aws:policy/AdministratorAccess", Reason: "referenced by " + bob + " but absent from gaad.json", Where: where},
			{What: "managed policy " + arnIAM + "policy/contractor-boundary", Reason: "referenced by " + bob + " but absent from gaad.json", Where: where},
			{What: "version v3 of managed policy " + arnIAM + "policy/legacy", Reason: "absent from PolicyVersionList in gaad.json", Where: where},
		},
	}
	return []collectCase{userGroup, roles, versions, extra, dangling}
}

func TestCollect(t *testing.T) {
	for _, tc := range collectCases() {
		t.Run(tc.dir, func(t *testing.T) {
			dir := filepath.Join("testdata", tc.dir)
			frag, err := NewOffline(os.DirFS(dir), "testdata/"+tc.dir).Collect(context.Background())
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			info, err := os.Stat(filepath.Join(dir, "gaad.json"))
			if err != nil {
				t.Fatal(err)
			}
			wantGaps := tc.gaps
			if wantGaps == nil {
				wantGaps = []graphmodel.Gap{}
			}
			wantSource := graphmodel.Source{
				Collector: "aws", Provider: graphmodel.ProviderAWS, Scope: acct,
				Origin: "offline:testdata/" + tc.dir, CollectedAt: info.ModTime().UTC(), Gaps: wantGaps,
			}
			if !reflect.DeepEqual(frag.Source, wantSource) {
				t.Errorf("source:\n got %+v\nwant %+v", frag.Source, wantSource)
			}
			if !sort.SliceIsSorted(frag.Nodes, func(i, j int) bool { return frag.Nodes[i].ID < frag.Nodes[j].ID }) {
				t.Errorf("nodes are not sorted by ID")
			}
			if !sort.SliceIsSorted(frag.Edges, func(i, j int) bool { return frag.Edges[i].Key() < frag.Edges[j].Key() }) {
				t.Errorf("edges are not sorted by key")
			}
			compareNodes(t, frag.Nodes, tc.nodes)
			compareEdges(t, frag.Edges, tc.edges)
		})
	}
}

func compareNodes(t *testing.T, got, want []graphmodel.Node) {
	t.Helper()
	byID := map[string]graphmodel.Node{}
	for _, n := range got {
		byID[n.ID] = n
	}
	for _, w := range want {
		g, ok := byID[w.ID]
		if !ok {
			t.Errorf("missing node %s", w.ID)
			continue
		}
		delete(byID, w.ID)
		if !reflect.DeepEqual(g, w) {
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			t.Errorf("node %s:\n got %s\nwant %s", w.ID, gj, wj)
		}
	}
	for id := range byID {
		t.Errorf("unexpected node %s", id)
	}
}

func compareEdges(t *testing.T, got, want []graphmodel.Edge) {
	t.Helper()
	key := func(list []graphmodel.Edge) []string {
		keys := make([]string, 0, len(list))
		for _, e := range list {
			keys = append(keys, e.From+" -"+string(e.Kind)+"-> "+e.To)
		}
		sort.Strings(keys)
		return keys
	}
	if g, w := key(got), key(want); !reflect.DeepEqual(g, w) {
		t.Errorf("edges:\n got %s\nwant %s", strings.Join(g, "\n     "), strings.Join(w, "\n     "))
	}
	for _, e := range got {
		if e.Kind.Derived() || len(e.Evidence) > 0 || e.Technique != "" {
			t.Errorf("edge %+v: a collector writes fact edges only", e)
		}
	}
}

func TestCollectNotesUnknownFiles(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	defer slog.SetDefault(old)

	if _, err := NewOffline(os.DirFS("testdata/extra-files"), "in").Collect(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if strings.Contains(line, `msg="ignoring unknown file"`) {
			got = append(got, line[strings.Index(line, "file="):])
		}
	}
	want := []string{"file=in/NOTES.txt", "file=in/s3-list-buckets.json"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("notices = %q, want %q (log:\n%s)", got, want, buf.String())
	}
}

func TestCollectTime(t *testing.T) {
	data, err := os.ReadFile("testdata/managed-versions/gaad.json")
	if err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2024, 10, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	tests := []struct {
		name string
		file *fstest.MapFile
		want time.Time
	}{
		{"modification time in UTC", &fstest.MapFile{Data: data, ModTime: mod}, mod.UTC()},
		{"no modification time: now", &fstest.MapFile{Data: data}, time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := NewOffline(fstest.MapFS{"gaad.json": tc.file}, "mem")
			o.now = func() time.Time { return time.Date(2030, 1, 2, 4, 4, 5, 0, time.FixedZone("", 3600)) }
			frag, err := o.Collect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !frag.Source.CollectedAt.Equal(tc.want) || frag.Source.CollectedAt.Location() != time.UTC {
				t.Errorf("CollectedAt = %v, want %v in UTC", frag.Source.CollectedAt, tc.want)
			}
		})
	}
}

func TestCollectCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewOffline(os.DirFS("testdata/managed-versions"), "x").Collect(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// gaadWith returns a one-account export around the given lists.
func gaadWith(lists string) string {
	return `{` + lists + `, "IsTruncated": false}`
}

const goodRole = `{"RoleName": "ci-deployer", "Arn": "arn:aws:iam::111111111111:role/ci-deployer",
  "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}`

func TestCollectBadInput(t *testing.T) {
	tests := []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{
			name: "missing gaad.json",
			fs:   fstest.MapFS{"iam-list-roles.json": {Data: []byte(`{}`)}},
			want: "exports/prod/gaad.json: no gaad.json in exports/prod (write it with: aws iam get-account-authorization-details > gaad.json)",
		},
		{
			name: "truncated JSON",
			fs:   mapFS("{\n  \"UserDetailList\": [\n    {\"UserName\": \"al"),
			want: "exports/prod/gaad.json: line 3, column 21: invalid JSON: unexpected end of JSON input (truncated file?)",
		},
		{
			name: "not JSON",
			fs:   mapFS("An error occurred (AccessDenied) when calling the GetAccountAuthorizationDetails operation\n"),
			want: "exports/prod/gaad.json: line 1, column 1: invalid JSON: invalid character 'A' looking for beginning of value",
		},
		{
			name: "empty file",
			fs:   mapFS(" \n"),
			want: "exports/prod/gaad.json: empty file, expected the JSON output of aws iam get-account-authorization-details",
		},
		{
			name: "an array, not an object",
			fs:   mapFS("\n  []"),
			want: "exports/prod/gaad.json: line 2, column 3: expected a JSON object (the output of aws iam get-account-authorization-details)",
		},
		{
			name: "wrong type for a list",
			fs:   mapFS("{\n  \"UserDetailList\": {}\n}"),
			want: "exports/prod/gaad.json: line 2, column 22 (UserDetailList): expected []aws.UserDetail, found JSON object",
		},
		{
			name: "no principal: account unknown",
			fs:   mapFS(`{"UserDetailList": [], "Policies": []}`),
			want: "exports/prod/gaad.json: no user, group, role or customer-managed policy: cannot tell which account this export is from",
		},
		{
			name: "inline policy that does not parse",
			fs: mapFS(gaadWith(`"UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::111111111111:user/alice",
				"UserPolicyList": [{"PolicyName": "broken", "PolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C"}]}]`)),
			want: "exports/prod/gaad.json: UserDetailList[0] (user alice) UserPolicyList[0] (policy broken): policy document: not a JSON object: unexpected end of JSON input",
		},
		{
			name: "unknown Effect",
			fs: mapFS(gaadWith(`"RoleDetailList": [` + goodRole + `, {"RoleName": "deployer", "Arn": "arn:aws:iam::111111111111:role/deployer",
				"AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sts:AssumeRole"}},
				"RolePolicyList": [{"PolicyName": "deploy", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
					{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
					{"Effect": "Allo", "Action": "lambda:*", "Resource": "*"}]}}]}]`)),
			want: `exports/prod/gaad.json: RoleDetailList[1] (role deployer) RolePolicyList[0] (policy deploy): statement 1, Effect: unknown Effect "Allo" (want Allow or Deny)`,
		},
		{
			name: "trust policy with a bad principal",
			fs: mapFS(gaadWith(`"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111111111111:role/r",
				"AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%22ec2%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"}]`)),
			want: `exports/prod/gaad.json: RoleDetailList[0] (role r) AssumeRolePolicyDocument: statement 0, Principal: a string principal must be "*", not "ec2"`,
		},
		{
			name: "role without trust policy",
			fs:   mapFS(gaadWith(`"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111111111111:role/r"}]`)),
			want: `exports/prod/gaad.json: RoleDetailList[0] (role r) AssumeRolePolicyDocument: policy document: empty document`,
		},
		{
			name: "managed policy version that does not parse",
			fs: mapFS(gaadWith(`"Policies": [{"PolicyName": "p", "Arn": "arn:aws:iam::111111111111:policy/p", "DefaultVersionId": "v2",
				"PolicyVersionList": [{"VersionId": "v1", "Document": ` + docS3V1 + `}, {"VersionId": "v2", "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny"}]}}]}]`)),
			want: `exports/prod/gaad.json: Policies[0] (policy p) PolicyVersionList[1] (version v2) Document: statement 0: no Action or NotAction`,
		},
		{
			name: "ARN that is not one",
			fs:   mapFS(gaadWith(`"UserDetailList": [{"UserName": "alice", "Arn": "alice"}]`)),
			want: `exports/prod/gaad.json: UserDetailList[0] (user alice) Arn: "alice" is not an IAM user ARN (want arn:aws:iam::<12-digit account>:user/<path><name>)`,
		},
		{
			name: "role ARN of another type",
			fs:   mapFS(gaadWith(`"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111111111111:user/r"}]`)),
			want: `exports/prod/gaad.json: RoleDetailList[0] (role r) Arn: "arn:aws:iam::111111111111:user/r" is not an IAM role ARN (want arn:aws:iam::<12-digit account>:role/<path><name>)`,
		},
		{
			name: "principals of two accounts",
			fs: mapFS(gaadWith(`"UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::111111111111:user/alice"}],
				"GroupDetailList": [{"GroupName": "ops", "Arn": "arn:aws:iam::222222222222:group/ops"}]`)),
			want: `exports/prod/gaad.json: GroupDetailList[0] (group ops) Arn: account 222222222222 differs from account 111111111111 of UserDetailList[0] (user alice): an export holds one account`,
		},
		{
			name: "customer policy of another account",
			fs: mapFS(gaadWith(`"RoleDetailList": [` + goodRole + `],
				"Policies": [{"PolicyName": "p", "Arn": "arn:aws:iam::222222222222:policy/p", "PolicyVersionList": []}]`)),
			want: `exports/prod/gaad.json: Policies[0] (policy p) Arn: account 222222222222 differs from account 111111111111 of RoleDetailList[0] (role ci-deployer): an export holds one account`,
		},
		{
			name: "attached policy ARN that is not one",
			fs: mapFS(gaadWith(`"GroupDetailList": [{"GroupName": "ops", "Arn": "arn:aws:iam::111111111111:group/ops",
				"AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "ReadOnlyAccess"}]}]`)),
			want: `exports/prod/gaad.json: GroupDetailList[0] (group ops) AttachedManagedPolicies[0] (policy ReadOnlyAccess) PolicyArn: "ReadOnlyAccess" is not an IAM policy ARN (want arn:aws:iam::<12-digit account>:policy/<path><name>)`,
		},
		{
			name: "boundary without ARN",
			fs: mapFS(gaadWith(`"UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::111111111111:user/alice",
				"PermissionsBoundary": {"PermissionsBoundaryType": "Policy"}}]`)),
			want: `exports/prod/gaad.json: UserDetailList[0] (user alice) PermissionsBoundary PermissionsBoundaryArn: "" is not an IAM policy ARN (want arn:aws:iam::<12-digit account>:policy/<path><name>)`,
		},
		{
			name: "role defined twice",
			fs:   mapFS(gaadWith(`"RoleDetailList": [` + goodRole + `, ` + goodRole + `]`)),
			want: `exports/prod/gaad.json: RoleDetailList[1] (role ci-deployer): arn:aws:iam::111111111111:role/ci-deployer is defined twice (also at RoleDetailList[0] (role ci-deployer))`,
		},
		{
			name: "two inline policies of one name",
			fs: mapFS(gaadWith(`"GroupDetailList": [{"GroupName": "ops", "Arn": "arn:aws:iam::111111111111:group/ops",
				"GroupPolicyList": [{"PolicyName": "p", "PolicyDocument": ` + docS3V1 + `}, {"PolicyName": "p", "PolicyDocument": ` + docS3V2 + `}]}]`)),
			want: `exports/prod/gaad.json: GroupDetailList[0] (group ops) GroupPolicyList[1] (policy p): arn:aws:iam::111111111111:group/ops#inline:p is defined twice (also at GroupDetailList[0] (group ops) GroupPolicyList[0] (policy p))`,
		},
		{
			name: "policy version listed twice",
			fs: mapFS(gaadWith(`"Policies": [{"PolicyName": "p", "Arn": "arn:aws:iam::111111111111:policy/p", "DefaultVersionId": "v1",
				"PolicyVersionList": [{"VersionId": "v1", "Document": ` + docS3V1 + `}, {"VersionId": "v1", "Document": ` + docS3V2 + `}]}]`)),
			want: `exports/prod/gaad.json: Policies[0] (policy p) PolicyVersionList[1] (version v1): version v1 is listed twice`,
		},
		{
			name: "user without name",
			fs:   mapFS(gaadWith(`"UserDetailList": [{"Arn": "arn:aws:iam::111111111111:user/x"}]`)),
			want: `exports/prod/gaad.json: UserDetailList[0]: UserName is empty`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewOffline(tc.fs, "exports/prod").Collect(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			var bad *badinput.Error
			if !errors.As(err, &bad) {
				t.Fatalf("error %v (%T) is not a *badinput.Error", err, err)
			}
			if bad.File != "exports/prod/gaad.json" {
				t.Errorf("File = %q", bad.File)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestPolicyErrorKeepsParseError(t *testing.T) {
	fsys := mapFS(gaadWith(`"UserDetailList": [{"UserName": "a", "Arn": "arn:aws:iam::111111111111:user/a",
		"UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allo", "Action": "*"}]}}]}]`))
	_, err := NewOffline(fsys, "d").Collect(context.Background())
	var pe *awspolicy.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v does not wrap an awspolicy.ParseError", err)
	}
	if pe.Place != "statement 0, Effect" {
		t.Errorf("ParseError.Place = %q", pe.Place)
	}
}

func mapFS(gaad string) fstest.MapFS {
	return fstest.MapFS{"gaad.json": {Data: []byte(gaad)}}
}
