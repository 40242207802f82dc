package okta

import (
	"errors"
	"log/slog"
	"net/url"
	"time"
)

// Observer receives an event for every call, every attempt sent and every
// wait of an APIClient, so that metrics can count calls by operation and
// outcome, attempts by status, and retries and waits by reason, without
// parsing logs. Set it as Configuration.Observer; nil observes nothing and
// costs nothing.
//
// The methods are called synchronously, on the goroutine making the call and
// from many goroutines at once: they must be safe for concurrent use and
// quick (increment a counter, record a duration), and must not call the
// client. The events hold no secret: no credential, session token, cookie,
// session id or error text, only the names and numbers below, every string
// of them from a small fixed set, fit for a metric label.
//
// Further events, should they come, will be optional interfaces that an
// Observer may also implement, so that an implementation of this one keeps
// compiling.
type Observer interface {
	// OnCall reports a call that has returned, once per call, whether it
	// was refused before any I/O, held back, answered or failed.
	OnCall(CallInfo)
	// OnAttempt reports an attempt that was sent, once per attempt, retries
	// included, when its answer has been read or has failed.
	OnAttempt(AttemptInfo)
	// OnWait reports a wait: before a retry (Retry is true), before it
	// starts; or in the client's own throttle (Configuration.RateLimitFloor,
	// Configuration.MaxConcurrency).
	OnWait(WaitInfo)
}

// Outcome classifies how a call or an attempt ended, for a metric label.
type Outcome string

// The outcomes of a call or an attempt. An attempt ends OutcomeOK,
// OutcomeAPIError, OutcomeBadResponse or OutcomeTransport; a call may also
// end in one of the others, when nothing more was sent.
const (
	// OutcomeOK is a 2xx answer, decoded.
	OutcomeOK Outcome = "ok"
	// OutcomeAPIError is a non-2xx answer: an *APIError.
	OutcomeAPIError Outcome = "api_error"
	// OutcomeBadResponse is a 2xx answer that was refused: a *ResponseError.
	OutcomeBadResponse Outcome = "bad_response"
	// OutcomeTransport is no whole answer: a connection that failed, a
	// timed-out or cancelled attempt, a body cut off part-way.
	OutcomeTransport Outcome = "transport"
	// OutcomeThrottled is a call that the client's throttle held back: a
	// *ThrottleError.
	OutcomeThrottled Outcome = "throttled"
	// OutcomeInvalid is a call refused before any I/O: a *ValidationError.
	OutcomeInvalid Outcome = "invalid"
	// OutcomeError is any other error, such as a failing token source.
	OutcomeError Outcome = "error"
)

// WaitReason says why a call waits.
type WaitReason string

// The reasons of a wait. The first four precede a retry; the last two are the
// client's own throttle.
const (
	// WaitRateLimit follows a 429 of the per-minute rate limit: until
	// Retry-After, or the window's reset, plus jitter.
	WaitRateLimit WaitReason = "rate_limit"
	// WaitConcurrencyLimit follows a 429 of Okta's concurrency limit: a
	// short backoff.
	WaitConcurrencyLimit WaitReason = "concurrency_limit"
	// WaitServerError follows a 502, 503 or 504: a backoff, or Retry-After.
	WaitServerError WaitReason = "server_error"
	// WaitTransport follows an attempt with no whole answer: a backoff.
	WaitTransport WaitReason = "transport"
	// WaitRateLimitFloor is Configuration.RateLimitFloor holding a call
	// until the window's reset.
	WaitRateLimitFloor WaitReason = "rate_limit_floor"
	// WaitMaxConcurrency is Configuration.MaxConcurrency holding a call
	// until a slot comes free.
	WaitMaxConcurrency WaitReason = "max_concurrency"
)

// CallInfo describes a call that has returned.
type CallInfo struct {
	// Op is the operation, such as "GetSession".
	Op string
	// Outcome is how the call ended.
	Outcome Outcome
	// StatusCode is the HTTP status of the last answer, 0 when there was none.
	StatusCode int
	// Attempts is how many attempts were sent: 0 when the call was refused
	// or held back before the first.
	Attempts int
	// Duration is the whole call, waits and retries included.
	Duration time.Duration
}

// AttemptInfo describes one attempt that was sent.
type AttemptInfo struct {
	// Op is the operation, such as "GetSession".
	Op string
	// Method is the HTTP method.
	Method string
	// Attempt counts the attempts sent in the call: 1 for the first, 2 for
	// the next, whether a retry or a repeat at once after a 401 (a DPoP
	// nonce, a new token).
	Attempt int
	// Outcome is how the attempt ended.
	Outcome Outcome
	// StatusCode is the HTTP status of the answer, 0 when there was none.
	StatusCode int
	// Duration is the attempt, from sending to the end of reading the answer.
	Duration time.Duration
	// RateLimitRemaining is the answer's X-Rate-Limit-Remaining, -1 when the
	// answer had no valid rate-limit headers (see ParseRateLimit).
	RateLimitRemaining int
}

// WaitInfo describes one wait of a call.
type WaitInfo struct {
	// Op is the operation, such as "GetSession".
	Op string
	// Reason is why the call waits.
	Reason WaitReason
	// Retry is true for a wait before a retry, false for a throttle wait.
	Retry bool
	// Attempt is the attempt the wait comes before, counted as
	// AttemptInfo.Attempt: 2 for the wait before the first retry, 1 when
	// the failure was the token request before the first attempt.
	Attempt int
	// StatusCode is the status of the answer being retried; 0 for a
	// throttle wait or when there was no answer.
	StatusCode int
	// Duration is how long the call waits: planned, for a wait reported
	// before it starts (retries and RateLimitFloor); spent, for a
	// MaxConcurrency wait, which is reported when a slot came free or the
	// call gave up.
	Duration time.Duration
}

// outcomeOf classifies the error of a call or an attempt.
func outcomeOf(err error) Outcome {
	if err == nil {
		return OutcomeOK
	}
	return failure(err)
}

// failure is outcomeOf for an error. It is apart so that a success costs
// none of the allocations errors.As makes of its targets.
func failure(err error) Outcome {
	var (
		apiErr      *APIError
		respErr     *ResponseError
		throttleErr *ThrottleError
		invalidErr  *ValidationError
		urlErr      *url.Error
	)
	switch {
	case errors.As(err, &apiErr):
		return OutcomeAPIError
	case errors.As(err, &respErr):
		return OutcomeBadResponse
	case errors.As(err, &throttleErr):
		return OutcomeThrottled
	case errors.As(err, &invalidErr):
		return OutcomeInvalid
	case errors.As(err, &urlErr):
		return OutcomeTransport
	}
	return OutcomeError
}

// usableLogger reports whether l is nil (silent) or a logger with a handler:
// a zero slog.Logger, or one made with a nil handler, panics on every
// record.
func usableLogger(l *slog.Logger) bool {
	return l == nil || !isNil(l.Handler())
}
