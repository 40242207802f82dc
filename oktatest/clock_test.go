package oktatest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/oktatest"
)

func TestFakeClock(t *testing.T) {
	var clock okta.Clock = oktatest.NewFakeClock(t0)
	fc := clock.(*oktatest.FakeClock)
	assert.Equal(t, t0.Add(time.Second), <-clock.After(time.Second), "After moves the clock and does not block")
	assert.Equal(t, t0.Add(time.Second), <-clock.After(-time.Hour), "a negative wait is no wait")
	fc.Advance(time.Minute)
	assert.Equal(t, time.Second, fc.Waited(), "Advance is not a wait")
	fc.Set(t0)
	assert.Equal(t, t0, fc.Now())
}
