package okta

import (
	"time"
)

// Clocks, said once. The client reads two clocks, and which one each time
// follows is decided here:
//
//   - Real time (time.Now, time.Until, timers): every deadline, since a
//     context's deadline is real time and Go's transport enforces it: the
//     call's deadline (Timeout, the context's), each attempt's
//     (AttemptTimeout), whether a wait fits before the deadline, the
//     MaxConcurrency wait; and the durations reported to Logger and
//     Observer, which measure what happened.
//   - Configuration.Clock (realClock when nil), given once to the pipeline
//     (internal/pipeline), the token provider (internal/auth) and the throttle:
//     what the client schedules or dates: retry waits (pipeline.sleep), RetryAt,
//     the RateLimitFloor window and its wait, token lifetimes, and the
//     times inside client assertions and DPoP proofs.
//
// So a test on a fake clock (oktatest.FakeClock) runs the same code as
// production: its waits take no time, and its deadlines still hold.

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
