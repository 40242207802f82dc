package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Version is the version of this package, sent in the User-Agent.
const Version = "0.1.0"

// userAgent is the client's own User-Agent:
// okta-session-go/<version> go/<go version> <os>/<arch>.
var userAgent = "okta-session-go/" + Version + " go/" + strings.TrimPrefix(runtime.Version(), "go") + " " + runtime.GOOS + "/" + runtime.GOARCH

// APIClient talks to the Okta Session API. It is safe for concurrent use by
// many goroutines; create one per org and share it.
type APIClient struct {
	// SessionApi holds the Session operations.
	SessionApi *SessionApiService
	// UserSessionsApi holds the UserSessions operations.
	UserSessionsApi *UserSessionsApiService

	cfg        *Configuration // private copy with defaults filled in, never changed after NewAPIClient
	cfgErr     error          // why the configuration is unusable; returned by every call
	base       string         // org URL without a trailing slash
	httpClient *http.Client
	userAgent  string
	apiToken   credential     // from Configuration.APIToken, or nil
	tokens     *tokenProvider // the service app's tokens in "PrivateKey" mode, or nil
	throttle   *throttle      // nil unless MaxConcurrency or RateLimitFloor is set
}

// NewAPIClient returns a client for cfg (nil means NewConfiguration()). It
// copies cfg, so later changes by the caller do not affect it.
//
// An invalid configuration does not panic: every call then returns the
// *ValidationError that cfg.Validate would have, before any I/O. Call
// Validate first to fail fast at start-up.
//
// When cfg.HTTPClient is nil the client gets its own http.Client, not
// http.DefaultClient: proxy from the environment, dial and TLS handshake
// timeouts, up to 100 idle connections kept per host (so many
// goroutines reuse connections instead of opening new ones), and no
// redirects followed, since no Session operation redirects and a redirect
// must never carry a credential elsewhere. A cfg.HTTPClient is used through
// a shallow copy whose CheckRedirect ends the call at a redirect off the
// org's origin (scheme and host), returning the 3xx as an *APIError, so that
// no request body (a session token), Authorization or default header ever
// reaches another host; redirects within the org go to the caller's own
// CheckRedirect. Configuration.AttemptTimeout and Timeout bound every call,
// whichever HTTP client sends it.
func NewAPIClient(cfg *Configuration) *APIClient {
	if cfg == nil {
		cfg = NewConfiguration()
	}
	cfg = cfg.clone()
	c := &APIClient{cfg: cfg, userAgent: fullUserAgent(cfg)}
	var keys *serviceAppKeys
	c.base, keys, c.cfgErr = cfg.validated()
	cfg.fillDefaults()
	if c.cfgErr == nil {
		c.throttle = newThrottle(cfg, c.throttled)
	}
	if cfg.HTTPClient == nil {
		c.httpClient = NewHTTPClient()
	} else {
		c.httpClient = sameOriginOnly(cfg.HTTPClient, c.base)
	}
	if cfg.APIToken != "" {
		c.apiToken = authorization("SSWS " + cfg.APIToken)
	}
	if keys != nil && c.cfgErr == nil {
		c.tokens, c.cfgErr = newTokenProvider(cfg, keys, c.base, c.httpClient)
		if c.tokens != nil {
			c.tokens.logFetch = c.logTokenFetch
		}
	}
	c.SessionApi = &SessionApiService{client: c}
	c.UserSessionsApi = &UserSessionsApiService{client: c}
	return c
}

// fullUserAgent is the User-Agent of every request of a client for cfg,
// token requests included: the client's own, then cfg.UserAgent.
func fullUserAgent(cfg *Configuration) string {
	if cfg.UserAgent == "" {
		return userAgent
	}
	return userAgent + " " + cfg.UserAgent
}

