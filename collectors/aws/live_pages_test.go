package aws

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
)

// TestLiveRepeatedPageToken: a server that answers every page of a
// listing with the same next token would keep the SDK's paginator asking
// forever; the listing ends with a gap instead, keeping what it read,
// and the rest of the collection goes on.
func TestLiveRepeatedPageToken(t *testing.T) {
	f := newFakeAWS(t)
	list := fakeHandlers["lambda:ListFunctions"]
	f.handlers["lambda:ListFunctions"] = func(f *fakeAWS, w http.ResponseWriter, region string, p url.Values) {
		if region != "us-east-1" || p.Get("Marker") == "" {
			list(f, w, region, p) // fn-a, next marker m-2
			return
		}
		writeJSON(w, "application/json", `{"Functions":[],"NextMarker":"m-2"}`)
	}
	frag, err := collectFake(t, f, 0, LiveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count("lambda:ListFunctions"); n != 2 {
		t.Errorf("ListFunctions asked %d times, want 2 (the first page, then the page whose token came back)", n)
	}
	var gap *graphmodel.Gap
	for i, g := range frag.Source.Gaps {
		if g.What == "lambda:ListFunctions" {
			gap = &frag.Source.Gaps[i]
		}
	}
	if gap == nil {
		t.Fatalf("no lambda:ListFunctions gap in %+v", frag.Source.Gaps)
	}
	if !strings.Contains(gap.Reason, collectors.ErrRepeatedToken.Error()) || gap.Where != "account "+fakeAccount+" region us-east-1" {
		t.Errorf("gap %+v, want a repeated token in account %s region us-east-1", *gap, fakeAccount)
	}
	nodes := nodeIndex(frag)
	if _, ok := nodes[fakeFnA]; !ok {
		t.Errorf("no node %s: the first page was lost", fakeFnA)
	}
	if _, ok := nodes[fakeKeyARN]; !ok {
		t.Error("the collection stopped at the listing's gap")
	}
}

// TestLiveRepeatedTokenInRequiredListing: the authorization details are
// required, so a repeated marker there is an error naming the call.
func TestLiveRepeatedTokenInRequiredListing(t *testing.T) {
	f := newFakeAWS(t)
	gaad := fakeHandlers["iam:GetAccountAuthorizationDetails"]
	f.handlers["iam:GetAccountAuthorizationDetails"] = func(f *fakeAWS, w http.ResponseWriter, region string, p url.Values) {
		if p.Get("Marker") == "" {
			gaad(f, w, region, p) // IsTruncated, marker page-2
			return
		}
		writeXML(w, queryResponse("GetAccountAuthorizationDetails", iamNS,
			`<UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/><IsTruncated>true</IsTruncated><Marker>page-2</Marker>`))
	}
	_, err := collectFake(t, f, 0, LiveOptions{})
	if !errors.Is(err, collectors.ErrRepeatedToken) || !strings.Contains(err.Error(), GAADCall) {
		t.Errorf("error %v, want a repeated token in %s", err, GAADCall)
	}
}

// TestSDKPages drives sdkPages with a paginator made of plain functions,
// shaped as the SDK's are.
func TestSDKPages(t *testing.T) {
	type output struct {
		items []string
		next  *string
	}
	token := func(s string) *string { return &s }
	tests := []struct {
		name  string
		pages []output
		// moreAfter is how many pages the paginator reports before its
		// HasMorePages turns false; -1 means as many as pages.
		moreAfter int
		want      []string
		wantErr   error
	}{
		{name: "one page", pages: []output{{items: []string{"a"}}}, moreAfter: -1, want: []string{"a"}},
		{name: "two pages", pages: []output{{items: []string{"a"}, next: token("t")}, {items: []string{"b"}}}, moreAfter: -1, want: []string{"a", "b"}},
		{
			// The SDK's own stop (IsTruncated false) wins over a leftover token.
			name: "the paginator stops though the page has a token", pages: []output{{items: []string{"a"}, next: token("t")}},
			moreAfter: 1, want: []string{"a"},
		},
		{
			name: "more pages but no token to follow", pages: []output{{items: []string{"a"}}, {items: []string{"b"}}},
			moreAfter: 2, wantErr: errNoNextToken,
		},
		{
			name: "a repeated token", pages: []output{{items: []string{"a"}, next: token("t")}, {items: []string{"b"}, next: token("t")}, {items: []string{"c"}}},
			moreAfter: 3, want: []string{"a", "b"}, wantErr: collectors.ErrRepeatedToken,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			more := func() bool {
				if n == 0 {
					return true
				}
				if tc.moreAfter >= 0 {
					return n < tc.moreAfter
				}
				return n < len(tc.pages) && tc.pages[n-1].next != nil
			}
			next := func(context.Context, ...func(*struct{})) (*output, error) {
				if n >= len(tc.pages) {
					t.Fatalf("page %d asked for; there are %d", n+1, len(tc.pages))
				}
				n++
				return &tc.pages[n-1], nil
			}
			var got []string
			err := sdkPages(context.Background(), more, next, func(o *output) *string { return o.next }, func(o *output) { got = append(got, o.items...) })
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("items %q, want %q", got, tc.want)
			}
		})
	}
}
