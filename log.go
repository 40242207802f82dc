package okta

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The client's events go to Configuration.Logger and Configuration.Observer
// from the functions below, one per event, called from the request path.
// With neither set, each is a nil check: nothing is measured, parsed or
// allocated. A record is built only for a level the logger has enabled.
//
// Records never hold a header value (Authorization, DPoP, Cookie,
// Set-Cookie), a session token, a cookie value or a whole session id: the
// path's session id goes through shortID, and every string the server sent
// through serverText, as in errors.

// Messages of the client's log records, one per event.
const (
	msgAttempt    = "okta: attempt"
	msgRetry      = "okta: retrying"
	msgWait       = "okta: waiting"
	msgTokenFetch = "okta: token fetch"
)

// logEnabled reports whether the logger records level.
func (c *APIClient) logEnabled(ctx context.Context, level slog.Level) bool {
	return c.cfg.Logger != nil && c.cfg.Logger.Enabled(ctx, level)
}

// endAttempt reports an attempt of r that was sent at start and ended with
// resp (nil when no answer came) and err: one Debug record and
// Observer.OnAttempt.
func (c *APIClient) endAttempt(ctx context.Context, r *call, resp *http.Response, err error, start time.Time) {
	debug := c.logEnabled(ctx, slog.LevelDebug)
	if !debug && c.cfg.Observer == nil {
		return
	}
	info := AttemptInfo{Op: r.op, Method: r.method, Attempt: r.sends, Outcome: outcomeOf(err),
		Duration: time.Since(start), RateLimitRemaining: -1}
	if resp != nil {
		info.StatusCode = resp.StatusCode
		if rl, ok := ParseRateLimit(resp); ok {
			info.RateLimitRemaining = rl.Remaining
		}
	}
	if o := c.cfg.Observer; o != nil {
		o.OnAttempt(info)
	}
	if !debug {
		return
	}
	var requestID string // made safe only here: an Observer gets none, and costs no allocation
	if resp != nil {
		requestID = r.serverText(resp.Header.Get("X-Okta-Request-Id"), maxCodeLen)
	}
	attrs := []slog.Attr{
		slog.String("op", r.op),
		slog.String("method", r.method),
		slog.String("path", c.logPath(r)),
		slog.Int("attempt", info.Attempt),
		slog.Int("status", info.StatusCode),
		slog.String("outcome", string(info.Outcome)),
		slog.Duration("duration", info.Duration),
		slog.String("request_id", requestID),
		slog.Int("rate_limit_remaining", info.RateLimitRemaining),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, msgAttempt, attrs...)
}

// retrying reports the wait before the retry of r that plan (planRetry's)
// calls for: one Warn record and Observer.OnWait.
func (c *APIClient) retrying(ctx context.Context, r *call, plan retryPlan) {
	if c.cfg.Observer == nil && !c.logEnabled(ctx, slog.LevelWarn) {
		return
	}
	w := WaitInfo{Op: r.op, Reason: plan.reason, Retry: true, Attempt: r.sends + 1, Duration: plan.wait, StatusCode: plan.status}
	c.waiting(ctx, w, slog.String("request_id", plan.requestID))
}

// throttled reports a wait of the call op in the client's throttle: one Warn
// record and Observer.OnWait. The throttle calls it.
func (c *APIClient) throttled(ctx context.Context, op string, reason WaitReason, d time.Duration) {
	c.waiting(ctx, WaitInfo{Op: op, Reason: reason, Duration: d})
}

// waiting reports w, with more attributes for its log record.
func (c *APIClient) waiting(ctx context.Context, w WaitInfo, more ...slog.Attr) {
	if o := c.cfg.Observer; o != nil {
		o.OnWait(w)
	}
	if !c.logEnabled(ctx, slog.LevelWarn) {
		return
	}
	msg := msgWait
	if w.Retry {
		msg = msgRetry
	}
	attrs := append([]slog.Attr{
		slog.String("op", w.Op),
		slog.String("reason", string(w.Reason)),
		slog.Duration("wait", w.Duration),
		slog.Int("attempt", w.Attempt),
		slog.Int("status", w.StatusCode),
	}, more...)
	c.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
}

// endCall reports a call of r that started at start and returns resp and
// err to Observer.OnCall. do calls it only when an Observer is set.
func (c *APIClient) endCall(r *call, start time.Time, resp *http.Response, err error) {
	info := CallInfo{Op: r.op, Outcome: outcomeOf(err), Attempts: r.sends, Duration: time.Since(start)}
	if resp != nil {
		info.StatusCode = resp.StatusCode
	}
	c.cfg.Observer.OnCall(info)
}

// logTokenFetch records the fetch of an OAuth 2.0 access token from the
// token endpoint at endpoint (the URL, without a query), which took took:
// Debug when it succeeded, Warn with err when it failed. The token fetcher
// calls it once per request to the token endpoint, DPoP nonce retries
// included. Of err it logs the outcome and, for an *OAuthError, the status
// and OAuth error code: never free text, which could hold what a hostile
// token endpoint echoed. See
// https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/.
func (c *APIClient) logTokenFetch(ctx context.Context, endpoint string, took time.Duration, err error) {
	level := slog.LevelDebug
	if err != nil {
		level = slog.LevelWarn
	}
	if !c.logEnabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{slog.String("endpoint", endpoint), slog.Duration("duration", took)}
	if err != nil {
		// No free text: the fetch's error is shared by every call that
		// waited for it, so it cannot be shortened of their secrets, and a
		// token endpoint may echo what an API call was sent.
		var oe *OAuthError
		if errors.As(err, &oe) {
			attrs = append(attrs, slog.Int("status", oe.StatusCode), slog.String("error_code", oe.ErrorCode))
		}
		attrs = append(attrs, slog.String("outcome", string(outcomeOf(err))))
	}
	c.cfg.Logger.LogAttrs(ctx, level, msgTokenFetch, attrs...)
}

// logPath is r's path for a log record, its session id shortened by shortID.
func (c *APIClient) logPath(r *call) string {
	p := strings.TrimPrefix(r.url, c.base)
	rest, ok := strings.CutPrefix(p, sessionsPath+"/")
	if r.secret == "" || !ok {
		return p
	}
	if tail, ok := strings.CutPrefix(rest, url.PathEscape(r.secret)); ok && (tail == "" || tail[0] == '/') {
		return sessionsPath + "/" + shortID(r.secret) + tail
	}
	return p
}

// usableLogger reports whether l is nil (silent) or a logger with a handler:
// a zero slog.Logger, or one made with a nil handler, panics on every
// record.
func usableLogger(l *slog.Logger) bool {
	return l == nil || !isNil(l.Handler())
}
