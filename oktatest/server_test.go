package oktatest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// newFake starts a fake on a fake clock.
func newFake(t *testing.T, opts ...oktatest.Option) (*oktatest.Server, *oktatest.FakeClock) {
	t.Helper()
	clock := oktatest.NewFakeClock(t0)
	return oktatest.NewServer(t, append([]oktatest.Option{oktatest.WithClock(clock)}, opts...)...), clock
}

// noRetries returns a client for srv that takes every answer as it comes.
func noRetries(srv *oktatest.Server) *okta.APIClient {
	cfg := srv.Config()
	cfg.MaxRetries = okta.NoRetries
	return okta.NewAPIClient(cfg)
}

// apiError asserts that err is an *APIError with the status and code.
func apiError(t *testing.T, err error, status int, code string) *okta.APIError {
	t.Helper()
	var e *okta.APIError
	require.ErrorAs(t, err, &e)
	assert.Equal(t, status, e.StatusCode)
	assert.Equal(t, code, e.ErrorCode)
	assert.Equal(t, code, e.ErrorLink)
	assert.Regexp(t, `^oae[A-Za-z0-9]{22}$`, e.ErrorId)
	assert.Regexp(t, `^req[A-Za-z0-9]{23}$`, e.RequestId)
	return e
}

func TestLifecycle(t *testing.T) {
	srv, clock := newFake(t)
	api := srv.Client().SessionApi
	ctx := context.Background()
	tok := srv.IssueSessionToken(oktatest.User{ID: "00ubgaSARVOQDIOXMORI", Login: "isaac@example.com", DisplayName: "Isaac Brock"})
	assert.Regexp(t, `^20111[A-Za-z0-9]{37}$`, tok)

	clock.Advance(30 * time.Second)
	s, resp, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Regexp(t, `^102[A-Za-z0-9]{22}$`, s.Id)
	assert.Equal(t, "isaac@example.com", s.Login)
	assert.Equal(t, "00ubgaSARVOQDIOXMORI", s.UserId)
	assert.Equal(t, okta.SessionStatusActive, s.Status)
	now := t0.Add(30 * time.Second)
	assert.True(t, s.CreatedAt.Equal(now))
	assert.True(t, s.ExpiresAt.Equal(now.Add(120*time.Minute)))
	require.NotNil(t, s.LastPasswordVerification)
	assert.True(t, s.LastPasswordVerification.Equal(t0))
	assert.Nil(t, s.LastFactorVerification)
	assert.Equal(t, []okta.SessionAuthenticationMethod{okta.SessionAuthenticationMethodPassword}, s.Amr)
	assert.Equal(t, &okta.SessionIdentityProvider{Id: srv.OrgID, Type: okta.SessionIdentityProviderTypeOkta}, s.Idp)
	assert.Equal(t, srv.URL+"/api/v1/sessions/"+s.Id, s.Links.Self.Href)
	assert.Equal(t, []string{"GET", "DELETE"}, s.Links.Self.Hints.Allow)
	assert.Equal(t, srv.URL+"/api/v1/sessions/"+s.Id+"/lifecycle/refresh", s.Links.Refresh.Href)
	assert.Equal(t, "Isaac Brock", s.Links.User.Name)
	assert.Equal(t, srv.URL+"/api/v1/users/00ubgaSARVOQDIOXMORI", s.Links.User.Href)
	assert.Equal(t, t0.Add(30*time.Second).Format(http.TimeFormat), resp.Header.Get("Date"))

	got, _, err := api.GetSession(ctx, s.Id)
	require.NoError(t, err)
	assert.Equal(t, s.Id, got.Id)

	clock.Advance(time.Hour)
	refreshed, _, err := api.RefreshSession(ctx, s.Id)
	require.NoError(t, err)
	assert.True(t, refreshed.ExpiresAt.Equal(now.Add(time.Hour+120*time.Minute)))
	assert.True(t, refreshed.CreatedAt.Equal(s.CreatedAt))

	resp, err = api.EndSession(ctx, s.Id)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)

	for _, call := range []func() error{
		func() error { _, _, err := api.GetSession(ctx, s.Id); return err },
		func() error { _, _, err := api.RefreshSession(ctx, s.Id); return err },
		func() error { _, err := api.EndSession(ctx, s.Id); return err },
	} {
		err := call()
		e := apiError(t, err, http.StatusNotFound, "E0000007")
		assert.True(t, errors.Is(err, okta.ErrNotFound))
		assert.Equal(t, "Not found: Resource not found: "+s.Id[:4]+"... (Session)", e.ErrorSummary)
		assert.Contains(t, string(e.Body()), s.Id, "the raw body holds Okta's own text")
	}
}

