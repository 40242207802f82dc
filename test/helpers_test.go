// Package test holds black-box tests of okta-session-go: they use only the
// exported API of package okta and the oktatest fake, over real HTTP, and
// check every request and answer against api/openapi.yaml.
package test

import (
	"net/http"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// t0 is when every fake clock of the suite starts.
var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// env is a fake org, its clock, and an SDK client whose traffic is checked
// against the spec.
type env struct {
	srv    *oktatest.Server
	clock  *oktatest.FakeClock
	client *okta.APIClient
	api    okta.SessionApi
}

// newEnv starts a fake org on a fake clock and a client for it; edit, when
// given, changes the client's configuration.
func newEnv(t testing.TB, edit func(*okta.Configuration), opts ...oktatest.Option) *env {
	t.Helper()
	clock := oktatest.NewFakeClock(t0)
	srv := oktatest.NewServer(t, append([]oktatest.Option{oktatest.WithClock(clock)}, opts...)...)
	conf := &conformance{t: t, next: http.DefaultTransport.(*http.Transport).Clone()}
	cfg := srv.Config()
	cfg.HTTPClient = &http.Client{Transport: conf, Timeout: 10 * time.Second}
	if edit != nil {
		edit(cfg)
	}
	client := okta.NewAPIClient(cfg)
	t.Cleanup(func() {
		if len(srv.Requests()) > 0 && conf.checked.Load() == 0 {
			t.Errorf("conformance: %d requests reached the fake, none was checked", len(srv.Requests()))
		}
	})
	return &env{srv: srv, clock: clock, client: client, api: client.SessionApi}
}
