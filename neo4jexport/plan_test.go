package neo4jexport

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/queries"
)

func TestKindLabel(t *testing.T) {
	tests := []struct {
		kind graphmodel.NodeKind
		want string
	}{
		{graphmodel.KindAWSRole, "AwsRole"},
		{graphmodel.KindAWSManagedPolicy, "AwsManagedPolicy"},
		{graphmodel.KindK8sClusterRole, "K8sClusterRole"},
		{graphmodel.KindWorkspaceOAuthApp, "WorkspaceOauthApp"},
		{graphmodel.KindGitHubRepo, "GithubRepo"},
		{"", ""},
		{"evil`) DETACH DELETE n //", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			if got := KindLabel(tt.kind); got != tt.want {
				t.Errorf("KindLabel(%q) = %q, want %q", tt.kind, got, tt.want)
			}
		})
	}
}

func TestKnownKindsHaveDistinctLabels(t *testing.T) {
	seen := map[string]graphmodel.NodeKind{}
	for _, k := range graphmodel.Kinds() {
		l := KindLabel(k)
		if l == "" {
			t.Errorf("kind %s: no label (not a known kind?)", k)
		}
		if other, ok := seen[l]; ok {
			t.Errorf("kinds %s and %s share label %s", k, other, l)
		}
		seen[l] = k
	}
}

func TestRelType(t *testing.T) {
	tests := []struct {
		kind graphmodel.EdgeKind
		want string
	}{
		{graphmodel.EdgeCanBecome, "CAN_BECOME"},
		{graphmodel.EdgeAttachedPolicy, "ATTACHED_POLICY"},
		{graphmodel.EdgeIncludes, "INCLUDES"},
		{"a-b c", "A_B_C"},
		{"`]->(x) DELETE x //", "X__DELETE_X"},
		{"", "RELATED"},
		{"9lives", "RELATED_9LIVES"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			if got := RelType(tt.kind); got != tt.want {
				t.Errorf("RelType(%q) = %q, want %q", tt.kind, got, tt.want)
			}
		})
	}
}

var identRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// FuzzRelType checks that any edge kind, as a snapshot may hold it, becomes
// a relationship type made of upper-case letters, digits and underscores
// only: types are written into Cypher text.
func FuzzRelType(f *testing.F) {
	for _, s := range []string{"can_become", "", "`", "é", "__", "0", "a`b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := RelType(graphmodel.EdgeKind(s))
		if !identRE.MatchString(got) {
			t.Fatalf("RelType(%q) = %q", s, got)
		}
	})
}

func TestPlan(t *testing.T) {
	acct := graphmodel.AWSAccountScope("1")
	g := &Graph{
		Scope: acct,
		Nodes: []graphmodel.Node{
			{ID: "u", Kind: graphmodel.KindAWSUser, Scope: acct},
			{ID: "u", Kind: graphmodel.KindAWSRole}, // repeated id: the first wins
			{ID: "r", Kind: graphmodel.KindAWSRole, Scope: acct},
			{ID: "p", Kind: graphmodel.KindAWSManagedPolicy, Scope: acct},
		},
		Edges: []graphmodel.Edge{
			{From: "u", To: "r", Kind: graphmodel.EdgeCanBecome, Technique: "sts-001", Conditional: true,
				Evidence: []graphmodel.Evidence{{Source: "cond", Statement: 0}}},
			{From: "u", To: "r", Kind: graphmodel.EdgeCanBecome, Technique: "sts-001",
				Evidence: []graphmodel.Evidence{{Source: "certain", Statement: 1}}},
			{From: "u", To: "r", Kind: graphmodel.EdgeCanBecome, Technique: "iam-002"},
			{From: "u", To: "missing-policy", Kind: graphmodel.EdgeAttachedPolicy},
			{From: "r", To: "other-account", Kind: graphmodel.EdgeAdminOf, Technique: "x"},
		},
		Identities: map[string]*analysis.Identity{
			"r": {ID: "r", AdminOf: []string{"other-account"}},
			"u": {ID: "u", BlastRadius: analysis.BlastRadius{Score: 12}},
		},
	}
	p, err := makePlan(g)
	if err != nil {
		t.Fatal(err)
	}
	// u, r, p, missing-policy, other-account, the account.
	if p.nNodes != 6 {
		t.Errorf("%d nodes, want 6", p.nNodes)
	}
	labels := map[string]string{}
	for _, grp := range p.nodeGroups {
		for _, n := range grp.nodes {
			labels[n.ID] = strings.Join(grp.labels, ":")
		}
	}
	wantLabels := map[string]string{
		"u":              "AwsUser:BlastMedium:Identity",
		"r":              "AwsRole:BlastAdmin:Identity:NonHuman",
		"p":              "AwsManagedPolicy:Policy",
		"missing-policy": "Unknown",
		"other-account":  "Scope:Unknown",
		acct:             "Scope:Unknown",
	}
	for id, want := range wantLabels {
		if labels[id] != want {
			t.Errorf("labels of %s = %q, want %q", id, labels[id], want)
		}
	}
	rels := map[string][]*graphmodel.Edge{}
	for _, grp := range p.relGroups {
		rels[grp.typ] = grp.edges
	}
	if n := len(rels["CAN_BECOME"]); n != 2 {
		t.Fatalf("%d CAN_BECOME, want 2 (sts-001 merged, iam-002)", n)
	}
	sts := rels["CAN_BECOME"][0]
	if sts.Technique != "sts-001" || sts.Conditional || len(sts.Evidence) != 1 || sts.Evidence[0].Source != "certain" {
		t.Errorf("merged sts-001 edge = %+v, want the certain copy", sts)
	}
	// CONTAINS from the account to u and r (identities), not to the policy.
	var contains []string
	for _, e := range rels["CONTAINS"] {
		contains = append(contains, e.From+">"+e.To)
	}
	if strings.Join(contains, ",") != acct+">u,"+acct+">r" {
		t.Errorf("CONTAINS = %v", contains)
	}
	if p.nRels != 2+1+1+2 {
		t.Errorf("%d relationships, want 6", p.nRels)
	}
}

