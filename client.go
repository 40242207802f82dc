package okta

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Version is the version of this package, sent in the User-Agent.
const Version = "0.1.0"

// userAgent is the client's own User-Agent:
// okta-session-go/<version> go/<go version> <os>/<arch>.
var userAgent = "okta-session-go/" + Version + " go/" + strings.TrimPrefix(runtime.Version(), "go") + " " + runtime.GOOS + "/" + runtime.GOARCH

// Caps on how much of an answer is read. A session is about 1 KiB: a success
// answer past 256 KiB is a broken or hostile server, and decoding stops there
// (json.Decoder's buffer doubling makes the heap cost about twice the cap).
// Error bodies are kept whole up to 1 MiB for APIError.Body.
const (
	maxSessionBody = 256 << 10
	maxErrorBody   = 1 << 20
)

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
	apiToken   string    // "SSWS <token>", or empty
	throttle   *throttle // nil unless MaxConcurrency or RateLimitFloor is set
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
// must never carry the API token elsewhere. Configuration.AttemptTimeout and
// Timeout bound every call, whichever HTTP client sends it.
func NewAPIClient(cfg *Configuration) *APIClient {
	if cfg == nil {
		cfg = NewConfiguration()
	}
	cfg = cfg.clone()
	c := &APIClient{cfg: cfg, httpClient: cfg.HTTPClient}
	c.base, c.cfgErr = cfg.validated()
	for _, d := range []struct {
		field *time.Duration
		def   time.Duration
	}{
		{&cfg.MaxRetryWait, DefaultMaxRetryWait},
		{&cfg.AttemptTimeout, DefaultAttemptTimeout},
		{&cfg.Timeout, DefaultTimeout},
	} {
		if *d.field == 0 {
			*d.field = d.def
		}
	}
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	if c.cfgErr == nil {
		c.throttle = newThrottle(cfg)
	}
	if c.httpClient == nil {
		c.httpClient = newHTTPClient()
	}
	c.userAgent = userAgent
	if cfg.UserAgent != "" {
		c.userAgent += " " + cfg.UserAgent
	}
	if cfg.APIToken != "" {
		c.apiToken = "SSWS " + cfg.APIToken
	}
	c.SessionApi = &SessionApiService{client: c}
	c.UserSessionsApi = &UserSessionsApiService{client: c}
	return c
}

// newHTTPClient returns the default HTTP client described at NewAPIClient.
func newHTTPClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:   true,
			TLSClientConfig:     &tls.Config{MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout: 10 * time.Second,
			MaxIdleConns:        100,
			MaxIdleConnsPerHost: 100,
			IdleConnTimeout:     90 * time.Second,
			// No ResponseHeaderTimeout: Configuration.AttemptTimeout already
			// bounds the whole attempt, and a second timer per request costs
			// CPU under concurrency.
		},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// request describes one operation for APIClient.do.
type request struct {
	op         string   // operation name, for errors
	method     string   // HTTP method
	url        string   // org URL and escaped path
	body       any      // JSON body, or nil
	out        *Session // where to decode a success answer, or nil for none
	secret     string   // session ID or token to keep out of error text
	idempotent bool     // may be retried after it may have reached Okta
	// cookie, when set, is the Cookie header ("sid=..." or "idx=...") and the
	// call's only credential: no Authorization is computed or sent, and no
	// DPoP from DefaultHeader. Its value must also be the secret.
	cookie string
}

