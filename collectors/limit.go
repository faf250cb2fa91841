package collectors

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sync"
)

// Task is one piece of work for Parallel: the regions of an account, the
// accounts of an organization, the namespaces of a cluster.
type Task struct {
	// Name says what the task does ("region eu-west-1"), for messages.
	Name string
	// Do does the work.
	Do func(ctx context.Context) error
}

// Parallel runs the tasks, at most limit at once (limit < 1 means one at
// a time), starting them in order, and returns when every started task
// has returned. errs[i] is what task i came to: nil, the error it
// returned, a *PanicError naming it (Collector is the task's Name) when
// it panicked, or ctx.Err() when ctx was done before it could start. A
// panicking task never takes the program down, nor stops the others:
// what a failed task means (a gap, an abort) is the caller's choice.
func Parallel(ctx context.Context, limit int, tasks []Task) (errs []error) {
	if limit < 1 {
		limit = 1
	}
	errs = make([]error, len(tasks))
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, t := range tasks {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if err := ctx.Err(); err != nil {
			for j := i; j < len(tasks); j++ {
				errs[j] = err
			}
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = runTask(ctx, t)
		}()
	}
	wg.Wait()
	return errs
}

// runTask calls t.Do, turning a panic into a *PanicError.
func runTask(ctx context.Context, t Task) (err error) {
	defer func() {
		if v := recover(); v != nil {
			stack := debug.Stack()
			slog.DebugContext(ctx, "task panicked", "task", t.Name, "panic", v, "stack", string(stack))
			err = &PanicError{Collector: t.Name, Value: v, Stack: stack}
		}
	}()
	return t.Do(ctx)
}
