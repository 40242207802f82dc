package pipeline

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/redact"
	"github.com/oktasessions/okta-session-go/internal/retry"
)

// The client's events go to Config.Logger and Config.Observer from the
// functions below, one per event, called from the stages. With neither
// set, each is a nil check: nothing is measured, parsed or allocated. A
// record is built only for a level the logger has enabled.
//
// Records never hold a header value (Authorization, DPoP, Cookie,
// Set-Cookie), a session token, a cookie value or a whole session id: the
// path's session id goes through redact.ShortID, and every string the
// server sent through redact.ServerText, as in errors.

// Messages of the client's log records, one per event.
const (
	MsgAttempt    = "okta: attempt"
	MsgRetry      = "okta: retrying"
	MsgWait       = "okta: waiting"
	MsgTokenFetch = "okta: token fetch"
	MsgGaveUp     = "okta: call failed"
)

// The reasons of a wait in the throttle, as okta.WaitReason has them.
const (
	ReasonMaxConcurrency = "max_concurrency"
	ReasonRateLimitFloor = "rate_limit_floor"
)

// Observer is package okta's Observer, seen through its own types: the
// events below, whose fields are those of CallInfo, AttemptInfo and
// WaitInfo, Outcome and Reason as strings.
type Observer interface {
	OnCall(CallEvent)
	OnAttempt(AttemptEvent)
	OnWait(WaitEvent)
}

// CallEvent is a call that ended (okta.CallInfo).
type CallEvent struct {
	Op, Outcome       string
	StatusCode, Sends int
	Duration          time.Duration
}

// AttemptEvent is an attempt that was sent (okta.AttemptInfo).
type AttemptEvent struct {
	Op, Method, Outcome                     string
	Attempt, StatusCode, RateLimitRemaining int
	Duration                                time.Duration
}

// WaitEvent is a wait before a retry or in the throttle (okta.WaitInfo).
type WaitEvent struct {
	Op, Reason          string
	Retry               bool
	Attempt, StatusCode int
	Duration            time.Duration
}

// logEnabled reports whether the logger records level.
func (p *Pipeline) logEnabled(ctx context.Context, level slog.Level) bool {
	return p.Logger != nil && p.Logger.Enabled(ctx, level)
}

