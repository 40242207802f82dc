// Package oktatest is a fake Okta Session API for tests: an in-process HTTP
// server on loopback that behaves as Okta documents, with one-time session
// tokens, session expiry and refresh, Okta's error bodies, request ids and
// rate limits, a controllable clock, fault injection and request recording.
//
//	srv := oktatest.NewServer(t)
//	tok := srv.IssueSessionToken(oktatest.User{Login: "ann@example.com"})
//	s, _, err := srv.Client().SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
//
// Outside tests (a binary, another language's suite) use Start and Close, or
// the cmd/okta-fake program, which serves the same fake on a loopback port.
package oktatest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
)

// Documented behaviour the fake follows.
const (
	// SessionTokenLifetime is how long a session token may be used.
	SessionTokenLifetime = 5 * time.Minute
	// DefaultIdleTimeout is Okta's default maxSessionIdleMinutes.
	DefaultIdleTimeout = 120 * time.Minute
	// DefaultRateLimit is the per-minute limit of the /api/v1/sessions bucket
	// (Workforce orgs).
	DefaultRateLimit = 750
	// DefaultConcurrencyLimit is Okta's default concurrent request limit.
	DefaultConcurrencyLimit = 75
	// IssueTokenPath is the fake's own route to mint session tokens over
	// HTTP (POST, with the API token); see IssueSessionToken.
	IssueTokenPath = "/oktatest/v1/session-tokens"
	// FaultHeader marks an answer that an injected fault spoilt (status or
	// body), so that checks of Okta's contract can tell it apart. Real Okta
	// never sends it.
	FaultHeader = "X-Oktatest-Fault"
)

// User is the user a session token is issued for.
type User struct {
	// ID is the user's Okta ID; empty means a new 00u... ID.
	ID string `json:"userId,omitempty"`
	// Login is the username; empty means "<ID>@example.com".
	Login string `json:"login,omitempty"`
	// DisplayName is the name in the session's user link; empty means Login.
	DisplayName string `json:"displayName,omitempty"`
}

// Request is a request the server received, for assertions. Authorization
// and Cookie values are masked.
type Request struct {
	// Route is the operation the request addressed.
	Route Route
	// Method is the HTTP method.
	Method string
	// Path is the path as sent, still escaped.
	Path string
	// Header holds the request headers, secrets masked.
	Header http.Header
	// Time is when the request arrived, by the server's clock.
	Time time.Time
	// Status is the status of the answer; 0 when the connection was dropped
	// or the client went away first.
	Status int
	// RequestId is the X-Okta-Request-Id of the answer.
	RequestId string
}

// Option configures a Server.
type Option func(*options)

type options struct {
	clock       Clock
	idle        time.Duration
	maxLifetime time.Duration
	rateLimit   int
	concurrency int
	apiToken    string
	accessToken string
	addr        string
}

// WithClock makes the server tell time by c (see FakeClock).
func WithClock(c Clock) Option { return func(o *options) { o.clock = c } }

// WithIdleTimeout sets how long a session lives past its creation or last
// refresh (Okta's maxSessionIdleMinutes; default 120 minutes).
func WithIdleTimeout(d time.Duration) Option { return func(o *options) { o.idle = d } }

// WithMaxLifetime caps a session's life from its creation, whatever its
// refreshes (Okta's maxSessionLifetimeMinutes; default 0, no cap).
func WithMaxLifetime(d time.Duration) Option { return func(o *options) { o.maxLifetime = d } }

// WithRateLimit sets the per-minute limit of the /api/v1/sessions bucket
// (default 750).
func WithRateLimit(perMinute int) Option { return func(o *options) { o.rateLimit = perMinute } }

// WithConcurrencyLimit sets how many requests may be in flight at once
// (default 75).
func WithConcurrencyLimit(n int) Option { return func(o *options) { o.concurrency = n } }

// WithAPIToken sets the API token the server accepts (default: a random one).
func WithAPIToken(token string) Option { return func(o *options) { o.apiToken = token } }

// WithAccessToken makes the server also accept "Authorization: Bearer <token>".
func WithAccessToken(token string) Option { return func(o *options) { o.accessToken = token } }

// WithAddr sets the address to listen on, such as "127.0.0.1:8089"; it must
// be a loopback address. The default is a free port on 127.0.0.1.
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// Server is the fake Okta org. It is safe for concurrent use.
type Server struct {
	// URL is the org URL, such as "http://127.0.0.1:41873".
	URL string
	// APIToken is the API token the server accepts.
	APIToken string
	// OrgID is the org's ID, the idp id of the sessions it creates.
	OrgID string

	opts      options
	http      *httptest.Server
	inFlight  chan struct{} // one slot per request allowed in flight
	closing   chan struct{} // closed by Close, to end fault delays
	closeOnce sync.Once

	mu       sync.Mutex
	tokens   map[string]pendingToken
	sessions map[string]*session
	faults   []*Fault
	requests []Request
	window   time.Time // start of the current rate-limit window
	used     int       // requests counted in the current window
}

// pendingToken is an issued, unused session token.
type pendingToken struct {
	user     User
	issuedAt time.Time
}

