package storetest_test

import (
	"testing"

	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/guard/storetest"
)

// A Store's tests hold it to the contract with Run, giving it two handles
// on one new, empty store, as two replicas would hold it. (Not run: it
// takes the test's *testing.T.)
func ExampleRun() {
	testContract := func(t *testing.T) { // a test of yours: func TestContract(t *testing.T)
		storetest.Run(t, func(t *testing.T) (a, b guard.Store) {
			s := guard.NewMemoryStore(0) // one process: the same value twice
			return s, s
		})
	}
	_ = testContract
}
