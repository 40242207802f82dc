package okta

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimit is the rate-limit state Okta reports on every answer in its
// X-Rate-Limit-Limit, X-Rate-Limit-Remaining and X-Rate-Limit-Reset headers.
type RateLimit struct {
	// Limit is the ceiling of the current window; 0 (with Remaining 0) on a
	// concurrency-limit answer.
	Limit int
	// Remaining is how many requests are left in the current window.
	Remaining int
	// Reset is when the window resets, by the server's clock (X-Rate-Limit-Reset
	// is in epoch seconds). On a concurrency-limit answer it is only an estimate.
	Reset time.Time
}

// IsConcurrencyLimit reports whether the state marks Okta's concurrency limit
// (Limit and Remaining both 0) rather than the per-minute limit.
func (r RateLimit) IsConcurrencyLimit() bool {
	return r.Limit == 0 && r.Remaining == 0 && !r.Reset.IsZero()
}

// ParseRateLimit reads the rate-limit headers of resp. It returns false when
// any of the three is missing or invalid. When a header is repeated, the
// smallest valid value is taken: the earliest reset and the most cautious
// limit and remaining count.
func ParseRateLimit(resp *http.Response) (RateLimit, bool) {
	if resp == nil {
		return RateLimit{}, false
	}
	limit, ok1 := minHeaderInt(resp.Header, "X-Rate-Limit-Limit")
	remaining, ok2 := minHeaderInt(resp.Header, "X-Rate-Limit-Remaining")
	reset, ok3 := minHeaderInt(resp.Header, "X-Rate-Limit-Reset")
	if !ok1 || !ok2 || !ok3 {
		return RateLimit{}, false
	}
	return RateLimit{Limit: int(limit), Remaining: int(remaining), Reset: time.Unix(reset, 0).UTC()}, true
}

// maxRateLimitValue is the largest rate-limit header value taken as valid;
// as X-Rate-Limit-Reset it is a time in the year 36812, far enough for any
// real reset and small enough for time.Unix.
const maxRateLimitValue = 1 << 40

// minHeaderInt returns the smallest integer in [0, maxRateLimitValue] among
// the values of header key, reading comma-separated lists too.
func minHeaderInt(h http.Header, key string) (int64, bool) {
	var best int64
	found := false
	for _, line := range h[key] {
		for v := range strings.SplitSeq(line, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n < 0 || n > maxRateLimitValue {
				continue
			}
			if !found || n < best {
				best, found = n, true
			}
		}
	}
	return best, found
}
