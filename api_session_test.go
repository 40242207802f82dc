package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateSession(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testHeader(t, r, "Content-Type", "application/json")
		testHeader(t, r, "Accept", "application/json")
		testHeader(t, r, "Authorization", "SSWS "+testToken)
		body, _ := io.ReadAll(r.Body)
		assert.JSONEq(t, `{"sessionToken":"20111tokenXYZ"}`, string(body))
		writeJSON(w, http.StatusOK, sessionJSON)
	})

	s, resp, err := client.SessionApi.CreateSession(context.Background(), CreateSessionRequest{SessionToken: "20111tokenXYZ"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "101W_juydrDRByB7fUdRyE2JQ", s.Id)
	assert.True(t, s.IsActive())
}

func TestGetSession(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/101W_juydrDRByB7fUdRyE2JQ", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testHeader(t, r, "Accept", "application/json")
		if ct := r.Header.Values("Content-Type"); len(ct) != 0 {
			t.Errorf("Content-Type %q sent without a body", ct)
		}
		w.Header().Set("X-Okta-Request-Id", "reqGET")
		writeJSON(w, http.StatusOK, sessionJSON)
	})

	s, resp, err := client.SessionApi.GetSession(context.Background(), "101W_juydrDRByB7fUdRyE2JQ")
	require.NoError(t, err)
	assert.Equal(t, "reqGET", resp.Header.Get("X-Okta-Request-Id"))
	want := time.Date(2015, 8, 30, 18, 41, 35, 818e6, time.UTC)
	assert.True(t, s.ExpiresAt.Equal(want), "ExpiresAt %v", s.ExpiresAt)
	assert.Equal(t, "Isaac Brock", s.Links.User.Name)
	assert.Equal(t, []string{"POST"}, s.Links.Refresh.Hints.Allow)
	assert.Nil(t, s.LastFactorVerification)

	// The body has been read and closed; what is left to read is nothing.
	n, err := io.Copy(io.Discard, resp.Body)
	assert.NoError(t, err)
	assert.Zero(t, n)
}

func TestRefreshSession(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/101W_juydrDRByB7fUdRyE2JQ/lifecycle/refresh", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		if ct := r.Header.Values("Content-Type"); len(ct) != 0 {
			t.Errorf("Content-Type %q sent without a body", ct)
		}
		assert.Zero(t, r.ContentLength)
		writeJSON(w, http.StatusOK, sessionJSON)
	})
	s, _, err := client.SessionApi.RefreshSession(context.Background(), "101W_juydrDRByB7fUdRyE2JQ")
	require.NoError(t, err)
	assert.Equal(t, "00ubgaSARVOQDIOXMORI", s.UserId)
}

func TestEndSession(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/101W_juydrDRByB7fUdRyE2JQ", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodDelete)
		w.WriteHeader(http.StatusNoContent)
	})
	resp, err := client.SessionApi.EndSession(context.Background(), "101W_juydrDRByB7fUdRyE2JQ")
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
}

func TestSessionID_isOneEscapedSegment(t *testing.T) {
	client, mux := setup(t)
	var got []string
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.RequestURI)
		w.WriteHeader(http.StatusNoContent)
	})
	ctx := context.Background()
	for _, id := range []string{"a/b?c=1#x", "../users", "%2e%2e", "a b", "ü"} {
		_, err := client.SessionApi.EndSession(ctx, id)
		require.NoError(t, err, id)
	}
	assert.Equal(t, []string{
		"/api/v1/sessions/a%2Fb%3Fc=1%23x",
		"/api/v1/sessions/..%2Fusers",
		"/api/v1/sessions/%252e%252e",
		"/api/v1/sessions/a%20b",
		"/api/v1/sessions/%C3%BC",
	}, got)
}

