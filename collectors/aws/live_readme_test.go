package aws

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// callAction maps an API operation to the IAM action that allows it where
// their names differ; "" for calls that need no permission.
var callAction = map[string]string{
	"s3:ListBuckets":        "s3:ListAllMyBuckets",
	"sts:GetCallerIdentity": "",
}

// The README's minimal IAM policy for live collection lists exactly the
// actions of the calls a full collection makes (every region, a bucket
// whose region the listing lacks, an organization's management account
// collected with --org, which lists the accounts and assumes a role in
// each).
func TestReadmeLivePolicyListsEveryCall(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- live-policy -->\n```json\n")
	if !ok {
		t.Fatal("README has no <!-- live-policy --> JSON block")
	}
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("README's live policy block is not closed")
	}
	var policy struct {
		Statement []struct {
			Effect   string
			Action   []string
			Resource string
		}
	}
	if err := json.Unmarshal([]byte(block), &policy); err != nil {
		t.Fatalf("README's live policy: %v", err)
	}
	var documented []string
	for _, s := range policy.Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement effect %q", s.Effect)
		}
		documented = append(documented, s.Action...)
	}
	sort.Strings(documented)

	f := newFakeAWS(t)
	f.reportPolls = 1
	f.org = true
	live := NewLive(f.config(t, 0), LiveOptions{Regions: []string{AllRegions}, PollInterval: time.Millisecond})
	if _, err := live.CollectOrg(context.Background()); err != nil {
		t.Fatal(err)
	}
	var called []string
	f.mu.Lock()
	for call := range f.calls {
		action, renamed := callAction[call]
		if !renamed {
			action = call
		}
		if action != "" {
			called = append(called, action)
		}
	}
	f.mu.Unlock()
	sort.Strings(called)
	if !reflect.DeepEqual(documented, called) {
		t.Errorf("README's live policy:\n %v\nthe collector calls:\n %v", documented, called)
	}
}
