package guard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// start is the fake clock's start in every test.
var start = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// org is a fake Okta org on a fake clock, with the keys its jwksServer publishes served
// at /oauth2/v1/keys.
type org struct {
	srv   *oktatest.Server
	clock *oktatest.FakeClock
	jwks  *jwksServer
}

// newOrg returns an in-process fake org on a fake clock.
func newOrg(t testing.TB, opts ...oktatest.Option) *org {
	t.Helper()
	clock := oktatest.NewFakeClock(start)
	srv, err := oktatest.NewInProcess(append([]oktatest.Option{oktatest.WithClock(clock)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &org{srv: srv, clock: clock, jwks: newJWKSServer(t)}
}

// config returns a configuration for the org, without retries (a retry
// would move the fake clock), whose transport serves /oauth2/v1/keys from
// o.jwks and the rest from the fake.
func (o *org) config() *okta.Configuration {
	cfg := o.srv.Config()
	cfg.MaxRetries = okta.NoRetries
	fake := cfg.HTTPClient.Transport
	cfg.HTTPClient.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/oauth2/v1/keys" {
			return o.jwks.RoundTrip(r)
		}
		return fake.RoundTrip(r)
	})
	return cfg
}

// guard returns a guard on a new client of the org, closed at the test's end.
func (o *org) guard(t testing.TB, opts guard.Options) *guard.Guard {
	t.Helper()
	g, err := guard.New(okta.NewAPIClient(o.config()), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g
}

// session seeds an ACTIVE session of user and returns its id.
func (o *org) session(t testing.TB, user oktatest.User) string {
	t.Helper()
	return o.seed(t, oktatest.SessionSeed{User: user})
}

// seed seeds a session and returns its id.
func (o *org) seed(t testing.TB, s oktatest.SessionSeed) string {
	t.Helper()
	id, err := o.srv.SeedSession(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// calls counts the requests of route the org received.
func (o *org) calls(route oktatest.Route) int {
	n := 0
	for _, r := range o.srv.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}

// roundTripFunc is a function as an http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// mustCheck checks id and fails the test unless it is usable.
func mustCheck(t *testing.T, g *guard.Guard, id string) okta.Session {
	t.Helper()
	s, err := g.Check(context.Background(), id)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return s
}

// mustRefuse checks id and fails the test unless it is refused for reason.
func mustRefuse(t *testing.T, g *guard.Guard, id string, reason guard.Reason) {
	t.Helper()
	_, err := g.Check(context.Background(), id)
	assertReason(t, err, reason)
}

// assertReason fails the test unless err is a *guard.SessionError for reason.
func assertReason(t *testing.T, err error, reason guard.Reason) {
	t.Helper()
	var se *guard.SessionError
	if !errorsAs(err, &se) || se.Reason != reason {
		t.Fatalf("err = %v, want reason %q", err, reason)
	}
}

// parallel runs f in n goroutines at once and waits for them.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			f(i)
		}()
	}
	close(ready)
	wg.Wait()
}

// endpoint is the Universal Logout endpoint the tests register.
const endpoint = "https://app.example.com/okta/universal-logout"

// token returns a valid Universal Logout token of the org, changed by edit.
func (o *org) token(t *testing.T, edit func(*logoutToken)) string {
	t.Helper()
	now := o.clock.Now()
	lt := logoutToken{iss: o.srv.URL, aud: endpoint, iat: now, nbf: now, exp: now.Add(5 * time.Minute)}
	if edit != nil {
		edit(&lt)
	}
	return lt.sign(t)
}

// logout sends body to g's receiver as Okta would and returns the status.
func (o *org) logout(t *testing.T, g *guard.Guard, body string) int {
	t.Helper()
	return o.send(g, "Bearer "+o.token(t, nil), body).Code
}

// send sends body with the Authorization auth to g's receiver.
func (o *org) send(g *guard.Guard, auth, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, endpoint, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	g.UniversalLogout(endpoint).ServeHTTP(w, r)
	return w
}

// newRecorder returns an httptest.ResponseRecorder.
func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
