package oktatest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/oktatest"
)

// faultCases are the faults TestFaults injects into GetSession, and what
// the spoilt answer must look like.
var faultCases = []struct {
	name  string
	fault oktatest.Fault
	check func(t *testing.T, a answer)
}{
	{"502", oktatest.Fault{Status: http.StatusBadGateway}, func(t *testing.T, a answer) {
		body := assertOktaError(t, a, http.StatusBadGateway, "E0000009")
		assert.Equal(t, "Bad Gateway", body["errorSummary"])
	}},
	{"503", oktatest.Fault{Status: http.StatusServiceUnavailable}, func(t *testing.T, a answer) {
		body := assertOktaError(t, a, http.StatusServiceUnavailable, "E0000009")
		assert.Equal(t, "Service Unavailable", body["errorSummary"])
	}},
	{"504", oktatest.Fault{Status: http.StatusGatewayTimeout}, func(t *testing.T, a answer) {
		body := assertOktaError(t, a, http.StatusGatewayTimeout, "E0000009")
		assert.Equal(t, "Gateway Timeout", body["errorSummary"])
	}},
	{"500", oktatest.Fault{Status: http.StatusInternalServerError}, func(t *testing.T, a answer) {
		assertOktaError(t, a, http.StatusInternalServerError, "E0000009")
	}},
	{"404", oktatest.Fault{Status: http.StatusNotFound}, func(t *testing.T, a answer) {
		body := assertOktaError(t, a, http.StatusNotFound, "E0000007")
		assert.Equal(t, "Not found: Resource not found: 102faulted (Session)", body["errorSummary"])
	}},
	{"429 with Retry-After", oktatest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}}, func(t *testing.T, a answer) {
		assertOktaError(t, a, http.StatusTooManyRequests, "E0000047")
		assertRateLimit(t, a, oktatest.DefaultRateLimit, 0, t0.Add(time.Minute))
		assert.Equal(t, "7", a.Header.Get("Retry-After"))
	}},
	{"a status Okta has no error for", oktatest.Fault{Status: http.StatusTeapot}, func(t *testing.T, a answer) {
		assert.Equal(t, http.StatusTeapot, a.StatusCode)
		assert.Equal(t, "I'm a teapot", a.object(t)["errorSummary"])
	}},
	{"malformed", oktatest.Fault{Body: oktatest.BodyMalformed}, func(t *testing.T, a answer) {
		assert.Equal(t, http.StatusOK, a.StatusCode)
		assert.False(t, json.Valid(a.body))
	}},
	{"truncated", oktatest.Fault{Body: oktatest.BodyTruncated}, func(t *testing.T, a answer) {
		assert.Equal(t, http.StatusOK, a.StatusCode)
		assert.False(t, json.Valid(a.body))
		assert.Regexp(t, `^\{"id":"102`, string(a.body))
	}},
	{"oversized", oktatest.Fault{Body: oktatest.BodyOversized, BodySize: 1 << 20}, func(t *testing.T, a answer) {
		assert.Equal(t, http.StatusOK, a.StatusCode)
		assert.Greater(t, len(a.body), 1<<20)
		assert.True(t, json.Valid(a.body))
	}},
	{"wrong content type", oktatest.Fault{Body: oktatest.BodyWrongContentType}, func(t *testing.T, a answer) {
		assert.Equal(t, http.StatusOK, a.StatusCode)
		assert.Equal(t, "text/html; charset=utf-8", a.Header.Get("Content-Type"))
	}},
	{"trickle", oktatest.Fault{Body: oktatest.BodyTrickle, TrickleEvery: time.Microsecond}, func(t *testing.T, a answer) {
		assert.Equal(t, http.StatusOK, a.StatusCode)
		assert.True(t, json.Valid(a.body))
	}},
}

