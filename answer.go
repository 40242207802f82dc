package okta

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/redact"
	"github.com/oktasessions/okta-session-go/internal/retry"
)

// Caps on how much of an answer is read. A session is about 1 KiB: a success
// answer past 256 KiB is a broken or hostile server, and decoding stops there
// (json.Decoder's buffer doubling makes the heap cost about twice the cap).
// Error bodies are kept whole up to 1 MiB for APIError.Body.
const (
	maxSessionBody = 256 << 10
	maxErrorBody   = 1 << 20
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

// answerReader is how a kind of request other than an API operation reads
// its answer (the token request, Fetch): the caps of a 2xx and of another
// body, what a 2xx answer gives, and the error of any other. An API
// operation's call has none: its answer is a Session or an *APIError
// (readSession, readAPIError), read by static calls so that escape
// analysis keeps the call on the operation's stack. checkAnswer does what
// is the same for every kind.
type answerReader struct {
	okLimit, errLimit int64
	// ok reads a 2xx answer from body, which stops at okLimit.
	ok func(resp *http.Response, body *httpx.CappedBody) error
	// fail returns the error of a non-2xx answer; body stops at errLimit,
	// and is nil for a 1xx, whose body is closed unread.
	fail func(resp *http.Response, body *httpx.CappedBody) error
}

// readAPIError is the *APIError of a non-2xx answer, with its body (nil
// for a 1xx).
func readAPIError(r *call, resp *http.Response, body *httpx.CappedBody) error {
	if body == nil {
		return newAPIError(r, resp, nil)
	}
	return newAPIError(r, resp, httpx.ReadCapped(body, maxErrorBody))
}

// checkAnswer checks the answer to an attempt of r and reads it as r.reader
// says (a Session or an *APIError when r has none). It reads the body
// through one size cap, drains what is left of it (up to the cap, so that
// the connection can be reused, and never past the attempt's deadline,
// which ends the read), closes it, and leaves resp.Body as http.NoBody.
//
// A 1xx answer is an error of its kind at once: Go's transport handles
// every 1xx but 101 Switching Protocols, whose body is the raw connection,
// which would be read for as long as the server likes; it is closed unread.
func checkAnswer(r *call, resp *http.Response) error {
	okLimit, errLimit := int64(maxSessionBody), int64(maxErrorBody)
	if rd := r.reader; rd != nil {
		okLimit, errLimit = rd.okLimit, rd.errLimit
	}
	if resp.StatusCode < http.StatusOK {
		resp.Body.Close()
		resp.Body = http.NoBody
		return r.failed(resp, nil)
	}
	ok := isSuccess(resp.StatusCode)
	limit := okLimit
	if !ok {
		limit = errLimit
	}
	body := httpx.NewCappedBody(resp.Body, limit)
	defer func() {
		_, _ = io.Copy(io.Discard, body)
		resp.Body.Close()
		resp.Body = http.NoBody
	}()
	if !ok {
		return r.failed(resp, body)
	}
	if r.reader != nil {
		return r.reader.ok(resp, body)
	}
	return readSession(r, resp, body)
}

// failed is the error of a non-2xx answer to r.
func (r *call) failed(resp *http.Response, body *httpx.CappedBody) error {
	if r.reader != nil {
		return r.reader.fail(resp, body)
	}
	return readAPIError(r, resp, body)
}

// readSession decodes a 2xx answer into r.out, if any. A body read that
// fails part-way (the connection broke, or AttemptTimeout cut a slow body
// off) is a transport failure, as a *url.Error, for the retry rules; a body
// that arrived whole but is not one session is a *ResponseError.
func readSession(r *call, resp *http.Response, body *httpx.CappedBody) error {
	if r.out == nil {
		return nil
	}
	ct := resp.Header.Get("Content-Type")
	err := decodeSession(ct, body, r.out, r.wantID)
	switch {
	case err == nil:
		return nil
	case body.ReadErr() != nil:
		return r.readError(resp, body.ReadErr())
	case errors.Is(err, errNotJSON):
		// The server's Content-Type, bounded and without the call's secrets.
		err = fmt.Errorf("content type %q %w", r.serverText(ct, maxCodeLen), errNotJSON)
	}
	return &ResponseError{Op: r.op, StatusCode: resp.StatusCode, Err: r.safeErr(err)}
}

// readError is the transport failure of a body read that failed part-way,
// as a *url.Error (see readFailure).
func (r *call) readError(resp *http.Response, err error) error {
	return r.transportError(&url.Error{Op: r.method, URL: r.url, Err: httpx.ReadFailure(resp, err)})
}

// isSuccess reports whether status is a 2xx, a success.
func isSuccess(status int) bool { return status >= 200 && status <= 299 }

// newAPIError builds the *APIError for a non-2xx answer from its capped body
// (nil when it was not read). Every string taken from the answer goes through
// serverText, since a hostile or confused server may echo the request's
// secrets anywhere; Body() alone keeps the raw bytes.
func newAPIError(r *call, resp *http.Response, body []byte) *APIError {
	sec := r.secrets() // once for the many strings below
	e := &APIError{
		Op:         r.op,
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
