package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/oktasessions/okta-session-go/internal/pipeline"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logTo returns a JSON logger at level writing into buf.
func logTo(buf *bytes.Buffer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: level}))
}

// records decodes the JSON log records in buf.
func records(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(buf)
	for dec.More() {
		var rec map[string]any
		require.NoError(t, dec.Decode(&rec))
		out = append(out, rec)
	}
	return out
}

// flaky serves GetSession: 503 with rate-limit headers for the first fails
// requests, then the session.
func flaky(t *testing.T, fails int) (*APIClient, *Configuration) {
	t.Helper()
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("X-Okta-Request-Id", "req-"+r.Header.Get("X-Okta-Retry-Count"))
		setRateLimit(w.Header(), 749)
		if fails > 0 {
			fails--
			writeJSON(w, http.StatusServiceUnavailable, `{"errorCode":"E0000009","errorSummary":"Internal Server Error"}`)
			return
		}
		writeJSON(w, http.StatusOK, sessionJSON)
	}))
	t.Cleanup(srv.Close)
	cfg := &Configuration{BasePath: srv.URL, APIToken: testToken, Clock: &testClock{now: time.Now()}}
	return NewAPIClient(cfg), cfg
}

// setRateLimit sets the rate-limit headers of an answer: 750 a minute,
// remaining left, a reset in 2021.
func setRateLimit(h http.Header, remaining int) {
	h.Set("X-Rate-Limit-Limit", "750")
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	h.Set("X-Rate-Limit-Reset", "1609459200")
}

// logRetriedGet logs, at level, a GetSession whose first attempt gets a 503.
func logRetriedGet(t *testing.T, level slog.Level) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	_, cfg := flaky(t, 1)
	cfg.Logger = logTo(&buf, level)
	_, _, err := NewAPIClient(cfg).SessionApi.GetSession(context.Background(), testSessionID)
	require.NoError(t, err)
	return &buf
}

func TestLog_attemptsAndRetries(t *testing.T) {
	buf := logRetriedGet(t, slog.LevelDebug)
	recs := records(t, buf)
	require.Len(t, recs, 3, buf.String())
	first, retry, second := recs[0], recs[1], recs[2]
	for _, rec := range []map[string]any{first, second} {
		assert.Equal(t, "DEBUG", rec["level"])
		assert.Equal(t, pipeline.MsgAttempt, rec["msg"])
		assert.Equal(t, "GetSession", rec["op"])
		assert.Equal(t, "GET", rec["method"])
		assert.Equal(t, "/api/v1/sessions/101W...", rec["path"])
		assert.EqualValues(t, 749, rec["rate_limit_remaining"])
		assert.Contains(t, rec, "duration")
	}
	assert.EqualValues(t, 1, first["attempt"])
	assert.EqualValues(t, 503, first["status"])
	assert.Equal(t, "api_error", first["outcome"])
	assert.Equal(t, "req-", first["request_id"])
	assert.Contains(t, first["error"], "E0000009")

	assert.Equal(t, "WARN", retry["level"])
	assert.Equal(t, pipeline.MsgRetry, retry["msg"])
	assert.Equal(t, "server_error", retry["reason"])
	assert.EqualValues(t, 2, retry["attempt"])
	assert.EqualValues(t, 503, retry["status"])
	assert.Equal(t, "req-", retry["request_id"])
	assert.Positive(t, retry["wait"])

	assert.EqualValues(t, 2, second["attempt"])
	assert.EqualValues(t, 200, second["status"])
	assert.Equal(t, "ok", second["outcome"])
	assert.Equal(t, "req-1", second["request_id"])
	assert.NotContains(t, second, "error")

	assert.NotContains(t, buf.String(), testSessionID)
	assert.NotContains(t, buf.String(), testToken)
}

func TestLog_levels(t *testing.T) {
	recs := records(t, logRetriedGet(t, slog.LevelInfo))
	require.Len(t, recs, 1, "at Info, the retry's Warn alone")
	assert.Equal(t, pipeline.MsgRetry, recs[0]["msg"])
}

// A hostile server's request id goes through serverText: bounded, without
// control characters, the request's secrets shortened.
func TestLog_hostileRequestID(t *testing.T) {
	var buf bytes.Buffer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Okta-Request-Id", testToken+strings.Repeat("x", 200))
		writeJSON(w, http.StatusOK, sessionJSON)
	}))
	t.Cleanup(srv.Close)
	cfg := &Configuration{BasePath: srv.URL, APIToken: testToken, Logger: logTo(&buf, slog.LevelDebug)}
	_, _, err := NewAPIClient(cfg).SessionApi.GetSession(context.Background(), testSessionID)
	require.NoError(t, err)
	recs := records(t, &buf)
	require.Len(t, recs, 1)
	id := recs[0]["request_id"].(string)
	assert.LessOrEqual(t, len(id), maxCodeLen)
	assert.True(t, strings.HasPrefix(id, shortID(testToken)), id)
	assert.NotContains(t, buf.String(), testToken)
}

