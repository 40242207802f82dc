package okta

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// testSid is the value of the user's session cookie in these tests.
const testSid = "102cookieVALUEthatISsecret"

// testCookie is the user's sid cookie.
func testCookie() *http.Cookie { return &http.Cookie{Name: "sid", Value: testSid} }

// testCookieOnly fails the test unless r carries exactly the cookie and none
// of the client's credentials.
func testCookieOnly(t *testing.T, r *http.Request, cookie string) {
	t.Helper()
	testHeader(t, r, "Cookie", cookie)
	for _, h := range []string{"Authorization", "DPoP"} {
		if v := r.Header.Values(h); len(v) != 0 {
			t.Errorf("%s sent on a cookie call", h)
		}
	}
}

func TestGetCurrentSession(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/me", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testHeader(t, r, "Accept", "application/json")
		testCookieOnly(t, r, "sid="+testSid)
		assert.Empty(t, r.Header.Values("Content-Type"))
		writeJSON(w, http.StatusOK, sessionJSON)
	})
	s, resp, err := client.SessionApi.GetCurrentSession(context.Background(), testCookie())
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, testSessionID, s.Id)
	assert.True(t, s.IsActive())
}

func TestRefreshCurrentSession(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/me/lifecycle/refresh", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testCookieOnly(t, r, "idx=idxVALUE.with-dots_1")
		assert.Empty(t, r.Header.Values("Content-Type"))
		assert.Zero(t, r.ContentLength)
		writeJSON(w, http.StatusOK, sessionJSON)
	})
	s, _, err := client.SessionApi.RefreshCurrentSession(context.Background(), &http.Cookie{Name: "idx", Value: "idxVALUE.with-dots_1"})
	require.NoError(t, err)
	assert.Equal(t, "00ubgaSARVOQDIOXMORI", s.UserId)
}

func TestCloseCurrentSession(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/me", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodDelete)
		testCookieOnly(t, r, "sid="+testSid)
		w.WriteHeader(http.StatusNoContent)
	})
	// Only Name and Value are sent, whatever else the cookie holds.
	cookie := &http.Cookie{Name: "sid", Value: testSid, Path: "/", Domain: "example.okta.com", HttpOnly: true, Secure: true}
	resp, err := client.SessionApi.CloseCurrentSession(context.Background(), cookie)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
}

// failingTokenSource fails the test if a token is asked of it.
type failingTokenSource struct{ t *testing.T }

func (s failingTokenSource) Token() (*oauth2.Token, error) {
	s.t.Error("a cookie call asked a token source for a token")
	return &oauth2.Token{AccessToken: "oauth-access-token"}, nil
}

// currentOps calls each /me operation with cookie and returns its error.
func currentOps(api *SessionApiService) map[string]func(context.Context, *http.Cookie) error {
	return map[string]func(context.Context, *http.Cookie) error{
		"GetCurrentSession": func(ctx context.Context, c *http.Cookie) error {
			_, _, err := api.GetCurrentSession(ctx, c)
			return err
		},
		"RefreshCurrentSession": func(ctx context.Context, c *http.Cookie) error {
			_, _, err := api.RefreshCurrentSession(ctx, c)
			return err
		},
		"CloseCurrentSession": func(ctx context.Context, c *http.Cookie) error {
			_, err := api.CloseCurrentSession(ctx, c)
			return err
		},
	}
}

