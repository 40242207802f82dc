package okta

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/oktasessions/okta-session-go/internal/retry"
)

// maxFloorWait bounds one wait for the rate-limit window's reset
// (Configuration.RateLimitFloor). Okta's windows are one minute long; an
// answer that claims a later reset cannot hold the client back for longer,
// after which it sends again and learns the window's state anew.
const maxFloorWait = time.Minute

// ThrottleError reports a call that this client's own throttle held back:
// nothing was sent. Either the rate-limit floor (Configuration.RateLimitFloor)
// would have made the call wait for the window's reset past its deadline, or
// no concurrency slot (Configuration.MaxConcurrency) came free before the
// deadline, or the context ended during such a wait.
//
// It matches ErrRateLimited with errors.Is, and also Err, when set.
type ThrottleError struct {
	// Op is the operation, such as "GetSession".
	Op string
	// Setting is the Configuration field that held the call back:
	// "RateLimitFloor" or "MaxConcurrency".
	Setting string
	// Remaining is X-Rate-Limit-Remaining of the latest answer, at or below
	// Floor; RateLimitFloor only.
	Remaining int
	// Floor is Configuration.RateLimitFloor; RateLimitFloor only.
	Floor int
	// RetryAt is when the window resets, by Configuration.Clock (the real
	// clock unless one is set); zero for MaxConcurrency, where it is unknown.
	RetryAt time.Time
	// Err is the context's error when it ended the wait, else nil.
	Err error
}

// Error reports the facts: for the floor, the requests left, the floor and
// the reset; for the concurrency cap, that no slot came free.
func (e *ThrottleError) Error() string {
	var s string
	if e.Setting == "RateLimitFloor" {
		s = fmt.Sprintf("okta: %s: not sent: %d requests left in the rate-limit window, at or below RateLimitFloor %d, until %s",
			e.Op, e.Remaining, e.Floor, e.RetryAt.UTC().Format(time.RFC3339))
	} else {
		s = fmt.Sprintf("okta: %s: not sent: no MaxConcurrency slot came free", e.Op)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is makes errors.Is(err, ErrRateLimited) match.
func (e *ThrottleError) Is(target error) bool { return target == ErrRateLimited }

// Unwrap returns Err.
func (e *ThrottleError) Unwrap() error { return e.Err }

// throttle keeps one APIClient under Okta's limits, for all its goroutines:
// a cap on calls in flight (Configuration.MaxConcurrency) and a wait for the
// window's reset once few requests remain (Configuration.RateLimitFloor).
// It exists only when one of them is on, so it costs nothing otherwise.
type throttle struct {
	sem   chan struct{} // one slot per call in flight; nil without a cap
	floor int           // wait when Remaining falls to this; 0 is off
	clock Clock
	// waited reports a wait (APIClient.throttled): before a floor wait,
	// after a concurrency wait.
	waited func(ctx context.Context, op string, reason WaitReason, d time.Duration)

	mu        sync.Mutex
	remaining int       // X-Rate-Limit-Remaining of the latest answer
	reset     time.Time // when that window resets, by the local clock, at most maxFloorWait after the answer
}

// newThrottle returns the throttle for cfg, reporting its waits to waited,
// or nil when both limits are off.
func newThrottle(cfg *Configuration, waited func(context.Context, string, WaitReason, time.Duration)) *throttle {
	if cfg.MaxConcurrency == 0 && cfg.RateLimitFloor == 0 {
		return nil
	}
	t := &throttle{floor: cfg.RateLimitFloor, clock: cfg.Clock, waited: waited}
	if cfg.MaxConcurrency > 0 {
		t.sem = make(chan struct{}, cfg.MaxConcurrency)
	}
	return t
}

// acquire waits until a call may go out: past the floor's reset and into a
// concurrency slot. It gives up at the deadline or when ctx is done; a floor
// wait that would pass the deadline is not started. Its errors are
// *ThrottleError. After a nil error the caller must call release.
func (t *throttle) acquire(ctx context.Context, op string, deadline time.Time) error {
	if wait, remaining, reset := t.floorWait(); wait > 0 {
		refuse := func(err error) error {
			return &ThrottleError{Op: op, Setting: "RateLimitFloor", Remaining: remaining, Floor: t.floor, RetryAt: reset, Err: err}
		}
		// The jitter is part of the wait, so that the wait that is started
		// never passes the deadline.
		wait += retry.Jitter(retry.ResetJitter)
		if wait >= time.Until(deadline) {
			return refuse(nil)
		}
		t.waited(ctx, op, WaitRateLimitFloor, wait)
		select {
		case <-ctx.Done():
			return refuse(ctx.Err())
		case <-t.clock.After(wait):
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
	var err error
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		err = &ThrottleError{Op: op, Setting: "MaxConcurrency", Err: ctx.Err()}
	case <-timer.C:
		err = &ThrottleError{Op: op, Setting: "MaxConcurrency", Err: context.DeadlineExceeded}
	}
	// The wait is reported with the slot held. If the report panics (a
	// caller's Observer or Logger), the slot is given back: the caller
	// never got it, and would never release it.
	reported := false
	defer func() {
		if !reported && err == nil {
			t.release()
		}
	}()
	t.waited(ctx, op, WaitMaxConcurrency, time.Since(start))
	reported = true
	return err
}

// release frees the slot acquire took.
func (t *throttle) release() {
	if t.sem != nil {
		<-t.sem
	}
}

// floorWait is how long to wait for the window's reset, with the state that
// calls for it; a zero wait when above the floor, when the window has reset,
// or when the floor is off.
func (t *throttle) floorWait() (wait time.Duration, remaining int, reset time.Time) {
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

// observe records the rate-limit state of an answer, its reset moved to the
// local clock (see retry.UntilReset) and no further away than maxFloorWait.
func (t *throttle) observe(resp *http.Response) {
	if t.floor == 0 {
		return
	}
	rl, ok := ParseRateLimit(resp)
	if !ok || rl.IsConcurrencyLimit() {
		return
	}
	now := t.clock.Now()
	reset := now.Add(min(retry.UntilReset(rl.Reset, resp, now), maxFloorWait))
	t.mu.Lock()
	defer t.mu.Unlock()
	t.remaining, t.reset = rl.Remaining, reset
}
