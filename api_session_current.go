package okta

import (
	"context"
	"net/http"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/pipeline"
)

// currentSessionPath addresses the session of the user whose cookie a call
// carries.
const currentSessionPath = sessionsPath + "/" + currentSessionSegment

// currentSessionSegment is the path segment that names the current session.
const currentSessionSegment = "me"

// Names of Okta's session cookies: sid (Classic Engine) and idx (Identity
// Engine).
const (
	cookieSid = "sid"
	cookieIdx = "idx"
)

// GetCurrentSession returns the session of the user whose session cookie is
// given (GET /api/v1/sessions/me), for an app served on the org's domain that
// receives the user's sid (Classic Engine) or idx (Identity Engine) cookie:
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/#tag/Session/operation/getCurrentSession
//
// The cookie is the call's only credential. The call never sends
// Authorization or DPoP, whatever the Configuration or the context holds
// (Okta refuses an API token here), and needs none of them: a client with no
// API token can make it. Configuration.DefaultHeader is sent as for any call,
// except DPoP, and Cookie, which this cookie replaces. Only the cookie's Name
// and Value are sent; its other attributes are ignored.
//
// A nil cookie, one named other than sid or idx, and an empty value or one
// with a character not allowed in a cookie value (CR, LF, space, ';', ...) are
// refused before any I/O with a *ValidationError. The value is a secret like
// a session ID: it is shortened in errors. An unknown, ended or expired
// session is a 404 *APIError (errors.Is(err, ErrNotFound)). The call is
// retried like GetSession.
func (a *SessionApiService) GetCurrentSession(ctx context.Context, cookie *http.Cookie) (Session, *http.Response, error) {
	var s Session
	resp, err := a.currentOp(ctx, "GetCurrentSession", http.MethodGet, "", cookie, &s)
	return s, resp, err
}

// RefreshCurrentSession extends the session of the user whose session cookie
// is given and returns it with its new ExpiresAt
// (POST /api/v1/sessions/me/lifecycle/refresh):
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/#tag/Session/operation/refreshCurrentSession
//
// The cookie is the only credential and is checked as by GetCurrentSession.
// An unknown, ended or expired session is a 404 *APIError. The call is
// retried like RefreshSession.
func (a *SessionApiService) RefreshCurrentSession(ctx context.Context, cookie *http.Cookie) (Session, *http.Response, error) {
	var s Session
	resp, err := a.currentOp(ctx, "RefreshCurrentSession", http.MethodPost, "/lifecycle/refresh", cookie, &s)
	return s, resp, err
}

// CloseCurrentSession ends the session of the user whose session cookie is
// given, signing the user out (DELETE /api/v1/sessions/me); Okta answers 204
// with no body:
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/#tag/Session/operation/closeCurrentSession
//
// The cookie is the only credential and is checked as by GetCurrentSession.
// An unknown or already closed session is a 404 *APIError. The call is
// retried like EndSession: after a lost answer a retry may get 404, and the
// session is gone either way. Okta's release notes of 2026.06.0 call this
// endpoint deprecated.
func (a *SessionApiService) CloseCurrentSession(ctx context.Context, cookie *http.Cookie) (*http.Response, error) {
	return a.currentOp(ctx, "CloseCurrentSession", http.MethodDelete, "", cookie, nil)
}

// currentOp runs an operation on /api/v1/sessions/me{suffix} with the user's
// cookie as its only credential.
func (a *SessionApiService) currentOp(ctx context.Context, op, method, suffix string, cookie *http.Cookie, out *Session) (*http.Response, error) {
	r := &pipeline.Call{
		Op:         op,
		Method:     method,
		URL:        a.client.base + currentSessionPath + suffix,
		Out:        outOf(out),
		Idempotent: true,
		Invalid:    checkSessionCookie(cookie),
	}
	if r.Invalid == nil {
		r.Cred = auth.SessionCookie{Name: cookie.Name, Value: cookie.Value} // its Secrets() give the cookie
	}
	return a.client.do(ctx, r)
}

// checkSessionCookie refuses a cookie that is not an Okta session cookie that
// can be sent as it is. The message never includes the value.
func checkSessionCookie(c *http.Cookie) error {
	switch {
	case c == nil:
		return &ValidationError{Field: "cookie", Reason: "is nil"}
	case c.Name != cookieSid && c.Name != cookieIdx:
		return &ValidationError{Field: "cookie", Reason: "is not named " + cookieSid + " or " + cookieIdx}
	case c.Value == "":
		return &ValidationError{Field: "cookie", Reason: "has an empty value"}
	case !validCookieValue(c.Value):
		return &ValidationError{Field: "cookie", Reason: "has a character not allowed in a cookie value, such as CR, LF, a space or ';'"}
	}
	return nil
}

// validCookieValue reports whether every byte of v is a cookie-octet of
// RFC 6265, section 4.1.1: printable ASCII except space, '"', ',', ';' and
// '\\'. Anything else could end the value early or add another cookie.
func validCookieValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b <= ' ' || b >= 0x7f || b == '"' || b == ',' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}
