package synth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/awspolicy"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/graphmodel"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// collect writes spec into a temporary directory and collects it with the
// real offline collector.
func collect(t *testing.T, spec Spec) (graphmodel.Fragment, Planted, string) {
	t.Helper()
	dir := t.TempDir()
	planted, err := WriteAWSPlanted(dir, spec)
	if err != nil {
		t.Fatalf("WriteAWSPlanted: %v", err)
	}
	frag, err := awscollect.NewOffline(os.DirFS(dir), dir).Collect(context.Background())
	if err != nil {
		t.Fatalf("collect %s: %v", dir, err)
	}
	return frag, planted, dir
}

// count returns the number of nodes per kind, and of resources per type.
func count(frag graphmodel.Fragment) map[string]int {
	n := map[string]int{}
	for _, node := range frag.Nodes {
		n[string(node.Kind)]++
		if node.Kind == graphmodel.KindAWSResource {
			n["resource:"+node.Properties["type"]]++
		}
		if node.Kind == graphmodel.KindAWSManagedPolicy && node.Properties["aws_managed"] != "true" {
			n["customer-managed"]++
		}
	}
	return n
}

func TestSmallCollectsWithoutGaps(t *testing.T) {
	spec := Small()
	frag, pl, dir := collect(t, spec)
	if len(frag.Source.Gaps) > 0 {
		t.Errorf("%d gaps, want none; first: %+v", len(frag.Source.Gaps), frag.Source.Gaps[0])
	}
	if frag.Source.Scope != graphmodel.AWSAccountScope(DefaultAccount) {
		t.Errorf("scope %q, want the account %s", frag.Source.Scope, DefaultAccount)
	}
	got := count(frag)
	for _, c := range []struct {
		what string
		want int
	}{
		{string(graphmodel.KindAWSRole), spec.Roles},
		{string(graphmodel.KindAWSUser), spec.Users},
		{string(graphmodel.KindAWSGroup), spec.Groups},
		{"customer-managed", spec.ManagedPolicies},
		{"resource:function", spec.Functions},
		{"resource:instance", spec.Instances},
		{"resource:bucket", spec.Buckets},
	} {
		if got[c.what] != c.want {
			t.Errorf("%s: %d, want %d", c.what, got[c.what], c.want)
		}
	}
	if got[string(graphmodel.KindAWSInstanceProfile)] == 0 {
		t.Error("no instance profiles")
	}

	p := spec.Principals()
	for _, c := range []struct {
		what string
		arns []string
		want int
	}{
		{"admins", pl.Admins, planted(spec.AdminPercent, p)},
		{"self-escalation", pl.SelfEscalation, planted(spec.SelfEscalationPercent, p)},
		{"passrole-lambda", pl.PassRoleLambda, planted(spec.PassRoleLambdaPercent, p)},
	} {
		if len(c.arns) != c.want || c.want == 0 {
			t.Errorf("planted %s: %d, want %d (and more than none)", c.what, len(c.arns), c.want)
		}
	}

	// Every function runs with a role of the account, every instance with
	// a profile of it (or none), every bucket policy names a listed bucket.
	carries := 0
	for _, e := range frag.Edges {
		if e.Kind == graphmodel.EdgeCarriesRole && strings.Contains(e.From, ":function:") {
			carries++
		}
	}
	if carries != spec.Functions {
		t.Errorf("%d functions carry a role, want all %d", carries, spec.Functions)
	}
	var withPolicy int
	for _, n := range frag.Nodes {
		if n.Properties["type"] == "bucket" && n.Documents["policy"] != nil {
			withPolicy++
		}
	}
	if withPolicy == 0 || withPolicy == spec.Buckets {
		t.Errorf("%d of %d buckets have a policy, want some but not all", withPolicy, spec.Buckets)
	}
	if _, err := os.Stat(filepath.Join(dir, S3BucketPolicyFile)); err != nil {
		t.Errorf("no bucket policy file: %v", err)
	}
}

// hashDir returns the SHA-256 of every file of dir, by name.
func hashDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		out[e.Name()] = hex.EncodeToString(sum[:])
	}
	return out
}

