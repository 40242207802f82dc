package oktatest_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

func TestSeedSession(t *testing.T) {
	srv, clock := newFake(t)
	id, err := srv.SeedSession(oktatest.SessionSeed{
		ID:     "102seeded",
		User:   oktatest.User{ID: "00uann", Login: "ann@example.com", DisplayName: "Ann"},
		Status: okta.SessionStatusMFARequired,
		AMR: []okta.SessionAuthenticationMethod{
			okta.SessionAuthenticationMethodPassword, okta.SessionAuthenticationMethodSMS, okta.SessionAuthenticationMethodMultifactor,
		},
		IDPType: okta.SessionIdentityProviderTypeActiveDirectory, IDPID: "0oaad",
		MFAActive:                true,
		LastPasswordVerification: t0.Add(-2 * time.Minute),
		LastFactorVerification:   t0.Add(-time.Minute),
		CreatedAt:                t0.Add(-3 * time.Minute),
		ExpiresAt:                t0.Add(10 * time.Minute),
	})
	require.NoError(t, err)
	assert.Equal(t, "102seeded", id)

	a := send(t, srv, http.MethodGet, "/api/v1/sessions/102seeded", ssws(srv), "")
	require.Equal(t, http.StatusOK, a.StatusCode, "body: %s", a.body)
	s := a.object(t)
	delete(s, "_links")
	assert.Equal(t, map[string]any{
		"id": "102seeded", "login": "ann@example.com", "userId": "00uann", "status": "MFA_REQUIRED",
		"createdAt": "2026-11-27T08:57:00.000Z", "expiresAt": "2026-11-27T09:10:00.000Z",
		"lastPasswordVerification": "2026-11-27T08:58:00.000Z", "lastFactorVerification": "2026-11-27T08:59:00.000Z",
		"amr": []any{"pwd", "sms", "mfa"}, "idp": map[string]any{"id": "0oaad", "type": "ACTIVE_DIRECTORY"}, "mfaActive": true,
	}, s)
	me := sendHeader(t, srv, http.MethodGet, "/api/v1/sessions/me", withCookie("sid", id), "")
	assert.Equal(t, "MFA_REQUIRED", me.object(t)["status"], "the seeded session is also the cookie's")

	clock.Advance(10 * time.Minute)
	assertOktaError(t, send(t, srv, http.MethodGet, "/api/v1/sessions/102seeded", ssws(srv), ""), http.StatusNotFound, "E0000007")
}

func TestSeedSession_defaults(t *testing.T) {
	srv, _ := newFake(t, oktatest.WithIdleTimeout(time.Hour))
	id, err := srv.SeedSession(oktatest.SessionSeed{})
	require.NoError(t, err)
	s := send(t, srv, http.MethodGet, "/api/v1/sessions/"+id, ssws(srv), "").object(t)
	assert.Regexp(t, `^102[A-Za-z0-9]{22}$`, s["id"])
	assert.Regexp(t, `^00u[A-Za-z0-9]{17}$`, s["userId"])
	assert.Equal(t, "ACTIVE", s["status"])
	assert.Equal(t, []any{"pwd"}, s["amr"])
	assert.Equal(t, map[string]any{"id": srv.OrgID, "type": "OKTA"}, s["idp"])
	assert.Equal(t, "2026-11-27T09:00:00.000Z", s["createdAt"])
	assert.Equal(t, "2026-11-27T10:00:00.000Z", s["expiresAt"])
	assert.Nil(t, s["lastPasswordVerification"])
	assert.Nil(t, s["lastFactorVerification"])
	assert.Equal(t, false, s["mfaActive"])

	id, err = srv.SeedSession(oktatest.SessionSeed{IDPType: okta.SessionIdentityProviderTypeSocial})
	require.NoError(t, err)
	idp := send(t, srv, http.MethodGet, "/api/v1/sessions/"+id, ssws(srv), "").object(t)["idp"].(map[string]any)
	assert.Regexp(t, `^0oa[A-Za-z0-9]{17}$`, idp["id"])
}

func TestSeedSession_refused(t *testing.T) {
	srv, _ := newFake(t)
	_, err := srv.SeedSession(oktatest.SessionSeed{ID: "102taken"})
	require.NoError(t, err)
	tests := []struct {
		field string
		seed  oktatest.SessionSeed
	}{
		{"status", oktatest.SessionSeed{Status: "LOCKED"}},
		{"amr", oktatest.SessionSeed{AMR: []okta.SessionAuthenticationMethod{"pwd", "magic"}}},
		{"idpType", oktatest.SessionSeed{IDPType: "GITHUB"}},
		{"expiresAt", oktatest.SessionSeed{CreatedAt: t0, ExpiresAt: t0}},
		{"expiresAt", oktatest.SessionSeed{CreatedAt: t0, ExpiresAt: t0.Add(-time.Second)}},
		{"id", oktatest.SessionSeed{ID: "102taken"}},
		{"id", oktatest.SessionSeed{ID: "me"}},
	}
	for _, tt := range tests {
		_, err := srv.SeedSession(tt.seed)
		var se *oktatest.SeedError
		if assert.True(t, errors.As(err, &se), "%+v: %v", tt.seed, err) {
			assert.Equal(t, tt.field, se.Field)
		}
	}
}