func TestCurrentSession_neverSendsTheClientsCredential(t *testing.T) {
	srv, mux := setup(t)
	var hits atomic.Int32
	handler := func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		testCookieOnly(t, r, "sid="+testSid)
		testHeader(t, r, "X-Tenant", "acme") // the caller's explicit choice
		writeJSON(w, http.StatusOK, sessionJSON)
	}
	mux.HandleFunc("/api/v1/sessions/me", handler)
	mux.HandleFunc("/api/v1/sessions/me/lifecycle/refresh", handler)

	// A client with an API token, default headers that look like credentials,
	// and every credential the context can carry.
	cfg := NewConfiguration()
	cfg.BasePath = srv.base
	cfg.APIToken = testToken
	cfg.DefaultHeader = map[string]string{"DPoP": "a-dpop-proof", "Cookie": "sid=someone-else", "X-Tenant": "acme"}
	client := NewAPIClient(cfg)
	ctx := context.WithValue(context.Background(), ContextAPIKey, APIKey{Key: "ctx-api-key"})
	ctx = context.WithValue(ctx, ContextAccessToken, "ctx-access-token")
	ctx = context.WithValue(ctx, ContextOAuth2, failingTokenSource{t})

	for op, call := range currentOps(client.SessionApi) {
		require.NoError(t, call(ctx, testCookie()), op)
	}
	assert.Equal(t, int32(3), hits.Load())
}

func TestCurrentSession_needsNoClientCredential(t *testing.T) {
	client, mux := setup(t)
	client.apiToken = nil // as if the configuration had none
	mux.HandleFunc("/api/v1/sessions/me", func(w http.ResponseWriter, r *http.Request) {
		testCookieOnly(t, r, "idx="+testSid)
		writeJSON(w, http.StatusOK, sessionJSON)
	})
	_, _, err := client.SessionApi.GetCurrentSession(context.Background(), &http.Cookie{Name: "idx", Value: testSid})
	require.NoError(t, err)
}

// A caller's HTTPClient with a cookie jar does not add the jar's cookies (one
// user's Set-Cookie) to another user's current-session call.
func TestCurrentSession_callerJarNotUsed(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/me", func(w http.ResponseWriter, r *http.Request) {
		testCookieOnly(t, r, "sid="+testSid)
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "someone-elses-session", Path: "/"})
		writeJSON(w, http.StatusOK, sessionJSON)
	})
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	cfg := *client.cfg
	cfg.HTTPClient = &http.Client{Jar: jar}
	client = NewAPIClient(&cfg)
	for range 2 {
		_, _, err := client.SessionApi.GetCurrentSession(context.Background(), testCookie())
		require.NoError(t, err)
	}
}

func TestCurrentSession_refusedBeforeIO(t *testing.T) {
	client := setupNoIO(t)
	var nilCtx context.Context // a nil context is what one case is about
	tests := []struct {
		name   string
		ctx    context.Context
		cookie *http.Cookie
		field  string
	}{
		{"nil cookie", context.Background(), nil, "cookie"},
		{"another name", context.Background(), &http.Cookie{Name: "JSESSIONID", Value: testSid}, "cookie"},
		{"name in upper case", context.Background(), &http.Cookie{Name: "SID", Value: testSid}, "cookie"},
		{"empty value", context.Background(), &http.Cookie{Name: "sid"}, "cookie"},
		{"CRLF in value", context.Background(), &http.Cookie{Name: "sid", Value: testSid + "\r\nAuthorization: SSWS x"}, "cookie"},
		{"another cookie in value", context.Background(), &http.Cookie{Name: "sid", Value: testSid + "; idx=other"}, "cookie"},
		{"space in value", context.Background(), &http.Cookie{Name: "idx", Value: "a b"}, "cookie"},
		{"non-ASCII value", context.Background(), &http.Cookie{Name: "idx", Value: "ü"}, "cookie"},
		{"nil context", nilCtx, testCookie(), "ctx"},
	}
	for _, tt := range tests {
		for op, call := range currentOps(client.SessionApi) {
			t.Run(tt.name+"/"+op, func(t *testing.T) {
				err := call(tt.ctx, tt.cookie)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, op, ve.Op)
				assert.Equal(t, tt.field, ve.Field)
				if tt.cookie != nil && tt.cookie.Value != "" {
					assert.NotContains(t, err.Error(), tt.cookie.Value)
				}
			})
		}
	}
}

