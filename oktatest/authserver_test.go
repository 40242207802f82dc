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

// goodAssertion is a valid assertion of client "0oaEC" signed with the EC
// key, kid "ec1".
func (h *authHarness) goodAssertion() assertion {
	now := h.clock.Now()
	return assertion{key: authECKey(), alg: jose.ES256, kid: "ec1", iss: "0oaEC", sub: "0oaEC", id: newID("jti", 16),
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

// assertOAuthError fails unless got is an OAuth error answer with status
// and code.
func assertOAuthError(t *testing.T, got tokenAnswerOf, status int, code string) {
	t.Helper()
	assert.Equal(t, status, got.status)
	assert.Equal(t, code, got.body["error"], got.body)
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

// newECHarness is a harness with ecApp registered and no nonce dance at
// the token endpoint.
func newECHarness(t *testing.T) *authHarness {
	t.Helper()
	h := newAuthHarness(t, ecApp(t))
	h.as.RequireTokenNonce(false)
	return h
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
		{"expired past the leeway", func(h *authHarness, a *assertion) { a.exp = h.clock.Now().Add(-AssertionLeeway - time.Second) }},
		{"issued past the leeway ahead", func(h *authHarness, a *assertion) {
			a.iat = h.clock.Now().Add(AssertionLeeway + time.Second)
			a.exp = a.iat.Add(5 * time.Minute)
		}},
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
			h := newECHarness(t)
			a := h.goodAssertion()
			tt.edit(h, &a)
			got := h.post(t, a.sign(t), "okta.sessions.read", h.goodProof().sign(t))
			assertOAuthError(t, got, http.StatusUnauthorized, "invalid_client")
		})
	}
	// Up to the very instant of its exp plus the leeway, which the fake's
	// frozen clock can hold, an assertion is still valid, and still
	// remembered.
	t.Run("replayed at its expiry", func(t *testing.T) {
		h := newECHarness(t)
		a := h.goodAssertion()
		a.iat, a.exp = h.clock.Now().Add(-2*AssertionLeeway), h.clock.Now().Add(-AssertionLeeway)
		signed := a.sign(t)
		require.Equal(t, http.StatusOK, h.post(t, signed, "okta.sessions.read", h.goodProof().sign(t)).status)
		got := h.post(t, signed, "okta.sessions.read", h.goodProof().sign(t))
		assertOAuthError(t, got, http.StatusUnauthorized, "invalid_client")
	})
	t.Run("replayed", func(t *testing.T) {
		h := newECHarness(t)
		a := h.goodAssertion()
		signed := a.sign(t)
		require.Equal(t, http.StatusOK, h.post(t, signed, "okta.sessions.read", h.goodProof().sign(t)).status)
		got := h.post(t, signed, "okta.sessions.read", h.goodProof().sign(t))
		assertOAuthError(t, got, http.StatusUnauthorized, "invalid_client")
	})
}

// A server allows for clock skew: an assertion signed by a clock a little
// ahead or behind, and a proof whose htu or typ is written differently but
// means the same (RFC 9449 section 4.3, RFC 7515 section 4.1.9), are taken.
func TestAuthServer_leniency(t *testing.T) {
	tests := []struct {
		name  string
		editA func(h *authHarness, a *assertion)
		editP func(h *authHarness, p *proof)
	}{
		{"assertion from a clock ahead", func(h *authHarness, a *assertion) {
			a.iat = h.clock.Now().Add(AssertionLeeway - time.Second)
			a.exp = a.iat.Add(5 * time.Minute)
		}, nil},
		{"assertion from a clock behind", func(h *authHarness, a *assertion) {
			a.iat = h.clock.Now().Add(-5 * time.Minute)
			a.exp = h.clock.Now().Add(-AssertionLeeway + time.Second)
		}, nil},
		{"typ in upper case", nil, func(_ *authHarness, p *proof) { p.typ = "DPoP+JWT" }},
		{"htu with scheme and host in upper case", nil, func(_ *authHarness, p *proof) {
			p.htu = strings.ToUpper(p.htu[:len("http://127.0.0.1")]) + p.htu[len("http://127.0.0.1"):]
		}},
		{"htu with an escaped unreserved character", nil, func(_ *authHarness, p *proof) { p.htu = strings.Replace(p.htu, "/oauth2/", "/%6Fauth2/", 1) }},
		{"htu with a query", nil, func(_ *authHarness, p *proof) { p.htu += "?x=1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newECHarness(t)
			a, p := h.goodAssertion(), h.goodProof()
			if tt.editA != nil {
				tt.editA(h, &a)
			}
			if tt.editP != nil {
				tt.editP(h, &p)
			}
			got := h.post(t, a.sign(t), "okta.sessions.read", p.sign(t))
			assert.Equal(t, http.StatusOK, got.status, got.body)
		})
	}
}

