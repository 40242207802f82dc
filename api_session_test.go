package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
	"github.com/oktasessions/okta-session-go/internal/pipeline"
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
	assert.Equal(t, testSessionID, s.Id)
	assert.True(t, s.IsActive())
}

func TestGetSession(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/"+testSessionID, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testHeader(t, r, "Accept", "application/json")
		if ct := r.Header.Values("Content-Type"); len(ct) != 0 {
			t.Errorf("Content-Type %q sent without a body", ct)
		}
		w.Header().Set("X-Okta-Request-Id", "reqGET")
		writeJSON(w, http.StatusOK, sessionJSON)
	})

	s, resp, err := client.SessionApi.GetSession(context.Background(), testSessionID)
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
	mux.HandleFunc("/api/v1/sessions/"+testSessionID+"/lifecycle/refresh", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		if ct := r.Header.Values("Content-Type"); len(ct) != 0 {
			t.Errorf("Content-Type %q sent without a body", ct)
		}
		assert.Zero(t, r.ContentLength)
		writeJSON(w, http.StatusOK, sessionJSON)
	})
	s, _, err := client.SessionApi.RefreshSession(context.Background(), testSessionID)
	require.NoError(t, err)
	assert.Equal(t, "00ubgaSARVOQDIOXMORI", s.UserId)
}

func TestEndSession(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/"+testSessionID, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodDelete)
		w.WriteHeader(http.StatusNoContent)
	})
	resp, err := client.SessionApi.EndSession(context.Background(), testSessionID)
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

func TestDecodeSession(t *testing.T) {
	big := `{"id":"x123456789","login":"` + strings.Repeat("a", pipeline.MaxSessionBody) + `"}`
	tests := []struct {
		name, contentType, body string
		is                      error // the sentinel the error matches, or (neither: it decodes)
		as                      any   // a pointer to the error type it holds
	}{
		{"empty body", "application/json", "", errEmptyBody, nil},
		{"white space only", "application/json", " \n", errEmptyBody, nil},
		{"truncated", "application/json", sessionJSON[:40], errTruncated, nil},
		{"not JSON", "application/json", "<html>hi</html>", nil, new(*json.SyntaxError)},
		{"HTML content type", "text/html", sessionJSON, errNotJSON, nil},
		{"null", "application/json", "null", errNoSessionID, nil},
		{"empty object", "application/json", "{}", errNoSessionID, nil},
		{"trailing garbage", "application/json", sessionJSON + " x", errTrailingData, nil},
		{"trailing ]", "application/json", sessionJSON + "]", errTrailingData, nil},
		{"trailing }", "application/json", sessionJSON + "}", errTrailingData, nil},
		{"trailing }}", "application/json", sessionJSON + "}}", errTrailingData, nil},
		{"trailing ]]]", "application/json", sessionJSON + "]]]", errTrailingData, nil},
		{"a second session", "application/json", sessionJSON + sessionJSON, errTrailingData, nil},
		{"wrong type", "application/json", `{"id":42}`, nil, new(*json.UnmarshalTypeError)},
		{"bad time", "application/json", `{"id":"abcdefghij","expiresAt":"yesterday"}`, errBadTime, nil},
		{"another session", "application/json", `{"id":"someone-else"}`, errSessionMismatch, nil},
		{"another session's id, then ours as ID", "application/json", `{"id":"someone-else","ID":"101W_juydrDRByB7fUdRyE2JQ"}`, errDuplicateID, nil},
		{"ours as Id, then another's", "application/json", `{"Id":"101W_juydrDRByB7fUdRyE2JQ","id":"someone-else"}`, errDuplicateID, nil},
		{"escaped upper case", "application/json", `{"id":"someone-else","\u0049D":"101W_juydrDRByB7fUdRyE2JQ"}`, errDuplicateID, nil},
		{"the id twice", "application/json", `{"id":"someone-else","id":"101W_juydrDRByB7fUdRyE2JQ"}`, errDuplicateID, nil},
		{"escaped id", "application/json", `{"\u0069d":"101W_juydrDRByB7fUdRyE2\u004aQ"}`, nil, nil},
		{"over the cap", "application/json", big, nil, new(*http.MaxBytesError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Session
			body := httpx.NewCappedBody(strings.NewReader(tt.body), pipeline.MaxSessionBody)
			err := decodeSession(tt.contentType, body, &s, testSessionID)
			switch {
			case tt.is == nil && tt.as == nil:
				require.NoError(t, err)
				assert.Equal(t, testSessionID, s.Id)
				return
			case tt.is != nil:
				assert.ErrorIs(t, err, tt.is)
			default:
				assert.ErrorAs(t, err, tt.as)
			}
			assert.Equal(t, Session{}, s, "a session came back with an error")
		})
	}
	var s Session
	body := strings.NewReader(sessionJSON + " \r\n\t")
	require.NoError(t, decodeSession("application/json;charset=UTF-8", body, &s, testSessionID))
	assert.Equal(t, testSessionID, s.Id)
}