// The session a CreateSession answer brings is a secret from then on: a
// server that echoes its id as the request id does not get it into the log.
func TestLog_newSessionIDEchoed(t *testing.T) {
	var buf bytes.Buffer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Okta-Request-Id", testSessionID)
		writeJSON(w, http.StatusOK, sessionJSON)
	}))
	t.Cleanup(srv.Close)
	cfg := &Configuration{BasePath: srv.URL, APIToken: testToken, Logger: logTo(&buf, slog.LevelDebug)}
	s, _, err := NewAPIClient(cfg).SessionApi.CreateSession(context.Background(), CreateSessionRequest{SessionToken: "20111token"})
	require.NoError(t, err)
	require.Equal(t, testSessionID, s.Id)
	assert.NotContains(t, buf.String(), testSessionID)
}

func TestLog_tokenFetch(t *testing.T) {
	var buf bytes.Buffer
	c := NewAPIClient(&Configuration{BasePath: "https://dev-123456.okta.com", Logger: logTo(&buf, slog.LevelDebug)})
	ctx := context.Background()
	const endpoint = "https://dev-123456.okta.com/oauth2/v1/token"
	c.logTokenFetch(ctx, endpoint, 30*time.Millisecond, nil)
	c.logTokenFetch(ctx, endpoint, 40*time.Millisecond, fmt.Errorf("oauth2 token endpoint: %w",
		&OAuthError{StatusCode: 401, ErrorCode: "invalid_client", ErrorDescription: "echoed " + testToken}))
	recs := records(t, &buf)
	require.Len(t, recs, 2)
	assert.Equal(t, "DEBUG", recs[0]["level"])
	assert.Equal(t, pipeline.MsgTokenFetch, recs[0]["msg"])
	assert.Equal(t, endpoint, recs[0]["endpoint"])
	assert.NotContains(t, recs[0], "error")
	assert.Equal(t, "WARN", recs[1]["level"])
	assert.Equal(t, 401.0, recs[1]["status"])
	assert.Equal(t, "invalid_client", recs[1]["error_code"])
	assert.NotContains(t, buf.String(), testToken, "no free text of the error")

	buf.Reset()
	c = NewAPIClient(&Configuration{BasePath: "https://dev-123456.okta.com", Logger: logTo(&buf, slog.LevelWarn)})
	c.logTokenFetch(ctx, endpoint, time.Millisecond, nil)
	assert.Zero(t, buf.Len(), "a successful fetch is Debug")
	NewAPIClient(nil).logTokenFetch(ctx, endpoint, time.Millisecond, io.EOF) // no logger: no panic
}

func TestLogPath(t *testing.T) {
	c := NewAPIClient(&Configuration{BasePath: "https://dev-123456.okta.com"})
	for _, tt := range []struct {
		url, secret, want string
	}{
		{"/api/v1/sessions/" + testSessionID, testSessionID, "/api/v1/sessions/101W..."},
		{"/api/v1/sessions/" + testSessionID + "/lifecycle/refresh", testSessionID, "/api/v1/sessions/101W.../lifecycle/refresh"},
		{"/api/v1/sessions/a%2Fb%3Fc%23d", "a/b?c#d", "/api/v1/sessions/..."},
		{"/api/v1/sessions", "20111sessionTokenValue", "/api/v1/sessions"},
		{"/api/v1/sessions/me", "m", "/api/v1/sessions/me"}, // a cookie, not in the path
		{"/api/v1/sessions/me/lifecycle/refresh", "cookieValue", "/api/v1/sessions/me/lifecycle/refresh"},
		{"/api/v1/users/00u1/sessions?oauthTokens=true", "", "/api/v1/users/00u1/sessions?oauthTokens=true"},
	} {
		assert.Equal(t, tt.want, c.pipe.LogPath(c.base+tt.url, tt.secret), tt.url)
	}
}

// quotaServer starts a local server that answers every request with the
// session, a request id and rate-limit headers with quota left.
func quotaServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Okta-Request-Id", "reqVy8wsvmBQN27h4soUE3ZEnA")
		setRateLimit(w.Header(), 700)
		writeJSON(w, http.StatusOK, sessionJSON)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// configCase is a named change to a benchmark's Configuration.
type configCase struct {
	name string
	edit func(*Configuration)
}

