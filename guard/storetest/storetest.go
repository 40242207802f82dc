// Package storetest checks that a guard.Store keeps its contract. A Store's
// tests call Run:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) (a, b guard.Store) { ... })
//	}
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	okta "github.com/oktasessions/okta-session-go"
	"github.com/oktasessions/okta-session-go/guard"
)

// Open returns two handles on one new, empty store, as two replicas would
// hold it (the same value twice for a store of one process). Run closes
// them.
type Open func(t *testing.T) (a, b guard.Store)

// at is the time of the tests' entries and revocations.
var at = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// Run runs the contract's tests on the stores open returns.
func Run(t *testing.T, open Open) {
	for _, tc := range []struct {
		name string
		test func(*testing.T, guard.Store, guard.Store)
	}{
		{"LoadMissing", testLoadMissing},
		{"SaveLoad", testSaveLoad},
		{"NewerAnswerWins", testNewerAnswerWins},
		{"RevokedSessionIsNotSaved", testRevokedSession},
		{"RevokedUserAndLogin", testRevokedSubjects},
		{"WatchDeliversOldAndNew", testWatch},
		{"StopEndsCalls", testStop},
		{"Concurrent", testConcurrent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := open(t)
			t.Cleanup(func() {
				_ = a.Close()
				if b != a {
					_ = b.Close()
				}
			})
			tc.test(t, a, b)
		})
	}
}

