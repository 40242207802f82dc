package oktatest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/oktatest"
)

func TestRequests_recordedWithSecretsMasked(t *testing.T) {
	srv, _ := newFake(t)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/sessions/a%2Fb?x=1&x=2", nil)
	req.Header.Set("Authorization", ssws(srv))
	req.Header.Add("Cookie", "sid=102secret; idx=102other")
	req.Header.Add("Cookie", "theme")
	req.Header.Set("X-Custom", "kept")
	req.Header.Set("Proxy-Authorization", "Basic dXNlcjpzZWNyZXQ=")
	req.Header.Set("DPoP", "eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJqdGkiOiJqMSJ9.c2lnbmF0dXJl")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	send(t, srv, http.MethodPost, "/api/v1/nowhere", "Bearer secret-access-token", "")

	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	r := reqs[0]
	assert.Equal(t, oktatest.RouteGetSession, r.Route)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/api/v1/sessions/a%2Fb", r.Path)
	assert.Equal(t, "SSWS [redacted]", r.Header.Get("Authorization"))
	assert.Equal(t, []string{"sid=[redacted]; idx=[redacted]", "theme=[redacted]"}, r.Header.Values("Cookie"))
	assert.Equal(t, []string{"1", "2"}, r.Query["x"])
	assert.Equal(t, "kept", r.Header.Get("X-Custom"))
	assert.Equal(t, "Basic [redacted]", r.Header.Get("Proxy-Authorization"))
	assert.Equal(t, "eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJqdGkiOiJqMSJ9.[redacted]", r.Header.Get("DPoP"), "a proof's claims kept, not its signature")
	assert.Equal(t, t0, r.Time)
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, resp.Header.Get("X-Okta-Request-Id"), r.RequestID)

	assert.Equal(t, oktatest.RouteUnknown, reqs[1].Route)
	assert.Equal(t, "Bearer [redacted]", reqs[1].Header.Get("Authorization"))
	assert.Equal(t, http.StatusUnauthorized, reqs[1].Status)

	reqs[0].Header.Set("Authorization", "changed")
	reqs[0].Query["x"][0] = "changed"
	assert.Equal(t, "SSWS [redacted]", srv.Requests()[0].Header.Get("Authorization"), "Requests returns a copy")
	assert.Equal(t, "1", srv.Requests()[0].Query.Get("x"), "Requests returns a copy")
}

// The Server as a handler of the caller's may be handed headers whose keys
// are not canonical: their secrets are masked all the same.
func TestRequests_masksHeadersWhateverTheirCase(t *testing.T) {
	srv, _ := newFake(t)
	req := httptest.NewRequest(http.MethodGet, "/api/v1/sessions/102x", nil)
	req.Header["authorization"] = []string{ssws(srv)}
	req.Header["AUTHORIZATION"] = []string{"Bearer secret-access-token"}
	req.Header["cookie"] = []string{"sid=102secret"}
	req.Header["dpop"] = []string{"not-a-jws"}
	srv.ServeHTTP(httptest.NewRecorder(), req)

	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.Header{
		"authorization": {"SSWS [redacted]"}, "AUTHORIZATION": {"Bearer [redacted]"}, "cookie": {"sid=[redacted]"},
		"dpop": {"[redacted]"},
	}, reqs[0].Header)
}
