package aws

import (
	"context"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"

	"github.com/blastradius/blastradius/collectors"
)

// ProgressStage is the Stage of the progress events of a collection.
const ProgressStage = "collecting"

// progress counts the API calls of a collection (each page of a listing
// is a call) and the accounts of an organization, and publishes every
// change as a collectors.Progress event to fn (LiveOptions.Progress),
// one at a time. A nil fn publishes nothing.
type progress struct {
	fn collectors.ProgressFunc

	mu sync.Mutex
	ev collectors.Progress
}

func newProgress(fn collectors.ProgressFunc) *progress {
	return &progress{fn: fn, ev: collectors.Progress{Stage: ProgressStage, Unit: "accounts"}}
}

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

// call counts one finished call.
func (p *progress) call(service, operation, region string) {
	p.update(func(ev *collectors.Progress) {
		ev.Requests++
		ev.Latest = service + " " + operation + " " + region
	})
}

// setAccounts sets how many accounts the collection reads.
func (p *progress) setAccounts(n int) {
	p.update(func(ev *collectors.Progress) { ev.Total = n })
}

// accountDone counts one account read (or given up).
func (p *progress) accountDone() {
	p.update(func(ev *collectors.Progress) { ev.Done++ })
}

// done publishes the final event.
func (p *progress) done() {
	p.update(func(ev *collectors.Progress) { ev.Final = true })
}

// update changes the event and publishes it. The lock keeps the events in
// order and fn called one at a time; the deferred unlock keeps a
// panicking fn from blocking the other goroutines.
func (p *progress) update(change func(*collectors.Progress)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	change(&p.ev)
	if p.fn != nil {
		p.fn(p.ev)
	}
}
