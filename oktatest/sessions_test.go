package oktatest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/oktatest"
)

func TestLifecycle(t *testing.T) {
	srv, clock := newFake(t)
	tok := srv.IssueSessionToken(oktatest.User{ID: "00ubgaSARVOQDIOXMORI", Login: "isaac@example.com", DisplayName: "Isaac Brock"})
	assert.Regexp(t, `^20111[A-Za-z0-9]{37}$`, tok)

	clock.Advance(30 * time.Second)
	now := t0.Add(30 * time.Second)
	a := send(t, srv, http.MethodPost, "/api/v1/sessions", ssws(srv), `{"sessionToken":"`+tok+`"}`)
	require.Equal(t, http.StatusOK, a.StatusCode, "body: %s", a.body)
	assert.Equal(t, "application/json;charset=UTF-8", a.Header.Get("Content-Type"))
	assert.Equal(t, now.Format(http.TimeFormat), a.Header.Get("Date"))
	s := a.object(t)
	id, _ := s["id"].(string)
	assert.Regexp(t, `^102[A-Za-z0-9]{22}$`, id)
	self := srv.URL + "/api/v1/sessions/" + id
	assert.Equal(t, map[string]any{
		"id": id, "login": "isaac@example.com", "userId": "00ubgaSARVOQDIOXMORI", "status": "ACTIVE",
		"createdAt": "2026-11-27T09:00:30.000Z", "expiresAt": "2026-11-27T11:00:30.000Z",
		"lastPasswordVerification": "2026-11-27T09:00:00.000Z", "lastFactorVerification": nil,
		"amr": []any{"pwd"}, "idp": map[string]any{"id": srv.OrgID, "type": "OKTA"}, "mfaActive": false,
		"_links": map[string]any{
			"self":    map[string]any{"href": self, "hints": map[string]any{"allow": []any{"GET", "DELETE"}}},
			"refresh": map[string]any{"href": self + "/lifecycle/refresh", "hints": map[string]any{"allow": []any{"POST"}}},
			"user": map[string]any{"name": "Isaac Brock", "href": srv.URL + "/api/v1/users/00ubgaSARVOQDIOXMORI",
				"hints": map[string]any{"allow": []any{"GET"}}},
		},
	}, s)

	a = send(t, srv, http.MethodGet, sessionPath(s), ssws(srv), "")
	require.Equal(t, http.StatusOK, a.StatusCode)
	assert.Equal(t, s, a.object(t))

	clock.Advance(time.Hour)
	a = send(t, srv, http.MethodPost, sessionPath(s)+"/lifecycle/refresh", ssws(srv), "")
	require.Equal(t, http.StatusOK, a.StatusCode)
	refreshed := a.object(t)
	assert.Equal(t, "2026-11-27T12:00:30.000Z", refreshed["expiresAt"])
	assert.Equal(t, s["createdAt"], refreshed["createdAt"])

	a = send(t, srv, http.MethodDelete, sessionPath(s), ssws(srv), "")
	assert.Equal(t, http.StatusNoContent, a.StatusCode)
	assert.Empty(t, a.body)

	for _, rt := range []struct{ method, suffix string }{
		{http.MethodGet, ""}, {http.MethodPost, "/lifecycle/refresh"}, {http.MethodDelete, ""},
	} {
		a := send(t, srv, rt.method, sessionPath(s)+rt.suffix, ssws(srv), "")
		body := assertOktaError(t, a, http.StatusNotFound, "E0000007")
		assert.Equal(t, "Not found: Resource not found: "+id+" (Session)", body["errorSummary"])
	}
}

func TestSessionToken(t *testing.T) {
	srv, clock := newFake(t)
	create := func(tok string) answer {
		return send(t, srv, http.MethodPost, "/api/v1/sessions", ssws(srv), `{"sessionToken":"`+tok+`"}`)
	}

	t.Run("used once", func(t *testing.T) {
		tok := srv.IssueSessionToken(oktatest.User{})
		require.Equal(t, http.StatusOK, create(tok).StatusCode)
		body := assertOktaError(t, create(tok), http.StatusUnauthorized, "E0000004")
		assert.Equal(t, "Authentication failed", body["errorSummary"])
	})
	t.Run("expires after 5 minutes", func(t *testing.T) {
		tok := srv.IssueSessionToken(oktatest.User{})
		clock.Advance(oktatest.SessionTokenLifetime)
		assertOktaError(t, create(tok), http.StatusUnauthorized, "E0000004")
	})
	t.Run("valid just before 5 minutes", func(t *testing.T) {
		tok := srv.IssueSessionToken(oktatest.User{})
		clock.Advance(oktatest.SessionTokenLifetime - time.Millisecond)
		assert.Equal(t, http.StatusOK, create(tok).StatusCode)
	})
	t.Run("garbage", func(t *testing.T) {
		assertOktaError(t, create("not-a-token"), http.StatusUnauthorized, "E0000004")
	})
	t.Run("no token", func(t *testing.T) {
		a := send(t, srv, http.MethodPost, "/api/v1/sessions", ssws(srv), `{}`)
		assertOktaError(t, a, http.StatusUnauthorized, "E0000004")
	})
}