func TestDeterministic(t *testing.T) {
	write := func(spec Spec) map[string]string {
		dir := t.TempDir()
		if err := WriteAWS(dir, spec); err != nil {
			t.Fatal(err)
		}
		return hashDir(t, dir)
	}
	first, second := write(Small()), write(Small())
	if len(first) != 5 {
		t.Errorf("wrote %d files, want 5: %v", len(first), first)
	}
	for name, h := range first {
		if second[name] != h {
			t.Errorf("%s differs between two runs of the same spec", name)
		}
	}
	other := Small()
	other.Seed = 2
	if write(other)[GAADFile] == first[GAADFile] {
		t.Error("another seed gave the same gaad.json")
	}
}

func TestGAADIsCLIShaped(t *testing.T) {
	for _, c := range []struct {
		name    string
		indent  int
		objects bool
	}{
		{"cli-indent-urlencoded", 4, false},
		{"compact", 0, false},
		{"objects", 4, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := Small()
			spec.Indent, spec.ObjectDocuments = c.indent, c.objects
			dir := t.TempDir()
			if err := WriteAWS(dir, spec); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join(dir, GAADFile))
			if err != nil {
				t.Fatal(err)
			}
			// The file is exactly what json.dump(indent=N) prints.
			var canon bytes.Buffer
			if c.indent == 0 {
				err = json.Compact(&canon, data)
			} else {
				err = json.Indent(&canon, data, "", strings.Repeat(" ", c.indent))
			}
			if err != nil {
				t.Fatal(err)
			}
			canon.WriteByte('\n')
			if !bytes.Equal(bytes.TrimRight(canon.Bytes(), "\n"), bytes.TrimRight(data, "\n")) {
				t.Error("gaad.json is not in canonical indented form")
			}
			// Top-level keys in the CLI's order.
			var keys []string
			dec := json.NewDecoder(bytes.NewReader(data))
			if _, err := dec.Token(); err != nil {
				t.Fatal(err)
			}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					t.Fatal(err)
				}
				keys = append(keys, tok.(string))
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					t.Fatal(err)
				}
			}
			want := []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "IsTruncated"}
			if !slices.Equal(keys, want) {
				t.Errorf("keys %v, want %v", keys, want)
			}
			// Documents: URL-encoded strings, or objects; all parse.
			var g struct {
				RoleDetailList []struct {
					AssumeRolePolicyDocument json.RawMessage
					RolePolicyList           []struct{ PolicyDocument json.RawMessage }
				}
			}
			if err := json.Unmarshal(data, &g); err != nil {
				t.Fatal(err)
			}
			docs := 0
			for _, r := range g.RoleDetailList {
				for _, d := range append([]json.RawMessage{r.AssumeRolePolicyDocument}, inlineDocs(r.RolePolicyList)...) {
					isString := d[0] == '"'
					if isString == c.objects {
						t.Fatalf("document %.40s…: string %v, want %v", d, isString, !c.objects)
					}
					if isString && !strings.HasPrefix(string(d), `"%7B`) {
						t.Fatalf("document %.40s… is not URL-encoded JSON", d)
					}
					if _, err := awspolicy.Parse(d); err != nil {
						t.Fatalf("document %.60s…: %v", d, err)
					}
					docs++
				}
			}
			if docs < spec.Roles {
				t.Errorf("%d role documents, want at least one per role", docs)
			}
		})
	}
}

func inlineDocs(list []struct{ PolicyDocument json.RawMessage }) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(list))
	for _, p := range list {
		out = append(out, p.PolicyDocument)
	}
	return out
}

// TestDocumentFormsCollectAlike checks that URL-encoded and object
// documents give the same snapshot: the form is presentation only.
func TestDocumentFormsCollectAlike(t *testing.T) {
	spec := Small()
	encoded, _, _ := collect(t, spec)
	spec.ObjectDocuments, spec.Indent = true, 0
	objects, _, _ := collect(t, spec)
	if len(encoded.Nodes) != len(objects.Nodes) || len(encoded.Edges) != len(objects.Edges) {
		t.Fatalf("%d nodes %d edges vs %d nodes %d edges", len(encoded.Nodes), len(encoded.Edges), len(objects.Nodes), len(objects.Edges))
	}
	for i := range encoded.Nodes {
		a, b := encoded.Nodes[i], objects.Nodes[i]
		if a.ID != b.ID || len(a.Documents) != len(b.Documents) {
			t.Fatalf("node %d: %s vs %s", i, a.ID, b.ID)
		}
		for k, d := range a.Documents {
			if !bytes.Equal(d, b.Documents[k]) {
				t.Fatalf("%s document %s differs:\n%s\n%s", a.ID, k, d, b.Documents[k])
			}
		}
	}
}

