package synth

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// resources generates the Lambda functions, EC2 instances and S3 buckets.
func (b *builder) resources(e *estate) {
	b.functions(e)
	b.instances(e)
	b.bucketList(e)
}

var runtimes = []struct{ runtime, handler string }{
	{"python3.12", "app.handler"}, {"python3.11", "lambda_function.lambda_handler"},
	{"nodejs20.x", "index.handler"}, {"nodejs18.x", "dist/index.handler"},
	{"java21", "com.example.Handler::handleRequest"}, {"provided.al2023", "bootstrap"},
}

func (b *builder) functions(e *estate) {
	if b.s.Functions == 0 {
		return
	}
	roles := b.byKind[kindLambda]
	if len(roles) == 0 {
		roles = b.roles
	}
	byRegion := make([][]lambdaFunction, len(regions))
	names := newNamer()
	for i := range b.s.Functions {
		r := roles[i%len(roles)]
		if i >= len(roles) {
			r = roles[b.r.IntN(len(roles))]
		}
		ri := b.r.IntN(len(regions))
		a := r.app
		if a == nil {
			a = b.apps[0]
		}
		env := b.envOf[r]
		if env == "" {
			env = "prod"
		}
		name := names.name(fmt.Sprintf("%s-%s-%s", a.name, env, pick(b.r, lambdaParts)))
		rt := pick(b.r, runtimes)
		sha := make([]byte, 32)
		for j := range sha {
			sha[j] = byte(b.r.IntN(256))
		}
		f := lambdaFunction{
			FunctionName: name, FunctionArn: b.arn("lambda", regions[ri], "function:"+name),
			Runtime: rt.runtime, Role: r.Arn, Handler: rt.handler,
			CodeSize: 1024 + b.r.IntN(50<<20), Timeout: pick(b.r, []int{3, 10, 30, 60, 300, 900}),
			MemorySize:   pick(b.r, []int{128, 256, 512, 1024, 2048}),
			LastModified: lambdaDate(dateAfter(b.r, epoch)), CodeSha256: base64.StdEncoding.EncodeToString(sha),
			Version: "$LATEST", TracingConfig: map[string]string{"Mode": pick(b.r, []string{"PassThrough", "Active"})},
			RevisionID: uuid(b.r), PackageType: "Zip", Architectures: []string{pick(b.r, []string{"x86_64", "arm64"})},
			Ephemeral:     map[string]int{"Size": 512},
			LoggingConfig: map[string]string{"LogFormat": "Text", "LogGroup": "/aws/lambda/" + name},
		}
		if b.r.IntN(10) < 7 {
			f.Environment = &lambdaEnv{Variables: map[string]string{
				"STAGE": env, "LOG_LEVEL": pick(b.r, []string{"INFO", "DEBUG", "WARN"}),
				"TABLE_NAME": a.name + "-" + env + "-table",
			}}
		}
		byRegion[ri] = append(byRegion[ri], f)
	}
	for _, fs := range byRegion {
		if len(fs) > 0 {
			e.functions = append(e.functions, lambdaListFunctions{Functions: fs})
		}
	}
}

var instanceTypes = []string{"t3.micro", "t3.medium", "m6i.large", "m6i.xlarge", "c6g.large", "r6i.2xlarge", "t4g.small"}

func (b *builder) instances(e *estate) {
	if b.s.Instances == 0 {
		return
	}
	profiles := b.byKind[kindEC2]
	byRegion := make([][]ec2Reservation, len(regions))
	for left := b.s.Instances; left > 0; {
		n := min(left, between(b.r, 1, 3))
		left -= n
		ri := b.r.IntN(len(regions))
		res := ec2Reservation{Groups: []any{}, OwnerID: b.acct, ReservationID: "r-" + hexString(b.r, 17)}
		var prof *role
		if len(profiles) > 0 && b.r.IntN(10) > 0 {
			prof = profiles[b.r.IntN(len(profiles))]
		}
		typ := pick(b.r, instanceTypes)
		launched := dateAfter(b.r, epoch)
		for j := range n {
			id := "i-" + hexString(b.r, 17)
			ip := fmt.Sprintf("10.%d.%d.%d", b.r.IntN(256), b.r.IntN(256), 1+b.r.IntN(254))
			zone := regions[ri] + pick(b.r, []string{"a", "b", "c"})
			inst := ec2Instance{
				AmiLaunchIndex: j, ImageID: "ami-" + hexString(b.r, 17), InstanceID: id, InstanceType: typ,
				LaunchTime: cliDate(launched), Monitoring: map[string]string{"State": "disabled"},
				Placement:        ec2Placement{AvailabilityZone: zone, Tenancy: "default"},
				PrivateDNSName:   "ip-" + strings.ReplaceAll(ip, ".", "-") + "." + regions[ri] + ".compute.internal",
				PrivateIPAddress: ip, ProductCodes: []any{},
				State:    ec2State{Code: 16, Name: "running"},
				SubnetID: "subnet-" + hexString(b.r, 17), VpcID: "vpc-" + hexString(b.r, 17),
				Architecture:   "x86_64",
				SecurityGroups: []ec2Group{{GroupName: "default", GroupID: "sg-" + hexString(b.r, 17)}},
				MetadataOptions: ec2Metadata{State: "applied", HTTPTokens: pick(b.r, []string{"required", "optional"}),
					HTTPPutResponseHopLimit: pick(b.r, []int{1, 2}), HTTPEndpoint: "enabled"},
				PlatformDetails: "Linux/UNIX",
			}
			if b.r.IntN(8) == 0 {
				inst.State = ec2State{Code: 80, Name: "stopped"}
			}
			if prof != nil {
				p := prof.InstanceProfileList[0]
				inst.IamInstanceProfile = &ec2Profile{Arn: p.Arn, ID: p.InstanceProfileID}
				inst.Tags = []tag{{"Name", prof.RoleName}, {"team", prof.app.team}}
			}
			res.Instances = append(res.Instances, inst)
		}
		byRegion[ri] = append(byRegion[ri], res)
	}
	for _, rs := range byRegion {
		if len(rs) > 0 {
			e.instances = append(e.instances, ec2DescribeInstances{Reservations: rs})
		}
	}
}

