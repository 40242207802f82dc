package test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// The service apps' keys, made once for the suite (crypto/rand does not
// fail).
var (
	appRSAKey = sync.OnceValue(func() *rsa.PrivateKey {
		k, _ := rsa.GenerateKey(rand.Reader, 2048)
		return k
	})
	appECKey   = sync.OnceValue(newECKey)
	appOtherEC = sync.OnceValue(newECKey)
)

// newECKey returns a new P-256 key.
func newECKey() *ecdsa.PrivateKey {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	return k
}

// privatePEM is key as PEM: PKCS#1 for "RSA PRIVATE KEY", SEC1 for "EC
// PRIVATE KEY", else PKCS#8 ("PRIVATE KEY").
func privatePEM(t *testing.T, typ string, key crypto.Signer) string {
	t.Helper()
	var der []byte
	var err error
	switch typ {
	case "RSA PRIVATE KEY":
		der = x509.MarshalPKCS1PrivateKey(key.(*rsa.PrivateKey))
	case "EC PRIVATE KEY":
		der, err = x509.MarshalECPrivateKey(key.(*ecdsa.PrivateKey))
	default:
		der, err = x509.MarshalPKCS8PrivateKey(key)
	}
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// jwkOf is key as a private JWK with kid.
func jwkOf(t *testing.T, key crypto.Signer, kid string) string {
	t.Helper()
	b, err := json.Marshal(jose.JSONWebKey{Key: key, KeyID: kid})
	require.NoError(t, err)
	return string(b)
}

// sessionScopes are the scopes of a session service app.
var sessionScopes = []string{"okta.sessions.read", "okta.sessions.manage"}

// newAppEnv starts a fake org with app registered and a client in
// "PrivateKey" mode for it, with privateKey and every scope granted to the
// app; edit, when given, changes the configuration after that.
func newAppEnv(t *testing.T, app oktatest.ServiceApp, privateKey string, edit func(*okta.Configuration), opts ...oktatest.Option) *env {
	t.Helper()
	return newEnv(t, func(c *okta.Configuration) {
		c.APIToken, c.AuthorizationMode = "", "PrivateKey"
		c.ClientID, c.Scopes, c.PrivateKey, c.PrivateKeyID = app.ClientID, app.Scopes, privateKey, app.KeyID
		if edit != nil {
			edit(c)
		}
	}, append(opts, oktatest.WithServiceApp(app))...)
}

// newDPoPEnv is newAppEnv for a new app with a P-256 key that requires
// DPoP and has the session scopes; the token endpoint asks for no nonce.
func newDPoPEnv(t *testing.T) *env {
	t.Helper()
	app, key := oktatest.NewServiceApp("0oaDPoP", true, sessionScopes...)
	e := newAppEnv(t, app, key, nil)
	e.srv.AuthServer().RequireTokenNonce(false)
	return e
}

// seed makes a session, without any request to the API.
func (e *env) seed(t *testing.T) string {
	t.Helper()
	id, err := e.srv.SeedSession(oktatest.SessionSeed{User: oktatest.User{Login: "ann@example.com"}})
	require.NoError(t, err)
	return id
}

// proofClaims are the claims of a DPoP proof the fake recorded.
type proofClaims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	Nonce string `json:"nonce"`
	ATH   string `json:"ath"`
}

// proofOf reads the claims of the one DPoP proof of a recorded request,
// which the fake has verified and keeps without its signature.
func proofOf(t *testing.T, r oktatest.Request) proofClaims {
	t.Helper()
	require.Len(t, r.Header.Values("DPoP"), 1, "%s %s carries one proof", r.Method, r.Path)
	parts := strings.Split(r.Header.Get("DPoP"), ".")
	require.Len(t, parts, 3)
	assert.Equal(t, "[redacted]", parts[2], "the recorded proof keeps no signature")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c proofClaims
	require.NoError(t, json.Unmarshal(payload, &c))
	return c
}

