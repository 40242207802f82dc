package oktatest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	authRSAKey = sync.OnceValue(func() *rsa.PrivateKey { return mustKey(rsa.GenerateKey(rand.Reader, 2048)) })
	authECKey  = sync.OnceValue(func() *ecdsa.PrivateKey { return mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
	otherECKey = sync.OnceValue(func() *ecdsa.PrivateKey { return mustKey(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
)

func mustKey[K any](k K, err error) K {
	if err != nil {
		panic(err)
	}
	return k
}

// authHarness is an AuthServer on a FakeClock behind a local HTTP server.
type authHarness struct {
	as       *AuthServer
	clock    *FakeClock
	tokenURL string
}

// newAuthHarness starts an AuthServer with the given apps registered.
func newAuthHarness(t *testing.T, apps ...ServiceApp) *authHarness {
	t.Helper()
	clock := NewFakeClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	as := NewAuthServer(clock)
	for _, app := range apps {
		require.NoError(t, as.Register(app))
	}
	srv := httptest.NewServer(as)
	t.Cleanup(srv.Close)
	return &authHarness{as: as, clock: clock, tokenURL: srv.URL + TokenPath}
}

// assertion describes a client assertion; sign makes it.
type assertion struct {
	key               crypto.Signer
	alg               jose.SignatureAlgorithm
	kid, iss, sub, id string
	aud               string
	iat, exp          time.Time
}

// goodAssertion is a valid assertion of client "0oaEC" signed with the EC key.
func (h *authHarness) goodAssertion() assertion {
	now := h.clock.Now()
	return assertion{key: authECKey(), alg: jose.ES256, iss: "0oaEC", sub: "0oaEC", id: newID("jti", 16),
		aud: h.tokenURL, iat: now, exp: now.Add(5 * time.Minute)}
}

// sign returns the assertion as a JWT signed with go-jose.
func (a assertion) sign(t *testing.T) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: a.alg, Key: jose.JSONWebKey{Key: a.key, KeyID: a.kid}}, nil)
	require.NoError(t, err)
	s, err := jwt.Signed(signer).Claims(jwt.Claims{Issuer: a.iss, Subject: a.sub, ID: a.id, Audience: jwt.Audience{a.aud},
		IssuedAt: jwt.NewNumericDate(a.iat), Expiry: jwt.NewNumericDate(a.exp)}).Serialize()
	require.NoError(t, err)
	return s
}

// proof describes a DPoP proof; sign makes it.
type proof struct {
	key                       crypto.Signer
	typ, htm, htu, ath, nonce string
	jti                       string
	iat                       time.Time
}

// goodProof is a valid token request proof by the EC key, without nonce.
func (h *authHarness) goodProof() proof {
	return proof{key: authECKey(), typ: "dpop+jwt", htm: "POST", htu: h.tokenURL, jti: newID("p", 16), iat: h.clock.Now()}
}

// sign returns the proof as a JWS made by go-jose, its jwk embedded.
func (p proof) sign(t *testing.T) string {
	t.Helper()
	opts := (&jose.SignerOptions{EmbedJWK: true}).WithType(jose.ContentType(p.typ))
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: p.key}, opts)
	require.NoError(t, err)
	claims := map[string]any{"jti": p.jti, "htm": p.htm, "htu": p.htu, "iat": p.iat.Unix()}
	for k, v := range map[string]string{"ath": p.ath, "nonce": p.nonce} {
		if v != "" {
			claims[k] = v
		}
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	require.NoError(t, err)
	return s
}

// tokenAnswerOf is a decoded token endpoint answer.
type tokenAnswerOf struct {
	status int
	header http.Header
	body   map[string]any
}

// post sends a token request with the assertion, the scopes and, when not
// empty, a DPoP proof.
func (h *authHarness) post(t *testing.T, assertion, scope, dpopProof string) tokenAnswerOf {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {assertion}}
	req, err := http.NewRequest(http.MethodPost, h.tokenURL, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if dpopProof != "" {
		req.Header.Set("DPoP", dpopProof)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	a := tokenAnswerOf{status: resp.StatusCode, header: resp.Header}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a.body))
	return a
}