func (b *builder) bucketList(e *estate) {
	if b.s.Buckets == 0 {
		return
	}
	e.buckets = s3ListBuckets{Buckets: []s3Bucket{}, Owner: s3Owner{DisplayName: "aws-" + b.acct, ID: hexString(b.r, 64)}}
	for i := range b.s.Buckets {
		a := b.apps[i%len(b.apps)]
		name := a.buckets[i/len(b.apps)]
		e.buckets.Buckets = append(e.buckets.Buckets, s3Bucket{
			Name: name, CreationDate: cliDate(dateAfter(b.r, epoch)), BucketRegion: b.region(),
		})
		if !chance(b.r, b.s.BucketPolicyPercent) {
			continue
		}
		bucket, objects := "arn:aws:s3:::"+name, "arn:aws:s3:::"+name+"/*"
		var ss []stmt
		if b.r.IntN(10) < 7 {
			ss = append(ss, stmt{Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
				Resource: one(bucket, objects)}.with("Bool", "aws:SecureTransport", "false"))
		}
		if len(a.roles) > 0 && b.r.IntN(10) < 4 {
			r := a.roles[b.r.IntN(len(a.roles))]
			ss = append(ss, stmt{Sid: "AppAccess", Effect: "Allow", Principal: map[string]any{"AWS": r.Arn},
				Action: one("s3:GetObject", "s3:PutObject"), Resource: objects})
		}
		if len(b.external) > 0 && b.r.IntN(5) == 0 {
			ext := b.external[b.r.IntN(len(b.external))]
			ss = append(ss, stmt{Sid: "CrossAccountRead", Effect: "Allow",
				Principal: map[string]any{"AWS": "arn:aws:iam::" + ext + ":root"},
				Action:    one("s3:GetObject", "s3:ListBucket"), Resource: one(bucket, objects)})
		}
		if b.r.IntN(30) == 0 {
			ss = append(ss, stmt{Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject",
				Resource: "arn:aws:s3:::" + name + "/public/*"})
		}
		if len(ss) == 0 {
			ss = append(ss, stmt{Sid: "AllowAccountRoot", Effect: "Allow", Principal: map[string]any{"AWS": b.root()},
				Action: "s3:*", Resource: one(bucket, objects)})
		}
		e.policies = append(e.policies, s3BucketPolicy{Bucket: name, Policy: string(render(newDoc(ss...), false))})
	}
}

// finish renders every document into its gaad.json field and assembles
// the export: users, groups, roles, then customer-managed policies in
// creation order followed by the attached AWS-managed ones in catalogue
// order.
func (b *builder) finish(e *estate) {
	objects := b.s.ObjectDocuments
	for _, u := range b.users {
		for i := range u.UserPolicyList {
			p := &u.UserPolicyList[i]
			p.PolicyDocument = field(p.doc, b.pretty(), objects)
		}
	}
	for _, g := range b.groups {
		if g.GroupPolicyList == nil {
			g.GroupPolicyList = []inlinePolicy{}
		}
		if g.AttachedManagedPolicies == nil {
			g.AttachedManagedPolicies = []attachedPolicy{}
		}
		for i := range g.GroupPolicyList {
			p := &g.GroupPolicyList[i]
			p.PolicyDocument = field(p.doc, b.pretty(), objects)
		}
	}
	for _, r := range b.roles {
		r.AssumeRolePolicyDocument = field(r.trust, false, objects)
		if r.InstanceProfileList == nil {
			r.InstanceProfileList = []instanceProfile{}
		}
		for i := range r.InstanceProfileList {
			r.InstanceProfileList[i].Roles = []profileRole{{
				Path: r.Path, RoleName: r.RoleName, RoleID: r.RoleID, Arn: r.Arn, CreateDate: r.CreateDate,
				AssumeRolePolicyDocument: r.AssumeRolePolicyDocument,
			}}
		}
		if r.RolePolicyList == nil {
			r.RolePolicyList = []inlinePolicy{}
		}
		if r.AttachedManagedPolicies == nil {
			r.AttachedManagedPolicies = []attachedPolicy{}
		}
		for i := range r.RolePolicyList {
			p := &r.RolePolicyList[i]
			p.PolicyDocument = field(p.doc, b.pretty(), objects)
		}
	}
	pols := append([]*policy(nil), b.policies...)
	for _, m := range awsManagedCatalog {
		if p := b.awsUsed[m.name]; p != nil {
			pols = append(pols, p)
		}
	}
	for _, sl := range serviceLinkedRoles {
		if p := b.awsUsed[sl.policy]; p != nil {
			pols = append(pols, p)
		}
	}
	for _, p := range pols {
		pretty := !p.awsManaged && b.pretty()
		for i := range p.PolicyVersionList {
			p.PolicyVersionList[i].Document = field(p.docs[i], pretty || p.awsManaged, objects)
		}
	}
	e.gaad = gaad{
		UserDetailList: b.users, GroupDetailList: b.groups, RoleDetailList: b.roles, Policies: pols,
	}
	if e.gaad.UserDetailList == nil {
		e.gaad.UserDetailList = []*user{}
	}
	if e.gaad.GroupDetailList == nil {
		e.gaad.GroupDetailList = []*group{}
	}
	if e.gaad.RoleDetailList == nil {
		e.gaad.RoleDetailList = []*role{}
	}
}
