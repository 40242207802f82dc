package okta

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Retry timing, after Okta's advice on rate limits:
// https://developer.okta.com/docs/reference/rl-best-practices/.
const (
	// backoffBase is the first backoff of a retry that has no reset time: a
	// 5xx, a dropped connection or Okta's concurrency limit. It doubles with
	// each retry.
	backoffBase = 250 * time.Millisecond
	// resetJitter is the most that is added at random to a wait for the
	// rate-limit reset, so that the goroutines that hit the limit together
	// do not all retry in the same instant.
	resetJitter = 500 * time.Millisecond
	// maxResetSkew bounds a reset time that is believable: Okta's windows
	// are one minute long. A reset further away by the server's Date is
	// taken as a sign of an odd Date, and the local clock is used instead.
	maxResetSkew = 5 * time.Minute
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

// planRetry applies the retry rules to the failed attempt r.attempt, whose
// error is err. retryAt is set for a 429, and for a 502, 503 or 504 with
// Retry-After, whether or not the call is retried; do puts it on an
// *APIError.
//
// The rules are the same for an answer of the API (an *APIError) and of the
// token endpoint before it (an *OAuthError): Retry-After, the rate-limit
// headers and MaxRetryWait govern both. Idempotent operations (every one but
// CreateSession: GetSession, RefreshSession, EndSession, the
// current-session operations and RevokeUserSessions) retry on 429, 502,
// 503, 504 and transport failures, a body cut off part-way included.
// CreateSession uses up a one-time token, so it retries only when Okta did
// not process it: on 429, and on a transport error from before a connection
// existed (a failed dial). In "PrivateKey" mode, every operation retries
// when the token request before its API request failed (429, 502, 503, 504,
// a transport failure): the API request was never sent.
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
		if d, ok := retryAfter(resp, now); ok {
			// Retry-After is the least wait; the backoff stays the floor,
			// so that "Retry-After: 0" cannot make a hot loop.
			p.wait = max(d, p.wait)
			p.retryAt = now.Add(p.wait)
		}
	case resp == nil && errors.As(err, new(*url.Error)):
		// A transport failure of the API request, or of the token request
		// before it (then the API request was never sent).
		p.wait, p.retry, p.reason = c.backoff(r.attempt), sentOrMayHave || neverSent(err), WaitTransport
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

// rateLimitWait is how long to wait after a 429: Retry-After when the answer
// has it, never less than the backoff (so that "Retry-After: 0" cannot make
// a hot loop); else until X-Rate-Limit-Reset by the server's Date header (the
// server's clock) plus a second, or by the local clock when Date is missing
// or odd; a short backoff for Okta's concurrency limit, whose reset is only
// an estimate. Reset waits get up to resetJitter added.
func (c *APIClient) rateLimitWait(resp *http.Response, rl RateLimit, attempt int, now time.Time) time.Duration {
	if d, ok := retryAfter(resp, now); ok {
		return max(d, c.backoff(attempt)) + jitter(resetJitter)
	}
	if rl.Reset.IsZero() || rl.IsConcurrencyLimit() {
		return c.backoff(attempt)
	}
	// The backoff is the least wait here too: a reset already past (a
	// server whose clock lags, or a hostile one) must not make a hot loop.
	return max(untilReset(rl.Reset, resp, now)+time.Second, c.backoff(attempt)) + jitter(resetJitter)
}

// maxServerDelay is where every duration read from a server's headers
// saturates, so that adding a second or some jitter to it, or adding it to
// the time now, never overflows: a wait that long is a wait past any
// deadline.
const maxServerDelay = 100 * 365 * 24 * time.Hour

// serverDelay clamps a duration computed from a server's headers to
// [0, maxServerDelay].
func serverDelay(d time.Duration) time.Duration {
	return min(max(d, 0), maxServerDelay)
}

// untilReset is how long until a rate-limit reset, at most maxServerDelay
// and negative when it has passed: measured
// against the answer's Date header (the server's clock, immune to local
// clock skew) when that gives a believable time, else against the local
// clock now.
func untilReset(reset time.Time, resp *http.Response, now time.Time) time.Duration {
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		if d := reset.Sub(date); d >= 0 && d <= maxResetSkew {
			return d
		}
	}
	return min(reset.Sub(now), maxServerDelay)
}

// maxBackoffDoublings is how many times backoffBase doubles before
// MaxRetryWait caps it anyway; it keeps the shift from overflowing.
const maxBackoffDoublings = 20

// backoff is the wait before retry number attempt+1 when there is no reset
// time: backoffBase doubled per attempt, capped by MaxRetryWait, half of it
// random.
func (c *APIClient) backoff(attempt int) time.Duration {
	d := c.cfg.MaxRetryWait
	if attempt < maxBackoffDoublings {
		d = min(backoffBase<<attempt, d)
	}
	return d/2 + jitter(d/2)
}

// jitter returns a random duration in [0, d).
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date
// (measured against the answer's Date, or now when it has none). The wait
// saturates at maxServerDelay; a negative or unreadable value is ignored.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if isDecimal(v) {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(maxServerDelay/time.Second) {
			return maxServerDelay, true // only a range error is possible
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		now = date
	}
	return serverDelay(at.Sub(now)), true
}

// neverSent reports whether a transport error happened before a connection
// existed, so that the request provably never reached the server.
func neverSent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// sleep waits d on the client's clock, or until ctx is done.
func (c *APIClient) sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.cfg.Clock.After(d):
		return nil
	}
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// maxRequestIDLen bounds the X-Okta-Request-Id echoed in X-Okta-Retry-For;
// Okta's are about 27 characters.
const maxRequestIDLen = 128

// retryForID returns the X-Okta-Request-Id of resp to echo in the retry's
// X-Okta-Retry-For, or "" when resp has none or a hostile one: too long, or
// not made of letters, digits and "-_.@" only.
func retryForID(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	id := resp.Header.Get("X-Okta-Request-Id")
	if len(id) > maxRequestIDLen {
		return ""
	}
	for i := 0; i < len(id); i++ {
		if b := id[i]; !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("-_.@", b) >= 0) {
			return ""
		}
	}
	return id
}
