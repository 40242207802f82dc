package okta

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/oktasessions/okta-session-go/internal/dpop"
	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apiRequest builds an API request for authorize.
func apiRequest(t *testing.T, method, rawURL string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	require.NoError(t, err)
	return req
}

// unauthorized is a 401 answer with the given challenge and DPoP-Nonce.
func unauthorized(challenge, nonce string) *http.Response {
	resp := &http.Response{StatusCode: http.StatusUnauthorized, Header: http.Header{}}
	if challenge != "" {
		resp.Header.Set("WWW-Authenticate", challenge)
	}
	if nonce != "" {
		resp.Header.Set("DPoP-Nonce", nonce)
	}
	return resp
}

func TestOAuthCall_authorizeDPoP(t *testing.T) {
	e := newTokenEndpoint(t, func(n int, _ tokenRequest, w http.ResponseWriter) { grant(w, "DPoP", "dpop-token") })
	p, _ := newTestProvider(t, e, nil)
	call := p.Call()
	var jtis []string
	for range 2 { // a retry of the same call gets a new proof
		req := apiRequest(t, http.MethodDelete, "https://acme.okta.com/api/v1/sessions/abc?x=1#f")
		require.NoError(t, call.Authorize(context.Background(), req))
		testHeader(t, req, "Authorization", "DPoP dpop-token")
		c, _ := verifyProof(t, req.Header.Get("DPoP"))
		assert.Equal(t, "DELETE", c.HTM)
		assert.Equal(t, "https://acme.okta.com/api/v1/sessions/abc", c.HTU)
		assert.Equal(t, dpop.TokenHash("dpop-token"), c.ATH)
		assert.Equal(t, testClockStart.Unix(), c.IAT)
		assert.Empty(t, c.Nonce)
		jtis = append(jtis, c.JTI)
	}
	assert.NotEqual(t, jtis[0], jtis[1])
	assert.Len(t, e.requests(), 1)
}

func TestOAuthCall_authorizeBearer(t *testing.T) {
	e := newTokenEndpoint(t, func(n int, _ tokenRequest, w http.ResponseWriter) { grant(w, "Bearer", "plain") })
	p, _ := newTestProvider(t, e, nil)
	req := apiRequest(t, http.MethodGet, "https://acme.okta.com/api/v1/sessions/abc")
	req.Header.Set("DPoP", "stale")
	require.NoError(t, p.Call().Authorize(context.Background(), req))
	testHeader(t, req, "Authorization", "Bearer plain")
	assert.Empty(t, req.Header.Values("DPoP"), "no proofs to the API with a Bearer token")
	assert.False(t, p.Call().Repeat(unauthorized(`DPoP error="use_dpop_nonce"`, "n"), nil), "a call never authorized is never repeated")
}

func TestOAuthCall_authorizeTokenError(t *testing.T) {
	e := newTokenEndpoint(t, func(n int, _ tokenRequest, w http.ResponseWriter) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "no", "")
	})
	p, _ := newTestProvider(t, e, nil)
	req := apiRequest(t, http.MethodGet, "https://acme.okta.com/api/v1/sessions/abc")
	err := p.Call().Authorize(context.Background(), req)
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Empty(t, req.Header.Values("Authorization"))
}

func TestOAuthCall_apiNonce(t *testing.T) {
	e := newTokenEndpoint(t, func(n int, _ tokenRequest, w http.ResponseWriter) { grant(w, "DPoP", "tok") })
	p, _ := newTestProvider(t, e, nil)
	call := p.Call()
	req := apiRequest(t, http.MethodGet, "https://acme.okta.com/api/v1/sessions/abc")
	require.NoError(t, call.Authorize(context.Background(), req))
	resp := unauthorized(`DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`, "api-n1")
	require.True(t, call.Repeat(resp, nil))
	require.NoError(t, call.Authorize(context.Background(), req))
	c, _ := verifyProof(t, req.Header.Get("DPoP"))
	assert.Equal(t, "api-n1", c.Nonce)
	assert.False(t, call.Repeat(unauthorized(`DPoP error="use_dpop_nonce"`, "api-n2"), nil), "at most once per call")

	// The nonce is remembered for later calls; the token endpoint's is apart.
	later := p.Call()
	require.NoError(t, later.Authorize(context.Background(), req))
	c, _ = verifyProof(t, req.Header.Get("DPoP"))
	assert.Equal(t, "api-n2", c.Nonce)
	assert.Empty(t, p.TokenNonce.Get())
	assert.False(t, later.Repeat(unauthorized(`DPoP error="use_dpop_nonce"`, "api-n2"), nil), "the same nonce again: no use repeating")

	// A nonce on a success is recorded too.
	ok := &http.Response{StatusCode: 200, Header: http.Header{"Dpop-Nonce": {"api-n3"}}}
	assert.False(t, later.Repeat(ok, nil))
	assert.Equal(t, "api-n3", p.APINonce.Get())
	assert.Len(t, e.requests(), 1)
}

