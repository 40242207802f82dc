package redisstore_test

import (
	"fmt"
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

// TestContractOnCluster runs them on a Redis Cluster (of one node, which
// refuses a script whose keys are in different slots as any cluster does),
// through redis.ClusterClient. A cluster node takes two seconds to start
// serving, so the tests share one, each with a key prefix of its own.
func TestContractOnCluster(t *testing.T) {
	srv := redistest.StartCluster(t)
	n := 0
	storetest.Run(t, func(t *testing.T) (a, b guard.Store) {
		n++
		prefix := fmt.Sprintf("app%d", n)
		sa, _ := newStoreOn(t, srv.ClusterClient(), prefix, redisstore.WithTimeout(time.Second))
		sb, _ := newStoreOn(t, srv.ClusterClient(), prefix, redisstore.WithTimeout(time.Second))
		return sa, sb
	})
}
