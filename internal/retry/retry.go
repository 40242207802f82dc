// Package retry holds the timing rules of the client's retries: backoff,
// Retry-After, the rate-limit reset, jitter, and what a retry tells the
// server (X-Okta-Retry-For), and the rules of which failure is retried
// (Policy.Plan). Package okta's planRetry reads the answer behind its error
// types and hands it here.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry timing, after Okta's advice on rate limits:
// https://developer.okta.com/docs/reference/rl-best-practices/.
const (
	// BackoffBase is the first backoff of a retry that has no reset time: a
	// 5xx, a dropped connection or Okta's concurrency limit. It doubles with
	// each retry.
	BackoffBase = 250 * time.Millisecond
	// ResetJitter is the most that is added at random to a wait for the
	// rate-limit reset, so that the goroutines that hit the limit together
	// do not all retry in the same instant.
	ResetJitter = 500 * time.Millisecond
	// MaxResetSkew bounds a reset time that is believable: Okta's windows
	// are one minute long. A reset further away by the server's Date is
	// taken as a sign of an odd Date, and the local clock is used instead.
	MaxResetSkew = 5 * time.Minute
)

// MaxServerDelay is where every duration read from a server's headers
// saturates, so that adding a second or some jitter to it, or adding it to
// the time now, never overflows: a wait that long is a wait past any
// deadline.
const MaxServerDelay = 100 * 365 * 24 * time.Hour

// ServerDelay clamps a duration computed from a server's headers to
// [0, MaxServerDelay].
func ServerDelay(d time.Duration) time.Duration {
	return min(max(d, 0), MaxServerDelay)
}

// UntilReset is how long until a rate-limit reset, at most MaxServerDelay
// and negative when it has passed: measured
// against the answer's Date header (the server's clock, immune to local
// clock skew) when that gives a believable time, else against the local
// clock now.
func UntilReset(reset time.Time, resp *http.Response, now time.Time) time.Duration {
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		if d := reset.Sub(date); d >= 0 && d <= MaxResetSkew {
			return d
		}
	}
	return min(reset.Sub(now), MaxServerDelay)
}

// maxBackoffDoublings is how many times BackoffBase doubles before
// MaxRetryWait caps it anyway; it keeps the shift from overflowing.
const maxBackoffDoublings = 20

// Backoff is the wait before retry number attempt+1 when there is no reset
// time: BackoffBase doubled per attempt, capped by maxWait, half of it
// random.
func Backoff(attempt int, maxWait time.Duration) time.Duration {
	d := maxWait
	if attempt < maxBackoffDoublings {
		d = min(BackoffBase<<attempt, d)
	}
	return d/2 + Jitter(d/2)
}

// Jitter returns a random duration in [0, d).
func Jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

// After reads a Retry-After header, in seconds or as an HTTP date
// (measured against the answer's Date, or now when it has none). The wait
// saturates at MaxServerDelay; a negative or unreadable value is ignored.
func After(resp *http.Response, now time.Time) (time.Duration, bool) {
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' { // delay-seconds: digits only
		secs, err := strconv.ParseUint(v, 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange) || err == nil && secs > uint64(MaxServerDelay/time.Second):
			return MaxServerDelay, true
		case err != nil:
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		now = date
	}
	return ServerDelay(at.Sub(now)), true
}

// NeverSent reports whether a transport error happened before a connection
// existed, so that the request provably never reached the server.
func NeverSent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// MaxRequestIDLen bounds an X-Okta-Request-Id the client keeps: in an
// error's RequestId, a log record, or X-Okta-Retry-For. Okta's are about 27
// characters.
const MaxRequestIDLen = 64

// ForID returns the X-Okta-Request-Id of resp to echo in the retry's
// X-Okta-Retry-For, or "" when resp has none or a hostile one: too long, or
// not made of letters, digits and "-_.@" only.
func ForID(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	id := resp.Header.Get("X-Okta-Request-Id")
	if len(id) > MaxRequestIDLen {
		return ""
	}
	for i := 0; i < len(id); i++ {
		if b := id[i]; !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("-_.@", b) >= 0) {
			return ""
		}
	}
	return id
}

// Sleep waits d on a client's clock (after is its After), or until ctx is
// done, or until deadline passes in real time: a wait never outlasts the
// call's deadline, even on a Clock whose After never fires (a caller's
// Clock that is stuck or broken). It returns nil when the wait ended, else
// ctx's error or context.DeadlineExceeded.
func Sleep(ctx context.Context, after func(time.Duration) <-chan time.Time, d time.Duration, deadline time.Time) error {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return context.DeadlineExceeded
	case <-after(d):
		return nil
	}
}
