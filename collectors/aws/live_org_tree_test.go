package aws

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestLiveOrganizationTree collects the fake management account: the
// Organizations tree, its SCP and RCP and their targets are read, and
// replay from the saved directory the same.
func TestLiveOrganizationTree(t *testing.T) {
	f := newFakeAWS(t)
	f.org = true
	dir := t.TempDir()
	live, err := collectFake(t, f, 0, LiveOptions{SaveDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(live.Source.Gaps) != 0 {
		t.Errorf("gaps: %+v", live.Source.Gaps)
	}
	nodes := nodeIndex(live)
	if got := nodes["aws:account:"+fakeAccount].Properties["management"]; got != "true" {
		t.Errorf("management = %q", got)
	}
	member, ok := nodes["aws:account:"+fakeMember]
	if !ok || member.Properties["organization"] != fakeOrgID {
		t.Errorf("member account node: %+v", member)
	}
	var policies []string
	for id, n := range nodes {
		if strings.Contains(id, ":policy/") && strings.HasPrefix(id, "arn:aws:organizations::") {
			policies = append(policies, id)
			if len(n.Documents) == 0 {
				t.Errorf("%s has no document", id)
			}
		}
	}
	if len(policies) != 2 {
		t.Errorf("organization policies %q, want the SCP and the RCP", policies)
	}
	for _, call := range []string{"organizations:ListRoots", "organizations:DescribePolicy", "organizations:ListTargetsForPolicy"} {
		if f.count(call) == 0 {
			t.Errorf("%s not called", call)
		}
	}
	if f.count("organizations:ListOrganizationalUnitsForParent") != 2 || f.count("organizations:ListAccountsForParent") != 2 {
		t.Errorf("the tree was not walked: root and OU each listed once")
	}
	data, err := os.ReadFile(dir + "/organizations-list-accounts-for-parent.json")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "must-never-be-read") {
		t.Error("an account e-mail address was saved")
	}
	offline, err := NewOffline(os.DirFS(dir), dir).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	compareFragments(t, live, offline)
}

// TestLiveNoOrganization: an account in no organization
// (AWSOrganizationsNotInUseException) lists no tree and records no gap.
func TestLiveNoOrganization(t *testing.T) {
	f := newFakeAWS(t)
	if _, err := collectFake(t, f, 0, LiveOptions{}); err != nil {
		t.Fatal(err)
	}
	if f.count("organizations:DescribeOrganization") != 1 || f.count("organizations:ListRoots") != 0 {
		t.Errorf("DescribeOrganization %d, ListRoots %d: an account in no organization lists no tree",
			f.count("organizations:DescribeOrganization"), f.count("organizations:ListRoots"))
	}
}
