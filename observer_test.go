package okta

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/pipeline"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingObserver counts events, as a metrics observer would.
type countingObserver struct{ calls, attempts, waits atomic.Int64 }

func (o *countingObserver) OnCall(CallInfo)       { o.calls.Add(1) }
func (o *countingObserver) OnAttempt(AttemptInfo) { o.attempts.Add(1) }
func (o *countingObserver) OnWait(WaitInfo)       { o.waits.Add(1) }

// recordingObserver keeps every event.
type recordingObserver struct {
	mu       sync.Mutex
	calls    []CallInfo
	attempts []AttemptInfo
	waits    []WaitInfo
}

func (o *recordingObserver) OnCall(c CallInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, c)
}

func (o *recordingObserver) OnAttempt(a AttemptInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.attempts = append(o.attempts, a)
}

func (o *recordingObserver) OnWait(w WaitInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.waits = append(o.waits, w)
}

// zeroDurations returns the events with their durations, which vary, zeroed.
func (o *recordingObserver) zeroDurations() ([]CallInfo, []AttemptInfo, []WaitInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range o.calls {
		o.calls[i].Duration = 0
	}
	for i := range o.attempts {
		o.attempts[i].Duration = 0
	}
	for i := range o.waits {
		o.waits[i].Duration = 0
	}
	return o.calls, o.attempts, o.waits
}

func TestObserver_retriedCall(t *testing.T) {
	_, cfg := flaky(t, 2)
	obs := &recordingObserver{}
	cfg.Observer = obs
	_, _, err := NewAPIClient(cfg).SessionApi.GetSession(context.Background(), testSessionID)
	require.NoError(t, err)
	for _, w := range obs.waits {
		assert.Positive(t, w.Duration)
	}
	calls, attempts, waits := obs.zeroDurations()
	assert.Equal(t, []CallInfo{{Op: "GetSession", Outcome: OutcomeOK, StatusCode: 200, Attempts: 3}}, calls)
	assert.Equal(t, []AttemptInfo{
		{Op: "GetSession", Method: "GET", Attempt: 1, Outcome: OutcomeAPIError, StatusCode: 503, RateLimitRemaining: 749},
		{Op: "GetSession", Method: "GET", Attempt: 2, Outcome: OutcomeAPIError, StatusCode: 503, RateLimitRemaining: 749},
		{Op: "GetSession", Method: "GET", Attempt: 3, Outcome: OutcomeOK, StatusCode: 200, RateLimitRemaining: 749},
	}, attempts)
	assert.Equal(t, []WaitInfo{
		{Op: "GetSession", Reason: WaitServerError, Retry: true, Attempt: 2, StatusCode: 503},
		{Op: "GetSession", Reason: WaitServerError, Retry: true, Attempt: 3, StatusCode: 503},
	}, waits)
}

func TestObserver_callOutcomes(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name     string
		call     func(*APIClient) error
		want     CallInfo
		attempts int
	}{
		{"refused before any I/O", func(c *APIClient) error {
			_, _, err := c.SessionApi.GetSession(ctx, "")
			return err
		}, CallInfo{Op: "GetSession", Outcome: OutcomeInvalid}, 0},
		{"not found", func(c *APIClient) error {
			_, err := c.SessionApi.EndSession(ctx, "102notfound1")
			return err
		}, CallInfo{Op: "EndSession", Outcome: OutcomeAPIError, StatusCode: 404, Attempts: 1}, 1},
		{"bad answer", func(c *APIClient) error {
			_, _, err := c.SessionApi.RefreshSession(ctx, "102notjson01")
			return err
		}, CallInfo{Op: "RefreshSession", Outcome: OutcomeBadResponse, StatusCode: 200, Attempts: 1}, 1},
		{"no connection", func(c *APIClient) error {
			_, err := c.SessionApi.EndSession(ctx, "102dropped01")
			return err
		}, CallInfo{Op: "EndSession", Outcome: OutcomeTransport, Attempts: 1}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/api/v1/sessions/102notjson01/lifecycle/refresh":
					writeJSON(w, http.StatusOK, "not json")
				case "/api/v1/sessions/102dropped01":
					panic(http.ErrAbortHandler)
				default:
					writeJSON(w, http.StatusNotFound, `{"errorCode":"E0000007"}`)
				}
			}))
			t.Cleanup(srv.Close)
			obs := &recordingObserver{}
			c := NewAPIClient(&Configuration{BasePath: srv.URL, APIToken: testToken, MaxRetries: NoRetries, Observer: obs})
			require.Error(t, tt.call(c))
			calls, attempts, _ := obs.zeroDurations()
			assert.Equal(t, []CallInfo{tt.want}, calls)
			require.Len(t, attempts, tt.attempts)
			for _, a := range attempts {
				assert.Equal(t, -1, a.RateLimitRemaining, "no rate-limit headers")
			}
		})
	}
}

