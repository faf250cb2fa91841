package aws

import (
	"reflect"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
)

const (
	orgARN    = "arn:aws:organizations::999999999999:"
	orgRoot   = orgARN + "root/o-1/r-1"
	orgOU1    = orgARN + "ou/o-1/ou-1"
	orgOU2    = orgARN + "ou/o-1/ou-2"
	mgmt      = "aws:account:999999999999"
	fullSCP   = "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
	denySCP   = orgARN + "policy/o-1/service_control_policy/p-deny1"
	tlsRCP    = orgARN + "policy/o-1/resource_control_policy/p-rcp1"
	tagPolicy = orgARN + "policy/o-1/tag_policy/p-tag1"
	docFull   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	docDeny   = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`
	docRCP    = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}`
)

// orgFiles is a small organization: root → ou-1 → ou-2 → 111111111111
// (the gaad.json account), 999999999999 (management) under the root;
// FullAWSAccess on the root and the account, a deny SCP on ou-1, an RCP
// and a tag policy on the root.
func orgFiles() map[string]string {
	summary := func(id, arn, name, typ string, aws bool) string {
		managed := "false"
		if aws {
			managed = "true"
		}
		return `{"Id": "` + id + `", "Arn": "` + arn + `", "Name": "` + name + `", "Type": "` + typ + `", "AwsManaged": ` + managed + `}`
	}
	full := summary("p-FullAWSAccess", fullSCP, "FullAWSAccess", "SERVICE_CONTROL_POLICY", true)
	deny := summary("p-deny1", denySCP, "deny-leave", "SERVICE_CONTROL_POLICY", false)
	rcp := summary("p-rcp1", tlsRCP, "enforce-tls", "RESOURCE_CONTROL_POLICY", false)
	tag := summary("p-tag1", tagPolicy, "tags", "TAG_POLICY", false)
	return map[string]string{
		"organizations-describe-organization.json": `{"Organization": {"Id": "o-1", "Arn": "` + orgARN + `organization/o-1", "FeatureSet": "ALL",
			"MasterAccountId": "999999999999", "MasterAccountEmail": "root@example.com"}}`,
		"organizations-list-roots.json": `{"Roots": [{"Id": "r-1", "Arn": "` + orgRoot + `", "Name": "Root", "PolicyTypes": []}]}`,
		// The child is listed before its parent: parents resolve in any order.
		"organizations-list-organizational-units-for-parent.json": `[
			{"ParentId": "ou-1", "OrganizationalUnits": [{"Id": "ou-2", "Arn": "` + orgOU2 + `", "Name": "Prod"}]},
			{"ParentId": "r-1", "OrganizationalUnits": [{"Id": "ou-1", "Arn": "` + orgOU1 + `", "Name": "Workloads"}]}]`,
		"organizations-list-accounts-for-parent.json": `[
			{"ParentId": "r-1", "Accounts": [{"Id": "999999999999", "Arn": "` + orgARN + `account/o-1/999999999999", "Name": "management", "Email": "root@example.com", "Status": "ACTIVE"}]},
			{"ParentId": "ou-2", "Accounts": [{"Id": "111111111111", "Arn": "` + orgARN + `account/o-1/111111111111", "Name": "prod", "Email": "prod@example.com", "Status": "SUSPENDED"}]}]`,
		"organizations-list-policies.json": `[{"Filter": "SERVICE_CONTROL_POLICY", "Policies": [` + full + `, ` + deny + `]},
			{"Filter": "TAG_POLICY", "Policies": [` + tag + `]}]`,
		"organizations-describe-policy.json": `[
			{"Policy": {"PolicySummary": ` + full + `, "Content": ` + quoted(docFull) + `}},
			{"Policy": {"PolicySummary": ` + deny + `, "Content": ` + quoted(docDeny) + `}},
			{"Policy": {"PolicySummary": ` + rcp + `, "Content": ` + quoted(docRCP) + `}},
			{"Policy": {"PolicySummary": ` + tag + `, "Content": "{\"tags\":{\"cc\":{\"tag_key\":{\"@@assign\":\"CostCenter\"}}}}"}}]`,
		"organizations-list-targets-for-policy.json": `[
			{"PolicyId": "p-FullAWSAccess", "Targets": [{"TargetId": "r-1", "Arn": "` + orgRoot + `", "Name": "Root", "Type": "ROOT"},
				{"TargetId": "111111111111", "Arn": "` + orgARN + `account/o-1/111111111111", "Name": "prod", "Type": "ACCOUNT"}]},
			{"PolicyId": "p-deny1", "Targets": [{"TargetId": "ou-1", "Arn": "` + orgOU1 + `", "Name": "Workloads", "Type": "ORGANIZATIONAL_UNIT"},
				{"TargetId": "ou-9", "Arn": "` + orgARN + `ou/o-1/ou-9", "Name": "Sandbox", "Type": "ORGANIZATIONAL_UNIT"}]},
			{"PolicyId": "p-rcp1", "Targets": [{"TargetId": "r-1", "Arn": "` + orgRoot + `", "Name": "Root", "Type": "ROOT"}]},
			{"PolicyId": "p-tag1", "Targets": [{"TargetId": "r-1", "Arn": "` + orgRoot + `", "Name": "Root", "Type": "ROOT"}]},
			{"PolicyId": "p-unknown", "Targets": [{"TargetId": "r-1", "Arn": "` + orgRoot + `", "Name": "Root", "Type": "ROOT"}]}]`,
	}
}