// call is one operation on its way through APIClient.do. The operation
// fills the first group of fields; do fills the rest, and each attempt
// reads them all.
type call struct {
	op         string   // operation name, for errors
	method     string   // HTTP method
	url        string   // org URL and escaped path
	payload    any      // JSON body, or nil
	out        *Session // where to decode a success answer, or nil for none
	wantID     string   // the session id the answer must have, or "" for any
	secret     string   // session ID or token to keep out of error text
	idempotent bool     // may be retried after it may have reached Okta
	anonymous  bool     // may be sent without a credential
	invalid    error    // why an argument is refused before any I/O, or nil

	// cred authenticates every attempt. An operation with a credential of
	// its own sets it (the /me calls: the user's cookie); otherwise prepare
	// resolves it once per call from the context and the configuration.
	cred     credential
	body     []byte    // payload as JSON, or nil
	deadline time.Time // end of the whole call: Timeout or the context's deadline
	attempt  int       // 0 for the first try; the retries so far
	repeats  int       // attempts repeated at once after a 401 (see do), not retries
	sends    int       // attempts sent: retries and repeats, not those whose token fetch failed
	lastSent bool      // whether the latest attempt reached the HTTP client
	retryFor string    // X-Okta-Request-Id of the answer being retried, or ""
}

// serverText makes s, a string the server sent, fit for an error: the
// call's secrets (its session ID or token, its credential, and the id of the
// session the answer brought) shortened,
// control characters replaced, at most limit bytes (see serverText).
func (r *call) serverText(s string, limit int) string {
	return serverText(s, limit, r.secrets()...)
}

// secrets are the call's secrets: its session ID or token, everything its
// credential sent (tokens, DPoP proofs, a cookie), and the id of the session
// the answer brought.
func (r *call) secrets() []string {
	s := []string{r.secret, r.answerID()}
	if r.cred != nil {
		s = append(s, r.cred.secrets()...)
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
	return fmt.Errorf("okta: %s: %w", r.op, err)
}

// safeErr returns err, or, when err's text quotes the server's bytes unsafely
// (a secret of the call, a control character, more than maxSummaryLen bytes),
// an error whose text is made safe by serverText (see safeError).
func (r *call) safeErr(err error) error { return safeError(err, r.secrets()...) }

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
	return fmt.Errorf("okta: %s: %w", r.op, err)
}

// transportError wraps an error of the HTTP client with the operation name.
// The URL in a *url.Error holds the session ID, so it is replaced by the
// request's URL with the ID shortened; the *url.Error and what it wraps
// (context.Canceled, net.Error, ...) stay reachable for errors.Is/As.
func (r *call) transportError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		ue.URL = r.url
	}
	return fmt.Errorf("okta: %s: %w", r.op, r.safeErr(err))
}

// maxRepeats bounds the attempts repeated at once after a 401 in one call:
// one for a DPoP nonce, one for a new token.
const maxRepeats = 2

// do is the one request path: refuse what must not be sent, authenticate,
// then attempt (build, send, check the answer, decode) and retry as
// planRetry says, within the call's deadline. The returned response's body
// has been read and closed.
func (c *APIClient) do(ctx context.Context, r *call) (resp *http.Response, err error) {
	if c.cfg.Observer != nil {
		start := time.Now()
		defer func() { c.endCall(r, start, resp, err) }()
	}
	if err := c.prepare(ctx, r); err != nil {
		return nil, r.refused(err)
	}
	for ; ; r.attempt++ {
		resp, err := c.attempt(ctx, r)
		for r.cred.retryAfterUnauthorized(resp) && ctx.Err() == nil && r.repeats < maxRepeats {
			// A 401 asking for a DPoP nonce or a new token: one more attempt
			// at once, not counted as a retry. The credential grants it once
			// per reason in a call, and maxRepeats bounds it whatever a
			// credential says, so that a server cannot make a loop.
			r.repeats++
			resp, err = c.attempt(ctx, r)
		}
		if err == nil {
			return resp, nil
		}
		var apiErr *APIError
		errors.As(err, &apiErr)
		plan := c.planRetry(ctx, r, apiErr, err)
		if apiErr != nil {
			apiErr.RetryAt = plan.retryAt
		}
		if !plan.retry || plan.wait >= time.Until(r.deadline) {
			return resp, err
		}
		c.retrying(ctx, r, plan)
		if werr := c.sleep(ctx, plan.wait); werr != nil {
			return resp, fmt.Errorf("%w (stopped waiting to retry: %w)", err, werr)
		}
		r.retryFor = retryForID(resp)
	}
}

