package test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// The retry scenarios, counted in attempts and total time waited.
var scenarios = []struct {
	name string
	run  func(tb testing.TB) (attempts int, waited time.Duration, err error)
}{
	{"429 with reset in 2s", func(tb testing.TB) (int, time.Duration, error) {
		e := newEnv(tb, nil, oktatest.WithRateLimit(5))
		s := e.create(tb)
		e.exhaust(4, 2*time.Second)
		before, waited := e.attempts(oktatest.RouteGetSession), e.clock.Waited()
		_, _, err := e.api.GetSession(ctx, s.Id)
		return e.attempts(oktatest.RouteGetSession) - before, e.clock.Waited() - waited, err
	}},
	{"503 three times then 200", func(tb testing.TB) (int, time.Duration, error) {
		e := newEnv(tb, func(c *okta.Configuration) { c.MaxRetries = 3 })
		s := e.create(tb)
		e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 3, Status: http.StatusServiceUnavailable})
		_, _, err := e.api.GetSession(ctx, s.Id)
		return e.attempts(oktatest.RouteGetSession), e.clock.Waited(), err
	}},
	{"dropped connections forever", func(tb testing.TB) (int, time.Duration, error) {
		e := newEnv(tb, nil)
		e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Drop: true})
		_, _, err := e.api.GetSession(ctx, "102abc")
		return e.attempts(oktatest.RouteGetSession), e.clock.Waited(), err
	}},
	{"429 with reset past the deadline", func(tb testing.TB) (int, time.Duration, error) {
		e := newEnv(tb, nil, oktatest.WithRateLimit(1))
		e.exhaust(1, 20*time.Second)
		before := e.attempts(oktatest.RouteGetSession)
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, _, err := e.api.GetSession(c, "102abc")
		return e.attempts(oktatest.RouteGetSession) - before, e.clock.Waited(), err
	}},
}

func TestRetryScenarios(t *testing.T) {
	want := map[string]struct {
		attempts       int
		minWait, below time.Duration
		ok             bool
	}{
		// reset - Date + 1 s, plus up to 0.5 s of jitter
		"429 with reset in 2s": {2, 3 * time.Second, 3500 * time.Millisecond, true},
		// backoffs of [125,250) + [250,500) + [500,1000) ms
		"503 three times then 200": {4, 875 * time.Millisecond, 1750 * time.Millisecond, true},
		// MaxRetries+1 attempts, backoffs [125,250) + [250,500) ms
		"dropped connections forever": {3, 375 * time.Millisecond, 750 * time.Millisecond, false},
		// the 21 s wait would pass the 5 s deadline: not started
		"429 with reset past the deadline": {1, 0, time.Nanosecond, false},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			attempts, waited, err := sc.run(t)
			w := want[sc.name]
			t.Logf("%d attempts, waited %v, err: %v", attempts, waited, err)
			assert.Equal(t, w.attempts, attempts)
			assert.GreaterOrEqual(t, waited, w.minWait)
			assert.Less(t, waited, w.below)
			assert.Equal(t, w.ok, err == nil, "%v", err)
		})
	}
}

// BenchmarkRetryScenarios reports attempts and time waited per call for each
// scenario. Waits are on the fake clock, so it runs fast:
//
//	go test ./test -run '^$' -bench RetryScenarios -benchtime 200x
func BenchmarkRetryScenarios(b *testing.B) {
	for _, sc := range scenarios {
		b.Run(sc.name, func(b *testing.B) {
			var attempts int
			var waited time.Duration
			for b.Loop() {
				a, w, _ := sc.run(b)
				attempts += a
				waited += w
			}
			b.ReportMetric(float64(attempts)/float64(b.N), "attempts/op")
			b.ReportMetric(waited.Seconds()/float64(b.N), "waited-s/op")
		})
	}
}

func TestRetry_honoursRetryAfter(t *testing.T) {
	e := newEnv(t, nil)
	s := e.create(t)
	e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": {"7"}}})
	_, _, err := e.api.GetSession(ctx, s.Id)
	require.NoError(t, err)
	assert.Equal(t, 2, e.attempts(oktatest.RouteGetSession))
	assert.GreaterOrEqual(t, e.clock.Waited(), 7*time.Second)
	assert.Less(t, e.clock.Waited(), 7500*time.Millisecond)
}

