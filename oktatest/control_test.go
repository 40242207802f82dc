package oktatest_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/oktatest"
)

func TestControl_apartFromOktasAPI(t *testing.T) {
	srv, _ := newFake(t, oktatest.WithRateLimit(1))
	srv.InjectFault(oktatest.Fault{Drop: true}) // every request of Okta's API, until cleared
	a := send(t, srv, http.MethodPost, oktatest.ControlPrefix+"users", ssws(srv), `{"userId":"00uann"}`)
	assert.Equal(t, http.StatusCreated, a.StatusCode, "never faulted")
	assertStamped(t, a)
	assert.Empty(t, a.Header.Get("X-Rate-Limit-Limit"), "never rate-limited")
	assert.Equal(t, http.StatusNoContent, send(t, srv, http.MethodDelete, oktatest.ControlPrefix+"faults", ssws(srv), "").StatusCode)
	assert.Equal(t, http.StatusNoContent, send(t, srv, http.MethodDelete, "/api/v1/users/00uann/sessions", ssws(srv), "").StatusCode)
	a = send(t, srv, http.MethodGet, oktatest.ControlPrefix+"requests", ssws(srv), "")
	require.Equal(t, http.StatusOK, a.StatusCode)
	assert.Len(t, srv.Requests(), 1, "never recorded")
	assertOktaError(t, send(t, srv, http.MethodGet, oktatest.ControlPrefix+"requests", "SSWS wrong", ""), http.StatusUnauthorized, "E0000011")
}