func TestCurrentSession_cookieScrubbedFromErrors(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/me", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, `{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: `+testSid+
			` (Session)","errorCauses":[{"errorSummary":"sid=`+testSid+`"}]}`)
	})
	_, err := client.SessionApi.CloseCurrentSession(context.Background(), testCookie())
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, "CloseCurrentSession", apiErr.Op)
	assert.NotContains(t, err.Error(), testSid)
	assert.NotContains(t, apiErr.GoString(), testSid)
	assert.Contains(t, apiErr.ErrorSummary, shortID(testSid))
	require.Len(t, apiErr.ErrorCauses, 1)
	assert.NotContains(t, apiErr.ErrorCauses[0].ErrorSummary, testSid)
}

func TestCurrentSession_retries(t *testing.T) {
	client, mux := setup(t)
	var attempts atomic.Int32
	handler := func(w http.ResponseWriter, r *http.Request) {
		testCookieOnly(t, r, "sid="+testSid)
		switch attempts.Add(1) {
		case 1:
			w.Header().Set("X-Okta-Request-Id", "req429")
			w.Header().Set("Connection", "close") // so that net/http does not replay the GET itself
			writeJSON(w, http.StatusTooManyRequests, `{"errorCode":"E0000047"}`)
		case 2:
			testHeader(t, r, "X-Okta-Retry-For", "req429")
			dropConnection(t, w)
		default:
			testHeader(t, r, "X-Okta-Retry-Count", "2")
			writeJSON(w, http.StatusOK, sessionJSON)
		}
	}
	mux.HandleFunc("/api/v1/sessions/me", handler)
	mux.HandleFunc("/api/v1/sessions/me/lifecycle/refresh", handler)
	for op, call := range currentOps(client.SessionApi) {
		attempts.Store(0)
		require.NoError(t, call(context.Background(), testCookie()), op)
		assert.Equal(t, int32(3), attempts.Load(), "%s: a 429 and a dropped connection are retried", op)
	}
}

func TestValidCookieValue(t *testing.T) {
	for _, v := range []string{"102hT2vn7f4Y", "a-b_c.d~e!#$%&'()*+/:<=>?@[]^`{|}", strings.Repeat("x", 512)} {
		assert.True(t, validCookieValue(v), v)
	}
	for _, v := range []string{"a b", "a\tb", "a\"b", "a,b", "a;b", `a\b`, "a\x7fb", "a\x00b", "ü"} {
		assert.False(t, validCookieValue(v), v)
	}
}

// FuzzSessionCookie checks that any cookie value either is refused before any
// I/O or reaches the server as the one cookie of the request, unchanged, with
// no Authorization.
//
//	go test -run '^$' -fuzz FuzzSessionCookie -fuzztime 30s
func FuzzSessionCookie(f *testing.F) {
	for _, v := range []string{testSid, "", "a; idx=b", "a\r\nAuthorization: SSWS x", `"quoted"`, "a b", "a,b", "ü", "=", "a=b"} {
		f.Add(v)
	}
	got := make(chan *http.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r
		w.WriteHeader(http.StatusNoContent)
	}))
	f.Cleanup(srv.Close)
	client := NewAPIClient(&Configuration{BasePath: srv.URL, APIToken: testToken})
	f.Fuzz(func(t *testing.T, value string) {
		_, err := client.SessionApi.CloseCurrentSession(context.Background(), &http.Cookie{Name: "idx", Value: value})
		var ve *ValidationError
		if errors.As(err, &ve) {
			if value != "" && validCookieValue(value) {
				t.Fatalf("refused %q: %v", value, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("CloseCurrentSession(%q): %v", value, err)
		}
		r := <-got
		if cookies := r.Cookies(); len(cookies) != 1 || cookies[0].Name != "idx" || cookies[0].Value != value {
			t.Fatalf("value %q arrived as %v", value, cookies)
		}
		if r.Header.Get("Authorization") != "" {
			t.Fatalf("value %q: Authorization sent", value)
		}
	})
}
