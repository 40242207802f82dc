package okta

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Retry timing. See the README's "Rate limits and retries" for the rules.
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

// retryPolicy decides whether the failed attempt number attempt (0 for the
// first) is retried, and after how long. It also sets APIError.RetryAt of a
// 429 or 503, whether or not the call is retried.
//
// Idempotent operations (GetSession, RefreshSession, EndSession) retry on
// 429, 502, 503, 504 and transport errors. CreateSession uses up a one-time
// token, so it retries only when Okta did not process it: on 429, and on a
// transport error from before a connection existed (a failed dial).
func (c *APIClient) retryPolicy(ctx context.Context, r *request, attempt int, resp *http.Response, err error) (time.Duration, bool) {
	var (
		wait   time.Duration
		retry  bool
		apiErr *APIError
		urlErr *url.Error
	)
	switch {
	case errors.As(err, &apiErr):
		switch apiErr.StatusCode {
		case http.StatusTooManyRequests:
			wait, retry = c.rateLimitWait(apiErr, attempt), true
			apiErr.RetryAt = c.cfg.Clock.Now().Add(wait)
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			wait, retry = c.backoff(attempt), r.idempotent
			if d, ok := retryAfter(apiErr.Response, c.cfg.Clock.Now()); ok {
				wait = d
				apiErr.RetryAt = c.cfg.Clock.Now().Add(d)
			}
		}
	case resp == nil && errors.As(err, &urlErr):
		wait, retry = c.backoff(attempt), r.idempotent || neverSent(err)
	}
	if !retry || attempt >= c.cfg.MaxRetries || ctx.Err() != nil || wait > c.cfg.MaxRetryWait {
		return 0, false
	}
	return wait, true
}

// rateLimitWait is how long to wait after a 429: Retry-After when the answer
// has it; else until X-Rate-Limit-Reset by the server's Date header (the
// server's clock) plus a second, or by the local clock when Date is missing
// or odd; a short backoff for Okta's concurrency limit, whose reset is only
// an estimate. Reset waits get up to resetJitter added.
func (c *APIClient) rateLimitWait(e *APIError, attempt int) time.Duration {
	now := c.cfg.Clock.Now()
	if d, ok := retryAfter(e.Response, now); ok {
		return d + jitter(resetJitter)
	}
	rl := e.RateLimit
	if rl.Reset.IsZero() || rl.IsConcurrencyLimit() {
		return c.backoff(attempt)
	}
	return max(untilReset(rl.Reset, e.Response, now)+time.Second, 0) + jitter(resetJitter)
}

// untilReset is how long until a rate-limit reset: measured against the
// answer's Date header (the server's clock, immune to local clock skew) when
// that gives a believable time, else against the local clock now.
func untilReset(reset time.Time, resp *http.Response, now time.Time) time.Duration {
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		if d := reset.Sub(date); d >= 0 && d <= maxResetSkew {
			return d
		}
	}
	return reset.Sub(now)
}

// backoff is the wait before retry number attempt+1 when there is no reset
// time: backoffBase doubled per attempt, capped by MaxRetryWait, half of it
// random.
func (c *APIClient) backoff(attempt int) time.Duration {
	d := c.cfg.MaxRetryWait
	if attempt < 20 {
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
// (measured against the answer's Date, or now when it has none).
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		// Clamp, so that a hostile value cannot overflow into a negative wait.
		return time.Duration(min(secs, 1<<31)) * time.Second, secs >= 0
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		now = date
	}
	return max(at.Sub(now), 0), true
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