func TestControl_refused(t *testing.T) {
	srv, _ := newFake(t)
	real := oktatest.NewServer(t)
	tests := []struct {
		name, method, path, body string
		srv                      *oktatest.Server
		status                   int
		code, summary            string
	}{
		{"unknown field", http.MethodPost, "users", `{"name":"ann"}`, srv, 400, "E0000003", `The request body was not well-formed. unknown field "name"`},
		{"malformed", http.MethodPost, "sessions", `{"status":`, srv, 400, "E0000003", ""},
		{"a value of the wrong type", http.MethodPost, "faults", `{"latencyMs":"5"}`, srv, 400, "E0000003", "The request body was not well-formed. latencyMs is an integer"},
		{"garbage after the body", http.MethodPost, "users", `{"login":"ann@example.com"}garbage`, srv, 400, "E0000003", "The request body was not well-formed. data follows the JSON value"},
		{"a brace after the body", http.MethodPost, "faults", `{"status":503}}`, srv, 400, "E0000003", "The request body was not well-formed. data follows the JSON value"},
		{"two objects", http.MethodPost, "sessions", `{"status":"ACTIVE"} {"status":"ACTIVE"}`, srv, 400, "E0000003", "The request body was not well-formed. data follows the JSON value"},
		{"two advances", http.MethodPost, "clock/advance", `{"milliseconds":1}{"milliseconds":1}`, srv, 400, "E0000003", "The request body was not well-formed. data follows the JSON value"},
		{"no fault", http.MethodPost, "faults", ``, srv, 400, "E0000003", "The request body was not well-formed. the body is required"},
		{"a fault that does nothing", http.MethodPost, "faults", `{"route":"GetSession","count":1}`, srv, 400, "E0000001",
			"Api validation failed: fault does something: one of latencyMs, status, header, body or drop is set"},
		{"bad status", http.MethodPost, "sessions", `{"status":"LOCKED"}`, srv, 400, "E0000001", `Api validation failed: status "LOCKED" is not ACTIVE, MFA_REQUIRED or MFA_ENROLL`},
		{"unknown route", http.MethodPost, "faults", `{"route":"Nowhere","status":500}`, srv, 400, "E0000001", `Api validation failed: route is one of "", "Unknown", "CreateSession", ` +
			`"GetCurrentSession", "RefreshCurrentSession", "CloseCurrentSession", "GetSession", "RefreshSession", "EndSession", "RevokeUserSessions", "Token" or "Keys"`},
		{"control route", http.MethodPost, "faults", `{"route":"Control","status":500}`, srv, 400, "E0000001", ""},
		{"unknown body", http.MethodPost, "faults", `{"body":"garbled"}`, srv, 400, "E0000001",
			`Api validation failed: body is one of "", "malformed", "truncated", "oversized", "wrongContentType" or "trickle"`},
		{"status 200", http.MethodPost, "faults", `{"status":200}`, srv, 400, "E0000001", "Api validation failed: status is 0 (none) or from 400 to 599"},
		{"negative latency", http.MethodPost, "faults", `{"latencyMs":-1}`, srv, 400, "E0000001", "Api validation failed: latencyMs is an integer from 0 to 9223372036854"},
		{"latency of 2^62 ms", http.MethodPost, "faults", `{"latencyMs":4611686018427387904}`, srv, 400, "E0000001", "Api validation failed: latencyMs is an integer from 0 to 9223372036854"},
		{"latency past a Duration", http.MethodPost, "faults", `{"latencyMs":9223372036855}`, srv, 400, "E0000001", "Api validation failed: latencyMs is an integer from 0 to 9223372036854"},
		{"negative trickle pause", http.MethodPost, "faults", `{"body":"trickle","trickleEveryMs":-1}`, srv, 400, "E0000001", "Api validation failed: trickleEveryMs is an integer from 0 to 9223372036854"},
		{"trickle pause of 2^62 ms", http.MethodPost, "faults", `{"body":"trickle","trickleEveryMs":4611686018427387904}`, srv, 400, "E0000001", ""},
		{"negative body size", http.MethodPost, "faults", `{"body":"oversized","bodySize":-1}`, srv, 400, "E0000001", "Api validation failed: bodySize is an integer from 0 (16 MiB)"},
		{"no advance", http.MethodPost, "clock/advance", `{"milliseconds":0}`, srv, 400, "E0000001", "Api validation failed: milliseconds is an integer from 1 to 9223372036854"},
		{"advance past a Duration", http.MethodPost, "clock/advance", `{"milliseconds":9223372036855}`, srv, 400, "E0000001", "Api validation failed: milliseconds is an integer from 1 to 9223372036854"},
		{"advance of MaxInt64", http.MethodPost, "clock/advance", `{"milliseconds":9223372036854775807}`, srv, 400, "E0000001", "Api validation failed: milliseconds is an integer from 1 to 9223372036854"},
		{"advance past an int64", http.MethodPost, "clock/advance", `{"milliseconds":9223372036854775808}`, srv, 400, "E0000001", "Api validation failed: milliseconds is an integer from 1 to 9223372036854"},
		{"advance by a fraction", http.MethodPost, "clock/advance", `{"milliseconds":1.5}`, srv, 400, "E0000001", "Api validation failed: milliseconds is an integer from 1 to 9223372036854"},
		{"advance by a string", http.MethodPost, "clock/advance", `{"milliseconds":"5"}`, srv, 400, "E0000001", "Api validation failed: milliseconds is an integer from 1 to 9223372036854"},
		{"advance by nothing", http.MethodPost, "clock/advance", `{}`, srv, 400, "E0000001", "Api validation failed: milliseconds is an integer from 1 to 9223372036854"},
		{"no advance body", http.MethodPost, "clock/advance", ``, srv, 400, "E0000003", "The request body was not well-formed. the body is required"},
		{"wall clock", http.MethodPost, "clock/advance", `{"milliseconds":1000}`, real, 400, "E0000001", ""},
		{"unknown control path", http.MethodGet, "nowhere", ``, srv, 404, "E0000008", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := assertOktaError(t, send(t, tt.srv, tt.method, oktatest.ControlPrefix+tt.path, ssws(tt.srv), tt.body), tt.status, tt.code)
			if tt.summary != "" {
				assert.Equal(t, tt.summary, body["errorSummary"])
			}
		})
	}
}

