package okta

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A floor wait, jitter included, never passes the call's deadline: the
// throttle either waits less than the time left or refuses at once with a
// *ThrottleError.
func TestThrottle_floorWaitNeverPassesTheDeadline(t *testing.T) {
	clock := &testClock{now: time.Now()}
	th := newThrottle(&Configuration{RateLimitFloor: 5, Clock: clock}, func(context.Context, string, WaitReason, time.Duration) {})
	for range 200 {
		now := clock.Now()
		resp := &http.Response{Header: http.Header{}}
		resp.Header.Set("X-Rate-Limit-Limit", "600")
		resp.Header.Set("X-Rate-Limit-Remaining", "0")
		resp.Header.Set("X-Rate-Limit-Reset", strconv.FormatInt(now.Add(time.Second).Unix(), 10))
		resp.Header.Set("Date", now.Format(http.TimeFormat))
		th.observe(resp)
		wait, _, _ := th.floorWait()
		left := wait + 250*time.Millisecond // less than wait plus the most jitter
		waitsBefore := len(clock.waits)
		err := th.acquire(context.Background(), "GetSession", time.Now().Add(left))
		if err != nil {
			var te *ThrottleError
			require.True(t, errors.As(err, &te), "%v", err)
			continue
		}
		th.release()
		require.Len(t, clock.waits, waitsBefore+1)
		assert.Less(t, clock.waits[waitsBefore], left, "a floor wait passed the deadline")
	}
}