func TestFaults(t *testing.T) {
	for _, tt := range faultCases {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newFake(t)
			f := tt.fault
			f.Route, f.Count = oktatest.RouteGetSession, 1
			srv.InjectFault(f)
			a := send(t, srv, http.MethodGet, "/api/v1/sessions/102faulted", ssws(srv), "")
			assert.Equal(t, "true", a.Header.Get(oktatest.FaultHeader))
			assertStamped(t, a)
			tt.check(t, a)
			a = send(t, srv, http.MethodGet, "/api/v1/sessions/102faulted", ssws(srv), "")
			assertOktaError(t, a, http.StatusNotFound, "E0000007") // the fault outlived its count otherwise
			assert.Empty(t, a.Header.Get(oktatest.FaultHeader))
		})
	}
}

// get sends GET /api/v1/sessions/102abc with the API token; it returns the
// transport's error, which a dropped connection causes.
func get(srv *oktatest.Server) (answer, error) {
	return sendErr(srv, http.MethodGet, "/api/v1/sessions/102abc", ssws(srv), "")
}

func TestFault_dropped(t *testing.T) {
	srv, _ := newFake(t)
	srv.InjectFault(oktatest.Fault{Drop: true, Count: 1})
	_, err := get(srv)
	assert.ErrorIs(t, err, io.EOF)
	require.Len(t, srv.Requests(), 1)
	assert.Zero(t, srv.Requests()[0].Status, "no answer was sent")
}

func TestFault_processedThenDropped(t *testing.T) {
	srv, _ := newFake(t)
	tok := `{"sessionToken":"` + srv.IssueSessionToken(oktatest.User{}) + `"}`
	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteCreateSession, Count: 1, Drop: true, Processed: true})
	_, err := sendErr(srv, http.MethodPost, "/api/v1/sessions", "", tok)
	require.Error(t, err)
	a := send(t, srv, http.MethodPost, "/api/v1/sessions", ssws(srv), tok)
	assertOktaError(t, a, http.StatusUnauthorized, "E0000004") // the lost request used the token
}

func TestFault_notProcessed(t *testing.T) {
	srv, _ := newFake(t)
	tok := `{"sessionToken":"` + srv.IssueSessionToken(oktatest.User{}) + `"}`
	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteCreateSession, Count: 1, Status: http.StatusInternalServerError})
	assertOktaError(t, send(t, srv, http.MethodPost, "/api/v1/sessions", ssws(srv), tok), http.StatusInternalServerError, "E0000009")
	assert.Equal(t, http.StatusOK, send(t, srv, http.MethodPost, "/api/v1/sessions", ssws(srv), tok).StatusCode,
		"a faulted request changed nothing")
}

func TestFault_latencyThenServed(t *testing.T) {
	srv, _ := newFake(t)
	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Latency: 2 * time.Millisecond, Header: http.Header{"X-Extra": {"1"}}})
	start := time.Now()
	a := send(t, srv, http.MethodGet, "/api/v1/sessions/102abc", ssws(srv), "")
	assert.GreaterOrEqual(t, time.Since(start), 2*time.Millisecond)
	assertOktaError(t, a, http.StatusNotFound, "E0000007")
	assert.Equal(t, "1", a.Header.Get("X-Extra"))
	assert.Empty(t, a.Header.Get(oktatest.FaultHeader), "the answer is Okta's own")
}

func TestFault_untilCleared(t *testing.T) {
	srv, _ := newFake(t)
	srv.InjectFault(oktatest.Fault{Status: http.StatusServiceUnavailable})
	for range 3 {
		assert.Equal(t, http.StatusServiceUnavailable, send(t, srv, http.MethodGet, "/api/v1/sessions/102x", ssws(srv), "").StatusCode)
	}
	srv.ClearFaults()
	assertOktaError(t, send(t, srv, http.MethodGet, "/api/v1/sessions/102x", ssws(srv), ""), http.StatusNotFound, "E0000007")
}

