package test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// countingTokenSource counts the tokens asked of it.
type countingTokenSource struct{ asked atomic.Int32 }

func (s *countingTokenSource) Token() (*oauth2.Token, error) {
	s.asked.Add(1)
	return &oauth2.Token{AccessToken: "an-access-token"}, nil
}

// withEveryCredential returns a client of the env's org configured with the
// credential of mode (a Configuration holds one mode's), and a context that
// carries every credential a context can, so that a credential sent with the
// cookie would show.
func (e *env) withEveryCredential(t *testing.T, mode string) (okta.SessionApi, context.Context, *countingTokenSource) {
	ts := new(countingTokenSource)
	client := e.newClient(func(c *okta.Configuration) {
		switch mode {
		case "Bearer":
			c.APIToken, c.TokenSource = "", ts
		case "PrivateKey":
			app, key := oktatest.NewServiceApp("0oacurrent", true, "okta.sessions.read")
			require.NoError(t, e.srv.AuthServer().Register(app))
			sa := e.srv.ServiceAppConfig(app, key)
			c.APIToken, c.AuthorizationMode, c.ClientID = "", sa.AuthorizationMode, sa.ClientID
			c.PrivateKey, c.PrivateKeyID, c.Scopes = sa.PrivateKey, sa.PrivateKeyID, sa.Scopes
		}
		c.DefaultHeader = map[string]string{"DPoP": "a-dpop-proof", "Cookie": "sid=someone-else"}
	})
	c := context.WithValue(ctx, okta.ContextAPIKey, okta.APIKey{Key: e.srv.APIToken})
	c = context.WithValue(c, okta.ContextAccessToken, "an-access-token")
	c = context.WithValue(c, okta.ContextOAuth2, oauth2.TokenSource(ts))
	return client.SessionApi, c, ts
}

// seeded is a session in a state CreateSession never makes: second factor
// required, federated, verified at odd times.
func seeded(t *testing.T, e *env) okta.Session {
	t.Helper()
	pwd := t0.Add(-5 * time.Minute)
	seed := oktatest.SessionSeed{
		User:                     oktatest.User{ID: "00uann", Login: "ann@example.com"},
		Status:                   okta.SessionStatusMFARequired,
		AMR:                      []okta.SessionAuthenticationMethod{okta.SessionAuthenticationMethodPassword},
		IDPType:                  okta.SessionIdentityProviderTypeFederation,
		IDPID:                    "0oafederation",
		MFAActive:                true,
		LastPasswordVerification: pwd,
		CreatedAt:                t0.Add(-10 * time.Minute),
		ExpiresAt:                t0.Add(20 * time.Minute),
	}
	id, err := e.srv.SeedSession(seed)
	require.NoError(t, err)
	return okta.Session{
		Id: id, Login: "ann@example.com", UserId: "00uann", Status: okta.SessionStatusMFARequired,
		CreatedAt: seed.CreatedAt, ExpiresAt: seed.ExpiresAt, LastPasswordVerification: &pwd,
		Amr:       seed.AMR,
		Idp:       &okta.SessionIdentityProvider{Id: "0oafederation", Type: okta.SessionIdentityProviderTypeFederation},
		MfaActive: true,
	}
}

// The current-session operations find by either cookie the sessions made by
// CreateSession and by SeedSession, share them with the routes by id, and
// send the cookie alone from a client that holds every other credential.
func TestCurrentSession(t *testing.T) {
	makers := map[string]func(*testing.T, *env) okta.Session{
		"CreateSession": func(t *testing.T, e *env) okta.Session { return e.create(t) },
		"SeedSession":   seeded,
	}
	for made, makeSession := range makers {
		for _, name := range []string{"sid", "idx"} {
			for _, mode := range []string{"SSWS", "Bearer", "PrivateKey"} {
				t.Run(made+"/"+name+"/"+mode, func(t *testing.T) {
					e := newEnv(t, nil)
					api, credCtx, ts := e.withEveryCredential(t, mode)
					want := makeSession(t, e)
					cookie := &http.Cookie{Name: name, Value: want.Id}

					got, _, err := api.GetCurrentSession(credCtx, cookie)
					require.NoError(t, err)
					assert.Equal(t, e.srv.URL+"/api/v1/sessions/me", got.Links.Self.Href)
					got.Links, want.Links = nil, nil
					assert.Equal(t, want, got)

					e.clock.Advance(5 * time.Minute)
					got, _, err = api.RefreshCurrentSession(credCtx, cookie)
					require.NoError(t, err)
					assert.Equal(t, oktatest.DefaultIdleTimeout, got.TimeLeft(e.clock.Now()))
					byID, _, err := e.api.GetSession(ctx, want.Id)
					require.NoError(t, err)
					assert.Equal(t, got.ExpiresAt, byID.ExpiresAt, "one session behind both routes")

					resp, err := api.CloseCurrentSession(credCtx, cookie)
					require.NoError(t, err)
					assert.Equal(t, http.StatusNoContent, resp.StatusCode)
					_, _, err = api.GetCurrentSession(credCtx, cookie)
					requireAPIError(t, err, "GetCurrentSession", http.StatusNotFound, "E0000007", okta.ErrNotFound)
					_, _, err = e.api.GetSession(ctx, want.Id)
					requireAPIError(t, err, "GetSession", http.StatusNotFound, "E0000007", okta.ErrNotFound)

					assertCookieOnly(t, e.srv.Requests(), name)
					assert.Zero(t, ts.asked.Load(), "a token source was asked for a token")
					assert.Empty(t, e.routeRequests(oktatest.RouteToken), "a token was fetched for a cookie call")
				})
			}
		}
	}
}

// assertCookieOnly checks that every current-session request the fake
// received carried the one cookie name and no other credential.
func assertCookieOnly(t *testing.T, reqs []oktatest.Request, name string) {
	t.Helper()
	n := 0
	for _, r := range reqs {
		switch r.Route {
		case oktatest.RouteGetCurrentSession, oktatest.RouteRefreshCurrentSession, oktatest.RouteCloseCurrentSession:
			n++
			cookies := r.Header.Values("Cookie") // values masked, names kept
			if assert.Len(t, cookies, 1, r.Route) {
				assert.True(t, strings.HasPrefix(cookies[0], name+"=") && !strings.Contains(cookies[0], ";"), "%s: Cookie %q", r.Route, cookies[0])
			}
			assert.Empty(t, r.Header.Values("Authorization"), r.Route)
			assert.Empty(t, r.Header.Values("Dpop"), r.Route)
		}
	}
	assert.Equal(t, 4, n)
}