func TestSessionToken(t *testing.T) {
	srv, clock := newFake(t)
	api := srv.Client().SessionApi
	ctx := context.Background()

	t.Run("used once", func(t *testing.T) {
		tok := srv.IssueSessionToken(oktatest.User{})
		_, _, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
		require.NoError(t, err)
		_, _, err = api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
		e := apiError(t, err, http.StatusUnauthorized, "E0000004")
		assert.Equal(t, "Authentication failed", e.ErrorSummary)
		assert.ErrorIs(t, err, okta.ErrUnauthorized)
	})
	t.Run("expires after 5 minutes", func(t *testing.T) {
		tok := srv.IssueSessionToken(oktatest.User{})
		clock.Advance(5 * time.Minute)
		_, _, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
		apiError(t, err, http.StatusUnauthorized, "E0000004")
	})
	t.Run("valid just before 5 minutes", func(t *testing.T) {
		tok := srv.IssueSessionToken(oktatest.User{})
		clock.Advance(5*time.Minute - time.Millisecond)
		_, _, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
		require.NoError(t, err)
	})
	t.Run("garbage", func(t *testing.T) {
		_, _, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: "not-a-token"})
		apiError(t, err, http.StatusUnauthorized, "E0000004")
	})
}

// post sends a raw request to the fake.
func post(t *testing.T, srv *oktatest.Server, path, auth, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

func TestCreateSession_malformedBody(t *testing.T) {
	srv, _ := newFake(t)
	resp, body := post(t, srv, "/api/v1/sessions", "SSWS "+srv.APIToken, `{"sessionToken":`)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "E0000003", body["errorCode"])
	assert.Equal(t, "The request body was not well-formed.", body["errorSummary"])
}

func TestCreateSession_anonymous(t *testing.T) {
	srv, _ := newFake(t)
	tok := srv.IssueSessionToken(oktatest.User{})
	resp, body := post(t, srv, "/api/v1/sessions", "", `{"sessionToken":"`+tok+`"}`)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotEmpty(t, body["id"])
}

func TestAuthentication(t *testing.T) {
	srv, _ := newFake(t, oktatest.WithAccessToken("at-123"))
	ctx := context.Background()

	wrong := srv.Config()
	wrong.APIToken = "wrong"
	_, _, err := okta.NewAPIClient(wrong).SessionApi.GetSession(ctx, "102abcdefghijklmnopqrstuvw")
	e := apiError(t, err, http.StatusUnauthorized, "E0000011")
	assert.Equal(t, "Invalid token provided", e.ErrorSummary)

	tok := srv.IssueSessionToken(oktatest.User{})
	s, _, err := srv.Client().SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
	require.NoError(t, err)

	bearer := context.WithValue(ctx, okta.ContextAccessToken, "at-123")
	_, _, err = srv.Client().SessionApi.GetSession(bearer, s.Id)
	assert.NoError(t, err)
	_, _, err = srv.Client().SessionApi.GetSession(context.WithValue(ctx, okta.ContextAccessToken, "at-999"), s.Id)
	apiError(t, err, http.StatusUnauthorized, "E0000011")
}

func TestSessionExpiry(t *testing.T) {
	srv, clock := newFake(t, oktatest.WithIdleTimeout(30*time.Minute), oktatest.WithMaxLifetime(50*time.Minute))
	api := srv.Client().SessionApi
	ctx := context.Background()
	s, _, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: srv.IssueSessionToken(oktatest.User{})})
	require.NoError(t, err)
	assert.True(t, s.ExpiresAt.Equal(t0.Add(30*time.Minute)))

	clock.Advance(29 * time.Minute)
	s, _, err = api.RefreshSession(ctx, s.Id)
	require.NoError(t, err)
	assert.True(t, s.ExpiresAt.Equal(t0.Add(50*time.Minute)), "capped by the maximum lifetime: %v", s.ExpiresAt)

	clock.Advance(21 * time.Minute)
	_, _, err = api.GetSession(ctx, s.Id)
	apiError(t, err, http.StatusNotFound, "E0000007")
}

