package aws

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
)

// TestLiveCollectOrgAssumeFails: the member account's role cannot be
// assumed; it becomes a gap of the management account's fragment, which
// is collected whole.
func TestLiveCollectOrgAssumeFails(t *testing.T) {
	f := newFakeAWS(t)
	f.org = true
	f.fail("sts:AssumeRole", "AccessDenied", 403, 0)
	var events []collectors.Progress
	progress := func(ev collectors.Progress) { events = append(events, ev) }
	frags, err := NewLive(f.config(t, 0), LiveOptions{PollInterval: time.Millisecond, Progress: progress}).CollectOrg(context.Background())
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
	// Once the accounts are listed, the member given up counts, then the
	// management account.
	var counted []int
	for _, ev := range events {
		if ev.Total == 0 && counted == nil {
			continue // listing the accounts
		}
		if ev.Unit != "accounts" || ev.Total != 2 {
			t.Fatalf("event %+v, want 2 accounts in all", ev)
		}
		if len(counted) == 0 || counted[len(counted)-1] != ev.Done {
			counted = append(counted, ev.Done)
		}
	}
	if want := []int{0, 1, 2}; !reflect.DeepEqual(counted, want) {
		t.Errorf("accounts done went %v, want %v", counted, want)
	}
	if last := events[len(events)-1]; !last.Final || last.Done != 2 {
		t.Errorf("last event %+v, want the final one with 2 accounts done", last)
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

// TestLiveCollectOrgMemberPanics: a member account whose collection
// panics becomes a gap; the program, the management account and the
// progress count go on.
func TestLiveCollectOrgMemberPanics(t *testing.T) {
	f := newFakeAWS(t)
	f.org = true
	l := NewLive(f.config(t, 0), LiveOptions{PollInterval: time.Millisecond})
	l.member = func(context.Context, aws.Config, LiveOptions, *progress) (graphmodel.Fragment, error) {
		panic("converter bug")
	}
	frags, err := l.CollectOrg(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(frags) != 1 || frags[0].Source.Scope != "aws:account:"+fakeAccount {
		t.Fatalf("%d fragments, want the management account's alone", len(frags))
	}
	want := []graphmodel.Gap{{What: "collect account", Reason: "panicked: converter bug",
		Where: "account " + fakeMember + " (role arn:aws:iam::" + fakeMember + ":role/" + DefaultAssumeRole + ")"}}
	if !reflect.DeepEqual(frags[0].Source.Gaps, want) {
		t.Errorf("gaps:\n got %+v\nwant %+v", frags[0].Source.Gaps, want)
	}
	if _, ok := nodeIndex(frags[0])[fakeFnA]; !ok {
		t.Error("the management account was not collected")
	}
}
