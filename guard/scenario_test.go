package guard_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/oktatest"
)

// The scenario of issue 18, on the fake clock: 10,000 users with a session
// each, requests at a steady rate picking users at random, an org limit of
// 750 GetSession a minute. Every 10 s an admin ends one user's session at
// Okta (not through the guard; the admin's EndSession faces the limit too
// and is tried again each second until it passes, the session counting as
// ended from then) and the user signs in again; 2% of the
// requests replay a session ended in the last 30 minutes (a stolen or stale
// cookie). Reported per run: Okta calls, 429s, requests with a valid
// session refused (over the whole run, and after its first 15 minutes, when
// a cold guard has learned the sessions), and the longest time after its
// end that an ended session was let through.
const (
	scenarioUsers     = 10_000
	scenarioRate      = 300 // requests a second
	scenarioLimit     = 750 // GetSession a minute
	scenarioEndEvery  = 10 * time.Second
	scenarioReplayPct = 2
	scenarioReplayFor = 30 * time.Minute
)

// BenchmarkScenario runs the scenario once per configuration; run it with
// go test ./guard -run '^$' -bench Scenario -benchtime 1x. GetSession per
// request runs 5 minutes (its minutes are all alike: the limit is spent in
// the first 2.5 s of each), the guard a whole hour.
func BenchmarkScenario(b *testing.B) {
	for _, sc := range []struct {
		name    string
		perCall bool
		opts    guard.Options
		length  time.Duration
	}{
		{"GetSessionPerRequest", true, guard.Options{}, 5 * time.Minute},
		{"guard/MaxStale=30s", false, guard.Options{MaxStale: 30 * time.Second}, time.Hour},
		{"guard/MaxStale=5m", false, guard.Options{MaxStale: 5 * time.Minute}, time.Hour},
		{"guard/MaxStale=15m", false, guard.Options{MaxStale: 15 * time.Minute}, time.Hour},
		{"guard/MaxStale=30m", false, guard.Options{MaxStale: 30 * time.Minute}, time.Hour},
		{"guard/MaxStale=5m,StaleIfUnavailable=10m", false, guard.Options{MaxStale: 5 * time.Minute, StaleIfUnavailable: 10 * time.Minute}, time.Hour},
	} {
		b.Run(sc.name, func(b *testing.B) {
			for b.Loop() {
				r := runScenario(b, sc.perCall, sc.opts, sc.length)
				hours := sc.length.Hours()
				b.ReportMetric(float64(r.requests)/hours, "requests/h")
				b.ReportMetric(float64(r.calls)/hours, "okta-calls/h")
				b.ReportMetric(float64(r.limited)/hours, "429s/h")
				b.ReportMetric(float64(r.refused)/hours, "refused-valid/h")
				if r.late > 0 {
					b.ReportMetric(float64(r.refusedLate)/float64(r.late)*100, "%refused-after-15m")
				}
				b.ReportMetric(r.letThrough.Seconds(), "max-ended-let-through-s")
			}
		})
	}
}

// scenarioResult is what one run counted.
type scenarioResult struct {
	requests, calls, limited, refused int
	late, refusedLate                 int // requests with a valid session after the first 15 minutes, and those refused
	letThrough                        time.Duration
}

// counter counts the GetSession calls a transport sends, and their 429s.
type counter struct {
	next           http.RoundTripper
	calls, limited atomic.Int64
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if r.Method == http.MethodGet {
		c.calls.Add(1)
		if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
			c.limited.Add(1)
		}
	}
	return resp, err
}

// ended is a session an admin ended, and when.
type ended struct {
	id string
	at time.Time
}

// scenario is one run's org, users and counts.
type scenario struct {
	b       *testing.B
	clock   *oktatest.FakeClock
	srv     *oktatest.Server
	admin   *okta.APIClient
	check   func(id string) bool
	rng     *rand.Rand
	current []string // each user's session
	gone    []ended  // sessions the admin ended in the last scenarioReplayFor
	pending []int    // users whose session the admin is to end
	nextTry time.Time
	res     scenarioResult
}