// session is a live session.
type session struct {
	id        string
	user      User
	createdAt time.Time
	expiresAt time.Time
	authAt    time.Time
}

// NewServer starts a fake Okta org for a test and closes it when the test
// ends. It fails the test if the server cannot start.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(opts...)
	if err != nil {
		tb.Fatalf("oktatest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Start starts a fake Okta org; the caller must Close it.
func Start(opts ...Option) (*Server, error) {
	o := options{
		clock:       realClock{},
		idle:        DefaultIdleTimeout,
		rateLimit:   DefaultRateLimit,
		concurrency: DefaultConcurrencyLimit,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.apiToken == "" {
		o.apiToken = newID("00", 40)
	}
	switch {
	case o.idle <= 0:
		return nil, errors.New("idle timeout must be positive")
	case o.rateLimit <= 0 || o.concurrency <= 0:
		return nil, errors.New("rate and concurrency limits must be positive")
	}
	s := &Server{
		APIToken: o.apiToken,
		OrgID:    newOrgID(),
		opts:     o,
		inFlight: make(chan struct{}, o.concurrency),
		closing:  make(chan struct{}),
		tokens:   make(map[string]pendingToken),
		sessions: make(map[string]*session),
	}
	s.http = httptest.NewUnstartedServer(s)
	if o.addr != "" {
		host, _, err := net.SplitHostPort(o.addr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("address %q is not a loopback IP address and port", o.addr)
		}
		l, err := net.Listen("tcp", o.addr)
		if err != nil {
			return nil, err
		}
		s.http.Listener.Close()
		s.http.Listener = l
	}
	s.http.Start()
	s.URL = s.http.URL
	return s, nil
}

// Close stops the server and closes its connections.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.http.Close()
}

// Config returns a new okta.Configuration for the server: its URL and API
// token and, when the server runs on a clock that can also wait (such as a
// FakeClock), that clock, so that the client's retry waits move the server's
// time instead of sleeping. Change it (retries, headers, ...) and pass it to
// okta.NewAPIClient.
func (s *Server) Config() *okta.Configuration {
	cfg := okta.NewConfiguration()
	cfg.BasePath = s.URL
	cfg.APIToken = s.APIToken
	if c, ok := s.opts.clock.(okta.Clock); ok {
		cfg.Clock = c
	}
	return cfg
}

// Client returns a new client for the server, made from Config.
func (s *Server) Client() *okta.APIClient { return okta.NewAPIClient(s.Config()) }

// IssueSessionToken mints a one-time session token for user, as the Authn
// or IDX API would after the user signs in. It is valid for 5 minutes by the
// server's clock.
func (s *Server) IssueSessionToken(user User) string {
	if user.ID == "" {
		user.ID = newUserID()
	}
	if user.Login == "" {
		user.Login = user.ID + "@example.com"
	}
	if user.DisplayName == "" {
		user.DisplayName = user.Login
	}
	tok := newSessionToken()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = pendingToken{user: user, issuedAt: s.opts.clock.Now()}
	return tok
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ServeHTTP answers one request; the Server is an http.Handler, so it can
// also be mounted in a server of the caller's.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, id := routeOf(r)
	now := s.opts.clock.Now()
	reqID := newRequestID()
	h := w.Header()
	h.Set("X-Okta-Request-Id", reqID)
	h.Set("Date", now.UTC().Format(http.TimeFormat))

	s.mu.Lock()
	idx := len(s.requests)
	s.requests = append(s.requests, Request{Route: route, Method: r.Method, Path: r.URL.EscapedPath(), Header: maskHeader(r.Header), Time: now, RequestId: reqID})
	s.mu.Unlock()
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		s.mu.Lock()
		s.requests[idx].Status = sw.status
		s.mu.Unlock()
	}()
	w = sw

	select {
	case s.inFlight <- struct{}{}:
		defer func() { <-s.inFlight }()
	default:
		// Okta's concurrency limit: Limit and Remaining both 0.
		s.setRateHeaders(h, 0, 0, s.windowReset(now))
		s.writeError(w, http.StatusTooManyRequests, "")
		return
	}

	if route != RouteIssueToken && route != RouteUnknown && !s.countRequest(h, now) {
		s.writeError(w, http.StatusTooManyRequests, "")
		return
	}

	s.mu.Lock()
	fault, faulted := s.takeFault(route)
	s.mu.Unlock()
	if !faulted {
		s.serve(w, r, route, id, now)
		return
	}
	if !s.pause(r, fault.Latency) {
		return
	}
	for k, vs := range fault.Header {
		h[k] = vs
	}
	if !fault.Drop && fault.Status == 0 && fault.Body == BodyIntact {
		s.serve(w, r, route, id, now) // a latency or header fault only
		return
	}
	if fault.Processed {
		s.serve(httptest.NewRecorder(), r, route, id, now)
	}
	h.Set(FaultHeader, "true")
	s.applyFault(w, r, fault, id, now)
}

// statusWriter remembers the status of an answer. It keeps the Hijacker
// of the connection, for dropped-connection faults.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("oktatest: the connection cannot be hijacked")
	}
	return hj.Hijack()
}

