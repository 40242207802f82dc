package okta

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const (
	getURL    = "https://acme.okta.com/api/v1/sessions/" + testSessionID
	createURL = "https://acme.okta.com/api/v1/sessions"
)

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
			captureHeaders(mock, http.MethodGet, getURL, &got)
			_, _, err := client.SessionApi.GetSession(tt.ctx, testSessionID)
			require.NoError(t, err)
			assert.Equal(t, []string{tt.want}, got.Values("Authorization"))
		})
	}
}

// Okta allows CreateSession without a credential: with none configured and
// none on the context, no Authorization header is sent, not an empty one.
// Every other operation still needs one.
func TestCreateSession_anonymous(t *testing.T) {
	client, mock := mockClient(t, func(c *Configuration) { c.APIToken = "" })
	var got http.Header
	captureHeaders(mock, http.MethodPost, createURL, &got)
	_, _, err := client.SessionApi.CreateSession(context.Background(), CreateSessionRequest{SessionToken: "20111tok"})
	require.NoError(t, err)
	_, sent := got["Authorization"]
	assert.False(t, sent, "Authorization %q", got.Values("Authorization"))

	_, _, err = client.SessionApi.GetSession(context.Background(), testSessionID)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "credentials", ve.Field)
	assert.Equal(t, 1, mock.GetTotalCallCount())
}

// CreateSession is sent anonymously in the OAuth 2.0 modes (an access token
// on the context, a TokenSource, "PrivateKey" with or without DPoP): no
// Authorization, no DPoP header, no token request. SSWS keeps its token.
func TestCreateSession_anonymousInOAuthModes(t *testing.T) {
	create := matrixOps[0]
	for _, a := range authCases {
		t.Run(a.name, func(t *testing.T) {
			m := matrixCase{a, create, requestKind{"api", false}}
			var got http.Header
			org := newMatrixOrg(t, m, func(o *matrixOrg, token bool, _ int, w http.ResponseWriter, r *http.Request, _ string) {
				got = r.Header.Clone()
				o.well(token, w)
			})
			require.NoError(t, m.run(org.config(m, func(c *Configuration) { c.AddDefaultHeader("DPoP", "from-a-default-header") })))
			assert.Zero(t, org.requests(true), "a token request")
			if a.name == "SSWS" {
				assert.Equal(t, "SSWS "+testToken, got.Get("Authorization"))
			} else {
				assert.Empty(t, got.Values("Authorization"))
				assert.Empty(t, got.Values("DPoP"), "not even a DefaultHeader's")
			}
		})
	}
}

// nilTokenSource returns no token and no error, as a buggy source might.
type nilTokenSource struct{}

func (nilTokenSource) Token() (*oauth2.Token, error) { return nil, nil }

// errTokenSource fails, as a token endpoint that is down does.
type errTokenSource struct{}

var errTokenEndpoint = errors.New("token endpoint down")

func (errTokenSource) Token() (*oauth2.Token, error) { return nil, errTokenEndpoint }

// A bad credential of any kind is a *ValidationError naming it, never a
// panic, and nothing is sent.
func TestBadCredentials(t *testing.T) {
	bg := context.Background()
	tests := []struct {
		name  string
		ctx   context.Context
		field string
		oauth bool // an OAuth 2.0 credential, which CreateSession never uses
	}{
		{"token source returns nil, nil", context.WithValue(bg, ContextOAuth2, oauth2.TokenSource(nilTokenSource{})), "ContextOAuth2", true},
		{"token source returns an empty token", context.WithValue(bg, ContextOAuth2, oauth2.StaticTokenSource(&oauth2.Token{})), "ContextOAuth2 access token", true},
		{"token source returns a CRLF token", context.WithValue(bg, ContextOAuth2, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "a\r\nX-Evil: 1"})), "ContextOAuth2 access token", true},
		{"not a token source", context.WithValue(bg, ContextOAuth2, "token"), "ContextOAuth2", true},
		{"empty access token", context.WithValue(bg, ContextAccessToken, ""), "ContextAccessToken", true},
		{"access token not a string", context.WithValue(bg, ContextAccessToken, []byte("at")), "ContextAccessToken", true},
		{"CRLF API key", context.WithValue(bg, ContextAPIKey, APIKey{Key: "k\nX-Evil: y"}), "ContextAPIKey", false},
		{"empty API key", context.WithValue(bg, ContextAPIKey, APIKey{}), "ContextAPIKey", false},
		{"bad API key prefix", context.WithValue(bg, ContextAPIKey, APIKey{Key: "k", Prefix: "SSWS x"}), "ContextAPIKey", false},
		{"API key not an APIKey", context.WithValue(bg, ContextAPIKey, "SSWS x"), "ContextAPIKey", false},
		{"API key by pointer", context.WithValue(bg, ContextAPIKey, &APIKey{Key: "k"}), "ContextAPIKey", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, mock := mockClient(t, nil)
			for op, call := range map[string]func() error{
				"GetSession": func() error { _, _, err := client.SessionApi.GetSession(tt.ctx, "abc"); return err },
				"CreateSession": func() error {
					_, _, err := client.SessionApi.CreateSession(tt.ctx, CreateSessionRequest{SessionToken: "20111tok"})
					return err
				},
			} {
				if tt.oauth && op == "CreateSession" {
					continue // see TestCreateSession_anonymousInOAuthModes
				}
				err := call()
				var ve *ValidationError
				require.ErrorAs(t, err, &ve, op)
				assert.Equal(t, op, ve.Op)
				assert.Equal(t, tt.field, ve.Field)
				assert.NotContains(t, err.Error(), "X-Evil")
			}
			assert.Zero(t, mock.GetTotalCallCount())
		})
	}
}

