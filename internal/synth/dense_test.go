package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/graphmodel"
)

func TestDenseScaled(t *testing.T) {
	for _, c := range []struct {
		principals, roles, users int
	}{
		{1250, 1000, 250}, {2500, 2000, 500}, {5000, 4000, 1000}, {10000, 8000, 2000}, {25000, 20000, 5000},
	} {
		s := DenseScaled(c.principals)
		if s.Roles != c.roles || s.Users != c.users || s.Principals() != c.principals {
			t.Errorf("DenseScaled(%d): %d roles + %d users, want %d + %d", c.principals, s.Roles, s.Users, c.roles, c.users)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("DenseScaled(%d): %v", c.principals, err)
		}
	}
	if d := Dense(); d.Roles != 20000 || d.Users != 5000 || d.Admins != 3 || d.IAMWritePercent != 14 ||
		d.STSWildcardPercent != 6 || d.RoleTrustPercent != 40 || d.ExternalIDPercent != 10 || d.DenyPercent != 7 ||
		d.ResourceTagPercent != 10 || d.DistinctPolicySetPercent != 76 {
		t.Errorf("Dense() = %+v, not the issue's mix", d)
	}
}

// denseFacts is what the dense tests read back from a collected snapshot.
type denseFacts struct {
	snap     *graphmodel.Snapshot
	nodes    map[string]*graphmodel.Node
	attached map[string][]string // principal or group → managed policy IDs
	inline   map[string][]string // principal or group → inline policy IDs
	groups   map[string][]string // user → group IDs
	bounded  int
}

// collectDense writes spec and collects it with the offline collector
// through collectors.Run, as "collect aws --from-dir" does.
func collectDense(t *testing.T, spec DenseSpec) (denseFacts, DenseSummary) {
	t.Helper()
	dir := t.TempDir()
	sum, err := WriteAWSDense(dir, spec)
	if err != nil {
		t.Fatalf("WriteAWSDense: %v", err)
	}
	snap, err := collectors.Run(context.Background(), awscollect.NewOffline(os.DirFS(dir), dir))
	if err != nil {
		t.Fatalf("collect %s: %v", dir, err)
	}
	f := denseFacts{snap: snap, nodes: map[string]*graphmodel.Node{},
		attached: map[string][]string{}, inline: map[string][]string{}, groups: map[string][]string{}}
	for i := range snap.Nodes {
		f.nodes[snap.Nodes[i].ID] = &snap.Nodes[i]
	}
	for _, e := range snap.Edges {
		switch e.Kind {
		case graphmodel.EdgeAttachedPolicy:
			f.attached[e.From] = append(f.attached[e.From], e.To)
		case graphmodel.EdgeInlinePolicy:
			f.inline[e.From] = append(f.inline[e.From], e.To)
		case graphmodel.EdgeMemberOf:
			f.groups[e.From] = append(f.groups[e.From], e.To)
		case graphmodel.EdgePermissionsBoundary:
			f.bounded++
		}
	}
	return f, sum
}

// statements returns the parsed statements of a policy node: the default
// version of a managed policy, the document of an inline one.
func (f denseFacts) statements(t *testing.T, id string) []awspolicy.Statement {
	t.Helper()
	n := f.nodes[id]
	if n == nil {
		t.Fatalf("policy %s is not a node", id)
	}
	raw := n.Documents["policy"]
	if n.Kind == graphmodel.KindAWSManagedPolicy {
		raw = n.Documents[n.Prop(graphmodel.PropAWSDefaultVersion)]
	}
	d, err := awspolicy.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return d.Statements
}

// principals returns the IDs of the roles and users, in snapshot order.
func (f denseFacts) principals() []string {
	var out []string
	for _, n := range f.snap.Nodes {
		if n.Kind == graphmodel.KindAWSRole || n.Kind == graphmodel.KindAWSUser {
			out = append(out, n.ID)
		}
	}
	return out
}

// grantSource says where a principal's wildcard grant comes from.
type grantSource int

const (
	viaManaged grantSource = 1 << iota // a policy attached to the principal
	viaInline                          // one of its inline policies
	viaGroup                           // a policy of one of its groups
)