// TestPlanTargetSets checks the plan of a target set: labelled with its
// kind, DerivedSet and TargetSet, its INCLUDES relationships derived, its
// member count kept, and a source's two edges into it under one merge key
// combined as edges to one target are.
func TestPlanTargetSets(t *testing.T) {
	acct := graphmodel.AWSAccountScope("1")
	const set = "aws:target-set:00000000000000aa"
	g := &Graph{
		Scope: acct,
		Nodes: []graphmodel.Node{
			{ID: "u", Kind: graphmodel.KindAWSUser, Scope: acct},
			{ID: "b1", Kind: graphmodel.KindAWSResource, Scope: acct},
			{ID: "b2", Kind: graphmodel.KindAWSResource, Scope: acct},
			{ID: set, Kind: graphmodel.KindAWSTargetSet, Provider: graphmodel.ProviderAWS, Name: "2 targets, from b1"},
		},
		Edges: []graphmodel.Edge{
			{From: "u", To: set, Kind: graphmodel.EdgeCanAccess, Access: graphmodel.AccessRead,
				Evidence: []graphmodel.Evidence{{Source: "p", Statement: 0, Note: "allows s3:GetObject {target}"}}},
			{From: "u", To: set, Kind: graphmodel.EdgeCanAccess, Access: graphmodel.AccessWrite,
				Evidence: []graphmodel.Evidence{{Source: "p", Statement: 1, Note: "allows s3:PutObject {target}"}}},
			{From: set, To: "b1", Kind: graphmodel.EdgeIncludes},
			{From: set, To: "b2", Kind: graphmodel.EdgeIncludes},
		},
	}
	p, err := makePlan(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, grp := range p.nodeGroups {
		if grp.nodes[0].ID == set {
			if got := strings.Join(grp.labels, ":"); got != "AwsTargetSet:DerivedSet:TargetSet" {
				t.Errorf("labels of the set = %s", got)
			}
		}
	}
	if p.members[set] != 2 {
		t.Errorf("members = %d, want 2", p.members[set])
	}
	rels := map[string]*relGroup{}
	for _, grp := range p.relGroups {
		rels[grp.typ] = grp
	}
	if inc := rels["INCLUDES"]; inc == nil || !inc.derived || len(inc.edges) != 2 {
		t.Fatalf("INCLUDES group = %+v, want 2 derived relationships", inc)
	}
	acc := rels["CAN_ACCESS"]
	if acc == nil || len(acc.edges) != 1 {
		t.Fatalf("CAN_ACCESS group = %+v, want the two edges into the set as one", acc)
	}
	props := relProps(acc.edges[0])
	if props[PropAccess] != "write" || props[PropEvidence] != "p statement 0: allows s3:GetObject {target}; p statement 1: allows s3:PutObject {target}" {
		t.Errorf("combined edge = %v", props)
	}
}

func TestPlanRejectsIncompleteEdges(t *testing.T) {
	for _, e := range []graphmodel.Edge{{From: "a", Kind: "x"}, {To: "a", Kind: "x"}, {From: "a", To: "b"}} {
		if _, err := makePlan(&Graph{Scope: "s", Edges: []graphmodel.Edge{e}}); err == nil {
			t.Errorf("edge %+v accepted", e)
		}
	}
	if _, err := makePlan(&Graph{Scope: "s", Nodes: []graphmodel.Node{{Name: "no id"}}}); err == nil {
		t.Error("node without id accepted")
	}
}

func TestNodeProps(t *testing.T) {
	hops := 2
	days := 120
	n := &graphmodel.Node{
		ID: "arn:aws:iam::1:role/x", Kind: graphmodel.KindAWSRole, Name: "x", Scope: "aws:account:1",
		Tags:       map[string]string{"team": "data", "": "empty"},
		Properties: map[string]string{"path": "/", "name": "collides", "score": "collides too", "": "dropped"},
		Documents:  map[string]json.RawMessage{"trust": json.RawMessage(`{"Version":"2012-10-17"}`)},
	}
	id := &analysis.Identity{
		Rank: 3, MinHopsToAdmin: &hops, AdminOf: []string{"aws:account:1"},
		BlastRadius: analysis.BlastRadius{Score: 25, Resources: 4, Identities: 5,
			Breakdown: map[string]float64{analysis.BreakdownAdminScopes: 10, analysis.BreakdownIdentities: 5, analysis.BreakdownResources: 10}},
		Hygiene: &analysis.Hygiene{DaysUnused: &days, Findings: []string{"NHI1: unused"}},
	}
	p := nodeProps(n, id)
	want := map[string]any{
		"id": n.ID, "name": "x", "kind": "aws.role", "provider": "aws", "class": "identity",
		"scope": "aws:account:1", "non_human": true, "path": "/", "prop_name": "collides",
		"prop_score": "collides too", "tag_team": "data", "tag_": "empty",
		"trust_policy": `{"Version":"2012-10-17"}`, "score": 25.0, "rank": int64(3),
		"admin_scopes": int64(1), "min_hops_to_admin": int64(2), "days_unused": int64(120),
		"reachable_resources": int64(4), "reachable_identities": int64(5),
	}
	for k, v := range want {
		if got := p[k]; got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	if _, ok := p[""]; ok {
		t.Error("a property with an empty name was written")
	}
	if f, _ := p["hygiene_findings"].([]string); len(f) != 1 {
		t.Errorf("hygiene_findings = %v", p["hygiene_findings"])
	}
}

func TestRelProps(t *testing.T) {
	e := &graphmodel.Edge{From: "a", To: "b", Kind: graphmodel.EdgeCanAccess, Technique: "s3:GetObject",
		Access: graphmodel.AccessRead, Conditional: true, Conditions: []string{"aws:SourceIp", "aws:SourceIp"},
		Evidence: []graphmodel.Evidence{{Source: "pol", Statement: 2, Sid: "S"}, {Source: "pol", Statement: 2, Sid: "S"}, {Source: "b", Statement: -1, Note: "policy"}}}
	p := relProps(e)
	if p["technique"] != "s3:GetObject" || p["access"] != "read" || p["conditional"] != true || p["derived"] != true {
		t.Errorf("props = %v", p)
	}
	if got := p["evidence"]; got != "pol statement 2 (Sid S); b: policy" {
		t.Errorf("evidence = %q", got)
	}
	if c, _ := p["conditions"].([]string); len(c) != 1 {
		t.Errorf("conditions = %v", p["conditions"])
	}
	fact := relProps(&graphmodel.Edge{From: "a", To: "b", Kind: graphmodel.EdgeMemberOf})
	if fact["technique"] != "" || fact["derived"] != false {
		t.Errorf("fact props = %v", fact)
	}
}

func TestNodeStatement(t *testing.T) {
	q := nodeStatement([]string{"AwsRole", "Identity"}, []string{"AwsRole", "AwsUser", "Identity", "Unknown"})
	for _, want := range []string{
		"MERGE (n:Node {id: p.id})",
		"SET n:`AwsRole`:`Identity`",
		"WITH n WHERE size(labels(n)) > $want\n  REMOVE n:`AwsUser`:`Unknown`",
		"RETURN collect(n.id), collect(elementId(n))",
	} {
		if !strings.Contains(q, want) {
			t.Errorf("statement lacks %q:\n%s", want, q)
		}
	}
	if got := quote("a`b"); got != "`a``b`" {
		t.Errorf("quote = %s", got)
	}
}

// TestStyleCoversLabels checks that the Browser style has a rule for every
// kind label and blast band the export writes.
func TestStyleCoversLabels(t *testing.T) {
	style := string(queries.Style())
	labels := []string{LabelBlastAdmin, LabelBlastHigh, LabelBlastMedium, LabelScope, LabelUnknown, LabelDerivedSet, LabelTargetSet}
	for _, k := range graphmodel.Kinds() {
		labels = append(labels, KindLabel(k))
	}
	for _, l := range labels {
		if !strings.Contains(style, "\nnode."+l+" {") {
			t.Errorf("no style rule for label %s", l)
		}
	}
	for _, typ := range []graphmodel.EdgeKind{graphmodel.EdgeCanBecome, graphmodel.EdgeAdminOf, graphmodel.EdgeCanAccess, graphmodel.EdgeCanGrantAdmin,
		graphmodel.EdgeMemberOf, graphmodel.EdgeIncludes} {
		if !strings.Contains(style, "\nrelationship."+RelType(typ)+" {") {
			t.Errorf("no style rule for %s", RelType(typ))
		}
	}
}

func TestIsConstraintViolation(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&neo4j.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed"}, true},
		{fmt.Errorf("write: %w", &neo4j.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed"}), true},
		{&neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}, false},
		{errors.New("ConstraintValidationFailed"), false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := isConstraintViolation(tt.err); got != tt.want {
			t.Errorf("isConstraintViolation(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestRelationshipStatements(t *testing.T) {
	update, create := updateRelStatement("CAN_BECOME"), createRelStatement("CAN_BECOME")
	for _, q := range []string{update, create} {
		if !strings.Contains(q, "MATCH (a) WHERE elementId(a) = r[0]\nMATCH (b) WHERE elementId(b) = r[1]") {
			t.Errorf("statement does not find its ends by element ID:\n%s", q)
		}
		if strings.Contains(q, "MERGE") {
			t.Errorf("statement merges (its locks deadlock concurrent batches):\n%s", q)
		}
		// Every property relRow carries, and the batch's constants.
		for _, c := range append(append([]string{}, relColumns...), PropDerived, PropExportRun, PropExportScope) {
			if !strings.Contains(q, c) {
				t.Errorf("statement does not write %s:\n%s", c, q)
			}
		}
	}
	if !strings.Contains(update, "MATCH (a)-[e:`CAN_BECOME` {technique: r[2]}]->(b)") || strings.Contains(update, "SET e =") ||
		!strings.HasSuffix(update, fmt.Sprintf("RETURN collect(r[%d])", len(relColumns)+2)) {
		t.Errorf("update statement:\n%s", update)
	}
	if !strings.Contains(create, "CREATE (a)-[e:`CAN_BECOME` {technique: r[2], conditional: r[3],") {
		t.Errorf("create statement:\n%s", create)
	}
	// Grants also carry who can use them.
	update, create = updateRelStatement("CAN_GRANT_ADMIN"), createRelStatement("CAN_GRANT_ADMIN")
	for _, c := range grantColumns {
		if !strings.Contains(update, "e."+c+" = ") || !strings.Contains(create, c+": ") {
			t.Errorf("grant statements do not write %s:\n%s\n%s", c, update, create)
		}
	}
	if !strings.HasSuffix(update, fmt.Sprintf("RETURN collect(r[%d])", len(relColumns)+len(grantColumns)+2)) {
		t.Errorf("grant update statement returns the wrong index:\n%s", update)
	}
	if got := grantRow([]any{}, usable{by: "x", hops: 2, grantee: "y"}, true); fmt.Sprint(got) != "[x 2 false y]" {
		t.Errorf("grantRow = %v", got)
	}
	row := relRow(&graphmodel.Edge{From: "a", To: "b", Kind: graphmodel.EdgeCanAccess, Technique: "t", Access: graphmodel.AccessWrite})
	if len(row) != len(relColumns)+2 || row[4] != "write" || row[7] != nil {
		t.Errorf("row = %v", row)
	}
}
