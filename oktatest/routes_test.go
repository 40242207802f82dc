package oktatest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/oktatest"
)

// TestEveryAnswerStamped checks that every answer of Okta's API, whatever
// its status, carries the request id, the Date and the rate-limit headers.
func TestEveryAnswerStamped(t *testing.T) {
	srv, _ := newFake(t, oktatest.WithAccessToken("at-123"))
	s := createSession(t, srv)
	tests := []struct {
		name, method, path, auth, body string
		status                         int
		code, allow                    string
	}{
		{"get", http.MethodGet, sessionPath(s), ssws(srv), "", http.StatusOK, "", ""},
		{"refresh", http.MethodPost, sessionPath(s) + "/lifecycle/refresh", ssws(srv), "", http.StatusOK, "", ""},
		{"bad body", http.MethodPost, "/api/v1/sessions", ssws(srv), "{", http.StatusBadRequest, "E0000003", ""},
		{"bad token", http.MethodGet, sessionPath(s), "SSWS wrong", "", http.StatusUnauthorized, "E0000011", ""},
		{"unknown session", http.MethodGet, "/api/v1/sessions/102nope", ssws(srv), "", http.StatusNotFound, "E0000007", ""},
		{"unknown path under sessions", http.MethodGet, sessionPath(s) + "/nowhere", ssws(srv), "", http.StatusNotFound, "E0000008", ""},
		{"unknown path", http.MethodGet, "/api/v1/nowhere", ssws(srv), "", http.StatusNotFound, "E0000008", ""},
		{"empty session id", http.MethodGet, "/api/v1/sessions/", ssws(srv), "", http.StatusNotFound, "E0000008", ""},
		{"get the collection", http.MethodGet, "/api/v1/sessions", ssws(srv), "", http.StatusMethodNotAllowed, "E0000022", "POST"},
		{"put a session", http.MethodPut, sessionPath(s), ssws(srv), "", http.StatusMethodNotAllowed, "E0000022", "GET, DELETE"},
		{"get refresh", http.MethodGet, sessionPath(s) + "/lifecycle/refresh", "Bearer at-123", "", http.StatusMethodNotAllowed, "E0000022", "POST"},
		{"end", http.MethodDelete, sessionPath(s), ssws(srv), "", http.StatusNoContent, "", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := send(t, srv, tt.method, tt.path, tt.auth, tt.body)
			assert.Equal(t, tt.status, a.StatusCode, "body: %s", a.body)
			assertStamped(t, a)
			assertRateLimit(t, a, oktatest.DefaultRateLimit, oktatest.DefaultRateLimit-2-i, t0.Add(time.Minute))
			if tt.code != "" {
				assertOktaError(t, a, tt.status, tt.code)
			}
			assert.Equal(t, tt.allow, a.Header.Get("Allow"))
		})
	}
}

func TestUnknownRoute_bodies(t *testing.T) {
	srv, _ := newFake(t)
	body := assertOktaError(t, send(t, srv, http.MethodGet, "/api/v1/nowhere", ssws(srv), ""), http.StatusNotFound, "E0000008")
	assert.Equal(t, "The requested path was not found", body["errorSummary"])
	body = assertOktaError(t, send(t, srv, http.MethodPatch, "/api/v1/sessions", ssws(srv), ""), http.StatusMethodNotAllowed, "E0000022")
	assert.Equal(t, "The endpoint does not support the provided HTTP method", body["errorSummary"])
	a := send(t, srv, http.MethodGet, "/nowhere", ssws(srv), "")
	assertOktaError(t, a, http.StatusNotFound, "E0000008")
	assertStamped(t, a)
	assert.Empty(t, a.Header.Get("X-Rate-Limit-Limit"), "outside Okta's API: no rate limit")
}

// TestServeHTTP_mounted checks that the fake answers as an http.Handler of
// the caller's, without its listener: links follow the request's host.
func TestServeHTTP_mounted(t *testing.T) {
	srv, _ := newFake(t)
	tok := srv.IssueSessionToken(oktatest.User{ID: "00ubgaSARVOQDIOXMORI"})
	req := httptest.NewRequest(http.MethodPost, "https://dev-123456.okta.com/api/v1/sessions", strings.NewReader(`{"sessionToken":"`+tok+`"}`))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, "body: %s", rec.Body)
	s := answer{rec.Result(), rec.Body.Bytes()}.object(t)
	links := s["_links"].(map[string]any)
	assert.Equal(t, "https://dev-123456.okta.com/api/v1/sessions/"+s["id"].(string), links["self"].(map[string]any)["href"])
	assert.Equal(t, "https://dev-123456.okta.com/api/v1/users/00ubgaSARVOQDIOXMORI", links["user"].(map[string]any)["href"])

	mux := http.NewServeMux()
	mux.Handle("/", srv)
	outer := httptest.NewServer(mux)
	defer outer.Close()
	get, _ := http.NewRequest(http.MethodGet, outer.URL+"/api/v1/sessions/"+s["id"].(string), nil)
	get.Header.Set("Authorization", ssws(srv))
	resp, err := http.DefaultClient.Do(get)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
