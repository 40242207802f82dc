package oktatest

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newWallHarness is newECHarness with a wall clock of its own, months away
// from the server's FakeClock, as a client on the real clock is from a fake
// whose clock a test advanced.
func newWallHarness(t *testing.T) (*authHarness, time.Time) {
	t.Helper()
	h := newECHarness(t)
	wall := h.clock.Now().Add(150 * 24 * time.Hour)
	h.as.wall = func() time.Time { return wall }
	return h, wall
}

// A client that signs by the wall clock keeps getting tokens and using
// them, however far the server's clock is from it.
func TestAuthServer_wallClockClient(t *testing.T) {
	h, wall := newWallHarness(t)
	a := h.goodAssertion()
	a.iat, a.exp = wall, wall.Add(5*time.Minute)
	p := h.goodProof()
	p.iat = wall
	got := h.post(t, a.sign(t), "okta.sessions.read", p.sign(t))
	require.Equal(t, http.StatusOK, got.status, got.body)
	tok := got.body["access_token"].(string)

	ap := h.apiProof(tok)
	ap.iat = wall.Add(-30 * time.Second)
	assert.Nil(t, h.as.CheckAPIRequest(apiCall(t, "DPoP", tok, ap), http.MethodGet, sessionURL, "okta.sessions.read"))

	// The server's clock moves on, past the token's life: the token is
	// refused (the server's decision, by its clock), and a new assertion of
	// the client's time gets a new one.
	h.clock.Advance(2 * DefaultTokenLifetime)
	d := h.as.CheckAPIRequest(apiCall(t, "DPoP", tok, h.wallProof(tok, wall)), http.MethodGet, sessionURL, "okta.sessions.read")
	require.NotNil(t, d)
	assert.Contains(t, d.Header.Get("WWW-Authenticate"), `error="invalid_token"`)
	a = h.goodAssertion()
	a.iat, a.exp = wall, wall.Add(5*time.Minute)
	p = h.goodProof()
	p.iat = wall
	got = h.post(t, a.sign(t), "okta.sessions.read", p.sign(t))
	require.Equal(t, http.StatusOK, got.status, got.body)
	tok = got.body["access_token"].(string)
	assert.Nil(t, h.as.CheckAPIRequest(apiCall(t, "DPoP", tok, h.wallProof(tok, wall)), http.MethodGet, sessionURL, "okta.sessions.read"))
}

// wallProof is an API proof for token made at wall.
func (h *authHarness) wallProof(token string, wall time.Time) *proof {
	p := h.apiProof(token)
	p.iat = wall
	return p
}

// Neither clock lets a JWT through twice: an assertion or a proof taken by
// the wall clock is remembered until it has expired by both clocks, however
// far the server's clock moves.
func TestAuthServer_wallClockReplay(t *testing.T) {
	h, wall := newWallHarness(t)
	a := h.goodAssertion()
	a.iat, a.exp = wall, wall.Add(5*time.Minute)
	assertion := a.sign(t)
	p := h.goodProof()
	p.iat = wall
	proof := p.sign(t)
	require.Equal(t, http.StatusOK, h.post(t, assertion, "okta.sessions.read", h.goodProof().sign(t)).status)
	require.Equal(t, http.StatusOK, h.post(t, h.goodAssertion().sign(t), "okta.sessions.read", proof).status)
	h.clock.Advance(24 * time.Hour)
	for range pruneFrom { // enough for the replay memory to be pruned
		require.Equal(t, http.StatusOK, h.post(t, h.goodAssertion().sign(t), "okta.sessions.read", h.goodProof().sign(t)).status)
	}
	assertOAuthError(t, h.post(t, assertion, "okta.sessions.read", h.goodProof().sign(t)), http.StatusUnauthorized, "invalid_client")
	assertOAuthError(t, h.post(t, h.goodAssertion().sign(t), "okta.sessions.read", proof), http.StatusBadRequest, "invalid_dpop_proof")
}

// A JWT that holds by neither clock is refused.
func TestAuthServer_neitherClock(t *testing.T) {
	h, wall := newWallHarness(t)
	a := h.goodAssertion()
	a.iat, a.exp = wall.Add(-time.Hour), wall.Add(-AssertionLeeway-time.Second)
	assertOAuthError(t, h.post(t, a.sign(t), "okta.sessions.read", h.goodProof().sign(t)), http.StatusUnauthorized, "invalid_client")
	p := h.goodProof()
	p.iat = wall.Add(2 * ProofWindow)
	assertOAuthError(t, h.post(t, h.goodAssertion().sign(t), "okta.sessions.read", p.sign(t)), http.StatusBadRequest, "invalid_dpop_proof")
}
