package aws_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/graphmodel"
)

// estate builds small snapshots by hand, in the shape the AWS collector writes.
type estate struct{ snap graphmodel.Snapshot }

const (
	acctA = "111111111111"
	acctB = "222222222222"
	alice = "arn:aws:iam::111111111111:user/alice"
	bkt   = "arn:aws:s3:::reports"
	key   = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

func newEstate(accounts ...string) *estate {
	e := &estate{}
	for _, a := range accounts {
		e.snap.Nodes = append(e.snap.Nodes, graphmodel.Node{ID: graphmodel.AWSAccountScope(a), Kind: graphmodel.KindAWSAccount, Provider: graphmodel.ProviderAWS, Name: a})
	}
	return e
}

func (e *estate) user(arn string, policies ...string) *estate {
	e.snap.Nodes = append(e.snap.Nodes, graphmodel.Node{ID: arn, Kind: graphmodel.KindAWSUser, Provider: graphmodel.ProviderAWS,
		Name: arn[strings.LastIndex(arn, "/")+1:], Scope: graphmodel.AWSAccountScope(graphmodel.AWSAccountOfARN(arn))})
	for i, p := range policies {
		id := arn + "#inline:p" + string(rune('0'+i))
		e.snap.Nodes = append(e.snap.Nodes, graphmodel.Node{ID: id, Kind: graphmodel.KindAWSInlinePolicy, Provider: graphmodel.ProviderAWS,
			Name: "p", Documents: map[string]json.RawMessage{"policy": json.RawMessage(p)}})
		e.snap.Edges = append(e.snap.Edges, graphmodel.Edge{From: arn, To: id, Kind: graphmodel.EdgeInlinePolicy})
	}
	return e
}

func (e *estate) resource(arn, account, service, typ, policy string) *estate {
	n := graphmodel.Node{ID: arn, Kind: graphmodel.KindAWSResource, Provider: graphmodel.ProviderAWS,
		Name: arn[strings.LastIndexAny(arn, "/:")+1:], Scope: graphmodel.AWSAccountScope(account),
		Properties: map[string]string{"service": service, "type": typ}}
	if policy != "" {
		n.Documents = map[string]json.RawMessage{"policy": json.RawMessage(policy)}
	}
	e.snap.Nodes = append(e.snap.Nodes, n)
	return e
}

// org puts accounts under root → ou with the given SCPs at the OU (FullAWSAccess at the root).
func (e *estate) org(management string, ouSCPs []string, members ...string) *estate {
	root := "arn:aws:organizations::" + management + ":root/o-abc/r-root"
	ou := "arn:aws:organizations::" + management + ":ou/o-abc/ou-prod"
	add := func(n graphmodel.Node) { e.snap.Nodes = append(e.snap.Nodes, n) }
	edge := func(from, to string, k graphmodel.EdgeKind) {
		e.snap.Edges = append(e.snap.Edges, graphmodel.Edge{From: from, To: to, Kind: k})
	}
	add(graphmodel.Node{ID: root, Kind: graphmodel.KindAWSOrgUnit, Provider: graphmodel.ProviderAWS, Name: "Root"})
	add(graphmodel.Node{ID: ou, Kind: graphmodel.KindAWSOrgUnit, Provider: graphmodel.ProviderAWS, Name: "prod"})
	edge(ou, root, graphmodel.EdgeChildOf)
	scp := func(id, doc string) {
		add(graphmodel.Node{ID: id, Kind: graphmodel.KindAWSOrgPolicy, Provider: graphmodel.ProviderAWS, Name: id,
			Properties: map[string]string{"type": "SERVICE_CONTROL_POLICY"}, Documents: map[string]json.RawMessage{"policy": json.RawMessage(doc)}})
	}
	full := "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
	scp(full, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	edge(root, full, graphmodel.EdgeAttachedPolicy)
	for i, doc := range ouSCPs {
		id := "arn:aws:organizations::" + management + ":policy/o-abc/service_control_policy/p-ou" + string(rune('0'+i))
		scp(id, doc)
		edge(ou, id, graphmodel.EdgeAttachedPolicy)
	}
	for _, m := range append([]string{management}, members...) {
		acct := graphmodel.AWSAccountScope(m)
		parent := ou
		if m == management {
			parent = root
		}
		edge(acct, parent, graphmodel.EdgeChildOf)
		for i := range e.snap.Nodes {
			if e.snap.Nodes[i].ID == acct {
				e.snap.Nodes[i].SetProp("organization", "o-abc")
				if m == management {
					e.snap.Nodes[i].SetProp("management", "true")
				}
			}
		}
	}
	return e
}

func (e *estate) analyze(t *testing.T) *analysis.Result {
	t.Helper()
	snap := graphmodel.Merge(&e.snap)
	res, err := analysis.Analyze(context.Background(), snap, analysis.Options{
		Derivers: []analysis.Deriver{awsanalysis.NewAt(fixedNow)}, Detail: analysis.DetailFull, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func reach(t *testing.T, res *analysis.Result, who, what string) *analysis.ResourceReach {
	t.Helper()
	id := identity(t, res, who)
	for i := range id.ReachableResources {
		if id.ReachableResources[i].ID == what {
			return &id.ReachableResources[i]
		}
	}
	return nil
}

func allow(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`
}

func TestResourceAccess(t *testing.T) {
	tests := []struct {
		name        string
		build       func() *estate
		who, what   string
		access      graphmodel.Access // "" = no access
		conditional bool
		evidence    string
	}{
		{"identity policy reads objects",
			func() *estate {
				return newEstate(acctA).user(alice, allow("s3:GetObject", bkt+"/*")).resource(bkt, acctA, "s3", "bucket", "")
			}, alice, bkt, graphmodel.AccessRead, false, alice + "#inline:p0 statement 0"},
		{"identity policy s3:* is admin of the bucket",
			func() *estate {
				return newEstate(acctA).user(alice, allow("s3:*", "*")).resource(bkt, acctA, "s3", "bucket", "")
			}, alice, bkt, graphmodel.AccessAdmin, false, ""},
		{"a bucket policy naming the user grants what the identity policy lacks",
			func() *estate {
				return newEstate(acctA).user(alice).resource(bkt, acctA, "s3", "bucket",
					`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+alice+`"},"Action":"s3:PutObject","Resource":"`+bkt+`/*"}]}`)
			}, alice, bkt, graphmodel.AccessWrite, false, bkt + " resource policy statement 0"},
		{"a bucket policy naming only the account needs the identity policy",
			func() *estate {
				return newEstate(acctA).user(alice).resource(bkt, acctA, "s3", "bucket",
					`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:*","Resource":"*"}]}`)
			}, alice, bkt, "", false, ""},
		{"an explicit Deny in the bucket policy wins",
			func() *estate {
				return newEstate(acctA).user(alice, allow("s3:*", "*")).resource(bkt, acctA, "s3", "bucket",
					`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["`+bkt+`","`+bkt+`/*"]}]}`)
			}, alice, bkt, "", false, ""},
		{"a conditional Deny keeps the access conditional",
			func() *estate {
				return newEstate(acctA).user(alice, allow("s3:GetObject", "*")).resource(bkt, acctA, "s3", "bucket",
					`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"`+bkt+`/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}`)
			}, alice, bkt, graphmodel.AccessRead, true, ""},
		{"cross-account needs both sides: bucket policy and identity policy",
			func() *estate {
				other := "arn:aws:s3:::partner-drop"
				return newEstate(acctA, acctB).user(alice, allow("s3:GetObject", other+"/*")).resource(other, acctB, "s3", "bucket",
					`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+alice+`"},"Action":"s3:GetObject","Resource":"`+other+`/*"}]}`)
			}, alice, "arn:aws:s3:::partner-drop", graphmodel.AccessRead, false, ""},
		{"cross-account without the identity policy gives nothing",
			func() *estate {
				other := "arn:aws:s3:::partner-drop"
				return newEstate(acctA, acctB).user(alice).resource(other, acctB, "s3", "bucket",
					`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+alice+`"},"Action":"s3:GetObject","Resource":"`+other+`/*"}]}`)
			}, alice, "arn:aws:s3:::partner-drop", "", false, ""},
		{"a KMS key policy that names neither the user nor the account blocks the identity policy",
			func() *estate {
				return newEstate(acctA).user(alice, allow("kms:*", "*")).resource(key, acctA, "kms", "key",
					`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/key-admin"},"Action":"kms:*","Resource":"*"}]}`)
			}, alice, key, "", false, ""},
		{"a KMS key policy that delegates to the account lets the identity policy decide",
			func() *estate {
				return newEstate(acctA).user(alice, allow("kms:*", "*")).resource(key, acctA, "kms", "key",
					`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}`)
			}, alice, key, graphmodel.AccessAdmin, false, key + " resource policy statement 0"},
		{"an SCP that denies takes it away",
			func() *estate {
				return newEstate(acctA, "999999999999").user(alice, allow("s3:*", "*")).resource(bkt, acctA, "s3", "bucket", "").
					org("999999999999", []string{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`}, acctA)
			}, alice, bkt, "", false, ""},
		{"an OU without an allowing SCP allows nothing",
			func() *estate {
				return newEstate(acctA, "999999999999").user(alice, allow("s3:*", "*")).resource(bkt, acctA, "s3", "bucket", "").
					org("999999999999", []string{`{"Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`}, acctA)
			}, alice, bkt, "", false, ""},
		{"SCPs do not restrict the management account",
			func() *estate {
				return newEstate(acctA).user(alice, allow("s3:*", "*")).resource(bkt, acctA, "s3", "bucket", "").
					org(acctA, []string{`{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`})
			}, alice, bkt, graphmodel.AccessAdmin, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.build().analyze(t)
			got := reach(t, res, tc.who, tc.what)
			if tc.access == "" {
				if got != nil {
					t.Fatalf("reaches %s with %s, want no access", tc.what, got.Access)
				}
				return
			}
			if got == nil {
				t.Fatalf("does not reach %s, want %s", tc.what, tc.access)
			}
			if got.Access != tc.access || got.Conditional != tc.conditional {
				t.Errorf("access = %s conditional %v, want %s conditional %v", got.Access, got.Conditional, tc.access, tc.conditional)
			}
			if tc.evidence == "" {
				return
			}
			id := identity(t, res, tc.who)
			esc := escalationTo(id, tc.what)
			if esc == nil {
				for _, e := range id.Escalations {
					t.Logf("escalation %s", e.Target)
				}
				return
			}
			if !strings.Contains(esc.Path[0].Evidence, tc.evidence) {
				t.Errorf("evidence %q should cite %q", esc.Path[0].Evidence, tc.evidence)
			}
		})
	}
}

func TestExternalAccountNamedByResourcePolicy(t *testing.T) {
	res := newEstate(acctA).resource(bkt, acctA, "s3", "bucket",
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["`+bkt+`","`+bkt+`/*"]}]}`).
		analyze(t)
	got := reach(t, res, "arn:aws:iam::333333333333:root", bkt)
	if got == nil || got.Access != graphmodel.AccessRead || got.Conditional {
		t.Fatalf("external account reach = %+v, want certain read", got)
	}
}

func TestSCPDeniesEscalation(t *testing.T) {
	// alice may rewrite her own policy, but the OU's SCP denies IAM changes.
	selfEdit := allow("iam:PutUserPolicy", alice)
	denyIAM := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:Put*","Resource":"*"}]}`
	res := newEstate(acctA, "999999999999").user(alice, selfEdit).org("999999999999", []string{denyIAM}, acctA).analyze(t)
	if id := identity(t, res, alice); len(id.AdminOf)+len(id.ConditionalAdminOf) != 0 {
		t.Fatalf("admin_of = %v, want none under the SCP", id.AdminOf)
	}
	allowAll := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	res = newEstate(acctA, "999999999999").user(alice, selfEdit).org("999999999999", []string{allowAll}, acctA).analyze(t)
	if id := identity(t, res, alice); len(id.AdminOf) != 1 {
		t.Fatalf("admin_of = %v, want the account without the deny", id.AdminOf)
	}
}

// A guardrail SCP that denies a few actions to everyone does not make the
// account's administrators less than administrators.
func TestAdminUnderGuardrailSCP(t *testing.T) {
	guardrail := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},` +
		`{"Effect":"Deny","Action":["cloudtrail:StopLogging","organizations:LeaveOrganization"],"Resource":"*"}]}`
	res := newEstate(acctA, "999999999999").user(alice, allow("*", "*")).org("999999999999", []string{guardrail}, acctA).analyze(t)
	id := identity(t, res, alice)
	esc := escalationTo(id, graphmodel.AWSAccountScope(acctA))
	if esc == nil || len(esc.Path) != 1 || esc.Path[0].Technique != "admin-equivalent-policy" {
		t.Fatalf("escalation = %+v, want alice administrator by her policy", esc)
	}
	// An SCP that leaves nothing makes nobody administrator.
	denyAll := `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`
	res = newEstate(acctA, "999999999999").user(alice, allow("*", "*")).org("999999999999", []string{denyAll}, acctA).analyze(t)
	if id := identity(t, res, alice); len(id.AdminOf) != 0 {
		t.Errorf("admin_of = %v under a deny-all SCP", id.AdminOf)
	}
}
