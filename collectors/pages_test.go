package collectors

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// fakeListing answers a listing from a table: token → page and next token.
type fakeListing struct {
	pages map[string]fakePage
	// asked records the tokens fetch was called with.
	asked []string
	// cancel, when set, is called when the token cancelAt is asked for.
	cancel   context.CancelFunc
	cancelAt string
}

type fakePage struct {
	items []string
	next  string
	err   error
}

func (l *fakeListing) fetch(_ context.Context, token string) ([]string, string, error) {
	l.asked = append(l.asked, token)
	if l.cancel != nil && token == l.cancelAt {
		l.cancel()
	}
	p, ok := l.pages[token]
	if !ok {
		return nil, "", errors.New("no page for token " + token)
	}
	return p.items, p.next, p.err
}

func TestPages(t *testing.T) {
	errDenied := errors.New("AccessDenied")
	errFull := errors.New("full")
	tests := []struct {
		name  string
		pages map[string]fakePage
		// eachErrAt makes each fail on the page holding this item.
		eachErrAt string
		wantItems []string
		wantAsked []string
		wantErr   error
		// wantText is part of the error's text.
		wantText string
	}{
		{
			name:      "one page",
			pages:     map[string]fakePage{"": {items: []string{"a", "b"}}},
			wantItems: []string{"a", "b"}, wantAsked: []string{""},
		},
		{
			name:      "empty listing",
			pages:     map[string]fakePage{"": {}},
			wantAsked: []string{""},
		},
		{
			name: "three pages in order",
			pages: map[string]fakePage{
				"":   {items: []string{"a"}, next: "t1"},
				"t1": {items: []string{"b", "c"}, next: "t2"},
				"t2": {items: []string{"d"}},
			},
			wantItems: []string{"a", "b", "c", "d"}, wantAsked: []string{"", "t1", "t2"},
		},
		{
			name: "a page fails: earlier pages kept, the error returned as it is",
			pages: map[string]fakePage{
				"":   {items: []string{"a"}, next: "t1"},
				"t1": {err: errDenied},
			},
			wantItems: []string{"a"}, wantAsked: []string{"", "t1"}, wantErr: errDenied,
		},
		{
			name: "each fails: the listing stops",
			pages: map[string]fakePage{
				"":   {items: []string{"a"}, next: "t1"},
				"t1": {items: []string{"b"}, next: "t2"},
				"t2": {items: []string{"c"}},
			},
			eachErrAt: "b",
			wantItems: []string{"a", "b"}, wantAsked: []string{"", "t1"}, wantErr: errFull,
		},
		{
			name: "a page names itself as the next",
			pages: map[string]fakePage{
				"":   {items: []string{"a"}, next: "t1"},
				"t1": {items: []string{"b"}, next: "t1"},
			},
			wantItems: []string{"a", "b"}, wantAsked: []string{"", "t1"},
			wantErr: ErrRepeatedToken, wantText: "page 2: the server repeated a page token (page 1 gave the same next token)",
		},
		{
			name: "a longer cycle",
			pages: map[string]fakePage{
				"":   {items: []string{"a"}, next: "t1"},
				"t1": {items: []string{"b"}, next: "t2"},
				"t2": {items: []string{"c"}, next: "t3"},
				"t3": {items: []string{"d"}, next: "t1"},
			},
			wantItems: []string{"a", "b", "c", "d"}, wantAsked: []string{"", "t1", "t2", "t3"},
			wantErr: ErrRepeatedToken, wantText: "page 4:",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := &fakeListing{pages: tc.pages}
			var items []string
			err := Pages(context.Background(), l.fetch, func(page []string) error {
				items = append(items, page...)
				for _, it := range page {
					if it == tc.eachErrAt {
						return errFull
					}
				}
				return nil
			})
			if tc.wantErr == nil && err != nil {
				t.Fatalf("error %v", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == errDenied && err != errDenied {
				t.Errorf("error %v is not the fetch error itself", err)
			}
			if tc.wantText != "" && !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q, want it to contain %q", err, tc.wantText)
			}
			if !reflect.DeepEqual(items, tc.wantItems) {
				t.Errorf("items %q, want %q", items, tc.wantItems)
			}
			if !reflect.DeepEqual(l.asked, tc.wantAsked) {
				t.Errorf("tokens asked %q, want %q", l.asked, tc.wantAsked)
			}
		})
	}
}

// TestPagesCancelled: a cancelled context stops the listing before the
// next page is fetched.
func TestPagesCancelled(t *testing.T) {
	pages := map[string]fakePage{
		"":   {items: []string{"a"}, next: "t1"},
		"t1": {items: []string{"b"}, next: "t2"},
		"t2": {items: []string{"c"}},
	}
	t.Run("before the first page", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		l := &fakeListing{pages: pages}
		err := Pages(ctx, l.fetch, func([]string) error { return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
		if len(l.asked) != 0 {
			t.Errorf("pages fetched after cancellation: %q", l.asked)
		}
	})
	t.Run("between pages", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		l := &fakeListing{pages: pages, cancel: cancel, cancelAt: "t1"}
		var items []string
		err := Pages(ctx, l.fetch, func(p []string) error { items = append(items, p...); return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
		if want := []string{"", "t1"}; !reflect.DeepEqual(l.asked, want) {
			t.Errorf("tokens asked %q, want %q", l.asked, want)
		}
		if want := []string{"a", "b"}; !reflect.DeepEqual(items, want) {
			t.Errorf("items %q, want %q", items, want)
		}
	})
}