func TestServiceApp_keys(t *testing.T) {
	rsaKey, ecKey := appRSAKey(), appECKey()
	tests := []struct {
		name       string
		public     crypto.PublicKey
		kid        string
		privateKey string
	}{
		{"RSA PKCS#1 PEM", &rsaKey.PublicKey, "", privatePEM(t, "RSA PRIVATE KEY", rsaKey)},
		{"RSA PKCS#8 PEM", &rsaKey.PublicKey, "", privatePEM(t, "PRIVATE KEY", rsaKey)},
		{"RSA JWK", &rsaKey.PublicKey, "rsa-1", jwkOf(t, rsaKey, "rsa-1")},
		{"EC SEC1 PEM", &ecKey.PublicKey, "", privatePEM(t, "EC PRIVATE KEY", ecKey)},
		{"EC PKCS#8 PEM", &ecKey.PublicKey, "", privatePEM(t, "PRIVATE KEY", ecKey)},
		{"EC JWK", &ecKey.PublicKey, "ec-1", jwkOf(t, ecKey, "ec-1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := oktatest.ServiceApp{ClientID: "0oaKeys", PublicKey: tt.public, KeyID: tt.kid, Scopes: sessionScopes, RequireDPoP: true}
			e := newAppEnv(t, app, tt.privateKey, func(c *okta.Configuration) {
				c.PrivateKeyID = "" // a JWK brings its own kid
			})
			s := e.create(t)
			got, _, err := e.api.GetSession(ctx, s.Id)
			require.NoError(t, err)
			assert.Equal(t, s.Id, got.Id)
			_, err = e.api.EndSession(ctx, s.Id)
			require.NoError(t, err)
			tokens := e.routeRequests(oktatest.RouteToken)
			require.Len(t, tokens, 2, "the nonce dance, then one token for every call")
			assert.Equal(t, http.StatusOK, tokens[1].Status)
		})
	}
}

// A client with another key than the app's: the token endpoint refuses
// its assertion, and no request reaches the API.
func TestServiceApp_wrongKey(t *testing.T) {
	app := oktatest.ServiceApp{ClientID: "0oaWrong", PublicKey: &appECKey().PublicKey, Scopes: sessionScopes, RequireDPoP: true}
	e := newAppEnv(t, app, privatePEM(t, "PRIVATE KEY", appECKey()), nil)
	_, _, err := e.api.GetSession(ctx, e.seed(t))
	require.NoError(t, err, "the app's own key")

	wrong := e.clientFor(e.srv.ServiceAppConfig(app, privatePEM(t, "PRIVATE KEY", appOtherEC())))
	_, _, err = wrong.SessionApi.GetSession(ctx, "102abc")
	var oe *okta.OAuthError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, http.StatusUnauthorized, oe.StatusCode)
	assert.Equal(t, "invalid_client", oe.ErrorCode)
	assert.NotEmpty(t, oe.RequestId)
	assert.ErrorIs(t, err, okta.ErrUnauthorized)
	assert.Len(t, e.routeRequests(oktatest.RouteGetSession), 1, "only the good client's")
}

// A token without an operation's scope: the token endpoint grants what the
// app has, and the API answers 403 with the missing scope in the
// challenge. A scope the app was not granted is refused at the token
// endpoint.
func TestServiceApp_missingScope(t *testing.T) {
	app, key := oktatest.NewServiceApp("0oaReader", true, "okta.sessions.read")
	e := newAppEnv(t, app, key, nil)
	id := e.seed(t)
	_, _, err := e.api.GetSession(ctx, id)
	require.NoError(t, err)
	_, err = e.api.EndSession(ctx, id)
	apiErr := requireAPIError(t, err, "EndSession", http.StatusForbidden, "E0000006", okta.ErrForbidden)
	require.NotNil(t, apiErr.Challenge)
	assert.Equal(t, "DPoP", apiErr.Challenge.Scheme)
	assert.Equal(t, "insufficient_scope", apiErr.Challenge.Error)
	assert.Equal(t, "okta.sessions.manage", apiErr.Challenge.Scope)
	for _, r := range e.routeRequests(oktatest.RouteToken)[1:] {
		assert.Equal(t, http.StatusOK, r.Status, "the token endpoint is fine")
	}

	cfg := e.srv.ServiceAppConfig(app, key)
	cfg.Scopes = sessionScopes
	_, _, err = e.clientFor(cfg).SessionApi.GetSession(ctx, id)
	var oe *okta.OAuthError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "invalid_scope", oe.ErrorCode)
}

// An app that requires DPoP gets DPoP-bound tokens, and every API request
// carries a proof; one that does not gets Bearer tokens, and the API gets
// no proofs. Token requests carry a proof either way.
func TestServiceApp_dpopRequiredOrNot(t *testing.T) {
	for _, required := range []bool{true, false} {
		app, key := oktatest.NewServiceApp("0oaApp", required, sessionScopes...)
		e := newAppEnv(t, app, key, nil)
		s := e.create(t)
		_, _, err := e.api.RefreshSession(ctx, s.Id)
		require.NoError(t, err)
		for _, r := range e.srv.Requests() {
			switch r.Route {
			case oktatest.RouteToken:
				assert.Len(t, r.Header.Values("DPoP"), 1, "a token request without a proof")
				continue
			case oktatest.RouteCreateSession: // anonymous in the OAuth modes
				assert.Empty(t, r.Header.Values("Authorization"))
				assert.Empty(t, r.Header.Values("DPoP"))
				continue
			}
			scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			if required {
				assert.Equal(t, "DPoP", scheme)
				assert.NotEmpty(t, proofOf(t, r).ATH)
			} else {
				assert.Equal(t, "Bearer", scheme)
				assert.Empty(t, r.Header.Values("DPoP"), "a proof sent with a Bearer token")
			}
		}
	}
}

