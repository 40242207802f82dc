package throttle_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/internal/throttle"
	"github.com/oktasessions/okta-session-go/oktatest"
	"github.com/stretchr/testify/assert"
)

// noReport ignores the throttle's reports of its waits.
func noReport(context.Context, string, bool, time.Duration) {}

// A floor wait, jitter included, never passes the call's deadline: the
// throttle either waits less than the time left or refuses at once with a
// Refusal.
func TestThrottle_floorWaitNeverPassesTheDeadline(t *testing.T) {
	clock := oktatest.NewFakeClock(time.Now())
	th := throttle.New(0, 5, clock, noReport)
	var waited, refused int
	for range 200 {
		now := clock.Now()
		resp := &http.Response{Header: http.Header{}}
		resp.Header.Set("X-Rate-Limit-Limit", "600")
		resp.Header.Set("X-Rate-Limit-Remaining", "0")
		resp.Header.Set("X-Rate-Limit-Reset", strconv.FormatInt(now.Add(time.Second).Unix(), 10))
		resp.Header.Set("Date", now.Format(http.TimeFormat))
		th.Observe(resp)                // the window resets a second away, by the answer's Date
		left := 1250 * time.Millisecond // less than the wait plus the most jitter
		before := clock.Waited()
		if ref := th.Acquire(context.Background(), "GetSession", time.Now().Add(left)); ref != nil {
			assert.Equal(t, "RateLimitFloor", ref.Setting)
			refused++
			continue
		}
		th.Release()
		waited++
		assert.Less(t, clock.Waited()-before, left, "a floor wait passed the deadline")
	}
	// The jitter puts the deadline on both sides of the wait: both ends
	// were tried.
	assert.Positive(t, waited)
	assert.Positive(t, refused)
}

// A report of a MaxConcurrency wait that panics (a caller's Observer or
// Logger) gives back the slot the wait got: the caller never received it,
// and would never release it.
func TestThrottle_panickingReportGivesTheSlotBack(t *testing.T) {
	th := throttle.New(1, 0, oktatest.NewFakeClock(time.Now()),
		func(context.Context, string, bool, time.Duration) { panic("observer bug") })
	ctx := context.Background()
	// Until the acquire below has waited (it may get the slot before it
	// blocks, and then reports nothing), try again.
	for range 100 {
		if th.Acquire(ctx, "GetSession", time.Now().Add(time.Minute)) != nil { // the slot of a call in flight
			t.Fatal("the free slot was refused")
		}
		panicked := make(chan any, 1)
		go func() {
			defer func() { panicked <- recover() }()
			if th.Acquire(ctx, "GetSession", time.Now().Add(time.Minute)) == nil {
				th.Release()
			}
		}()
		time.Sleep(time.Millisecond) // let it block on the full semaphore
		th.Release()                 // the call in flight ends
		if <-panicked == nil {
			continue
		}
		short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
		ref := th.Acquire(short, "GetSession", time.Now().Add(time.Second))
		cancel()
		assert.Nil(t, ref, "the slot the panicking wait got was never given back")
		return
	}
	t.Fatal("the acquire never waited")
}