func TestObserver_throttleWaits(t *testing.T) {
	release, blocked := make(chan struct{}), make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/sessions/102blocked01" {
			blocked <- struct{}{}
			<-release
		}
		setRateLimit(w.Header(), 1)
		w.Header().Set("X-Rate-Limit-Reset", "1609459210")
		w.Header().Set("Date", "Fri, 01 Jan 2021 00:00:00 GMT") // the reset is 10 s away by the server's clock
		writeJSON(w, http.StatusOK, sessionJSON)
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()

	t.Run("RateLimitFloor", func(t *testing.T) {
		obs := &recordingObserver{}
		var logs bytes.Buffer
		c := NewAPIClient(&Configuration{BasePath: srv.URL, APIToken: testToken, RateLimitFloor: 1,
			Clock: &testClock{now: time.Now()}, Observer: obs, Logger: logTo(&logs, slog.LevelWarn)})
		for range 2 {
			_, _, err := c.SessionApi.GetSession(ctx, testSessionID)
			require.NoError(t, err)
		}
		require.Len(t, obs.waits, 1, "the second call found 1 left, at the floor")
		w := obs.waits[0]
		assert.Equal(t, WaitInfo{Op: "GetSession", Reason: WaitRateLimitFloor, Duration: w.Duration}, w)
		assert.GreaterOrEqual(t, w.Duration, 10*time.Second, "until the reset, plus jitter")
		recs := records(t, &logs)
		require.Len(t, recs, 1)
		assert.Equal(t, pipeline.MsgWait, recs[0]["msg"])
		assert.Equal(t, "rate_limit_floor", recs[0]["reason"])
		assert.EqualValues(t, w.Duration, recs[0]["wait"])
	})

	t.Run("MaxConcurrency", func(t *testing.T) {
		obs := &recordingObserver{}
		c := NewAPIClient(&Configuration{BasePath: srv.URL, APIToken: testToken, MaxConcurrency: 1, Observer: obs})
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _, _ = c.SessionApi.GetSession(ctx, "102blocked01")
		}()
		<-blocked                                                     // its call holds the one slot
		short, cancel := context.WithTimeout(ctx, 5*time.Millisecond) // the slot is held: any deadline passes
		defer cancel()
		_, _, err := c.SessionApi.GetSession(short, testSessionID)
		var te *ThrottleError
		require.ErrorAs(t, err, &te)
		close(release)
		<-done
		_, _, waits := obs.zeroDurations()
		assert.Equal(t, []WaitInfo{{Op: "GetSession", Reason: WaitMaxConcurrency}}, waits)
		calls, _, _ := obs.zeroDurations()
		assert.Contains(t, calls, CallInfo{Op: "GetSession", Outcome: OutcomeThrottled})
	})
}

// A wait before retrying after the token endpoint failed is reported with
// the reason and status of that failure, as planRetry classed it: a busy
// token endpoint is a rate limit or a server error, not a network failure.
func TestObserver_tokenEndpointWaits(t *testing.T) {
	for _, tt := range []struct {
		status int
		want   WaitReason
	}{
		{http.StatusTooManyRequests, WaitRateLimit},
		{http.StatusServiceUnavailable, WaitServerError},
	} {
		org := newOAuthOrg(t, refuseFirstToken(tt.status, "temporarily_unavailable", ""), okSession)
		obs := &recordingObserver{}
		_, _, err := org.client(t, func(c *Configuration) { c.Observer = obs }).SessionApi.GetSession(context.Background(), testSessionID)
		require.NoError(t, err)
		_, _, waits := obs.zeroDurations()
		require.Len(t, waits, 1, tt.status)
		assert.Equal(t, WaitInfo{Op: "GetSession", Reason: tt.want, Retry: true, Attempt: 1, StatusCode: tt.status}, waits[0])
	}
}