// runScenario runs the scenario for length: GetSession per request when
// perCall, else a guard with opts (the cap on unknown ids lifted, since
// the guard starts cold with 10,000 sessions it has never seen).
func runScenario(b *testing.B, perCall bool, opts guard.Options, length time.Duration) scenarioResult {
	sc := &scenario{b: b, clock: oktatest.NewFakeClock(start), rng: rand.New(rand.NewPCG(1, 2))}
	var err error
	sc.srv, err = oktatest.NewInProcess(oktatest.WithClock(sc.clock), oktatest.WithRateLimit(scenarioLimit))
	if err != nil {
		b.Fatal(err)
	}
	defer sc.srv.Close()
	cfg := sc.srv.Config()
	cfg.MaxRetries = okta.NoRetries
	cnt := &counter{next: cfg.HTTPClient.Transport}
	cfg.HTTPClient.Transport = cnt
	client := okta.NewAPIClient(cfg)
	sc.admin = sc.srv.Client()
	sc.current = make([]string, scenarioUsers)
	for u := range sc.current {
		sc.current[u] = sc.seed(u)
	}
	if perCall {
		sc.check = func(id string) bool {
			_, _, err := client.SessionApi.GetSession(context.Background(), id)
			return err == nil
		}
	} else {
		opts.MaxUnknownPerMinute = -1
		g, err := guard.New(client, opts)
		if err != nil {
			b.Fatal(err)
		}
		defer g.Close()
		sc.check = func(id string) bool {
			_, err := g.Check(context.Background(), id)
			return err == nil
		}
	}
	step := time.Second / scenarioRate
	nextEnd := start.Add(scenarioEndEvery)
	for i := range int(length / step) {
		now := start.Add(time.Duration(i) * step)
		sc.clock.Set(now)
		if !now.Before(nextEnd) {
			nextEnd = nextEnd.Add(scenarioEndEvery)
			sc.pending = append(sc.pending, sc.rng.IntN(scenarioUsers))
		}
		sc.endSessions(now)
		sc.request(now)
	}
	sc.res.calls, sc.res.limited = int(cnt.calls.Load()), int(cnt.limited.Load())
	return sc.res
}

// seed seeds a new session of user u and returns its id.
func (sc *scenario) seed(u int) string {
	id, err := sc.srv.SeedSession(oktatest.SessionSeed{
		User: oktatest.User{ID: fmt.Sprintf("00u%016d", u)}, ExpiresAt: sc.clock.Now().Add(3 * time.Hour),
	})
	if err != nil {
		sc.b.Fatal(err)
	}
	return id
}

// endSessions has the admin end the next pending session at Okta (once a
// second while the limit refuses it); the user signs in again.
func (sc *scenario) endSessions(now time.Time) {
	if len(sc.pending) == 0 || now.Before(sc.nextTry) {
		return
	}
	u := sc.pending[0]
	if _, err := sc.admin.SessionApi.EndSession(context.Background(), sc.current[u]); err != nil {
		sc.nextTry = now.Add(time.Second)
		return
	}
	sc.pending = sc.pending[1:]
	sc.gone = append(sc.gone, ended{sc.current[u], now})
	sc.current[u] = sc.seed(u)
}

// request sends one request: a replayed ended session, or a user's own.
func (sc *scenario) request(now time.Time) {
	for len(sc.gone) > 0 && now.Sub(sc.gone[0].at) > scenarioReplayFor {
		sc.gone = sc.gone[1:]
	}
	sc.res.requests++
	if len(sc.gone) > 0 && sc.rng.IntN(100) < scenarioReplayPct {
		e := sc.gone[sc.rng.IntN(len(sc.gone))]
		if sc.check(e.id) {
			sc.res.letThrough = max(sc.res.letThrough, now.Sub(e.at))
		}
		return
	}
	ok := sc.check(sc.current[sc.rng.IntN(scenarioUsers)])
	late := now.Sub(start) >= 15*time.Minute
	if late {
		sc.res.late++
	}
	if !ok {
		sc.res.refused++
		if late {
			sc.res.refusedLate++
		}
	}
}
