package throttle

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A floor wait, jitter included, never passes the call's deadline: the
// throttle either waits less than the time left or refuses at once with a
// Refusal.
func TestThrottle_floorWaitNeverPassesTheDeadline(t *testing.T) {
	clock := &testClock{now: time.Now()}
	th := New(0, 5, clock, func(context.Context, string, bool, time.Duration) {})
	var waited, refused int
	for range 200 {
		now := clock.Now()
		resp := &http.Response{Header: http.Header{}}
		resp.Header.Set("X-Rate-Limit-Limit", "600")
		resp.Header.Set("X-Rate-Limit-Remaining", "0")
		resp.Header.Set("X-Rate-Limit-Reset", strconv.FormatInt(now.Add(time.Second).Unix(), 10))
		resp.Header.Set("Date", now.Format(http.TimeFormat))
		th.Observe(resp)
		wait, _, _ := th.floorWait()
		left := wait + 250*time.Millisecond // less than wait plus the most jitter
		waitsBefore := len(clock.waits)
		if ref := th.Acquire(context.Background(), "GetSession", time.Now().Add(left)); ref != nil {
			assert.Equal(t, "RateLimitFloor", ref.Setting)
			refused++
			continue
		}
		th.Release()
		waited++
		require.Len(t, clock.waits, waitsBefore+1)
		assert.Less(t, clock.waits[waitsBefore], left, "a floor wait passed the deadline")
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
	th := New(1, 0, &testClock{now: time.Now()}, func(context.Context, string, bool, time.Duration) { panic("observer bug") })
	// Until the acquire below has waited (it may get the slot before it
	// blocks, and then reports nothing), try again.
	for range 100 {
		th.sem <- struct{}{} // the slot of a call in flight
		panicked := make(chan any, 1)
		go func() {
			defer func() { panicked <- recover() }()
			if th.Acquire(context.Background(), "GetSession", time.Now().Add(time.Minute)) == nil {
				th.Release()
			}
		}()
		time.Sleep(time.Millisecond) // let it block on the full semaphore
		th.Release()                 // the call in flight ends
		if <-panicked == nil {
			continue
		}
		assert.Equal(t, 0, len(th.sem), "the slot the panicking wait got was never given back")
		return
	}
	t.Fatal("the acquire never waited")
}

// testClock is a Clock whose waits take no time: After moves it forward and
// records the wait.
type testClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}