func TestFault_route(t *testing.T) {
	tests := []struct {
		route oktatest.Route
		want  map[string]int // path -> status
	}{
		{oktatest.RouteAny, map[string]int{"/api/v1/sessions/102x": 503, "/api/v1/nowhere": 503}},
		{oktatest.RouteUnknown, map[string]int{"/api/v1/sessions/102x": 404, "/api/v1/nowhere": 503}},
		{oktatest.RouteGetSession, map[string]int{"/api/v1/sessions/102x": 503, "/api/v1/nowhere": 404}},
	}
	for _, tt := range tests {
		t.Run(string(tt.route), func(t *testing.T) {
			srv, _ := newFake(t)
			srv.InjectFault(oktatest.Fault{Route: tt.route, Status: http.StatusServiceUnavailable})
			for path, status := range tt.want {
				assert.Equal(t, status, send(t, srv, http.MethodGet, path, ssws(srv), "").StatusCode, path)
			}
		})
	}
}

func TestClose_endsFaultDelays(t *testing.T) {
	srv, err := oktatest.Start()
	require.NoError(t, err)
	srv.InjectFault(oktatest.Fault{Latency: time.Hour})
	done := make(chan struct{})
	go func() { _, _ = get(srv); close(done) }()
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, time.Second, time.Millisecond)
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for an hour-long fault")
	}
	<-done
}

func TestFault_endsWhenTheClientGivesUp(t *testing.T) {
	srv, _ := newFake(t, oktatest.WithConcurrencyLimit(1))
	srv.InjectFault(oktatest.Fault{Latency: time.Hour, Count: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/sessions/102abc", nil)
	_, err := http.DefaultClient.Do(req)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	require.Eventually(t, func() bool {
		return send(t, srv, http.MethodGet, "/api/v1/sessions/102abc", ssws(srv), "").StatusCode == http.StatusNotFound
	}, time.Second, time.Millisecond, "the delayed request still holds its slot")
	assert.Zero(t, srv.Requests()[0].Status)
}

// A request delayed by a fault when the server closes gets no answer, not
// the empty 200 a handler that returns would send.
func TestFault_delayedWhenTheServerCloses(t *testing.T) {
	srv, err := oktatest.Start()
	require.NoError(t, err)
	srv.InjectFault(oktatest.Fault{Latency: time.Hour, Count: 1})
	got := make(chan error, 1)
	go func() {
		a, err := sendErr(srv, http.MethodGet, "/api/v1/sessions/102abc", ssws(srv), "")
		if err == nil {
			err = fmt.Errorf("answered %d", a.StatusCode)
		}
		got <- err
	}()
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, 5*time.Second, time.Millisecond)
	srv.Close()
	var ue *url.Error
	assert.ErrorAs(t, <-got, &ue, "a transport failure, not an answer")
}

// An injected 404 names what the route's path names: a user, a session, or
// "me" for the current session.
func TestFault_notFoundNamesTheRoutesResource(t *testing.T) {
	tests := []struct {
		route        oktatest.Route
		method, path string
		auth         bool
		summary      string
	}{
		{oktatest.RouteGetSession, http.MethodGet, "/api/v1/sessions/102x", true, "Not found: Resource not found: 102x (Session)"},
		{oktatest.RouteRevokeUserSessions, http.MethodDelete, "/api/v1/users/00uann/sessions", true, "Not found: Resource not found: 00uann (User)"},
		{oktatest.RouteGetCurrentSession, http.MethodGet, "/api/v1/sessions/me", false, "Not found: Resource not found: me (Session)"},
		{oktatest.RouteCloseCurrentSession, http.MethodDelete, "/api/v1/sessions/me", false, "Not found: Resource not found: me (Session)"},
		{oktatest.RouteCreateSession, http.MethodPost, "/api/v1/sessions", true, "Not found: Resource not found: resource (Session)"},
	}
	for _, tt := range tests {
		t.Run(string(tt.route), func(t *testing.T) {
			srv, _ := newFake(t)
			srv.InjectFault(oktatest.Fault{Route: tt.route, Status: http.StatusNotFound})
			auth := ""
			if tt.auth {
				auth = ssws(srv)
			}
			body := assertOktaError(t, send(t, srv, tt.method, tt.path, auth, `{}`), http.StatusNotFound, "E0000007")
			assert.Equal(t, tt.summary, body["errorSummary"])
		})
	}
}