// pause waits d, or until the client gives up or the server closes; it
// reports whether to go on answering.
func (s *Server) pause(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closing:
		return false
	}
}

// applyFault spoils the answer as f says: a dropped connection, an error
// status or a bad body.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault, id string, now time.Time) {
	switch {
	case f.Drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream
	case f.Status != 0:
		if f.Status == http.StatusTooManyRequests {
			s.setRateHeaders(w.Header(), s.opts.rateLimit, 0, s.windowReset(now))
		}
		s.writeError(w, f.Status, id)
	default:
		s.writeBadBody(w, r, f)
	}
}

// writeBadBody writes a 200 answer spoilt as f.Body says.
func (s *Server) writeBadBody(w http.ResponseWriter, r *http.Request, f Fault) {
	const good = `{"id":"102hT2vn7f4YmtCZ2JNkTc3Fw","login":"user@example.com","userId":"00ubgaSARVOQDIOXMORI","status":"ACTIVE","expiresAt":"2030-01-01T00:00:00.000Z"}`
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	switch f.Body {
	case BodyMalformed:
		_, _ = io.WriteString(w, `{"id":"102hT2vn7f4YmtCZ2JNkTc3Fw","status":ACTIVE,}`)
	case BodyTruncated:
		_, _ = io.WriteString(w, good[:len(good)/2])
	case BodyWrongContentType:
		h.Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<html><body><h1>Sign in</h1></body></html>")
	case BodyTrickle:
		_, _ = io.WriteString(w, good[:1])
		rc := http.NewResponseController(w)
		for i := 1; i < len(good); i++ {
			_ = rc.Flush()
			if !s.pause(r, f.TrickleEvery) {
				return
			}
			if _, err := io.WriteString(w, good[i:i+1]); err != nil {
				return
			}
		}
	case BodyOversized:
		size := f.BodySize
		if size <= 0 {
			size = 16 << 20
		}
		_, _ = io.WriteString(w, `{"id":"102hT2vn7f4YmtCZ2JNkTc3Fw","login":"`)
		chunk := []byte(strings.Repeat("a", 32<<10))
		for written := int64(0); written < size; written += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading
			}
		}
		_, _ = io.WriteString(w, `"}`)
	}
}

// routeOf tells which operation r addresses, and the session ID in its path.
func routeOf(r *http.Request) (Route, string) {
	p := r.URL.EscapedPath()
	if p == IssueTokenPath && r.Method == http.MethodPost {
		return RouteIssueToken, ""
	}
	if p == "/api/v1/sessions" && r.Method == http.MethodPost {
		return RouteCreateSession, ""
	}
	rest, ok := strings.CutPrefix(p, "/api/v1/sessions/")
	if !ok {
		return RouteUnknown, ""
	}
	seg, suffix, _ := strings.Cut(rest, "/")
	id, err := url.PathUnescape(seg)
	if err != nil || id == "" {
		return RouteUnknown, ""
	}
	switch {
	case suffix == "" && r.Method == http.MethodGet:
		return RouteGetSession, id
	case suffix == "" && r.Method == http.MethodDelete:
		return RouteEndSession, id
	case suffix == "lifecycle/refresh" && r.Method == http.MethodPost:
		return RouteRefreshSession, id
	}
	return RouteUnknown, id
}

// countRequest counts a request in the rate-limit window and sets the
// rate-limit headers; it reports false when the limit is exceeded.
func (s *Server) countRequest(h http.Header, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	reset := s.rollWindow(now)
	if s.used >= s.opts.rateLimit {
		s.setRateHeaders(h, s.opts.rateLimit, 0, reset)
		return false
	}
	s.used++
	s.setRateHeaders(h, s.opts.rateLimit, s.opts.rateLimit-s.used, reset)
	return true
}

// windowReset returns when the current rate-limit window ends.
func (s *Server) windowReset(now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rollWindow(now)
}

// rollWindow starts a new one-minute rate-limit window at now if the current
// one has ended (or none has begun), and returns when the window resets. It
// is called with s.mu held.
func (s *Server) rollWindow(now time.Time) time.Time {
	if s.window.IsZero() || !now.Before(s.window.Add(time.Minute)) {
		s.window, s.used = now, 0
	}
	return s.window.Add(time.Minute)
}

// setRateHeaders sets the X-Rate-Limit headers; Reset is rounded up to
// whole epoch seconds.
func (s *Server) setRateHeaders(h http.Header, limit, remaining int, reset time.Time) {
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	secs := reset.Unix()
	if reset.Nanosecond() > 0 {
		secs++
	}
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(secs, 10))
}

// maskHeader copies h with credential and cookie values masked.
func maskHeader(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range []string{"Authorization", "Cookie"} {
		for i, v := range out[k] {
			scheme, _, found := strings.Cut(v, " ")
			if found && k == "Authorization" {
				out[k][i] = scheme + " [redacted]"
			} else {
				out[k][i] = "[redacted]"
			}
		}
	}
	return out
}

// jsonTime formats t as Okta does: UTC with milliseconds.
func jsonTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// writeJSON writes an answer with Okta's content type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
