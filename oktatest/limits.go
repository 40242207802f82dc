package oktatest

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rateWindow is the length of Okta's rate-limit windows.
const rateWindow = time.Minute

// limitedPrefix is the prefix of the paths the per-minute window counts:
// Okta's API, not the fake's own routes. Okta keeps a window per endpoint
// bucket; the fake serves the /api/v1/sessions bucket's endpoints and counts
// every /api/ path in that one window.
const limitedPrefix = "/api/"

// limits is the stage that admits a request against Okta's two limits: the
// requests in flight at once, then the per-minute window.
type limits struct {
	inFlight  chan struct{} // one slot per request allowed in flight
	perMinute int

	mu     sync.Mutex
	window time.Time // start of the current window
	used   int       // requests counted in the current window
}

// newLimits returns limits of concurrency requests in flight and perMinute
// requests a window.
func newLimits(concurrency, perMinute int) *limits {
	return &limits{inFlight: make(chan struct{}, concurrency), perMinute: perMinute}
}

// admitConcurrency answers 429 when the requests in flight are at the limit,
// with X-Rate-Limit-Limit and -Remaining both 0, as Okta marks its
// concurrency limit.
func (l *limits) admitConcurrency(next handler) handler {
	return func(w http.ResponseWriter, c *call) {
		select {
		case l.inFlight <- struct{}{}:
			defer func() { <-l.inFlight }()
			next(w, c)
		default:
			setRateHeaders(w.Header(), 0, 0, l.reset(c.now))
			errRateLimited.write(w)
		}
	}
}

// admitRate counts a request to Okta's API in the window and sets the
// rate-limit headers; it answers 429 when the window is spent.
func (l *limits) admitRate(next handler) handler {
	return func(w http.ResponseWriter, c *call) {
		if !strings.HasPrefix(c.req.URL.EscapedPath(), limitedPrefix) {
			next(w, c)
			return
		}
		if !l.count(w.Header(), c.now) {
			errRateLimited.write(w)
			return
		}
		next(w, c)
	}
}

// count counts a request in the window and sets the rate-limit headers; it
// reports false when the window is spent.
func (l *limits) count(h http.Header, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	reset := l.roll(now)
	if l.used >= l.perMinute {
		setRateHeaders(h, l.perMinute, 0, reset)
		return false
	}
	l.used++
	setRateHeaders(h, l.perMinute, l.perMinute-l.used, reset)
	return true
}

// setSpent sets the rate-limit headers of a spent window, for an injected
// 429.
func (l *limits) setSpent(h http.Header, now time.Time) {
	setRateHeaders(h, l.perMinute, 0, l.reset(now))
}

// reset returns when the current window ends.
func (l *limits) reset(now time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.roll(now)
}

// resetWindow forgets the current window: the next request starts one.
func (l *limits) resetWindow() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.window, l.used = time.Time{}, 0
}

// roll starts a new window at now if the current one has ended (or none has
// begun), and returns when the window resets. It is called with l.mu held.
func (l *limits) roll(now time.Time) time.Time {
	if l.window.IsZero() || !now.Before(l.window.Add(rateWindow)) {
		l.window, l.used = now, 0
	}
	return l.window.Add(rateWindow)
}

// setRateHeaders sets the X-Rate-Limit headers; Reset is rounded up to
// whole epoch seconds.
func setRateHeaders(h http.Header, limit, remaining int, reset time.Time) {
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	secs := reset.Unix()
	if reset.Nanosecond() > 0 {
		secs++
	}
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(secs, 10))
}