func orgNode(id string, kind graphmodel.NodeKind, name, scope string, kv ...string) graphmodel.Node {
	var props map[string]string
	if len(kv) > 0 {
		props = map[string]string{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		props[kv[i]] = kv[i+1]
	}
	return node(id, kind, name, scope, props)
}

func TestOrganizations(t *testing.T) {
	nodes, edges, gaps := collectAdded(t, orgFiles())
	compareNodes(t, nodes, []graphmodel.Node{
		orgNode(acct, graphmodel.KindAWSAccount, "prod", "", "status", "SUSPENDED", "organization", "o-1"),
		orgNode(mgmt, graphmodel.KindAWSAccount, "management", "", "status", "ACTIVE", "organization", "o-1", "management", "true"),
		orgNode(orgRoot, graphmodel.KindAWSOrgUnit, "Root", mgmt, "org_id", "r-1", "type", "ROOT"),
		orgNode(orgOU1, graphmodel.KindAWSOrgUnit, "Workloads", mgmt, "org_id", "ou-1", "type", "ORGANIZATIONAL_UNIT"),
		orgNode(orgOU2, graphmodel.KindAWSOrgUnit, "Prod", mgmt, "org_id", "ou-2", "type", "ORGANIZATIONAL_UNIT"),
		withDocs(orgNode(fullSCP, graphmodel.KindAWSOrgPolicy, "FullAWSAccess", "", "type", "SERVICE_CONTROL_POLICY", "aws_managed", "true"), "policy", docFull),
		withDocs(orgNode(denySCP, graphmodel.KindAWSOrgPolicy, "deny-leave", mgmt, "type", "SERVICE_CONTROL_POLICY", "aws_managed", "false"), "policy", docDeny),
		withDocs(orgNode(tlsRCP, graphmodel.KindAWSOrgPolicy, "enforce-tls", mgmt, "type", "RESOURCE_CONTROL_POLICY", "aws_managed", "false"), "policy", docRCP),
		// Other policy types keep their node, not their document.
		orgNode(tagPolicy, graphmodel.KindAWSOrgPolicy, "tags", mgmt, "type", "TAG_POLICY", "aws_managed", "false"),
	})
	compareEdges(t, edges, []graphmodel.Edge{
		edge(orgOU1, graphmodel.EdgeChildOf, orgRoot),
		edge(orgOU2, graphmodel.EdgeChildOf, orgOU1),
		edge(acct, graphmodel.EdgeChildOf, orgOU2),
		edge(mgmt, graphmodel.EdgeChildOf, orgRoot),
		edge(orgRoot, graphmodel.EdgeAttachedPolicy, fullSCP),
		edge(acct, graphmodel.EdgeAttachedPolicy, fullSCP),
		edge(orgOU1, graphmodel.EdgeAttachedPolicy, denySCP),
		edge(orgRoot, graphmodel.EdgeAttachedPolicy, tlsRCP),
		edge(orgRoot, graphmodel.EdgeAttachedPolicy, tagPolicy),
	})
	const targets = "res/organizations-list-targets-for-policy.json: "
	want := []graphmodel.Gap{
		gapAt("organization policy target ou-9", "target of "+denySCP+" but absent from "+orgTreeFiles, targets+"[1] (policy p-deny1) Targets[1] (target Sandbox)"),
		gapAt("organization policy p-unknown", "its targets are listed but it is absent from organizations-list-policies.json and organizations-describe-policy.json",
			targets+"[4] (policy p-unknown) PolicyId"),
	}
	if !reflect.DeepEqual(gaps, want) {
		t.Errorf("gaps:\n got %+v\nwant %+v", gaps, want)
	}
}

// TestOrganizationParentNotListed: an OU or account whose parent is not
// listed is a gap, without child_of edge.
func TestOrganizationParentNotListed(t *testing.T) {
	files := map[string]string{
		"organizations-list-organizational-units-for-parent.json": `{"ParentId": "ou-x", "OrganizationalUnits": [{"Id": "ou-2", "Arn": "` + orgOU2 + `", "Name": "Prod"}]}`,
		"organizations-list-accounts-for-parent.json":             `{"ParentId": "ou-y", "Accounts": [{"Id": "222222222222", "Arn": "` + orgARN + `account/o-1/222222222222", "Name": "audit", "Status": "ACTIVE"}]}`,
	}
	nodes, edges, gaps := collectAdded(t, files)
	compareNodes(t, nodes, []graphmodel.Node{
		orgNode(orgOU2, graphmodel.KindAWSOrgUnit, "Prod", mgmt, "org_id", "ou-2", "type", "ORGANIZATIONAL_UNIT"),
		orgNode(mgmt, graphmodel.KindAWSAccount, "999999999999", ""),
		orgNode("aws:account:222222222222", graphmodel.KindAWSAccount, "audit", "", "status", "ACTIVE"),
	})
	compareEdges(t, edges, nil)
	want := []graphmodel.Gap{
		gapAt("organization parent ou-x", "parent of "+orgOU2+" but absent from "+orgTreeFiles,
			"res/organizations-list-organizational-units-for-parent.json: OrganizationalUnits[0] (organizational unit Prod)"),
		gapAt("organization parent ou-y", "parent of aws:account:222222222222 but absent from "+orgTreeFiles,
			"res/organizations-list-accounts-for-parent.json: Accounts[0] (account audit)"),
	}
	if !reflect.DeepEqual(gaps, want) {
		t.Errorf("gaps:\n got %+v\nwant %+v", gaps, want)
	}
}