func TestNormalHTU(t *testing.T) {
	for in, want := range map[string]string{
		"HTTPS://Acme.Okta.COM:443/api/v1/sessions/a%2fb?x=1#f": "https://acme.okta.com/api/v1/sessions/a%2Fb",
		"http://127.0.0.1:80":               "http://127.0.0.1/",
		"http://127.0.0.1:8089/%7Euser/%41": "http://127.0.0.1:8089/~user/A",
		"http://[::1]:8089/x":               "http://[::1]:8089/x",
		"http://h/%zz":                      "http://h/%zz",
	} {
		assert.Equal(t, want, normalHTU(in), in)
	}
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
			h := newECHarness(t)
			p := h.goodProof()
			tt.edit(h, &p)
			got := h.post(t, h.goodAssertion().sign(t), "okta.sessions.read", p.sign(t))
			assertOAuthError(t, got, http.StatusBadRequest, "invalid_dpop_proof")
		})
	}
	t.Run("missing", func(t *testing.T) {
		h := newAuthHarness(t, ecApp(t))
		a := h.goodAssertion()
		got := h.post(t, a.sign(t), "okta.sessions.read", "")
		assertOAuthError(t, got, http.StatusBadRequest, "invalid_dpop_proof")
		assert.Equal(t, "The DPoP proof JWT header is missing.", got.body["error_description"])
	})
	t.Run("replayed at the edge of its window", func(t *testing.T) {
		h := newECHarness(t)
		pr := h.goodProof()
		pr.iat = h.clock.Now().Add(-ProofWindow)
		p := pr.sign(t)
		for i, want := range []int{http.StatusOK, http.StatusBadRequest} {
			a := h.goodAssertion()
			assert.Equal(t, want, h.post(t, a.sign(t), "okta.sessions.read", p).status, "request %d", i)
		}
	})
	t.Run("replayed", func(t *testing.T) {
		h := newECHarness(t)
		p := h.goodProof().sign(t)
		for i, want := range []int{http.StatusOK, http.StatusBadRequest} {
			a := h.goodAssertion()
			assert.Equal(t, want, h.post(t, a.sign(t), "okta.sessions.read", p).status, "request %d", i)
		}
	})
}

func TestAuthServer_invalidScope(t *testing.T) {
	h := newECHarness(t)
	for _, scope := range []string{"okta.users.manage", "okta.sessions.read okta.users.read", ""} {
		a := h.goodAssertion()
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

// issue gets a token for the EC app: DPoP-bound when the app requires DPoP.
func (h *authHarness) issue(t *testing.T, scope string) string {
	t.Helper()
	got := h.post(t, h.goodAssertion().sign(t), scope, h.goodProof().sign(t))
	require.Equal(t, http.StatusOK, got.status, got.body)
	return got.body["access_token"].(string)
}

// apiCall is an API request with the token under scheme and, when p is
// not nil, its proof.
func apiCall(t *testing.T, scheme, token string, p *proof) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "https://acme.okta.com/api/v1/sessions/102abc?x=1", nil)
	req.Header.Set("Authorization", scheme+" "+token)
	if p != nil {
		req.Header.Set("DPoP", p.sign(t))
	}
	return req
}

const sessionURL = "https://acme.okta.com/api/v1/sessions/102abc"

// apiProof is a valid proof for GET sessionURL with token.
func (h *authHarness) apiProof(token string) *proof {
	p := h.goodProof()
	p.htm, p.htu, p.ath = "GET", sessionURL, accessTokenHash(token)
	return &p
}

