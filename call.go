package okta

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/oktasessions/okta-session-go/internal/auth"
	"github.com/oktasessions/okta-session-go/internal/redact"
)

// call is one request of the pipeline on its way: what the operation (or
// the token fetch, or Fetch) describes, and the state the pipeline keeps
// for it (callState).
type call struct {
	op         string   // operation name, for errors
	method     string   // HTTP method
	url        string   // org URL and escaped path
	payload    any      // JSON body, or nil
	out        *Session // where to decode a success answer, or nil for none
	wantID     string   // the session id the answer must have, or "" for any
	secret     string   // session ID or token to keep out of error text
	idempotent bool     // may be retried after it may have reached Okta
	sswsOrNone bool     // Okta allows it anonymously: an API token if there is one, else no credential (see credential)
	invalid    error    // why an argument is refused before any I/O, or nil
	// reader reads the answer; nil means a Session into out, a non-2xx
	// answer an *APIError (sessionReader). The token request and Fetch
	// have their own.
	reader *answerReader

	// cred authenticates every attempt. An operation with a credential of
	// its own sets it (the /me calls: the user's cookie); otherwise prepare
	// resolves it once per call from the context and the configuration.
	cred auth.Credential

	callState
}

// callState is what the pipeline keeps of a call: prepare sets the first
// fields, the retry loop and each attempt the others.
type callState struct {
	body     []byte    // payload as JSON, or nil
	deadline time.Time // end of the whole call: Timeout or the context's deadline
	attempt  int       // 0 for the first try; the retries so far
	repeats  int       // attempts repeated at once after a 401 (see repeats), not retries
	sends    int       // attempts sent: retries and repeats, not those whose token fetch failed
	lastSent bool      // whether the latest attempt reached the HTTP client
	retryFor string    // X-Okta-Request-Id of the answer being retried, or ""
}

// serverText makes s, a string the server sent, fit for an error: the
// call's secrets (its session ID or token, its credential, and the id of the
// session the answer brought) shortened,
// control characters replaced, at most limit bytes (see redact.ServerText).
func (r *call) serverText(s string, limit int) string {
	return redact.ServerText(s, limit, r.secrets()...)
}

// secrets are the call's secrets: its session ID or token, everything its
// credential sent (tokens, DPoP proofs, a cookie), and the id of the session
// the answer brought.
func (r *call) secrets() []string {
	s := []string{r.secret, r.answerID()}
	if r.cred != nil {
		s = append(s, r.cred.Secrets()...)
	}
	return s
}

// answerID is the id of the session the answer brought, a secret too: for
// CreateSession it is a new one, which no other field of the call holds.
func (r *call) answerID() string {
	if r.out == nil {
		return ""
	}
	return r.out.Id
}

// refused names the operation in an error from before any I/O: a
// *ValidationError gets Op on a copy (the configuration's is shared by all
// calls); any other error is wrapped.
func (r *call) refused(err error) error {
	if ve, ok := err.(*ValidationError); ok {
		named := *ve
		named.Op = r.op
		return &named
	}
	return r.named(err)
}

// named wraps err with the operation name, "okta: <op>: ". A request of the
// pipeline without one (the token request) is named by the call that
// needed it, which wraps its errors in turn.
func (r *call) named(err error) error {
	if r.op == "" {
		return err
	}
	return fmt.Errorf("okta: %s: %w", r.op, err)
}

// safeErr returns err, or, when err's text quotes the server's bytes unsafely
// (a secret of the call, a control character, more than maxSummaryLen bytes),
// an error whose text is made safe by serverText (see safeError).
func (r *call) safeErr(err error) error { return redact.SafeError(err, r.secrets()...) }

// authError wraps an error from preparing an attempt's credential (a token
// fetch) with the operation name, the call's secrets shortened: a token
// endpoint, or Go's error about it, may echo what the API was sent (a
// session token, a session ID, a token of an earlier attempt). An *OAuthError
// stays one, a copy (the fetch's error is shared by the calls that waited).
func (r *call) authError(err error) error {
	var oe *OAuthError
	if errors.As(err, &oe) {
		err = oe.shortened(r.secrets())
	} else {
		err = r.safeErr(err)
	}
	return r.named(err)
}

// transportError wraps an error of the HTTP client with the operation name.
// The URL in a *url.Error holds the session ID, so it is replaced by the
// request's URL with the ID shortened; the *url.Error and what it wraps
// (context.Canceled, net.Error, ...) stay reachable for errors.Is/As.
func (r *call) transportError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		ue.URL = r.url
	}
	return r.named(r.safeErr(err))
}
