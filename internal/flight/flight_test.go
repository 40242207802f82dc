package flight

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// value is a cached value for the tests: stale at its time.
type value struct{ stale time.Time }

// A fetch that panics ends its flight: the goroutines waiting for it get
// ErrPanicked, the panic goes on up the fetching goroutine, and the next
// Get fetches again.
func TestCache_panicEndsTheFlight(t *testing.T) {
	now := time.Now()
	inFetch, release := make(chan struct{}), make(chan struct{})
	fetches := 0
	c := New(func() time.Time { return now }, func(v *value) time.Time { return v.stale },
		func(context.Context) Result[*value] {
			fetches++
			if fetches == 1 {
				close(inFetch)
				<-release
				panic("fetch bug")
			}
			return Result[*value]{Value: &value{stale: now.Add(time.Hour)}}
		})
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		c.Get(context.Background())
	}()
	<-inFetch
	c.mu.Lock()
	f := c.flight // the flight a waiter would wait for
	c.mu.Unlock()
	require.NotNil(t, f)
	close(release)
	assert.Equal(t, "fetch bug", <-panicked)
	select {
	case <-f.done:
		assert.ErrorIs(t, f.res.Err, ErrPanicked, "what the flight's waiters get")
	default:
		t.Fatal("the flight never landed: its waiters would wait forever")
	}
	r := c.Get(context.Background())
	require.NoError(t, r.Err, "the next Get fetches again")
	assert.Equal(t, 2, fetches)
}

// A waiter whose context ends stops waiting; one whose context lives on
// fetches again when the fetch it waited for failed only because its
// caller's context ended.
func TestCache_waitersAndContexts(t *testing.T) {
	now := time.Now()
	inFetch := make(chan struct{}, 1)
	fetches := 0
	c := New(func() time.Time { return now }, func(v *value) time.Time { return v.stale },
		func(ctx context.Context) Result[*value] {
			fetches++
			if fetches == 1 {
				inFetch <- struct{}{}
				<-ctx.Done()
				return Result[*value]{Sent: []string{"s"}, Err: ctx.Err()}
			}
			return Result[*value]{Value: &value{stale: now.Add(time.Hour)}}
		})
	leader, cancel := context.WithCancel(context.Background())
	led := make(chan Result[*value], 1)
	go func() { led <- c.Get(leader) }()
	<-inFetch
	short, cancelShort := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancelShort()
	assert.ErrorIs(t, c.Get(short).Err, context.DeadlineExceeded)
	waited := make(chan Result[*value], 1)
	go func() { waited <- c.Get(context.Background()) }()
	time.Sleep(5 * time.Millisecond) // let it wait for the flight
	cancel()
	r := <-led
	assert.True(t, errors.Is(r.Err, context.Canceled))
	assert.Equal(t, []string{"s"}, r.Sent, "a failed fetch's secrets still come back")
	w := <-waited
	require.NoError(t, w.Err)
	assert.NotNil(t, w.Value)
}
