package oktatest

import (
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newAppServer starts a Server on a FakeClock with ecApp (DPoP) and an RSA
// app without DPoP registered, no nonce dance at the token endpoint, and a
// harness aimed at the Server's token endpoint.
func newAppServer(t *testing.T) (*Server, *authHarness) {
	t.Helper()
	clock := NewFakeClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	rsa := rsaApp
	rsa.PublicKey = &authRSAKey().PublicKey
	srv := NewServer(t, WithClock(clock), WithServiceApp(ecApp(t)), WithServiceApp(rsa))
	srv.AuthServer().RequireTokenNonce(false)
	return srv, &authHarness{as: srv.AuthServer(), clock: clock, tokenURL: srv.URL + TokenPath}
}

// apiAnswer is the Server's answer to an API request.
type apiAnswer struct {
	status    int
	challenge string
	errorCode string
}

// callAPI sends method path to srv with "scheme token" and, for DPoP, a
// fresh proof by the EC key.
func (h *authHarness) callAPI(t *testing.T, srv *Server, method, path, scheme, token string) apiAnswer {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", scheme+" "+token)
	if scheme == "DPoP" {
		p := h.goodProof()
		p.htm, p.htu, p.ath = method, srv.URL+path, accessTokenHash(token)
		req.Header.Set("DPoP", p.sign(t))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct{ ErrorCode string }
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &body)
	return apiAnswer{resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body.ErrorCode}
}

func TestServer_tokenRoute(t *testing.T) {
	srv, h := newAppServer(t)
	got := h.post(t, h.goodAssertion().sign(t), "okta.sessions.read", h.goodProof().sign(t))
	require.Equal(t, http.StatusOK, got.status, got.body)
	assert.Equal(t, "DPoP", got.body["token_type"])
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, RouteToken, reqs[0].Route)
	assert.Equal(t, http.StatusOK, reqs[0].Status)
	assert.Equal(t, got.header.Get("X-Okta-Request-Id"), reqs[0].RequestID, "one request id, the chain's")
}

// The session routes take a service app's token with the route's scope;
// without it, Okta's 403 with the scope in the challenge.
func TestServer_scopes(t *testing.T) {
	srv, h := newAppServer(t)
	read := h.issue(t, "okta.sessions.read")
	manage := h.issue(t, "okta.sessions.manage")
	tests := []struct {
		name, method, path, token string
		status                    int
		code, scope               string
	}{
		{"get with read", http.MethodGet, "/api/v1/sessions/102abc", read, 404, "E0000007", ""},
		{"get with manage only", http.MethodGet, "/api/v1/sessions/102abc", manage, 403, "E0000006", "okta.sessions.read"},
		{"end with read", http.MethodDelete, "/api/v1/sessions/102abc", read, 403, "E0000006", "okta.sessions.manage"},
		{"end with manage", http.MethodDelete, "/api/v1/sessions/102abc", manage, 404, "E0000007", ""},
		{"refresh with read", http.MethodPost, "/api/v1/sessions/102abc/lifecycle/refresh", read, 403, "E0000006", "okta.sessions.manage"},
		{"create with read", http.MethodPost, "/api/v1/sessions", read, 403, "E0000006", "okta.sessions.manage"},
		{"revoke with manage", http.MethodDelete, "/api/v1/users/00u1/sessions", manage, 403, "E0000006", "okta.users.manage"},
		{"current session without a cookie: Okta's 404", http.MethodGet, "/api/v1/sessions/me", read, 404, "E0000007", ""},
		{"control API: the API token only", http.MethodGet, ControlPrefix + "clock", read, 401, "E0000011", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.callAPI(t, srv, tt.method, tt.path, "DPoP", tt.token)
			assert.Equal(t, tt.status, got.status)
			assert.Equal(t, tt.code, got.errorCode)
			if tt.scope != "" {
				assert.True(t, strings.HasPrefix(got.challenge, "DPoP "), got.challenge)
				assert.Contains(t, got.challenge, `error="insufficient_scope"`)
				assert.Contains(t, got.challenge, `scope="`+tt.scope+`"`)
			}
		})
	}
}