func TestRetry_oddOrMissingDateFallsBackToLocalClock(t *testing.T) {
	for name, date := range map[string]string{"odd": "yesterday at noon", "missing": ""} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, nil)
			s := e.create(t) // the rate window starts at t0 and resets at t0+60s
			e.clock.Advance(57 * time.Second)
			e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Status: http.StatusTooManyRequests,
				Header: http.Header{"Date": {date}}})
			_, _, err := e.api.GetSession(ctx, s.Id)
			require.NoError(t, err, "an odd Date must not make the 429 permanent")
			// reset (t0+60s) - local now (t0+57s) + 1 s, plus jitter
			assert.GreaterOrEqual(t, e.clock.Waited(), 4*time.Second)
			assert.Less(t, e.clock.Waited(), 4500*time.Millisecond)
		})
	}
}

func TestRetry_concurrencyLimitBacksOffBriefly(t *testing.T) {
	e := newEnv(t, nil, oktatest.WithConcurrencyLimit(1))
	e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Latency: time.Minute})
	slowCtx, stopSlow := context.WithCancel(ctx)
	slow := make(chan struct{})
	go func() {
		defer close(slow)
		_, _, _ = e.api.GetSession(slowCtx, "102slow")
	}()
	require.Eventually(t, func() bool { return len(e.srv.Requests()) == 1 }, time.Second, time.Millisecond)

	_, err := e.api.EndSession(ctx, "102other")
	apiErr := requireAPIError(t, err, "EndSession", 429, "E0000047", okta.ErrRateLimited)
	assert.True(t, apiErr.RateLimit.IsConcurrencyLimit())
	assert.Equal(t, 3, e.attempts(oktatest.RouteEndSession))
	assert.Less(t, e.clock.Waited(), time.Second, "a concurrency 429 waited for the minute reset")
	stopSlow()
	<-slow
}

func TestRetry_idempotency(t *testing.T) {
	type op func(e *env, s okta.Session, tok string) error
	create := func(e *env, _ okta.Session, tok string) error {
		_, _, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: tok})
		return err
	}
	get := func(e *env, s okta.Session, _ string) error { _, _, err := e.api.GetSession(ctx, s.Id); return err }
	refresh := func(e *env, s okta.Session, _ string) error { _, _, err := e.api.RefreshSession(ctx, s.Id); return err }
	end := func(e *env, s okta.Session, _ string) error { _, err := e.api.EndSession(ctx, s.Id); return err }
	closeCurrent := func(e *env, s okta.Session, _ string) error {
		_, err := e.api.CloseCurrentSession(ctx, &http.Cookie{Name: "sid", Value: s.Id})
		return err
	}
	revoke := func(e *env, s okta.Session, _ string) error {
		_, err := e.client.UserSessionsApi.RevokeUserSessions(ctx, s.UserId, nil)
		return err
	}
	tests := []struct {
		name     string
		route    oktatest.Route
		call     op
		fault    oktatest.Fault
		attempts int
		ok       bool
	}{
		{"create retries 429", oktatest.RouteCreateSession, create, oktatest.Fault{Status: 429, Header: http.Header{"Retry-After": {"1"}}}, 2, true},
		{"create does not retry 503", oktatest.RouteCreateSession, create, oktatest.Fault{Status: 503}, 1, false},
		{"create does not retry 502", oktatest.RouteCreateSession, create, oktatest.Fault{Status: 502}, 1, false},
		{"create does not retry a dropped connection", oktatest.RouteCreateSession, create, oktatest.Fault{Drop: true, Processed: true}, 1, false},
		{"get retries 503", oktatest.RouteGetSession, get, oktatest.Fault{Status: 503}, 2, true},
		{"get retries 504", oktatest.RouteGetSession, get, oktatest.Fault{Status: 504}, 2, true},
		{"get retries a dropped connection", oktatest.RouteGetSession, get, oktatest.Fault{Drop: true}, 2, true},
		{"get does not retry 500", oktatest.RouteGetSession, get, oktatest.Fault{Status: 500}, 1, false},
		{"refresh retries 502", oktatest.RouteRefreshSession, refresh, oktatest.Fault{Status: 502}, 2, true},
		{"refresh retries a dropped connection", oktatest.RouteRefreshSession, refresh, oktatest.Fault{Drop: true, Processed: true}, 2, true},
		{"end retries 503", oktatest.RouteEndSession, end, oktatest.Fault{Status: 503}, 2, true},
		{"end retries 429", oktatest.RouteEndSession, end, oktatest.Fault{Status: 429, Header: http.Header{"Retry-After": {"1"}}}, 2, true},
		{"close current retries a lost answer, then finds the session gone", oktatest.RouteCloseCurrentSession, closeCurrent, oktatest.Fault{Drop: true, Processed: true}, 2, false},
		{"revoke retries a lost answer", oktatest.RouteRevokeUserSessions, revoke, oktatest.Fault{Drop: true, Processed: true}, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			s := e.create(t)
			tok := e.srv.IssueSessionToken(oktatest.User{})
			f := tt.fault
			f.Route, f.Count = tt.route, 1
			e.srv.InjectFault(f)
			err := tt.call(e, s, tok)
			assert.Equal(t, tt.ok, err == nil, "%v", err)
			want := tt.attempts
			if tt.route == oktatest.RouteCreateSession {
				want++ // e.create made one
			}
			assert.Equal(t, want, e.attempts(tt.route))
		})
	}
}

