package okta

import (
	"context"
	"errors"
	"net/http"

	"github.com/oktasessions/okta-session-go/internal/pipeline"
	"github.com/oktasessions/okta-session-go/internal/retry"
)

// planRetry applies the retry rules (retry.Policy.Plan: the rules the
// README states once, "Rate limits and retries") to the failed attempt
// attempt (0 for the first try), whose error is err, and puts RetryAt on
// an *APIError: it is the pipeline's Hooks.PlanRetry. The answer behind an
// *OAuthError (the token request's) is read as the one behind an
// *APIError. maySend is true for an idempotent request, and for one that
// was never sent (its token request failed), which is retried as one.
func (c *APIClient) planRetry(ctx context.Context, attempt int, maySend bool, err error) pipeline.Plan {
	resp, apiErr := answerOf(err)
	p := pipeline.Plan{Plan: c.retryPolicy().Plan(retry.Failure{Err: err, Answer: resp, Attempt: attempt,
		MaySend: maySend, Done: ctx.Err() != nil}, c.cfg.Clock.Now())}
	if resp != nil {
		p.Status, p.RequestID = resp.StatusCode, serverRequestID(apiErr, err)
	}
	if apiErr != nil {
		apiErr.RetryAt = p.RetryAt
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
