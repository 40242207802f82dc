// Package flight shares one fetch of a value among the goroutines that want
// it, and keeps the value until it goes stale: the single flight of the
// access tokens of "PrivateKey" mode.
package flight

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrPanicked is what the goroutines waiting for a fetch get when the fetch
// panicked (in a caller's Logger, Clock, HTTPClient transport or DPoPKey
// signer, say).
var ErrPanicked = errors.New("the fetch this call waited for panicked")

// Result is what a fetch gives: the value, what the fetch sent that is
// secret (also when it failed), and its error.
type Result[V any] struct {
	Value V
	Sent  []string
	Err   error
}

// Cache holds one value, fetched by one goroutine at a time for every
// goroutine that wants it, until the value goes stale. V is a pointer type:
// its zero value is "none".
type Cache[V comparable] struct {
	now     func() time.Time  // a caller's Clock: never called under mu, which a panic would leave locked
	staleAt func(V) time.Time // when a value must be fetched anew
	fetch   func(ctx context.Context) Result[V]

	mu     sync.Mutex
	cached V
	flight *flight[V] // the fetch under way, or nil
}

// flight is one fetch that several goroutines wait for.
type flight[V any] struct {
	done chan struct{} // closed once res is set
	res  Result[V]
}

// New returns a Cache whose values come from fetch and go stale at
// staleAt, by the clock now.
func New[V comparable](now func() time.Time, staleAt func(V) time.Time, fetch func(context.Context) Result[V]) *Cache[V] {
	return &Cache[V]{now: now, staleAt: staleAt, fetch: fetch}
}

// Get returns the cached value, or fetches one. Only one fetch runs at a
// time: the goroutines that come while it runs wait for it and share its
// result, each as long as its own ctx lets it. If the fetch failed only
// because its caller's ctx ended, a waiter whose ctx is alive fetches
// again. A cached value comes without Sent.
func (c *Cache[V]) Get(ctx context.Context) Result[V] {
	var zero V
	for {
		now := c.now()
		c.mu.Lock()
		if v := c.cached; v != zero && now.Before(c.staleAt(v)) {
			c.mu.Unlock()
			return Result[V]{Value: v}
		}
		f := c.flight
		if f == nil {
			f = &flight[V]{done: make(chan struct{})}
			c.flight = f
			c.mu.Unlock()
			c.fly(ctx, f)
			return f.res
		}
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			return Result[V]{Err: ctx.Err()}
		case <-f.done:
		}
		err := f.res.Err
		if err == nil || ctx.Err() != nil || !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			return f.res
		}
	}
}

// fly runs the fetch of flight f, which the caller started, and ends the
// flight: it caches the value, clears c.flight and releases the waiters.
// It does so in a defer, so that a fetch that panics ends its flight too:
// its waiters get ErrPanicked, the next Get fetches again, and the panic
// goes on up the goroutine that fetched. Without it, every later Get would
// wait for a flight that never lands.
func (c *Cache[V]) fly(ctx context.Context, f *flight[V]) {
	f.res.Err = ErrPanicked // until fetch returns
	defer func() {
		c.mu.Lock()
		c.flight = nil
		if f.res.Err == nil {
			c.cached = f.res.Value
		}
		c.mu.Unlock()
		close(f.done)
	}()
	f.res = c.fetch(ctx)
}

// Drop drops v from the cache, if it is still there, so that the next Get
// fetches anew. Dropping only v means that the many goroutines refused with
// the same value cause one fetch, not one each.
func (c *Cache[V]) Drop(v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cached == v {
		var zero V
		c.cached = zero
	}
}
