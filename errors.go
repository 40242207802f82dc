package okta

import (
	"encoding/json"
	"errors"
	"io"
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
	// RetryAt is when a retry may succeed, for a 429 (from Retry-After or the
	// rate-limit reset) or a 503 with Retry-After; zero otherwise. It is set
	// also when the client did not retry, as when the wait would have passed
	// the call's deadline.
	RetryAt time.Time
	// Response is the answer; its body has been read and closed.
	Response *http.Response

	body []byte
}

// Error reads like
// "okta: GetSession: 404 E0000007 Not found: Resource not found: 102h... (Session) (request reqVy8wsvmBQN27h4soUE3ZEnA)".
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
	if e.RequestId != "" {
		b.WriteString(" (request ")
		b.WriteString(e.RequestId)
		b.WriteString(")")
	}
	return b.String()
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

// newAPIError builds the *APIError for a non-2xx answer from its capped body.
// Every string taken from the answer goes through serverText, shortened of
// the request's secrets (the session ID or token in r.secret, and the
// credential in auth) and bounded, since the answer may come from a hostile
// or confused server that echoes them. Body() alone keeps the raw bytes.
func newAPIError(r *request, resp *http.Response, body io.Reader, auth string) *APIError {
	_, credential, _ := strings.Cut(auth, " ")
	secrets := []string{r.secret, credential}
	e := &APIError{
		Op:         r.op,
		StatusCode: resp.StatusCode,
		RequestId:  serverText(resp.Header.Get("X-Okta-Request-Id"), maxCodeLen, secrets...),
		Response:   resp,
	}
	e.RateLimit, _ = ParseRateLimit(resp)
	e.body = readCapped(body, maxErrorBody)
	var m ModelError
	if json.Unmarshal(e.body, &m) != nil {
		return e
	}
	e.ErrorCode = serverText(m.ErrorCode, maxCodeLen, secrets...)
	e.ErrorSummary = serverText(m.ErrorSummary, maxSummaryLen, secrets...)
	e.ErrorLink = serverText(m.ErrorLink, maxCodeLen, secrets...)
	e.ErrorId = serverText(m.ErrorId, maxCodeLen, secrets...)
	for _, cause := range m.ErrorCauses[:min(len(m.ErrorCauses), maxCauses)] {
		e.ErrorCauses = append(e.ErrorCauses, ErrorCause{ErrorSummary: serverText(cause.ErrorSummary, maxSummaryLen, secrets...)})
	}
	return e
}

// readCapped reads r, which a MaxBytesReader stops at limit, into a buffer
// that doubles but never grows past limit, so that a hostile body costs at
// most limit for the result and less than that in garbage. It returns what
// it read before any error.
func readCapped(r io.Reader, limit int) []byte {
	b := make([]byte, 0, 512)
	for {
		if len(b) == cap(b) {
			if cap(b) >= limit {
				return b
			}
			b = append(make([]byte, 0, min(2*cap(b), limit)), b...)
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			return b
		}
	}
}
