package aws

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/term"
)

// IsTerminal reports whether w is a terminal, where a progress line may be
// shown (LiveOptions.Progress).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressEvery bounds how often the progress line is rewritten.
const progressEvery = 100 * time.Millisecond

// progress counts the API calls of a collection (each page of a listing
// is a call) and shows the count on w, rewriting one line in place. A nil
// w shows nothing.
type progress struct {
	w io.Writer

	mu    sync.Mutex
	calls int
	// accounts and accountsDone count the accounts of an organization;
	// accounts is 0 when one account is collected.
	accounts, accountsDone int
	last                   time.Time
	shown                  bool
	latest                 string
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

// middleware adds the call counter to an SDK client's stack.
func (p *progress) middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("blastradiusProgress",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
			middleware.InitializeOutput, middleware.Metadata, error,
		) {
			out, md, err := next.HandleInitialize(ctx, in)
			p.call(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), awsmiddleware.GetRegion(ctx))
			return out, md, err
		}), middleware.After)
}

// call counts one finished call and refreshes the line now and then.
func (p *progress) call(service, operation, region string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	p.latest = service + " " + operation + " " + region
	if p.w == nil || time.Since(p.last) < progressEvery {
		return
	}
	p.show()
}

func (p *progress) show() {
	p.last = time.Now()
	p.shown = true
	fmt.Fprintf(p.w, "\r\033[Kcollecting: %s%d calls done (last: %s)", p.accountCount(), p.calls, p.latest)
}

// accountCount is "2/5 accounts, " for an organization, else "".
func (p *progress) accountCount() string {
	if p.accounts == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d accounts, ", p.accountsDone, p.accounts)
}

// setAccounts sets how many accounts the collection reads.
func (p *progress) setAccounts(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.accounts = n
}

// accountDone counts one account read (or given up) and shows it.
func (p *progress) accountDone() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.accountsDone++
	if p.w != nil {
		p.show()
	}
}

// done shows the final count and ends the line.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.w == nil {
		return
	}
	fmt.Fprintf(p.w, "\r\033[Kcollecting: %s%d calls done\n", p.accountCount(), p.calls)
}