func TestTokenSourceError(t *testing.T) {
	client, mock := mockClient(t, nil)
	ctx := context.WithValue(context.Background(), ContextOAuth2, oauth2.TokenSource(errTokenSource{}))
	_, _, err := client.SessionApi.GetSession(ctx, "abc")
	assert.ErrorIs(t, err, errTokenEndpoint)
	assert.Zero(t, mock.GetTotalCallCount())
}

func TestHeaders(t *testing.T) {
	client, mock := mockClient(t, func(c *Configuration) {
		c.UserAgent = "billing-svc/2.3"
		c.AddDefaultHeader("X-Team", "billing")
		c.AddDefaultHeader("accept", "text/plain") // the client's own Accept wins
	})
	var got http.Header
	captureHeaders(mock, http.MethodGet, getURL, &got)
	_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	require.NoError(t, err)

	assert.Equal(t, []string{"application/json"}, got.Values("Accept"))
	assert.Empty(t, got.Values("Content-Type"))
	assert.Equal(t, []string{"billing"}, got.Values("X-Team"))
	ua := got.Values("User-Agent")
	require.Len(t, ua, 1)
	assert.Regexp(t, `^okta-session-go/\d+\.\d+\.\d+ go/\d+\.\d+\S* [a-z0-9]+/[a-z0-9]+ billing-svc/2\.3$`, ua[0])
}

func TestDefaultClientFollowsNoRedirect(t *testing.T) {
	client, mock := mockClient(t, func(c *Configuration) { c.HTTPClient = nil })
	client.pipe.HTTPClient.Transport = mock
	mock.RegisterResponder(http.MethodGet, getURL, func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusFound, "")
		resp.Header.Set("Location", "https://acme.okta.com/elsewhere")
		return resp, nil
	})
	_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusFound, apiErr.StatusCode)
	assert.Equal(t, 1, mock.GetTotalCallCount())
}

// A caller's HTTP client that follows redirects never carries the request
// body (the one-time session token), Authorization or a default header to
// another host: the call ends with the 3xx. Redirects within the org still
// go to the caller's CheckRedirect.
func TestCallerClientRedirects(t *testing.T) {
	const sessionToken = "20111secretSESSIONtoken"
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound, http.StatusMovedPermanently, http.StatusSeeOther} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			var mu sync.Mutex
			var leaked []string
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				leaked = append(leaked, r.Method+" "+string(body)+" "+r.Header.Get("Authorization")+" "+r.Header.Get("X-Api-Key"))
				mu.Unlock()
				writeJSON(w, http.StatusOK, sessionJSON)
			}))
			t.Cleanup(other.Close)
			// The same loopback address under another name is another host.
			otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
			home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, otherURL+r.URL.Path, status)
			}))
			t.Cleanup(home.Close)

			var callerChecked bool
			mine := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { callerChecked = true; return nil }}
			client := NewAPIClient(&Configuration{BasePath: home.URL, APIToken: testToken, HTTPClient: mine,
				DefaultHeader: map[string]string{"X-Api-Key": "gateway-secret"}})
			_, _, err := client.SessionApi.CreateSession(context.Background(), CreateSessionRequest{SessionToken: sessionToken})
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Empty(t, leaked)
			assert.False(t, callerChecked, "the caller's CheckRedirect was asked about another host")
			assert.NotNil(t, mine.CheckRedirect, "the caller's client was changed")
		})
	}

	t.Run("within the org", func(t *testing.T) {
		var checked int
		mux := http.NewServeMux()
		mux.HandleFunc("/api/v1/sessions/old", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/api/v1/sessions/"+testSessionID, http.StatusTemporaryRedirect)
		})
		mux.HandleFunc("/api/v1/sessions/"+testSessionID, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, sessionJSON)
		})
		home := httptest.NewServer(mux)
		t.Cleanup(home.Close)
		mine := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { checked++; return nil }}
		client := NewAPIClient(&Configuration{BasePath: home.URL, APIToken: testToken, HTTPClient: mine})
		_, err := client.SessionApi.EndSession(context.Background(), "old")
		require.NoError(t, err)
		assert.Equal(t, 1, checked)
	})
}
