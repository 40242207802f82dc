package redisstore_test

import (
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/guard/redisstore"
	"github.com/oktasessions/okta-session-go/guard/storetest"
	"github.com/oktasessions/okta-session-go/internal/redistest"
)

// TestContract runs the guard.Store contract's tests on two stores, with a
// client each, on one Redis, as two replicas hold it. Its 64 goroutines
// start at once on cold clients: a second bounds each call.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (a, b guard.Store) {
		srv := redistest.Start(t)
		sa, _ := newStore(t, srv, "app", redisstore.WithTimeout(time.Second))
		sb, _ := newStore(t, srv, "app", redisstore.WithTimeout(time.Second))
		return sa, sb
	})
}
