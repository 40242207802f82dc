package httpx

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimit is Okta's rate-limit state of an answer (okta.RateLimit, which
// converts to and from it).
type RateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time
}

// IsConcurrencyLimit reports whether the state marks Okta's concurrency
// limit (Limit and Remaining both 0) rather than the per-minute limit.
func (r RateLimit) IsConcurrencyLimit() bool {
	return r.Limit == 0 && r.Remaining == 0 && !r.Reset.IsZero()
}

// ParseRateLimit reads X-Rate-Limit-Limit, -Remaining and -Reset, as
// okta.ParseRateLimit documents.
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