func TestControl_faultAndClock(t *testing.T) {
	srv, clock := newFake(t)
	a := send(t, srv, http.MethodPost, oktatest.ControlPrefix+"faults", ssws(srv),
		`{"route":"GetSession","count":1,"status":503,"header":{"Retry-After":["2"]}}`)
	require.Equal(t, http.StatusNoContent, a.StatusCode, "body: %s", a.body)
	a = send(t, srv, http.MethodGet, "/api/v1/sessions/102x", ssws(srv), "")
	assert.Equal(t, http.StatusServiceUnavailable, a.StatusCode)
	assert.Equal(t, "2", a.Header.Get("Retry-After"))
	assert.Equal(t, "true", a.Header.Get(oktatest.FaultHeader))
	assertOktaError(t, send(t, srv, http.MethodGet, "/api/v1/sessions/102x", ssws(srv), ""), http.StatusNotFound, "E0000007")

	a = send(t, srv, http.MethodPost, oktatest.ControlPrefix+"clock/advance", ssws(srv), `{"milliseconds":90000}`)
	require.Equal(t, http.StatusOK, a.StatusCode)
	assert.Equal(t, "2026-11-27T09:01:30.000Z", a.object(t)["now"])
	assert.Equal(t, t0.Add(90*time.Second), clock.Now())
	assert.Equal(t, "2026-11-27T09:01:30.000Z", send(t, srv, http.MethodGet, oktatest.ControlPrefix+"clock", ssws(srv), "").object(t)["now"])

	const longest = int64(math.MaxInt64 / int64(time.Millisecond)) // the longest time.Duration, in whole ms
	a = send(t, srv, http.MethodPost, oktatest.ControlPrefix+"clock/advance", ssws(srv), fmt.Sprintf(`{"milliseconds":%d}`, longest))
	require.Equal(t, http.StatusOK, a.StatusCode, "body: %s", a.body)
	assert.Equal(t, t0.Add(90*time.Second).Add(time.Duration(longest)*time.Millisecond), clock.Now(), "forward, never back")
}

func TestReset(t *testing.T) {
	srv, _ := newFake(t, oktatest.WithRateLimit(3))
	s := createSession(t, srv)
	tok := srv.IssueSessionToken(oktatest.User{ID: "00uann"})
	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteCreateSession, Status: 500})
	send(t, srv, http.MethodGet, sessionPath(s), ssws(srv), "")
	send(t, srv, http.MethodGet, sessionPath(s), ssws(srv), "") // the window is spent

	assert.Equal(t, http.StatusNoContent, send(t, srv, http.MethodPost, oktatest.ControlPrefix+"reset", ssws(srv), "").StatusCode)
	assert.Empty(t, srv.Requests())
	a := send(t, srv, http.MethodGet, sessionPath(s), ssws(srv), "")
	assertOktaError(t, a, http.StatusNotFound, "E0000007")
	assertRateLimit(t, a, 3, 2, t0.Add(time.Minute))
	assertOktaError(t, send(t, srv, http.MethodPost, "/api/v1/sessions", "", `{"sessionToken":"`+tok+`"}`), http.StatusUnauthorized, "E0000004")
	assertOktaError(t, send(t, srv, http.MethodDelete, "/api/v1/users/00uann/sessions", ssws(srv), ""), http.StatusNotFound, "E0000007")
}

