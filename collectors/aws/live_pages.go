package aws

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/blastradius/blastradius/collectors"
)

// errNoNextToken is the error of a page the SDK paginator says is not the
// last but whose next token the collector cannot read: a wrong token
// accessor, a bug.
var errNoNextToken = errors.New("the paginator has more pages but the page carries no next token")

// sdkPages reads every page of an AWS SDK paginator through
// collectors.Pages, and passes each page to each: more and next are the
// paginator's HasMorePages and NextPage, token reads a page's next-page
// token (NextToken, NextMarker, Marker…). The paginator keeps the token
// it sends; token only lets collectors.Pages see it, so that a server
// repeating a token ends the listing with collectors.ErrRepeatedToken
// where the SDK's paginator would ask again forever. A cancelled context
// stops the listing before the next page. The error of a page is returned
// as the SDK gave it.
func sdkPages[P, O any](ctx context.Context, more func() bool, next func(context.Context, ...func(*O)) (P, error), token func(P) *string, each func(P)) error {
	fetch := func(ctx context.Context, _ string) (P, string, error) {
		page, err := next(ctx)
		if err != nil || !more() {
			return page, "", err
		}
		t := aws.ToString(token(page))
		if t == "" {
			return page, "", errNoNextToken
		}
		return page, t, nil
	}
	return collectors.Pages(ctx, fetch, func(page P) error {
		each(page)
		return nil
	})
}

// listPages reads a listing through sdkPages; a page that fails becomes a
// gap of call (region, item) and ends the listing, and what the earlier
// pages gave is kept. A cancelled context is returned: the collection
// stops.
func listPages[P, O any](ctx context.Context, r *liveRun, call, region, item string,
	more func() bool, next func(context.Context, ...func(*O)) (P, error), token func(P) *string, each func(P)) error {
	return r.failed(ctx, call, region, item, sdkPages(ctx, more, next, token, each))
}
