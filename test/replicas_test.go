package test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// simClock is a clock for many goroutines at once: a goroutine's wait ends
// when every worker is waiting on the clock (or done), and then the clock
// moves to the earliest wait's end. Unlike FakeClock, whose waits add up,
// waits that overlap in time take that time once, as real ones would; and
// time moves only while nobody works, so requests take no time at all.
type simClock struct {
	mu      sync.Mutex
	now     time.Time
	busy    int // workers neither waiting on the clock nor done
	waiters []simWaiter
}

// simWaiter is one wait on a simClock.
type simWaiter struct {
	at time.Time
	ch chan time.Time
}

func newSimClock(t time.Time, workers int) *simClock { return &simClock{now: t, busy: workers} }

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, simWaiter{at: c.now.Add(d), ch: ch})
	c.busy--
	c.wake()
	return ch
}

// done marks a worker finished.
func (c *simClock) done() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy--
	c.wake()
}

// wake ends the earliest wait once no worker is busy.
func (c *simClock) wake() {
	if c.busy > 0 || len(c.waiters) == 0 {
		return
	}
	first := 0
	for i, w := range c.waiters {
		if w.at.Before(c.waiters[first].at) {
			first = i
		}
	}
	w := c.waiters[first]
	c.waiters = append(c.waiters[:first], c.waiters[first+1:]...)
	if w.at.After(c.now) {
		c.now = w.at
	}
	c.busy++
	w.ch <- c.now
}

// Many replicas, one org: replicas clients (each its own APIClient, as the
// replicas of a service would have) with workers goroutines each share one
// org's per-minute limit and concurrency limit. Each worker makes calls
// GetSession calls, one every pace.
const (
	replicas      = 8
	workers       = 4
	calls         = 20
	pace          = time.Second
	orgPerMinute  = 300
	orgConcurrent = 16
)

// replicaSettings are the client settings the scenario compares, and what
// TestReplicas asserts of a run of each (the README's table).
var replicaSettings = []struct {
	name  string
	edit  func(*okta.Configuration)
	check func(testing.TB, replicaResult)
}{
	{"defaults", func(*okta.Configuration) {}, someFail},
	{"MaxConcurrency 2", func(c *okta.Configuration) { c.MaxConcurrency = 2 }, someFail},
	{"MaxRetryWait 90s, Timeout 3m", func(c *okta.Configuration) { c.MaxRetryWait, c.Timeout = 90*time.Second, 3*time.Minute },
		func(tb testing.TB, r replicaResult) {
			assert.Zero(tb, r.failed, "every call waits out the window")
			assert.Positive(tb, r.tooMany, "the replicas retry together at each reset")
		}},
	// The floor is below the 32 calls that can be in flight (8 replicas × 4
	// workers): the calls on their way when it is reached may overrun the
	// window, and a run sometimes gets a few 429s, so only the failures are
	// checked.
	{"RateLimitFloor 16, Timeout 2m", func(c *okta.Configuration) { c.RateLimitFloor, c.Timeout = 16, 2*time.Minute },
		func(tb testing.TB, r replicaResult) { assert.Zero(tb, r.failed) }},
	// The recommended setting: the floor covers the 16 calls in flight.
	{"RateLimitFloor 16, MaxConcurrency 2, Timeout 2m", func(c *okta.Configuration) {
		c.RateLimitFloor, c.MaxConcurrency, c.Timeout = 16, 2, 2*time.Minute
	}, func(tb testing.TB, r replicaResult) {
		assert.Zero(tb, r.failed)
		assert.Zero(tb, r.tooMany, "the floor keeps every call out of a 429")
	}},
}

// someFail checks a run in which, once the window is spent, calls fail on
// 429s whose reset is further than MaxRetryWait.
func someFail(tb testing.TB, r replicaResult) {
	tb.Helper()
	assert.Positive(tb, r.failed, "calls fail once the window is spent")
	assert.Positive(tb, r.tooMany)
}

// replicaResult is what one run of the scenario counts.
type replicaResult struct {
	completed, failed, tooMany int
	took                       time.Duration
}

// runReplicas runs the scenario once with the clients' configuration
// changed by edit.
func runReplicas(tb testing.TB, edit func(*okta.Configuration)) replicaResult {
	tb.Helper()
	clock := newSimClock(t0, replicas*workers)
	srv := oktatest.NewServer(tb, oktatest.WithClock(clock), oktatest.WithRateLimit(orgPerMinute), oktatest.WithConcurrencyLimit(orgConcurrent))
	// In a test, the clients' requests are checked against the spec and the
	// clients watched for leaks, as newEnv's are. Not in the benchmark: its
	// figures are in simulated time, which the checks do not change, and
	// each watch keeps its client's whole log until the benchmark ends.
	newClient := okta.NewAPIClient
	if _, bench := tb.(*testing.B); !bench {
		e := &env{srv: srv, conf: newConformance(tb, nil)}
		newClient = e.clientFor
		defer func() { assert.Positive(tb, e.conf.checked.Load(), "conformance: no request was checked") }()
	}
	id := srv.IssueSessionToken(oktatest.User{})
	s, _, err := newClient(srv.Config()).SessionApi.CreateSession(ctx, okta.CreateSessionRequest{SessionToken: id})
	require.NoError(tb, err)

	var completed, failed atomic.Int32
	var wg sync.WaitGroup
	for range replicas {
		cfg := srv.Config()
		edit(cfg)
		api := newClient(cfg).SessionApi
		for range workers {
			wg.Go(func() {
				defer clock.done()
				for range calls {
					if _, _, err := api.GetSession(ctx, s.Id); err != nil {
						failed.Add(1)
					} else {
						completed.Add(1)
					}
					<-clock.After(pace)
				}
			})
		}
	}
	wg.Wait()
	r := replicaResult{completed: int(completed.Load()), failed: int(failed.Load()), took: clock.Now().Sub(t0)}
	for _, req := range srv.Requests() {
		if req.Status == 429 {
			r.tooMany++
		}
	}
	return r
}

func TestReplicas(t *testing.T) {
	for _, st := range replicaSettings {
		t.Run(st.name, func(t *testing.T) {
			r := runReplicas(t, st.edit)
			t.Logf("%d completed, %d failed, %d 429s, %v", r.completed, r.failed, r.tooMany, r.took)
			assert.Equal(t, replicas*workers*calls, r.completed+r.failed)
			st.check(t, r)
		})
	}
}

// BenchmarkReplicas reports, per setting, the calls completed and failed,
// the 429s the org answered and the time to finish (on the simulated clock)
// of 8 replicas sharing one org:
//
//	go test ./test -run '^$' -bench Replicas -benchtime 5x
func BenchmarkReplicas(b *testing.B) {
	for _, st := range replicaSettings {
		b.Run(st.name, func(b *testing.B) {
			var sum replicaResult
			for b.Loop() {
				r := runReplicas(b, st.edit)
				sum.completed += r.completed
				sum.failed += r.failed
				sum.tooMany += r.tooMany
				sum.took += r.took
			}
			n := float64(b.N)
			b.ReportMetric(float64(sum.completed)/n, "completed/op")
			b.ReportMetric(float64(sum.failed)/n, "failed/op")
			b.ReportMetric(float64(sum.tooMany)/n, "429s/op")
			b.ReportMetric(sum.took.Seconds()/n, "sim-s/op")
		})
	}
}
