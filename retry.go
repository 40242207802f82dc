package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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

// planRetry applies the retry rules (retry.Policy.Plan: the rules the
// README states once, "Rate limits and retries") to the failed attempt
// r.attempt, whose error is err, and puts RetryAt on an *APIError. The
// answer behind an *OAuthError (the token request's) is read as the one
// behind an *APIError; a request that was never sent (its token request
// failed: !r.lastSent) is retried as an idempotent one.
func (c *APIClient) planRetry(ctx context.Context, r *call, err error) retryPlan {
	resp, apiErr := answerOf(err)
	pl := c.retryPolicy().Plan(retry.Failure{Err: err, Answer: resp, Attempt: r.attempt,
		MaySend: r.idempotent || !r.lastSent, Done: ctx.Err() != nil}, c.cfg.Clock.Now())
	p := retryPlan{retry: pl.Retry, wait: pl.Wait, retryAt: pl.RetryAt, reason: WaitReason(pl.Reason)}
	if resp != nil {
		p.status, p.requestID = resp.StatusCode, serverRequestID(apiErr, err)
	}
	if apiErr != nil {
		apiErr.RetryAt = p.retryAt
	}
	return p
}

// retryPolicy is the client's retry settings.
func (c *APIClient) retryPolicy() retry.Policy {
	return retry.Policy{MaxRetries: c.cfg.MaxRetries, MaxWait: c.cfg.MaxRetryWait}
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
