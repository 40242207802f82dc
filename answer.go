package okta

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
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

// decodeSession decodes a success answer into out as it streams. It refuses
// what is not exactly one complete JSON session with an id (wantID, when
// not empty), and then leaves out as the zero Session: never half a session,
// or another one, with an error.
func decodeSession(contentType string, body io.Reader, out *Session, wantID string) error {
	err := decodeInto(contentType, body, out)
	if err == nil && wantID != "" && out.Id != wantID {
		err = errSessionMismatch
	}
	if err != nil {
		*out = Session{}
	}
	return err
}

// decodeInto is decodeSession without the clean-up and the id check.
func decodeInto(contentType string, body io.Reader, out *Session) error {
	if contentType != "" && !httpx.IsJSON(contentType) {
		return errNotJSON
	}
	dec := json.NewDecoder(body)
	in := sessionDecoder{Session: out}
	if err := dec.Decode(&in); err != nil {
		switch {
		case errors.Is(err, io.EOF):
			return errEmptyBody
		case errors.Is(err, io.ErrUnexpectedEOF):
			return errTruncated
		case errors.As(err, new(*time.ParseError)):
			// Its text quotes the value, which may be a secret the server
			// echoed (the session token, a new session's id).
			return errBadTime
		}
		return err
	}
	// Anything but white space after the session, even a stray ']' or '}'
	// that dec.More would let pass, is refused.
	if _, err := dec.Token(); err != io.EOF {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return errTrailingData
	}
	out.Id = in.ID.v
	if out.Id == "" {
		return errNoSessionID
	}
	return nil
}

// sessionDecoder decodes a session into Session and refuses a body that names
// its id more than once: twice as "id", or in another case ("ID", "Id",
// "iD"), which encoding/json would match to Session.Id too, the last one
// winning. Either would let one body carry one session's id and another
// session's data past the id check.
type sessionDecoder struct {
	*Session
	ID onceString `json:"id"` // shadows Session.Id, which is set from it

	// The other cases of "id": encoding/json prefers these exact matches.
	UpperID refusedKey `json:"ID"`
	TitleID refusedKey `json:"Id"`
	MixedID refusedKey `json:"iD"`
}

// onceString is a JSON string that may be given only once.
type onceString struct {
	v   string
	set bool
}

// UnmarshalJSON refuses a second value.
func (s *onceString) UnmarshalJSON(b []byte) error {
	if s.set {
		return errDuplicateID
	}
	s.set = true
	if len(b) >= 2 && b[0] == '"' && bytes.IndexByte(b, '\\') < 0 {
		// A string without escapes, as Okta's ids are; b is valid JSON
		// already, so its content is the value. This saves json.Unmarshal's
		// allocations on every answer.
		s.v = string(b[1 : len(b)-1])
		return nil
	}
	return json.Unmarshal(b, &s.v)
}

// refusedKey is a JSON member that may not be present.
type refusedKey struct{}

// UnmarshalJSON refuses any value.
func (refusedKey) UnmarshalJSON([]byte) error { return errDuplicateID }

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