// grants holds, per principal, the parsed Allow statements of every
// identity policy that applies to it (inline, attached, and its groups').
type grants map[string][]awspolicy.Statement

func effectiveGrants(t *testing.T, frag graphmodel.Fragment) (grants, map[string][]string) {
	t.Helper()
	nodes := map[string]*graphmodel.Node{}
	for i := range frag.Nodes {
		nodes[frag.Nodes[i].ID] = &frag.Nodes[i]
	}
	policies := map[string][]string{} // principal or group → policy node IDs
	groups := map[string][]string{}
	attached := map[string][]string{} // principal → managed policy ARNs
	for _, e := range frag.Edges {
		switch e.Kind {
		case graphmodel.EdgeInlinePolicy, graphmodel.EdgeAttachedPolicy:
			policies[e.From] = append(policies[e.From], e.To)
			if e.Kind == graphmodel.EdgeAttachedPolicy {
				attached[e.From] = append(attached[e.From], e.To)
			}
		case graphmodel.EdgeMemberOf:
			groups[e.From] = append(groups[e.From], e.To)
		}
	}
	docOf := func(id string) json.RawMessage {
		n := nodes[id]
		if n == nil {
			t.Fatalf("policy %s is not a node", id)
		}
		if n.Kind == graphmodel.KindAWSManagedPolicy {
			return n.Documents[n.Properties["default_version"]]
		}
		return n.Documents["policy"]
	}
	out := grants{}
	for _, n := range frag.Nodes {
		if n.Kind != graphmodel.KindAWSRole && n.Kind != graphmodel.KindAWSUser {
			continue
		}
		ids := append([]string(nil), policies[n.ID]...)
		for _, g := range groups[n.ID] {
			ids = append(ids, policies[g]...)
		}
		for _, id := range ids {
			d, err := awspolicy.Parse(docOf(id))
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			for _, s := range d.Statements {
				if s.Effect == awspolicy.Allow {
					out[n.ID] = append(out[n.ID], s)
				}
			}
		}
	}
	return out, attached
}

// allows reports whether some statement allows action on resource ("" for
// any resource), whatever its conditions.
func allows(ss []awspolicy.Statement, action, resource string) bool {
	for i := range ss {
		if !ss[i].MatchAction(action) {
			continue
		}
		if resource == "" || ss[i].MatchResource(resource, awspolicy.NewFacts()) == awspolicy.Yes {
			return true
		}
	}
	return false
}

// TestPlantedFindingsAreExact checks, from the collected facts, that the
// planted principals hold their findings and that no other principal does
// (administrators hold every finding).
func TestPlantedFindingsAreExact(t *testing.T) {
	frag, planted, _ := collect(t, Small())
	g, attached := effectiveGrants(t, frag)

	var admins, selfEsc, passLambda []string
	for id, ss := range g {
		for i := range ss {
			s := &ss[i]
			if !s.Action.Negated && !s.Resource.Negated && slices.Contains(s.Action.Values, "*") &&
				slices.Contains(s.Resource.Values, "*") && len(s.Conditions) == 0 {
				admins = append(admins, id)
				break
			}
		}
		self := false
		if strings.Contains(id, ":role/") {
			self = allows(ss, "iam:PutRolePolicy", id) || allows(ss, "iam:AttachRolePolicy", id)
		} else {
			self = allows(ss, "iam:PutUserPolicy", id) || allows(ss, "iam:AttachUserPolicy", id)
		}
		for _, p := range attached[id] {
			self = self || allows(ss, "iam:CreatePolicyVersion", p)
		}
		if self {
			selfEsc = append(selfEsc, id)
		}
		if allows(ss, "iam:PassRole", "") && allows(ss, "lambda:CreateFunction", "") {
			passLambda = append(passLambda, id)
		}
	}
	union := func(a, b []string) []string {
		out := append(append([]string(nil), a...), b...)
		sort.Strings(out)
		return slices.Compact(out)
	}
	for _, c := range []struct {
		what      string
		got, want []string
	}{
		{"administrators", admins, planted.Admins},
		{"self-escalation", selfEsc, union(planted.SelfEscalation, planted.Admins)},
		{"passrole-lambda", passLambda, union(planted.PassRoleLambda, planted.Admins)},
	} {
		got := union(c.got, nil)
		want := union(c.want, nil)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d principals hold it, %d planted\n got %v\nwant %v", c.what, len(got), len(want), got, want)
		}
	}
}