func TestOAuthCall_invalidToken(t *testing.T) {
	e := newTokenEndpoint(t, func(n int, _ tokenRequest, w http.ResponseWriter) { grant(w, "DPoP", fmt.Sprint("tok-", n)) })
	p, _ := newTestProvider(t, e, nil)
	call, other := p.Call(), p.Call()
	req := apiRequest(t, http.MethodGet, "https://acme.okta.com/api/v1/sessions/abc")
	require.NoError(t, call.Authorize(context.Background(), req))
	require.NoError(t, other.Authorize(context.Background(), req))
	expired := unauthorized(`DPoP error="invalid_token", error_description="The access token is invalid"`, "")
	require.True(t, call.Repeat(expired, nil))
	require.True(t, other.Repeat(expired, nil))
	require.NoError(t, call.Authorize(context.Background(), req))
	testHeader(t, req, "Authorization", "DPoP tok-1")
	require.NoError(t, other.Authorize(context.Background(), req))
	assert.Len(t, e.requests(), 2, "two calls refused with one token cause one new fetch")
	assert.False(t, call.Repeat(expired, nil), "never loops")
}

func TestOAuthCall_notRepeated(t *testing.T) {
	e := newTokenEndpoint(t, func(n int, _ tokenRequest, w http.ResponseWriter) { grant(w, "DPoP", "tok") })
	p, _ := newTestProvider(t, e, nil)
	for _, resp := range []*http.Response{
		unauthorized("", ""),
		unauthorized(`DPoP error="invalid_dpop_proof"`, ""),
		unauthorized(`DPoP error="use_dpop_nonce"`, ""),
		unauthorized(`Bearer error="use_dpop_nonce"`, "n"),
		unauthorized(`DPoP error="use_dpop_nonce"`, "bad nonce"),
		{StatusCode: http.StatusForbidden, Header: http.Header{"Www-Authenticate": {`DPoP error="invalid_token"`}}},
		{StatusCode: http.StatusTooManyRequests, Header: http.Header{}},
	} {
		call := p.Call()
		require.NoError(t, call.Authorize(context.Background(), apiRequest(t, http.MethodGet, "https://acme.okta.com/api/v1/sessions/abc")))
		assert.False(t, call.Repeat(resp, nil), "%d %v", resp.StatusCode, resp.Header)
	}
}

func TestParseChallenges(t *testing.T) {
	got := httpx.ParseChallenges([]string{
		`Bearer authorization_uri="https://acme.okta.com/oauth2/v1/authorize", realm="https://acme.okta.com", scope="okta.sessions.read", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="/api/v1/sessions/abc"`,
		`DPoP algs="ES256 RS256", Error = use_dpop_nonce , Basic abc==, Custom q="a \"quoted\" \\ value`,
	})
	require.Len(t, got, 4)
	assert.Equal(t, "Bearer", got[0].Scheme)
	assert.Equal(t, "insufficient_scope", got[0].Params["error"])
	assert.Equal(t, "okta.sessions.read", got[0].Params["scope"])
	assert.Equal(t, "/api/v1/sessions/abc", got[0].Params["resource"])
	assert.Equal(t, "DPoP", got[1].Scheme)
	assert.Equal(t, map[string]string{"algs": "ES256 RS256", "error": "use_dpop_nonce"}, got[1].Params)
	assert.Equal(t, "Basic", got[2].Scheme)
	assert.Equal(t, "Custom", got[3].Scheme)
	assert.Equal(t, `a "quoted" \ value`, got[3].Params["q"])
	assert.Empty(t, httpx.ParseChallenges([]string{"", " , ", "\x00", "=", `"x"`}))
}