// The nonce dance at the token endpoint and at the API costs one extra
// attempt each, and no request ever goes without a proof; the nonces are
// remembered, and a rotated one costs one extra attempt again.
func TestServiceApp_nonces(t *testing.T) {
	app, key := oktatest.NewServiceApp("0oaNonce", true, sessionScopes...)
	e := newAppEnv(t, app, key, func(c *okta.Configuration) { c.MaxRetries = okta.NoRetries })
	e.srv.AuthServer().RequireAPINonce(true)
	id := e.seed(t)
	for range 2 {
		_, _, err := e.api.GetSession(ctx, id)
		require.NoError(t, err)
	}
	e.srv.AuthServer().RotateNonces()
	_, _, err := e.api.GetSession(ctx, id)
	require.NoError(t, err, "one extra attempt, though retries are off")

	var got []string
	for _, r := range e.srv.Requests() {
		c := proofOf(t, r)
		got = append(got, string(r.Route)+" "+http.StatusText(r.Status)+" "+map[bool]string{true: "nonce", false: "none"}[c.Nonce != ""])
	}
	assert.Equal(t, []string{
		"Token Bad Request none", "Token OK nonce", // the token endpoint's nonce dance
		"GetSession Unauthorized none", "GetSession OK nonce", // the API's
		"GetSession OK nonce",                                  // both nonces remembered
		"GetSession Unauthorized nonce", "GetSession OK nonce", // the API's nonce rotated
	}, got)
}

// A retry for any reason, under DPoP, carries a new proof.
func TestServiceApp_retriesGetNewProofs(t *testing.T) {
	for _, fault := range []oktatest.Fault{
		{Route: oktatest.RouteGetSession, Count: 1, Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}},
		{Route: oktatest.RouteGetSession, Count: 1, Drop: true},
	} {
		e := newDPoPEnv(t)
		id := e.seed(t)
		e.srv.InjectFault(fault)
		_, _, err := e.api.GetSession(ctx, id)
		require.NoError(t, err)
		gets := e.routeRequests(oktatest.RouteGetSession)
		require.Len(t, gets, 2)
		assert.NotEqual(t, proofOf(t, gets[0]).JTI, proofOf(t, gets[1]).JTI, "a spent proof sent again")
		assert.Equal(t, "1", gets[1].Header.Get("X-Okta-Retry-Count"))
	}
}

func TestServiceApp_oneTokenFor64Callers(t *testing.T) {
	e := newDPoPEnv(t)
	id := e.seed(t)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			_, _, err := e.api.GetSession(ctx, id)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Len(t, e.routeRequests(oktatest.RouteToken), 1)
	assert.Len(t, e.routeRequests(oktatest.RouteGetSession), 64)
}

// A token is renewed before it expires: one new fetch, and the API never
// sees an expired token.
func TestServiceApp_tokenExpiresMidRun(t *testing.T) {
	e := newDPoPEnv(t)
	id := e.seed(t)
	for _, step := range []time.Duration{0, 30 * time.Minute, 30 * time.Minute, time.Minute} {
		e.clock.Advance(step)
		_, _, err := e.api.GetSession(ctx, id)
		require.NoError(t, err)
	}
	assert.Len(t, e.routeRequests(oktatest.RouteToken), 2)
	for _, r := range e.routeRequests(oktatest.RouteGetSession) {
		assert.Equal(t, http.StatusOK, r.Status)
	}
}

func TestConfiguredTokenSource(t *testing.T) {
	e := newEnv(t, func(c *okta.Configuration) {
		c.APIToken, c.TokenSource = "", oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "at-from-the-source"})
	}, oktatest.WithAccessToken("at-from-the-source"))
	s := e.create(t)
	_, _, err := e.api.GetSession(ctx, s.Id)
	require.NoError(t, err)
	for _, r := range e.srv.Requests() {
		if r.Route == oktatest.RouteCreateSession { // anonymous in the OAuth modes
			assert.Empty(t, r.Header.Values("Authorization"))
		} else {
			assert.Equal(t, "Bearer [redacted]", r.Header.Get("Authorization"))
		}
		assert.Empty(t, r.Header.Values("DPoP"))
	}
}
