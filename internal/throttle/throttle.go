// Package throttle is the client's own throttle (Configuration.MaxConcurrency
// and Configuration.RateLimitFloor), a stage of the request pipeline.
package throttle

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/retry"
)

// maxFloorWait bounds one wait for the rate-limit window's reset
// (Configuration.RateLimitFloor). Okta's windows are one minute long; an
// answer that claims a later reset cannot hold the client back for longer,
// after which it sends again and learns the window's state anew.
const maxFloorWait = time.Minute

// Throttle keeps one client under Okta's limits, for all its goroutines:
// a cap on calls in flight (Configuration.MaxConcurrency) and a wait for the
// window's reset once few requests remain (Configuration.RateLimitFloor).
// It exists only when one of them is on, so it costs nothing otherwise.
type Throttle struct {
	sem   chan struct{} // one slot per call in flight; nil without a cap
	floor int           // wait when Remaining falls to this; 0 is off
	clock Clock
	// waited reports a wait of the call op (APIClient.throttled): before a
	// floor wait (floor true), after a concurrency wait.
	waited func(ctx context.Context, op string, floor bool, d time.Duration)

	mu        sync.Mutex
	remaining int       // X-Rate-Limit-Remaining of the latest answer
	reset     time.Time // when that window resets, by the local clock, at most maxFloorWait after the answer
}

// Clock is Configuration.Clock: the floor's waits and windows follow it.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// New returns the throttle of MaxConcurrency maxConcurrency and
// RateLimitFloor floor, reporting its waits to waited, or nil when both
// are off.
func New(maxConcurrency, floor int, clock Clock, waited func(ctx context.Context, op string, floor bool, d time.Duration)) *Throttle {
	if maxConcurrency == 0 && floor == 0 {
		return nil
	}
	t := &Throttle{floor: floor, clock: clock, waited: waited}
	if maxConcurrency > 0 {
		t.sem = make(chan struct{}, maxConcurrency)
	}
	return t
}

// Refusal is why the throttle held a call back: the facts of an
// *okta.ThrottleError, which the caller makes of it.
type Refusal struct {
	Setting   string    // "RateLimitFloor" or "MaxConcurrency"
	Remaining int       // RateLimitFloor: the requests left
	Floor     int       // RateLimitFloor: the floor
	RetryAt   time.Time // RateLimitFloor: the window's reset
	Err       error     // the context's error when it ended the wait
}

// Acquire waits until the call op may go out: past the floor's reset and
// into a concurrency slot. It gives up at the deadline or when ctx is done,
// with a Refusal; a floor wait that would pass the deadline is not started.
// After a nil Refusal the caller must call Release.
func (t *Throttle) Acquire(ctx context.Context, op string, deadline time.Time) *Refusal {
	if wait, remaining, reset := t.floorWait(); wait > 0 {
		refuse := func(err error) *Refusal {
			return &Refusal{Setting: "RateLimitFloor", Remaining: remaining, Floor: t.floor, RetryAt: reset, Err: err}
		}
		// The jitter is part of the wait, so that the wait that is started
		// never passes the deadline.
		wait += retry.Jitter(retry.ResetJitter)
		if wait >= time.Until(deadline) {
			return refuse(nil)
		}
		t.waited(ctx, op, true, wait)
		if err := retry.Sleep(ctx, t.clock.After, wait, deadline); err != nil {
			return refuse(err)
		}
	}
	if t.sem == nil {
		return nil
	}
	select {
	case t.sem <- struct{}{}:
		return nil
	default:
	}
	start := time.Now()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	var err *Refusal
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		err = &Refusal{Setting: "MaxConcurrency", Err: ctx.Err()}
	case <-timer.C:
		err = &Refusal{Setting: "MaxConcurrency", Err: context.DeadlineExceeded}
	}
	// The wait is reported with the slot held. If the report panics (a
	// caller's Observer or Logger), the slot is given back: the caller
	// never got it, and would never release it.
	reported := false
	defer func() {
		if !reported && err == nil {
			t.Release()
		}
	}()
	t.waited(ctx, op, false, time.Since(start))
	reported = true
	return err
}

// Release frees the slot Acquire took.
func (t *Throttle) Release() {
	if t.sem != nil {
		<-t.sem
	}
}

// floorWait is how long to wait for the window's reset, with the state that
// calls for it; a zero wait when above the floor, when the window has reset,
// or when the floor is off.
func (t *Throttle) floorWait() (wait time.Duration, remaining int, reset time.Time) {
	if t.floor == 0 {
		return 0, 0, time.Time{}
	}
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.reset.IsZero() || t.remaining > t.floor || !now.Before(t.reset) {
		return 0, 0, time.Time{}
	}
	return t.reset.Sub(now), t.remaining, t.reset
}

// Observe records the rate-limit state of an answer, its reset moved to the
// local clock (see retry.UntilReset) and no further away than maxFloorWait.
func (t *Throttle) Observe(resp *http.Response) {
	if t.floor == 0 {
		return
	}
	rl, ok := httpx.ParseRateLimit(resp)
	if !ok || rl.IsConcurrencyLimit() {
		return
	}
	now := t.clock.Now()
	reset := now.Add(min(retry.UntilReset(rl.Reset, resp, now), maxFloorWait))
	t.mu.Lock()
	defer t.mu.Unlock()
	t.remaining, t.reset = rl.Remaining, reset
}
