package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
)

// The request pipeline. Every request the client sends goes through the
// same stages, each with one job and its home, in the order a request
// meets them:
//
//	do            refusals before any I/O, the call's deadline, Observer.OnCall
//	retries       retry.go: planRetry's rules, and the waits between attempts
//	repeats       credential.go: the credential's repeat at once (a DPoP nonce, a new token)
//	throttling    throttle.go: MaxConcurrency, RateLimitFloor
//	attempts      AttemptTimeout, and the attempt's events
//	exchange      credential, send, bounded read and decode (checkAnswer)
//
// Each stage calls the next directly, not through a function value: escape
// analysis then keeps an operation's *call on its stack (a chain of
// function values, built once per client as oktatest's chain.go does,
// cost a heap allocation of the call, 256 bytes, on every call). The
// per-client parts are built once by NewAPIClient (the throttle, the
// token provider); a stage that is off (no throttle) is a nil check.
//
// The token request of "PrivateKey" mode is a request of the same pipeline
// with its own policy: its credential is the grant, its reader makes an
// access token or an *OAuthError, and tokenProvider.fetch sends it by
// exchange with the same repeat rule (call.again) and a log record per
// request. It runs inside the attempt of the API call that needs the
// token, so AttemptTimeout bounds it, and the call's retries retry it. See
// DESIGN.md.

// do runs an API operation: it refuses what must not be sent, resolves the
// credential and the deadline (prepare), and sends the call down the
// pipeline. The returned response's body has been read and closed.
func (c *APIClient) do(ctx context.Context, r *call) (resp *http.Response, err error) {
	if c.cfg.Observer != nil {
		start := time.Now()
		defer func() { c.endCall(r, start, resp, err) }()
	}
	if err := c.prepare(ctx, r); err != nil {
		return nil, r.refused(err)
	}
	return c.retries(ctx, r)
}

// prepare readies r for its first attempt: it refuses an invalid argument,
// context or configuration, resolves the credential, encodes the body and
// sets the call's deadline.
func (c *APIClient) prepare(ctx context.Context, r *call) error {
	switch {
	case r.invalid != nil:
		return r.invalid
	case ctx == nil:
		return &ValidationError{Field: "ctx", Reason: "is nil"}
	case c.cfgErr != nil:
		return c.cfgErr
	}
	var err error
	if r.cred == nil {
		if r.cred, err = c.credential(ctx, r.sswsOrNone); err != nil {
			return err
		}
	}
	if r.payload != nil {
		if r.body, err = json.Marshal(r.payload); err != nil {
			return err
		}
	}
	r.deadline = time.Now().Add(c.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(r.deadline) {
		r.deadline = d
	}
	return nil
}

// attempts is the stage that bounds each attempt by AttemptTimeout and the
// call's deadline, and reports it when it was sent.
func (c *APIClient) attempts(ctx context.Context, r *call) (*http.Response, error) {
	start := time.Now()
	deadline := r.deadline
	if d := start.Add(c.cfg.AttemptTimeout); d.Before(deadline) {
		deadline = d
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	resp, err := c.exchange(ctx, r)
	if r.lastSent { // else its credential failed (a token fetch): nothing was sent
		c.endAttempt(ctx, r, resp, err, start)
	}
	return resp, err
}

// exchange sends r once and reads the answer, all bounded by ctx: the
// credential authorizes the request, the HTTP client sends it, and
// checkAnswer reads the answer through a size cap and decodes it. A
// caller's HTTPClient may return a body that does not end when ctx ends; it
// is closed then, so that no read outlives ctx. Every request of the
// client, API call or token request, goes through here.
func (c *APIClient) exchange(ctx context.Context, r *call) (*http.Response, error) {
	r.lastSent = false
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return nil, r.authError(err)
	}
	r.sends, r.lastSent = r.sends+1, true
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, r.transportError(err)
	}
	if c.cfg.HTTPClient != nil {
		body := resp.Body
		defer context.AfterFunc(ctx, func() { httpx.CloseDetached(body) })()
	}
	return resp, checkAnswer(r, resp)
}

// newRequest builds the HTTP request of r's current attempt: the
// DefaultHeader, Accept: application/json and the User-Agent (the client's
// own headers winning), the credential and, on a retry,
// X-Okta-Retry-Count and X-Okta-Retry-For.
func (c *APIClient) newRequest(ctx context.Context, r *call) (*http.Request, error) {
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, rd)
	if err != nil {
		return nil, errors.New("cannot build the request URL")
	}
	for k, v := range c.cfg.DefaultHeader { // every request, token requests included
		req.Header.Set(k, v)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.attempt > 0 {
		req.Header.Set("X-Okta-Retry-Count", strconv.Itoa(r.attempt))
		if r.retryFor != "" {
			req.Header.Set("X-Okta-Retry-For", r.retryFor)
		}
	}
	if err := r.cred.Authorize(ctx, req); err != nil {
		return nil, err
	}
	if !r.idempotent || len(req.Header[httpx.HeaderDPoP]) > 0 {
		// CreateSession's one-time token, a DPoP proof: only the pipeline's rules
		// may send them again.
		httpx.Unreplayable(req)
	}
	return req, nil
}
