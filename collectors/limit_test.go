package collectors

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

// TestParallelLimit: no more than limit tasks run at once; each finished
// task lets the next one start.
func TestParallelLimit(t *testing.T) {
	const limit, n = 3, 7
	started := make(chan int)
	release := make(chan struct{})
	tasks := make([]Task, n)
	for i := range tasks {
		tasks[i] = Task{Name: fmt.Sprint("task ", i), Do: func(ctx context.Context) error {
			started <- i
			<-release
			return nil
		}}
	}
	done := make(chan []error)
	go func() { done <- Parallel(context.Background(), limit, tasks) }()

	noMoreStarts := func(running int) {
		t.Helper()
		select {
		case i := <-started:
			t.Fatalf("task %d started while %d were running (limit %d)", i, running, limit)
		case <-time.After(20 * time.Millisecond):
		}
	}
	var order []int
	for range limit {
		order = append(order, <-started)
	}
	noMoreStarts(limit)
	for len(order) < n {
		release <- struct{}{}
		order = append(order, <-started)
		noMoreStarts(limit)
	}
	close(release)
	errs := <-done
	if !reflect.DeepEqual(errs, make([]error, n)) {
		t.Errorf("errors %v", errs)
	}
	// Tasks start in order, the first limit of them together.
	for i := limit; i < n; i++ {
		if order[i] != i {
			t.Errorf("start order %v: task %d started %d-th", order, order[i], i+1)
		}
	}
}

// TestParallelErrors: each task's outcome lands at its index; a panic is
// a *PanicError naming the task and the others still run.
func TestParallelErrors(t *testing.T) {
	errDenied := errors.New("denied")
	var mu sync.Mutex
	ran := map[string]bool{}
	task := func(name string, do func() error) Task {
		return Task{Name: name, Do: func(context.Context) error {
			mu.Lock()
			ran[name] = true
			mu.Unlock()
			return do()
		}}
	}
	tasks := []Task{
		task("a", func() error { return nil }),
		task("b", func() error { panic("boom") }),
		task("c", func() error { return errDenied }),
		task("d", func() error {
			var m map[string]int
			//lint:ignore SA5000 the task must panic as a real bug would
			m["x"] = 1
			return nil
		}),
		task("e", func() error { return nil }),
	}
	for _, limit := range []int{0, 1, 2, 10} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			clear(ran)
			errs := Parallel(context.Background(), limit, tasks)
			if len(errs) != len(tasks) {
				t.Fatalf("%d errors for %d tasks", len(errs), len(tasks))
			}
			if errs[0] != nil || errs[4] != nil {
				t.Errorf("errors of the tasks that succeeded: %v, %v", errs[0], errs[4])
			}
			if errs[2] != errDenied {
				t.Errorf("error of c = %v, want the task's own", errs[2])
			}
			for _, i := range []int{1, 3} {
				var p *PanicError
				if !errors.As(errs[i], &p) || p.Collector != tasks[i].Name || len(p.Stack) == 0 {
					t.Errorf("error of %s = %#v, want a *PanicError naming it, with its stack", tasks[i].Name, errs[i])
				}
			}
			if len(ran) != len(tasks) {
				t.Errorf("ran %v, want every task", ran)
			}
		})
	}
}

// TestParallelCancelled: once the context is done, tasks that have not
// started never run and report ctx.Err().
func TestParallelCancelled(t *testing.T) {
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		ran := false
		errs := Parallel(ctx, 2, []Task{{Name: "a", Do: func(context.Context) error { ran = true; return nil }}})
		if ran || !errors.Is(errs[0], context.Canceled) {
			t.Errorf("ran %v, errors %v", ran, errs)
		}
	})
	t.Run("while running", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var ran []string
		tasks := []Task{
			{Name: "first", Do: func(context.Context) error { ran = append(ran, "first"); cancel(); return nil }},
			{Name: "second", Do: func(context.Context) error { ran = append(ran, "second"); return nil }},
			{Name: "third", Do: func(context.Context) error { ran = append(ran, "third"); return nil }},
		}
		errs := Parallel(ctx, 1, tasks)
		if !reflect.DeepEqual(ran, []string{"first"}) {
			t.Errorf("ran %v, want the first task only", ran)
		}
		if errs[0] != nil || !errors.Is(errs[1], context.Canceled) || !errors.Is(errs[2], context.Canceled) {
			t.Errorf("errors %v", errs)
		}
	})
}