func TestAuthServer_CheckAPIRequest(t *testing.T) {
	h := newECHarness(t)
	tok := h.issue(t, "okta.sessions.read")
	other := h.apiProof(tok)
	other.key = otherECKey()
	badATH := h.apiProof(tok)
	badATH.ath = accessTokenHash("another")
	tests := []struct {
		name          string
		req           *http.Request
		scope         string
		status        int
		code, errWord string
	}{
		{"good", apiCall(t, "DPoP", tok, h.apiProof(tok)), "okta.sessions.read", 0, "", ""},
		{"missing scope", apiCall(t, "DPoP", tok, h.apiProof(tok)), "okta.sessions.manage", 403, "E0000006", `error="insufficient_scope"`},
		{"unknown token", apiCall(t, "DPoP", "eyJnope", h.apiProof("eyJnope")), "", 401, "E0000011", `error="invalid_token"`},
		{"DPoP token as Bearer", apiCall(t, "Bearer", tok, nil), "", 401, "E0000011", `error="invalid_token"`},
		{"no proof", apiCall(t, "DPoP", tok, nil), "", 401, "E0000011", `error="invalid_dpop_proof"`},
		{"proof by another key", apiCall(t, "DPoP", tok, other), "", 401, "E0000011", `error="invalid_token"`},
		{"proof for another token", apiCall(t, "DPoP", tok, badATH), "", 401, "E0000011", `error="invalid_dpop_proof"`},
		{"SSWS", apiCall(t, "SSWS", tok, nil), "", 401, "E0000011", `error="invalid_token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := h.as.CheckAPIRequest(tt.req, http.MethodGet, tt.req.URL.String(), tt.scope)
			if tt.status == 0 {
				assert.Nil(t, d)
				return
			}
			require.NotNil(t, d)
			assert.Equal(t, tt.status, d.Status)
			assert.Equal(t, tt.code, d.ErrorCode)
			challenge := d.Header.Get("WWW-Authenticate")
			assert.Contains(t, challenge, tt.errWord)
			assert.Contains(t, challenge, `realm="https://acme.okta.com"`)
			if tt.status == 403 {
				assert.True(t, strings.HasPrefix(challenge, "DPoP "), challenge)
				assert.Contains(t, challenge, `scope="okta.sessions.manage"`)
				assert.Contains(t, challenge, `resource="/api/v1/sessions/102abc"`)
			}
		})
	}
}

func TestAuthServer_CheckAPIRequestExpired(t *testing.T) {
	h := newECHarness(t)
	h.as.SetTokenLifetime(10 * time.Minute)
	tok := h.issue(t, "okta.sessions.read")
	h.clock.Advance(10 * time.Minute)
	req := apiCall(t, "DPoP", tok, h.apiProof(tok))
	d := h.as.CheckAPIRequest(req, http.MethodGet, sessionURL, "okta.sessions.read")
	require.NotNil(t, d)
	assert.Equal(t, http.StatusUnauthorized, d.Status)
	assert.Contains(t, d.Header.Get("WWW-Authenticate"), `DPoP authorization_uri=`)
	assert.Contains(t, d.Header.Get("WWW-Authenticate"), `error="invalid_token"`)
}

func TestAuthServer_CheckAPIRequestNonce(t *testing.T) {
	h := newECHarness(t)
	tok := h.issue(t, "okta.sessions.read")
	h.as.RequireAPINonce(true)
	d := h.as.CheckAPIRequest(apiCall(t, "DPoP", tok, h.apiProof(tok)), http.MethodGet, sessionURL, "okta.sessions.read")
	require.NotNil(t, d)
	assert.Equal(t, http.StatusUnauthorized, d.Status)
	assert.Contains(t, d.Header.Get("WWW-Authenticate"), `error="use_dpop_nonce"`)
	nonce := d.Header.Get("DPoP-Nonce")
	require.NotEmpty(t, nonce)

	p := h.apiProof(tok)
	p.nonce = nonce
	req := apiCall(t, "DPoP", tok, p)
	assert.Nil(t, h.as.CheckAPIRequest(req, http.MethodGet, sessionURL, "okta.sessions.read"))
	assert.NotNil(t, h.as.CheckAPIRequest(req, http.MethodGet, sessionURL, "okta.sessions.read"), "a proof is good once")

	h.as.RotateNonces()
	p = h.apiProof(tok)
	p.nonce = nonce
	d = h.as.CheckAPIRequest(apiCall(t, "DPoP", tok, p), http.MethodGet, sessionURL, "okta.sessions.read")
	require.NotNil(t, d)
	assert.NotEqual(t, nonce, d.Header.Get("DPoP-Nonce"), "a stale nonce gets the new one")
}

func TestAuthServer_CheckAPIRequestBearer(t *testing.T) {
	app := rsaApp
	app.PublicKey = &authRSAKey().PublicKey
	h := newAuthHarness(t, app)
	a := h.goodAssertion()
	a.key, a.alg, a.kid, a.iss, a.sub = authRSAKey(), jose.RS256, "r1", "0oaRSA", "0oaRSA"
	got := h.post(t, a.sign(t), "okta.sessions.read", "")
	require.Equal(t, http.StatusOK, got.status)
	tok := got.body["access_token"].(string)
	assert.Nil(t, h.as.CheckAPIRequest(apiCall(t, "Bearer", tok, nil), http.MethodGet, sessionURL, "okta.sessions.read"))
	d := h.as.CheckAPIRequest(apiCall(t, "DPoP", tok, h.apiProof(tok)), http.MethodGet, sessionURL, "")
	require.NotNil(t, d, "a Bearer token presented as DPoP-bound")
	assert.Equal(t, http.StatusUnauthorized, d.Status)
	d = h.as.CheckAPIRequest(apiCall(t, "Bearer", tok, nil), http.MethodGet, sessionURL, "okta.sessions.manage")
	require.NotNil(t, d)
	assert.Equal(t, http.StatusForbidden, d.Status)
	assert.True(t, strings.HasPrefix(d.Header.Get("WWW-Authenticate"), "Bearer "))
}

// Expired access tokens are forgotten as the tokens grow, as the replay
// memory is, so that a long-running fake does not grow.
func TestAuthServer_prunesExpiredTokens(t *testing.T) {
	h := newECHarness(t)
	h.as.SetTokenLifetime(time.Minute)
	for range pruneFrom {
		h.issue(t, "okta.sessions.read")
	}
	h.clock.Advance(time.Minute) // every token issued has expired
	tok := h.issue(t, "okta.sessions.read")
	h.as.mu.Lock()
	held := len(h.as.tokens)
	h.as.mu.Unlock()
	assert.Equal(t, 1, held, "the expired tokens are kept")
	assert.Nil(t, h.as.CheckAPIRequest(apiCall(t, "DPoP", tok, h.apiProof(tok)), http.MethodGet, sessionURL, "okta.sessions.read"))
}