// ecApp is a DPoP-requiring app with the EC key in a JWKS.
func ecApp(t *testing.T) ServiceApp {
	t.Helper()
	jwks, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &authECKey().PublicKey, KeyID: "ec1"}, {Key: &authRSAKey().PublicKey, KeyID: "rsa1"}}})
	require.NoError(t, err)
	return ServiceApp{ClientID: "0oaEC", JWKS: string(jwks), Scopes: []string{"okta.sessions.read", "okta.sessions.manage"}, RequireDPoP: true}
}

// rsaApp is an app without DPoP, with the RSA public key.
var rsaApp = ServiceApp{ClientID: "0oaRSA", KeyID: "r1", Scopes: []string{"okta.sessions.read"}}

func TestAuthServer_bearerGrant(t *testing.T) {
	app := rsaApp
	app.PublicKey = &authRSAKey().PublicKey
	h := newAuthHarness(t, app)
	a := h.goodAssertion()
	a.key, a.alg, a.kid, a.iss, a.sub = authRSAKey(), jose.RS256, "r1", "0oaRSA", "0oaRSA"
	got := h.post(t, a.sign(t), "okta.sessions.read", h.goodProof().sign(t)) // a proof is ignored
	require.Equal(t, http.StatusOK, got.status, got.body)
	assert.Equal(t, "Bearer", got.body["token_type"])
	assert.EqualValues(t, 3600, got.body["expires_in"])
	assert.Equal(t, "okta.sessions.read", got.body["scope"])
	assert.NotEmpty(t, got.body["access_token"])
	assert.Equal(t, "no-store", got.header.Get("Cache-Control"))
}

func TestAuthServer_dpopGrantWithNonce(t *testing.T) {
	h := newAuthHarness(t, ecApp(t))
	a := h.goodAssertion()
	a.kid = "ec1"
	got := h.post(t, a.sign(t), "okta.sessions.read", h.goodProof().sign(t))
	require.Equal(t, http.StatusBadRequest, got.status)
	assert.Equal(t, "use_dpop_nonce", got.body["error"])
	nonce := got.header.Get("DPoP-Nonce")
	require.NotEmpty(t, nonce)

	a.id = "fresh-jti"
	p := h.goodProof()
	p.nonce = nonce
	got = h.post(t, a.sign(t), "okta.sessions.read okta.sessions.manage", p.sign(t))
	require.Equal(t, http.StatusOK, got.status, got.body)
	assert.Equal(t, "DPoP", got.body["token_type"])
}

func TestAuthServer_assertionRefused(t *testing.T) {
	tests := []struct {
		name string
		edit func(h *authHarness, a *assertion)
	}{
		{"wrong key", func(_ *authHarness, a *assertion) { a.key = otherECKey() }},
		{"expired", func(h *authHarness, a *assertion) { a.exp = h.clock.Now().Add(-time.Second) }},
		{"exp more than an hour after iat", func(h *authHarness, a *assertion) { a.exp = h.clock.Now().Add(61 * time.Minute) }},
		{"wrong aud", func(_ *authHarness, a *assertion) { a.aud = "https://other.okta.com/oauth2/v1/token" }},
		{"sub is not iss", func(_ *authHarness, a *assertion) { a.sub = "someone" }},
		{"unknown client", func(_ *authHarness, a *assertion) { a.iss, a.sub = "0oaNobody", "0oaNobody" }},
		{"no jti", func(_ *authHarness, a *assertion) { a.id = "" }},
		{"unknown kid", func(_ *authHarness, a *assertion) { a.kid = "nope" }},
		{"no kid, several keys", func(_ *authHarness, a *assertion) { a.kid = "" }},
		{"kid of the other key", func(_ *authHarness, a *assertion) { a.kid = "rsa1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newAuthHarness(t, ecApp(t))
			h.as.RequireTokenNonce(false)
			a := h.goodAssertion()
			a.kid = "ec1"
			tt.edit(h, &a)
			got := h.post(t, a.sign(t), "okta.sessions.read", h.goodProof().sign(t))
			assert.Equal(t, http.StatusUnauthorized, got.status)
			assert.Equal(t, "invalid_client", got.body["error"])
		})
	}
	t.Run("replayed", func(t *testing.T) {
		h := newAuthHarness(t, ecApp(t))
		h.as.RequireTokenNonce(false)
		a := h.goodAssertion()
		a.kid = "ec1"
		signed := a.sign(t)
		require.Equal(t, http.StatusOK, h.post(t, signed, "okta.sessions.read", h.goodProof().sign(t)).status)
		got := h.post(t, signed, "okta.sessions.read", h.goodProof().sign(t))
		assert.Equal(t, http.StatusUnauthorized, got.status)
		assert.Equal(t, "invalid_client", got.body["error"])
	})
}

