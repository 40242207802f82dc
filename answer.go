package okta

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/oktasessions/okta-session-go/internal/redact"
	"github.com/oktasessions/okta-session-go/internal/retry"
)

// ResponseError reports a 2xx answer that the client refused: not exactly
// one JSON session, a session other than the one asked for, or a body over
// the size cap. The call returns the *http.Response with it, and never a
// session.
type ResponseError struct {
	// Op is the operation, such as "GetSession".
	Op string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Err is the cause, such as a *json.SyntaxError or an
	// *http.MaxBytesError.
	Err error
}

// Error returns "okta: Op: decode StatusCode answer: Err".
func (e *ResponseError) Error() string {
	return fmt.Sprintf("okta: %s: decode %d answer: %v", e.Op, e.StatusCode, e.Err)
}

// Unwrap returns the cause.
func (e *ResponseError) Unwrap() error { return e.Err }

// Why decodeSession refuses a success answer.
var (
	errNotJSON         = errors.New("is not JSON")
	errEmptyBody       = errors.New("empty body")
	errTruncated       = errors.New("truncated JSON")
	errTrailingData    = errors.New("data after the JSON session")
	errNoSessionID     = errors.New("the answer has no session id")
	errDuplicateID     = errors.New("the answer names the session id more than once")
	errBadTime         = errors.New("a time in the answer is not an RFC 3339 time")
	errSessionMismatch = errors.New("the answer is another session than the one asked for")
)

// badAnswer is the *ResponseError of a 2xx answer that decodeSession
// refused (the pipeline's Hooks.BadAnswer): its text, and the server's
// Content-Type in it, bounded and without the call's secrets.
func badAnswer(op string, resp *http.Response, contentType string, err error, secrets []string) error {
	if errors.Is(err, errNotJSON) {
		err = fmt.Errorf("content type %q %w", redact.ServerText(contentType, maxCodeLen, secrets...), errNotJSON)
	}
	return &ResponseError{Op: op, StatusCode: resp.StatusCode, Err: redact.SafeError(err, secrets...)}
}

// newAPIError builds the *APIError of the operation op for a non-2xx answer
// from its capped body (nil when it was not read). Every string taken from
// the answer goes through redact.ServerText with the call's secrets sec,
// since a hostile or confused server may echo the request's secrets
// anywhere; Body() alone keeps the raw bytes.
func newAPIError(op string, resp *http.Response, body []byte, sec []string) *APIError {
	e := &APIError{
		Op:         op,
		StatusCode: resp.StatusCode,
		RequestId:  redact.ServerText(resp.Header.Get("X-Okta-Request-Id"), retry.MaxRequestIDLen, sec...),
		Response:   resp,
		body:       body,
	}
	e.RateLimit, _ = ParseRateLimit(resp)
	e.Challenge = newChallenge(resp, sec)
	var m ModelError
	if json.Unmarshal(body, &m) != nil {
		return e
	}
	e.ErrorCode = redact.ServerText(m.ErrorCode, maxCodeLen, sec...)
	e.ErrorSummary = redact.ServerText(m.ErrorSummary, maxSummaryLen, sec...)
	e.ErrorLink = redact.ServerText(m.ErrorLink, maxCodeLen, sec...)
	e.ErrorId = redact.ServerText(m.ErrorId, maxCodeLen, sec...)
	for _, cause := range m.ErrorCauses[:min(len(m.ErrorCauses), maxCauses)] {
		e.ErrorCauses = append(e.ErrorCauses, ErrorCause{ErrorSummary: redact.ServerText(cause.ErrorSummary, maxSummaryLen, sec...)})
	}
	return e
}