// A bad success body reaches the caller as a *ResponseError naming the
// operation, with the response and no session.
func TestBadSuccessBodyIsResponseError(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/abcdefghijkl", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"abcdefghijkl"}]`)
	})
	s, resp, err := client.SessionApi.GetSession(context.Background(), "abcdefghijkl")
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "GetSession", re.Op)
	assert.Equal(t, http.StatusOK, re.StatusCode)
	assert.ErrorIs(t, err, errTrailingData)
	assert.NotNil(t, resp)
	assert.Empty(t, s.Id)
}

// Get and Refresh must return the session asked for, never another one that
// a confused proxy or cache handed back.
func TestSessionOfAnotherID(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, sessionJSON) // always 101W_juydrDRByB7fUdRyE2JQ
	})
	ctx := context.Background()
	for op, call := range map[string]func() (Session, error){
		"GetSession":     func() (Session, error) { s, _, err := client.SessionApi.GetSession(ctx, "102mine"); return s, err },
		"RefreshSession": func() (Session, error) { s, _, err := client.SessionApi.RefreshSession(ctx, "102mine"); return s, err },
	} {
		s, err := call()
		var re *ResponseError
		require.ErrorAs(t, err, &re, op)
		assert.Equal(t, op, re.Op)
		assert.ErrorIs(t, err, errSessionMismatch)
		assert.Empty(t, s.Id, op)
	}
}

func TestDecode_unknownFieldsAndEnumValues(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/api/v1/sessions/abcdefghijkl", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"abcdefghijkl","status":"MFA_SOMETHING_NEW","amr":["pwd","zzz"],
			"idp":{"id":"0oa1","type":"PASSKEY_CLOUD"},"newField":{"nested":[1,2]},"expiresAt":"2030-01-01T00:00:00.000Z"}`)
	})
	s, _, err := client.SessionApi.GetSession(context.Background(), "abcdefghijkl")
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
		code     string
	}{
		{"not found", 404,
			`{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: ` + id + ` (Session)","errorLink":"E0000007","errorId":"oaeX","errorCauses":[]}`,
			ErrNotFound, "E0000007"},
		{"invalid token", 401,
			`{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oaeY","errorCauses":[]}`,
			ErrUnauthorized, "E0000011"},
		{"forbidden", 403,
			`{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action","errorCauses":[{"errorSummary":"missing okta.sessions.read for ` + id + `"}]}`,
			ErrForbidden, "E0000006"},
		{"rate limited", 429,
			`{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorLink":"E0000047","errorId":"oaeZ","errorCauses":[]}`,
			ErrRateLimited, "E0000047"},
		{"gateway with HTML", 502, `<html>Bad gateway</html>`, nil, ""},
		{"server echoes the token", 500, `{"errorSummary":"boom for SSWS ` + testToken + `"}`, nil, ""},
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
			assert.Equal(t, err.Error(), fmt.Sprintf("%#v", err), "%#v must not dump the raw body")
			for _, out := range []string{err.Error(), fmt.Sprintf("%v %+v %#v %s", err, err, err, err)} {
				assert.NotContains(t, out, id)
				assert.NotContains(t, out, testToken)
			}

			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "GetSession", apiErr.Op)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.code, apiErr.ErrorCode)
			assert.Equal(t, resp, apiErr.Response)
			assert.Equal(t, "reqVy8wsvmBQN27h4soUE3ZEnA", apiErr.RequestId)
			assert.Equal(t, RateLimit{Limit: 750, Remaining: 0, Reset: time.Unix(1609459200, 0).UTC()}, apiErr.RateLimit)
			assert.Equal(t, tt.body, string(apiErr.Body()))
			assert.NotContains(t, apiErr.ErrorSummary, id)
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

// The one test of the errors' wording, where it is the contract: the line
// the README shows, and the facts a ThrottleError reports.
func TestErrorWording(t *testing.T) {
	te := &ThrottleError{Op: "GetSession", Setting: "RateLimitFloor", Remaining: 2, Floor: 5, RetryAt: time.Date(2026, 11, 27, 9, 1, 0, 0, time.UTC)}
	assert.EqualError(t, te, "okta: GetSession: not sent: 2 requests left in the rate-limit window, at or below RateLimitFloor 5, until 2026-11-27T09:01:00Z")
	te = &ThrottleError{Op: "EndSession", Setting: "MaxConcurrency", Err: context.DeadlineExceeded}
	assert.EqualError(t, te, "okta: EndSession: not sent: no MaxConcurrency slot came free: context deadline exceeded")

	client, mux := setup(t)
	const id = "102hSECRETsessionIDvalue"
	mux.HandleFunc("/api/v1/sessions/"+id, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Okta-Request-Id", "reqVy8wsvmBQN27h4soUE3ZEnA")
		writeJSON(w, http.StatusNotFound, `{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: `+id+` (Session)"}`)
	})
	_, _, err := client.SessionApi.GetSession(context.Background(), id)
	assert.EqualError(t, err, "okta: GetSession: 404 E0000007 Not found: Resource not found: 102h... (Session) (request reqVy8wsvmBQN27h4soUE3ZEnA)")
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
	assert.Len(t, apiErr.Body(), pipeline.MaxErrorBody)
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
	var urlErr *url.Error
	require.ErrorAs(t, err, &urlErr)
	assert.True(t, strings.HasSuffix(urlErr.URL, "/api/v1/sessions/102h..."), urlErr.URL)
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
		assert.Equal(t, want, httpx.IsJSON(ct), ct)
	}
}
