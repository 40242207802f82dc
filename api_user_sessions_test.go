package okta

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRevokeUserSessions(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/users/00ubgaSARVOQDIOXMORI/sessions", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodDelete)
		testHeader(t, r, "Authorization", "SSWS "+testToken)
		testHeader(t, r, "Accept", "application/json")
		assert.Empty(t, r.URL.RawQuery)
		assert.Empty(t, r.Header.Values("Content-Type"))
		assert.Empty(t, r.Header.Values("Cookie"))
		w.WriteHeader(http.StatusNoContent)
	})
	resp, err := client.UserSessionsApi.RevokeUserSessions(context.Background(), "00ubgaSARVOQDIOXMORI", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
}

func TestRevokeUserSessions_queryOnlyWhenSet(t *testing.T) {
	tests := []struct {
		name string
		opts *RevokeUserSessionsOpts
		want string
	}{
		{"nil opts", nil, ""},
		{"nothing set", &RevokeUserSessionsOpts{}, ""},
		{"oauthTokens true", &RevokeUserSessionsOpts{OauthTokens: PtrBool(true)}, "oauthTokens=true"},
		{"oauthTokens false", &RevokeUserSessionsOpts{OauthTokens: PtrBool(false)}, "oauthTokens=false"},
		{"forgetDevices true", &RevokeUserSessionsOpts{ForgetDevices: PtrBool(true)}, "forgetDevices=true"},
		{"forgetDevices false", &RevokeUserSessionsOpts{ForgetDevices: PtrBool(false)}, "forgetDevices=false"},
		{"both", &RevokeUserSessionsOpts{OauthTokens: PtrBool(true), ForgetDevices: PtrBool(false)}, "forgetDevices=false&oauthTokens=true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, mux := setup(t)
			var got []string
			mux.HandleFunc("/api/v1/users/00u1/sessions", func(w http.ResponseWriter, r *http.Request) {
				got = append(got, r.URL.RawQuery)
				w.WriteHeader(http.StatusNoContent)
			})
			_, err := client.UserSessionsApi.RevokeUserSessions(context.Background(), "00u1", tt.opts)
			require.NoError(t, err)
			assert.Equal(t, []string{tt.want}, got)
		})
	}
}

func TestUserID_isOneEscapedSegment(t *testing.T) {
	client, mux := setup(t)
	var path, query string
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		path, query = r.URL.EscapedPath(), r.URL.RawQuery
		w.WriteHeader(http.StatusNoContent)
	})
	for _, id := range []string{"a/b?oauthTokens=true#x", "../../sessions/102abc", "%2e%2e", "a b", "ü", "00u1/sessions?forgetDevices=false", "me/..", ";", "//"} {
		_, err := client.UserSessionsApi.RevokeUserSessions(context.Background(), id, nil)
		require.NoError(t, err, id)
		seg, ok := strings.CutPrefix(path, "/api/v1/users/")
		seg, ok2 := strings.CutSuffix(seg, "/sessions")
		if !ok || !ok2 || strings.Contains(seg, "/") {
			t.Errorf("user id %q reached %q, not one segment", id, path)
		}
		back, err := url.PathUnescape(seg)
		assert.NoError(t, err, id)
		assert.Equal(t, id, back)
		assert.Empty(t, query, "user id %q added a query", id)
	}

	// The example of docs/UserSessionsApi.md.
	_, err := client.UserSessionsApi.RevokeUserSessions(context.Background(), "a/b?c=1#x", nil)
	require.NoError(t, err)
	assert.Equal(t, "/api/v1/users/a%2Fb%3Fc=1%23x/sessions", path)
}

func TestRevokeUserSessions_refusedBeforeIO(t *testing.T) {
	client := setupNoIO(t)
	var nilCtx context.Context // a nil context is what one case is about
	tests := []struct {
		name, userId, field string
		ctx                 context.Context
	}{
		{"empty id", "", "userId", context.Background()},
		{"dot id", ".", "userId", context.Background()},
		{"dot-dot id", "..", "userId", context.Background()},
		{"the caller's own user", "me", "userId", context.Background()},
		{"nil context", "00u1", "ctx", nilCtx},
		{"CRLF access token", "00u1", "ContextAccessToken", context.WithValue(context.Background(), ContextAccessToken, "a\r\nX: y")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := client.UserSessionsApi.RevokeUserSessions(tt.ctx, tt.userId, &RevokeUserSessionsOpts{OauthTokens: PtrBool(true)})
			assert.Nil(t, resp)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "RevokeUserSessions", ve.Op)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
}

func TestRevokeUserSessions_errorsAndRetries(t *testing.T) {
	client, mux := setup(t)
	var attempts atomic.Int32
	mux.HandleFunc("/api/v1/users/00u1/sessions", func(w http.ResponseWriter, r *http.Request) {
		n := attempts.Add(1)
		switch n {
		case 1:
			assert.Empty(t, r.Header.Values("X-Okta-Retry-Count"))
			w.Header().Set("X-Okta-Request-Id", "req503")
			w.Header().Set("Connection", "close") // the drop then hits a new connection
			writeJSON(w, http.StatusServiceUnavailable, `{"errorCode":"E0000009"}`)
		case 2:
			testHeader(t, r, "X-Okta-Retry-Count", "1")
			testHeader(t, r, "X-Okta-Retry-For", "req503")
			dropConnection(t, w)
		default:
			testHeader(t, r, "X-Okta-Retry-Count", "2")
			writeJSON(w, http.StatusNotFound, `{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00u1 (User)"}`)
		}
	})
	_, err := client.UserSessionsApi.RevokeUserSessions(context.Background(), "00u1", nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, "RevokeUserSessions", apiErr.Op)
	assert.Equal(t, "E0000007", apiErr.ErrorCode)
	assert.Equal(t, int32(3), attempts.Load(), "503 and a dropped connection are retried, 404 is not")
}