// TestMix checks the shape of the Small estate: the role kinds, the chains
// and the conditions the issue names are all present.
func TestMix(t *testing.T) {
	dir := t.TempDir()
	spec := Small()
	spec.ObjectDocuments = true
	if err := WriteAWS(dir, spec); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, GAADFile))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{
		`"lambda.amazonaws.com"`, `"ecs-tasks.amazonaws.com"`, `"ec2.amazonaws.com"`, `"glue.amazonaws.com"`,
		`"sts:ExternalId"`, `"aws:SourceIp"`, `"aws:PrincipalTag/team"`, `"iam:PassedToService"`,
		`"aws:MultiFactorAuthPresent"`, `"NotAction"`, `"Effect": "Deny"`, `"s3:Get*"`, `"dynamodb:*"`,
		`"/ci/"`, `"/cross-account/"`, `"/aws-service-role/`, `"token.actions.githubusercontent.com:sub"`,
		`"PermissionsBoundary"`, `"arn:aws:iam::aws:policy/AdministratorAccess"`, `"iam:PassRole"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("gaad.json has no %s", want)
		}
	}
	var g struct {
		RoleDetailList []struct {
			Arn                      string
			AssumeRolePolicyDocument struct {
				Statement []struct {
					Principal struct{ AWS any }
				}
			}
			AttachedManagedPolicies []struct{ PolicyArn string }
			RolePolicyList          []json.RawMessage
		}
	}
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	// Roles trusting roles form chains; the longest has MaxChain roles.
	trusts := map[string]string{}
	for _, r := range g.RoleDetailList {
		if s, ok := r.AssumeRolePolicyDocument.Statement[0].Principal.AWS.(string); ok && strings.Contains(s, ":role/") {
			trusts[r.Arn] = s
		}
		if n := len(r.AttachedManagedPolicies); n > 10 {
			t.Errorf("%s has %d managed policies, more than AWS allows", r.Arn, n)
		}
	}
	longest := 0
	for arn := range trusts {
		n := 1
		for cur := arn; trusts[cur] != ""; cur = trusts[cur] {
			n++
		}
		longest = max(longest, n)
	}
	if longest < 2 || longest > spec.MaxChain+1 {
		t.Errorf("longest role chain %d roles, want 2 to %d", longest, spec.MaxChain+1)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*Spec)
		want   string
	}{
		{"large", func(*Spec) {}, ""},
		{"bad account", func(s *Spec) { s.Account = "12345" }, "12 digits"},
		{"negative roles", func(s *Spec) { s.Roles = -1 }, "negative"},
		{"percent", func(s *Spec) { s.AdminPercent = 120 }, "0 to 100"},
		{"few groups", func(s *Spec) { s.Groups = 3 }, "at least 6"},
		{"few policies", func(s *Spec) { s.ManagedPolicies = 5 }, "at least"},
		{"chain", func(s *Spec) { s.MaxChain = 1 }, "max chain"},
		{"role kinds", func(s *Spec) { s.CIPercent, s.HumanRolePercent = 60, 60 }, "role kinds"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := Large()
			c.change(&s)
			err := s.Validate()
			if c.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate: %v, want an error with %q", err, c.want)
			}
			if werr := WriteAWS(t.TempDir(), s); werr == nil {
				t.Fatal("WriteAWS accepted an invalid spec")
			}
		})
	}
}

// tiny is the golden estate: every feature, small enough to read.
func tiny() Spec {
	s := Small()
	s.Roles, s.Users, s.Groups, s.ManagedPolicies = 24, 8, 7, 16
	s.Functions, s.Instances, s.Buckets = 3, 3, 3
	s.AdminPercent, s.SelfEscalationPercent, s.PassRoleLambdaPercent = 7, 7, 7
	s.CIPercent, s.CrossAccountPercent, s.ChainPercent, s.HumanRolePercent = 9, 9, 13, 9
	s.ExternalAccounts = 2
	return s
}

func TestGolden(t *testing.T) {
	dir := t.TempDir()
	if err := WriteAWS(dir, tiny()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "tiny")
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(golden, os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
	}
	got, want := hashDir(t, dir), hashDir(t, golden)
	if len(got) != len(want) {
		t.Errorf("files %v, golden %v (go test ./internal/synth -update after a deliberate change)", got, want)
	}
	for name, h := range want {
		if got[name] != h {
			t.Errorf("%s differs from testdata/tiny (go test ./internal/synth -update after a deliberate change)", name)
		}
	}
}