// holds returns how principal id holds a statement for which match is
// true: the union of the sources, 0 when it does not.
func (f denseFacts) holds(t *testing.T, id string, match func(awspolicy.Statement) bool) grantSource {
	t.Helper()
	var src grantSource
	check := func(policies []string, as grantSource) {
		for _, p := range policies {
			if slices.ContainsFunc(f.statements(t, p), match) {
				src |= as
			}
		}
	}
	check(f.attached[id], viaManaged)
	check(f.inline[id], viaInline)
	for _, g := range f.groups[id] {
		check(f.attached[g], viaGroup)
		check(f.inline[g], viaGroup)
	}
	return src
}

// wildcardOnStar returns a matcher of unconditioned Allow statements on
// "*" whose actions include one of actions.
func wildcardOnStar(actions ...string) func(awspolicy.Statement) bool {
	return func(s awspolicy.Statement) bool {
		if s.Effect != awspolicy.Allow || s.Action.Negated || s.Resource.Negated || len(s.Conditions) > 0 ||
			!slices.Contains(s.Resource.Values, "*") {
			return false
		}
		for _, a := range s.Action.Values {
			if slices.Contains(actions, a) {
				return true
			}
		}
		return false
	}
}

// share returns n as a percentage of of.
func share(n, of int) float64 { return 100 * float64(n) / float64(of) }

// near reports whether a share is within one point of a knob.
func near(got, want float64) bool { return math.Abs(got-want) <= 1 }