func TestRequestsRefusedBeforeIO(t *testing.T) {
	client, mux := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	api := client.SessionApi
	ctx := context.Background()
	var nilCtx context.Context // a nil context is what one case is about

	tests := []struct {
		name      string
		call      func() (*http.Response, error)
		op, field string
	}{
		{"empty id", func() (*http.Response, error) { _, r, err := api.GetSession(ctx, ""); return r, err }, "GetSession", "sessionId"},
		{"dot id", func() (*http.Response, error) { _, r, err := api.RefreshSession(ctx, "."); return r, err }, "RefreshSession", "sessionId"},
		{"dot-dot id", func() (*http.Response, error) { return api.EndSession(ctx, "..") }, "EndSession", "sessionId"},
		{"empty token", func() (*http.Response, error) {
			_, r, err := api.CreateSession(ctx, CreateSessionRequest{})
			return r, err
		}, "CreateSession", "sessionToken"},
		{"CRLF token", func() (*http.Response, error) {
			_, r, err := api.CreateSession(ctx, CreateSessionRequest{SessionToken: "a\r\nX-Evil: 1"})
			return r, err
		}, "CreateSession", "sessionToken"},
		{"nil context", func() (*http.Response, error) { _, r, err := api.GetSession(nilCtx, "abc"); return r, err }, "GetSession", "ctx"},
		{"empty access token", func() (*http.Response, error) {
			_, r, err := api.GetSession(context.WithValue(ctx, ContextAccessToken, ""), "abc")
			return r, err
		}, "GetSession", "ContextAccessToken"},
		{"CRLF API key", func() (*http.Response, error) {
			_, r, err := api.GetSession(context.WithValue(ctx, ContextAPIKey, APIKey{Key: "k\nX: y"}), "abc")
			return r, err
		}, "GetSession", "ContextAPIKey"},
		{"wrong type on ContextAPIKey", func() (*http.Response, error) {
			_, r, err := api.GetSession(context.WithValue(ctx, ContextAPIKey, "SSWS x"), "abc")
			return r, err
		}, "GetSession", "ContextAPIKey"},
		{"wrong type on ContextOAuth2", func() (*http.Response, error) {
			_, r, err := api.GetSession(context.WithValue(ctx, ContextOAuth2, "token"), "abc")
			return r, err
		}, "GetSession", "ContextOAuth2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.call()
			assert.Nil(t, resp)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.op, ve.Op)
			assert.Equal(t, tt.field, ve.Field)
			assert.NotContains(t, err.Error(), "X-Evil")
		})
	}
	assert.Zero(t, hits.Load(), "a refused call reached the server")
}

func TestNoCredential(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { t.Error("request sent without a credential") })
	client.apiToken = "" // as if the configuration had none
	_, _, err := client.SessionApi.GetSession(context.Background(), "abc")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "credentials", ve.Field)
	assert.Contains(t, err.Error(), "okta: GetSession: invalid credentials: none given")
}

func TestInvalidConfigurationFailsEveryCall(t *testing.T) {
	cfg := NewConfiguration() // {subdomain} left unfilled
	cfg.APIToken = testToken
	client := NewAPIClient(cfg)
	_, _, err := client.SessionApi.GetSession(context.Background(), "abc")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "GetSession", ve.Op)
	assert.Equal(t, "BasePath", ve.Field)
	// The stored error is not changed by the call that returned a copy of it.
	assert.Empty(t, client.cfgErr.(*ValidationError).Op)
}

func TestDecodeFailures(t *testing.T) {
	big := `{"id":"x123456789","login":"` + strings.Repeat("a", maxSessionBody) + `"}`
	tests := []struct {
		name, contentType, body string
		want                    string
	}{
		{"empty body", "application/json", "", "empty body"},
		{"truncated", "application/json", sessionJSON[:40], "truncated JSON"},
		{"not JSON", "application/json", "<html>hi</html>", "invalid character"},
		{"HTML content type", "text/html", sessionJSON, `content type "text/html" is not JSON`},
		{"null", "application/json", "null", "no session id"},
		{"empty object", "application/json", "{}", "no session id"},
		{"trailing garbage", "application/json", sessionJSON + " x", "unexpected data"},
		{"wrong type", "application/json", `{"id":42}`, "cannot unmarshal"},
		{"bad time", "application/json", `{"id":"abcdefghij","expiresAt":"yesterday"}`, "cannot parse"},
		{"over the cap", "application/json", big, "request body too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, mux := setup(t)
			mux.HandleFunc("/api/v1/sessions/abc", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				_, _ = io.WriteString(w, tt.body)
			})
			s, resp, err := client.SessionApi.GetSession(context.Background(), "abc")
			require.Error(t, err)
			assert.Contains(t, err.Error(), "okta: GetSession: decode 200 answer: ")
			assert.Contains(t, err.Error(), tt.want)
			assert.NotNil(t, resp)
			assert.Empty(t, s.Id)
		})
	}
}