// prepare readies r for its first attempt: it refuses an invalid argument,
// context or configuration, resolves the credential, encodes the body and
// sets the call's deadline.
func (c *APIClient) prepare(ctx context.Context, r *call) error {
	switch {
	case r.invalid != nil:
		return r.invalid
	case ctx == nil:
		return &ValidationError{Field: "ctx", Reason: "is nil"}
	case c.cfgErr != nil:
		return c.cfgErr
	}
	var err error
	if r.cred == nil {
		if r.cred, err = c.credential(ctx, r.anonymous); err != nil {
			return err
		}
	}
	if r.payload != nil {
		if r.body, err = json.Marshal(r.payload); err != nil {
			return err
		}
	}
	r.deadline = time.Now().Add(c.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(r.deadline) {
		r.deadline = d
	}
	return nil
}

// attempt makes one try of r: through the throttle, if any, then send and
// check the answer, all within AttemptTimeout and the call's deadline.
func (c *APIClient) attempt(ctx context.Context, r *call) (*http.Response, error) {
	if c.throttle != nil {
		if err := c.throttle.acquire(ctx, r.op, r.deadline); err != nil {
			return nil, err
		}
		defer c.throttle.release()
	}
	start := time.Now()
	deadline := r.deadline
	if d := start.Add(c.cfg.AttemptTimeout); d.Before(deadline) {
		deadline = d
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	r.lastSent = false
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return nil, r.authError(err)
	}
	r.sends, r.lastSent = r.sends+1, true
	resp, err := c.httpClient.Do(req)
	if err != nil {
		err = r.transportError(err)
		c.endAttempt(ctx, r, nil, err, start)
		return nil, err
	}
	if c.cfg.HTTPClient != nil {
		// Go's transport ends a body read when the attempt's context ends; a
		// caller's RoundTripper may not, so its body is closed then, and no
		// read or drain of it outlives the attempt.
		body := resp.Body
		defer context.AfterFunc(ctx, func() { closeDetached(body) })()
	}
	err = checkAnswer(r, resp)
	if c.throttle != nil {
		c.throttle.observe(resp)
	}
	c.endAttempt(ctx, r, resp, err, start)
	return resp, err
}

// setCommonHeaders sets what every request of a client carries, token
// requests included: the DefaultHeader, Accept: application/json and the
// User-Agent.
func setCommonHeaders(h http.Header, defaults map[string]string, userAgent string) {
	for k, v := range defaults {
		h.Set(k, v)
	}
	h.Set("Accept", "application/json")
	h.Set("User-Agent", userAgent)
}

// newRequest builds the HTTP request of r's current attempt: headers,
// credential and, on a retry, X-Okta-Retry-Count and X-Okta-Retry-For.
func (c *APIClient) newRequest(ctx context.Context, r *call) (*http.Request, error) {
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, rd)
	if err != nil {
		return nil, errors.New("cannot build the request URL")
	}
	setCommonHeaders(req.Header, c.cfg.DefaultHeader, c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.attempt > 0 {
		req.Header.Set("X-Okta-Retry-Count", strconv.Itoa(r.attempt))
		if r.retryFor != "" {
			req.Header.Set("X-Okta-Retry-For", r.retryFor)
		}
	}
	if err := r.cred.authorize(ctx, req); err != nil {
		return nil, err
	}
	if !r.idempotent || len(req.Header[headerDPoP]) > 0 {
		// CreateSession's one-time token, a DPoP proof: only do's rules
		// may send them again.
		unreplayable(req)
	}
	return req, nil
}

// String describes the client by its org URL only: the client holds the
// configuration's credentials, which fmt would otherwise print from its
// unexported fields.
func (c APIClient) String() string { return "APIClient{" + strconv.Quote(hideUserinfo(c.base)) + "}" }

// GoString is String, so that %#v does not print the credentials either.
func (c APIClient) GoString() string { return c.String() }

// LogValue describes the client to log/slog as String does.
func (c APIClient) LogValue() slog.Value {
	return slog.GroupValue(slog.String("BasePath", hideUserinfo(c.base)))
}