func TestRetry_createRetriesWhenTheDialFailed(t *testing.T) {
	dials := 0
	e := newEnv(t, func(c *okta.Configuration) {
		tr := c.HTTPClient.Transport.(*http.Transport)
		dial := tr.DialContext
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials++
			if dials <= 2 {
				return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
			}
			return dial(ctx, network, addr)
		}
	})
	s, _, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: e.srv.IssueSessionToken(oktatest.User{})})
	require.NoError(t, err)
	assert.NotEmpty(t, s.Id)
	assert.Equal(t, 3, dials)
	assert.Equal(t, 1, e.attempts(oktatest.RouteCreateSession), "only the third attempt left the client")
}

func TestRetry_headers(t *testing.T) {
	e := newEnv(t, nil)
	s := e.create(t)
	e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Status: 429, Header: http.Header{"Retry-After": {"1"}}})
	e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1, Status: 503})
	_, _, err := e.api.GetSession(ctx, s.Id)
	require.NoError(t, err)
	gets := e.routeRequests(oktatest.RouteGetSession)
	require.Len(t, gets, 3)
	assert.Empty(t, gets[0].Header.Values("X-Okta-Retry-Count"))
	assert.Empty(t, gets[0].Header.Values("X-Okta-Retry-For"))
	for i := 1; i < 3; i++ {
		assert.Equal(t, []string{strconv.Itoa(i)}, gets[i].Header.Values("X-Okta-Retry-Count"))
		assert.Equal(t, []string{gets[i-1].RequestID}, gets[i].Header.Values("X-Okta-Retry-For"))
	}
	assert.Equal(t, []int{429, 503, 200}, []int{gets[0].Status, gets[1].Status, gets[2].Status})
}

func TestRetry_exhaustedReturnsTheLastAPIError(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteRefreshSession, Status: 503})
	_, resp, err := e.api.RefreshSession(ctx, "102abc")
	require.NotNil(t, resp)
	var apiErr *okta.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Same(t, resp, apiErr.Response)
	reqs := e.srv.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, reqs[2].RequestID, apiErr.RequestId)
}

func TestRetry_deadlinePassingWaitReturnsAtOnce(t *testing.T) {
	e := newEnv(t, nil, oktatest.WithRateLimit(1))
	e.exhaust(1, 20*time.Second)
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	start := time.Now()
	_, resp, err := e.api.GetSession(c, "102abc")
	assert.Less(t, time.Since(start), time.Second)
	apiErr := requireAPIError(t, err, "GetSession", 429, "E0000047", okta.ErrRateLimited)
	assert.Same(t, resp, apiErr.Response)
	// reset (t0+60s) - Date (t0+40s) + 1 s, plus up to 0.5 s of jitter
	assert.WithinRange(t, apiErr.RetryAt, t0.Add(61*time.Second), t0.Add(61500*time.Millisecond))
}