// BenchmarkGetSession_Logger measures what logging costs per call against a
// local server: no logger, a logger whose level drops the Debug records, a
// Debug JSON logger writing to io.Discard, and an observer:
//
//	go test -run '^$' -bench Logger -benchmem -count 3
func BenchmarkGetSession_Logger(b *testing.B) {
	srv := quotaServer(b)
	for _, bc := range []configCase{
		{"nil", func(*Configuration) {}},
		{"info", func(c *Configuration) { c.Logger = logTo(&bytes.Buffer{}, slog.LevelInfo) }},
		{"debug-json-discard", func(c *Configuration) {
			c.Logger = slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}},
		{"observer", func(c *Configuration) { c.Observer = &countingObserver{} }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := &Configuration{BasePath: srv.URL, APIToken: testToken}
			bc.edit(cfg)
			client := NewAPIClient(cfg)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := client.SessionApi.GetSession(ctx, testSessionID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// No logger, a logger whose level drops the Debug records, and an Observer
// cost a successful call no allocation.
func TestLog_quietCostsNoAllocation(t *testing.T) {
	edits := []func(*Configuration){
		func(*Configuration) {},
		func(c *Configuration) { c.Logger = logTo(&bytes.Buffer{}, slog.LevelInfo) },
		func(c *Configuration) { c.Observer = &countingObserver{} },
	}
	clients := make([]*APIClient, len(edits))
	least := make([]float64, len(edits))
	for i, edit := range edits {
		// An in-memory transport: a local server's goroutines allocate a
		// little more on a busy machine, and would be counted.
		var mock *httpmock.MockTransport
		clients[i], mock = mockClient(t, edit)
		mock.RegisterResponder(http.MethodGet, getURL, httpmock.NewStringResponder(http.StatusOK, sessionJSON))
		least[i] = math.Inf(1)
	}
	// The least of many runs, the clients taking turns so that each meets
	// the same conditions: the runtime now and then allocates for reasons
	// of its own, never fewer.
	for range 20 {
		for i, client := range clients {
			least[i] = min(least[i], testing.AllocsPerRun(100, func() {
				_, _, _ = client.SessionApi.GetSession(context.Background(), testSessionID)
			}))
		}
	}
	assert.InDelta(t, least[0], least[1], allocSlack, "a Logger at Info")
	assert.InDelta(t, least[0], least[2], allocSlack, "an Observer")
}

// The DPoP nonce exchange at the token endpoint is the protocol working
// (RFC 9449 section 8): its records are Debug, as a fetch that worked.
func TestLog_tokenNonceExchangeIsDebug(t *testing.T) {
	var buf bytes.Buffer
	org := newOAuthOrg(t, refuseFirstToken(http.StatusBadRequest, "use_dpop_nonce", "nonce-1"), okSession)
	client := org.client(t, func(c *Configuration) { c.Logger = logTo(&buf, slog.LevelDebug) })
	_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
	require.NoError(t, err)
	var fetches int
	for _, rec := range records(t, &buf) {
		assert.Equal(t, "DEBUG", rec["level"], rec["msg"])
		if rec["msg"] == pipeline.MsgTokenFetch {
			fetches++
		}
	}
	assert.Equal(t, 2, fetches)
}

// A call that fails after its retries leaves one Warn record saying how it
// ended, after the records of its waits; a failure no retry could mend (a
// 404) leaves none above Debug: the caller has the error.
func TestLog_callThatGivesUpSaysSo(t *testing.T) {
	var buf bytes.Buffer
	_, cfg := flaky(t, 10)
	cfg.Logger = logTo(&buf, slog.LevelWarn)
	_, _, err := NewAPIClient(cfg).SessionApi.GetSession(context.Background(), testSessionID)
	require.Error(t, err)
	recs := records(t, &buf)
	require.Len(t, recs, DefaultMaxRetries+1)
	last := recs[len(recs)-1]
	assert.Equal(t, pipeline.MsgGaveUp, last["msg"])
	assert.Equal(t, "WARN", last["level"])
	assert.Equal(t, "GetSession", last["op"])
	assert.EqualValues(t, DefaultMaxRetries+1, last["attempts"])
	assert.EqualValues(t, http.StatusServiceUnavailable, last["status"])
	assert.Equal(t, string(OutcomeAPIError), last["outcome"])

	buf.Reset()
	client, mux := setup(t)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, `{"errorCode":"E0000007"}`)
	})
	client.cfg.Logger = logTo(&buf, slog.LevelWarn)
	_, _, err = client.SessionApi.GetSession(context.Background(), testSessionID)
	require.ErrorIs(t, err, ErrNotFound)
	assert.Empty(t, buf.String())
}

// The token fetch record keeps an OAuth error code the RFCs define, and
// "other" for any code a server made up: it could be anything the server
// saw.
func TestLog_tokenFetchKeepsOnlyKnownCodes(t *testing.T) {
	for code, want := range map[string]string{
		"invalid_client":                    "invalid_client",
		"invalid_dpop_proof":                "invalid_dpop_proof",
		"/api/v1/sessions/" + testSessionID: "other",
	} {
		var buf bytes.Buffer
		org := newOAuthOrg(t, refuseFirstToken(http.StatusUnauthorized, code, ""), okSession)
		client := org.client(t, func(c *Configuration) { c.Logger, c.MaxRetries = logTo(&buf, slog.LevelWarn), NoRetries })
		_, _, err := client.SessionApi.GetSession(context.Background(), testSessionID)
		require.Error(t, err)
		recs := records(t, &buf)
		require.Len(t, recs, 1, code)
		assert.Equal(t, pipeline.MsgTokenFetch, recs[0]["msg"])
		assert.Equal(t, want, recs[0]["error_code"])
	}
}
