package okta

import (
	"net/http"
	"time"

	"github.com/oktasessions/okta-session-go/internal/httpx"
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
func (r RateLimit) IsConcurrencyLimit() bool { return httpx.RateLimit(r).IsConcurrencyLimit() }

// ParseRateLimit reads the rate-limit headers of resp. It returns false when
// any of the three is missing or invalid. When a header is repeated, the
// smallest valid value is taken: the earliest reset and the most cautious
// limit and remaining count.
func ParseRateLimit(resp *http.Response) (RateLimit, bool) {
	rl, ok := httpx.ParseRateLimit(resp)
	return RateLimit(rl), ok
}
