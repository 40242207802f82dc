package okta

import (
	"fmt"
	"time"
)

// ThrottleError reports a call that this client's own throttle held back:
// nothing was sent. Either the rate-limit floor (Configuration.RateLimitFloor)
// would have made the call wait for the window's reset past its deadline, or
// no concurrency slot (Configuration.MaxConcurrency) came free before the
// deadline, or the context ended during such a wait.
//
// It matches ErrRateLimited with errors.Is, and also Err, when set.
type ThrottleError struct {
	// Op is the operation, such as "GetSession".
	Op string
	// Setting is the Configuration field that held the call back:
	// "RateLimitFloor" or "MaxConcurrency".
	Setting string
	// Remaining is X-Rate-Limit-Remaining of the latest answer, at or below
	// Floor; RateLimitFloor only.
	Remaining int
	// Floor is Configuration.RateLimitFloor; RateLimitFloor only.
	Floor int
	// RetryAt is when the window resets, by Configuration.Clock (the real
	// clock unless one is set); zero for MaxConcurrency, where it is unknown.
	RetryAt time.Time
	// Err is the context's error when it ended the wait, else nil.
	Err error
}

// Error reports the facts: for the floor, the requests left, the floor and
// the reset; for the concurrency cap, that no slot came free.
func (e *ThrottleError) Error() string {
	var s string
	if e.Setting == "RateLimitFloor" {
		s = fmt.Sprintf("okta: %s: not sent: %d requests left in the rate-limit window, at or below RateLimitFloor %d, until %s",
			e.Op, e.Remaining, e.Floor, e.RetryAt.UTC().Format(time.RFC3339))
	} else {
		s = fmt.Sprintf("okta: %s: not sent: no MaxConcurrency slot came free", e.Op)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is makes errors.Is(err, ErrRateLimited) match.
func (e *ThrottleError) Is(target error) bool { return target == ErrRateLimited }

// Unwrap returns Err.
func (e *ThrottleError) Unwrap() error { return e.Err }