func TestServer_tokenRefused(t *testing.T) {
	srv, h := newAppServer(t)
	tok := h.issue(t, "okta.sessions.read")
	got := h.callAPI(t, srv, http.MethodGet, "/api/v1/sessions/102abc", "Bearer", tok)
	assert.Equal(t, http.StatusUnauthorized, got.status, "a DPoP-bound token sent as Bearer")
	assert.Contains(t, got.challenge, `error="invalid_token"`)

	h.clock.Advance(DefaultTokenLifetime)
	got = h.callAPI(t, srv, http.MethodGet, "/api/v1/sessions/102abc", "DPoP", tok)
	assert.Equal(t, apiAnswer{http.StatusUnauthorized, got.challenge, "E0000011"}, got, "an expired token")
	assert.True(t, strings.HasPrefix(got.challenge, `DPoP `), got.challenge)
	assert.Contains(t, got.challenge, `error="invalid_token"`)

	got = h.callAPI(t, srv, http.MethodGet, "/api/v1/sessions/102abc", "Bearer", "unknown")
	assert.Equal(t, apiAnswer{http.StatusUnauthorized, got.challenge, "E0000011"}, got)
}

func TestServer_bearerApp(t *testing.T) {
	srv, h := newAppServer(t)
	a := h.goodAssertion()
	a.key, a.alg, a.kid, a.iss, a.sub = authRSAKey(), jose.RS256, "r1", "0oaRSA", "0oaRSA"
	got := h.post(t, a.sign(t), "okta.sessions.read", "")
	require.Equal(t, http.StatusOK, got.status, got.body)
	require.Equal(t, "Bearer", got.body["token_type"])
	tok := got.body["access_token"].(string)
	assert.Equal(t, 404, h.callAPI(t, srv, http.MethodGet, "/api/v1/sessions/102abc", "Bearer", tok).status)
	assert.Equal(t, 401, h.callAPI(t, srv, http.MethodGet, "/api/v1/sessions/102abc", "DPoP", tok).status, "a Bearer token sent as DPoP")
}

func TestWithServiceApp_refused(t *testing.T) {
	for _, app := range []ServiceApp{{}, {ClientID: "0oa1"}, {ClientID: "0oa1", JWKS: "{"}} {
		_, err := Start(WithServiceApp(app))
		assert.Error(t, err, "%+v", app)
	}
}

func TestNewServiceApp(t *testing.T) {
	app, key := NewServiceApp("0oaNew", true, "okta.sessions.read")
	assert.Equal(t, "0oaNew", app.ClientID)
	assert.True(t, app.RequireDPoP)
	assert.Equal(t, []string{"okta.sessions.read"}, app.Scopes)
	require.IsType(t, &ecdsa.PublicKey{}, app.PublicKey)
	assert.True(t, strings.HasPrefix(key, "-----BEGIN PRIVATE KEY-----\n"))

	srv := NewServer(t, WithServiceApp(app))
	cfg := srv.ServiceAppConfig(app, key)
	assert.Empty(t, cfg.APIToken)
	assert.Equal(t, "PrivateKey", cfg.AuthorizationMode)
	assert.Equal(t, app.Scopes, cfg.Scopes)
	assert.Equal(t, key, cfg.PrivateKey)
	assert.NoError(t, cfg.Validate())
}

// Printing the Server or its AuthServer, with fmt or slog, shows neither the
// API token nor an access token issued.
func TestServerPrintsNoSecret(t *testing.T) {
	srv, h := newAppServer(t)
	token := h.issue(t, "okta.sessions.read")
	var buf strings.Builder
	for _, v := range []any{srv, srv.AuthServer()} {
		for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
			fmt.Fprintf(&buf, format+"\n", v)
		}
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("fake", "v", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("fake", "v", v)
	}
	b, err := json.Marshal(srv)
	require.NoError(t, err)
	buf.Write(b)
	out := buf.String()
	assert.Contains(t, out, srv.URL)
	assert.NotContains(t, out, srv.APIToken)
	assert.NotContains(t, out, token)
}
