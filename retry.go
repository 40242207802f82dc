package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/oktasessions/okta-session-go/internal/retry"
)

// retryPlan is what the retry rules say about a failed attempt.
type retryPlan struct {
	retry   bool          // whether to try again
	wait    time.Duration // how long to wait first
	retryAt time.Time     // for APIError.RetryAt: when a retry may succeed, on the client's clock; zero when unknown
	// For the report of the wait (WaitInfo): why, and the answer's status
	// and request id (zero when no answer came).
	reason    WaitReason
	status    int
	requestID string
}

// retries is the stage that retries a call as planRetry says, waiting on
// the client's clock, within the call's deadline; a call that ends failed
// after a failure worth a retry is reported (gaveUp).
func (c *APIClient) retries(ctx context.Context, r *call) (*http.Response, error) {
	for ; ; r.attempt++ {
		resp, err := c.repeats(ctx, r)
		if err == nil {
			return resp, nil
		}
		plan := c.planRetry(ctx, r, err)
		if !plan.retry || plan.wait >= time.Until(r.deadline) {
			c.gaveUp(ctx, r, plan, err)
			return resp, err
		}
		c.retrying(ctx, r, plan)
		if werr := c.sleep(ctx, plan.wait); werr != nil {
			err = fmt.Errorf("%w (stopped waiting to retry: %w)", err, werr)
			c.gaveUp(ctx, r, plan, err)
			return resp, err
		}
		r.retryFor = retry.ForID(resp)
	}
}

// planRetry applies the retry rules to the failed attempt r.attempt, whose
// error is err: the rules the README states once ("Rate limits and
// retries"), in code. retryAt is set for a 429, and for a 502, 503 or 504
// with Retry-After, whether or not the call is retried, and put on an
// *APIError. The answer behind an *OAuthError (the token request's) is read
// as the one behind an *APIError; a request that was never sent (its token
// request failed: !r.lastSent) is retried as an idempotent one.
func (c *APIClient) planRetry(ctx context.Context, r *call, err error) retryPlan {
	now := c.cfg.Clock.Now()
	var p retryPlan
	resp, apiErr := answerOf(err)
	if resp != nil {
		p.status, p.requestID = resp.StatusCode, serverRequestID(apiErr, err)
	}
	sentOrMayHave := r.idempotent || !r.lastSent // !lastSent: the token request failed, the API request never left
	switch {
	case p.status == http.StatusTooManyRequests:
		rl, _ := ParseRateLimit(resp)
		p.wait, p.retry = c.rateLimitWait(resp, rl, r.attempt, now), true
		p.retryAt = now.Add(p.wait)
		p.reason = WaitRateLimit
		if rl.IsConcurrencyLimit() {
			p.reason = WaitConcurrencyLimit
		}
	case retryableStatus(p.status):
		p.wait, p.retry, p.reason = c.backoff(r.attempt), sentOrMayHave, WaitServerError
		if d, ok := retry.After(resp, now); ok {
			// Retry-After is the least wait; the backoff stays the floor,
			// so that "Retry-After: 0" cannot make a hot loop.
			p.wait = max(d, p.wait)
			p.retryAt = now.Add(p.wait)
		}
	case resp == nil && errors.As(err, new(*url.Error)):
		// A transport failure of the API request, or of the token request
		// before it (then the API request was never sent).
		p.wait, p.retry, p.reason = c.backoff(r.attempt), sentOrMayHave || retry.NeverSent(err), WaitTransport
	}
	if r.attempt >= c.cfg.MaxRetries || ctx.Err() != nil || p.wait > c.cfg.MaxRetryWait {
		p.retry = false
	}
	if apiErr != nil {
		apiErr.RetryAt = p.retryAt
	}
	return p
}

// answerOf returns the answer behind err: that of an *APIError (returned
// too), or of an *OAuthError (the token request's); nil when err holds
// neither.
func answerOf(err error) (*http.Response, *APIError) {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Response, apiErr
	}
	var oauthErr *OAuthError
	if errors.As(err, &oauthErr) {
		return oauthErr.response, nil
	}
	return nil, nil
}

// serverRequestID is the request id of the answer behind err, as its error
// holds it (bounded, secrets shortened).
func serverRequestID(apiErr *APIError, err error) string {
	if apiErr != nil {
		return apiErr.RequestId
	}
	var oauthErr *OAuthError
	if errors.As(err, &oauthErr) {
		return oauthErr.RequestId
	}
	return ""
}

// retryableStatus reports whether an answer of this status may succeed when
// tried again: 429 and the gateway errors 502, 503 and 504.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is the wait before retry number attempt+1 when there is no
// reset time (see retry.Backoff), capped by MaxRetryWait.
func (c *APIClient) backoff(attempt int) time.Duration {
	return retry.Backoff(attempt, c.cfg.MaxRetryWait)
}

// rateLimitWait is how long to wait after a 429: Retry-After when the answer
// has it, never less than the backoff (so that "Retry-After: 0" cannot make
// a hot loop); else until X-Rate-Limit-Reset by the server's Date header (the
// server's clock) plus a second, or by the local clock when Date is missing
// or odd; a short backoff for Okta's concurrency limit, whose reset is only
// an estimate. Reset waits get up to resetJitter added.
func (c *APIClient) rateLimitWait(resp *http.Response, rl RateLimit, attempt int, now time.Time) time.Duration {
	if d, ok := retry.After(resp, now); ok {
		return max(d, c.backoff(attempt)) + retry.Jitter(retry.ResetJitter)
	}
	if rl.Reset.IsZero() || rl.IsConcurrencyLimit() {
		return c.backoff(attempt)
	}
	// The backoff is the least wait here too: a reset already past (a
	// server whose clock lags, or a hostile one) must not make a hot loop.
	return max(retry.UntilReset(rl.Reset, resp, now)+time.Second, c.backoff(attempt)) + retry.Jitter(retry.ResetJitter)
}
