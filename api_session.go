package okta

import (
	"context"
	"net/http"
	"net/url"
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
// (see ParseRateLimit). A non-2xx answer is an *APIError.
type SessionApiService struct {
	client *APIClient
}

// sessionsPath is the collection path of the Session API.
const sessionsPath = "/api/v1/sessions"

// CreateSession creates a session for the user of a session token
// (POST /api/v1/sessions). The token can be used once, within 5 minutes of its
// issue; a used, expired or unknown token is a 401 *APIError
// (errors.Is(err, ErrUnauthorized)). An empty token is refused before any I/O.
func (a *SessionApiService) CreateSession(ctx context.Context, body CreateSessionRequest) (Session, *http.Response, error) {
	const op = "CreateSession"
	if err := checkCredential("sessionToken", body.SessionToken); err != nil {
		err.(*ValidationError).Op = op
		return Session{}, nil, err
	}
	var s Session
	resp, err := a.client.do(ctx, &request{op: op, method: http.MethodPost, url: a.client.base + sessionsPath, body: body, out: &s, secret: body.SessionToken})
	return s, resp, err
}

// GetSession returns the session with the given ID
// (GET /api/v1/sessions/{sessionId}). An unknown, ended or expired session is
// a 404 *APIError (errors.Is(err, ErrNotFound)).
func (a *SessionApiService) GetSession(ctx context.Context, sessionId string) (Session, *http.Response, error) {
	var s Session
	resp, err := a.sessionOp(ctx, "GetSession", http.MethodGet, sessionId, "", &s)
	return s, resp, err
}

// RefreshSession extends the session with the given ID and returns it with
// its new ExpiresAt (POST /api/v1/sessions/{sessionId}/lifecycle/refresh). An
// unknown, ended or expired session is a 404 *APIError.
func (a *SessionApiService) RefreshSession(ctx context.Context, sessionId string) (Session, *http.Response, error) {
	var s Session
	resp, err := a.sessionOp(ctx, "RefreshSession", http.MethodPost, sessionId, "/lifecycle/refresh", &s)
	return s, resp, err
}

// EndSession ends the session with the given ID
// (DELETE /api/v1/sessions/{sessionId}); Okta answers 204 with no body. An
// unknown or already ended session is a 404 *APIError.
func (a *SessionApiService) EndSession(ctx context.Context, sessionId string) (*http.Response, error) {
	return a.sessionOp(ctx, "EndSession", http.MethodDelete, sessionId, "", nil)
}

// sessionOp runs an operation on /api/v1/sessions/{sessionId}{suffix}.
func (a *SessionApiService) sessionOp(ctx context.Context, op, method, sessionId, suffix string, out *Session) (*http.Response, error) {
	segment, err := pathSegment(op, "sessionId", sessionId)
	if err != nil {
		return nil, err
	}
	return a.client.do(ctx, &request{
		op:         op,
		method:     method,
		url:        a.client.base + sessionsPath + "/" + segment + suffix,
		out:        out,
		secret:     sessionId,
		idempotent: true,
	})
}

// pathSegment returns id escaped as exactly one path segment. "", "." and ".."
// are refused before any I/O, since they would address another resource.
func pathSegment(op, field, id string) (string, error) {
	switch id {
	case "":
		return "", &ValidationError{Op: op, Field: field, Reason: "is empty"}
	case ".", "..":
		return "", &ValidationError{Op: op, Field: field, Reason: "is a dot segment"}
	}
	return url.PathEscape(id), nil
}