// endAttempt reports an attempt of r that was sent at start and ended with
// resp (nil when no answer came) and err: one Debug record and
// Observer.OnAttempt.
func (p *Pipeline) endAttempt(ctx context.Context, r *Call, resp *http.Response, err error, start time.Time) {
	debug := p.logEnabled(ctx, slog.LevelDebug)
	if !debug && p.Observer == nil {
		return
	}
	info := AttemptEvent{Op: r.Op, Method: r.Method, Attempt: r.sends, Outcome: p.Outcome(err),
		Duration: time.Since(start), RateLimitRemaining: -1}
	if resp != nil {
		info.StatusCode = resp.StatusCode
		if rl, ok := httpx.ParseRateLimit(resp); ok {
			info.RateLimitRemaining = rl.Remaining
		}
	}
	if o := p.Observer; o != nil {
		o.OnAttempt(info)
	}
	if !debug {
		return
	}
	var requestID string // made safe only here: an Observer gets none, and costs no allocation
	if resp != nil {
		requestID = redact.ServerText(resp.Header.Get("X-Okta-Request-Id"), retry.MaxRequestIDLen, p.Secrets(r)...)
	}
	attrs := []slog.Attr{
		slog.String("op", r.Op),
		slog.String("method", r.Method),
		slog.String("path", p.LogPath(r.URL, r.Secret)),
		slog.Int("attempt", info.Attempt),
		slog.Int("status", info.StatusCode),
		slog.String("outcome", info.Outcome),
		slog.Duration("duration", info.Duration),
		slog.String("request_id", requestID),
		slog.Int("rate_limit_remaining", info.RateLimitRemaining),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	p.Logger.LogAttrs(ctx, slog.LevelDebug, MsgAttempt, attrs...)
}

// retrying reports the wait before the retry of r that plan calls for: one
// Warn record and Observer.OnWait.
func (p *Pipeline) retrying(ctx context.Context, r *Call, plan Plan) {
	if p.Observer == nil && !p.logEnabled(ctx, slog.LevelWarn) {
		return
	}
	w := WaitEvent{Op: r.Op, Reason: string(plan.Reason), Retry: true, Attempt: r.sends + 1, Duration: plan.Wait, StatusCode: plan.Status}
	p.waiting(ctx, w, slog.String("request_id", plan.RequestID))
}

// throttled reports a wait of the call op in the client's throttle, for
// the floor's reset (floor) or a concurrency slot: one Warn record and
// Observer.OnWait. The throttle calls it.
func (p *Pipeline) throttled(ctx context.Context, op string, floor bool, d time.Duration) {
	reason := ReasonMaxConcurrency
	if floor {
		reason = ReasonRateLimitFloor
	}
	p.waiting(ctx, WaitEvent{Op: op, Reason: reason, Duration: d})
}

// waiting reports w, with more attributes for its log record.
func (p *Pipeline) waiting(ctx context.Context, w WaitEvent, more ...slog.Attr) {
	if o := p.Observer; o != nil {
		o.OnWait(w)
	}
	if !p.logEnabled(ctx, slog.LevelWarn) {
		return
	}
	msg := MsgWait
	if w.Retry {
		msg = MsgRetry
	}
	attrs := append([]slog.Attr{
		slog.String("op", w.Op),
		slog.String("reason", w.Reason),
		slog.Duration("wait", w.Duration),
		slog.Int("attempt", w.Attempt),
		slog.Int("status", w.StatusCode),
	}, more...)
	p.Logger.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
}

// endCall reports a call of r that started at start and returns resp and
// err to Observer.OnCall. Do calls it only when an Observer is set.
func (p *Pipeline) endCall(r *Call, start time.Time, resp *http.Response, err error) {
	info := CallEvent{Op: r.Op, Outcome: p.Outcome(err), Sends: r.sends, Duration: time.Since(start)}
	if resp != nil {
		info.StatusCode = resp.StatusCode
	}
	p.Observer.OnCall(info)
}

// gaveUp reports a call of r that ends with err, a failure the retry rules
// had a reason to retry (plan.Reason) but that stays after the retries
// allowed, or without one (not idempotent, a wait past MaxRetryWait or the
// deadline): one Warn record saying how the call ended, after the
// "retrying" records of its waits. A failure no retry could mend (a 404, a
// refused credential) is the caller's to report: it gets the error.
func (p *Pipeline) gaveUp(ctx context.Context, r *Call, plan Plan, err error) {
	if plan.Reason == "" || !p.logEnabled(ctx, slog.LevelWarn) {
		return
	}
	p.Logger.LogAttrs(ctx, slog.LevelWarn, MsgGaveUp,
		slog.String("op", r.Op),
		slog.String("reason", string(plan.Reason)),
		slog.Int("attempts", r.sends),
		slog.Int("status", plan.Status),
		slog.String("outcome", p.Outcome(err)),
		slog.String("error", err.Error()),
	)
}

// LogPath is the path of url for a log record, its session id secret
// shortened by redact.ShortID.
func (p *Pipeline) LogPath(rawURL, secret string) string {
	path := strings.TrimPrefix(rawURL, p.Base)
	rest, ok := strings.CutPrefix(path, p.SessionsPath+"/")
	if secret == "" || !ok {
		return path
	}
	if tail, ok := strings.CutPrefix(rest, url.PathEscape(secret)); ok && (tail == "" || tail[0] == '/') {
		return p.SessionsPath + "/" + redact.ShortID(secret) + tail
	}
	return path
}

// LogTokenFetch records the fetch of an OAuth 2.0 access token from the
// token endpoint at endpoint (the URL, without a query), which took took:
// Debug when it succeeded or was the DPoP nonce exchange (the protocol
// working: RFC 9449 section 8), Warn with err when it failed. Package okta
// calls it once per request to the token endpoint, DPoP nonce repeats
// included, with the status and OAuth error code of err's *OAuthError
// (status 0 when err holds none). Of err it logs the outcome and, for an
// *OAuthError, the status and the OAuth error code when it is one of the
// codes the OAuth RFCs define: never a value the server chose, which could
// hold what a hostile token endpoint echoed. See
// https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/.
func (p *Pipeline) LogTokenFetch(ctx context.Context, endpoint string, took time.Duration, err error, status int, code string) {
	isOAuth := status != 0
	level := slog.LevelDebug
	if err != nil && !(isOAuth && code == "use_dpop_nonce") {
		level = slog.LevelWarn
	}
	if !p.logEnabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{slog.String("endpoint", endpoint), slog.Duration("duration", took)}
	if err != nil {
		// No free text: the fetch's error is shared by every call that
		// waited for it, so it cannot be shortened of their secrets, and a
		// token endpoint may echo what an API call was sent.
		if isOAuth {
			attrs = append(attrs, slog.Int("status", status), slog.String("error_code", knownOAuthCode(code)))
		}
		attrs = append(attrs, slog.String("outcome", p.Outcome(err)))
	}
	p.Logger.LogAttrs(ctx, level, MsgTokenFetch, attrs...)
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
