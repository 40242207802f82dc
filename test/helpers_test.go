// Package test holds black-box tests of okta-session-go: they use only the
// exported API of package okta and the oktatest fake, over real HTTP, and
// check every request and answer against api/openapi.yaml.
package test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// t0 is when every fake clock of the suite starts.
var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// env is a fake org, its clock, and an SDK client whose traffic is checked
// against the spec.
type env struct {
	srv   *oktatest.Server
	clock *oktatest.FakeClock
	// conf counts the checks of every client of the env; the clients send
	// through its wraps (see clientFor), never through conf itself.
	conf   *conformance
	client *okta.APIClient
	api    okta.SessionApi
}

// newEnv starts a fake org on a fake clock and a client for it; edit, when
// given, changes the client's configuration.
func newEnv(t testing.TB, edit func(*okta.Configuration), opts ...oktatest.Option) *env {
	t.Helper()
	clock := oktatest.NewFakeClock(t0)
	srv := oktatest.NewServer(t, append([]oktatest.Option{oktatest.WithClock(clock)}, opts...)...)
	e := &env{srv: srv, clock: clock, conf: newConformance(t, nil)}
	e.client = e.newClient(edit)
	e.api = e.client.SessionApi
	t.Cleanup(func() {
		if len(srv.Requests()) > 0 && e.conf.checked.Load() == 0 {
			t.Errorf("conformance: %d requests reached the fake, none was checked", len(srv.Requests()))
		}
	})
	return e
}

// newClient returns another client of the env's org whose traffic is
// checked against the spec; edit, when given, changes its configuration,
// whose HTTPClient has a transport of its own (an *http.Transport) and a
// 10 s timeout.
func (e *env) newClient(edit func(*okta.Configuration)) *okta.APIClient {
	cfg := e.srv.Config()
	cfg.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone(), Timeout: 10 * time.Second}
	if edit != nil {
		edit(cfg)
	}
	return e.clientFor(cfg)
}

// clientFor returns a client made from cfg whose every request is checked
// against the spec, counted with the env's, and that is watched for leaks.
// cfg.HTTPClient (a copy) gets its transport wrapped in the check; when
// nil, it is a client with a 10 s timeout and a transport of its own.
func (e *env) clientFor(cfg *okta.Configuration) *okta.APIClient {
	hc := http.Client{Timeout: 10 * time.Second}
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport.(*http.Transport).Clone()
	}
	hc.Transport = e.conf.wrap(next)
	cfg.HTTPClient = &hc
	watch(e.conf.t, cfg) // every test is a leak test: see observability_test.go
	return okta.NewAPIClient(cfg)
}

// create makes a session for a new user.
func (e *env) create(t testing.TB) okta.Session {
	t.Helper()
	s, _, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: e.srv.IssueSessionToken(oktatest.User{})})
	require.NoError(t, err)
	return s
}

// requireAPIError asserts err is an *APIError with status, code and sentinel.
func requireAPIError(t *testing.T, err error, op string, status int, code string, sentinel error) *okta.APIError {
	t.Helper()
	var e *okta.APIError
	require.ErrorAs(t, err, &e)
	assert.Equal(t, op, e.Op)
	assert.Equal(t, status, e.StatusCode)
	assert.Equal(t, code, e.ErrorCode)
	assert.NotEmpty(t, e.RequestId)
	assert.NotNil(t, e.Response)
	if sentinel != nil {
		assert.ErrorIs(t, err, sentinel)
	}
	return e
}

// exhaust spends n requests of the rate-limit window that started at t0,
// then moves the clock to d before the window's reset.
func (e *env) exhaust(n int, d time.Duration) {
	api := e.newClient(func(c *okta.Configuration) { c.MaxRetries = okta.NoRetries }).SessionApi
	for range n {
		_, _, _ = api.GetSession(ctx, "102spend")
	}
	e.clock.Set(t0.Add(time.Minute - d))
}

// routeRequests returns the requests of route the fake recorded, in order.
func (e *env) routeRequests(route oktatest.Route) []oktatest.Request {
	var out []oktatest.Request
	for _, r := range e.srv.Requests() {
		if r.Route == route {
			out = append(out, r)
		}
	}
	return out
}

// attempts counts the requests of route the fake recorded.
func (e *env) attempts(route oktatest.Route) int { return len(e.routeRequests(route)) }