// do is the one request path: check, authenticate, then attempt (build,
// send, check the answer, decode) and retry as retryPolicy says, within the
// call's deadline. The returned response's body has been read and closed.
func (c *APIClient) do(ctx context.Context, r *request) (*http.Response, error) {
	if ctx == nil {
		return nil, &ValidationError{Op: r.op, Field: "ctx", Reason: "is nil"}
	}
	if c.cfgErr != nil {
		err := *c.cfgErr.(*ValidationError)
		err.Op = r.op
		return nil, &err
	}
	var auth string
	var err error
	if r.cookie == "" { // a cookie call never uses the client's credential
		auth, err = c.authorization(ctx)
	}
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.Op = r.op
			return nil, ve
		}
		return nil, fmt.Errorf("okta: %s: %w", r.op, err)
	}
	var body []byte
	if r.body != nil {
		if body, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("okta: %s: %w", r.op, err)
		}
	}
	deadline := time.Now().Add(c.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	retryFor := ""
	for attempt := 0; ; attempt++ {
		resp, err := c.attempt(ctx, r, auth, body, attempt, retryFor, deadline)
		if err == nil {
			return resp, nil
		}
		wait, retry := c.retryPolicy(ctx, r, attempt, resp, err)
		if !retry || wait >= time.Until(deadline) {
			return resp, err
		}
		if werr := c.sleep(ctx, wait); werr != nil {
			return resp, fmt.Errorf("%w (stopped waiting to retry: %w)", err, werr)
		}
		retryFor = ""
		if resp != nil {
			// Echo the answer's request id only if it is a valid header
			// value: a hostile one must not make the retry fail.
			if id := resp.Header.Get("X-Okta-Request-Id"); validHeaderValue(id) {
				retryFor = id
			}
		}
	}
}

// attempt makes one try of r: through the throttle, if any, then send and
// handle the answer, all within AttemptTimeout and the call's deadline.
// Retries carry X-Okta-Retry-Count and, when the answer being retried had
// one, X-Okta-Retry-For with its request id.
func (c *APIClient) attempt(ctx context.Context, r *request, auth string, body []byte, n int, retryFor string, deadline time.Time) (*http.Response, error) {
	if c.throttle != nil {
		if err := c.throttle.acquire(ctx, r.op, deadline); err != nil {
			return nil, err
		}
		defer c.throttle.release()
	}
	if d := time.Now().Add(c.cfg.AttemptTimeout); d.Before(deadline) {
		deadline = d
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	req, err := c.newRequest(ctx, r, auth, body)
	if err != nil {
		return nil, fmt.Errorf("okta: %s: %w", r.op, err)
	}
	if n > 0 {
		req.Header.Set("X-Okta-Retry-Count", strconv.Itoa(n))
		if retryFor != "" {
			req.Header.Set("X-Okta-Retry-For", retryFor)
		}
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, c.transportError(r, err)
	}
	err = c.handle(r, resp, auth)
	if c.throttle != nil {
		c.throttle.observe(resp)
	}
	return resp, err
}

// newRequest builds the HTTP request for r with its headers.
func (c *APIClient) newRequest(ctx context.Context, r *request, auth string, body []byte) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, rd)
	if err != nil {
		return nil, errors.New("cannot build the request URL")
	}
	for k, v := range c.cfg.DefaultHeader {
		req.Header.Set(k, v)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", c.userAgent)
	if r.cookie != "" {
		req.Header.Del("DPoP") // a proof for a credential this call does not send
		req.Header.Set("Cookie", r.cookie)
	} else {
		req.Header.Set("Authorization", auth)
	}
	return req, nil
}

// authorization returns the Authorization header value for a call: the
// context's credential if it has one, else the configured API token.
func (c *APIClient) authorization(ctx context.Context) (string, error) {
	if v := ctx.Value(ContextOAuth2); v != nil {
		ts, ok := v.(oauth2.TokenSource)
		if !ok || ts == nil {
			return "", &ValidationError{Field: "ContextOAuth2", Reason: "does not hold an oauth2.TokenSource"}
		}
		tok, err := ts.Token()
		if err != nil {
			return "", fmt.Errorf("oauth2 token source: %w", err)
		}
		if err := checkCredential("ContextOAuth2 access token", tok.AccessToken); err != nil {
			return "", err
		}
		return "Bearer " + tok.AccessToken, nil
	}
	if v := ctx.Value(ContextAccessToken); v != nil {
		at, _ := v.(string)
		if err := checkCredential("ContextAccessToken", at); err != nil {
			return "", err
		}
		return "Bearer " + at, nil
	}
	if v := ctx.Value(ContextAPIKey); v != nil {
		key, ok := v.(APIKey)
		if !ok {
			return "", &ValidationError{Field: "ContextAPIKey", Reason: "does not hold an okta.APIKey"}
		}
		if err := checkCredential("ContextAPIKey", key.Key); err != nil {
			return "", err
		}
		prefix := key.Prefix
		if prefix == "" {
			prefix = "SSWS"
		} else if !validHeaderName(prefix) {
			return "", &ValidationError{Field: "ContextAPIKey", Reason: "has an invalid Prefix"}
		}
		return prefix + " " + key.Key, nil
	}
	if c.apiToken == "" {
		return "", &ValidationError{Field: "credentials", Reason: "none given: set Configuration.APIToken, or put ContextAPIKey, ContextAccessToken or ContextOAuth2 on the context"}
	}
	return c.apiToken, nil
}

