package okta

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oktasessions/okta-session-go/internal/retry"
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
	msgGaveUp     = "okta: call failed"
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
		requestID = r.serverText(resp.Header.Get("X-Okta-Request-Id"), retry.MaxRequestIDLen)
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

// throttled reports a wait of the call op in the client's throttle, for
// the floor's reset (floor) or a concurrency slot: one Warn record and
// Observer.OnWait. The throttle calls it.
func (c *APIClient) throttled(ctx context.Context, op string, floor bool, d time.Duration) {
	reason := WaitMaxConcurrency
	if floor {
		reason = WaitRateLimitFloor
	}
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
// Debug when it succeeded or was the DPoP nonce exchange (the protocol
// working: RFC 9449 section 8), Warn with err when it failed. The token
// fetcher calls it once per request to the token endpoint, DPoP nonce
// repeats included. Of err it logs the outcome and, for an *OAuthError, the
// status and the OAuth error code when it is one of the codes the OAuth
// RFCs define: never a value the server chose, which could hold what a
// hostile token endpoint echoed. See
// https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/.
func (c *APIClient) logTokenFetch(ctx context.Context, endpoint string, took time.Duration, err error) {
	var oe *OAuthError
	isOAuth := errors.As(err, &oe)
	level := slog.LevelDebug
	if err != nil && !(isOAuth && oe.ErrorCode == "use_dpop_nonce") {
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
		if isOAuth {
			attrs = append(attrs, slog.Int("status", oe.StatusCode), slog.String("error_code", knownOAuthCode(oe.ErrorCode)))
		}
		attrs = append(attrs, slog.String("outcome", string(outcomeOf(err))))
	}
	c.cfg.Logger.LogAttrs(ctx, level, msgTokenFetch, attrs...)
}

// oauthCodes are the error codes of the OAuth RFCs a token endpoint may
// answer with (RFC 6749 section 5.2, RFC 6750 section 3.1, RFC 9449
// sections 7.1 and 8), and those of an authorization server that is busy.
var oauthCodes = map[string]bool{
	"invalid_request": true, "invalid_client": true, "invalid_grant": true, "unauthorized_client": true,
	"unsupported_grant_type": true, "invalid_scope": true, "invalid_token": true, "insufficient_scope": true,
	"invalid_dpop_proof": true, "use_dpop_nonce": true, "access_denied": true, "server_error": true,
	"temporarily_unavailable": true,
}

// knownOAuthCode is code when it is one of oauthCodes, "" when there is
// none, else "other": a log record gets no value the server chose.
func knownOAuthCode(code string) string {
	switch {
	case code == "" || oauthCodes[code]:
		return code
	}
	return "other"
}

// gaveUp reports a call of r that ends with err, a failure the retry rules
// had a reason to retry (plan.reason) but that stays after the retries
// allowed, or without one (not idempotent, a wait past MaxRetryWait or the
// deadline): one Warn record saying how the call ended, after the
// "retrying" records of its waits. A failure no retry could mend (a 404, a
// refused credential) is the caller's to report: it gets the error.
func (c *APIClient) gaveUp(ctx context.Context, r *call, plan retryPlan, err error) {
	if plan.reason == "" || !c.logEnabled(ctx, slog.LevelWarn) {
		return
	}
	c.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, msgGaveUp,
		slog.String("op", r.op),
		slog.String("reason", string(plan.reason)),
		slog.Int("attempts", r.sends),
		slog.Int("status", plan.status),
		slog.String("outcome", string(outcomeOf(err))),
		slog.String("error", err.Error()),
	)
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
