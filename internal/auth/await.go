package auth

import (
	"context"
	"time"
)

// Await returns what f returns, or, when ctx ends or deadline passes first,
// the context's error (context.DeadlineExceeded for the deadline): f is a
// caller's code that takes no context (an oauth2.TokenSource's Token), and
// must not hold a call past its deadline. f runs on a goroutine of its own,
// which ends when f returns; what it returns late is dropped. A panic of f
// is carried to the calling goroutine, with its value, as if f had run
// there: on f's goroutine it would end the program.
func Await[T any](ctx context.Context, deadline time.Time, f func() (T, error)) (T, error) {
	type result struct {
		v        T
		err      error
		panicked any
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			r.panicked = recover()
			done <- r
		}()
		r.v, r.err = f()
	}()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	var zero T
	select {
	case r := <-done:
		if r.panicked != nil {
			panic(r.panicked)
		}
		return r.v, r.err
	case <-ctx.Done():
		return zero, ctx.Err()
	case <-timer.C:
		return zero, context.DeadlineExceeded
	}
}