// transportError wraps an error from the HTTP client with the operation name.
// The URL in a *url.Error holds the session ID, so it is replaced by the
// request's URL with the ID shortened; the *url.Error and what it wraps
// (context.Canceled, net.Error, ...) stay reachable for errors.Is/As.
func (c *APIClient) transportError(r *request, err error) error {
	if ue, ok := err.(*url.Error); ok {
		ue.URL = scrub(r.url, url.PathEscape(r.secret))
	}
	return fmt.Errorf("okta: %s: %w", r.op, err)
}

// handle checks the answer's status and decodes it. It reads the body
// through one size cap, drains what is left of it (up to the cap, so that
// the connection can be reused), closes it, and leaves resp.Body as
// http.NoBody.
func (c *APIClient) handle(r *request, resp *http.Response, auth string) error {
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	limit := int64(maxSessionBody)
	if !ok {
		limit = maxErrorBody
	}
	body := http.MaxBytesReader(nil, resp.Body, limit)
	defer func() {
		_, _ = io.Copy(io.Discard, body)
		resp.Body.Close()
		resp.Body = http.NoBody
	}()
	if !ok {
		return newAPIError(r, resp, body, auth)
	}
	if r.out == nil {
		return nil
	}
	if err := decodeSession(resp.Header.Get("Content-Type"), body, r.out); err != nil {
		return fmt.Errorf("okta: %s: decode %d answer: %w", r.op, resp.StatusCode, err)
	}
	return nil
}

// decodeSession decodes a success answer into out as it streams. It refuses
// what is not one complete JSON session, and then leaves out as the zero
// Session: never half a session with an error.
func decodeSession(contentType string, body io.Reader, out *Session) error {
	err := decodeInto(contentType, body, out)
	if err != nil {
		*out = Session{}
	}
	return err
}

// decodeInto is decodeSession without the clean-up.
func decodeInto(contentType string, body io.Reader, out *Session) error {
	if contentType != "" && !isJSON(contentType) {
		return fmt.Errorf("content type %q is not JSON", contentType)
	}
	dec := json.NewDecoder(body)
	if err := dec.Decode(out); err != nil {
		switch {
		case errors.Is(err, io.EOF):
			return errors.New("empty body")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return errors.New("truncated JSON")
		}
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON session")
	}
	if out.Id == "" {
		return errors.New("the answer has no session id")
	}
	return nil
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

// isJSON reports whether a Content-Type is application/json or a +json
// type, parameters aside. It allocates nothing, unlike mime.ParseMediaType,
// since it runs on every answer.
func isJSON(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	typ, sub, ok := strings.Cut(ct, "/")
	return ok && strings.EqualFold(typ, "application") &&
		(strings.EqualFold(sub, "json") || len(sub) > 5 && strings.EqualFold(sub[len(sub)-5:], "+json"))
}

// newAPIError builds the *APIError for a non-2xx answer from its capped body.
func newAPIError(r *request, resp *http.Response, body io.Reader, auth string) *APIError {
	e := &APIError{
		Op:         r.op,
		StatusCode: resp.StatusCode,
		RequestId:  resp.Header.Get("X-Okta-Request-Id"),
		Response:   resp,
	}
	e.RateLimit, _ = ParseRateLimit(resp)
	e.body = readCapped(body, maxErrorBody)
	var m ModelError
	if json.Unmarshal(e.body, &m) == nil {
		_, credential, _ := strings.Cut(auth, " ")
		secrets := []string{r.secret, credential}
		e.ErrorCode = m.ErrorCode
		e.ErrorSummary = scrub(m.ErrorSummary, secrets...)
		e.ErrorLink = m.ErrorLink
		e.ErrorId = m.ErrorId
		for _, cause := range m.ErrorCauses {
			e.ErrorCauses = append(e.ErrorCauses, ErrorCause{ErrorSummary: scrub(cause.ErrorSummary, secrets...)})
		}
	}
	return e
}
