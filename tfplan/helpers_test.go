package tfplan_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/tfplan"
)

// The test estate: account 111111111111 in organization o-test (managed
// from 999999999999), region eu-west-1.
const (
	acct    = "111111111111"
	scope   = "aws:account:" + acct
	iam     = "arn:aws:iam::" + acct + ":"
	region  = "eu-west-1"
	awsProv = "registry.terraform.io/hashicorp/aws"
	orgRoot = "arn:aws:organizations::999999999999:root/o-test/r-abcd"
	orgOU   = "arn:aws:organizations::999999999999:ou/o-test/ou-abcd-prod"
	orgSCP  = "arn:aws:organizations::999999999999:policy/o-test/service_control_policy/p-guard"
	adminP  = "arn:aws:iam::aws:policy/AdministratorAccess"
	fnARN   = "arn:aws:lambda:eu-west-1:111111111111:function:worker"
	instARN = "arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0"
)

func doc(statements ...string) json.RawMessage {
	return json.RawMessage(`{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`)
}

const (
	ec2Trust    = `{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`
	lambdaTrust = `{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`
	readS3      = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
)

// baseline is a small estate as collectors/aws writes it.
func baseline() *graphmodel.Snapshot {
	node := func(id string, kind graphmodel.NodeKind, name, scope string, props map[string]string, docs map[string]json.RawMessage) graphmodel.Node {
		return graphmodel.Node{ID: id, Kind: kind, Provider: graphmodel.ProviderAWS, Name: name, Scope: scope, Properties: props, Documents: docs}
	}
	res := func(arn, name, service, typ string, docs map[string]json.RawMessage) graphmodel.Node {
		n := node(arn, graphmodel.KindAWSResource, name, scope, map[string]string{"service": service, "type": typ, "region": region}, docs)
		if service == "s3" || service == "iam" {
			delete(n.Properties, "region")
		}
		return n
	}
	edge := func(from string, kind graphmodel.EdgeKind, to string) graphmodel.Edge {
		return graphmodel.Edge{From: from, To: to, Kind: kind}
	}
	return &graphmodel.Snapshot{
		SchemaVersion: graphmodel.SchemaVersion,
		Sources:       []graphmodel.Source{{Collector: "aws", Provider: graphmodel.ProviderAWS, Scope: scope, Origin: "offline:test", Gaps: []graphmodel.Gap{}}},
		Nodes: []graphmodel.Node{
			node(scope, graphmodel.KindAWSAccount, acct, "", map[string]string{"organization": "o-test"}, nil),
			node("aws:account:999999999999", graphmodel.KindAWSAccount, "mgmt", "", map[string]string{"organization": "o-test", "management": "true"}, nil),
			node(iam+"role/app", graphmodel.KindAWSRole, "app", scope, map[string]string{"path": "/", "role_id": "AROAAPP", "last_used": "2025-01-01"}, map[string]json.RawMessage{"trust": doc(ec2Trust)}),
			node(iam+"role/app#inline:read", graphmodel.KindAWSInlinePolicy, "read", scope, map[string]string{"owner": iam + "role/app"}, map[string]json.RawMessage{"policy": doc(readS3)}),
			node(iam+"role/worker", graphmodel.KindAWSRole, "worker", scope, map[string]string{"path": "/"}, map[string]json.RawMessage{"trust": doc(lambdaTrust)}),
			node(iam+"role/ops/batch", graphmodel.KindAWSRole, "batch", scope, map[string]string{"path": "/ops/"}, map[string]json.RawMessage{"trust": doc(ec2Trust)}),
			node(iam+"user/dev", graphmodel.KindAWSUser, "dev", scope, map[string]string{"path": "/"}, nil),
			node(iam+"user/ops", graphmodel.KindAWSUser, "ops", scope, map[string]string{"path": "/"}, nil),
			node(iam+"group/devs", graphmodel.KindAWSGroup, "devs", scope, map[string]string{"path": "/"}, nil),
			node(iam+"policy/Deploy", graphmodel.KindAWSManagedPolicy, "Deploy", scope, map[string]string{"path": "/", "default_version": "v1"}, map[string]json.RawMessage{"v1": doc(readS3)}),
			node(iam+"instance-profile/app", graphmodel.KindAWSInstanceProfile, "app", scope, nil, nil),
			{ID: instARN, Kind: graphmodel.KindAWSResource, Provider: graphmodel.ProviderAWS, Name: "i-0123456789abcdef0", Scope: scope,
				Properties: map[string]string{"service": "ec2", "type": "instance", "region": region, "instance_profile": iam + "instance-profile/app"}},
			res(fnARN, "worker", "lambda", "function", map[string]json.RawMessage{"policy": json.RawMessage(
				`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"existing","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + fnARN + `"}]}`)}),
			res("arn:aws:s3:::data", "data", "s3", "bucket", nil),
			res("arn:aws:kms:eu-west-1:111111111111:key/1111-2222", "1111-2222", "kms", "key", nil),
			{ID: "arn:aws:eks:eu-west-1:111111111111:access-entry/prod/role/111111111111/app/aaaa", Kind: graphmodel.KindAWSResource, Provider: graphmodel.ProviderAWS,
				Name: "role/app", Scope: scope, Properties: map[string]string{"service": "eks", "type": "access-entry", "region": region,
					"cluster": "prod", "principal_arn": iam + "role/app", "entry_type": "STANDARD"}},
			node(orgRoot, graphmodel.KindAWSOrgUnit, "Root", "aws:account:999999999999", map[string]string{"org_id": "r-abcd", "type": "ROOT"}, nil),
			node(orgOU, graphmodel.KindAWSOrgUnit, "Prod", "aws:account:999999999999", map[string]string{"org_id": "ou-abcd-prod", "type": "ORGANIZATIONAL_UNIT"}, nil),
			node(orgSCP, graphmodel.KindAWSOrgPolicy, "guard", "aws:account:999999999999", map[string]string{"type": "SERVICE_CONTROL_POLICY"}, map[string]json.RawMessage{"policy": doc(`{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}`)}),
		},
		Edges: []graphmodel.Edge{
			edge(iam+"role/app", graphmodel.EdgeInlinePolicy, iam+"role/app#inline:read"),
			edge(iam+"role/app", graphmodel.EdgeAttachedPolicy, iam+"policy/Deploy"),
			edge(iam+"user/dev", graphmodel.EdgeMemberOf, iam+"group/devs"),
			edge(iam+"instance-profile/app", graphmodel.EdgeCarriesRole, iam+"role/app"),
			edge(instARN, graphmodel.EdgeCarriesRole, iam+"role/app"),
			edge(fnARN, graphmodel.EdgeCarriesRole, iam+"role/worker"),
			edge(orgOU, graphmodel.EdgeChildOf, orgRoot),
			edge(scope, graphmodel.EdgeChildOf, orgOU),
			edge(orgRoot, graphmodel.EdgeAttachedPolicy, orgSCP),
		},
	}
}

// rc is a resource change of a test plan; expr is its configuration
// expressions.
type rc struct {
	addr, typ, mode, module string
	actions                 []string
	before, after           map[string]any
	unknown                 map[string]any
	expr                    map[string]any
	provider                string
}

// planJSON renders a plan in the format of terraform show -json: the
// changes, their configuration, the provider's region, and extra top-level
// fields (prior_state, variables, a configuration of modules).
func planJSON(t *testing.T, extra map[string]any, changes ...rc) []byte {
	t.Helper()
	var list []any
	var cfg []any
	for _, c := range changes {
		mode := c.mode
		if mode == "" {
			mode = "managed"
		}
		provider := c.provider
		if provider == "" {
			provider = awsProv
		}
		local := strings.TrimPrefix(c.addr, c.module+".")
		name := strings.Split(strings.TrimPrefix(local, "data."), ".")[1]
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i]
		}
		entry := map[string]any{"address": c.addr, "mode": mode, "type": c.typ, "name": name, "provider_name": provider,
			"change": map[string]any{"actions": c.actions, "before": c.before, "after": c.after, "after_unknown": orEmpty(c.unknown)}}
		if c.module != "" {
			entry["module_address"] = c.module
		}
		if i := strings.IndexByte(local, '['); i >= 0 {
			entry["index"] = strings.Trim(local[i:], `[]"`)
		}
		list = append(list, entry)
		if c.expr != nil && c.module == "" {
			base := local
			if i := strings.IndexByte(base, '['); i >= 0 {
				base = base[:i]
			}
			cfg = append(cfg, map[string]any{"address": base, "mode": mode, "type": c.typ, "name": name, "provider_config_key": "aws", "expressions": c.expr})
		}
	}
	p := map[string]any{
		"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": list,
		"configuration": map[string]any{
			"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "full_name": awsProv, "expressions": map[string]any{"region": map[string]any{"constant_value": region}}}},
			"root_module":     map[string]any{"resources": cfg},
		},
	}
	for k, v := range extra {
		if k == "module_calls" {
			p["configuration"].(map[string]any)["root_module"].(map[string]any)["module_calls"] = v
			continue
		}
		p[k] = v
	}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// apply reads and applies a plan to the test baseline.
func apply(t *testing.T, data []byte) *tfplan.Result {
	t.Helper()
	p, err := tfplan.Read("plan.json", data)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	res, err := tfplan.Apply(baseline(), p)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return res
}

func nodeOf(res *tfplan.Result, id string) *graphmodel.Node {
	for i := range res.Snapshot.Nodes {
		if res.Snapshot.Nodes[i].ID == id {
			return &res.Snapshot.Nodes[i]
		}
	}
	return nil
}

func hasEdge(res *tfplan.Result, from string, kind graphmodel.EdgeKind, to string) bool {
	return slices.ContainsFunc(res.Snapshot.Edges, func(e graphmodel.Edge) bool { return e.From == from && e.Kind == kind && e.To == to })
}

// mustNode returns the node or fails.
func mustNode(t *testing.T, res *tfplan.Result, id string) *graphmodel.Node {
	t.Helper()
	n := nodeOf(res, id)
	if n == nil {
		var ids []string
		for _, n := range res.Snapshot.Nodes {
			ids = append(ids, n.ID)
		}
		t.Fatalf("no node %s; nodes: %v", id, ids)
	}
	return n
}

// wantEdges checks that each edge is present (or absent).
func wantEdges(t *testing.T, res *tfplan.Result, present bool, edges ...[3]string) {
	t.Helper()
	for _, e := range edges {
		if got := hasEdge(res, e[0], graphmodel.EdgeKind(e[1]), e[2]); got != present {
			t.Errorf("edge %s -%s-> %s present = %v, want %v", e[0], e[1], e[2], got, present)
		}
	}
}

// docText returns a node's document as text ("" when absent).
func docText(n *graphmodel.Node, key string) string {
	if n == nil {
		return ""
	}
	return string(n.Documents[key])
}

func c(v any) map[string]any         { return map[string]any{"constant_value": v} }
func ref(r ...string) map[string]any { return map[string]any{"references": r} }