func TestDenseCollectsWithTheMix(t *testing.T) {
	spec := DenseScaled(1250)
	f, sum := collectDense(t, spec)
	if gaps := f.snap.Gaps(); len(gaps) > 0 {
		t.Fatalf("%d gaps, want none; first: %+v", len(gaps), gaps[0])
	}

	// Exact counts.
	kinds := map[string]int{}
	for _, n := range f.snap.Nodes {
		kinds[string(n.Kind)]++
		if n.Kind == graphmodel.KindAWSResource {
			kinds[n.Prop(graphmodel.PropService)+" "+n.Prop(graphmodel.PropType)]++
		}
		if n.Kind == graphmodel.KindAWSManagedPolicy && n.Prop(graphmodel.PropAWSManaged) != "true" {
			kinds["customer-managed"]++
		}
	}
	for _, c := range []struct {
		what string
		want int
	}{
		{string(graphmodel.KindAWSRole), spec.Roles}, {string(graphmodel.KindAWSUser), spec.Users},
		{string(graphmodel.KindAWSGroup), spec.Groups}, {"customer-managed", spec.ManagedPolicies},
		{"lambda function", spec.Functions}, {"ec2 instance", spec.Instances}, {"s3 bucket", spec.Buckets},
		{"secretsmanager secret", spec.Secrets}, {"ec2 launch-template", spec.LaunchTemplates}, {"glue job", spec.GlueJobs},
	} {
		if kinds[c.what] != c.want {
			t.Errorf("%s: %d, want %d", c.what, kinds[c.what], c.want)
		}
	}

	// Administrators, IAM write and sts wildcards: exactly the summary's,
	// at the knobs' shares, reached through managed, inline and group
	// policies.
	p := spec.Principals()
	var admins, iamWrite, sts []string
	var iamSources, stsSources grantSource
	groupOnly := 0
	for _, id := range f.principals() {
		if slices.Contains(f.attached[id], "arn:aws:iam::aws:policy/AdministratorAccess") {
			admins = append(admins, id)
		}
		if f.holds(t, id, wildcardOnStar("*")) != 0 && !slices.Contains(f.attached[id], "arn:aws:iam::aws:policy/AdministratorAccess") {
			t.Errorf("%s holds * on * without AdministratorAccess", id)
		}
		if src := f.holds(t, id, wildcardOnStar("*", "iam:*", "iam:Put*", "iam:Create*", "iam:Update*")); src != 0 {
			iamWrite = append(iamWrite, id)
			iamSources |= src
			if src == viaGroup {
				groupOnly++
			}
		}
		if src := f.holds(t, id, wildcardOnStar("*", "sts:*")); src != 0 {
			sts = append(sts, id)
			stsSources |= src
		}
	}
	for _, c := range []struct {
		what      string
		got, want []string
		knob      float64
	}{
		{"administrators", admins, sum.Admins, -1},
		{"IAM write wildcards", iamWrite, sum.IAMWrite, spec.IAMWritePercent},
		{"sts wildcards", sts, sum.STSWildcard, spec.STSWildcardPercent},
	} {
		slices.Sort(c.got)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(c.got, want) {
			t.Errorf("%s: %d principals in the snapshot, %d in the summary", c.what, len(c.got), len(want))
		}
		if c.knob >= 0 && !near(share(len(c.got), p), c.knob) {
			t.Errorf("%s: %.2f%% of the principals, want %v%% ± 1", c.what, share(len(c.got), p), c.knob)
		}
	}
	if len(admins) != spec.Admins {
		t.Errorf("%d administrators, want %d", len(admins), spec.Admins)
	}
	for _, c := range []struct {
		what string
		src  grantSource
	}{{"IAM write", iamSources}, {"sts", stsSources}} {
		if c.src != viaManaged|viaInline|viaGroup {
			t.Errorf("%s wildcards come from sources %b, want managed, inline and group policies", c.what, c.src)
		}
	}
	if groupOnly == 0 {
		t.Error("no user holds an IAM write wildcard through a group alone")
	}

	// Few principals share a combination of managed policies.
	combos := map[string]int{}
	keyOf := map[string]string{}
	for _, id := range f.principals() {
		key := arnsKey(slices.Clone(f.attached[id]))
		keyOf[id] = key
		combos[key]++
	}
	unique := 0
	for _, id := range f.principals() {
		if combos[keyOf[id]] == 1 {
			unique++
		}
	}
	if want := planted(spec.DistinctPolicySetPercent, p); len(combos) != want || len(combos) != sum.PolicySets {
		t.Errorf("%d distinct combinations of managed policies, want %d (summary %d)", len(combos), want, sum.PolicySets)
	}
	if share(unique, p) < 70 || unique != sum.UniquePolicySets {
		t.Errorf("%d principals (%.1f%%) have a combination of their own, want more than 70%% (summary %d)", unique, share(unique, p), sum.UniquePolicySets)
	}

	// Deny statements and aws:ResourceTag conditions, over the customer
	// policies' default versions and the inline policies.
	total, denies, tagged := 0, 0, 0
	var denyShapes []string
	tagOps := map[string]bool{}
	tagValues := map[string][]string{} // tag key → condition values
	for _, n := range f.snap.Nodes {
		if n.Kind != graphmodel.KindAWSInlinePolicy && (n.Kind != graphmodel.KindAWSManagedPolicy || n.Prop(graphmodel.PropAWSManaged) == "true") {
			continue
		}
		for _, s := range f.statements(t, n.ID) {
			total++
			if s.Effect == awspolicy.Deny {
				denies++
				denyShapes = append(denyShapes, denyShape(s))
			}
			isTagged := false
			for _, c := range s.Conditions {
				if key, ok := strings.CutPrefix(c.Key, "aws:ResourceTag/"); ok {
					isTagged = true
					tagOps[c.Operator] = true
					tagValues[key] = append(tagValues[key], c.Values...)
				}
			}
			if isTagged {
				tagged++
			}
		}
	}
	if total != sum.Statements || denies != sum.DenyStatements || tagged != sum.ResourceTagStatements {
		t.Errorf("statements %d, denies %d, tagged %d; summary %d, %d, %d", total, denies, tagged,
			sum.Statements, sum.DenyStatements, sum.ResourceTagStatements)
	}
	if !near(share(denies, total), spec.DenyPercent) || !near(share(tagged, total), spec.ResourceTagPercent) {
		t.Errorf("%.2f%% Deny statements, %.2f%% under aws:ResourceTag; want %v%% and %v%% ± 1",
			share(denies, total), share(tagged, total), spec.DenyPercent, spec.ResourceTagPercent)
	}
	for _, shape := range []string{"NotAction", "iam:* on a path", "named resource", "tagged"} {
		if !slices.Contains(denyShapes, shape) {
			t.Errorf("no Deny statement of shape %q", shape)
		}
	}
	if !tagOps["StringEquals"] || !tagOps["StringLike"] {
		t.Errorf("aws:ResourceTag operators %v, want StringEquals and StringLike", tagOps)
	}
	// Every value a condition tests is carried by a tagged node.
	carried := map[string][]string{}
	taggedKinds := map[string]bool{}
	for _, n := range f.snap.Nodes {
		for k, v := range n.Tags {
			carried[k] = append(carried[k], v)
			taggedKinds[string(n.Kind)+" "+n.Prop(graphmodel.PropType)] = true
		}
	}
	for key, values := range tagValues {
		for _, v := range values {
			if !slices.ContainsFunc(carried[key], func(c string) bool { ok, _ := path.Match(v, c); return ok }) {
				t.Errorf("aws:ResourceTag/%s %q matches no tag of the estate", key, v)
			}
		}
	}
	for _, k := range []string{"aws.role ", "aws.user ", "aws.resource instance", "aws.resource secret", "aws.resource launch-template"} {
		if !taggedKinds[k] {
			t.Errorf("no tagged %s", k)
		}
	}

	// Trusts: roles trusting one to MaxTrustedRoles roles by ARN, roles
	// trusting an outside account under sts:ExternalId.
	roleTrust, external := 0, 0
	for _, n := range f.snap.Nodes {
		if n.Kind != graphmodel.KindAWSRole {
			continue
		}
		d, err := awspolicy.Parse(n.Documents["trust"])
		if err != nil {
			t.Fatalf("%s trust: %v", n.ID, err)
		}
		s := d.Statements[0]
		if arns := s.Principal.AWS; len(arns) > 0 && !slices.ContainsFunc(arns, func(a string) bool {
			return !strings.HasPrefix(a, "arn:aws:iam::"+DefaultAccount+":role/") || f.nodes[a] == nil || a == n.ID
		}) {
			if len(arns) > spec.MaxTrustedRoles {
				t.Errorf("%s trusts %d roles, more than %d", n.ID, len(arns), spec.MaxTrustedRoles)
			}
			roleTrust++
		}
		if slices.ContainsFunc(s.Conditions, func(c awspolicy.Condition) bool { return c.Key == "sts:ExternalId" }) {
			external++
		}
	}
	if want := planted(spec.RoleTrustPercent, spec.Roles); roleTrust != want || roleTrust != sum.RoleTrusting {
		t.Errorf("%d roles trust roles by ARN, want %d (summary %d)", roleTrust, want, sum.RoleTrusting)
	}
	if want := planted(spec.ExternalIDPercent, spec.Roles); external != want || external != sum.ExternalID {
		t.Errorf("%d roles trust an outside account under sts:ExternalId, want %d (summary %d)", external, want, sum.ExternalID)
	}
	if want := planted(spec.BoundaryPercent, p); f.bounded != want || f.bounded != sum.Boundaries {
		t.Errorf("%d permissions boundaries, want %d (summary %d)", f.bounded, want, sum.Boundaries)
	}

	// Compute runs with roles: functions, instances, launch templates and
	// Glue jobs carry roles of the account.
	carries := map[string]int{}
	for _, e := range f.snap.Edges {
		if e.Kind == graphmodel.EdgeCarriesRole {
			carries[f.nodes[e.From].Prop(graphmodel.PropType)]++
		}
	}
	for _, typ := range []string{"function", "instance", "launch-template", "job"} {
		if carries[typ] == 0 {
			t.Errorf("no %s carries a role", typ)
		}
	}
}

