package guard_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/oktasessions/okta-session-go/guard"
	"github.com/oktasessions/okta-session-go/guard/storetest"
)

func TestMemoryStoreContract(t *testing.T) {
	storetest.Run(t, func(*testing.T) (guard.Store, guard.Store) {
		s := guard.NewMemoryStore(0)
		return s, s
	})
}

func TestMemoryStoreIsBounded(t *testing.T) {
	s := guard.NewMemoryStore(10)
	ctx := context.Background()
	for i := range 100 {
		e := guard.Entry{Verdict: guard.VerdictNotFound, AskedAt: start, Until: start.Add(time.Duration(i) * time.Second)}
		if err := s.Save(ctx, guard.KeyOf(fmt.Sprint("102id", i)), e); err != nil {
			t.Fatal(err)
		}
		if err := s.Revoke(ctx, guard.Revocation{Kind: guard.RevokeUserID, Subject: fmt.Sprint("00u", i), At: start, Until: start.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Len(); n != 10 {
		t.Fatalf("Len = %d, want 10", n)
	}
	if _, ok, _ := s.Load(ctx, guard.KeyOf("102id99")); !ok {
		t.Fatal("the latest entry was evicted")
	}
	var revs int
	stop, _ := s.Watch(func(guard.Revocation) { revs++ })
	stop()
	if revs != 10 {
		t.Fatalf("revocations kept = %d, want 10", revs)
	}
}

func TestGuardSharesAMemoryStore(t *testing.T) {
	o := newOrg(t)
	shared := guard.NewMemoryStore(0)
	a := o.guard(t, guard.Options{Store: shared})
	b := o.guard(t, guard.Options{Store: shared})
	id := o.session(t, alice)
	mustCheck(t, a, id)
	mustCheck(t, b, id)
	if n := o.calls("GetSession"); n != 1 {
		t.Fatalf("GetSession calls by two guards sharing a store = %d, want 1", n)
	}
	if err := a.RevokeUser(context.Background(), alice.ID); err != nil {
		t.Fatal(err)
	}
	mustRefuse(t, b, id, guard.ReasonRevoked)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	mustRefuse(t, b, id, guard.ReasonRevoked) // a's Close left the shared store open
}

// The guard keeps at most MaxEntries sessions in its memory store and as
// many in its hot cache (the README's bound), whatever MaxEntries is, even
// below the few entries an eviction looks at.
func TestGuardMemoryIsBounded(t *testing.T) {
	for _, max := range []int{1, 3, 10} {
		t.Run(fmt.Sprint("MaxEntries=", max), func(t *testing.T) {
			o := newOrg(t)
			g := o.guard(t, guard.Options{MaxEntries: max})
			ids := make([]string, 50)
			for i := range ids {
				ids[i] = o.session(t, alice)
				mustCheck(t, g, ids[i])
			}
			before := o.calls("GetSession")
			for _, id := range ids {
				mustCheck(t, g, id)
			}
			// Within MaxStale, only the sessions kept are answered from memory.
			if kept := len(ids) - (o.calls("GetSession") - before); kept > 2*max {
				t.Fatalf("%d of 50 sessions answered from memory, want at most %d: the guard kept more than MaxEntries in its store and its hot cache", kept, 2*max)
			}
		})
	}
}

func TestMemoryStoreRevokeWhenFullIsCheap(t *testing.T) {
	// A flood of revocations (an app's logout handler calling EndSession
	// with made-up cookies) fills the list; each one more must then cost a
	// few allocations, not a visit of every revocation kept.
	const n = 10_000
	s := guard.NewMemoryStore(n)
	ctx := context.Background()
	revoke := func(i int) {
		r := guard.Revocation{Kind: guard.RevokeSession, Key: guard.KeyOf(fmt.Sprint("102flood", i)), At: start, Until: start.Add(time.Hour)}
		if err := s.Revoke(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		revoke(i)
	}
	i := n
	if allocs := testing.AllocsPerRun(100, func() { revoke(i); i++ }); allocs > 20 {
		t.Fatalf("%.0f allocations per revocation past the bound, want at most 20", allocs)
	}
}

func TestMemoryStoreEvictsTheRevocationThatEndsSoonest(t *testing.T) {
	s := guard.NewMemoryStore(5)
	ctx := context.Background()
	revoke := func(subject string, at time.Time, until time.Duration) {
		t.Helper()
		if err := s.Revoke(ctx, guard.Revocation{Kind: guard.RevokeUserID, Subject: subject, At: at, Until: start.Add(until)}); err != nil {
			t.Fatal(err)
		}
	}
	for i, until := range []time.Duration{3, 1, 5, 2, 4} {
		revoke(fmt.Sprint("00u", i), start, until*time.Hour)
	}
	revoke("00u1", start.Add(time.Minute), 6*time.Hour)     // 00u1 now ends last
	revoke("00u5", start, 7*time.Hour)                      // evicts 00u3 (2 h)
	revoke("00u6", start.Add(150*time.Minute), 8*time.Hour) // evicts 00u0 (3 h)
	kept := map[string]bool{}
	stop, _ := s.Watch(func(r guard.Revocation) { kept[r.Subject] = true })
	stop()
	want := map[string]bool{"00u1": true, "00u2": true, "00u4": true, "00u5": true, "00u6": true}
	if fmt.Sprint(kept) != fmt.Sprint(want) {
		t.Fatalf("kept %v, want %v", kept, want)
	}
}
