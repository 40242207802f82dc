package okta

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewHTTPClient_tuned(t *testing.T) {
	a, b := NewHTTPClient(), NewHTTPClient()
	assert.NotSame(t, a, b, "each caller wraps a client of its own")
	assert.NotSame(t, a.Transport, b.Transport)
	tr, ok := a.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, 100, tr.MaxIdleConnsPerHost, "as the doc says")
	assert.Equal(t, 10*time.Second, tr.TLSHandshakeTimeout)
	assert.NotNil(t, tr.Proxy)
	assert.ErrorIs(t, a.CheckRedirect(nil, nil), http.ErrUseLastResponse)
}

// NewHTTPClient with its transport wrapped, set as Configuration.HTTPClient,
// keeps the default client's rule: no redirect is followed, within the org
// or off it, and the wrapper sees the one request.
func TestNewHTTPClient_wrappedFollowsNoRedirect(t *testing.T) {
	for _, target := range []string{"/api/v1/sessions/" + testSessionID, "https://elsewhere.example.invalid/"} {
		t.Run(target, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/api/v1/sessions/old12345678" {
					http.Redirect(w, r, target, http.StatusTemporaryRedirect)
					return
				}
				writeJSON(w, http.StatusOK, sessionJSON)
			}))
			t.Cleanup(srv.Close)
			var n atomic.Int32
			hc := NewHTTPClient()
			next := hc.Transport
			hc.Transport = roundTripperFunc(func(r *http.Request) (*http.Response, error) {
				n.Add(1)
				return next.RoundTrip(r)
			})
			client := NewAPIClient(&Configuration{BasePath: srv.URL, APIToken: testToken, HTTPClient: hc, MaxRetries: NoRetries})
			_, _, err := client.SessionApi.GetSession(context.Background(), "old12345678")
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
			assert.EqualValues(t, 1, n.Load())
		})
	}
}

// roundTripperFunc is an http.RoundTripper made of a function.
type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
