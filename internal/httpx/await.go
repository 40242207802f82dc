package httpx

import (
	"context"
	"time"
)

// Await runs f, a caller's code that may not watch ctx (a RoundTripper, an
// oauth2.TokenSource's Token, which takes no context), on a goroutine of
// its own, and returns what f returns, or ctx's error when ctx ends first,
// or context.DeadlineExceeded when deadline (unless zero) passes first, so
// that f cannot hold a call past its deadline. What f returns after that
// goes to late, if not nil (to close a response), when f returns; the
// goroutine ends with f.
//
// A panic of f is carried to the calling goroutine, with its value, as if
// f had run there (the stack is the caller's): on f's goroutine it would
// end the whole program, out of the caller's reach. A panic after Await
// returned is dropped with the result.
func Await[T any](ctx context.Context, deadline time.Time, f func() (T, error), late func(T)) (T, error) {
	type result struct {
		v        T
		err      error
		panicked any // what f panicked with, if it did
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
	var expired <-chan time.Time
	if !deadline.IsZero() {
		timer := time.NewTimer(time.Until(deadline))
		defer timer.Stop()
		expired = timer.C
	}
	var err error
	select {
	case r := <-done:
		if r.panicked != nil {
			panic(r.panicked)
		}
		return r.v, r.err
	case <-ctx.Done():
		err = ctx.Err()
	case <-expired:
		err = context.DeadlineExceeded
	}
	if late != nil {
		go func() {
			if r := <-done; r.panicked == nil {
				late(r.v)
			}
		}()
	}
	var zero T
	return zero, err
}
