package oktatest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oktasessions/okta-session-go/oktatest"
)

func TestRateLimit(t *testing.T) {
	srv, clock := newFake(t, oktatest.WithRateLimit(3))
	reset := t0.Add(time.Minute)
	for remaining := 2; remaining >= 0; remaining-- {
		a := send(t, srv, http.MethodGet, "/api/v1/sessions/102unknown", ssws(srv), "")
		assertOktaError(t, a, http.StatusNotFound, "E0000007")
		assertRateLimit(t, a, 3, remaining, reset)
	}
	a := send(t, srv, http.MethodGet, "/api/v1/sessions/102unknown", ssws(srv), "")
	body := assertOktaError(t, a, http.StatusTooManyRequests, "E0000047")
	assert.Equal(t, "API call exceeded rate limit due to too many requests.", body["errorSummary"])
	assertRateLimit(t, a, 3, 0, reset)

	a = send(t, srv, http.MethodPost, oktatest.IssueTokenPath, ssws(srv), `{}`)
	assert.Equal(t, http.StatusOK, a.StatusCode, "the fake's own route is not counted")

	clock.Advance(time.Minute) // a new window
	a = send(t, srv, http.MethodGet, "/api/v1/sessions/102unknown", ssws(srv), "")
	assertOktaError(t, a, http.StatusNotFound, "E0000007")
	assertRateLimit(t, a, 3, 2, t0.Add(2*time.Minute))
}

func TestRateLimit_resetRoundsUp(t *testing.T) {
	srv, clock := newFake(t)
	clock.Advance(1500 * time.Millisecond)
	a := send(t, srv, http.MethodGet, "/api/v1/sessions/102unknown", ssws(srv), "")
	assertRateLimit(t, a, oktatest.DefaultRateLimit, oktatest.DefaultRateLimit-1, t0.Add(62*time.Second))
}

func TestConcurrencyLimit(t *testing.T) {
	srv, _ := newFake(t, oktatest.WithConcurrencyLimit(1))
	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Latency: time.Hour})
	ctx, stopSlow := context.WithCancel(context.Background())
	defer stopSlow()

	slow := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/sessions/102slow", nil)
		req.Header.Set("Authorization", ssws(srv))
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		slow <- err
	}()
	// Wait until the slow request is in flight.
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, time.Second, time.Millisecond)

	a := send(t, srv, http.MethodGet, "/api/v1/sessions/102fast", ssws(srv), "")
	assertOktaError(t, a, http.StatusTooManyRequests, "E0000047")
	assertRateLimit(t, a, 0, 0, t0.Add(time.Minute))
	assertStamped(t, a)
	stopSlow()
	assert.ErrorIs(t, <-slow, context.Canceled)

	require.Eventually(t, func() bool {
		return send(t, srv, http.MethodGet, "/api/v1/sessions/102fast", ssws(srv), "").StatusCode == http.StatusNotFound
	}, time.Second, time.Millisecond, "the slow request's slot was not freed")
}