func TestCreateSession_malformedBody(t *testing.T) {
	srv, _ := newFake(t)
	a := send(t, srv, http.MethodPost, "/api/v1/sessions", ssws(srv), `{"sessionToken":`)
	body := assertOktaError(t, a, http.StatusBadRequest, "E0000003")
	assert.Equal(t, "The request body was not well-formed.", body["errorSummary"])
}

func TestCreateSession_anonymous(t *testing.T) {
	srv, _ := newFake(t)
	tok := srv.IssueSessionToken(oktatest.User{})
	a := send(t, srv, http.MethodPost, "/api/v1/sessions", "", `{"sessionToken":"`+tok+`"}`)
	assert.Equal(t, http.StatusOK, a.StatusCode)
	assert.NotEmpty(t, a.object(t)["id"])
}

func TestAuthentication(t *testing.T) {
	srv, _ := newFake(t, oktatest.WithAccessToken("at-123"))
	s := createSession(t, srv)
	tok := `{"sessionToken":"` + srv.IssueSessionToken(oktatest.User{}) + `"}`
	tests := []struct {
		name, method, path, auth, body string
		want                           int
	}{
		{"API token", http.MethodGet, sessionPath(s), ssws(srv), "", http.StatusOK},
		{"access token", http.MethodGet, sessionPath(s), "Bearer at-123", "", http.StatusOK},
		{"wrong API token", http.MethodGet, sessionPath(s), "SSWS wrong", "", http.StatusUnauthorized},
		{"wrong access token", http.MethodGet, sessionPath(s), "Bearer at-999", "", http.StatusUnauthorized},
		{"API token as Bearer", http.MethodGet, sessionPath(s), "Bearer " + srv.APIToken, "", http.StatusUnauthorized},
		{"get without credential", http.MethodGet, sessionPath(s), "", "", http.StatusUnauthorized},
		{"refresh without credential", http.MethodPost, sessionPath(s) + "/lifecycle/refresh", "", "", http.StatusUnauthorized},
		{"end without credential", http.MethodDelete, sessionPath(s), "", "", http.StatusUnauthorized},
		{"create with a wrong credential", http.MethodPost, "/api/v1/sessions", "SSWS wrong", tok, http.StatusUnauthorized},
		{"issue token without credential", http.MethodPost, oktatest.IssueTokenPath, "", `{}`, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := send(t, srv, tt.method, tt.path, tt.auth, tt.body)
			if tt.want == http.StatusOK {
				assert.Equal(t, http.StatusOK, a.StatusCode, "body: %s", a.body)
				return
			}
			body := assertOktaError(t, a, tt.want, "E0000011")
			assert.Equal(t, "Invalid token provided", body["errorSummary"])
		})
	}
}

func TestSessionExpiry(t *testing.T) {
	srv, clock := newFake(t, oktatest.WithIdleTimeout(30*time.Minute), oktatest.WithMaxLifetime(50*time.Minute))
	s := createSession(t, srv)
	assert.Equal(t, "2026-11-27T09:30:00.000Z", s["expiresAt"])

	clock.Advance(29 * time.Minute)
	a := send(t, srv, http.MethodPost, sessionPath(s)+"/lifecycle/refresh", ssws(srv), "")
	require.Equal(t, http.StatusOK, a.StatusCode)
	assert.Equal(t, "2026-11-27T09:50:00.000Z", a.object(t)["expiresAt"], "capped by the maximum lifetime")

	clock.Advance(21 * time.Minute)
	assertOktaError(t, send(t, srv, http.MethodGet, sessionPath(s), ssws(srv), ""), http.StatusNotFound, "E0000007")
}

func TestIssueTokenOverHTTP(t *testing.T) {
	srv, _ := newFake(t)
	a := send(t, srv, http.MethodPost, oktatest.IssueTokenPath, ssws(srv), `{"login":"ann@example.com","displayName":"Ann"}`)
	require.Equal(t, http.StatusOK, a.StatusCode)
	assertStamped(t, a)
	assert.Empty(t, a.Header.Get("X-Rate-Limit-Limit"), "the fake's own route is not Okta's: no rate limit")
	issued := a.object(t)
	assert.Equal(t, "2026-11-27T09:05:00.000Z", issued["expiresAt"])

	a = send(t, srv, http.MethodPost, "/api/v1/sessions", "", `{"sessionToken":"`+issued["sessionToken"].(string)+`"}`)
	require.Equal(t, http.StatusOK, a.StatusCode)
	s := a.object(t)
	assert.Equal(t, "ann@example.com", s["login"])
	assert.Equal(t, "Ann", s["_links"].(map[string]any)["user"].(map[string]any)["name"])

	a = send(t, srv, http.MethodPost, oktatest.IssueTokenPath, ssws(srv), `{"login":`)
	assertOktaError(t, a, http.StatusBadRequest, "E0000003")
}