// stuckClock is a clock whose waits never end, to show that cancellation
// interrupts them; waiting is closed when the first wait starts.
type stuckClock struct {
	oktatest.FakeClock
	once    sync.Once
	waiting chan struct{}
}

func (c *stuckClock) After(time.Duration) <-chan time.Time {
	c.once.Do(func() { close(c.waiting) })
	return make(chan time.Time)
}

func TestRetry_cancellationInterruptsTheWait(t *testing.T) {
	clock := &stuckClock{waiting: make(chan struct{})}
	e := newEnv(t, func(c *okta.Configuration) { c.Clock = clock })
	e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Status: 503})
	c, cancel := context.WithCancel(ctx)
	go func() {
		<-clock.waiting
		cancel()
	}()
	_, _, err := e.api.GetSession(c, "102abc")
	assert.ErrorIs(t, err, context.Canceled)
	var apiErr *okta.APIError
	require.ErrorAs(t, err, &apiErr, "the answer that was being retried")
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	assert.Len(t, e.srv.Requests(), 1)
}

func TestTimeouts(t *testing.T) {
	t.Run("per attempt", func(t *testing.T) {
		// Attempts are counted as the client sends them: a 10 ms attempt may
		// end before the fake has seen it, on a busy machine.
		attempts := new(attemptCounter)
		e := newEnv(t, func(c *okta.Configuration) {
			c.AttemptTimeout, c.MaxRetries, c.Observer = 10*time.Millisecond, 1, attempts
		})
		e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Latency: time.Minute})
		_, _, err := e.api.GetSession(ctx, "102abc")
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, int32(2), attempts.n.Load())
	})
	t.Run("whole call", func(t *testing.T) {
		// Counted as the client sends them, as above: the one 15 ms attempt
		// may end before the fake has seen it.
		attempts := new(attemptCounter)
		e := newEnv(t, func(c *okta.Configuration) {
			c.Timeout, c.MaxRetries, c.Observer = 15*time.Millisecond, 5, attempts
		})
		e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Latency: time.Minute})
		start := time.Now()
		_, _, err := e.api.GetSession(ctx, "102abc")
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), time.Second)
		assert.Equal(t, int32(1), attempts.n.Load(), "no retry once the deadline has passed")
	})
	t.Run("slow-loris body", func(t *testing.T) {
		e := newEnv(t, func(c *okta.Configuration) { c.AttemptTimeout, c.MaxRetries = 20*time.Millisecond, okta.NoRetries })
		s := e.create(t)
		e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Body: oktatest.BodyTrickle, TrickleEvery: 5 * time.Millisecond})
		_, _, err := e.api.GetSession(ctx, s.Id)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
	// A body cut off by AttemptTimeout is a transport failure: Get, Refresh
	// and End retry it, CreateSession does not.
	t.Run("slow-loris body retried", func(t *testing.T) {
		e := newEnv(t, func(c *okta.Configuration) { c.AttemptTimeout = 20 * time.Millisecond })
		s := e.create(t)
		e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteRefreshSession, Count: 1, Body: oktatest.BodyTrickle, TrickleEvery: 5 * time.Millisecond})
		got, _, err := e.api.RefreshSession(ctx, s.Id)
		require.NoError(t, err)
		assert.Equal(t, s.Id, got.Id)
		assert.Equal(t, 2, e.attempts(oktatest.RouteRefreshSession))
	})
	t.Run("slow-loris body of CreateSession not retried", func(t *testing.T) {
		e := newEnv(t, func(c *okta.Configuration) { c.AttemptTimeout = 20 * time.Millisecond })
		e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteCreateSession, Count: 1, Processed: true, Body: oktatest.BodyTrickle, TrickleEvery: 5 * time.Millisecond})
		_, _, err := e.api.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: e.srv.IssueSessionToken(oktatest.User{})})
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		var urlErr *url.Error
		assert.ErrorAs(t, err, &urlErr)
		assert.Equal(t, 1, e.attempts(oktatest.RouteCreateSession))
	})
	t.Run("1 GiB body", func(t *testing.T) {
		e := newEnv(t, func(c *okta.Configuration) { c.MaxRetries = okta.NoRetries })
		s := e.create(t)
		e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Body: oktatest.BodyOversized, BodySize: 1 << 30})
		start := time.Now()
		_, _, err := e.api.GetSession(ctx, s.Id)
		var tooLarge *http.MaxBytesError
		assert.ErrorAs(t, err, &tooLarge)
		assert.Less(t, time.Since(start), 5*time.Second)
	})
}

