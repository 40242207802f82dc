package okta

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// mockClient returns a client whose requests go to an httpmock transport
// instead of the network, and the transport to register responders on.
func mockClient(t *testing.T, edit func(*Configuration)) (*APIClient, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	cfg := NewConfiguration()
	cfg.Subdomain = "acme"
	cfg.APIToken = testToken
	cfg.HTTPClient = &http.Client{Transport: mock}
	if edit != nil {
		edit(cfg)
	}
	return NewAPIClient(cfg), mock
}

// captureHeaders registers a GetSession responder that records the headers
// of the request it answers.
func captureHeaders(mock *httpmock.MockTransport, into *http.Header) {
	mock.RegisterResponder(http.MethodGet, "https://acme.okta.com/api/v1/sessions/abc",
		func(r *http.Request) (*http.Response, error) {
			*into = r.Header.Clone()
			return httpmock.NewStringResponse(http.StatusOK, sessionJSON), nil
		})
}

type errTokenSource struct{}

func (errTokenSource) Token() (*oauth2.Token, error) { return nil, errors.New("token endpoint down") }

func TestAuthorization(t *testing.T) {
	bg := context.Background()
	tests := []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"configured API token", bg, "SSWS " + testToken},
		{"context API key wins", context.WithValue(bg, ContextAPIKey, APIKey{Key: "ctxkey"}), "SSWS ctxkey"},
		{"context API key with prefix", context.WithValue(bg, ContextAPIKey, APIKey{Key: "k", Prefix: "Custom"}), "Custom k"},
		{"access token", context.WithValue(bg, ContextAccessToken, "at-123"), "Bearer at-123"},
		{"oauth2 token source", context.WithValue(bg, ContextOAuth2, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "oa-456"})), "Bearer oa-456"},
		{"oauth2 wins over the others", context.WithValue(context.WithValue(context.WithValue(bg,
			ContextAPIKey, APIKey{Key: "k"}), ContextAccessToken, "at"),
			ContextOAuth2, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "oa"})), "Bearer oa"},
		{"access token wins over API key", context.WithValue(context.WithValue(bg,
			ContextAPIKey, APIKey{Key: "k"}), ContextAccessToken, "at"), "Bearer at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, mock := mockClient(t, nil)
			var got http.Header
			captureHeaders(mock, &got)
			_, _, err := client.SessionApi.GetSession(tt.ctx, "abc")
			require.NoError(t, err)
			assert.Equal(t, []string{tt.want}, got.Values("Authorization"))
		})
	}
}

func TestAuthorization_tokenSourceError(t *testing.T) {
	client, mock := mockClient(t, nil)
	ctx := context.WithValue(context.Background(), ContextOAuth2, oauth2.TokenSource(errTokenSource{}))
	_, _, err := client.SessionApi.GetSession(ctx, "abc")
	assert.EqualError(t, err, "okta: GetSession: oauth2 token source: token endpoint down")
	assert.Zero(t, mock.GetTotalCallCount())
}

func TestHeaders(t *testing.T) {
	client, mock := mockClient(t, func(c *Configuration) {
		c.UserAgent = "billing-svc/2.3"
		c.AddDefaultHeader("X-Team", "billing")
		c.AddDefaultHeader("accept", "text/plain") // the client's own Accept wins
	})
	var got http.Header
	captureHeaders(mock, &got)
	_, _, err := client.SessionApi.GetSession(context.Background(), "abc")
	require.NoError(t, err)

	assert.Equal(t, []string{"application/json"}, got.Values("Accept"))
	assert.Empty(t, got.Values("Content-Type"))
	assert.Equal(t, []string{"billing"}, got.Values("X-Team"))
	ua := got.Values("User-Agent")
	require.Len(t, ua, 1)
	assert.Regexp(t, `^okta-session-go/\d+\.\d+\.\d+ go/\d+\.\d+\S* [a-z0-9]+/[a-z0-9]+ billing-svc/2\.3$`, ua[0])
}

func TestNoRequestToAnotherHost(t *testing.T) {
	// The default client does not follow redirects: the 3xx comes back as an
	// *APIError, and nothing, least of all the token, reaches the other host.
	client, mock := mockClient(t, func(c *Configuration) { c.HTTPClient = nil })
	client.httpClient.Transport = mock
	mock.RegisterResponder(http.MethodGet, "https://acme.okta.com/api/v1/sessions/abc", func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusFound, "")
		resp.Header.Set("Location", "https://evil.example.com/steal")
		return resp, nil
	})
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		t.Errorf("request to %s with Authorization %q", r.URL, r.Header.Get("Authorization"))
		return httpmock.NewStringResponse(http.StatusOK, sessionJSON), nil
	})
	_, _, err := client.SessionApi.GetSession(context.Background(), "abc")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusFound, apiErr.StatusCode)
	assert.Equal(t, 1, mock.GetTotalCallCount())
}

// A caller's own HTTP client may follow redirects; Go drops Authorization
// when the redirect leaves the host, so the token still stays home.
func TestRedirect_callerClientDropsAuthorization(t *testing.T) {
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Values("Authorization")
		writeJSON(w, http.StatusOK, sessionJSON)
	}))
	t.Cleanup(other.Close)
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherURL+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(home.Close)

	client := NewAPIClient(&Configuration{BasePath: home.URL, APIToken: testToken, HTTPClient: &http.Client{}})
	_, _, err := client.SessionApi.GetSession(context.Background(), "abc")
	require.NoError(t, err)
	assert.Empty(t, leaked)
}