func TestRateLimit(t *testing.T) {
	srv, clock := newFake(t, oktatest.WithRateLimit(3))
	api := srv.Client().SessionApi
	ctx := context.Background()
	reset := t0.Add(time.Minute)
	for i := 2; i >= 0; i-- {
		_, resp, err := api.GetSession(ctx, "102unknown0000000000000000")
		apiError(t, err, http.StatusNotFound, "E0000007")
		rl, ok := okta.ParseRateLimit(resp)
		require.True(t, ok)
		assert.Equal(t, okta.RateLimit{Limit: 3, Remaining: i, Reset: reset}, rl)
	}
	_, _, err := api.GetSession(ctx, "102unknown0000000000000000")
	e := apiError(t, err, http.StatusTooManyRequests, "E0000047")
	assert.ErrorIs(t, err, okta.ErrRateLimited)
	assert.Equal(t, okta.RateLimit{Limit: 3, Remaining: 0, Reset: reset}, e.RateLimit)
	assert.False(t, e.RateLimit.IsConcurrencyLimit())

	clock.Advance(time.Minute) // a new window
	_, resp, err := api.GetSession(ctx, "102unknown0000000000000000")
	apiError(t, err, http.StatusNotFound, "E0000007")
	rl, _ := okta.ParseRateLimit(resp)
	assert.Equal(t, okta.RateLimit{Limit: 3, Remaining: 2, Reset: t0.Add(2 * time.Minute)}, rl)
}

func TestConcurrencyLimit(t *testing.T) {
	srv, _ := newFake(t, oktatest.WithConcurrencyLimit(1))
	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Latency: time.Hour})
	api := noRetries(srv).SessionApi
	ctx, stopSlow := context.WithCancel(context.Background())

	slow := make(chan error, 1)
	go func() { _, _, err := api.GetSession(ctx, "102slow"); slow <- err }()
	// Wait until the slow request is in flight.
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, time.Second, time.Millisecond)

	_, _, err := api.GetSession(context.Background(), "102fast")
	e := apiError(t, err, http.StatusTooManyRequests, "E0000047")
	assert.True(t, e.RateLimit.IsConcurrencyLimit())
	stopSlow()
	assert.ErrorIs(t, <-slow, context.Canceled)
}

func TestFault_latencyThenServed(t *testing.T) {
	srv, _ := newFake(t)
	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Latency: 2 * time.Millisecond})
	start := time.Now()
	_, _, err := srv.Client().SessionApi.GetSession(context.Background(), "102abc")
	apiError(t, err, http.StatusNotFound, "E0000007")
	assert.GreaterOrEqual(t, time.Since(start), 2*time.Millisecond)
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		fault oktatest.Fault
		check func(t *testing.T, err error)
	}{
		{"status", oktatest.Fault{Status: http.StatusServiceUnavailable}, func(t *testing.T, err error) {
			var e *okta.APIError
			require.ErrorAs(t, err, &e)
			assert.Equal(t, http.StatusServiceUnavailable, e.StatusCode)
			assert.Contains(t, string(e.Body()), "Service Unavailable")
		}},
		{"429 status", oktatest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}}, func(t *testing.T, err error) {
			e := apiError(t, err, http.StatusTooManyRequests, "E0000047")
			assert.Equal(t, 0, e.RateLimit.Remaining)
			assert.Equal(t, "7", e.Response.Header.Get("Retry-After"))
		}},
		{"malformed", oktatest.Fault{Body: oktatest.BodyMalformed}, func(t *testing.T, err error) {
			assert.ErrorContains(t, err, "decode 200 answer: invalid character")
		}},
		{"truncated", oktatest.Fault{Body: oktatest.BodyTruncated}, func(t *testing.T, err error) {
			assert.ErrorContains(t, err, "decode 200 answer: truncated JSON")
		}},
		{"oversized", oktatest.Fault{Body: oktatest.BodyOversized}, func(t *testing.T, err error) {
			var tooLarge *http.MaxBytesError
			assert.ErrorAs(t, err, &tooLarge)
		}},
		{"wrong content type", oktatest.Fault{Body: oktatest.BodyWrongContentType}, func(t *testing.T, err error) {
			assert.ErrorContains(t, err, `content type "text/html; charset=utf-8" is not JSON`)
		}},
		{"dropped", oktatest.Fault{Drop: true}, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, io.EOF)
			assert.ErrorContains(t, err, "okta: GetSession: Get ")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newFake(t)
			s, _, err := srv.Client().SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: srv.IssueSessionToken(oktatest.User{})})
			require.NoError(t, err)
			f := tt.fault
			f.Route, f.Count = oktatest.RouteGetSession, 1
			srv.InjectFault(f)
			_, _, err = noRetries(srv).SessionApi.GetSession(ctx, s.Id)
			require.Error(t, err)
			tt.check(t, err)
			_, _, err = srv.Client().SessionApi.GetSession(ctx, s.Id)
			assert.NoError(t, err, "the fault outlived its count")
		})
	}
}