func TestAuthServer_proofRefused(t *testing.T) {
	tests := []struct {
		name string
		edit func(h *authHarness, p *proof)
	}{
		{"wrong typ", func(_ *authHarness, p *proof) { p.typ = "JWT" }},
		{"wrong htm", func(_ *authHarness, p *proof) { p.htm = "GET" }},
		{"wrong htu", func(_ *authHarness, p *proof) { p.htu = "https://other.example/oauth2/v1/token" }},
		{"iat too old", func(h *authHarness, p *proof) { p.iat = h.clock.Now().Add(-2 * ProofWindow) }},
		{"iat in the future", func(h *authHarness, p *proof) { p.iat = h.clock.Now().Add(2 * ProofWindow) }},
		{"no jti", func(_ *authHarness, p *proof) { p.jti = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newAuthHarness(t, ecApp(t))
			h.as.RequireTokenNonce(false)
			p := h.goodProof()
			tt.edit(h, &p)
			a := h.goodAssertion()
			a.kid = "ec1"
			got := h.post(t, a.sign(t), "okta.sessions.read", p.sign(t))
			assert.Equal(t, http.StatusBadRequest, got.status)
			assert.Equal(t, "invalid_dpop_proof", got.body["error"])
		})
	}
	t.Run("missing", func(t *testing.T) {
		h := newAuthHarness(t, ecApp(t))
		a := h.goodAssertion()
		a.kid = "ec1"
		got := h.post(t, a.sign(t), "okta.sessions.read", "")
		assert.Equal(t, http.StatusBadRequest, got.status)
		assert.Equal(t, "invalid_dpop_proof", got.body["error"])
		assert.Equal(t, "The DPoP proof JWT header is missing.", got.body["error_description"])
	})
	t.Run("replayed", func(t *testing.T) {
		h := newAuthHarness(t, ecApp(t))
		h.as.RequireTokenNonce(false)
		p := h.goodProof().sign(t)
		for i, want := range []int{http.StatusOK, http.StatusBadRequest} {
			a := h.goodAssertion()
			a.kid = "ec1"
			assert.Equal(t, want, h.post(t, a.sign(t), "okta.sessions.read", p).status, "request %d", i)
		}
	})
}

func TestAuthServer_invalidScope(t *testing.T) {
	h := newAuthHarness(t, ecApp(t))
	h.as.RequireTokenNonce(false)
	for _, scope := range []string{"okta.users.manage", "okta.sessions.read okta.users.read", ""} {
		a := h.goodAssertion()
		a.kid = "ec1"
		got := h.post(t, a.sign(t), scope, h.goodProof().sign(t))
		assert.Equal(t, http.StatusBadRequest, got.status, scope)
		assert.Equal(t, "invalid_scope", got.body["error"], scope)
	}
}

func TestAuthServer_wrongRoute(t *testing.T) {
	h := newAuthHarness(t)
	for _, tt := range []struct {
		method, path string
		want         int
	}{{http.MethodGet, TokenPath, 405}, {http.MethodPost, "/oauth2/default/v1/token", 404}} {
		req, err := http.NewRequest(tt.method, strings.TrimSuffix(h.tokenURL, TokenPath)+tt.path, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tt.want, resp.StatusCode)
	}
}

func TestAuthServer_Register(t *testing.T) {
	as := NewAuthServer(nil)
	for _, app := range []ServiceApp{
		{},
		{ClientID: "a"},
		{ClientID: "a", JWKS: "not json"},
		{ClientID: "a", JWKS: `{"keys":[]}`},
		{ClientID: "a", PublicKey: authECKey()}, // a private key
	} {
		assert.Error(t, as.Register(app), "%+v", app.ClientID)
	}
}