// The control API takes the API token only: neither the static access
// token (WithAccessToken) nor a service app's token (see TestServer_scopes)
// drives it, though Okta's routes take them.
func TestControl_apiTokenOnly(t *testing.T) {
	srv, _ := newFake(t, oktatest.WithAccessToken("00access"))
	assertOktaError(t, send(t, srv, http.MethodGet, "/api/v1/sessions/102x", "Bearer 00access", ""), http.StatusNotFound, "E0000007")
	for _, path := range []string{"clock", "requests"} {
		assertOktaError(t, send(t, srv, http.MethodGet, oktatest.ControlPrefix+path, "Bearer 00access", ""), http.StatusUnauthorized, "E0000011")
	}
	assertOktaError(t, send(t, srv, http.MethodPost, oktatest.ControlPrefix+"reset", "Bearer 00access", ""), http.StatusUnauthorized, "E0000011")
	assertOktaError(t, send(t, srv, http.MethodPost, oktatest.ControlPrefix+"reset", "", ""), http.StatusUnauthorized, "E0000011")
	assert.Equal(t, http.StatusOK, send(t, srv, http.MethodGet, oktatest.ControlPrefix+"clock", ssws(srv), "").StatusCode)
}

// A mistyped control request is the control API's: it needs the API token,
// and is never recorded or faulted, whatever fault is injected.
func TestControl_unknownRouteIsControl(t *testing.T) {
	for _, route := range []oktatest.Route{oktatest.RouteAny, oktatest.RouteUnknown} {
		t.Run("fault on "+cmpRoute(route), func(t *testing.T) {
			srv, _ := newFake(t, oktatest.WithRateLimit(1))
			srv.InjectFault(oktatest.Fault{Route: route, Status: http.StatusServiceUnavailable})
			a := send(t, srv, http.MethodGet, oktatest.ControlPrefix+"faults", ssws(srv), "")
			assertOktaError(t, a, http.StatusMethodNotAllowed, "E0000022")
			assert.Equal(t, "POST, DELETE", a.Header.Get("Allow"))
			assert.Empty(t, a.Header.Get("X-Rate-Limit-Limit"), "never rate-limited")
			assertOktaError(t, send(t, srv, http.MethodGet, oktatest.ControlPrefix+"nowhere", ssws(srv), ""), http.StatusNotFound, "E0000008")
			assertOktaError(t, send(t, srv, http.MethodGet, oktatest.ControlPrefix+"nowhere", "", ""), http.StatusUnauthorized, "E0000011")
			assertOktaError(t, send(t, srv, http.MethodGet, oktatest.ControlPrefix+"faults", "SSWS wrong", ""), http.StatusUnauthorized, "E0000011")
			assert.Empty(t, srv.Requests(), "never recorded")
		})
	}
}

// cmpRoute names a Route for a subtest, RouteAny included.
func cmpRoute(r oktatest.Route) string {
	if r == oktatest.RouteAny {
		return "RouteAny"
	}
	return string(r)
}

// POST sessions answers the session it seeded, whatever ends it at the same
// time: a reset between seeding and rendering once left nothing to render,
// and the panic left the org locked for good.
func TestControl_seedSessionWhileReset(t *testing.T) {
	srv, _ := newFake(t)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				srv.Reset()
			}
		}
	}()
	defer func() {
		close(stop)
		select {
		case <-done:
		case <-time.After(5 * time.Second): // Reset is stuck on a lock never released
		}
	}()
	client := &http.Client{Timeout: 5 * time.Second}
	for range 500 {
		req, err := http.NewRequest(http.MethodPost, srv.URL+oktatest.ControlPrefix+"sessions", strings.NewReader(`{"status":"MFA_ENROLL"}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", ssws(srv))
		resp, err := client.Do(req)
		require.NoError(t, err, "the seed was dropped, or never answered")
		var s map[string]any
		err = json.NewDecoder(resp.Body).Decode(&s)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, resp.StatusCode, "body: %v", s)
		require.Equal(t, "MFA_ENROLL", s["status"])
	}
}

// GET requests answers an empty array, not null, when nothing is recorded.
func TestControl_requestsNone(t *testing.T) {
	srv, _ := newFake(t)
	a := send(t, srv, http.MethodGet, oktatest.ControlPrefix+"requests", ssws(srv), "")
	require.Equal(t, http.StatusOK, a.StatusCode)
	assert.JSONEq(t, `[]`, string(a.body))
}
