package aws

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
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

// TestLiveCollectOrgAssumeFails: the member account's role cannot be
// assumed; it becomes a gap of the management account's fragment, which
// is collected whole.
func TestLiveCollectOrgAssumeFails(t *testing.T) {
	f := newFakeAWS(t)
	f.org = true
	f.fail("sts:AssumeRole", "AccessDenied", 403, 0)
	var progress strings.Builder
	frags, err := NewLive(f.config(t, 0), LiveOptions{PollInterval: time.Millisecond, Progress: &progress}).CollectOrg(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(frags) != 1 || frags[0].Source.Scope != "aws:account:"+fakeAccount {
		t.Fatalf("%d fragments, want the management account's alone", len(frags))
	}
	want := []graphmodel.Gap{{What: "sts:AssumeRole", Reason: "AccessDenied",
		Where: "account " + fakeMember + " (role arn:aws:iam::" + fakeMember + ":role/" + DefaultAssumeRole + ")"}}
	if !reflect.DeepEqual(frags[0].Source.Gaps, want) {
		t.Errorf("gaps:\n got %+v\nwant %+v", frags[0].Source.Gaps, want)
	}
	if _, ok := nodeIndex(frags[0])[fakeFnA]; !ok {
		t.Error("the management account was not collected")
	}
	if !strings.Contains(progress.String(), "collecting: 2/2 accounts, ") {
		t.Errorf("progress %q does not count the accounts", tail(progress.String(), 80))
	}
}

func TestLiveCollectOrgBadRole(t *testing.T) {
	f := newFakeAWS(t)
	_, err := NewLive(f.config(t, 0), LiveOptions{AssumeRole: "no spaces"}).CollectOrg(context.Background())
	if err == nil || !strings.Contains(err.Error(), `"no spaces"`) {
		t.Errorf("error %v, want one naming the bad role", err)
	}
	if f.count("sts:GetCallerIdentity") != 0 {
		t.Error("calls made before the role name was checked")
	}
}

// TestLiveCollectOrgNeedsListAccounts: without the account list there is
// no organization to collect: an error, not a gap.
func TestLiveCollectOrgNeedsListAccounts(t *testing.T) {
	f := newFakeAWS(t)
	f.fail("organizations:ListAccounts", "AccessDeniedException", 400, 0)
	_, err := NewLive(f.config(t, 0), LiveOptions{}).CollectOrg(context.Background())
	if err == nil || !strings.Contains(err.Error(), "organizations:ListAccounts") || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Errorf("error %v", err)
	}
}