func TestThrottle_concurrency(t *testing.T) {
	e := newEnv(t, func(c *okta.Configuration) { c.MaxConcurrency, c.MaxRetries = 2, okta.NoRetries }, oktatest.WithConcurrencyLimit(2))
	e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Latency: 2 * time.Millisecond})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 3 {
				_, _, err := e.api.GetSession(ctx, "102abc")
				assert.ErrorIs(t, err, okta.ErrNotFound)
			}
		})
	}
	wg.Wait()
	for _, r := range e.srv.Requests() {
		assert.NotEqual(t, 429, r.Status)
	}
}

func TestThrottle_rateLimitFloor(t *testing.T) {
	// A wait for the reset can take up to a minute: the call's Timeout must allow it.
	e := newEnv(t, func(c *okta.Configuration) {
		c.RateLimitFloor, c.MaxRetries, c.Timeout = 1, okta.NoRetries, 5*time.Minute
	}, oktatest.WithRateLimit(5))
	for range 10 {
		_, _, err := e.api.GetSession(ctx, "102abc")
		assert.ErrorIs(t, err, okta.ErrNotFound)
	}
	for _, r := range e.srv.Requests() {
		assert.NotEqual(t, 429, r.Status)
	}
	assert.GreaterOrEqual(t, e.clock.Waited(), time.Minute, "waited for two window resets")
	// two waits of 60-61 s (headers have whole seconds) plus up to 0.5 s of jitter each
	assert.Less(t, e.clock.Waited(), 2*time.Minute+2*time.Second)

	// A wait for the reset that would pass the deadline is not started: the
	// call fails at once with a *ThrottleError that reports the facts.
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for range 5 {
		_, _, err := e.api.GetSession(c, "102abc")
		var te *okta.ThrottleError
		if errors.As(err, &te) {
			assert.ErrorIs(t, err, okta.ErrRateLimited)
			assert.Equal(t, "GetSession", te.Op)
			assert.Equal(t, "RateLimitFloor", te.Setting)
			assert.Equal(t, 1, te.Floor)
			assert.LessOrEqual(t, te.Remaining, 1)
			assert.True(t, te.RetryAt.After(e.clock.Now()), "RetryAt %v is not ahead of the client's clock %v", te.RetryAt, e.clock.Now())
			return
		}
	}
	t.Error("the floor never held a call back")
}

// One answer with a low Remaining and an absurd reset holds calls back for
// at most a minute; then the client sends again and sees the new window.
func TestThrottle_absurdResetHoldsBackAMinuteAtMost(t *testing.T) {
	e := newEnv(t, func(c *okta.Configuration) {
		c.RateLimitFloor, c.MaxRetries, c.Timeout = 5, okta.NoRetries, 5*time.Minute
	})
	s := e.create(t)
	e.srv.InjectFault(oktatest.Fault{Route: oktatest.RouteGetSession, Count: 1,
		Header: http.Header{"X-Rate-Limit-Remaining": {"0"}, "X-Rate-Limit-Reset": {"99999999999"}}})
	_, _, err := e.api.GetSession(ctx, s.Id)
	require.NoError(t, err)
	waited := e.clock.Waited()
	for range 3 {
		_, _, err = e.api.GetSession(ctx, s.Id)
		require.NoError(t, err, "the client stopped sending")
	}
	assert.LessOrEqual(t, e.clock.Waited()-waited, time.Minute+time.Second, "one wait of at most a minute, plus jitter")
	assert.Equal(t, 4, e.attempts(oktatest.RouteGetSession))
}

// attemptCounter is an okta.Observer that counts attempts.
type attemptCounter struct{ n atomic.Int32 }

func (*attemptCounter) OnCall(okta.CallInfo)         {}
func (a *attemptCounter) OnAttempt(okta.AttemptInfo) { a.n.Add(1) }
func (*attemptCounter) OnWait(okta.WaitInfo)         {}