func TestFault_processedThenDropped(t *testing.T) {
	srv, _ := newFake(t)
	api := srv.Client().SessionApi
	ctx := context.Background()
	tok := srv.IssueSessionToken(oktatest.User{})
	srv.InjectFault(oktatest.Fault{Route: oktatest.RouteCreateSession, Count: 1, Drop: true, Processed: true})
	_, _, err := api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
	require.Error(t, err)
	_, _, err = api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
	apiError(t, err, http.StatusUnauthorized, "E0000004") // the token was used by the lost request
}

func TestFault_untilCleared(t *testing.T) {
	srv, _ := newFake(t)
	srv.InjectFault(oktatest.Fault{Status: http.StatusServiceUnavailable})
	for range 3 {
		_, _, err := srv.Client().SessionApi.GetSession(context.Background(), "102x")
		var e *okta.APIError
		require.ErrorAs(t, err, &e)
		assert.Equal(t, http.StatusServiceUnavailable, e.StatusCode)
	}
	assert.Len(t, srv.Requests(), 9, "each call tried 3 times")
	srv.ClearFaults()
	_, _, err := srv.Client().SessionApi.GetSession(context.Background(), "102x")
	apiError(t, err, http.StatusNotFound, "E0000007")
}

func TestRequests_recordedWithSecretsMasked(t *testing.T) {
	srv, _ := newFake(t)
	_, _, _ = srv.Client().SessionApi.GetSession(context.Background(), "a/b")
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, oktatest.RouteGetSession, r.Route)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/api/v1/sessions/a%2Fb", r.Path)
	assert.Equal(t, "SSWS [redacted]", r.Header.Get("Authorization"))
	assert.Equal(t, t0, r.Time)
}

func TestIssueTokenOverHTTP(t *testing.T) {
	srv, _ := newFake(t)
	resp, body := post(t, srv, oktatest.IssueTokenPath, "SSWS "+srv.APIToken, `{"login":"ann@example.com","displayName":"Ann"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	tok, _ := body["sessionToken"].(string)
	s, _, err := srv.Client().SessionApi.CreateSession(context.Background(), okta.CreateSessionRequest{SessionToken: tok})
	require.NoError(t, err)
	assert.Equal(t, "ann@example.com", s.Login)
	assert.Equal(t, "Ann", s.Links.User.Name)

	resp, _ = post(t, srv, oktatest.IssueTokenPath, "", `{}`)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func TestOnlyLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "10.0.0.1:0", "localhost:0"} {
		_, err := oktatest.Start(oktatest.WithAddr(addr))
		assert.Error(t, err, addr)
	}
	srv, err := oktatest.Start(oktatest.WithAddr("127.0.0.1:0"))
	require.NoError(t, err)
	srv.Close()
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
}

func TestConcurrentUse(t *testing.T) {
	srv, clock := newFake(t, oktatest.WithRateLimit(10000))
	client := srv.Client()
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			s, _, err := client.SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: srv.IssueSessionToken(oktatest.User{})})
			if !assert.NoError(t, err) {
				return
			}
			clock.Advance(time.Second)
			_, _, err = client.SessionApi.RefreshSession(ctx, s.Id)
			assert.NoError(t, err)
			_, err = client.SessionApi.EndSession(ctx, s.Id)
			assert.NoError(t, err)
			_ = srv.Requests()
		})
	}
	wg.Wait()
	assert.Len(t, srv.Requests(), 48)
}

// TestReadmeSnippet is the README's example of the fake, kept here so that
// it compiles and runs.
func TestReadmeSnippet(t *testing.T) {
	ctx := context.Background()
	srv := oktatest.NewServer(t) // closed when the test ends
	tok := srv.IssueSessionToken(oktatest.User{Login: "ann@example.com"})
	s, _, err := srv.Client().SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
	require.NoError(t, err)
	assert.Equal(t, "ann@example.com", s.Login)
}

func TestMissingCredential(t *testing.T) {
	srv, _ := newFake(t)
	for _, path := range []string{"/api/v1/sessions/102abc", "/api/v1/sessions/102abc/lifecycle/refresh"} {
		method := http.MethodGet
		if strings.HasSuffix(path, "refresh") {
			method = http.MethodPost
		}
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, path)
		assert.Equal(t, "E0000011", body["errorCode"], path)
	}
}

func TestClose_endsFaultDelays(t *testing.T) {
	srv, err := oktatest.Start()
	require.NoError(t, err)
	srv.InjectFault(oktatest.Fault{Latency: time.Hour})
	done := make(chan error, 1)
	go func() {
		cfg := srv.Config()
		cfg.MaxRetries = okta.NoRetries
		_, _, err := okta.NewAPIClient(cfg).SessionApi.GetSession(context.Background(), "102abc")
		done <- err
	}()
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, time.Second, time.Millisecond)
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for an hour-long fault")
	}
	assert.Error(t, <-done)
}