// denyShape names the shape of a Deny statement.
func denyShape(s awspolicy.Statement) string {
	switch {
	case s.Action.Negated:
		return "NotAction"
	case slices.ContainsFunc(s.Conditions, func(c awspolicy.Condition) bool { return strings.HasPrefix(c.Key, "aws:ResourceTag/") }):
		return "tagged"
	case slices.Equal(s.Action.Values, []string{"iam:*"}) && !slices.Contains(s.Resource.Values, "*"):
		return "iam:* on a path"
	case !slices.Contains(s.Resource.Values, "*") && !slices.ContainsFunc(s.Resource.Values, func(r string) bool { return strings.HasSuffix(r, "*") }):
		return "named resource"
	}
	return "other"
}

func TestDenseDeterministic(t *testing.T) {
	spec := DenseScaled(1250)
	spec.Functions, spec.Instances, spec.Buckets = 20, 20, 20
	write := func(s DenseSpec) map[string]string {
		dir := t.TempDir()
		if _, err := WriteAWSDense(dir, s); err != nil {
			t.Fatal(err)
		}
		return hashDir(t, dir)
	}
	first, second := write(spec), write(spec)
	if len(first) != len(DenseFiles) {
		t.Errorf("wrote %d files, want %d: %v", len(first), len(DenseFiles), first)
	}
	for name, h := range first {
		if second[name] != h {
			t.Errorf("%s differs between two runs of the same spec", name)
		}
	}
	other := spec
	other.Seed = 2
	if write(other)[GAADFile] == first[GAADFile] {
		t.Error("another seed gave the same gaad.json")
	}
}

