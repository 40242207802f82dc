package oktatest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/oktatest"
)

func TestRevokeUserSessions(t *testing.T) {
	srv, _ := newFake(t)
	ann := srv.SeedUser(oktatest.User{ID: "00uann", Login: "ann@example.com"})
	var annSessions []string
	for range 2 {
		id, err := srv.SeedSession(oktatest.SessionSeed{User: ann})
		require.NoError(t, err)
		annSessions = append(annSessions, id)
	}
	tok := srv.IssueSessionToken(oktatest.User{ID: "00uann"})
	a := send(t, srv, http.MethodPost, "/api/v1/sessions", "", `{"sessionToken":"`+tok+`"}`)
	require.Equal(t, http.StatusOK, a.StatusCode)
	assert.Equal(t, "ann@example.com", a.object(t)["login"], "the token's user is the seeded one")
	annSessions = append(annSessions, a.object(t)["id"].(string))
	bob := createSession(t, srv)

	a = send(t, srv, http.MethodDelete, "/api/v1/users/00uann/sessions?oauthTokens=true&forgetDevices=false", ssws(srv), "")
	assert.Equal(t, http.StatusNoContent, a.StatusCode, "body: %s", a.body)
	assert.Empty(t, a.body)
	assertStamped(t, a)
	for _, id := range annSessions {
		assertOktaError(t, send(t, srv, http.MethodGet, "/api/v1/sessions/"+id, ssws(srv), ""), http.StatusNotFound, "E0000007")
	}
	assert.Equal(t, http.StatusOK, send(t, srv, http.MethodGet, sessionPath(bob), ssws(srv), "").StatusCode, "another user's session lives on")

	reqs := srv.Requests()
	revoke := reqs[len(reqs)-1-len(annSessions)-1]
	assert.Equal(t, oktatest.RouteRevokeUserSessions, revoke.Route)
	assert.Equal(t, "true", revoke.Query.Get("oauthTokens"))
	assert.Equal(t, "false", revoke.Query.Get("forgetDevices"))

	a = send(t, srv, http.MethodDelete, "/api/v1/users/00uann/sessions", ssws(srv), "")
	assert.Equal(t, http.StatusNoContent, a.StatusCode, "a user without sessions")
	a = send(t, srv, http.MethodDelete, "/api/v1/users/"+bob["userId"].(string)+"/sessions", ssws(srv), "")
	assert.Equal(t, http.StatusNoContent, a.StatusCode, "the user of an issued token is known")
}

func TestRevokeUserSessions_refused(t *testing.T) {
	srv, _ := newFake(t)
	srv.SeedUser(oktatest.User{ID: "00uann"})
	tests := []struct {
		name, path, auth string
		status           int
		code, summary    string
	}{
		{"unknown user", "/api/v1/users/00unobody/sessions", ssws(srv), http.StatusNotFound, "E0000007", "Not found: Resource not found: 00unobody (User)"},
		{"oauthTokens not a boolean", "/api/v1/users/00uann/sessions?oauthTokens=yes", ssws(srv), http.StatusBadRequest, "E0000001", "Api validation failed: oauthTokens"},
		{"forgetDevices not a boolean", "/api/v1/users/00uann/sessions?forgetDevices=1", ssws(srv), http.StatusBadRequest, "E0000001", "Api validation failed: forgetDevices"},
		{"forgetDevices twice", "/api/v1/users/00uann/sessions?forgetDevices=true&forgetDevices=false", ssws(srv), http.StatusBadRequest, "E0000001", "Api validation failed: forgetDevices"},
		{"empty oauthTokens", "/api/v1/users/00uann/sessions?oauthTokens=", ssws(srv), http.StatusBadRequest, "E0000001", "Api validation failed: oauthTokens"},
		{"no credential", "/api/v1/users/00uann/sessions", "", http.StatusUnauthorized, "E0000011", "Invalid token provided"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := assertOktaError(t, send(t, srv, http.MethodDelete, tt.path, tt.auth, ""), tt.status, tt.code)
			assert.Equal(t, tt.summary, body["errorSummary"])
		})
	}
	a := send(t, srv, http.MethodGet, "/api/v1/users/00uann/sessions", ssws(srv), "")
	assertOktaError(t, a, http.StatusMethodNotAllowed, "E0000022")
	assert.Equal(t, "DELETE", a.Header.Get("Allow"))
}

func TestSeedUser(t *testing.T) {
	srv, _ := newFake(t)
	u := srv.SeedUser(oktatest.User{})
	assert.Regexp(t, `^00u[A-Za-z0-9]{17}$`, u.ID)
	assert.Equal(t, u.ID+"@example.com", u.Login)
	assert.Equal(t, u.Login, u.DisplayName)

	srv.SeedUser(oktatest.User{ID: "00uann", Login: "ann@example.com", DisplayName: "Ann"})
	assert.Equal(t, oktatest.User{ID: "00uann", Login: "ann@example.com", DisplayName: "Ann Lee"},
		srv.SeedUser(oktatest.User{ID: "00uann", DisplayName: "Ann Lee"}), "empty fields keep the stored values")
}

// A session, and a token not yet used, answer with their user as it is now:
// SeedUser after them changes what they answer.
func TestSeedUser_changesSessionsAndTokens(t *testing.T) {
	srv, _ := newFake(t)
	ctl := oktatest.ControlPrefix
	a := send(t, srv, http.MethodPost, oktatest.IssueTokenPath, ssws(srv), `{"userId":"00uann","login":"ann@example.com"}`)
	require.Equal(t, http.StatusOK, a.StatusCode, "body: %s", a.body)
	tok := a.object(t)["sessionToken"].(string)
	a = send(t, srv, http.MethodPost, ctl+"sessions", ssws(srv), `{"user":{"userId":"00uann"}}`)
	require.Equal(t, http.StatusCreated, a.StatusCode, "body: %s", a.body)
	seeded := a.object(t)
	assert.Equal(t, "ann@example.com", seeded["login"])

	a = send(t, srv, http.MethodPost, ctl+"users", ssws(srv), `{"userId":"00uann","login":"ann.b@example.com","displayName":"Ann B"}`)
	require.Equal(t, http.StatusCreated, a.StatusCode, "body: %s", a.body)

	a = send(t, srv, http.MethodPost, "/api/v1/sessions", "", `{"sessionToken":"`+tok+`"}`)
	require.Equal(t, http.StatusOK, a.StatusCode, "body: %s", a.body)
	created := a.object(t)
	for _, s := range []map[string]any{
		created,
		send(t, srv, http.MethodGet, sessionPath(seeded), ssws(srv), "").object(t),
		sendHeader(t, srv, http.MethodGet, "/api/v1/sessions/me", withCookie("sid", seeded["id"].(string)), "").object(t),
	} {
		assert.Equal(t, "ann.b@example.com", s["login"])
		assert.Equal(t, "00uann", s["userId"])
		assert.Equal(t, "Ann B", s["_links"].(map[string]any)["user"].(map[string]any)["name"])
	}
}
