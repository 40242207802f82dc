package oktatest

import (
	"sync"
	"time"
)

// Clock tells the server the time. Session tokens, session expiry, the Date
// header and rate-limit windows all follow it, so that tests of expiry never
// sleep.
type Clock interface {
	Now() time.Time
}

// FakeClock is a Clock that moves only when told to. It also implements
// okta.Clock: given to a client (Server.Config does so), the client's retry
// waits advance it instead of sleeping. It is safe for concurrent use.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	waited time.Duration
}

// NewFakeClock returns a FakeClock set to t.
func NewFakeClock(t time.Time) *FakeClock {
	return &FakeClock{now: t}
}

// Now returns the clock's time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// After advances the clock by d at once and returns a channel that already
// holds the new time: a client waiting on the clock never blocks, and a
// server sharing it sees the time pass. Waits of several goroutines add up.
func (c *FakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
		c.waited += d
	}
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// Waited returns the total of the waits passed to After.
func (c *FakeClock) Waited() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waited
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