// TestDenseGAADIsCLIShaped checks that gaad.json is what the CLI's
// json.dump(indent=4) prints, keys in the CLI's order.
func TestDenseGAADIsCLIShaped(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteAWSDense(dir, tinyDense()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, GAADFile))
	if err != nil {
		t.Fatal(err)
	}
	var canon bytes.Buffer
	if err := json.Indent(&canon, data, "", "    "); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimRight(canon.Bytes(), "\n"), bytes.TrimRight(data, "\n")) {
		t.Error("gaad.json is not in canonical indented form")
	}
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
	if want := []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "IsTruncated"}; !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
}

// TestDenseAtScale checks the figure on the full dense estate:
// about 19,000 distinct combinations of managed policies over 25,000
// principals. It generates the estate in memory (a few seconds).
func TestDenseAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 25,000 principals")
	}
	spec := Dense()
	_, sum, err := buildDense(spec)
	if err != nil {
		t.Fatal(err)
	}
	p := spec.Principals()
	if sum.PolicySets != 19000 {
		t.Errorf("%d distinct combinations of managed policies, want 19,000", sum.PolicySets)
	}
	if share(sum.UniquePolicySets, p) < 70 {
		t.Errorf("%.1f%% of the principals have a combination of their own, want more than 70%%", share(sum.UniquePolicySets, p))
	}
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"IAM write", share(len(sum.IAMWrite), p), spec.IAMWritePercent},
		{"sts", share(len(sum.STSWildcard), p), spec.STSWildcardPercent},
		{"role trust", share(sum.RoleTrusting, spec.Roles), spec.RoleTrustPercent},
		{"ExternalId", share(sum.ExternalID, spec.Roles), spec.ExternalIDPercent},
		{"Deny", share(sum.DenyStatements, sum.Statements), spec.DenyPercent},
		{"aws:ResourceTag", share(sum.ResourceTagStatements, sum.Statements), spec.ResourceTagPercent},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s: %.2f%%, want %v%% ± 1", c.what, c.got, c.want)
		}
	}
	if len(sum.Admins) != 3 {
		t.Errorf("%d administrators, want 3", len(sum.Admins))
	}
}

func TestDenseValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*DenseSpec)
		want   string
	}{
		{"dense", func(*DenseSpec) {}, ""},
		{"bad account", func(s *DenseSpec) { s.Account = "12345" }, "12 digits"},
		{"negative secrets", func(s *DenseSpec) { s.Secrets = -1 }, "negative"},
		{"percent", func(s *DenseSpec) { s.IAMWritePercent = 120 }, "0 to 100"},
		{"deny", func(s *DenseSpec) { s.DenyPercent = 60 }, "less than 50"},
		{"few groups", func(s *DenseSpec) { s.Groups = 3 }, "at least 6"},
		{"few policies", func(s *DenseSpec) { s.ManagedPolicies = 5 }, "at least"},
		{"max trusted", func(s *DenseSpec) { s.MaxTrustedRoles = 0 }, "max trusted roles"},
		{"role kinds", func(s *DenseSpec) { s.RoleTrustPercent, s.ExternalIDPercent = 70, 40 }, "role kinds"},
		{"wildcards", func(s *DenseSpec) { s.IAMWritePercent, s.STSWildcardPercent = 100, 100 }, "wildcard holders"},
		{"no principals", func(s *DenseSpec) { s.Roles, s.Users, s.Functions, s.GlueJobs = 0, 0, 0, 0 }, "no principals"},
		{"no external", func(s *DenseSpec) { s.ExternalAccounts = 0 }, "external account"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := DenseScaled(1250)
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
			if _, werr := WriteAWSDense(t.TempDir(), s); werr == nil {
				t.Fatal("WriteAWSDense accepted an invalid spec")
			}
		})
	}
}

// tinyDense is the golden dense estate: every feature, small enough to
// read.
func tinyDense() DenseSpec {
	s := DenseScaled(50)
	s.Functions, s.Instances, s.Buckets, s.Secrets, s.LaunchTemplates, s.GlueJobs = 3, 3, 3, 3, 2, 2
	return s
}

func TestDenseGolden(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteAWSDense(dir, tinyDense()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "dense-tiny")
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
			t.Errorf("%s differs from testdata/dense-tiny (go test ./internal/synth -update after a deliberate change)", name)
		}
	}
}