// found returns an entry of a session of user, created at created and
// asked at asked.
func found(user, login string, created, asked time.Time) guard.Entry {
	return guard.Entry{
		Verdict: guard.VerdictFound,
		Session: okta.Session{
			Login: login, UserId: user, Status: okta.SessionStatusActive,
			CreatedAt: created, ExpiresAt: created.Add(2 * time.Hour),
			Amr: []okta.SessionAuthenticationMethod{"pwd"},
		},
		AskedAt: asked,
		Until:   asked.Add(30 * time.Second),
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

func testLoadMissing(t *testing.T, a, _ guard.Store) {
	if _, ok, err := a.Load(ctx(t), guard.KeyOf("102missing")); ok || err != nil {
		t.Fatalf("Load of a missing key: %v, %v", ok, err)
	}
}

func testSaveLoad(t *testing.T, a, b guard.Store) {
	k := guard.KeyOf("102saved")
	e := found("00u1", "a@example.com", at, at)
	if err := a.Save(ctx(t), k, e); err != nil {
		t.Fatal(err)
	}
	got, ok, err := b.Load(ctx(t), k)
	if !ok || err != nil {
		t.Fatalf("Load after Save: %v, %v", ok, err)
	}
	assertSame(t, got, e)
	nf := guard.Entry{Verdict: guard.VerdictNotFound, AskedAt: at.Add(time.Second), Until: at.Add(11 * time.Second)}
	if err := a.Save(ctx(t), k, nf); err != nil {
		t.Fatal(err)
	}
	got, _, _ = b.Load(ctx(t), k)
	assertSame(t, got, nf)
}

// assertSame fails the test unless got and want are the same entry.
func assertSame(t *testing.T, got, want guard.Entry) {
	t.Helper()
	gj, _ := json.Marshal(got.Session)
	wj, _ := json.Marshal(want.Session)
	if got.Verdict != want.Verdict || !got.AskedAt.Equal(want.AskedAt) || !got.Until.Equal(want.Until) || string(gj) != string(wj) {
		t.Fatalf("entry = %+v %s, want %+v %s", got, gj, want, wj)
	}
}

func testNewerAnswerWins(t *testing.T, a, b guard.Store) {
	k := guard.KeyOf("102newer")
	newer := found("00u1", "a@example.com", at, at.Add(time.Minute))
	older := found("00u1", "a@example.com", at, at)
	if err := a.Save(ctx(t), k, newer); err != nil {
		t.Fatal(err)
	}
	if err := b.Save(ctx(t), k, older); err != nil {
		t.Fatalf("Save of an older answer: %v, want nil", err)
	}
	got, _, _ := a.Load(ctx(t), k)
	assertSame(t, got, newer)
}

func testRevokedSession(t *testing.T, a, b guard.Store) {
	k := guard.KeyOf("102revoked")
	if err := a.Revoke(ctx(t), guard.Revocation{Kind: guard.RevokeSession, Key: k, At: at, Until: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	later := found("00u1", "a@example.com", at, at.Add(time.Minute))
	if err := b.Save(ctx(t), k, later); !errors.Is(err, guard.ErrRevoked) {
		t.Fatalf("Save of a revoked session: %v, want ErrRevoked", err)
	}
	if _, ok, _ := b.Load(ctx(t), k); ok {
		t.Fatal("a refused entry was recorded")
	}
	other := guard.KeyOf("102other")
	if err := b.Save(ctx(t), other, later); err != nil {
		t.Fatalf("Save of another session: %v", err)
	}
	nf := guard.Entry{Verdict: guard.VerdictNotFound, AskedAt: at, Until: at.Add(time.Second)}
	if err := b.Save(ctx(t), k, nf); err != nil {
		t.Fatalf("Save of a not-found answer: %v", err)
	}
}

func testRevokedSubjects(t *testing.T, a, b guard.Store) {
	for _, r := range []guard.Revocation{
		{Kind: guard.RevokeUserID, Subject: "00uRevoked", At: at, Until: at.Add(time.Hour)},
		{Kind: guard.RevokeLogin, Subject: guard.LoginSubject("Revoked@Example.com"), At: at, Until: at.Add(time.Hour)},
	} {
		if err := a.Revoke(ctx(t), r); err != nil {
			t.Fatal(err)
		}
	}
	for i, tc := range []struct {
		e       guard.Entry
		revoked bool
	}{
		{found("00uRevoked", "x@example.com", at.Add(-time.Hour), at.Add(-time.Second)), true},
		{found("00uRevoked", "x@example.com", at.Add(-time.Hour), at.Add(time.Minute)), true},
		{found("00uRevoked", "x@example.com", at.Add(time.Minute), at.Add(2*time.Minute)), false},
		{found("00uOther", "REVOKED@example.COM", at.Add(-time.Hour), at.Add(time.Minute)), true},
		{found("00uOther", "revoked@example.com", at.Add(time.Minute), at.Add(2*time.Minute)), false},
		{found("00uOther", "other@example.com", at.Add(-time.Hour), at), false},
	} {
		err := b.Save(ctx(t), guard.KeyOf("102subject"+string(rune('a'+i))), tc.e)
		if tc.revoked != errors.Is(err, guard.ErrRevoked) || !tc.revoked && err != nil {
			t.Fatalf("case %d: Save: %v, want revoked %v", i, err, tc.revoked)
		}
	}
}

// collector gathers the revocations a Watch function is called with.
type collector struct {
	mu   sync.Mutex
	seen []guard.Revocation
}

func (c *collector) add(r guard.Revocation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = append(c.seen, r)
}

// has reports, within a second, whether a revocation of subject was seen.
func (c *collector) has(subject string) bool {
	for end := time.Now().Add(time.Second); ; time.Sleep(2 * time.Millisecond) {
		c.mu.Lock()
		for _, r := range c.seen {
			if r.Subject == subject {
				c.mu.Unlock()
				return true
			}
		}
		c.mu.Unlock()
		if time.Now().After(end) {
			return false
		}
	}
}

func testWatch(t *testing.T, a, b guard.Store) {
	old := guard.Revocation{Kind: guard.RevokeUserID, Subject: "00uOld", At: at, Until: at.Add(time.Hour)}
	if err := a.Revoke(ctx(t), old); err != nil {
		t.Fatal(err)
	}
	var c collector
	stop, err := b.Watch(c.add)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !c.has("00uOld") {
		t.Fatal("Watch did not deliver a revocation recorded before it")
	}
	if err := a.Revoke(ctx(t), guard.Revocation{Kind: guard.RevokeLogin, Subject: "new@example.com", At: at, Until: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if !c.has("new@example.com") {
		t.Fatal("Watch did not deliver a new revocation within a second")
	}
}

func testStop(t *testing.T, a, b guard.Store) {
	var calls atomic.Int64
	stop, err := b.Watch(func(guard.Revocation) { calls.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if err := a.Revoke(ctx(t), guard.Revocation{Kind: guard.RevokeUserID, Subject: "00uAfterStop", At: at, Until: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if n := calls.Load(); n != 0 {
		t.Fatalf("%d calls after stop", n)
	}
}

func testConcurrent(t *testing.T, a, b guard.Store) {
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := []guard.Store{a, b}[i%2]
			k := guard.KeyOf("102concurrent" + string(rune('a'+i%8)))
			e := found("00uConcurrent", "c@example.com", at.Add(time.Duration(i)*time.Second), at.Add(time.Duration(i)*time.Second))
			if i%16 == 0 {
				_ = s.Revoke(ctx(t), guard.Revocation{Kind: guard.RevokeUserID, Subject: "00uConcurrent", At: e.AskedAt, Until: at.Add(time.Hour)})
			}
			if err := s.Save(ctx(t), k, e); err != nil && !errors.Is(err, guard.ErrRevoked) {
				t.Error(err)
			}
			_, _, _ = s.Load(ctx(t), k)
		}()
	}
	wg.Wait()
}
