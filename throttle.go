package okta

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// throttle keeps one APIClient under Okta's limits, for all its goroutines:
// a cap on calls in flight (Configuration.MaxConcurrency) and a wait for the
// window's reset once few requests remain (Configuration.RateLimitFloor).
// It exists only when one of them is on, so it costs nothing otherwise.
type throttle struct {
	sem   chan struct{} // one slot per call in flight; nil without a cap
	floor int           // wait when Remaining falls to this; 0 is off
	clock Clock

	mu        sync.Mutex
	remaining int       // X-Rate-Limit-Remaining of the latest answer
	reset     time.Time // when that window resets, by the local clock
}

// newThrottle returns the throttle for cfg, or nil when both limits are off.
func newThrottle(cfg *Configuration) *throttle {
	if cfg.MaxConcurrency == 0 && cfg.RateLimitFloor == 0 {
		return nil
	}
	t := &throttle{floor: cfg.RateLimitFloor, clock: cfg.Clock}
	if cfg.MaxConcurrency > 0 {
		t.sem = make(chan struct{}, cfg.MaxConcurrency)
	}
	return t
}

// acquire waits until a call may go out: past the floor's reset and into a
// concurrency slot. It gives up at the deadline or when ctx is done; a floor
// wait that would pass the deadline is not started. After a nil error the
// caller must call release.
func (t *throttle) acquire(ctx context.Context, op string, deadline time.Time) error {
	if wait := t.floorWait(); wait > 0 {
		if wait >= time.Until(deadline) {
			return fmt.Errorf("okta: %s: %d requests left in the rate-limit window, which resets in %v: %w",
				op, t.floor, wait.Round(time.Millisecond), ErrRateLimited)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("okta: %s: waiting for the rate-limit window: %w", op, ctx.Err())
		case <-t.clock.After(wait + jitter(resetJitter)):
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
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case t.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("okta: %s: waiting for a concurrency slot: %w", op, ctx.Err())
	case <-timer.C:
		return fmt.Errorf("okta: %s: waiting for a concurrency slot: %w", op, context.DeadlineExceeded)
	}
}

// release frees the slot acquire took.
func (t *throttle) release() {
	if t.sem != nil {
		<-t.sem
	}
}

// floorWait is how long to wait for the window's reset; 0 when above the
// floor, when the window has reset, or when the floor is off.
func (t *throttle) floorWait() time.Duration {
	if t.floor == 0 {
		return 0
	}
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.reset.IsZero() || t.remaining > t.floor || !now.Before(t.reset) {
		return 0
	}
	return t.reset.Sub(now)
}

// observe records the rate-limit state of an answer, its reset moved to the
// local clock (see untilReset).
func (t *throttle) observe(resp *http.Response) {
	if t.floor == 0 {
		return
	}
	rl, ok := ParseRateLimit(resp)
	if !ok || rl.IsConcurrencyLimit() {
		return
	}
	now := t.clock.Now()
	reset := now.Add(untilReset(rl.Reset, resp, now))
	t.mu.Lock()
	defer t.mu.Unlock()
	t.remaining, t.reset = rl.Remaining, reset
}
