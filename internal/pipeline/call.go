package pipeline

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/redact"
	"github.com/oktasessions/okta-session-go/internal/throttle"
)

// Call is one request of the pipeline on its way: what the operation (or
// the token fetch, or Fetch) describes, and the state the pipeline keeps
// for it.
type Call struct {
	Op         string // operation name, for errors
	Method     string // HTTP method
	URL        string // org URL and escaped path
	Payload    any    // JSON body, or nil
	Out        any    // where Hooks.Decode puts a success answer (a *Session), or nil for none
	WantID     string // the session id the answer must have, or "" for any
	Secret     string // session ID or token to keep out of error text
	Idempotent bool   // may be retried after it may have reached Okta
	SSWSOrNone bool   // Okta allows it anonymously: an API token if there is one, else no credential (Hooks.Credential)
	Invalid    error  // why an argument is refused before any I/O, or nil
	// Reader reads the answer; nil means Out by Hooks.Decode, a non-2xx
	// answer by Hooks.APIError. The token request and Fetch have their own.
	Reader *Reader

	// Cred authenticates every attempt. An operation with a credential of
	// its own sets it (the /me calls: the user's cookie); otherwise prepare
	// resolves it once per call (Hooks.Credential).
	Cred auth.Credential

	state
}

// state is what the pipeline keeps of a call: prepare sets the first
// fields, the retry loop and each attempt the others.
type state struct {
	body     []byte    // Payload as JSON, or nil
	deadline time.Time // end of the whole call: Timeout or the context's deadline
	attempt  int       // 0 for the first try; the retries so far
	repeats  int       // attempts repeated at once after a 401 (see repeats, auth.Again), not retries
	sends    int       // attempts sent: retries and repeats, not those whose token fetch failed
	lastSent bool      // whether the latest attempt reached the HTTP client
	retryFor string    // X-Okta-Request-Id of the answer being retried, or ""
}

// Reader is how a kind of request other than an API operation reads its
// answer (the token request, Fetch): the caps of a 2xx and of another
// body, what a 2xx answer gives, and the error of any other. An API
// operation's call has none: its answer is decoded into Out or is an
// *APIError, read by static calls so that escape analysis keeps the call
// on the operation's stack. checkAnswer does what is the same for every
// kind.
type Reader struct {
	OKLimit, ErrLimit int64
	// OK reads a 2xx answer from body, which stops at OKLimit.
	OK func(resp *http.Response, body *httpx.CappedBody) error
	// Fail returns the error of a non-2xx answer; body stops at ErrLimit,
	// and is nil for a 1xx, whose body is closed unread.
	Fail func(resp *http.Response, body *httpx.CappedBody) error
}

// Hooks are what the pipeline cannot name, package okta's types, made and
// read by functions set once at construction. None is given the Call.
type Hooks struct {
	// Credential resolves the credential of a call from ctx and the
	// configuration (a *ValidationError when it is missing or malformed),
	// by the call's deadline.
	Credential func(ctx context.Context, sswsOrNone bool, deadline time.Time) (auth.Credential, error)
	// NilContext is the error of a nil context.
	NilContext error
	// Refused names the operation op in an error from before any I/O.
	Refused func(op string, err error) error
	// OAuthError returns err's token endpoint error (an *OAuthError) as a
	// copy with secrets shortened, and whether err holds one.
	OAuthError func(err error, secrets []string) (error, bool)
	// Decode decodes a 2xx answer into out (a *Session): exactly one
	// session whose id is wantID when not "", else out is left zero.
	Decode func(contentType string, body io.Reader, out any, wantID string) error
	// AnswerID is the id of the session in out, a secret too.
	AnswerID func(out any) string
	// BadAnswer is the error of a 2xx answer that Decode refused (a
	// *ResponseError), made safe of secrets.
	BadAnswer func(op string, resp *http.Response, contentType string, err error, secrets []string) error
	// APIError is the error of a non-2xx answer (an *APIError) and its
	// body (nil for a 1xx), made safe of secrets.
	APIError func(op string, resp *http.Response, body []byte, secrets []string) error
	// Throttled is the error of a call the throttle held back (a
	// *ThrottleError).
	Throttled func(op string, ref *throttle.Refusal) error
	// PlanRetry applies the retry rules to a failed attempt.
	PlanRetry func(ctx context.Context, attempt int, maySend bool, err error) Plan
	// Outcome classes an error for the events (Observer's Outcome).
	Outcome func(err error) string
}

// Secrets are r's secrets: its session ID or token, everything its
// credential sent (tokens, DPoP proofs, a cookie), and the id of the
// session the answer brought (for CreateSession a new one, which no other
// field of the call holds).
func (p *Pipeline) Secrets(r *Call) []string {
	s := []string{r.Secret}
	if r.Out != nil {
		s = append(s, p.AnswerID(r.Out))
	}
	if r.Cred != nil {
		s = append(s, r.Cred.Secrets()...)
	}
	return s
}

// named wraps err with the operation name, "okta: <op>: ". A request of the
// pipeline without one (the token request) is named by the call that
// needed it, which wraps its errors in turn.
func named(r *Call, err error) error {
	if r.Op == "" {
		return err
	}
	return fmt.Errorf("okta: %s: %w", r.Op, err)
}

// authError wraps an error from preparing an attempt's credential (a token
// fetch) with the operation name, the call's secrets shortened: a token
// endpoint, or Go's error about it, may echo what the API was sent (a
// session token, a session ID, a token of an earlier attempt). An *OAuthError
// stays one, a copy (the fetch's error is shared by the calls that waited).
func (p *Pipeline) authError(r *Call, err error) error {
	sec := p.Secrets(r)
	if oe, ok := p.OAuthError(err, sec); ok {
		return named(r, oe)
	}
	return named(r, redact.SafeError(err, sec...))
}

// transportError wraps an error of the HTTP client with the operation name.
// The URL in a *url.Error holds the session ID, so it is replaced by the
// request's URL with the ID shortened; the *url.Error and what it wraps
// (context.Canceled, net.Error, ...) stay reachable for errors.Is/As.
func (p *Pipeline) transportError(r *Call, err error) error {
	if ue, ok := err.(*url.Error); ok {
		ue.URL = r.URL
	}
	return named(r, redact.SafeError(err, p.Secrets(r)...))
}

// ReadError is the transport failure of a body of r's answer resp whose
// read failed part-way, as a *url.Error (see httpx.ReadFailure).
func (p *Pipeline) ReadError(r *Call, resp *http.Response, err error) error {
	return p.transportError(r, &url.Error{Op: r.Method, URL: r.URL, Err: httpx.ReadFailure(resp, err)})
}
