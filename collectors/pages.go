package collectors

import (
	"context"
	"errors"
	"fmt"
)

// ErrRepeatedToken is the error of a listing whose server sent a page
// token it had sent before: reading on would never end.
var ErrRepeatedToken = errors.New("the server repeated a page token")

// PageFunc fetches the page of a listing that token names ("" for the
// first page) and returns it with the token of the next page ("" after
// the last). The token is whatever the API pages by: AWS's NextToken or
// Marker, Kubernetes's continue, GCP's pageToken.
type PageFunc[P any] func(ctx context.Context, token string) (page P, next string, err error)

// Pages reads a listing page by page: it calls fetch with "", then with
// each next token fetch returns, and passes every page to each, until a
// page comes without a next token. It checks ctx before every page and
// returns ctx.Err() once ctx is done. An error of fetch or each ends the
// listing and is returned as it is, so that callers see the API's own
// error; the pages before it have been passed to each. A next token seen
// before ends the listing with an error wrapping ErrRepeatedToken, after
// the page that carried it has been passed to each.
func Pages[P any](ctx context.Context, fetch PageFunc[P], each func(P) error) error {
	// seen maps each token received to the page that carried it.
	seen := map[string]int{}
	token := ""
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		page, next, err := fetch(ctx, token)
		if err != nil {
			return err
		}
		if err := each(page); err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		if first, ok := seen[next]; ok {
			return fmt.Errorf("page %d: %w (page %d gave the same next token)", n, ErrRepeatedToken, first)
		}
		seen[next] = n
		token = next
	}
}
