package oktatest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// newInProcess makes an in-process fake on a fake clock.
func newInProcess(t *testing.T, opts ...oktatest.Option) (*oktatest.Server, *oktatest.FakeClock) {
	t.Helper()
	clock := oktatest.NewFakeClock(t0)
	srv, err := oktatest.NewInProcess(append([]oktatest.Option{oktatest.WithClock(clock)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv, clock
}

func TestInProcess_client(t *testing.T) {
	srv, clock := newInProcess(t)
	assert.Equal(t, oktatest.InProcessURL, srv.URL)
	client := srv.Client()
	ctx := context.Background()
	s, _, err := client.SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: srv.IssueSessionToken(oktatest.User{})})
	require.NoError(t, err)
	assert.Equal(t, oktatest.InProcessURL+"/api/v1/sessions/"+s.Id, s.Links.Self.Href, "links follow the https URL")

	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Drop: true})
	got, _, err := client.SessionApi.GetSession(ctx, s.Id)
	require.NoError(t, err, "the dropped connection is retried on the server's clock")
	assert.Equal(t, s.Id, got.Id)
	assert.Positive(t, clock.Waited())
	assert.Len(t, srv.Requests(), 3)
}

func TestInProcess_sameAnswers(t *testing.T) {
	srv, _ := newInProcess(t)
	s := createSession(t, srv)
	a := send(t, srv, http.MethodGet, sessionPath(s), ssws(srv), "")
	assert.Equal(t, http.StatusOK, a.StatusCode)
	assertStamped(t, a)
	assertRateLimit(t, a, oktatest.DefaultRateLimit, oktatest.DefaultRateLimit-2, t0.Add(time.Minute))
	assertOktaError(t, send(t, srv, http.MethodGet, "/api/v1/nowhere", ssws(srv), ""), http.StatusNotFound, "E0000008")
	a = send(t, srv, http.MethodDelete, sessionPath(s), ssws(srv), "")
	assert.Equal(t, http.StatusNoContent, a.StatusCode)
	assert.Empty(t, a.body)
}

func TestInProcess_faults(t *testing.T) {
	srv, _ := newInProcess(t)
	hc := &http.Client{Transport: srv.RoundTripper()}
	get := func(ctx context.Context) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/sessions/102x", nil)
		req.Header.Set("Authorization", ssws(srv))
		return hc.Do(req)
	}

	srv.InjectFault(oktatest.Fault{Count: 1, Drop: true})
	_, err := get(context.Background())
	assert.ErrorIs(t, err, oktatest.ErrDropped)
	assert.Equal(t, 0, srv.Requests()[0].Status)

	srv.InjectFault(oktatest.Fault{Count: 1, Body: oktatest.BodyOversized})
	resp, err := get(context.Background())
	require.NoError(t, err)
	n, err := io.CopyN(io.Discard, resp.Body, 1<<20)
	assert.NoError(t, err)
	assert.Equal(t, int64(1<<20), n, "the body streams")
	resp.Body.Close() // the handler stops writing; the test would hang otherwise

	srv.InjectFault(oktatest.Fault{Count: 1, Latency: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = get(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestInProcess_leavesTheRequestAlone(t *testing.T) {
	srv, _ := newInProcess(t)
	req, _ := http.NewRequest(http.MethodPost, "http://elsewhere.example/api/v1/sessions", strings.NewReader(`{}`))
	resp, err := srv.RoundTripper().RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Same(t, req, resp.Request)
	assert.Empty(t, req.PathValue("sessionId"))
	assert.Empty(t, req.Header.Get("X-Okta-Request-Id"))
}

func TestNewInProcess_refusesAnAddress(t *testing.T) {
	_, err := oktatest.NewInProcess(oktatest.WithAddr("127.0.0.1:0"))
	assert.Error(t, err)
	_, err = oktatest.NewInProcess(oktatest.WithRateLimit(0))
	assert.Error(t, err)
}

func TestResponder(t *testing.T) {
	srv, _ := newInProcess(t)
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.example.com/profile", httpmock.NewStringResponder(200, `{}`))
	mock.RegisterNoResponder(srv.Responder())
	cfg := srv.Config()
	cfg.HTTPClient = &http.Client{Transport: mock}
	client := okta.NewAPIClient(cfg)

	tok := srv.IssueSessionToken(oktatest.User{Login: "ann@example.com"})
	s, _, err := client.SessionApi.CreateSession(context.Background(), okta.CreateSessionRequest{SessionToken: tok})
	require.NoError(t, err)
	assert.Equal(t, "ann@example.com", s.Login)
	_, _, err = client.SessionApi.GetSession(context.Background(), "102unknown")
	var apiErr *okta.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, 2, mock.GetTotalCallCount())
}

// A header key sent in another case reaches a listening server canonical,
// as net/http's server reads it; the in-process fake answers the same, and
// masks its value the same.
func TestInProcess_headerKeysAsOnASocket(t *testing.T) {
	for _, inProcess := range []bool{false, true} {
		srv, _ := newFake(t)
		if inProcess {
			srv, _ = newInProcess(t)
		}
		id, err := srv.SeedSession(oktatest.SessionSeed{})
		require.NoError(t, err)
		a := sendHeader(t, srv, http.MethodGet, "/api/v1/sessions/"+id, http.Header{"authorization": {ssws(srv)}}, "")
		assert.Equal(t, http.StatusOK, a.StatusCode, "in process: %v", inProcess)
		a = sendHeader(t, srv, http.MethodGet, "/api/v1/sessions/me", http.Header{"cookie": {"sid=" + id}}, "")
		assert.Equal(t, http.StatusOK, a.StatusCode, "in process: %v", inProcess)

		reqs := srv.Requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, []string{"SSWS [redacted]"}, reqs[0].Header["Authorization"], "in process: %v", inProcess)
		assert.Equal(t, []string{"sid=[redacted]"}, reqs[1].Header["Cookie"], "in process: %v", inProcess)
	}
}

// A context cancelled while the body streams ends the read with the
// context's error, as on a socket.
func TestInProcess_cancelMidBody(t *testing.T) {
	for _, inProcess := range []bool{false, true} {
		srv, _ := newFake(t)
		hc := http.DefaultClient
		if inProcess {
			srv, _ = newInProcess(t)
			hc = &http.Client{Transport: srv.RoundTripper()}
		}
		srv.InjectFault(oktatest.Fault{Body: oktatest.BodyTrickle, TrickleEvery: time.Millisecond})
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/sessions/102x", nil)
		req.Header.Set("Authorization", ssws(srv))
		resp, err := hc.Do(req)
		require.NoError(t, err)
		_, err = resp.Body.Read(make([]byte, 1))
		require.NoError(t, err)
		cancel()
		_, err = io.ReadAll(resp.Body)
		assert.ErrorIs(t, err, context.Canceled, "in process: %v", inProcess)
		resp.Body.Close()
	}
}

// The status of an answer is recorded once its header is sent, as the
// client sees it: Requests() read right after the answer holds it, even
// while the handler still runs.
func TestInProcess_statusRecordedWithTheHeader(t *testing.T) {
	srv, _ := newInProcess(t)
	hc := &http.Client{Transport: srv.RoundTripper()}
	for i := range 20 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/sessions/102x", nil)
		req.Header.Set("Authorization", ssws(srv))
		resp, err := hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, srv.Requests()[i].Status, "request %d", i)
	}
}
