package oktatest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/oktatest"
)

func TestCurrentSession(t *testing.T) {
	for _, name := range []string{"sid", "idx"} {
		t.Run(name, func(t *testing.T) {
			srv, clock := newFake(t)
			s := createSession(t, srv)
			id := s["id"].(string)
			me := withCookie(name, id)

			a := sendHeader(t, srv, http.MethodGet, "/api/v1/sessions/me", me, "")
			require.Equal(t, http.StatusOK, a.StatusCode, "body: %s", a.body)
			assertStamped(t, a)
			got := a.object(t)
			assert.Equal(t, id, got["id"])
			links := got["_links"].(map[string]any)
			assert.Equal(t, srv.URL+"/api/v1/sessions/me", links["self"].(map[string]any)["href"])
			assert.Equal(t, srv.URL+"/api/v1/sessions/me/lifecycle/refresh", links["refresh"].(map[string]any)["href"])
			assert.Equal(t, srv.URL+"/api/v1/users/me", links["user"].(map[string]any)["href"])

			clock.Advance(time.Hour)
			a = sendHeader(t, srv, http.MethodPost, "/api/v1/sessions/me/lifecycle/refresh", me, "")
			require.Equal(t, http.StatusOK, a.StatusCode)
			assert.Equal(t, "2026-11-27T12:00:00.000Z", a.object(t)["expiresAt"])
			byID := send(t, srv, http.MethodGet, sessionPath(s), ssws(srv), "")
			assert.Equal(t, "2026-11-27T12:00:00.000Z", byID.object(t)["expiresAt"], "one session behind both routes")

			a = sendHeader(t, srv, http.MethodDelete, "/api/v1/sessions/me", me, "")
			assert.Equal(t, http.StatusNoContent, a.StatusCode)
			assert.Empty(t, a.body)
			assertOktaError(t, send(t, srv, http.MethodGet, sessionPath(s), ssws(srv), ""), http.StatusNotFound, "E0000007")
			body := assertOktaError(t, sendHeader(t, srv, http.MethodGet, "/api/v1/sessions/me", me, ""), http.StatusNotFound, "E0000007")
			assert.Equal(t, "Not found: Resource not found: me (Session)", body["errorSummary"], "the cookie is not echoed")
		})
	}
}

func TestCurrentSession_refused(t *testing.T) {
	srv, clock := newFake(t, oktatest.WithAccessToken("at-123"))
	s := createSession(t, srv)
	id := s["id"].(string)
	paths := []struct{ method, path string }{
		{http.MethodGet, "/api/v1/sessions/me"},
		{http.MethodPost, "/api/v1/sessions/me/lifecycle/refresh"},
		{http.MethodDelete, "/api/v1/sessions/me"},
	}
	for _, p := range paths {
		for _, auth := range []string{ssws(srv), "Bearer at-123", "SSWS wrong", ""} {
			h := withCookie("sid", id)
			h["Authorization"] = []string{auth}
			body := assertOktaError(t, sendHeader(t, srv, p.method, p.path, h, ""), http.StatusForbidden, "E0000005")
			assert.Equal(t, "Invalid session", body["errorSummary"])
		}
		for name, h := range map[string]http.Header{
			"no cookie":       {},
			"unknown cookie":  withCookie("sid", "102unknown"),
			"other cookie":    withCookie("JSESSIONID", id),
			"API token alone": {"X-Api-Token": {srv.APIToken}},
		} {
			// Okta's documented answer to no valid cookie, whatever else the
			// request carries, an Authorization header included.
			for _, auth := range []string{"none", ssws(srv), "Bearer at-123", "DPoP at-123", "SSWS wrong", ""} {
				if auth != "none" {
					h = h.Clone()
					h["Authorization"] = []string{auth}
				}
				body := assertOktaError(t, sendHeader(t, srv, p.method, p.path, h, ""), http.StatusNotFound, "E0000007")
				assert.Equal(t, "Not found: Resource not found: me (Session)", body["errorSummary"], "%s, Authorization %q", name, auth)
			}
		}
	}
	assert.Equal(t, http.StatusOK, send(t, srv, http.MethodGet, sessionPath(s), ssws(srv), "").StatusCode, "refused requests changed nothing")

	clock.Advance(oktatest.DefaultIdleTimeout)
	assertOktaError(t, sendHeader(t, srv, http.MethodGet, "/api/v1/sessions/me", withCookie("idx", id), ""), http.StatusNotFound, "E0000007")
	expired := withCookie("idx", id)
	expired["Authorization"] = []string{ssws(srv)}
	assertOktaError(t, sendHeader(t, srv, http.MethodGet, "/api/v1/sessions/me", expired, ""), http.StatusNotFound, "E0000007")

	a := send(t, srv, http.MethodPut, "/api/v1/sessions/me", ssws(srv), "")
	assertOktaError(t, a, http.StatusMethodNotAllowed, "E0000022")
	assert.Equal(t, "GET, DELETE", a.Header.Get("Allow"))
}