func TestDecode_unknownFieldsAndEnumValues(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/abc", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"abcdefghijkl","status":"MFA_SOMETHING_NEW","amr":["pwd","zzz"],
			"idp":{"id":"0oa1","type":"PASSKEY_CLOUD"},"newField":{"nested":[1,2]},"expiresAt":"2030-01-01T00:00:00.000Z"}`)
	})
	s, _, err := client.SessionApi.GetSession(context.Background(), "abc")
	require.NoError(t, err)
	assert.Equal(t, SessionStatus("MFA_SOMETHING_NEW"), s.Status)
	assert.False(t, s.Status.IsKnown())
	assert.Equal(t, []SessionAuthenticationMethod{"pwd", "zzz"}, s.Amr)
	assert.Equal(t, SessionIdentityProviderType("PASSKEY_CLOUD"), s.Idp.Type)
	assert.False(t, s.IsActive())
	assert.Nil(t, s.LastPasswordVerification)
}

func TestAPIErrors(t *testing.T) {
	const id = "102hSECRETsessionIDvalue"
	tests := []struct {
		name     string
		status   int
		body     string
		sentinel error
		wantMsg  string
	}{
		{"not found", 404,
			`{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: ` + id + ` (Session)","errorLink":"E0000007","errorId":"oaeX","errorCauses":[]}`,
			ErrNotFound, "okta: GetSession: 404 E0000007 Not found: Resource not found: 102h... (Session) (request reqVy8wsvmBQN27h4soUE3ZEnA)"},
		{"invalid token", 401,
			`{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oaeY","errorCauses":[]}`,
			ErrUnauthorized, "okta: GetSession: 401 E0000011 Invalid token provided (request reqVy8wsvmBQN27h4soUE3ZEnA)"},
		{"forbidden", 403,
			`{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action","errorCauses":[{"errorSummary":"missing okta.sessions.read for ` + id + `"}]}`,
			ErrForbidden, "okta: GetSession: 403 E0000006 You do not have permission to perform the requested action (request reqVy8wsvmBQN27h4soUE3ZEnA)"},
		{"rate limited", 429,
			`{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorLink":"E0000047","errorId":"oaeZ","errorCauses":[]}`,
			ErrRateLimited, "okta: GetSession: 429 E0000047 API call exceeded rate limit due to too many requests. (request reqVy8wsvmBQN27h4soUE3ZEnA)"},
		{"gateway with HTML", 502, `<html>Bad gateway</html>`, nil, "okta: GetSession: 502 Bad Gateway (request reqVy8wsvmBQN27h4soUE3ZEnA)"},
		{"server echoes the token", 500, `{"errorSummary":"boom for SSWS ` + testToken + `"}`, nil, "okta: GetSession: 500 boom for SSWS 00TE... (request reqVy8wsvmBQN27h4soUE3ZEnA)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, mux := setup(t)
			mux.HandleFunc("/api/v1/sessions/"+id, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Okta-Request-Id", "reqVy8wsvmBQN27h4soUE3ZEnA")
				w.Header().Set("X-Rate-Limit-Limit", "750")
				w.Header().Set("X-Rate-Limit-Remaining", "0")
				w.Header().Set("X-Rate-Limit-Reset", "1609459200")
				writeJSON(w, tt.status, tt.body)
			})
			_, resp, err := client.SessionApi.GetSession(context.Background(), id)
			require.Error(t, err)
			assert.Equal(t, tt.wantMsg, err.Error())
			assert.Equal(t, err.Error(), fmt.Sprintf("%#v", err), "%#v must not dump the raw body")
			for _, out := range []string{err.Error(), fmt.Sprintf("%v %+v %#v %s", err, err, err, err)} {
				assert.NotContains(t, out, id)
				assert.NotContains(t, out, testToken)
			}

			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, resp, apiErr.Response)
			assert.Equal(t, "reqVy8wsvmBQN27h4soUE3ZEnA", apiErr.RequestId)
			assert.Equal(t, RateLimit{Limit: 750, Remaining: 0, Reset: time.Unix(1609459200, 0).UTC()}, apiErr.RateLimit)
			assert.Equal(t, tt.body, string(apiErr.Body()))
			for _, c := range apiErr.ErrorCauses {
				assert.NotContains(t, c.ErrorSummary, id)
			}
			for _, s := range []error{ErrNotFound, ErrUnauthorized, ErrForbidden, ErrRateLimited} {
				assert.Equal(t, s == tt.sentinel, errors.Is(err, s), "errors.Is(err, %v)", s)
			}
			m, ok := apiErr.Model().(ModelError)
			require.True(t, ok)
			assert.Equal(t, apiErr.ErrorCode, m.ErrorCode)
		})
	}
}

func TestAPIError_bodyCapped(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/abc", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		chunk := []byte(strings.Repeat("x", 64<<10))
		for range 64 { // 4 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	_, _, err := client.SessionApi.GetSession(context.Background(), "abc")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Len(t, apiErr.Body(), maxErrorBody)
}

func TestContextCanceled(t *testing.T) {
	client, mux := setup(t)
	const id = "102hSECRETsessionIDvalue"
	release := make(chan struct{})
	mux.HandleFunc("/api/v1/sessions/"+id, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(5 * time.Millisecond); cancel() }()
	_, resp, err := client.SessionApi.GetSession(ctx, id)
	assert.Nil(t, resp)
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "okta: GetSession: Get ")
	assert.Contains(t, err.Error(), "/api/v1/sessions/102h...")
	assert.NotContains(t, err.Error(), id)
}

func TestCreateSession_requestBodyIsOnlyTheToken(t *testing.T) {
	b, err := json.Marshal(CreateSessionRequest{SessionToken: "t"})
	require.NoError(t, err)
	assert.Equal(t, `{"sessionToken":"t"}`, string(b))
}

func TestIsJSON(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json":                true,
		"application/json;charset=UTF-8":  true,
		" Application/JSON ; charset=utf": true,
		"application/problem+json":        true,
		"application/jsonx":               false,
		"application/+json":               false,
		"text/json":                       false,
		"text/html; charset=utf-8":        false,
		"application":                     false,
		"":                                false,
	} {
		assert.Equal(t, want, isJSON(ct), ct)
	}
}
