package okta

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors for errors.Is. An *APIError matches the one for its HTTP
// status, so callers can branch without type assertions:
//
//	if errors.Is(err, okta.ErrNotFound) { /* the session is gone */ }
var (
	// ErrUnauthorized matches a 401 answer: a missing, wrong or expired
	// credential, or a used or expired session token in CreateSession.
	ErrUnauthorized = errors.New("okta: unauthorized")
	// ErrForbidden matches a 403 answer: the credential lacks permission.
	ErrForbidden = errors.New("okta: forbidden")
	// ErrNotFound matches a 404 answer: the session is unknown, ended or expired.
	ErrNotFound = errors.New("okta: not found")
	// ErrRateLimited matches a 429 answer: Okta's rate limit was exceeded.
	ErrRateLimited = errors.New("okta: rate limited")
)

// ValidationError reports a configuration, argument or credential that the
// client refused before sending anything. Its message never holds the value
// it refused, since that may be a secret.
type ValidationError struct {
	// Op is the operation that refused, such as "GetSession"; empty when the
	// error comes from Configuration.Validate.
	Op string
	// Field names what is wrong, such as "sessionId" or "BasePath".
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns "okta: [Op: ]invalid Field: Reason".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("okta: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString("invalid ")
	b.WriteString(e.Field)
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// APIError is the error returned for every non-2xx answer from Okta. It holds
// Okta's error body and the facts needed to act on it or report it.
//
// Okta echoes session IDs in ErrorSummary (for example "Not found: Resource
// not found: <id> (Session)"); the client shortens any session ID, session
// token or credential of the request found in ErrorSummary and ErrorCauses, so
// that they, and Error(), are safe to log. Body() is the raw answer and is not.
type APIError struct {
	// Op is the operation that failed, such as "GetSession".
	Op string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// ErrorCode is Okta's error code, such as "E0000007"; the only field Okta
	// supports for flow control.
	ErrorCode string
	// ErrorSummary is Okta's human-readable description, with secrets shortened.
	ErrorSummary string
	// ErrorLink is Okta's error link (currently equal to ErrorCode).
	ErrorLink string
	// ErrorId identifies this occurrence for Okta Support.
	ErrorId string
	// ErrorCauses gives further details, with secrets shortened.
	ErrorCauses []ErrorCause
	// RequestId is the X-Okta-Request-Id of the answer, for Okta's System Log
	// and support.
	RequestId string
	// RateLimit is the rate-limit state the answer carried; its zero value
	// means the answer had no valid X-Rate-Limit headers.
	RateLimit RateLimit
	// Challenge is the WWW-Authenticate challenge of a 401 or 403 answer to
	// an OAuth 2.0 access token, which names a missing scope; nil when the
	// answer has none.
	Challenge *Challenge
	// RetryAt is when a retry may succeed, on the client's Clock: for a 429
	// (from Retry-After or the rate-limit reset), or a 502, 503 or 504 with
	// Retry-After; zero otherwise. It is set
	// also when the client did not retry, as when the wait would have passed
	// the call's deadline.
	RetryAt time.Time
	// Response is the answer; its body has been read and closed.
	Response *http.Response

	body []byte
}

// Error reads like
// "okta: GetSession: 404 E0000007 Not found: Resource not found: 102h... (Session) (request reqVy8wsvmBQN27h4soUE3ZEnA)",
// or, with a challenge, "okta: GetSession: 403 E0000006 You do not have
// permission to perform the requested action (DPoP insufficient_scope,
// scope needed: okta.sessions.read) (request reqVy8wsvmBQN27h4soUE3ZEnA)".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("okta: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.ErrorCode != "" {
		b.WriteString(" ")
		b.WriteString(e.ErrorCode)
	}
	if e.ErrorSummary != "" {
		b.WriteString(" ")
		b.WriteString(e.ErrorSummary)
	} else if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	if ch := e.Challenge; ch != nil && ch.Error != "" {
		b.WriteString(" (" + ch.Scheme + " " + ch.Error)
		if ch.Scope != "" {
			b.WriteString(", scope needed: " + ch.Scope)
		}
		b.WriteString(")")
	}
	writeRequestID(&b, e.RequestId)
	return b.String()
}

// writeRequestID ends an error's text with " (request <id>)", when there is
// an id.
func writeRequestID(b *strings.Builder, id string) {
	if id != "" {
		b.WriteString(" (request ")
		b.WriteString(id)
		b.WriteString(")")
	}
}

// GoString is Error, so that %#v prints neither the raw body nor the
// response's request, which hold the session ID and the credential.
func (e *APIError) GoString() string { return e.Error() }

// Is makes errors.Is(err, ErrNotFound) and its siblings match by status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// Body returns the raw answer body, at most 1 MiB of it. Unlike the other
// fields it is not scrubbed of secrets.
func (e *APIError) Body() []byte { return e.body }

// Model returns the decoded error body as a ModelError, as generated Go
// clients do; the fields of APIError hold the same values.
func (e *APIError) Model() interface{} {
	return ModelError{
		ErrorCode:    e.ErrorCode,
		ErrorSummary: e.ErrorSummary,
		ErrorLink:    e.ErrorLink,
		ErrorId:      e.ErrorId,
		ErrorCauses:  e.ErrorCauses,
	}
}
