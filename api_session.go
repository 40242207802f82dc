package okta

import (
	"context"
	"net/http"
	"net/url"

	"github.com/oktasessions/okta-session-go/internal/pipeline"
)

// SessionApi is the set of Session operations. *SessionApiService implements
// it; depend on this interface to replace the client with a stub in unit tests.
type SessionApi interface {
	// CreateSession creates a session from a one-time session token.
	CreateSession(ctx context.Context, body CreateSessionRequest) (Session, *http.Response, error)
	// GetSession returns a session by ID.
	GetSession(ctx context.Context, sessionId string) (Session, *http.Response, error)
	// RefreshSession extends a session and returns it with its new ExpiresAt.
	RefreshSession(ctx context.Context, sessionId string) (Session, *http.Response, error)
	// EndSession ends a session.
	EndSession(ctx context.Context, sessionId string) (*http.Response, error)
	// GetCurrentSession returns the session of the user whose sid or idx cookie is given.
	GetCurrentSession(ctx context.Context, cookie *http.Cookie) (Session, *http.Response, error)
	// RefreshCurrentSession extends the session of the user whose cookie is given.
	RefreshCurrentSession(ctx context.Context, cookie *http.Cookie) (Session, *http.Response, error)
	// CloseCurrentSession ends the session of the user whose cookie is given.
	CloseCurrentSession(ctx context.Context, cookie *http.Cookie) (*http.Response, error)
}

var _ SessionApi = (*SessionApiService)(nil)

// SessionApiService implements the Session operations of the Okta Management
// API. Get it from APIClient.SessionApi.
//
// Every operation returns the *http.Response when one was received, with its
// body already read and closed (Body is http.NoBody): the caller may read its
// status and headers, such as X-Okta-Request-Id and the rate-limit headers
// (see ParseRateLimit). A non-2xx answer is an *APIError; a 2xx answer that
// is not exactly the session asked for is a *ResponseError; a call that the
// client's own throttle held back is a *ThrottleError.
//
// Retries (up to Configuration.MaxRetries) follow the rules the README states
// once, in "Rate limits and retries"
// (https://github.com/oktasessions/okta-session-go#rate-limits-and-retries):
// every operation but CreateSession is idempotent and retried on 429, 502,
// 503, 504 and transport failures; CreateSession only when Okta provably did
// not process it. Waits follow Retry-After or the rate-limit headers; a wait
// longer than MaxRetryWait, or past the call's deadline, is not started.
type SessionApiService struct {
	client *APIClient
}

// sessionsPath is the collection path of the Session API.
const sessionsPath = "/api/v1/sessions"

// CreateSession creates a session for the user of a session token
// (POST /api/v1/sessions). The token can be used once, within 5 minutes of its
// issue; a used, expired or unknown token is a 401 *APIError
// (errors.Is(err, ErrUnauthorized)). An empty token is refused before any I/O.
// Okta allows this operation without a credential, and its published spec
// names only an API token for it: it is sent with an API token when the
// context (ContextAPIKey) or the configuration (APIToken) has one, and
// otherwise with no Authorization and no DPoP header at all, in the OAuth
// 2.0 modes too (Bearer, a TokenSource, "PrivateKey"): no Okta document
// says it accepts an access token, or with which scope.
//
// See https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/#tag/Session/operation/createSession.
func (a *SessionApiService) CreateSession(ctx context.Context, body CreateSessionRequest) (Session, *http.Response, error) {
	var s Session
	resp, err := a.client.do(ctx, &pipeline.Call{
		Op:         "CreateSession",
		Method:     http.MethodPost,
		URL:        a.client.base + sessionsPath,
		Payload:    body,
		Out:        &s,
		Secret:     body.SessionToken,
		SSWSOrNone: true,
		Invalid:    checkCredential("sessionToken", body.SessionToken),
	})
	return s, resp, err
}

// GetSession returns the session with the given ID
// (GET /api/v1/sessions/{sessionId}). An unknown, ended or expired session is
// a 404 *APIError (errors.Is(err, ErrNotFound)); an answer with another
// session is a *ResponseError.
//
// See https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/#tag/Session/operation/getSession.
func (a *SessionApiService) GetSession(ctx context.Context, sessionId string) (Session, *http.Response, error) {
	var s Session
	resp, err := a.sessionOp(ctx, "GetSession", http.MethodGet, sessionId, "", &s)
	return s, resp, err
}

// RefreshSession extends the session with the given ID and returns it with
// its new ExpiresAt (POST /api/v1/sessions/{sessionId}/lifecycle/refresh). An
// unknown, ended or expired session is a 404 *APIError; an answer with
// another session is a *ResponseError.
//
// See https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/#tag/Session/operation/refreshSession.
func (a *SessionApiService) RefreshSession(ctx context.Context, sessionId string) (Session, *http.Response, error) {
	var s Session
	resp, err := a.sessionOp(ctx, "RefreshSession", http.MethodPost, sessionId, "/lifecycle/refresh", &s)
	return s, resp, err
}

// EndSession ends the session with the given ID
// (DELETE /api/v1/sessions/{sessionId}); Okta answers 204 with no body. An
// unknown or already ended session is a 404 *APIError.
//
// See https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/#tag/Session/operation/revokeSession.
func (a *SessionApiService) EndSession(ctx context.Context, sessionId string) (*http.Response, error) {
	return a.sessionOp(ctx, "EndSession", http.MethodDelete, sessionId, "", nil)
}

// sessionOp runs an operation on /api/v1/sessions/{sessionId}{suffix}. The ID
// is always one escaped path segment.
func (a *SessionApiService) sessionOp(ctx context.Context, op, method, sessionId, suffix string, out *Session) (*http.Response, error) {
	return a.client.do(ctx, &pipeline.Call{
		Op:         op,
		Method:     method,
		URL:        a.client.base + sessionsPath + "/" + url.PathEscape(sessionId) + suffix,
		Out:        outOf(out),
		WantID:     sessionId,
		Secret:     sessionId,
		Idempotent: true,
		Invalid:    checkSessionID(sessionId),
	})
}

// checkSessionID refuses a session ID that would address another resource:
// those checkPathSegment refuses, and "me", which names the current-session
// route (use the *CurrentSession operations, whose credential is the user's
// cookie, never the client's).
func checkSessionID(id string) error {
	if id == currentSessionSegment {
		return &ValidationError{Field: "sessionId", Reason: `is "me", the current-session route; use GetCurrentSession, RefreshCurrentSession or CloseCurrentSession`}
	}
	return checkPathSegment("sessionId", id)
}

// checkPathSegment refuses an ID that, even escaped as one path segment,
// would address another resource: "", "." and "..".
func checkPathSegment(field, id string) error {
	switch id {
	case "":
		return &ValidationError{Field: field, Reason: "is empty"}
	case ".", "..":
		return &ValidationError{Field: field, Reason: "is a dot segment"}
	}
	return nil
}
