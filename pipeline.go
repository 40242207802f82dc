package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/retry"
)

// The request pipeline. Every request the client sends goes through it, in
// stages that each do one thing:
//
//	do              events of the call (Observer.OnCall) and its deadline
//	  retry loop    planRetry's rules and waits, on Configuration.Clock
//	sendRepeating   the credential's repeat at once (a DPoP nonce, a new token)
//	attempt         throttle, AttemptTimeout, events of the attempt
//	exchange        credential, send, bounded read and decode (checkAnswer)
//
// The token request of "PrivateKey" mode is a request of this pipeline too:
// tokenProvider.fetch runs it through sendRepeating and exchange, inside
// the attempt of the API call that needed the token, with its own policy
// (its credential is the grant, its answer an access token or an
// *OAuthError); the call's retry loop retries it as it retries the call.
// See DESIGN.md.

// maxRepeats bounds the requests repeated at once in one call, whatever a
// credential says, so that a server cannot make a loop: one for a DPoP
// nonce, one for a new token.
const maxRepeats = 2

// do is the one request path of an API operation: refuse what must not be
// sent, authenticate, then attempt and retry as planRetry says, within the
// call's deadline. The returned response's body has been read and closed.
func (c *APIClient) do(ctx context.Context, r *call) (resp *http.Response, err error) {
	if c.cfg.Observer != nil {
		start := time.Now()
		defer func() { c.endCall(r, start, resp, err) }()
	}
	if err := c.prepare(ctx, r); err != nil {
		return nil, r.refused(err)
	}
	for ; ; r.attempt++ {
		resp, err := sendRepeating(ctx, r, c.attempt)
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

// sendRepeating sends r once by send and, while r's credential asks for it
// after an answer (a 401 or 400 asking for a DPoP nonce or a new token),
// once more at once: not a retry, no wait. The credential grants it once
// per reason; maxRepeats bounds it whatever the credential says.
func sendRepeating(ctx context.Context, r *call, send func(context.Context, *call) (*http.Response, error)) (*http.Response, error) {
	resp, err := send(ctx, r)
	for r.cred.repeat(resp, err) && ctx.Err() == nil && r.repeats < maxRepeats {
		r.repeats++
		resp, err = send(ctx, r)
	}
	return resp, err
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

// attempt makes one try of r: through the throttle, if any, then exchange,
// within AttemptTimeout and the call's deadline; it reports the attempt
// when it was sent.
func (c *APIClient) attempt(ctx context.Context, r *call) (*http.Response, error) {
	if c.throttle != nil {
		if ref := c.throttle.Acquire(ctx, r.op, r.deadline); ref != nil {
			return nil, &ThrottleError{Op: r.op, Setting: ref.Setting, Remaining: ref.Remaining, Floor: ref.Floor, RetryAt: ref.RetryAt, Err: ref.Err}
		}
		defer c.throttle.Release()
	}
	start := time.Now()
	deadline := r.deadline
	if d := start.Add(c.cfg.AttemptTimeout); d.Before(deadline) {
		deadline = d
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	resp, err := c.exchange(ctx, r)
	if !r.lastSent {
		return resp, err // its credential failed (a token fetch): nothing was sent
	}
	if c.throttle != nil && resp != nil {
		c.throttle.Observe(resp)
	}
	c.endAttempt(ctx, r, resp, err, start)
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

// setCommonHeaders sets what every request of a client carries, token
// requests included: the DefaultHeader, Accept: application/json and the
// User-Agent.
func setCommonHeaders(h http.Header, defaults map[string]string, userAgent string) {
	for k, v := range defaults {
		h.Set(k, v)
	}
	h.Set("Accept", "application/json")
	h.Set("User-Agent", userAgent)
}

// newRequest builds the HTTP request of r's current attempt: headers,
// credential and, on a retry, X-Okta-Retry-Count and X-Okta-Retry-For.
func (c *APIClient) newRequest(ctx context.Context, r *call) (*http.Request, error) {
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, rd)
	if err != nil {
		return nil, errors.New("cannot build the request URL")
	}
	setCommonHeaders(req.Header, c.cfg.DefaultHeader, c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.attempt > 0 {
		req.Header.Set("X-Okta-Retry-Count", strconv.Itoa(r.attempt))
		if r.retryFor != "" {
			req.Header.Set("X-Okta-Retry-For", r.retryFor)
		}
	}
	if err := r.cred.authorize(ctx, req); err != nil {
		return nil, err
	}
	if !r.idempotent || len(req.Header[httpx.HeaderDPoP]) > 0 {
		// CreateSession's one-time token, a DPoP proof: only do's rules
		// may send them again.
		httpx.Unreplayable(req)
	}
	return req, nil
}
