package retry

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
)

// Reason is why a retry waits; package okta's WaitReason has the same
// values.
type Reason string

// The reasons of a retry's wait.
const (
	ReasonRateLimit        Reason = "rate_limit"
	ReasonConcurrencyLimit Reason = "concurrency_limit"
	ReasonServerError      Reason = "server_error"
	ReasonTransport        Reason = "transport"
)

// Policy is a client's retry settings: Configuration.MaxRetries and
// MaxRetryWait.
type Policy struct {
	MaxRetries int
	MaxWait    time.Duration
}

// Failure is what the retry rules read of a failed attempt.
type Failure struct {
	Err     error          // the attempt's error
	Answer  *http.Response // the answer behind Err (an *APIError's or *OAuthError's), or nil
	Attempt int            // 0 for the first try; the retries so far
	// MaySend: the request is idempotent, or it was never sent (its token
	// request failed), so sending it again repeats nothing.
	MaySend bool
	Done    bool // the call's context has ended
}

// Plan is what the retry rules say about a failed attempt.
type Plan struct {
	Retry   bool          // whether to try again
	Wait    time.Duration // how long to wait first
	RetryAt time.Time     // when a retry may succeed, on the client's clock; zero when unknown
	Reason  Reason        // why it waits; "" when no rule calls for a retry
}

// Plan applies the retry rules to f at now, on the client's clock: the
// rules the README states once ("Rate limits and retries"), in code.
// RetryAt is set for a 429, and for a 502, 503 or 504 with Retry-After,
// whether or not the call is retried.
func (p Policy) Plan(f Failure, now time.Time) Plan {
	var pl Plan
	resp := f.Answer
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	switch {
	case status == http.StatusTooManyRequests:
		rl, _ := httpx.ParseRateLimit(resp)
		pl.Wait, pl.Retry = p.RateLimitWait(resp, rl, f.Attempt, now), true
		pl.RetryAt = now.Add(pl.Wait)
		pl.Reason = ReasonRateLimit
		if rl.IsConcurrencyLimit() {
			pl.Reason = ReasonConcurrencyLimit
		}
	case RetryableStatus(status):
		pl.Wait, pl.Retry, pl.Reason = p.Backoff(f.Attempt), f.MaySend, ReasonServerError
		if d, ok := After(resp, now); ok {
			// Retry-After is the least wait; the backoff stays the floor,
			// so that "Retry-After: 0" cannot make a hot loop.
			pl.Wait = max(d, pl.Wait)
			pl.RetryAt = now.Add(pl.Wait)
		}
	case resp == nil && errors.As(f.Err, new(*url.Error)):
		// A transport failure of the API request, or of the token request
		// before it (then the API request was never sent).
		pl.Wait, pl.Retry, pl.Reason = p.Backoff(f.Attempt), f.MaySend || NeverSent(f.Err), ReasonTransport
	}
	if f.Attempt >= p.MaxRetries || f.Done || pl.Wait > p.MaxWait {
		pl.Retry = false
	}
	return pl
}

// RetryableStatus reports whether an answer of this status may succeed when
// tried again: 429 and the gateway errors 502, 503 and 504.
func RetryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Backoff is the wait before retry number attempt+1 when there is no
// reset time (see the function Backoff), capped by MaxWait.
func (p Policy) Backoff(attempt int) time.Duration {
	return Backoff(attempt, p.MaxWait)
}

// RateLimitWait is how long to wait after a 429: Retry-After when the answer
// has it, never less than the backoff (so that "Retry-After: 0" cannot make
// a hot loop); else until X-Rate-Limit-Reset by the server's Date header (the
// server's clock) plus a second, or by the local clock when Date is missing
// or odd; a short backoff for Okta's concurrency limit, whose reset is only
// an estimate. Reset waits get up to ResetJitter added.
func (p Policy) RateLimitWait(resp *http.Response, rl httpx.RateLimit, attempt int, now time.Time) time.Duration {
	if d, ok := After(resp, now); ok {
		return max(d, p.Backoff(attempt)) + Jitter(ResetJitter)
	}
	if rl.Reset.IsZero() || rl.IsConcurrencyLimit() {
		return p.Backoff(attempt)
	}
	// The backoff is the least wait here too: a reset already past (a
	// server whose clock lags, or a hostile one) must not make a hot loop.
	return max(UntilReset(rl.Reset, resp, now)+time.Second, p.Backoff(attempt)) + Jitter(ResetJitter)
}
