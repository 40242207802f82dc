package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/retry"
)

// Plan is what the retry rules say about a failed attempt (Hooks.PlanRetry).
type Plan struct {
	retry.Plan
	// For the report of the wait: the answer's status and request id
	// (zero when no answer came).
	Status    int
	RequestID string
}

// retries is the stage that retries a call as Hooks.PlanRetry says,
// waiting on the client's clock, within the call's deadline (in real time,
// whatever the clock does: retry.Sleep); a call that
// ends failed after a failure worth a retry is reported (gaveUp).
func (p *Pipeline) retries(ctx context.Context, r *Call) (*http.Response, error) {
	for ; ; r.attempt++ {
		resp, err := p.repeats(ctx, r)
		if err == nil {
			return resp, nil
		}
		// !lastSent: the token request failed, the API request never left.
		plan := p.PlanRetry(ctx, r.attempt, r.Idempotent || !r.lastSent, err)
		if !plan.Retry || plan.Wait >= time.Until(r.deadline) {
			p.gaveUp(ctx, r, plan, err)
			return resp, err
		}
		p.retrying(ctx, r, plan)
		if werr := retry.Sleep(ctx, p.Clock.After, plan.Wait, r.deadline); werr != nil {
			err = fmt.Errorf("%w (stopped waiting to retry: %w)", err, werr)
			p.gaveUp(ctx, r, plan, err)
			return resp, err
		}
		r.retryFor = retry.ForID(resp)
	}
}

// repeats is the credential's stage between the retries: it sends r, and
// again at once while the credential asks for it (see auth.Again).
func (p *Pipeline) repeats(ctx context.Context, r *Call) (*http.Response, error) {
	resp, err := p.throttling(ctx, r)
	for auth.Again(ctx, r.Cred, resp, err, &r.repeats) {
		resp, err = p.throttling(ctx, r)
	}
	return resp, err
}

// throttling is the stage of the client's throttle: an attempt waits for
// it, or is held back with a *ThrottleError, and its answer tells the
// throttle the rate-limit window's state. Without a throttle it passes
// the attempt on.
func (p *Pipeline) throttling(ctx context.Context, r *Call) (*http.Response, error) {
	if p.Throttle == nil {
		return p.attempts(ctx, r)
	}
	if ref := p.Throttle.Acquire(ctx, r.Op, r.deadline); ref != nil {
		return nil, p.Throttled(r.Op, ref)
	}
	defer p.Throttle.Release()
	resp, err := p.attempts(ctx, r)
	if resp != nil {
		p.Throttle.Observe(resp)
	}
	return resp, err
}
