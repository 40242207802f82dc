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
// the cmd/okta-fake program, which serves the same fake on a loopback port
// with a control API under ControlPrefix. NewInProcess makes a fake with no
// listener, reached through RoundTripper or, for httpmock, Responder.
//
// A request goes through a chain of stages, each in its own file with its
// own state: route, stamp, record, admit (concurrency, then the per-minute
// window), fault, authenticate, and the route's handler. The control API's
// requests skip record, admit and fault.
//
// The fake is also the org authorization server (AuthServer) at TokenPath:
// service apps registered with WithServiceApp get access tokens there
// (Bearer, or DPoP-bound), which the session routes accept when they carry
// the route's scope.
//
// It acts as the org toward apps too: it publishes the org's signing keys at
// KeysPath (RotateSigningKey replaces them) and sends an app's endpoint the
// Universal Logout requests Okta sends (SendUniversalLogout), so that a
// receiver can be tested against the org that signs them.
package oktatest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
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
	// ControlPrefix is the path prefix of the fake's own control API (see
	// api/oktatest-control.yaml): what the Go API offers, over HTTP, with the
	// API token.
	ControlPrefix = "/oktatest/v1/"
	// IssueTokenPath is the control API's route to mint session tokens
	// (POST, with the API token); see IssueSessionToken.
	IssueTokenPath = ControlPrefix + "session-tokens"
	// FaultHeader marks an answer that an injected fault spoilt (status or
	// body), so that checks of Okta's contract can tell it apart. Real Okta
	// never sends it.
	FaultHeader = "X-Oktatest-Fault"
)

// Server is the fake Okta org. It is safe for concurrent use.
type Server struct {
	// URL is the org URL, such as "http://127.0.0.1:41873".
	URL string
	// APIToken is the API token the server accepts.
	APIToken string
	// OrgID is the org's ID, the idp id of the sessions it creates.
	OrgID string

	clock     Clock
	http      *httptest.Server // nil for NewInProcess
	closing   chan struct{}    // closed by Close, to end fault delays
	closeOnce sync.Once
	chain     handler

	// The stages of the chain, each with its own state.
	router   *router
	recorder *recorder
	limits   *limits
	faults   *faults
	auth     authenticator
	sessions *sessions
	keys     *signingKeys // the org's, for what it signs (Universal Logout)
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
	o, err := newOptions(opts)
	if err != nil {
		return nil, err
	}
	s := newServer(o)
	s.http = httptest.NewUnstartedServer(s)
	if o.addr != "" {
		addr, err := loopback(o.addr)
		if err != nil {
			return nil, err
		}
		l, err := net.Listen("tcp", addr)
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

// loopback checks that addr is a loopback IP address or localhost, and a
// port; localhost is 127.0.0.1, so that the server never listens beyond
// this machine whatever the resolver says.
func loopback(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err == nil && strings.EqualFold(host, "localhost") {
		return net.JoinHostPort("127.0.0.1", port), nil
	}
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("address %q is not a loopback address (localhost or a loopback IP) and port", addr)
	}
	return addr, nil
}

// newServer builds the org and its chain, without a listener.
func newServer(o options) *Server {
	s := &Server{
		APIToken: o.apiToken,
		OrgID:    newOrgID(),
		clock:    o.clock,
		closing:  make(chan struct{}),
		recorder: &recorder{},
		limits:   newLimits(o.concurrency, o.rateLimit),
		auth:     authenticator{apiToken: o.apiToken, accessToken: o.accessToken, oauth: o.authServer},
		keys:     &signingKeys{},
	}
	s.faults = &faults{closing: s.closing, limits: s.limits}
	s.sessions = newSessions(o, s.OrgID)
	s.router = s.newRouter(control{s})
	s.chain = s.newChain()
	return s
}

// Close stops the server and closes its connections; it ends the delays of
// faults at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	if s.http != nil {
		s.http.Close()
	}
}

// Config returns a new okta.Configuration for the server: its URL and API
// token and, when the server runs on a clock that can also wait (such as a
// FakeClock), that clock, so that the client's retry waits move the server's
// time instead of sleeping; for a server of NewInProcess, an HTTPClient
// whose transport is RoundTripper. Change it (retries, headers, ...) and
// pass it to okta.NewAPIClient.
func (s *Server) Config() *okta.Configuration {
	cfg := okta.NewConfiguration()
	cfg.BasePath = s.URL
	cfg.APIToken = s.APIToken
	if c, ok := s.clock.(okta.Clock); ok {
		cfg.Clock = c
	}
	if s.http == nil {
		cfg.HTTPClient = &http.Client{
			Transport:     s.RoundTripper(),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return cfg
}

// Client returns a new client for the server, made from Config.
func (s *Server) Client() *okta.APIClient { return okta.NewAPIClient(s.Config()) }

// IssueSessionToken mints a one-time session token for user, as the Authn
// or IDX API would after the user signs in. It is valid for 5 minutes by the
// server's clock.
func (s *Server) IssueSessionToken(user User) string {
	return s.sessions.issue(user, s.clock.Now())
}

// Requests returns a copy of the requests to Okta's API received so far,
// oldest first; those of the control API are not kept.
func (s *Server) Requests() []Request { return s.recorder.list() }

// Reset forgets the org's users, session tokens, sessions, faults and
// recorded requests, and starts a new rate-limit window; the clock, API
// token, options, signing keys and service apps (and the tokens issued to
// them) stay.
func (s *Server) Reset() {
	s.sessions.reset()
	s.faults.clear()
	s.recorder.reset()
	s.limits.resetWindow()
}

// ServeHTTP answers one request as the org. The Server is an http.Handler
// that can be mounted at the root of a server of the caller's: the links in
// its answers are built from the request's Host (https when the request came
// over TLS), not from URL.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.chain(w, &call{req: r, now: s.clock.Now()})
}
